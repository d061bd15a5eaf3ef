"""The newsroom's workflow: the one state machine of an article's status.

    draft ──submit──▶ in review ──publish──▶ published ──unpublish──▶ unpublished
      ▲                 │  │                    ▲                         │
      └──withdraw───────┘  │                    └────────publish──────────┤
      └──send back (note)──┘                                              │
      └──────────────────reopen (from published or unpublished)───────────┘

Writers (articles/roles.py) submit their own drafts and take them back while they wait;
only Editors (the publish permission) publish (a future time schedules), send back with a
note, unpublish and reopen; editors may also publish a draft directly. Every change of
status in the admin (the form, the list's actions, a history restore) goes through
`check()`, which refuses anything else with a message, and is recorded by `record()` (a
StatusChange: who, when, the note), shown on the article's history.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timesince import timeuntil
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from .models import StatusChange
from .permissions import may_publish

DRAFT, REVIEW, PUBLISHED, UNPUBLISHED = (
    Article.Status.DRAFT,
    Article.Status.REVIEW,
    Article.Status.PUBLISHED,
    Article.Status.UNPUBLISHED,
)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple
    target: str
    label: str
    editors_only: bool = True
    writers_only: bool = False
    needs_note: bool = False


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit", (DRAFT,), REVIEW, _("Submitted for review"), editors_only=False),
        Transition(
            "withdraw", (REVIEW,), DRAFT, _("Taken back from review"), editors_only=False, writers_only=True
        ),
        Transition("send_back", (REVIEW,), DRAFT, _("Sent back to the writer"), needs_note=True),
        Transition("publish", (DRAFT, REVIEW, UNPUBLISHED), PUBLISHED, _("Published")),
        Transition("unpublish", (PUBLISHED,), UNPUBLISHED, _("Unpublished")),
        Transition("reopen", (PUBLISHED, UNPUBLISHED), DRAFT, _("Back to draft")),
    )
}


def transition_for(request, source, target):
    """The transition this user may make from `source` to `target`, or None."""
    editor = may_publish(request)
    for transition in TRANSITIONS.values():
        if source in transition.sources and transition.target == target:
            if transition.editors_only and not editor:
                continue
            if transition.writers_only and editor:
                continue
            return transition
    return None


def targets(request, source):
    """The statuses this user may choose for an article now in `source` (itself included)."""
    found = [source]
    for status in Article.Status.values:
        if status != source and transition_for(request, source, status) is not None:
            found.append(status)
    return found


def check(request, source, target, note=""):
    """The transition from `source` to `target` (None when the status stays), or a
    ValidationError saying why this user may not make it."""
    if source == target:
        return None
    transition = transition_for(request, source, target)
    labels = dict(Article.Status.choices)
    if transition is None:
        if not may_publish(request) and target in (PUBLISHED, UNPUBLISHED):
            message = _("Only an editor may publish, schedule or unpublish an article.")
        else:
            message = _("An article cannot go from “%(source)s” to “%(target)s”.")
        raise ValidationError(
            message, code="refused_transition", params={"source": labels[source], "target": labels[target]}
        )
    if transition.needs_note and not note.strip():
        raise ValidationError(
            _("Say what the writer should change: sending an article back needs a note."),
            code="note_required",
        )
    return transition


def label(change):
    """What a recorded StatusChange did, in words (its stored transition's label)."""
    found = TRANSITIONS.get(change.transition)
    return found.label if found else change.transition


def record(article, transition, source, user, note=""):
    """The transition happened (its article saved): keep who, when and the note."""
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(status_changed_at=now)
    article.status_changed_at = now
    return StatusChange.objects.create(
        article=article,
        user=user,
        at=now,
        transition=transition.name,
        source=source,
        target=transition.target,
        note=note.strip(),
    )


def moment_html(when):
    """A time as the newsroom reads it: "2 December 2026, 09:01 HKT", in a <time> element
    that local-times.js follows with the editor's own zone when it differs."""
    local = timezone.localtime(when)
    return format_html(
        '<time datetime="{}">{} {}</time>',
        when.isoformat(),
        date_format(local, "DATETIME_FORMAT"),
        local.tzname(),
    )


def schedule_message(article):
    """What scheduling did: "Scheduled for 2 December 2026, 09:01 HKT (in 2 minutes)."."""
    return format_html(
        gettext("Scheduled for {time} (in {until})."),
        time=moment_html(article.published_at),
        until=timeuntil(article.published_at),
    )
