"""hkai_site/middleware.py: NUL anywhere in the address is a 400."""

import pytest
from django.urls import reverse

SEARCH_URL = reverse("search:search")


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize("query", ["?q=fin%00tech", "?q=%00", "?topic=fin%00tech"])
    def test_nul_bytes_are_a_400(self, client, make_article, query):
        # NUL never reaches the search: hkai_site.middleware answers 400 for it anywhere in
        # the address (PostgreSQL cannot compare text containing NUL).
        make_article(title="Fintech news")
        assert client.get(SEARCH_URL + query).status_code == 400
