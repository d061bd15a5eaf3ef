"""Template helpers for the readers' pages: article cards and bylines (reader/cards.py),
absolute URLs, the JSON-LD data block, page ranges for pagination, the sections in the main
navigation, and the page in the other language (the language switcher and the hreflang
alternates)."""

import json
from urllib.parse import unquote, urlsplit

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from articles import surrogates
from articles.models import Section
from core.languages import hreflang_alternates as alternates_of
from core.languages import language_tag
from images.html import rendition_of_width
from pagecache.fragments import generation_cached
from reader import cards

register = template.Library()

# As django.utils.html.json_script escapes: "</script>", "<!--" and "&" inside the data
# cannot end the block or start markup, because <, > and & never appear literally.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


machine_datetime = register.filter(cards.machine_datetime)
register.simple_tag(cards.byline)
register.simple_tag(cards.article_card)
register.simple_tag(cards.topic_index_items)
register.simple_tag(cards.count_list_items)


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """The absolute URL of a path on this site, for canonical links, OpenGraph and feeds."""
    return context["request"].build_absolute_uri(path)


def _canonical_path(context):
    """This page's path without query noise; page N > 1 of a listing keeps ?page=N."""
    path = context["request"].path
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        path += f"?page={page_obj.number}"
    return path


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's address without query noise; page N > 1 of a listing keeps ?page=N."""
    return context["request"].build_absolute_uri(_canonical_path(context))


@register.filter
def bcp47(language_code):
    """A Django language code as a BCP 47 tag for lang and hreflang: "zh-hant" -> "zh-Hant"."""
    return language_tag(language_code)


# On an article page, the link to its translation, in the words of the page's language.
ALSO_IN = {"en": _("Also in English"), "zh-hant": _("Also in 繁體中文")}
# On an article page in the other language's interface, when there is no version in its own.
ONLY_IN = {
    "en": _("This article is available in English only."),
    "zh-hant": _("This article is available in Traditional Chinese only."),
}


@register.simple_tag
def also_in(language_code):
    return ALSO_IN[language_code]


@register.simple_tag
def only_in(language_code):
    return ONLY_IN[language_code]


def _path_in(path, language_code):
    """`path` (and its query) on the page in `language_code`, or None if it is no page of
    the readers' site (a 404's address)."""
    try:
        resolve(unquote(urlsplit(path).path))
    except Resolver404:
        return None
    return translate_url(path, language_code)


@register.simple_tag(takes_context=True)
def language_switcher(context, same_page=True):
    """The language switcher's links: for each language other than the page's, the same
    page in it (query string kept, e.g. a search), or for an article its translation
    (`language_urls` from the view); the front page with same_page=False (a 404 page must
    not echo the address asked for). Plain links, not Django's set_language form: pages
    are cached and carry no CSRF token, and the URL alone says the language."""
    request = context["request"]
    versions = context.get("language_urls") or {}
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        if code == current:
            continue
        url = None
        if same_page:
            url = versions.get(code) or _path_in(request.get_full_path(), code)
        if url is None:
            with translation.override(code):
                url = reverse("reader:home")
        links.append({"code": code, "tag": bcp47(code), "name": name, "url": url})
    return links


@register.simple_tag(takes_context=True)
def hreflang_alternates(context):
    """(hreflang, absolute URL) of this page in each language, and x-default (English).

    A page of the site exists in each language at the same path, prefixed or not. An
    article names its versions only (`language_urls` from the view): an article with no
    translation names itself alone, for its page in the other interface is the same text
    (its canonical link points back to it)."""
    request = context["request"]
    versions = context.get("language_urls")
    if versions is None:
        path = _canonical_path(context)
        if _path_in(path, settings.LANGUAGE_CODE) is None:
            return []
        versions = {code: translate_url(path, code) for code, _ in settings.LANGUAGES}
    return alternates_of({code: request.build_absolute_uri(url) for code, url in versions.items()})


def json_ld_script(data):
    """A <script type="application/ld+json"> data block, escaped like json_script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),
    )


def person_reference(request, author, language):
    """An author in an article's JSON-LD: their name in the article's language and their
    page in it (a published article's authors have a page)."""
    return {
        "@type": "Person",
        "name": author.name_in(language),
        "url": request.build_absolute_uri(author.url_in(language)),
    }


@register.simple_tag(takes_context=True)
def author_json_ld(context, author):
    """schema.org Person for an author's page, in the page's language: the other
    language's name as alternateName, the photo's 1200-px rendition, the bio."""
    request = context["request"]
    language = translation.get_language()
    name = author.name_in(language)
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": name,
        "url": request.build_absolute_uri(author.url_in(language)),
        "mainEntityOfPage": {"@type": "ProfilePage", "@id": request.build_absolute_uri(request.path)},
    }
    other_names = {author.name_in(code) for code, _name in settings.LANGUAGES} - {name}
    if other_names:
        data["alternateName"] = sorted(other_names)
    if author.localized_bio:
        data["description"] = author.localized_bio
    image = rendition_of_width(author.photo, 1200) if author.photo else None
    if image is not None:
        data["image"] = request.build_absolute_uri(image.url)
    return json_ld_script(data)


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """schema.org NewsArticle for one article page."""
    request = context["request"]
    # The article's own address (its canonical), whichever language's pages show it.
    url = request.build_absolute_uri(article.url_in(article.language))
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.standfirst,
        "inLanguage": article.language_tag,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "articleSection": article.section.name_in(article.language),
        "keywords": [topic.name_in(article.language) for topic in article.topics.all()],
        "author": [person_reference(request, author, article.language) for author in article.authors.all()],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static("img/logo.svg")),
            },
        },
        # Local time with its offset, as the page's <time> elements and meta tags show it.
        "dateModified": machine_datetime(article.updated_at),
    }
    if article.published_at:
        data["datePublished"] = machine_datetime(article.published_at)
    # schema.org's `correction` is for corrections; updates only move dateModified (the
    # correction's save moves updated_at). Reads the view's prefetch: no query.
    corrections = [
        {"@type": "CorrectionComment", "text": note.note, "datePublished": machine_datetime(note.created_at)}
        for note in article.corrections.all()
        if note.kind == note.Kind.CORRECTION
    ]
    if corrections:
        data["correction"] = corrections
    image = rendition_of_width(article.hero, 1200) if article.hero else None
    if image is not None:
        # The 1200-px rendition (16:9), as OpenGraph names it.
        data["image"] = [request.build_absolute_uri(image.url)]
    return json_ld_script(data)


@register.simple_tag
def page_range(page_obj):
    """Page numbers around the current one, with Paginator.ELLIPSIS for the gaps."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)


@register.simple_tag
def navigation_sections():
    """The sections for the main navigation: one small query, once per content generation
    (every page shows them)."""
    return generation_cached(
        "navigation-sections",
        lambda: list(Section.objects.only("name", "name_zh_hant", "slug")),
        keys=(surrogates.SECTIONS,),
        single_flight=False,
    )


@register.simple_tag(takes_context=True)
def primary_navigation(context):
    """The main navigation's items (includes/primary_nav_items.html), rendered once for the
    two places that show them: the desktop bar and the phone menu."""
    items = context.template.engine.get_template("includes/primary_nav_items.html")
    return items.render(context)


@register.simple_tag(takes_context=True)
def nav_current(context, url, section=None, within=None):
    """The aria-current attribute of a main navigation link to `url`: "page" on that page;
    "true" on a page inside it, which is highlighted the same way: an article in `section`,
    or a page of the kind `within` names (a topic's page inside Topics)."""
    request = context["request"]
    if request.path == url:
        return mark_safe(' aria-current="page"')
    match = request.resolver_match
    name = match.url_name if match else None
    article = context.get("article")
    inside = (within is not None and name == within) or (
        section is not None
        and name == "article_detail"
        and getattr(article, "section_id", None) == section.pk
    )
    return mark_safe(' aria-current="true"') if inside else ""
