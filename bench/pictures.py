"""What a reader's pages with pictures weigh: the HTML bytes, and the image bytes a phone
(390 CSS px wide) downloads, by the browser's srcset choice from each <picture>'s WebP
source and sizes, against the originals that a plain <img src> would send.

Runs in-process (Django's test client) on a throwaway SQLite database and media folder with
the launch content (its pictures are drawn by demo/pictures.py), so it needs no server:

    .venv/bin/python bench/pictures.py            # prints a Markdown table
    .venv/bin/python bench/pictures.py --dpr 3    # a phone with 3 device pixels per CSS px

Not part of `make test`; the numbers go in bench/RESULTS.md ("Pictures: what a phone downloads").
"""

import argparse
import os
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REM = 16  # px: the site's root font size


class Pictures(HTMLParser):
    """Each <picture>'s WebP source (what a current phone takes) and its <img>'s loading."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pictures, self._source = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "source" and a.get("type") == "image/webp":
            self._source = a
        elif tag == "img" and self._source is not None:
            self.pictures.append({"srcset": self._source["srcset"], "sizes": self._source["sizes"], **a})
            self._source = None


def length(value, viewport):
    value = value.strip()
    number = float(re.match(r"[\d.]+", value)[0])
    if value.endswith("rem"):
        return number * REM
    if value.endswith("vw"):
        return number * viewport / 100
    return number  # px


def slot_width(sizes, viewport):
    """The first entry of `sizes` whose (min-width: ...) holds, as a browser reads it."""
    for entry in sizes.split(","):
        entry = entry.strip()
        condition = re.match(r"\(min-width:\s*([^)]+)\)\s*(.+)", entry)
        if condition is None:
            return length(entry, viewport)
        if viewport >= length(condition[1], viewport):
            return length(condition[2], viewport)
    return viewport


def chosen_url(picture, viewport, dpr):
    """The smallest candidate at least slot × dpr pixels wide (the largest if none is)."""
    need = slot_width(picture["sizes"], viewport) * dpr
    candidates = sorted(
        (int(width[:-1]), url)
        for url, width in (part.strip().rsplit(" ", 1) for part in picture["srcset"].split(","))
    )
    return next((url for width, url in candidates if width >= need), candidates[-1][1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewport", type=int, default=390)
    parser.add_argument("--dpr", type=float, default=1)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hkai-pictures-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="hkai_site.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(work / "media"),
        PAGE_CACHE="0",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.test import Client

    from articles.models import Article

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("load_demo_content", stdout=open(os.devnull, "w"))
    lead = Article.objects.filter(featured=True).select_related("hero").first()
    pages = {"front page": "/", "article (the lead)": lead.get_absolute_url(), "all articles": "/articles/"}
    client = Client()
    media_url = settings.MEDIA_URL
    print(
        f"Phone: {args.viewport} CSS px wide, {args.dpr:g} device px per CSS px; WebP chosen from srcset.\n"
    )
    print("| page | HTML | pictures | eager (first screen) | all, scrolled to the end | originals instead |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content
        found = Pictures()
        found.feed(html.decode())
        eager = total = originals = 0
        for picture in found.pictures:
            chosen = chosen_url(picture, args.viewport, args.dpr)
            size = default_storage.size(chosen.removeprefix(media_url))
            total += size
            eager += 0 if picture.get("loading") == "lazy" else size
            image = Article.objects.filter(hero__renditions__file=chosen.removeprefix(media_url)).first()
            originals += default_storage.size(image.hero.file.name) if image else size
        print(
            f"| {name} | {len(html) / 1024:.1f} KB | {len(found.pictures)} | {eager / 1024:.1f} KB "
            f"| {total / 1024:.1f} KB | {originals / 1024:.1f} KB |"
        )


if __name__ == "__main__":
    main()
