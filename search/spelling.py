""" "Did you mean": the nearest public topic, organisation or section name to a word or tag
that found nothing ("fintec" -> "fintech", "Cyberprot" -> "Cyberport"). Only public names
are offered (a tag only drafts carry is never suggested). PostgreSQL: pg_trgm's similarity
(the extension articles migration 0004 installs) among the names its `%` finds through the
tag names' trigram indexes (search migration 0002); SQLite: edit distance in Python over
the public names (few: tags and sections, not words of the articles). A word that published
articles hold is not looked up at all (ArticleSearch.did_you_mean)."""

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections, transaction
from django.db.models import Q
from django.db.models.functions import Greatest

from articles.models import Organisation, Topic

# Below this pg_trgm similarity, or above this share of edits, a name is not "meant".
MIN_SIMILARITY = 0.3
MAX_EDIT_SHARE = 0.34
# The models whose names have trigram indexes (search migration 0002); sections are few.
TRIGRAM_INDEXED = (Topic, Organisation)


def edit_distance(a, b):
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    two neighbours ("prot" -> "port" is one edit), case ignored."""
    a, b = a.casefold(), b.casefold()
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]


def nearest_name(model, text):
    """The public `model` object whose name (either language) or slug is nearest `text`, as
    (object, the name that matched), or None when none is near or `text` is one already."""
    queryset = model.objects.public()
    if connections[queryset.db].vendor != "postgresql":
        return _nearest(queryset.only("pk", "slug", "name", "name_zh_hant"), text)
    if model not in TRIGRAM_INDEXED:
        return _nearest(_most_similar(queryset, text), text)
    with transaction.atomic(using=queryset.db), connections[queryset.db].cursor() as cursor:
        # `%` (a similarity of at least pg_trgm's threshold, here ours) is what the trigram
        # indexes serve (search migration 0002): only the names they find get their
        # similarity computed and are tested for being public. The planner prices `%` as
        # cheap as a comparison and would compute it for every tag, in a sequential scan
        # or a walk of the primary key, so both are off for this one query.
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(MIN_SIMILARITY)])
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        similar = queryset.filter(
            Q(name__trigram_similar=text)
            | Q(name_zh_hant__trigram_similar=text)
            | Q(slug__trigram_similar=text)
        )
        return _nearest(list(_most_similar(similar, text)), text)


def _most_similar(queryset, text):
    """The five names of `queryset` most similar to `text` by pg_trgm, at least MIN_SIMILARITY."""
    return (
        queryset.annotate(
            similarity=Greatest(
                TrigramSimilarity("name", text),
                TrigramSimilarity("name_zh_hant", text),
                TrigramSimilarity("slug", text),
            )
        )
        .filter(similarity__gte=MIN_SIMILARITY)
        .order_by("-similarity", "name")[:5]
    )


def _nearest(candidates, text):
    """(object, name) of the candidate nearest `text` by edit distance, None when none is
    near enough or one is `text` already."""
    best = None
    for obj in candidates:
        for name in (obj.name, obj.name_zh_hant, obj.slug):
            if not name:
                continue
            if name.casefold() == text.casefold():
                return None
            distance = edit_distance(text, name)
            if distance <= max(1, round(MAX_EDIT_SHARE * max(len(text), len(name)))) and (
                best is None or distance < best[0]
            ):
                best = (distance, obj, name)
    return best[1:] if best else None
