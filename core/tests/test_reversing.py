from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from core import reversing
from core.reversing import reverse_slug


def test_the_same_address_as_reverse_in_each_language():
    for language in ("en", "zh-hant"):
        with translation.override(language):
            for view in ("reader:article_detail", "reader:topic_detail", "reader:author_detail"):
                assert reverse_slug(view, "數碼港-ai") == reverse(view, kwargs={"slug": "數碼港-ai"})
    with translation.override("en"):
        english = reverse_slug("reader:topic_detail", "fintech")
    with translation.override("zh-hant"):
        assert reverse_slug("reader:topic_detail", "fintech") != english


def test_reverse_runs_once_per_address_and_again_after_the_urlconf_changes():
    reversing._remembered.cache_clear()
    with mock.patch.object(reversing, "reverse", wraps=reverse) as spy, translation.override("en"):
        for _ in range(3):
            reverse_slug("reader:section_detail", "research")
        assert spy.call_count == 1
        with override_settings(ROOT_URLCONF="hkai_site.urls"):
            reverse_slug("reader:section_detail", "research")
        assert spy.call_count == 2
