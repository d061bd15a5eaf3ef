"""The directories of topics and organisations, and the front page's most covered tags:
published counts, computed once per content generation for every app server.

The counts are the costly part of every page that shows them (one aggregate over every tag
link, bench/RESULTS.md), so they come from `TagQuerySet.in_use()` (published articles only)
through `generation_cached`, kept until an article enters or leaves a list, or a tag is
renamed (the "topics" / "organisations" surrogate keys, pagecache/)."""

from articles import surrogates
from articles.models import Organisation
from pagecache.fragments import generation_cached

# Fields of a directory entry, per model; the entry is (pk, num_articles, name, ...).
DIRECTORY_FIELDS = ("pk", "num_articles", "name")
ORGANISATION_DIRECTORY_FIELDS = (*DIRECTORY_FIELDS, "kind")


def directory_fields(model):
    return ORGANISATION_DIRECTORY_FIELDS if model is Organisation else DIRECTORY_FIELDS


def directory_order(model):
    """Topics by name; organisations by kind (in the order the kinds are declared,
    government first), then by name."""
    return [Organisation.kind_order(), "name"] if model is Organisation else ["name"]


def directory_keys(model):
    """The surrogate key of a directory and its counts."""
    return (surrogates.ORGANISATIONS if model is Organisation else surrogates.TOPICS,)


def published_directory(model):
    """Every tag of `model` in use as (pk, num_articles, name, ...) tuples, in directory
    order."""
    return generation_cached(
        f"{model._meta.label_lower}:directory",
        lambda: list(
            model.objects.in_use().order_by(*directory_order(model)).values_list(*directory_fields(model))
        ),
        keys=directory_keys(model),
    )


def most_covered(model, limit):
    """The `limit` tags with the most published articles (ties by name), each with
    `num_articles`."""
    return generation_cached(
        f"{model._meta.label_lower}:most-covered:{limit}",
        lambda: list(model.objects.in_use().order_by("-num_articles", "name")[:limit]),
        keys=directory_keys(model),
    )


def with_counts(model, entries):
    """The tags of directory `entries`, in their order, each with `num_articles`."""
    if not entries:
        return []
    tags = model.objects.in_bulk([entry[0] for entry in entries])
    found = []
    for pk, num_articles, *_rest in entries:
        if pk in tags:  # deleted since the entries were computed: skip it
            tags[pk].num_articles = num_articles
            found.append(tags[pk])
    return found
