"""Django admin of the case domain: customers, cases and their timeline, teams,
calendars, SLA policies, canned responses and tags.

Owns presentation only. The admin edits configuration freely; for domain
state that services derive (SLA due times and breach flags, a customer's
influence, timeline events) it shows the values and does not let them be
typed in, since the next event would recompute or contradict them.
SLA clocks and notifications are shown read-only for the same reason.

A change of SLA configuration (a policy, a calendar, its opening hours or
holidays) moves the due times of open cases: every save or delete of one
here calls _refresh_sla_after_config_change(), which enqueues the refresh
after the transaction commits.

Invariant: no page of a large table runs a query whose cost grows with
the table. Changelists select their related rows in the same query, order
by an indexed column, count through socialcrm.admin_utils'
EstimatedCountPaginator, and every foreign key to a large table is an
autocomplete or raw-id widget, never a <select> of all rows.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from cases import selectors, services
from cases.business_time import NoOpeningHours
from cases.choices import DONE_STATUSES, CaseStatus, ChannelKind, CustomerTier, EngagementType, Priority, SLATarget
from cases.models import (
    AgentProfile,
    BusinessCalendar,
    CannedResponse,
    CannedResponseVariant,
    Case,
    CaseEvent,
    Customer,
    Holiday,
    Notification,
    OpeningInterval,
    SLAClock,
    SLAPolicy,
    Tag,
    Team,
)
from cases.sla import preview_due_times

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


# --- SLA configuration changes ----------------------------------------------


def _refresh_sla_after_config_change() -> None:
    """Recompute the due times of open cases once the current transaction commits.

    Called after a policy, calendar, opening interval or holiday is saved
    or deleted here. Does nothing where cases.tasks has no such task, so the
    admin works on a checkout that predates it.
    """
    # HOOK: cases.tasks.refresh_open_cases_sla_task (calls cases.services.sla.sla_refresh_open_cases).
    try:
        from cases.tasks import refresh_open_cases_sla_task
    except ImportError:
        return
    # robust: the configuration is committed by then; a broker outage is
    # logged rather than turned into an error page for a save that worked.
    transaction.on_commit(lambda: refresh_open_cases_sla_task.delay(), robust=True)


class RefreshesSLAOnChangeMixin:
    """For the admin of SLA configuration: a save that changed something, or a delete, refreshes open cases."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.has_changed() or any(formset.has_changed() for formset in formsets):
            _refresh_sla_after_config_change()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _refresh_sla_after_config_change()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        _refresh_sla_after_config_change()


# --- Calendars -------------------------------------------------------------


class OpeningIntervalFormSet(forms.BaseInlineFormSet):
    """Refuses overlapping intervals, including a night shift running into the next day's hours."""

    def clean(self):
        super().clean()
        intervals = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form):
                continue
            values = (data.get("weekday"), data.get("opens_at"), data.get("closes_at"))
            if None not in values:  # a missing value is reported on its own row
                intervals.append(values)
        problems = services.calendar_check_intervals(intervals)
        if problems:
            raise ValidationError(problems)


class OpeningIntervalInline(admin.TabularInline):
    model = OpeningInterval
    formset = OpeningIntervalFormSet
    extra = 0


class HolidayForm(forms.ModelForm):
    """Whole day (no times) or a part of it; says so in words rather than with the model's constraint name."""

    class Meta:
        model = Holiday
        fields = ("calendar", "date", "name", "starts_at", "ends_at")

    def clean(self):
        cleaned = super().clean()
        if "starts_at" in self.errors or "ends_at" in self.errors:
            return cleaned
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        # add_error() on the field also keeps the model's CheckConstraint from
        # being validated again with its own, technical, message.
        if (starts is None) != (ends is None):
            self.add_error(
                "ends_at" if ends is None else "starts_at",
                "A part-day holiday needs both a start and an end time; leave both empty to close the whole day.",
            )
        elif starts is not None and ends <= starts:
            self.add_error(
                "ends_at",
                f"Must be after the start ({starts:%H:%M}). A closure past midnight is two holidays: "
                "one ending at 23:59:59, the next starting at 00:00.",
            )
        return cleaned


class HolidayInline(admin.TabularInline):
    model = Holiday
    form = HolidayForm
    extra = 0


MAX_ICS_BYTES = 1024 * 1024
MAX_IMPORT_ERRORS_SHOWN = 20


class HolidayImportForm(forms.Form):
    file = forms.FileField(
        label="iCalendar file (.ics)",
        validators=[FileExtensionValidator(["ics"], message="Choose an iCalendar file ending in .ics.")],
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
        help_text="At most 1 MB. All-day events close whole days; timed events close part of a day.",
    )
    replace_years = forms.BooleanField(
        required=False,
        label="Replace this calendar's holidays in the years the file covers",
        help_text="Holidays of those years that the file does not contain are deleted.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ICS_BYTES:
            raise ValidationError(f"The file is {upload.size // 1024} KB; at most 1024 KB (1 MB) is accepted.")
        return upload


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(RefreshesSLAOnChangeMixin, admin.ModelAdmin):
    list_display = ("name", "time_zone", "always_open", "updated_at")
    list_filter = ("always_open",)
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (OpeningIntervalInline, HolidayInline)
    change_form_template = "admin/cases/businesscalendar/change_form.html"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/import-holidays/",
                self.admin_site.admin_view(self.import_holidays_view),
                name="cases_businesscalendar_import_holidays",
            ),
            *super().get_urls(),
        ]

    def import_holidays_view(self, request, object_id):
        """Upload an .ics file of holidays into this calendar (POST; change permission)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        calendar = self.get_object(request, unquote(object_id))
        if calendar is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, calendar):
            raise PermissionDenied
        form = HolidayImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.calendar_import_holidays(
                    calendar=calendar, ics=upload.read(), replace_years=form.cleaned_data["replace_years"]
                )
            except services.HolidayImportError as error:
                form.add_error("file", str(error))
            else:
                self._report_import(request, upload.name, result)
                if result.created or result.updated or result.removed:
                    _refresh_sla_after_config_change()
                return redirect("admin:cases_businesscalendar_change", calendar.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import holidays into {calendar.name}",
            "opts": self.opts,
            "original": calendar,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/cases/businesscalendar/import_holidays.html", context)

    def _report_import(self, request, file_name: str, result: services.HolidayImport) -> None:
        summary = f"{file_name}: {result.created} holiday(s) added, {result.updated} renamed, "
        summary += f"{result.unchanged} already present"
        if result.removed:
            summary += f", {result.removed} removed"
        if result.errors:
            summary += f"; {len(result.errors)} event(s) left out"
        self.message_user(request, summary + ".", level=messages.WARNING if result.errors else messages.SUCCESS)
        for error in result.errors[:MAX_IMPORT_ERRORS_SHOWN]:
            self.message_user(request, error, level=messages.WARNING)
        if len(result.errors) > MAX_IMPORT_ERRORS_SHOWN:
            more = len(result.errors) - MAX_IMPORT_ERRORS_SHOWN
            self.message_user(request, f"...and {more} more event(s) left out.", level=messages.WARNING)


class OpeningIntervalForm(forms.ModelForm):
    """One interval edited on its own: refused if it overlaps the calendar's other intervals."""

    class Meta:
        model = OpeningInterval
        fields = ("calendar", "weekday", "opens_at", "closes_at")

    def clean(self):
        cleaned = super().clean()
        calendar = cleaned.get("calendar")
        values = (cleaned.get("weekday"), cleaned.get("opens_at"), cleaned.get("closes_at"))
        if calendar is None or None in values:
            return cleaned
        others = list(
            calendar.opening_intervals.exclude(pk=self.instance.pk).values_list("weekday", "opens_at", "closes_at")
        )
        # Only the problems this interval brings: older ones are for the calendar's page.
        known = set(services.calendar_check_intervals(others))
        problems = [problem for problem in services.calendar_check_intervals([*others, values]) if problem not in known]
        if problems:
            raise ValidationError(problems)
        return cleaned


@admin.register(OpeningInterval)
class OpeningIntervalAdmin(RefreshesSLAOnChangeMixin, admin.ModelAdmin):
    form = OpeningIntervalForm
    list_display = ("calendar", "weekday", "opens_at", "closes_at", "crosses_midnight")
    list_filter = ("calendar", "weekday")
    list_select_related = ("calendar",)

    @admin.display(boolean=True, description="past midnight")
    def crosses_midnight(self, obj: OpeningInterval) -> bool:
        return obj.crosses_midnight


@admin.register(Holiday)
class HolidayAdmin(RefreshesSLAOnChangeMixin, admin.ModelAdmin):
    form = HolidayForm
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


TARGET_MINUTES_FIELDS = {
    SLATarget.FIRST_RESPONSE: "first_response_minutes",
    SLATarget.NEXT_RESPONSE: "next_response_minutes",
    SLATarget.RESOLUTION: "resolution_minutes",
}


class SLAPolicyForm(forms.ModelForm):
    """Conditions as ticked boxes of the enum's values rather than raw JSON lists.

    The model stores a list either way; the boxes make an unknown value
    impossible to type. SLAPolicy.clean() still validates both. The bounds
    the database checks (targets above zero, a warning ratio from 0 to 1,
    a single default policy) are validated here too, so they fail as a
    message on the field rather than with a constraint's name.
    """

    priorities = _any_of(Priority, "priority")
    channel_kinds = _any_of(ChannelKind, "channel kind")
    customer_tiers = _any_of(CustomerTier, "customer tier")
    engagement_types = _any_of(EngagementType, "engagement type")

    class Meta:
        model = SLAPolicy
        # The admin passes the full field list from its fieldsets.
        fields = ("priorities", "channel_kinds", "customer_tiers", "engagement_types")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TARGET_MINUTES_FIELDS.values():
            if name in self.fields:
                self.fields[name].validators.append(MinValueValidator(1, "A target is at least 1 minute."))
                self.fields[name].widget.attrs["min"] = 1
        if "warning_ratio" in self.fields:
            self.fields["warning_ratio"].validators += [MinValueValidator(0.0), MaxValueValidator(1.0)]
            self.fields["warning_ratio"].widget.attrs.update(min=0, max=1)

    def clean_is_default(self):
        is_default = self.cleaned_data.get("is_default")
        if is_default:
            current = SLAPolicy.objects.filter(is_default=True).exclude(pk=self.instance.pk).first()
            if current is not None:
                raise ValidationError(f"“{current}” is the default policy: untick it there first.")
        return is_default


class DueTimePreviewForm(forms.Form):
    start = forms.DateTimeField(
        required=False,
        label="Customer's first message at",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In the calendar's time zone. Empty: now.",
    )


def _moment(value: dt.datetime, zone) -> str:
    """A due time as the preview shows it: "Mon 2026-03-09 10:00 GMT"."""
    local = value.astimezone(zone)
    return f"{local:%a %Y-%m-%d %H:%M} {local.tzname()}"


@admin.register(SLAPolicy)
class SLAPolicyAdmin(RefreshesSLAOnChangeMixin, admin.ModelAdmin):
    form = SLAPolicyForm
    change_form_template = "admin/cases/slapolicy/change_form.html"
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

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="cases_slapolicy_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        """Due times of each target for a case starting at a given moment (GET; change permission).

        A tool for whoever configures the policy, so it asks what editing
        it asks, though it writes nothing.
        """
        if not self.has_change_permission(request):
            raise PermissionDenied
        policy = self.get_object(request, unquote(object_id))
        if policy is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, policy):
            raise PermissionDenied
        zone = ZoneInfo(policy.calendar.time_zone) if policy.calendar else dt.UTC
        form = DueTimePreviewForm(request.GET or None)
        # The typed wall time is read in the calendar's zone, not the site's.
        with timezone.override(zone):
            valid = form.is_bound and form.is_valid()
        start = form.cleaned_data.get("start") if valid else None
        if start is None and not form.errors:
            start = timezone.now().replace(second=0, microsecond=0)
        rows, problem = [], ""
        if start is not None:
            try:
                spec = selectors.calendar_spec(policy.calendar) if policy.calendar else None
                due_times = preview_due_times(policy, spec, start)
            except NoOpeningHours:
                problem = (
                    f"The calendar “{policy.calendar}” has no opening hours, so no due time can be reached: "
                    "add opening intervals to it, or mark it 24/7."
                )
            else:
                for target, field_name in TARGET_MINUTES_FIELDS.items():
                    due = due_times.get(target)
                    rows.append(
                        {
                            "target": target.label,
                            "minutes": getattr(policy, field_name),
                            "utc": _moment(due, dt.UTC) if due else "",
                            "local": _moment(due, zone) if due else "",
                        }
                    )
            if not form.is_bound:
                form = DueTimePreviewForm(initial={"start": start.astimezone(zone).replace(tzinfo=None)})
        context = {
            **self.admin_site.each_context(request),
            "title": f"Due times under {policy.name}",
            "opts": self.opts,
            "original": policy,
            "form": form,
            "zone": getattr(zone, "key", "UTC"),
            "start_local": _moment(start, zone) if start else "",
            "start_utc": _moment(start, dt.UTC) if start else "",
            "rows": rows,
            "problem": problem,
        }
        return TemplateResponse(request, "admin/cases/slapolicy/preview.html", context)


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

    def save_model(self, request, obj, form, change):
        """A new tier goes through its service: the customer's open cases get their SLA policy evaluated again."""
        if not change or "tier" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        tier, obj.tier = obj.tier, form.initial["tier"]
        super().save_model(request, obj, form, change)
        services.customer_change_tier(customer=obj, tier=tier, actor=request.user)
        obj.refresh_from_db()

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

SLA_CLOCK_COLUMNS = ("target", "cycle", "state", "started_at", "due_at", "stopped_at", "breached", "business_minutes")


class SLAClockInline(admin.TabularInline):
    """A case's clocks, for reading: cases.services.sla derives them from the timeline."""

    model = SLAClock
    fields = SLA_CLOCK_COLUMNS
    readonly_fields = fields
    ordering = ("started_at", "target", "cycle")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CaseAdminForm(forms.ModelForm):
    def clean(self):
        # A done case needs its resolution time (a CHECK constraint): fill it in so
        # the form validates; case_change_status() then records the real moment.
        data = super().clean()
        now = timezone.now()
        if data.get("status") in DONE_STATUSES and not data.get("resolved_at"):
            data["resolved_at"] = now
        if data.get("status") == CaseStatus.CLOSED and not data.get("closed_at"):
            data["closed_at"] = now
        return data


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
    form = CaseAdminForm
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
    inlines = (SLAClockInline,)
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

    def save_model(self, request, obj, form, change):
        """Status and priority go through their services: the timeline records the
        change (who, when) and the SLA clocks are planned again."""
        if not change or not {"status", "priority"} & set(form.changed_data):
            super().save_model(request, obj, form, change)
            return
        status, priority = obj.status, obj.priority
        obj.status, obj.priority = form.initial["status"], form.initial["priority"]
        if status != obj.status:
            obj.resolved_at, obj.closed_at = form.initial.get("resolved_at"), form.initial.get("closed_at")
        super().save_model(request, obj, form, change)
        try:
            if status != obj.status:
                services.case_change_status(case=obj, status=status, actor=request.user, reason="changed in admin")
            if priority != obj.priority:
                services.case_change_priority(case=obj, priority=priority, actor=request.user)
        except services.CaseChangeError as error:
            self.message_user(request, str(error), level=messages.ERROR)
        obj.refresh_from_db()

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


# --- SLA clocks and notifications --------------------------------------------


@admin.register(SLAClock)
class SLAClockAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    """Derived from each case's timeline and policy by cases.services.sla: viewed, never edited."""

    list_display = ("case_link", *SLA_CLOCK_COLUMNS)
    list_filter = ("target", "state", "breached")
    # Only shows the search box: get_search_results() answers case references alone.
    search_fields = ("case__id",)
    search_help_text = "A case reference (SC-123 or 123) lists that case's clocks."
    ordering = ("-id",)
    sortable_by = ()
    fields = (
        "case_link",
        "target",
        "cycle",
        "policy",
        "state",
        "started_at",
        "warn_at",
        "due_at",
        "stopped_at",
        "stop_reason",
        "breached",
        "business_minutes",
        "warned_at",
        "breach_recorded_at",
        "updated_at",
    )
    # "case" is shown as case_link (no join); listed so no form ever offers it.
    readonly_fields = (*fields, "case")

    def get_search_results(self, request, queryset, search_term):
        match = CASE_REFERENCE_RE.match(search_term)
        if match:
            return queryset.filter(case_id=int(match[1])), False
        return (queryset.none() if search_term.strip() else queryset), False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="case")
    def case_link(self, obj: SLAClock) -> str:
        return admin_change_link(Case, obj.case_id, f"SC-{obj.case_id}")


class ReadFilter(admin.SimpleListFilter):
    title = "read"
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return (("yes", "Read"), ("no", "Unread"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    """What the system told users; read-only, but old ones may be deleted."""

    list_display = ("recipient", "kind", "case_link", "message_preview", "created_at", "read_at")
    list_select_related = ("recipient",)
    list_filter = ("kind", ReadFilter)
    search_fields = ("message",)
    ordering = ("-id",)
    sortable_by = ()
    fields = ("recipient", "kind", "case_link", "message", "dedupe_key", "created_at", "read_at")
    # "case" is shown as case_link (no join); listed so no form ever offers it.
    readonly_fields = (*fields, "case")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="case")
    def case_link(self, obj: Notification) -> str:
        return admin_change_link(Case, obj.case_id, f"SC-{obj.case_id}") if obj.case_id else "-"

    @admin.display(description="message")
    def message_preview(self, obj: Notification) -> str:
        return truncated(obj.message, 80)


from cases import admin_priority, admin_routing  # noqa: E402,F401
