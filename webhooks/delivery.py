"""Sending webhooks: one Delivery per endpoint listening to the event, its body fixed when
the event happens, sent by the task queue's worker (never in the editor's request), signed
afresh on each attempt, retried with exponential backoff, every attempt logged."""

import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django_tasks import task

from api.serializers import article_payload
from articles.models import Article

from .models import Attempt, Delivery, Endpoint, Event
from .signing import SIGNATURE_HEADER, signature_header

logger = logging.getLogger(__name__)

RESPONSE_KEPT = 2000  # characters of a receiver's answer kept in the log


def payload(event, article_pk, deleted=None, using=DEFAULT_DB_ALIAS):
    """The JSON body: the article as the API shows it while it is public; only its identity
    (id, slug, language) once it is not (unpublished, deleted): nothing hidden goes out."""
    if event in (Event.PUBLISHED, Event.UPDATED):
        article = Article.objects.using(using).published().for_listing().select_related("translation")
        data = article_payload(article.get(pk=article_pk))
    elif deleted is not None:
        data = deleted
    else:
        article = Article.objects.using(using).get(pk=article_pk)
        data = {"id": article.pk, "slug": article.slug, "language": article.language}
    body = {"event": str(event), "occurred_at": timezone.now(), "article": data}
    return json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False)


def send_event(event, article_pk, deleted=None, using=DEFAULT_DB_ALIAS):
    endpoints = Endpoint.objects.using(using).listening_to(event)
    if not endpoints:
        return []
    body = payload(event, article_pk, deleted, using)
    deliveries = [
        Delivery.objects.using(using).create(
            endpoint=endpoint, event=event, article_id=article_pk, payload=body
        )
        for endpoint in endpoints
    ]
    for delivery in deliveries:
        deliver.enqueue(delivery.pk)
    return deliveries


def announce_when_due(article_pk, using=DEFAULT_DB_ALIAS):
    """A scheduled article: "published" goes out when it becomes visible, without a save."""
    article = Article.objects.using(using).filter(pk=article_pk).only("published_at").first()
    when = article.published_at if article is not None else None
    if when is None or when <= timezone.now():
        return
    if not Article.objects.using(using).published(at=when).filter(pk=article_pk).exists():
        return
    if Endpoint.objects.using(using).listening_to(Event.PUBLISHED):
        announce_if_due.using(run_after=when).enqueue(article_pk, when.isoformat())


@task()
def announce_if_due(article_pk, when):
    """Run at a scheduled article's time: "published", unless it was rescheduled or
    withdrawn meanwhile, or announced already."""
    article = Article.objects.published().filter(pk=article_pk).first()
    if article is None or article.published_at.isoformat() != when:
        return
    if Delivery.objects.filter(
        article_id=article_pk, event=Event.PUBLISHED, created_at__gte=article.published_at
    ):
        return
    send_event(Event.PUBLISHED, article_pk)


def backoff(attempts):
    """Seconds before the next try after `attempts` failed ones: 30 s, 2 min, 8 min, 32 min..."""
    return settings.WEBHOOK_RETRY_SECONDS * 4 ** (attempts - 1)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would resend the body elsewhere, or turn the POST into a GET: it is an answer.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(delivery):
    """(status or None, response text, error text) of one signed POST."""
    body = delivery.payload.encode()
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"{settings.SITE_NAME}-Webhooks/1",
            "X-HKAI-Event": delivery.event,
            "X-HKAI-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: signature_header(delivery.endpoint.secret, body, time.time()),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            return response.status, response.read(RESPONSE_KEPT).decode(errors="replace"), ""
    except urllib.error.HTTPError as error:
        return error.code, error.read(RESPONSE_KEPT).decode(errors="replace"), ""
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, "", str(error)[:RESPONSE_KEPT]


def attempt(delivery):
    """One attempt, logged; the delivery is then delivered, pending its next try, or failed."""
    status, text, error = post(delivery)
    Attempt.objects.create(delivery=delivery, response_status=status, response_body=text, error=error)
    delivery.attempts += 1
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            Delivery.Status.SUCCEEDED,
            timezone.now(),
            None,
        )
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
    else:
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=backoff(delivery.attempts))
    delivery.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
    return delivery


@task()
def deliver(delivery_pk):
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_pk).first()
    if delivery is None or delivery.status != Delivery.Status.PENDING:
        return
    attempt(delivery)
    if delivery.status == Delivery.Status.PENDING:
        deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
