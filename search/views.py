"""The search page: thin, over ArticleSearch (search.py)."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from django.views.generic import ListView

from articles import surrogates
from pagecache.fragments import generation_cached
from pagecache.surrogate import add_keys
from reader.pagination import CachedCountMixin
from reader.views import SurrogateKeysMixin

from .highlight import mark, needles, snippet
from .query import MAX_VALUE_LENGTH, clean_text
from .search import ArticleSearch
from .suggest import suggestions


class SearchView(SurrogateKeysMixin, CachedCountMixin, ListView):
    """Search published articles by topics, organisations, section and words: the parsing,
    matching, ranking and facets live in search.py."""

    template_name = "search/search.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE

    @property
    def list_keys(self):
        """Any article published, withdrawn or moved may change any search's results and
        facets; an edit of a public article's text, only a search with words (a search by
        tags alone shows it by its card, whose key the page carries)."""
        if self.search.terms:
            return (surrogates.SEARCH, surrogates.SEARCH_WORDS)
        return (surrogates.SEARCH,)

    def get_queryset(self):
        self.search = ArticleSearch.from_query_dict(self.request.GET, language=get_language())
        return self.search.listing()

    def count_key(self):
        # The search as its canonical parameters (cleaned, deduplicated), hashed: the count
        # and facets of a repeated search are computed once per content generation.
        return f"search:{self.search.digest}:{get_language()}"

    def maintained_count(self):
        # A search with words counted its matches when it found them: no COUNT(*).
        return self.search.ranked_count()

    def paginate_queryset(self, queryset, page_size):
        # A search link with a stale or mangled page number (page=abc, page=99999) shows the
        # nearest page instead of a 404: readers reach these from old links and bookmarks.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["articles"] = context["object_list"] = page.object_list = self.highlighted(page.object_list)
        ranked_limit = self.search.ranked_limit
        context.update(
            search=self.search,
            active_filters=self.search.active_filters(),
            facets=generation_cached(f"facets:{self.count_key()}", self.search.facets, keys=self.list_keys),
            results_limited=ranked_limit is not None and page.paginator.count >= ranked_limit,
            previous_page_url=(
                self.search.url(page=page.previous_page_number()) if page.has_previous() else ""
            ),
            next_page_url=self.search.url(page=page.next_page_number()) if page.has_next() else "",
            # Never a silent empty page: a search that found nothing offers the nearest names.
            did_you_mean=(
                self.search.did_you_mean() if not page.paginator.count and not self.search.is_empty else None
            ),
        )
        return context

    def highlighted(self, articles):
        """The page's articles with `marked_title`, `marked_standfirst` and `snippet` (of the
        body, "" where it did not match): escaped text, matched words in <mark>."""
        strings = needles(self.search.terms)
        articles = list(articles)
        for article in articles:
            article.marked_title = mark(article.title, strings)
            article.marked_standfirst = mark(article.standfirst, strings)
            # Without words (a search by tags alone) nothing is marked: no snippet, and no
            # body, which such a search does not load (ArticleSearch.listing).
            article.snippet = snippet(article.body, strings) if strings else ""
        return articles


@require_GET
def suggest(request):
    """Suggestions for the search box as JSON: {"q": ..., "suggestions": [{"kind", "kind_label",
    "name", "count", "url"}]} (suggest.py). A page like the others for the page cache and the
    edge: any change of public content may change the names and counts."""
    q = clean_text(request.GET.get("q", ""), MAX_VALUE_LENGTH)
    add_keys(surrogates.SEARCH, surrogates.SECTIONS, surrogates.TOPICS, surrogates.ORGANISATIONS)
    return JsonResponse(
        {"q": q, "suggestions": suggestions(q, get_language())},
        json_dumps_params={"ensure_ascii": False},
    )
