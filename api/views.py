"""The API's views: thin, over the content model's querysets, the site search (filters.py)
and the pages' HTTP caching (each view names the surrogate keys of what it shows)."""

from csp.decorators import csp_update
from django.db.models import Q
from django.http import Http404
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import generics
from rest_framework import serializers as drf_serializers
from rest_framework.response import Response

from articles import surrogates
from articles.models import Article, Author, Organisation, Section, Topic
from pagecache.surrogate import add_keys

from . import renderers, serializers
from .cached import shown_articles
from .filters import ArticleFilters
from .pagination import ArticlePagination, SlugPagination


def repeated(name, description):
    return OpenApiParameter(name, OpenApiTypes.STR, many=True, explode=True, description=description)


ARTICLE_FILTERS = [
    OpenApiParameter(
        "q", OpenApiTypes.STR, description='Words, as the site\'s search: "a phrase", -word, a or b.'
    ),
    repeated("topic", "A topic's slug or name; repeat for several (all must hold)."),
    repeated("org", "An organisation's slug or name; repeat for several (all must hold)."),
    repeated("section", "A section's slug or name; repeat for several (all must hold)."),
    repeated("author", "An author's slug; repeat for several (all must hold)."),
    OpenApiParameter(
        "lang", OpenApiTypes.STR, enum=["en", "zh-hant"], description="Written in this language."
    ),
    OpenApiParameter(
        "published_after", OpenApiTypes.DATETIME, description="Published at or after (ISO 8601)."
    ),
    OpenApiParameter("published_before", OpenApiTypes.DATETIME, description="Published before (ISO 8601)."),
    OpenApiParameter(
        "updated_after", OpenApiTypes.DATETIME, description="Changed at or after (ISO 8601): for syncing."
    ),
]


ERROR = OpenApiResponse(
    inline_serializer(
        "Error",
        {
            "detail": drf_serializers.CharField(),
            "errors": drf_serializers.DictField(child=drf_serializers.CharField(), required=False),
        },
    ),
    description="What was wrong (`detail`), and for a bad parameter a message per parameter (`errors`).",
)
LIST_ERRORS = {400: ERROR, 429: ERROR}
DETAIL_ERRORS = {404: ERROR, 429: ERROR}


class KeyedListMixin:
    """A list declares its list keys and each shown item's identity key."""

    list_keys = ()

    def item_keys(self, item):
        return {surrogates.identity_key(item)}

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        add_keys(*self.list_keys)
        for item in page or ():
            add_keys(*self.item_keys(item))
        return page


@extend_schema(
    parameters=ARTICLE_FILTERS,
    tags=["articles"],
    responses={200: serializers.ArticleSerializer(many=True), **LIST_ERRORS},
)
class ArticleListView(KeyedListMixin, generics.ListAPIView):
    """Published articles, newest first, filtered as the site's search filters them."""

    serializer_class = serializers.ArticleSerializer
    pagination_class = ArticlePagination
    # A new, withdrawn or edited article may enter, leave or change any filtered list (by
    # words too: an edit of its text).
    list_keys = (surrogates.LATEST, surrogates.SEARCH, surrogates.SEARCH_WORDS)

    def item_keys(self, article):
        return ()  # each article's keys come with it from shown_articles()

    def get_queryset(self):
        # The page's ids and cursor fields only, as rows rather than model instances: the
        # articles themselves come from the cache.
        matching = ArticleFilters.from_query_dict(self.request.query_params).queryset()
        return (
            matching.select_related(None).prefetch_related(None).values_list("id", "published_at", named=True)
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        shown = shown_articles([row.id for row in page], request)
        for _json, keys in shown:
            add_keys(*keys)
        return self.paginator.get_rendered_response([json for json, _keys in shown])


@extend_schema(tags=["articles"], responses={200: serializers.ArticleSerializer, **DETAIL_ERRORS})
class ArticleDetailView(generics.RetrieveAPIView):
    """One published article, by its slug or its id."""

    serializer_class = serializers.ArticleSerializer

    def get_object(self):
        key = self.kwargs["key"]
        lookup = Q(slug=key) | Q(pk=int(key)) if key.isdigit() and len(key) < 19 else Q(slug=key)
        candidates = Article.objects.published().filter(lookup).only("id", "slug", "translation_id")
        found = sorted(candidates, key=lambda a: a.slug != key)  # the slug first
        if not found:
            raise Http404
        return found[0]

    def retrieve(self, request, *args, **kwargs):
        article = self.get_object()
        shown = shown_articles([article.pk], request)
        if not shown:  # withdrawn a moment ago
            raise Http404
        rendered, keys = shown[0]
        add_keys(*keys, surrogates.article_page_key(article.pk))
        if article.translation_id:
            add_keys(surrogates.article_key(article.translation_id))
        return Response(renderers.RenderedJSON(rendered))


class SlugDetailMixin:
    lookup_field = "slug"
    list_keys = ()

    def get_object(self):
        obj = super().get_object()
        add_keys(*self.list_keys, surrogates.identity_key(obj))
        return obj


class PublicRowsMixin:
    """The model's public() rows, looked up per request: public() reads the clock, and a
    class-level `queryset` would keep the time of import (tags of articles expired since then
    listed, those of articles published since then missing)."""

    model = None

    def get_queryset(self):
        return self.model.objects.public()


@extend_schema(tags=["sections"], responses={200: serializers.SectionSerializer(many=True), **LIST_ERRORS})
class SectionListView(PublicRowsMixin, KeyedListMixin, generics.ListAPIView):
    """Every section, by slug."""

    serializer_class = serializers.SectionSerializer
    pagination_class = SlugPagination
    model = Section
    list_keys = (surrogates.SECTIONS,)


@extend_schema(tags=["sections"], responses={200: serializers.SectionSerializer, **DETAIL_ERRORS})
class SectionDetailView(PublicRowsMixin, SlugDetailMixin, generics.RetrieveAPIView):
    serializer_class = serializers.SectionSerializer
    model = Section
    list_keys = (surrogates.SECTIONS,)


@extend_schema(tags=["topics"], responses={200: serializers.TopicSerializer(many=True), **LIST_ERRORS})
class TopicListView(PublicRowsMixin, KeyedListMixin, generics.ListAPIView):
    """Topics that published articles carry, by slug."""

    serializer_class = serializers.TopicSerializer
    pagination_class = SlugPagination
    model = Topic
    list_keys = (surrogates.TOPICS,)


@extend_schema(tags=["topics"], responses={200: serializers.TopicSerializer, **DETAIL_ERRORS})
class TopicDetailView(PublicRowsMixin, SlugDetailMixin, generics.RetrieveAPIView):
    serializer_class = serializers.TopicSerializer
    model = Topic
    list_keys = (surrogates.TOPICS,)


@extend_schema(
    tags=["organisations"], responses={200: serializers.OrganisationSerializer(many=True), **LIST_ERRORS}
)
class OrganisationListView(PublicRowsMixin, KeyedListMixin, generics.ListAPIView):
    """Organisations that published articles carry, by slug."""

    serializer_class = serializers.OrganisationSerializer
    pagination_class = SlugPagination
    model = Organisation
    list_keys = (surrogates.ORGANISATIONS,)


@extend_schema(tags=["organisations"], responses={200: serializers.OrganisationSerializer, **DETAIL_ERRORS})
class OrganisationDetailView(PublicRowsMixin, SlugDetailMixin, generics.RetrieveAPIView):
    serializer_class = serializers.OrganisationSerializer
    model = Organisation
    list_keys = (surrogates.ORGANISATIONS,)


@extend_schema(tags=["authors"], responses={200: serializers.AuthorSerializer(many=True), **LIST_ERRORS})
class AuthorListView(PublicRowsMixin, KeyedListMixin, generics.ListAPIView):
    """Authors with published articles, by slug."""

    serializer_class = serializers.AuthorSerializer
    pagination_class = SlugPagination
    # An author's first published article (or last withdrawn) purges HOME (articles/surrogates.py).
    list_keys = (surrogates.HOME,)

    model = Author


@extend_schema(tags=["authors"], responses={200: serializers.AuthorSerializer, **DETAIL_ERRORS})
class AuthorDetailView(PublicRowsMixin, SlugDetailMixin, generics.RetrieveAPIView):
    serializer_class = serializers.AuthorSerializer
    list_keys = (surrogates.HOME,)

    model = Author


# Swagger UI draws its icons as data: SVG images (in its stylesheet and its script); the
# rest of the policy (scripts and styles from this site only) is the site's.
@method_decorator(csp_update({"img-src": ["data:"]}), name="dispatch")
class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from static/ (drf-spectacular-sidecar), its start-up script a file of its
    own and no inline style: the site's strict CSP holds on this page too."""

    template_name = "api/docs.html"
    url_name = "api:schema"
