"""The article card and byline (reader/cards.py): the markup every listing shows, escaped,
in the page's language."""

from datetime import datetime

import pytest
from django.utils import translation
from django.utils.safestring import mark_safe

from articles.models import Article, Author, Topic
from reader.cards import article_card, author_names, byline

from .helpers import HONG_KONG


def listed(article):
    """The article as a listing holds it: what a card shows prefetched."""
    return Article.objects.for_listing().get(pk=article.pk)


@pytest.fixture
def hostile(make_article):
    author = Author.objects.create(name='Ada "<b>" Chan', slug="ada")
    topics = [Topic.objects.create(name=f"topic {n} <i>") for n in range(5)]
    return listed(
        make_article(
            title="<script>alert(1)</script> & co",
            standfirst="Quotes \" and ' and <em>",
            published_at=datetime(2026, 11, 25, 9, 30, tzinfo=HONG_KONG),
            authors=[author],
            topics=topics,
        )
    )


def test_every_text_is_escaped(hostile):
    html = article_card(hostile)
    assert "<script>" not in html and "<em>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "Quotes &quot; and &#x27; and &lt;em&gt;" in html
    assert "Ada &quot;&lt;b&gt;&quot; Chan" in html


def test_the_card_shows_section_title_standfirst_byline_and_its_first_three_topics(hostile):
    with translation.override("en"):
        html = article_card(hostile)
    assert html.startswith('<article class="card">')
    assert f'<h2 class="card-title"><a href="{hostile.get_absolute_url()}">' in html
    assert f'<p class="kicker"><a href="{hostile.section.get_absolute_url()}">' in html
    assert (
        '<p class="byline">' in html
        and '<time datetime="2026-11-25T09:30:00+08:00">25 November 2026</time>' in html
    )
    assert html.count('<li><a href="/topics/') == 3
    assert 'aria-label="Topics"' in html


def test_a_card_in_the_other_language_says_so(make_article):
    chinese = listed(make_article(title="數碼港", standfirst="香港", language="zh-hant"))
    with translation.override("en"):
        html = article_card(chinese)
    assert html.count(' lang="zh-Hant"') == 2  # the title and the standfirst
    with translation.override("zh-hant"):
        assert ' lang="' not in article_card(chinese)


def test_the_heading_and_the_search_texts(make_article):
    article = listed(make_article(title="Cyberport & AI", standfirst="Plain"))
    html = article_card(
        article,
        heading="h3",
        card_class="search-result",
        title_class="search-result__title",
        title=mark_safe("<mark>Cyberport</mark> &amp; AI"),
        snippet=mark_safe("… <mark>Cyberport</mark> …"),
    )
    assert html.startswith('<article class="card search-result">')
    assert '<h3 class="card-title search-result__title"><a href=' in html
    assert "<mark>Cyberport</mark> &amp; AI</a></h3>" in html
    assert '<p class="search-result__snippet">… <mark>Cyberport</mark> …</p>' in html
    with pytest.raises(ValueError):
        article_card(article, heading='h2 onclick="x"')


def test_byline_names_in_the_pages_language(make_article):
    authors = [Author.objects.create(name=name, slug=name.lower()) for name in ("Ada", "Ben", "Cy")]
    article = listed(make_article(authors=authors))
    minutes = article.reading_minutes
    with translation.override("en"):
        assert ">Ada</a>, <a" in author_names(article.authors.all())
        assert ">Ben</a> and <a" in author_names(article.authors.all())
        assert f'<span class="reading-time">{minutes} min read</span>' in byline(article)
    with translation.override("zh-hant"):
        assert f"閱讀時間 {minutes} 分鐘" in byline(article)
        assert byline(article).startswith('<p class="byline"><span class="authors">撰文：')


def test_topics_prefetched_elsewhere_are_shown_without_a_query(hostile, django_assert_num_queries):
    first_two = list(hostile.topics.all()[:2])
    with django_assert_num_queries(0):
        html = article_card(hostile, topics=first_two)
    assert html.count('<li><a href="/topics/') == 2
