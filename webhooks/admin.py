from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .delivery import deliver
from .models import Attempt, Delivery, Endpoint, Event


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "events", "active", "secret"]


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "active", "event_list"]
    list_filter = ["active"]

    @admin.display(description=_("events"))
    def event_list(self, endpoint):
        names = dict(Event.choices)
        return ", ".join(str(names.get(event, event)) for event in endpoint.events)


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ["attempted_at", "response_status", "response_body", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "article_id", "endpoint", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "event", "endpoint"]
    list_select_related = ["endpoint"]
    readonly_fields = [
        "endpoint",
        "event",
        "article_id",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    ]
    inlines = [AttemptInline]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again now"))
    def retry(self, request, queryset):
        deliveries = list(queryset)
        for delivery in deliveries:
            delivery.status, delivery.next_attempt_at = Delivery.Status.PENDING, None
            delivery.save(update_fields=["status", "next_attempt_at"])
            deliver.enqueue(delivery.pk)
        self.message_user(
            request,
            ngettext("%(count)d delivery queued.", "%(count)d deliveries queued.", len(deliveries))
            % {"count": len(deliveries)},
            messages.SUCCESS,
        )
