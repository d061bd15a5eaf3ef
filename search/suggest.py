"""Suggestions as you type: the public topics, organisations, sections and authors whose name
(English or Chinese, either script) starts with what the reader typed, or has a word that
does, each with its published count (stories, as lists count them) and where it leads.

Only public names: tags and authors of published articles (`in_use()`, `Author.objects.public()`,
the one publication rule), sections with a published article. The names and counts are
read once per content generation for every app server (`generation_cached`) and matched in
Python, folded (core.text.fold_chinese, casefolded): a few hundred names, where a database
index could not fold Simplified to Traditional. The endpoint (views.suggest) is cached as a
page and rate-limited (middleware.py)."""

import re
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
    whole: tuple
    words: tuple

    def rank(self, prefix):
        """0: a name starts with the prefix, 1: a word in it does, None: no match."""
        if any(key.startswith(prefix) for key in self.whole):
            return 0
        if any(key.startswith(prefix) for key in self.words):
            return 1
        return None


def _entries():
    entries = []
    for kind, queryset in (
        ("topic", Topic.objects.in_use()),
        ("org", Organisation.objects.in_use()),
        (
            "section",
            Section.objects.annotate(num_articles=published_story_count()).filter(num_articles__gt=0),
        ),
    ):
        for slug, name, name_zh_hant, count in queryset.values_list(
            "slug", "name", "name_zh_hant", "num_articles"
        ):
            entries.append(Entry(kind, slug, name, name_zh_hant, count, *match_keys(name, name_zh_hant)))
    authors = (
        Author.objects.public()
        .annotate(num_articles=published_story_count())
        .values_list("slug", "name", "name_zh_hant", "num_articles")
    )
    for slug, name, name_zh_hant, count in authors:
        entries.append(Entry("author", slug, name, name_zh_hant, count, *match_keys(name, name_zh_hant)))
    return entries


def public_entries():
    """Every public name with its count: computed once per content generation."""
    return generation_cached("search:suggest-entries", _entries)


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
    found = []
    for entry in public_entries():
        rank = entry.rank(prefix)
        if rank is not None:
            found.append((rank, -entry.count, entry.name.casefold(), entry))
    found.sort(key=lambda row: row[:3])
    chinese = language == "zh-hant"
    return [
        {
            "kind": entry.kind,
            "kind_label": str(KIND_LABELS[entry.kind]),
            "name": (entry.name_zh_hant if chinese and entry.name_zh_hant else entry.name),
            "count": entry.count,
            "url": entry_url(entry),
        }
        for *_key, entry in found[:limit]
    ]
