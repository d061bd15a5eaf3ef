"""Articles as the API shows them, each serialized and rendered to JSON once per content
generation for every app server (pagecache.fragments): a page of the list then costs its
keyset query (ids only), a few cache round trips and joining twenty rendered articles, not
the prefetches, serialization and JSON encoding of twenty articles (the p95 of bench/api.py,
bench/RESULTS.md "Content API"). Each is kept until a change to what it shows
(its surrogate keys, as for the pages), so nothing shown is older than the pages' own cache."""

from django.utils import translation

from articles import surrogates
from articles.models import Article
from pagecache.fragments import generation_cached_many

from . import renderers
from .serializers import ArticleSerializer


def published_articles():
    return Article.objects.published().for_listing().select_related("translation")


def shown_keys(article):
    """The keys of what an article's JSON shows: those of a card of it (its title, section,
    tags, authors) and, when it has a translation, its own page's key, which the
    translation's publication, withdrawal or new address bumps (placement_keys): its
    links must not outlive a withdrawn translation."""
    keys = surrogates.shown_keys(article)
    if article.translation_id:
        keys.add(surrogates.article_page_key(article.pk))
    return sorted(keys)


def shown_articles(ids, request):
    """[(rendered JSON, surrogate keys)] of the published articles `ids`, in that order
    (an id no longer published is left out). Absolute URLs name the request's scheme and
    host, so they are part of each value's name, with the active language."""
    origin = request.build_absolute_uri("/")
    names = {pk: f"api-article-json:{translation.get_language()}:{origin}:{pk}" for pk in ids}
    by_name = {name: pk for pk, name in names.items()}

    def serialize(missing):
        found = published_articles().filter(pk__in=[by_name[name] for name in missing])
        context = {"request": request}
        return {
            names[article.pk]: (
                renderers.render(ArticleSerializer(article, context=context).data),
                shown_keys(article),
            )
            for article in found
        }

    # Each article is kept until a change to what it shows (its own key, its tags', ...).
    values = generation_cached_many(names.values(), serialize, keys=lambda value: value[1])
    return [values[names[pk]] for pk in ids if names[pk] in values]
