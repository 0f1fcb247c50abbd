"""Django admin of the case domain: customers, cases and their timeline, teams,
calendars, SLA policies, canned responses and tags.

Owns presentation only. The admin edits configuration freely; for domain
state that services derive (SLA due times and breach flags, a customer's
influence, timeline events) it shows the values and does not let them be
typed in, since the next event would recompute or contradict them.

Invariant: no page of a large table runs a query whose cost grows with
the table. Changelists select their related rows in the same query, order
by an indexed column, count through socialcrm.admin_utils'
EstimatedCountPaginator, and every foreign key to a large table is an
autocomplete or raw-id widget, never a <select> of all rows.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from cases import selectors, services
from cases.choices import ChannelKind, CustomerTier, EngagementType, Priority
from cases.models import (
    AgentProfile,
    BusinessCalendar,
    CannedResponse,
    CannedResponseVariant,
    Case,
    CaseEvent,
    Customer,
    Holiday,
    OpeningInterval,
    SLAPolicy,
    Tag,
    Team,
)

# The admin is where apps meet: a customer's page lists the social profiles
# channels_app keeps for them. channels_app.models imports only cases.choices
# from this app, so importing it here cannot cycle.
from channels_app.models import SocialProfile
from socialcrm.admin_utils import (
    LargeTableAdminMixin,
    admin_change_link,
    admin_changelist_link,
    titled,
    truncated,
)

# "SC-123", "sc123" or "123": what agents paste when they mean a case. At
# most 18 digits, so the id always fits a bigint.
CASE_REFERENCE_RE = re.compile(r"^\s*(?:SC-?)?(\d{1,18})\s*$", re.IGNORECASE)
# Only the prefixed form, for tables whose own ids are numbers (a post's
# external id is a bare number that must still reach search_fields).
PREFIXED_CASE_REFERENCE_RE = re.compile(r"^\s*SC-?(\d{1,18})\s*$", re.IGNORECASE)


class CaseReferenceSearchMixin:
    """A search term that is a case reference finds by the case id, and only by it.

    The id goes through an index (the primary key, or the case foreign
    key's index on the case's rows); Django's own `=id` search would cast
    the column to text and scan the table, and the text fields would be
    scanned for a number nobody writes in them. Other terms fall through to
    `search_fields`. Set `case_reference_lookup` to the path to the case id,
    and `case_reference_re` to PREFIXED_CASE_REFERENCE_RE where a bare
    number means something else.
    """

    case_reference_lookup = "pk"
    case_reference_re = CASE_REFERENCE_RE

    def get_search_results(self, request, queryset, search_term):
        match = self.case_reference_re.match(search_term)
        if match:
            return queryset.filter(**{self.case_reference_lookup: int(match[1])}), False
        return super().get_search_results(request, queryset, search_term)


# --- Calendars -------------------------------------------------------------


class OpeningIntervalInline(admin.TabularInline):
    model = OpeningInterval
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone", "always_open", "updated_at")
    list_filter = ("always_open",)
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (OpeningIntervalInline, HolidayInline)


@admin.register(OpeningInterval)
class OpeningIntervalAdmin(admin.ModelAdmin):
    list_display = ("calendar", "weekday", "opens_at", "closes_at", "crosses_midnight")
    list_filter = ("calendar", "weekday")
    list_select_related = ("calendar",)

    @admin.display(boolean=True, description="past midnight")
    def crosses_midnight(self, obj: OpeningInterval) -> bool:
        return obj.crosses_midnight


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "calendar", "starts_at", "ends_at")
    list_filter = ("calendar",)
    list_select_related = ("calendar",)
    search_fields = ("name",)
    date_hierarchy = "date"


# --- Teams, agents, tags, canned responses ---------------------------------


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "calendar", "lead", "handles_sales", "is_escalation_team")
    list_filter = ("handles_sales", "is_escalation_team", "calendar")
    list_select_related = ("calendar", "lead")
    search_fields = ("name",)
    autocomplete_fields = ("lead",)
    readonly_fields = ("created_at",)


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "team_names", "capacity", "is_available", "languages")
    list_filter = ("is_available", "teams")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    autocomplete_fields = ("user",)
    filter_horizontal = ("teams",)

    def get_queryset(self, request):
        # One query for the teams of the whole page, not one per agent.
        return super().get_queryset(request).prefetch_related("teams")

    @admin.display(description="teams")
    def team_names(self, obj: AgentProfile) -> str:
        return ", ".join(team.name for team in obj.teams.all()) or "-"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "swatch")
    search_fields = ("name",)

    @admin.display(description="colour")
    def swatch(self, obj: Tag) -> str:
        return format_html(
            '<span style="display:inline-block;width:1em;height:1em;background:{};vertical-align:middle"></span> {}',
            obj.color,
            obj.color,
        )


class CannedResponseVariantInline(admin.StackedInline):
    model = CannedResponseVariant
    extra = 0


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ("shortcut", "title", "team", "is_active", "updated_at")
    list_filter = ("is_active", "team")
    list_select_related = ("team",)
    search_fields = ("shortcut", "title", "body")
    readonly_fields = ("created_at", "updated_at")
    inlines = (CannedResponseVariantInline,)


@admin.register(CannedResponseVariant)
class CannedResponseVariantAdmin(admin.ModelAdmin):
    list_display = ("response", "channel_kind", "body_preview")
    list_filter = ("channel_kind",)
    list_select_related = ("response",)
    search_fields = ("response__shortcut", "body")
    autocomplete_fields = ("response",)

    @admin.display(description="body")
    def body_preview(self, obj: CannedResponseVariant) -> str:
        return truncated(obj.body)


# --- SLA policies ----------------------------------------------------------


def _any_of(choices: type[models.Choices], label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"None ticked: any {label}.",
    )


class SLAPolicyForm(forms.ModelForm):
    """Conditions as ticked boxes of the enum's values rather than raw JSON lists.

    The model stores a list either way; the boxes make an unknown value
    impossible to type. SLAPolicy.clean() still validates both.
    """

    priorities = _any_of(Priority, "priority")
    channel_kinds = _any_of(ChannelKind, "channel kind")
    customer_tiers = _any_of(CustomerTier, "customer tier")
    engagement_types = _any_of(EngagementType, "engagement type")

    class Meta:
        model = SLAPolicy
        # The admin passes the full field list from its fieldsets.
        fields = ("priorities", "channel_kinds", "customer_tiers", "engagement_types")


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    form = SLAPolicyForm
    list_display = (
        "name",
        "position",
        "is_active",
        "is_default",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "calendar",
        "escalation_action",
    )
    list_display_links = ("name",)
    # Reordering and switching policies off are the everyday edits; is_default
    # is not here because only one row may hold it and a list saves row by row.
    list_editable = ("position", "is_active")
    list_filter = ("is_active", "escalation_action", "calendar")
    list_select_related = ("calendar",)
    ordering = ("position", "id")
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "position", "is_active", "is_default")}),
        (
            "Applies to (first matching policy in position order wins)",
            {"fields": ("priorities", "channel_kinds", "customer_tiers", "engagement_types")},
        ),
        (
            "Targets, in business minutes of the calendar",
            {
                "fields": (
                    "first_response_minutes",
                    "next_response_minutes",
                    "resolution_minutes",
                    "warning_ratio",
                    "calendar",
                    "pause_while_pending",
                    "pause_while_on_hold",
                )
            },
        ),
        ("On breach", {"fields": ("escalation_action", "escalation_team")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )


# --- Customers -------------------------------------------------------------


class SocialProfileInline(admin.TabularInline):
    """The customer's accounts, for reading; each row links to its own admin page."""

    model = SocialProfile
    fields = ("kind", "handle", "display_name", "followers_count", "verified", "profile_link")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        # Profiles come from ingestion (identity resolution), not typed in here.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="on the channel")
    def profile_link(self, obj: SocialProfile) -> str:
        if not obj.profile_url:
            return "-"
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">open</a>', obj.profile_url)


@admin.register(Customer)
class CustomerAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "email", "tier", "influence", "max_followers", "churn_risk", "churned_at", "created_at")
    list_filter = (
        "tier",
        "influence",
        ("churned_at", admin.EmptyFieldListFilter),
        ("merged_into", admin.EmptyFieldListFilter),
    )
    search_fields = ("name", "email", "phone")
    search_help_text = "Part of a name, e-mail address or phone number."
    autocomplete_fields = ("merged_into",)
    # Derived from the profiles by cases.services.customer_refresh_influence().
    readonly_fields = ("max_followers", "influence", "cases_link", "created_at", "updated_at")
    inlines = (SocialProfileInline,)
    fieldsets = (
        (None, {"fields": ("name", "email", "phone", "tier", "notes")}),
        ("Reach and risk", {"fields": ("max_followers", "influence", "churn_risk", "churned_at")}),
        ("Records", {"fields": ("cases_link", "merged_into", "created_at", "updated_at")}),
    )

    actions = ("merge_into_oldest",)
    change_list_template = "admin/cases/customer/change_list.html"

    @admin.action(description="Merge the selected customers into the oldest of them", permissions=["change"])
    def merge_into_oldest(self, request, queryset):
        customers = list(queryset.order_by("pk"))
        if len(customers) < 2:
            self.message_user(request, "Select at least two customers to merge.", level=messages.WARNING)
            return
        target = customers[0]
        try:
            for source in customers[1:]:
                target = services.customer_merge(source=source, target=target, actor=request.user)
        except services.MergeError as error:
            self.message_user(request, str(error), level=messages.ERROR)
            return
        self.message_user(request, f"Merged {len(customers) - 1} customer(s) into {target}.", level=messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "merge-suggestions/",
                self.admin_site.admin_view(self.merge_suggestions_view),
                name="cases_customer_merge_suggestions",
            ),
            *super().get_urls(),
        ]

    def merge_suggestions_view(self, request):
        """Pairs that look like one person, each with a merge button (POST, change permission)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            ids = [int(pk) for pk in request.POST.getlist("customer") if pk.isdigit()]
            self.merge_into_oldest(request, Customer.objects.filter(pk__in=ids))
            return redirect("admin:cases_customer_merge_suggestions")
        context = {
            **self.admin_site.each_context(request),
            "title": "Customer merge suggestions",
            "opts": self.model._meta,
            "suggestions": selectors.customer_merge_suggestions(),
        }
        return TemplateResponse(request, "admin/cases/customer/merge_suggestions.html", context)

    @admin.display(description="cases")
    def cases_link(self, obj: Customer) -> str:
        # A link rather than an inline: a customer may have hundreds of cases.
        if obj.pk is None:
            return "-"
        return admin_changelist_link(Case, "List this customer's cases", customer__id__exact=obj.pk)


# --- Cases and their timeline ----------------------------------------------


@admin.register(Case)
class CaseAdmin(CaseReferenceSearchMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "subject_preview",
        "customer",
        "status",
        "priority",
        "assignee",
        "team",
        "sla_next_due_at",
        "first_response_breached",
        "next_response_breached",
        "resolution_breached",
        "created_at",
    )
    list_select_related = ("customer", "assignee", "team")
    list_filter = (
        "status",
        "priority",
        "engagement_type",
        "intent",
        "team",
        ("origin_channel__kind", titled(admin.ChoicesFieldListFilter, "origin channel kind")),
        ("assignee", titled(admin.EmptyFieldListFilter, "assigned")),
        "first_response_breached",
        "next_response_breached",
        "resolution_breached",
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("customer__name", "customer__email")
    search_help_text = "A case reference (SC-123 or 123), or part of the customer's name or e-mail address."
    # The newest first by primary key: the model's -created_at has no index
    # of its own, so ordering by it would sort the whole table for each page.
    ordering = ("-id",)
    sortable_by = ("reference", "sla_next_due_at")
    autocomplete_fields = ("customer", "origin_channel", "assignee", "tags", "merged_into")
    # SLA state and sentiment are written by cases.sla and the pipeline when
    # events happen; a value typed here would be overwritten or contradicted.
    readonly_fields = (
        "reference",
        "priority_score",
        "first_response_due_at",
        "next_response_due_at",
        "resolution_due_at",
        "sla_next_due_at",
        "sla_warned",
        "first_response_breached",
        "next_response_breached",
        "resolution_breached",
        "sentiment_start",
        "sentiment_latest",
        "sentiment_label",
        "related_links",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("reference", "customer", "subject", "origin_channel", "related_links")}),
        (
            "Triage",
            {
                "fields": (
                    "status",
                    "priority",
                    "priority_score",
                    "engagement_type",
                    "intent",
                    "language",
                    "team",
                    "assignee",
                    "tags",
                )
            },
        ),
        (
            "Clocks",
            {
                "fields": (
                    "first_message_at",
                    "last_customer_message_at",
                    "first_responded_at",
                    "last_responded_at",
                    "resolved_at",
                    "closed_at",
                )
            },
        ),
        (
            "SLA (computed)",
            {
                "fields": (
                    "sla_policy",
                    "first_response_due_at",
                    "next_response_due_at",
                    "resolution_due_at",
                    "sla_next_due_at",
                    "sla_warned",
                    "first_response_breached",
                    "next_response_breached",
                    "resolution_breached",
                )
            },
        ),
        ("Sentiment", {"fields": ("sentiment_start", "sentiment_latest", "sentiment_label")}),
        ("Records", {"fields": ("merged_into", "created_at", "updated_at")}),
    )

    @admin.display(description="case", ordering="id")
    def reference(self, obj: Case) -> str:
        return obj.reference

    @admin.display(description="subject")
    def subject_preview(self, obj: Case) -> str:
        return truncated(obj.subject, 60)

    @admin.display(description="related")
    def related_links(self, obj: Case) -> str:
        # Links rather than inlines: a case's timeline and posts are unbounded.
        if obj.pk is None:
            return "-"
        links = (
            ("cases", "caseevent", "Timeline"),
            ("channels_app", "socialpost", "Posts"),
            ("channels_app", "outboundmessage", "Replies"),
        )
        return format_html_join(
            " · ",
            '<a href="{}?case__id__exact={}">{}</a>',
            ((reverse(f"admin:{app}_{model}_changelist"), obj.pk, label) for app, model, label in links),
        )


@admin.register(CaseEvent)
class CaseEventAdmin(CaseReferenceSearchMixin, LargeTableAdminMixin, admin.ModelAdmin):
    """The timeline is append-only: rows can be added (for repairs) but never changed."""

    case_reference_lookup = "case_id"
    list_display = ("occurred_at", "case_link", "kind", "actor", "body_preview")
    list_select_related = ("actor",)
    list_filter = ("kind", ("occurred_at", admin.DateFieldListFilter))
    search_fields = ("dedupe_key__exact",)
    search_help_text = "A case reference (SC-123) lists that case's timeline; any other term matches a dedupe key."
    # Newest first by primary key (the model orders a case's timeline
    # oldest first, and occurred_at alone has no index).
    ordering = ("-id",)
    sortable_by = ()
    autocomplete_fields = ("case", "actor")
    raw_id_fields = ("post", "outbound_message")
    readonly_fields = ("created_at",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="case")
    def case_link(self, obj: CaseEvent) -> str:
        return admin_change_link(Case, obj.case_id, f"SC-{obj.case_id}")

    @admin.display(description="body")
    def body_preview(self, obj: CaseEvent) -> str:
        return truncated(obj.body, 60)
