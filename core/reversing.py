"""reverse() for the addresses pages print most: an article's, a section's, a tag's and an
author's page by slug, remembered per process."""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation


@functools.lru_cache(maxsize=20_000)
def _remembered(viewname, slug, language, script_prefix, urlconf):
    return reverse(viewname, urlconf=urlconf, kwargs={"slug": slug})


def reverse_slug(viewname, slug):
    """reverse(viewname, kwargs={"slug": slug}), remembered per language, script prefix and
    URLconf: a list page links each of its articles, sections, tags and authors, some several
    times, and every reverse() walks the resolver again for an answer that never changes while
    the process runs."""
    return _remembered(viewname, slug, translation.get_language(), get_script_prefix(), get_urlconf())


@receiver(setting_changed)
def _forget_on_url_settings(setting, **kwargs):
    # Tests that swap the URLconf or the languages must not get the addresses of before.
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME"):
        _remembered.cache_clear()
