"""The directories of topics and organisations, and the front page's most covered tags and
sections, with their published counts, computed once per content generation for every app
server.

The counts are maintained as content changes (articles/counts.py: published articles
only), so a cold directory is one read of the counts and one of the tags; `generation_cached`
keeps the result until an article enters or leaves a list, or a tag is renamed (the "topics" /
"organisations" surrogate keys, pagecache/), or a scheduled article's time comes."""

from articles import counts, surrogates
from articles.models import Organisation, PublishedCount, Section, Topic
from pagecache.fragments import generation_cached, generation_cached_many

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

    def compute():
        # The tags with a count (a semi-join on the counts), then the counts merged in: one
        # correlated lookup per tag in SQL cost 20 µs each (100 ms for 5,000 topics), and
        # the 5,000 ids as parameters 300 ms to send and plan (bench/RESULTS.md).
        kind = counts.MODEL_KINDS[model]
        stories = counts.stories(kind)
        counted = PublishedCount.objects.filter(kind=kind).values("object_id")
        fields = [field for field in directory_fields(model) if field != "num_articles"]
        rows = model.objects.filter(pk__in=counted).order_by(*directory_order(model)).values_list(*fields)
        return [(pk, stories[pk], *rest) for pk, *rest in rows if pk in stories]

    return generation_cached(f"{model._meta.label_lower}:directory", compute, keys=directory_keys(model))


def most_covered(model, limit):
    """The `limit` tags with the most published articles (ties by name), each with
    `num_articles`: one query."""
    # The limit-th count and every tag with at least as many (ties are ordered by name).
    top = counts.most_counted(counts.MODEL_KINDS[model], limit)
    tags = model.objects.in_use().filter(pk__in=top.values("object_id"))
    return sorted(tags, key=lambda tag: (-tag.num_articles, tag.name))[:limit]


def sections_with_counts():
    """Every section with `num_articles` (its published stories), in section order."""
    counts.ensure_current()
    return list(Section.objects.with_story_counts())


def front_page_directories(limit):
    """(the sections with their counts, the `limit` most covered organisations, the `limit`
    most covered topics) for the front page, each kept until what it counts changes, and
    read together: a few cache round trips for the three (generation_cached_many), where
    one generation_cached each cost five or six when they were stale."""
    # Any article entering or leaving a list changes "latest" (surrogates.placement_keys).
    computations = {
        "home:sections": (sections_with_counts, (surrogates.SECTIONS, surrogates.LATEST)),
        f"home:most-covered:organisations:{limit}": (
            lambda: most_covered(Organisation, limit),
            directory_keys(Organisation),
        ),
        f"home:most-covered:topics:{limit}": (lambda: most_covered(Topic, limit), directory_keys(Topic)),
    }

    def compute(missing):
        found = {}
        for name in missing:
            compute_one, keys = computations[name]
            found[name] = (keys, compute_one())
        return found

    values = generation_cached_many(computations, compute, keys=lambda value: value[0])
    return tuple(values[name][1] for name in computations)


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
