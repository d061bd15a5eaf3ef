"""Comparing two revisions of an article (django-reversion versions): a word-level diff of
its texts and what changed in its section, tags, bylines, status and times.

Our own, not django-reversion-compare: a revision here is the article plus its tag links
followed as separate versions (history.py; taggit's managers are not serializable), which
reversion-compare shows as unrelated objects (it has no taggit support, its issue #10); it
would replace our history page (the workflow table) with its own, and it is GPL-3.0. The
texts are diffed with difflib, word by word (each Chinese character is a word), escaped,
with only <ins> and <del> added.
"""

import difflib
import re

from django.contrib.contenttypes.models import ContentType
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from articles.models import Article, ArticleOrganisation, ArticleTopic, Author, Organisation, Section, Topic

from .workflow import moment_html

# Han characters (and CJK punctuation) one by one, runs of other letters and digits, and
# any other character alone, each with the spaces after it: the units a diff marks as
# inserted or deleted. (Spaces on their own would be the commonest unit by far, which makes
# difflib's matching quadratic.)
_WORDS = re.compile(
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\W\u3400-\u9fff]+\s*|\s+|.\s*"
)

# Past this many words on either side of a changed run of lines, the run is shown deleted
# and inserted whole: a word diff's cost grows with the product of the two lengths.
WORD_DIFF_LIMIT = 3000

TEXT_FIELDS = (("title", _("Title")), ("standfirst", _("Standfirst")), ("body", _("Body")))


def words(text):
    return _WORDS.findall(text or "")


def _marked(tag, text):
    return f"<{tag}>{conditional_escape(text)}</{tag}>" if text else ""


def _word_diff(old, new):
    """The word diff of two runs of text, as a list of escaped and marked parts."""
    if len(old) > WORD_DIFF_LIMIT or len(new) > WORD_DIFF_LIMIT:
        return [_marked("del", "".join(old)), _marked("ins", "".join(new))]
    parts = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            parts.append(conditional_escape("".join(new[new_start:new_end])))
        else:
            parts += _changed("".join(old[old_start:old_end]), "".join(new[new_start:new_end]))
    return parts


def _changed(removed, added):
    """A word replaced by another: the space after both (a word's own) is left unmarked."""
    space = ""
    if removed and added:
        tail = removed[len(removed.rstrip()) :]
        if tail and added.endswith(tail):
            space, removed, added = tail, removed[: -len(tail)], added[: -len(tail)]
    return [_marked("del", removed), _marked("ins", added), conditional_escape(space)]


def word_diff(before, after):
    """`after` against `before`, HTML-escaped, deletions in <del> and insertions in <ins>.
    Lines (the body's paragraphs) are matched first, and only the runs of lines that differ
    are diffed word by word, so an edit costs what its paragraphs cost, not the body's."""
    before, after = before or "", after or ""
    if before == after:
        return conditional_escape(after)
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    parts = []
    for operation, old_start, old_end, new_start, new_end in difflib.SequenceMatcher(
        None, old_lines, new_lines, autojunk=False
    ).get_opcodes():
        if operation == "equal":
            parts.append(conditional_escape("".join(new_lines[new_start:new_end])))
        else:
            parts += _word_diff(
                words("".join(old_lines[old_start:old_end])), words("".join(new_lines[new_start:new_end]))
            )
    return mark_safe("".join(parts))


class ArticleState:
    """What one version of an article held: its fields, authors, topics and organisations
    (the tag links saved in the same revision)."""

    def __init__(self, version, links):
        self.version = version
        self.fields = version.field_dict
        self.topic_ids = sorted(links.get((version.revision_id, "articletopic"), ()))
        self.organisation_ids = sorted(links.get((version.revision_id, "articleorganisation"), ()))
        self.author_ids = sorted(self.fields.get("authors", ()))


def two_versions(article, first_id, second_id):
    """The article's versions `first_id` and `second_id`, older first, each with its state;
    None when either is not one of this article's. Three queries (the versions, their
    revisions' tag links, and content types once per process)."""
    versions = {
        version.pk: version
        for version in Version.objects.get_for_object(article)
        .filter(pk__in={first_id, second_id})
        .select_related("revision__user")
    }
    if first_id not in versions or second_id not in versions:
        return None
    link_types = ContentType.objects.get_for_models(ArticleTopic, ArticleOrganisation)
    links = {}
    for link in Version.objects.filter(
        revision_id__in={version.revision_id for version in versions.values()},
        content_type__in=link_types.values(),
    ).select_related("content_type"):
        row = link.field_dict
        if row.get("content_object_id") == article.pk:
            links.setdefault((link.revision_id, link.content_type.model), []).append(row["tag_id"])
    older, newer = sorted(
        (versions[first_id], versions[second_id]),
        key=lambda version: (version.revision.date_created, version.pk),
    )
    return ArticleState(older, links), ArticleState(newer, links)


def _moment(value):
    # As the newsroom reads times everywhere ("2 December 2026, 09:01 HKT"), in a <time>
    # that local-times.js follows with the editor's own zone.
    return "—" if value is None else moment_html(value)


def _names(model, ids):
    """{id: name} of what still exists; a deleted one shows as its id."""
    if not ids:
        return {}
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))


def _listed(names, ids):
    return ", ".join(names.get(pk) or gettext("deleted (#%(id)s)") % {"id": pk} for pk in ids) or "—"


def changes(before, after):
    """[(label, before, after)] of what differs in the section, topics, organisations,
    authors, status, times and featured: one query per kind of name, for both sides."""
    sections = _names(Section, {before.fields.get("section_id"), after.fields.get("section_id")} - {None})
    topics = _names(Topic, {*before.topic_ids, *after.topic_ids})
    organisations = _names(Organisation, {*before.organisation_ids, *after.organisation_ids})
    authors = _names(Author, {*before.author_ids, *after.author_ids})
    statuses = dict(Article.Status.choices)
    rows = [
        (
            _("Section"),
            _listed(sections, [before.fields.get("section_id")]),
            _listed(sections, [after.fields.get("section_id")]),
        ),
        (_("Topics"), _listed(topics, before.topic_ids), _listed(topics, after.topic_ids)),
        (
            _("Organisations"),
            _listed(organisations, before.organisation_ids),
            _listed(organisations, after.organisation_ids),
        ),
        (_("Authors"), _listed(authors, before.author_ids), _listed(authors, after.author_ids)),
        (
            _("Status"),
            statuses.get(before.fields.get("status"), before.fields.get("status")),
            statuses.get(after.fields.get("status"), after.fields.get("status")),
        ),
        (
            _("Publication time"),
            _moment(before.fields.get("published_at")),
            _moment(after.fields.get("published_at")),
        ),
        (_("Expiry time"), _moment(before.fields.get("expires_at")), _moment(after.fields.get("expires_at"))),
        (
            _("Featured"),
            gettext("Yes") if before.fields.get("featured") else gettext("No"),
            gettext("Yes") if after.fields.get("featured") else gettext("No"),
        ),
    ]
    return [(label, old, new) for label, old, new in rows if old != new]


def text_diffs(before, after):
    """[(label, diff HTML, changed)] for the title, standfirst and body."""
    diffs = []
    for name, label in TEXT_FIELDS:
        old, new = before.fields.get(name) or "", after.fields.get(name) or ""
        diffs.append((label, word_diff(old, new), old != new))
    return diffs
