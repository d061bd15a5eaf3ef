"""The site's languages: Django's codes ("en", "zh-hant", from settings.LANGUAGES), the BCP 47
tags pages, feeds and sitemaps write ("en", "zh-Hant"), and the field that holds a record's
text in a language ("name_zh_hant")."""

from django.conf import settings
from django.utils.translation import to_locale


def language_tag(code):
    """A Django language code as a BCP 47 tag, for lang, hreflang, RSS <language> and
    xml:lang: "zh-hant" -> "zh-Hant", "en" -> "en"."""
    return to_locale(code).replace("_", "-")


def localized_field(base, code):
    """The name of the field holding `base` in language `code`: ("name", "zh-hant") ->
    "name_zh_hant". The English text is `base` itself, so no field is named for English;
    a getattr() or .get() of the result then finds nothing and falls back."""
    return f"{base}_{code.replace('-', '_').lower()}"


def localized(values, base, code):
    """`base` in language `code` from a mapping (a .values() row), falling back to the
    English `values[base]` where that language's text is blank or missing."""
    return (code and values.get(localized_field(base, code))) or values[base]


def hreflang_alternates(versions, x_default=True):
    """[(hreflang, url)] for {language code: url}: the site's languages in their order, as
    BCP 47 tags, then x-default, which is the English version (LANGUAGE_CODE) where there is
    one. Pages' <link rel="alternate"> and the sitemap's xhtml:link both say it this way."""
    alternates = [(language_tag(code), versions[code]) for code, _ in settings.LANGUAGES if code in versions]
    if x_default and settings.LANGUAGE_CODE in versions:
        alternates.append(("x-default", versions[settings.LANGUAGE_CODE]))
    return alternates


def news_language(code):
    """The language as Google News sitemaps write it: ISO 639, except Traditional Chinese,
    which is "zh-tw" ("zh-hant" -> "zh-tw", "en" -> "en")."""
    return "zh-tw" if code.lower() in ("zh-hant", "zh-tw", "zh-hk") else code.split("-")[0].lower()
