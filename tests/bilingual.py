"""Content in English and Traditional Chinese for the tests of several apps: the `bilingual`
fixture (given to every folder by the root conftest.py) and the lists readers see of it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from articles.models import Article, Author, Organisation, Topic

HONG_KONG = ZoneInfo("Asia/Hong_Kong")

# The bilingual stories as an English and a Chinese list show them: each story once, in the
# page's language where it has that version.
ENGLISH_LIST = ["Fintech grows in Hong Kong", "Only in English", "只有中文的報道", "Translation on its way"]
CHINESE_LIST = ["香港金融科技起飛", "Only in English", "只有中文的報道", "Translation on its way"]


@pytest.fixture
def bilingual(make_article, section, settings):
    """Stories in both languages:
    - `en` (English) and `zh` (its Chinese translation), both published;
    - `en_only` (English, no translation) and `zh_only` (Chinese, no translation);
    - `en_draft_zh` (English) whose Chinese translation is still a draft.
    All carry the topic fintech (金融科技) and the organisation Cyberport (數碼港)."""
    settings.ARTICLES_PER_PAGE = 50
    section.name_zh_hant = "政府措施"
    section.save()
    fintech = Topic.objects.create(name="fintech", name_zh_hant="金融科技")
    cyberport = Organisation.objects.create(
        name="Cyberport", name_zh_hant="數碼港", kind=Organisation.Kind.INCUBATOR
    )
    author = Author.objects.create(name="陳大文", slug="chan")
    tags = {"topics": [fintech], "organisations": [cyberport], "authors": [author]}
    en = make_article(
        title="Fintech grows in Hong Kong",
        slug="fintech-grows",
        standfirst="Banks and startups.",
        body="The text in full.",
        published_at=datetime(2026, 11, 25, 9, 30, tzinfo=HONG_KONG),
        **tags,
    )
    zh_article = make_article(
        title="香港金融科技起飛",
        slug="香港金融科技起飛",
        language="zh-hant",
        standfirst="銀行與初創企業。",
        body="中文內容。",
        translation=en,
        published_at=datetime(2026, 11, 25, 10, 0, tzinfo=HONG_KONG),
        **tags,
    )
    en_only = make_article(
        title="Only in English",
        slug="only-in-english",
        published_at=datetime(2026, 11, 24, 9, 0, tzinfo=HONG_KONG),
        **tags,
    )
    zh_only = make_article(
        title="只有中文的報道",
        slug="只有中文的報道",
        language="zh-hant",
        published_at=datetime(2026, 11, 23, 9, 0, tzinfo=HONG_KONG),
        **tags,
    )
    en_draft_zh = make_article(
        title="Translation on its way",
        slug="translation-on-its-way",
        published_at=datetime(2026, 11, 22, 9, 0, tzinfo=HONG_KONG),
        **tags,
    )
    draft_zh = make_article(
        title="草稿譯本標記",
        slug="草稿譯本標記",
        language="zh-hant",
        status=Article.Status.DRAFT,
        translation=en_draft_zh,
        **tags,
    )
    for article in (en, en_only, zh_only, en_draft_zh):
        article.refresh_from_db()
    return {
        "en": en,
        "zh": zh_article,
        "en_only": en_only,
        "zh_only": zh_only,
        "en_draft_zh": en_draft_zh,
        "draft_zh": draft_zh,
        "fintech": fintech,
        "cyberport": cyberport,
        "section": section,
        "author": author,
    }
