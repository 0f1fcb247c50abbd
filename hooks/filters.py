"""FilterSets of the webhook API lists (api/views/webhooks.py)."""

import django_filters

from api.filter_fields import UtcDateTimeFilter
from hooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription


class WebhookSubscriptionFilter(django_filters.FilterSet):
    event = django_filters.ChoiceFilter(
        choices=WebhookEvent.choices, method="filter_event", help_text="Subscriptions that receive this event."
    )
    paused = django_filters.BooleanFilter(
        field_name="paused_at", lookup_expr="isnull", exclude=True, help_text="true: paused ones only."
    )
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Part of the name.")

    class Meta:
        model = WebhookSubscription
        fields = ["is_active"]

    def filter_event(self, queryset, name, value):
        # The quoted name in the JSON text: portable to SQLite, where JSON containment is not.
        return queryset.filter(events__icontains=f'"{value}"')


class WebhookDeliveryFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=DeliveryStatus.choices)
    event = django_filters.MultipleChoiceFilter(choices=WebhookEvent.choices)
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = WebhookDelivery
        fields = ["subscription", "event_id"]
