"""The workflow (newsroom/workflow.py) through the admin's HTTP interface: every transition
for each role, allowed and refused; the review queue and its count; the scheduling message;
the status changes on the history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsroom import workflow
from newsroom.models import StatusChange
from tests.admin_forms import admin_url, form_data

from .helpers import logged_in

DRAFT, REVIEW, PUBLISHED, UNPUBLISHED = "draft", "review", "published", "unpublished"


@pytest.fixture
def article_in(make_article, writer):
    """article_in(status): the writer's article in that status."""

    def make(status):
        published_at = timezone.now() - timedelta(hours=1) if status in (PUBLISHED, UNPUBLISHED) else None
        return make_article(
            title=f"A story in {status}",
            status=status,
            published_at=published_at,
            created_by=writer,
            authors=[writer.author],
        )

    return make


def move(client, article, status, **changes):
    """POST the change form with `status` (and `changes`), as a browser would, even if the
    menu does not offer it (a forged form)."""
    data = form_data(client.get(admin_url("change", article.pk)), status=status, **changes)
    return client.post(admin_url("change", article.pk), data)


ALLOWED = [
    # (role, from, to, transition, note)
    ("writer", DRAFT, REVIEW, "submit", ""),
    ("writer", REVIEW, DRAFT, "withdraw", ""),
    ("editor", DRAFT, REVIEW, "submit", ""),
    ("editor", REVIEW, DRAFT, "send_back", "Needs a second source."),
    ("editor", DRAFT, PUBLISHED, "publish", ""),
    ("editor", REVIEW, PUBLISHED, "publish", ""),
    ("editor", UNPUBLISHED, PUBLISHED, "publish", ""),
    ("editor", PUBLISHED, UNPUBLISHED, "unpublish", ""),
    ("editor", PUBLISHED, DRAFT, "reopen", ""),
    ("editor", UNPUBLISHED, DRAFT, "reopen", ""),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role, source, target, transition, note", ALLOWED)
def test_allowed_transition_is_made_and_recorded(request, article_in, role, source, target, transition, note):
    user = request.getfixturevalue(role)
    article = article_in(source)
    client = logged_in(user)
    response = move(client, article, target, workflow_note=note)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.status == target
    change = StatusChange.objects.get(article=article)
    assert (change.user, change.transition, change.source, change.target, change.note) == (
        user,
        transition,
        source,
        target,
        note,
    )
    assert article.status_changed_at == change.at
    history = client.get(admin_url("history", article.pk))
    assert str(workflow.label(change)) in history.content.decode()
    # The revision's comment says it too.
    assert str(workflow.label(change)) in history.context["action_list"][0]["revision"].comment


REFUSED_ON_THE_FORM = [
    # (role, from, to, what the refusal says): the form comes back with the error.
    ("writer", DRAFT, PUBLISHED, "Only an editor may publish"),
    ("writer", REVIEW, PUBLISHED, "Only an editor may publish"),
    ("writer", DRAFT, UNPUBLISHED, "Only an editor may publish"),
    ("editor", REVIEW, DRAFT, "sending an article back needs a note"),
    ("editor", PUBLISHED, REVIEW, "cannot go from"),
    ("editor", UNPUBLISHED, REVIEW, "cannot go from"),
    ("editor", DRAFT, UNPUBLISHED, "cannot go from"),
    ("editor", REVIEW, UNPUBLISHED, "cannot go from"),
    ("editor", PUBLISHED, "nonsense", "Select a valid choice"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role, source, target, message", REFUSED_ON_THE_FORM)
def test_refused_transition_is_a_form_error(request, article_in, role, source, target, message):
    article = article_in(source)
    response = move(logged_in(request.getfixturevalue(role)), article, target)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "changed successfully" not in response.content.decode()
    article.refresh_from_db()
    assert article.status == source
    assert not StatusChange.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("source", [PUBLISHED, UNPUBLISHED])
@pytest.mark.parametrize("target", [DRAFT, REVIEW, PUBLISHED, UNPUBLISHED])
def test_a_writer_cannot_move_a_published_or_unpublished_article(article_in, writer, source, target):
    article = article_in(source)
    client = logged_in(writer)
    data = {"title": article.title, "slug": article.slug, "body": "x", "section": article.section_id}
    response = client.post(admin_url("change", article.pk), {**data, "status": target})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == source


@pytest.mark.django_db
def test_the_writer_only_gets_the_moves_they_may_make(article_in, writer, editor):
    def offered(user, article):
        form = logged_in(user).get(admin_url("change", article.pk)).context["adminform"].form
        return [value for value, _label in form.fields["status"].widget.choices]

    assert offered(writer, article_in(DRAFT)) == [DRAFT, REVIEW]
    # In the statuses' own order.
    assert offered(writer, article_in(REVIEW)) == [DRAFT, REVIEW]
    assert offered(editor, article_in(REVIEW)) == [DRAFT, REVIEW, PUBLISHED]
    assert offered(editor, article_in(PUBLISHED)) == [DRAFT, PUBLISHED, UNPUBLISHED]


@pytest.mark.django_db
def test_the_send_back_note_is_on_the_writers_form_until_they_submit_again(article_in, writer, editor):
    article = article_in(REVIEW)
    assert move(logged_in(editor), article, DRAFT, workflow_note="Name the second source.").status_code == 302
    writer_client = logged_in(writer)
    page = writer_client.get(admin_url("change", article.pk)).content.decode()
    assert "Sent back by the editor" in page and "Name the second source." in page
    assert move(writer_client, article, REVIEW).status_code == 302
    page = writer_client.get(admin_url("change", article.pk)).content.decode()
    assert "Name the second source." not in page


@pytest.mark.django_db
def test_a_writer_submits_a_new_article_for_review(writer, section):
    response = logged_in(writer).post(
        admin_url("add"),
        {
            "title": "Straight to review",
            "slug": "",
            "body": "Body.",
            "language": "en",
            "section": str(section.pk),
            "status": REVIEW,
            "new_topics": "",
            "hero": "",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="straight-to-review")
    assert article.status == REVIEW
    assert StatusChange.objects.get(article=article).transition == "submit"


@pytest.mark.django_db
def test_the_review_queue_lists_the_longest_waiting_first_with_its_count(
    article_in, writer, editor, make_article
):
    client = logged_in(writer)
    first, second = article_in(DRAFT), article_in(DRAFT)
    second.title = "The second story"
    second.save()
    for article in (second, first):  # the second story is submitted first
        assert move(client, article, REVIEW).status_code == 302
    make_article(title="Out already")
    editor_client = logged_in(editor)
    home = editor_client.get(reverse("admin:index")).content.decode()
    assert "Review queue (2)" in home
    queue = editor_client.get(admin_url("changelist"), {"status__exact": REVIEW})
    titles = [row.title for row in queue.context["cl"].result_list]
    assert titles == ["The second story", first.title]
    assert "In review since" in queue.content.decode()
    # Writers have no queue; their own list says where each article stands.
    writer_list = client.get(admin_url("changelist")).content.decode()
    assert "Review queue" not in writer_list
    assert "In review since" in writer_list


@pytest.mark.django_db
def test_scheduling_says_when_in_hong_kong_time(article_in, editor):
    article = article_in(REVIEW)
    when = timezone.localtime() + timedelta(days=2, minutes=5)
    client = logged_in(editor)
    data = form_data(
        client.get(admin_url("change", article.pk)),
        status=PUBLISHED,
        published_at_0=when.date().isoformat(),
        published_at_1=when.strftime("%H:%M:%S"),
    )
    response = client.post(admin_url("change", article.pk), data, follow=True)
    page = response.content.decode()
    assert "Scheduled for <time datetime=" in page
    assert f"{when:%H:%M} HKT</time> (in 2\xa0days" in page
    article.refresh_from_db()
    assert article.is_scheduled
    assert (
        f'Scheduled for <time datetime="{article.published_at.isoformat()}"'
        in client.get(admin_url("changelist")).content.decode()
    )


@pytest.mark.django_db
def test_the_list_actions_follow_the_workflow(article_in, editor):
    review, unpublished, published = article_in(REVIEW), article_in(UNPUBLISHED), article_in(PUBLISHED)
    client = logged_in(editor)
    response = client.post(
        admin_url("changelist"),
        {"action": "unpublish_selected", "_selected_action": [review.pk, published.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 article unpublished." in page and "Not changed" in page and review.title in page
    review.refresh_from_db()
    assert review.status == REVIEW
    assert StatusChange.objects.get(article=published).transition == "unpublish"
    client.post(admin_url("changelist"), {"action": "publish_selected", "_selected_action": [unpublished.pk]})
    unpublished.refresh_from_db()
    assert unpublished.is_published
    assert StatusChange.objects.get(article=unpublished).user == editor


@pytest.mark.django_db
def test_a_writer_restoring_a_published_version_is_refused(article_in, writer, editor):
    article = article_in(DRAFT)
    editor_client = logged_in(editor)
    assert move(editor_client, article, PUBLISHED).status_code == 302
    assert move(editor_client, article, DRAFT).status_code == 302
    published_version = next(v for v in article_versions(article) if v.field_dict["status"] == PUBLISHED)
    client = logged_in(writer)
    url = admin_url("revision", article.pk, published_version.pk)
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code in (200, 403)
    article.refresh_from_db()
    assert article.status == DRAFT


def article_versions(article):
    from reversion.models import Version

    return list(Version.objects.get_for_object(article))
