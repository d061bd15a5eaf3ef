import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from articles.models import Article
from webhooks.delivery import announce_if_due, deliver
from webhooks.models import Delivery, Endpoint, Event
from webhooks.signing import SIGNATURE_HEADER, signature_header, verify


def deliveries():
    return list(Delivery.objects.order_by("id").values_list("event", flat=True))


def body_of(delivery):
    return json.loads(delivery.payload)


def test_publishing_sends_a_signed_delivery_the_receiver_can_verify(
    make_article, endpoint, receiver, queue, commit
):
    with commit():
        article = make_article(title="Cyberport opens", topics=["fintech"])
    delivery = Delivery.objects.get()
    assert delivery.event == Event.PUBLISHED and delivery.article_id == article.pk
    assert [r.args for r in queue.results] == [[delivery.pk]]  # queued, not sent in the request
    assert receiver.requests == []

    deliver.call(delivery.pk)
    headers, body = receiver.requests[0]
    assert verify(endpoint.secret, body, headers[SIGNATURE_HEADER])
    assert not verify("another secret", body, headers[SIGNATURE_HEADER])
    sent = json.loads(body)
    assert sent["event"] == "article.published"
    assert sent["article"]["title"] == "Cyberport opens"
    assert sent["article"]["canonical_url"].endswith(article.get_absolute_url())
    assert headers["X-HKAI-Event"] == "article.published"
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED and delivery.attempts == 1
    assert delivery.attempt_log.get().response_status == 200


def test_updated_unpublished_and_deleted(make_article, endpoint, queue, commit):
    with commit():
        article = make_article(title="First")
    pk = article.pk
    with commit():
        article.title = "First, corrected"
        article.save()
    with commit():
        article.save()  # nothing readers see changed
    with commit():
        article.status = Article.Status.DRAFT
        article.title = "Now a secret"
        article.save()
    with commit():
        article.status = Article.Status.PUBLISHED
        article.save()
    with commit():
        article.delete()
    assert deliveries() == [
        "article.published",
        "article.updated",
        "article.unpublished",
        "article.published",
        "article.deleted",
    ]
    unpublished = Delivery.objects.get(event=Event.UNPUBLISHED)
    assert body_of(unpublished)["article"] == {"id": pk, "slug": article.slug, "language": "en"}
    assert "secret" not in unpublished.payload.lower()


def test_nothing_is_sent_for_drafts_autosaves_or_rolled_back_edits(make_article, endpoint, queue, commit):
    with commit():
        draft = make_article(title="Draft", status=Article.Status.DRAFT)
    with commit():
        draft.body = "Autosaved body"
        draft.save()
        Article.objects.filter(pk=draft.pk).update(body="Autosave by update")
        draft.topics.add("fintech")
    with commit():
        draft.delete()
    published = make_article(title="Published")
    Delivery.objects.all().delete()
    with commit():
        try:
            with transaction.atomic():
                published.status = Article.Status.DRAFT
                published.save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert deliveries() == []
    assert queue.results == []


def test_one_event_for_a_save_and_its_tags_in_one_transaction(make_article, endpoint, queue, commit):
    with commit(), transaction.atomic():
        article = make_article(title="With tags")
        article.topics.add("fintech")
        article.authors.create(name="Alice", slug="alice")
    assert deliveries() == ["article.published"]
    assert [t["slug"] for t in body_of(Delivery.objects.get())["article"]["topics"]] == ["fintech"]
    with commit():
        article.topics.add("ai")
    assert deliveries() == ["article.published", "article.updated"]


def test_only_the_events_an_endpoint_asked_for(make_article, endpoint, queue, commit):
    endpoint.events = [Event.DELETED]
    endpoint.save()
    Endpoint.objects.create(name="Off", url=endpoint.url, events=list(Event.values), active=False)
    with commit():
        article = make_article()
    with commit():
        article.delete()
    assert deliveries() == ["article.deleted"]


def test_a_failing_receiver_is_retried_with_backoff_then_succeeds(
    make_article, endpoint, receiver, queue, commit
):
    receiver.statuses = [500, 503, 200]
    with commit():
        make_article()
    delivery = Delivery.objects.get()
    before = timezone.now()
    deliver.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    first_wait = delivery.next_attempt_at - before
    retry = queue.results[-1]
    assert retry.args == [delivery.pk] and retry.task.run_after == delivery.next_attempt_at
    deliver.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - timezone.now() > first_wait  # backoff grows
    deliver.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED and delivery.attempts == 3
    assert [a.response_status for a in delivery.attempt_log.all()] == [500, 503, 200]
    assert delivery.attempt_log.first().response_body == "answer 500"
    # Each attempt signs afresh; the body is the same.
    assert len({body for _headers, body in receiver.requests}) == 1


@override_settings(WEBHOOK_MAX_ATTEMPTS=2)
def test_a_receiver_that_never_answers_well_fails_after_the_last_attempt(make_article, db, queue, commit):
    Endpoint.objects.create(name="Down", url="http://127.0.0.1:9/nothing", events=list(Event.values))
    with commit():
        make_article()
    delivery = Delivery.objects.get()
    deliver.call(delivery.pk)
    deliver.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 2
    assert delivery.attempt_log.last().error
    queued = len(queue.results)
    deliver.call(delivery.pk)  # a stale retry does nothing
    assert len(queue.results) == queued and delivery.attempt_log.count() == 2


def test_a_scheduled_article_is_announced_when_its_time_comes(make_article, endpoint, queue, commit):
    when = timezone.now() + timedelta(hours=2)
    with commit():
        article = make_article(published_at=when)
    assert deliveries() == []
    due = queue.results[-1]
    assert due.task.run_after == when and due.args == [article.pk, when.isoformat()]
    announce_if_due.call(*due.args)  # too early (or rescheduled): nothing
    assert deliveries() == []
    # Its time has come (moved, without signals, to the past).
    past = timezone.now() - timedelta(seconds=1)
    Article.objects.filter(pk=article.pk).update(published_at=past)
    announce_if_due.call(article.pk, past.isoformat())
    announce_if_due.call(article.pk, past.isoformat())  # twice: once only
    assert deliveries() == ["article.published"]


def test_signature_checks():
    body = b'{"event": "article.published"}'
    header = signature_header("s3cret", body, timestamp=time.time())
    assert verify("s3cret", body, header)
    assert not verify("s3cret", body + b" ", header)
    old = signature_header("s3cret", body, timestamp=time.time() - 600)
    assert not verify("s3cret", body, old)  # a replay
    assert not verify("s3cret", body, "garbage")
    assert not verify("s3cret", body, "t=1,v1=")


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_delivers(make_article, endpoint, receiver):
    make_article()  # autocommit: the event is queued at once
    delivery = Delivery.objects.get()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert len(receiver.requests) == 1
