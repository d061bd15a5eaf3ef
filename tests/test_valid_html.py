"""Every page type, in both languages, passes the W3C Nu HTML checker (vnu).

The pages are rendered by the test client and checked by one run of vnu.jar over all of
them (one Java start). vnu.jar comes from npm (`.ci/run` installs it into .ci/node/, which
git ignores); VNU_JAR names another copy. Without Java or vnu.jar the test skips, saying so.
"""

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from articles.models import Article, Author, Correction
from reader.tests.helpers import PAGE_TYPES, page_types, zh
from tests.pictures import make_image

VNU_JAR = Path(
    os.environ.get("VNU_JAR", Path(settings.BASE_DIR) / ".ci/node/node_modules/vnu-jar/build/dist/vnu.jar")
)

pytestmark = [
    pytest.mark.skipif(shutil.which("java") is None, reason="vnu needs Java (Debian: default-jre-headless)"),
    pytest.mark.skipif(
        not VNU_JAR.is_file(),
        reason=f"vnu.jar not found at {VNU_JAR}: `npm install --prefix .ci/node vnu-jar` (as .ci/run does) or set VNU_JAR",
    ),
]


def vnu_errors(files):
    """{file name: [error messages]} of one vnu run over `files`."""
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(run.stderr or run.stdout)
    errors = {}
    for message in report["messages"]:
        name = Path(message.get("url", "?")).name
        errors.setdefault(name, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return errors


@pytest.mark.django_db
def test_every_page_type_in_both_languages_is_valid_html(client, bilingual, tmp_path):
    # Times as the site stores them, with microseconds (the templates must not print them
    # all: a <time datetime> allows three digits of a second at most).
    for article in Article.objects.all():
        Article.objects.filter(pk=article.pk).update(
            published_at=article.published_at + timedelta(microseconds=123456)
            if article.published_at
            else None
        )
    urls = page_types(bilingual)
    assert sorted(urls) == sorted(PAGE_TYPES)
    urls["search_with_filters"] = "/search/?q=fintech&topic=fintech&org=no-such-org"
    # An author with everything their page can show: photo, bio in each language.
    author = Author.objects.create(
        name="Ada Chan",
        name_zh_hant="陳愛達",
        slug="ada-chan",
        bio="Covers fintech.\nBased in Kowloon.",
        bio_zh_hant="報道金融科技。",
        photo=make_image("Ada Chan at her desk", size=(800, 800)),
    )
    bilingual["en"].authors.add(author)
    urls["author_with_photo"] = author.get_absolute_url()
    # An article with a correction and an update under it, and the corrections page.
    Correction.objects.create(article=bilingual["en"], note="An earlier version misnamed the fund.")
    Correction.objects.create(article=bilingual["en"], kind=Correction.Kind.UPDATE, note="The fund opened.")
    urls["article_with_corrections"] = bilingual["en"].get_absolute_url()
    urls["corrections"] = "/corrections/"
    urls["not_found"] = "/no/such/page/"
    files = []
    for name, url in urls.items():
        for language, address in (("en", url), ("zh-hant", zh(url))):
            response = client.get(address)
            assert response.status_code == (404 if name == "not_found" else 200), address
            assert response["Content-Type"].startswith("text/html"), address
            path = tmp_path / f"{name}.{language}.html"
            path.write_bytes(response.content)
            files.append(path)
    assert vnu_errors(files) == {}
