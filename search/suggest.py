"""Suggestions as you type: the public topics, organisations, sections and authors whose name
(English or Chinese, either script) starts with what the reader typed, or has a word that
does, each with its published count (stories, as lists count them) and where it leads.

Only public names: tags and authors of published articles (`in_use()`, `Author.objects.public()`,
the one publication rule), sections with a published article. The names and counts are
read once per content generation for every app server (`generation_cached`), as a
SuggestionIndex: their folded keys (core.text.fold_chinese, casefolded; a database index
could not fold Simplified to Traditional) sorted, so a prefix is a bisection and a walk over
the keys it starts, not a pass over every name (thousands at scale). Each process keeps the
index it read while its version is current (public_index). The endpoint
(views.suggest) is cached as a page and rate-limited (middleware.py)."""

import re
import uuid
from bisect import bisect_left
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Author, Organisation, Section, Topic
from articles.querysets import published_story_count
from core.text import fold_chinese
from pagecache.fragments import generation_cached

MAX_SUGGESTIONS = 8
# Where a word of a name starts: "smart city" is found by "ci" too, "Hong Kong Science Park"
# by "sci".
_WORD_START = re.compile(r"(?:^|(?<=[\s\-/&(]))\w", re.UNICODE)

KIND_LABELS = {
    "topic": _("Topic"),
    "org": _("Organisation"),
    "section": _("Section"),
    "author": _("Author"),
}


def folded(text):
    return fold_chinese(text).casefold()


def match_keys(*names):
    """The folded strings a prefix is compared with: each name, then each later word of it."""
    whole, words = [], []
    for name in filter(None, names):
        key = folded(name)
        whole.append(key)
        words += [key[m.start() :] for m in _WORD_START.finditer(key) if m.start() > 0]
    return tuple(whole), tuple(words)


@dataclass(frozen=True)
class Entry:
    kind: str
    slug: str
    name: str
    name_zh_hant: str
    count: int


class SuggestionIndex:
    """The public names (Entry) and every key of theirs (match_keys), sorted: the keys a
    prefix starts are one run of the sorted list, found by bisection."""

    def __init__(self, named):
        """`named`: (Entry, match_keys() of its names) pairs."""
        self.entries = [entry for entry, _keys in named]
        rows = sorted(
            (key, rank, number)
            for number, (_entry, keys) in enumerate(named)
            for rank, some in enumerate(keys)  # 0: the whole names, 1: their later words
            for key in some
        )
        self.keys = [key for key, _rank, _number in rows]
        self.ranks = [(rank, number) for _key, rank, number in rows]

    def find(self, prefix):
        """{entry number: rank} of the names with a key starting with `prefix`: 0 when a
        whole name does, 1 when only a word of one does."""
        found = {}
        position = bisect_left(self.keys, prefix)
        while position < len(self.keys) and self.keys[position].startswith(prefix):
            rank, number = self.ranks[position]
            if found.get(number, 2) > rank:
                found[number] = rank
            position += 1
        return found


def _index():
    entries = []
    for kind, queryset in (
        ("topic", Topic.objects.in_use()),
        ("org", Organisation.objects.in_use()),
        (
            "section",
            Section.objects.annotate(num_articles=published_story_count()).filter(num_articles__gt=0),
        ),
        ("author", Author.objects.public().annotate(num_articles=published_story_count())),
    ):
        for slug, name, name_zh_hant, count in queryset.values_list(
            "slug", "name", "name_zh_hant", "num_articles"
        ):
            entries.append((Entry(kind, slug, name, name_zh_hant, count), match_keys(name, name_zh_hant)))
    return SuggestionIndex(entries)


# (version, SuggestionIndex) this process last read: the index is thousands of names, and
# unpickling them from the shared cache on every request cost more than matching them.
_local_index = (None, None)


def public_index():
    """Every public name with its count, indexed: computed once per content generation for
    every app server. Its version, a small value kept like it (same keys), says whether the
    index this process holds is still the current one; only a new version fetches it."""
    global _local_index
    version = generation_cached("search:suggest-version", lambda: uuid.uuid4().hex)
    held_version, index = _local_index
    if held_version != version or index is None:
        index = generation_cached(f"search:suggest-index:{version}", _index)
        _local_index = (version, index)
    return index


def entry_url(entry):
    """The page a suggestion leads to: the tag's, section's or author's own page."""
    if entry.kind == "topic":
        return reverse("reader:topic_detail", kwargs={"slug": entry.slug})
    if entry.kind == "org":
        return reverse("reader:organisation_detail", kwargs={"slug": entry.slug})
    if entry.kind == "section":
        return reverse("reader:section_detail", kwargs={"slug": entry.slug})
    return reverse("reader:author_detail", kwargs={"slug": entry.slug})


def suggestions(text, language, limit=MAX_SUGGESTIONS):
    """The best `limit` names for `text`, as dicts for JSON: names starting with it first,
    then names with a word starting with it; more articles first, then by name."""
    prefix = folded(text.strip())
    if not prefix:
        return []
    index = public_index()
    found = sorted(
        (rank, -index.entries[number].count, index.entries[number].name.casefold(), number)
        for number, rank in index.find(prefix).items()
    )
    found = [index.entries[number] for *_key, number in found[:limit]]
    chinese = language == "zh-hant"
    return [
        {
            "kind": entry.kind,
            "kind_label": str(KIND_LABELS[entry.kind]),
            "name": (entry.name_zh_hant if chinese and entry.name_zh_hant else entry.name),
            "count": entry.count,
            "url": entry_url(entry),
        }
        for entry in found
    ]
