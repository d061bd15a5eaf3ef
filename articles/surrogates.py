"""Surrogate keys: which content a page shows, and which pages a change touches.

A page carries the keys of what it shows (pagecache/surrogate.py sends them to the edge in
one header); a save purges the keys it affects (pagecache/signals.py asks the functions
below). Two kinds of key:

- identity keys, one per object a page shows by name or title: "a12" (article 12),
  "s3" (section), "t45" (topic), "o7" (organisation), "u2" (author). Fixing a typo in
  an article purges "a12": its page and every list card showing its title. "a12:page"
  is on article 12's own page only (its neighbours and translation link it).
- list keys, for what a new or withdrawn article enters or leaves: "latest" (lists of the
  newest articles, feeds, sitemaps), "home", "search", "sections" (the navigation),
  "topics" / "organisations" (the directories and their counts), and per object
  "s3:list", "t45:list", "o7:list", "u2:list" (its articles' list and feeds).
  "search:words" is the searches with words: an edit of a public article's text may
  make it match a word or stop matching one, which no search by tags alone can see.

Only what readers see counts: a change to an article that is not public before the save
and not after it (a draft, an autosave) purges nothing. A scheduled article purges the
lists it will enter only when its time falls within the edge's cache lifetime
(`scheduled_keys`); pages rendered until then expire at that time
(pagecache.surrogate.shared_max_age).
"""

from datetime import timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

LATEST = "latest"
HOME = "home"
SEARCH = "search"
# Searches with words (and the API's lists, which take words too): what an edit of a public
# article's text changes, beyond the cards showing it (article_change).
SEARCH_WORDS = "search:words"
SECTIONS = "sections"
TOPICS = "topics"
ORGANISATIONS = "organisations"
# The corrections page and feed (reader: /corrections/).
CORRECTIONS = "corrections"

# Fields whose change moves an article between lists or reorders them: any of them changed
# on a public article purges the lists of before and after, not only its own key. An expiry
# moves the time it leaves them (the lists' cache lifetimes are cut at it).
PLACEMENT_FIELDS = (
    "status",
    "published_at",
    "expires_at",
    "section_id",
    "featured",
    "language",
    "translation_id",
    "slug",
)
# Fields no reader sees: a save changing only these purges nothing.
UNSEEN_FIELDS = ("version", "updated_at", "created_at", "created_by_id")


def article_key(pk):
    return f"a{pk}"


def article_page_key(pk):
    """Only the article's own page: what its neighbours and translation changing touches."""
    return f"a{pk}:page"


def identity_key(obj):
    """The key of one object a page shows (an article, section, topic, organisation or author)."""
    return f"{_PREFIXES[obj._meta.model_name]}{obj.pk}"


def list_key(obj):
    """The key of the list of an object's articles (its page and feeds)."""
    return f"{identity_key(obj)}:list"


def shown_keys(article):
    """Every key an article shown on a page (a card or its own page) brings: itself, its
    section, tags and authors by name. Reads only what for_listing() prefetched."""
    keys = {article_key(article.pk), f"s{article.section_id}"}
    cache = getattr(article, "_prefetched_objects_cache", {})
    for name in ("topics", "organisations", "authors"):
        for related in cache.get(name, ()):
            keys.add(identity_key(related))
    return keys


def _link_ids(article):
    """(topic ids, organisation ids, author ids) as stored now: one query each."""
    return (
        list(article.topic_links.values_list("tag_id", flat=True)),
        list(article.organisation_links.values_list("tag_id", flat=True)),
        list(article.authors.values_list("pk", flat=True)),
    )


def _links_of_many(ids):
    """{article id: (topic ids, organisation ids, author ids)} as stored now: one query each
    for all of `ids`."""
    from .models import Article, ArticleOrganisation, ArticleTopic

    links = {pk: ([], [], []) for pk in ids}
    rows = (
        ArticleTopic.objects.filter(content_object_id__in=ids).values_list("content_object_id", "tag_id"),
        ArticleOrganisation.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag_id"
        ),
        Article.authors.through.objects.filter(article_id__in=ids).values_list("article_id", "author_id"),
    )
    for position, pairs in enumerate(rows):
        for article_id, pk in pairs:
            links[article_id][position].append(pk)
    return links


def _neighbours(language, published_at, pk):
    """(the article published just before, just after): querysets of pks, one row at most.
    The arguments are values, or OuterRef()s to annotate many articles in one query."""
    from .models import Article

    published = Article.objects.published().filter(language=language).exclude(pk=pk)
    before = published.filter(published_at__lt=published_at).order_by("-published_at", "-id")
    after = published.filter(published_at__gt=published_at).order_by("published_at", "id")
    return before.values_list("pk", flat=True)[:1], after.values_list("pk", flat=True)[:1]


def _placement(article, topics, organisations, authors, neighbours):
    keys = {
        article_key(article.pk),
        LATEST,
        HOME,
        SEARCH,
        TOPICS,
        ORGANISATIONS,
        f"s{article.section_id}:list",
        *(f"t{pk}:list" for pk in topics),
        *(f"o{pk}:list" for pk in organisations),
        *(f"u{pk}:list" for pk in authors),
    }
    if article.translation_id:
        keys.add(article_page_key(article.translation_id))
    keys |= {article_page_key(pk) for pk in neighbours if pk}
    return keys


def placement_keys(article):
    """The lists a public article is on, and the pages around it (its translation and its
    neighbours in time show it): what publishing or withdrawing it changes."""
    neighbours = ()
    if article.published_at is not None:
        before, after = _neighbours(article.language, article.published_at, article.pk)
        neighbours = (before.first(), after.first())
    return _placement(article, *_link_ids(article), neighbours)


def placement_keys_of_many(articles):
    """[(row, placement_keys(row))] for `articles` (a queryset), in four queries whatever
    their number (placement_keys() takes five per article): the scheduled changes a page's
    first request after a change may need. A row has the article's pk, language,
    published_at, expires_at, section_id and translation_id: rows rather than models,
    because every page type's first request after a publish may read these."""
    before, after = _neighbours(OuterRef("language"), OuterRef("published_at"), OuterRef("pk"))
    rows = list(
        articles.annotate(neighbour_before=Subquery(before), neighbour_after=Subquery(after)).values_list(
            "pk",
            "language",
            "published_at",
            "expires_at",
            "section_id",
            "translation_id",
            "neighbour_before",
            "neighbour_after",
            named=True,
        )
    )
    links = _links_of_many({row.pk for row in rows})
    return [
        (
            row,
            _placement(
                row,
                *links[row.pk],
                (row.neighbour_before, row.neighbour_after) if row.published_at else (),
            ),
        )
        for row in rows
    ]


def _visible_or_due(article, horizon):
    """Public now, or scheduled to become public within `horizon` seconds."""
    if article is None or article.status != article.Status.PUBLISHED or article.published_at is None:
        return False
    return article.published_at <= timezone.now() + timedelta(seconds=horizon)


def article_change(before, after, horizon=0):
    """(keys to purge, withdrawn) for an article saved from `before` to `after` (either None:
    created, deleted). `withdrawn`: something readers could see is gone (purge it hard).
    `horizon`: the edge's cache lifetime; a schedule within it purges the lists it enters
    now, so that the pages rendered next expire when it becomes public."""
    was = before is not None and before.is_published
    now = after is not None and after.is_published
    was_due = was or _visible_or_due(before, horizon)
    now_due = now or _visible_or_due(after, horizon)
    if not (was_due or now_due):
        return set(), False  # drafts, autosaves, far-off schedules: nobody sees them
    if before is not None and after is not None and was == now and was_due == now_due:
        changed = {
            field.attname
            for field in after._meta.concrete_fields
            if getattr(before, field.attname) != getattr(after, field.attname)
        }
        if not changed - set(UNSEEN_FIELDS):
            return set(), False
        if not changed & set(PLACEMENT_FIELDS):
            # Its page, the cards showing its title, and searches with words, which may
            # now match it or no longer; a search by tags alone shows it by its card.
            return {article_key(after.pk), SEARCH_WORDS}, False
    keys = set()
    for version in (before, after):
        if version is not None and (version.is_published or _visible_or_due(version, horizon)):
            keys |= placement_keys(version)
    return keys, was and not now


def link_change(article, tag_model, tag_ids):
    """Keys for tags `tag_ids` of `tag_model` added to or removed from `article`."""
    if article is None or not article.is_published:
        return set()
    prefix = _PREFIXES[tag_model._meta.model_name]
    keys = {article_key(article.pk), SEARCH, HOME, TOPICS, ORGANISATIONS}
    keys |= {f"{prefix}{pk}:list" for pk in tag_ids}
    # The neighbours' pages list related articles by shared tags: left to the edge's lifetime.
    return keys


def object_change(before, after):
    """A section, topic, organisation or author renamed, added or deleted: the pages
    showing it by name (its identity key), and the lists of them. A new tag or author is
    on no page yet; a new section is in the navigation at once."""
    obj = after if after is not None else before
    kind = obj._meta.model_name
    if before is None:
        return {SECTIONS, SEARCH} if kind == "section" else set()
    if after is not None and all(
        getattr(before, field.attname) == getattr(after, field.attname)
        for field in after._meta.concrete_fields
    ):
        return set()
    keys = {identity_key(obj), SEARCH}
    keys.add({"section": SECTIONS, "topic": TOPICS, "organisation": ORGANISATIONS}.get(kind, HOME))
    return keys


def image_change(before, after):
    """A library image's alt text, caption, credit or crop changed, or it was deleted: the
    public articles showing it (as hero or in the body), and the authors it portrays, by
    their keys. A new image is on no page yet."""
    if before is None:
        return set()
    from .models import Article, Author
    from .rendering import referenced_image_ids

    image = after if after is not None else before
    public = Article.objects.published()
    shown = set(public.filter(hero_id=image.pk).values_list("pk", flat=True))
    for pk, body in public.filter(body__contains=f"image:{image.pk}").values_list("pk", "body"):
        if image.pk in referenced_image_ids(body):
            shown.add(pk)
    portrayed = Author.objects.public().filter(photo_id=image.pk).values_list("pk", flat=True)
    return {article_key(pk) for pk in shown} | {f"u{pk}" for pk in portrayed}


def scheduled_changes(horizon, at=None):
    """[(POSIX time, keys)] of scheduled articles becoming public, and of public articles
    expiring, within `horizon` seconds after `at` (default now): a page carrying any of
    those keys is cached at the edge no longer than until then, and they are bumped when
    the time comes (pagecache.generation.content_state asks then, with `at` in the past)."""
    from .models import Article

    at = at or timezone.now()
    until = at + timedelta(seconds=horizon)
    scheduled = Article.objects.scheduled(at=at).filter(published_at__lte=until)
    expiring = Article.objects.expiring(at=at).filter(expires_at__lte=until)
    # One query for both (an index range each): every page type's first request after a
    # publish may read this list, and each query costs more to build than to run.
    changing = (scheduled | expiring).order_by("published_at", "pk")[:400]
    # A scheduled article's change is its publication; a public one's, its expiry.
    return [
        (
            (row.published_at if row.published_at > at else row.expires_at).timestamp(),
            sorted(keys),
        )
        for row, keys in placement_keys_of_many(changing)
    ]


def correction_change(before, after):
    """A correction or update appended to a public article: its page, the feeds showing it
    as updated, and the corrections page."""
    correction = after if after is not None else before
    if not correction.article.is_published:
        return set()
    return {article_key(correction.article_id), LATEST, CORRECTIONS}


_PREFIXES = {"article": "a", "section": "s", "topic": "t", "organisation": "o", "author": "u"}


def link_row_change(before, after):
    """A topic or organisation link row saved or deleted directly (not through the manager)."""
    row = after if after is not None else before
    tag_model = row._meta.get_field("tag").related_model
    return link_change(row.content_object, tag_model, [row.tag_id])


# Article's m2m field for each linked model: what clear() is about to remove.
_LINK_FIELDS = {"topic": "topics", "organisation": "organisations", "author": "authors"}


def m2m_change(instance, action, reverse, model, pk_set):
    """m2m_changed of an article's topics, organisations or authors (either side)."""
    from .models import Article

    if not reverse:
        if pk_set is None:  # pre_clear: the links about to go
            pk_set = set(getattr(instance, _LINK_FIELDS[model._meta.model_name]).values_list("pk", flat=True))
        return link_change(instance, model, pk_set)
    # From the tag's (or author's) side: `pk_set` are articles.
    articles = Article.objects.published()
    articles = articles.filter(pk__in=pk_set if pk_set is not None else instance.articles.values("pk"))
    keys = set()
    for article in articles:
        keys |= link_change(article, instance.__class__, [instance.pk])
    return keys
