"""The page's language comes from its URL, and from nothing else.

English pages keep their unprefixed URLs (`/articles/...`), Chinese pages live under
`/zh-hant/...` (i18n_patterns with prefix_default_language=False in hkai_site/urls.py).
Django's LocaleMiddleware already activates LANGUAGE_CODE for every unprefixed path when
prefix_default_language is False (django/middleware/locale.py, process_request), so a
`django_language` cookie or an `Accept-Language: zh-hant` header never turns an English URL
Chinese: one URL is one page, which the page cache (keyed by path and query) relies on.

What it still does on the way out is add `Vary: Accept-Language` to every unprefixed
response, which tells shared caches (a CDN, a proxy) to keep one copy of each English page
per Accept-Language value a browser sends, for a header that cannot change the page.
This subclass leaves that header out; everything else is Django's.
"""

from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class URLLocaleMiddleware(LocaleMiddleware):
    def process_response(self, request, response):
        # No redirect to a prefixed URL either: with prefix_default_language=False an
        # unprefixed URL is already the English page, and its 404 is a real 404.
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
