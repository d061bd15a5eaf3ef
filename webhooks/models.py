"""Webhook endpoints editors register, and every delivery to them with each attempt's answer."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .signing import new_secret


class Event(models.TextChoices):
    PUBLISHED = "article.published", _("Article published")
    UPDATED = "article.updated", _("Published article updated")
    UNPUBLISHED = "article.unpublished", _("Article unpublished")
    DELETED = "article.deleted", _("Published article deleted")


class EndpointQuerySet(models.QuerySet):
    def listening_to(self, event):
        # JSON containment is PostgreSQL-only: the few endpoints are filtered in Python.
        return [endpoint for endpoint in self.filter(active=True) if event in endpoint.events]


class Endpoint(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500, help_text=_("Deliveries are POSTed here as JSON."))
    secret = models.CharField(
        _("secret"),
        max_length=100,
        default=new_secret,
        help_text=_("Signs every delivery (X-HKAI-Signature). Give it to the receiver; change it to rotate."),
    )
    events = models.JSONField(_("events"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.name


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    # No foreign key: a delivery about a deleted article stays in the log.
    article_id = models.BigIntegerField(_("article id"))
    # The exact body sent (and signed) on every attempt.
    payload = models.TextField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["article_id", "event"], name="delivery_article_event")]

    def __str__(self):
        return f"{self.get_event_display()} #{self.article_id} → {self.endpoint}"


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(_("attempted"), auto_now_add=True)
    response_status = models.PositiveIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response body"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["attempted_at", "id"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")

    def __str__(self):
        return str(self.response_status or self.error[:50])
