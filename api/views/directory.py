"""API views of the directory: customers, channels, posts (and their import), canned responses,
SLA policies, calendars (and their due-time preview), teams, agents, surveys and KPIs.

Thin: each view reads through a queryset that selects what its list shows
in a constant number of queries, and writes by calling the domain's
services (customer_change_tier, customer_merge, agent_set_availability,
channels_app.pipeline.ingest_posts). Permissions are the roles' model
permissions (api.permissions.RolePermissions); posts and surveys of a case
the user may not see (cases_visible_to) are left out, as in the console.
The KPI endpoints build their scope exactly as the KPI page does
(kpis.views._scope_from), so they answer the page's numbers.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api import filters_directory as filters
from api.errors import Conflict
from api.permissions import RolePermissions
from api.serializers import directory as s
from cases.business_time import NoOpeningHours, add_business_minutes
from cases.choices import SLATarget
from cases.models import AgentProfile, BusinessCalendar, CannedResponse, Customer, SLAPolicy, Team
from cases.selectors import calendar_spec, cases_visible_to
from cases.services import CaseChangeError, MergeError, agent_set_availability, customer_change_tier, customer_merge
from cases.sla import preview_due_times
from channels_app.models import Channel, SocialPost
from channels_app.pipeline import ingest_posts
from kpis.forms import kpi_filter
from kpis.models import SatisfactionSurvey
from kpis.selectors.dashboard import kpi_dashboard


class ChangeOnPost(RolePermissions):
    """For POST actions that change an existing object (a merge): the change permission."""

    perms_map = {**RolePermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


def _sees_all_cases(user) -> bool:
    return user.has_perm("cases.view_all_cases")


# -- customers ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List customers"),
    retrieve=extend_schema(summary="A customer with their social profiles"),
    create=extend_schema(summary="Create a customer"),
    partial_update=extend_schema(summary="Update a customer (a new tier re-plans their open cases' SLAs)"),
)
class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Customer.objects.prefetch_related("profiles")
    serializer_class = s.CustomerSerializer
    filterset_class = filters.CustomerFilter
    ordering_fields = ["id", "name", "created_at", "churn_risk", "max_followers"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_update(self, serializer):
        tier = serializer.validated_data.pop("tier", None)
        with transaction.atomic():
            customer = serializer.save()
            if tier is not None:
                customer_change_tier(customer=customer, tier=tier, actor=self.request.user)
        customer.refresh_from_db()

    @extend_schema(
        summary="Merge this customer into another",
        description="Profiles (and so posts) and cases move to `into`; this customer stays, marked merged.",
        request=s.CustomerMergeSerializer,
        responses={200: s.CustomerSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, ChangeOnPost])
    def merge(self, request, pk=None):
        source = self.get_object()
        serializer = s.CustomerMergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            target = customer_merge(source=source, target=serializer.validated_data["into"], actor=request.user)
        except MergeError as error:
            raise Conflict(str(error)) from None
        target = Customer.objects.prefetch_related("profiles").get(pk=target.pk)
        return Response(s.CustomerSerializer(target, context=self.get_serializer_context()).data)


# -- channels and posts ------------------------------------------------------------------------


class ChannelViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Channel.objects.all()
    serializer_class = s.ChannelSerializer
    filterset_class = filters.ChannelFilter
    ordering_fields = ["id", "name"]


@extend_schema_view(
    list=extend_schema(summary="List posts"),
    retrieve=extend_schema(summary="A post"),
    create=extend_schema(
        summary="Import posts into a webhook or import channel",
        description="The posts go through the ingestion pipeline as a webhook's would. Every post is "
        "validated first: one bad post refuses the request (400, its index in `fields.posts`).",
        request=s.PostImportSerializer,
        responses={201: s.PostImportResultSerializer},
    ),
)
class PostViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = s.PostSerializer
    filterset_class = filters.PostFilter
    ordering_fields = ["id", "posted_at"]

    def get_queryset(self):
        posts = SocialPost.objects.select_related("author")
        user = self.request.user
        if not user.is_authenticated or _sees_all_cases(user):
            return posts
        return posts.filter(Q(case__isnull=True) | Q(case__in=cases_visible_to(user=user)))

    def get_serializer_class(self):
        return s.PostImportSerializer if self.action == "create" else s.PostSerializer

    def create(self, request, *args, **kwargs):
        serializer = s.PostImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = ingest_posts(channel=serializer.validated_data["channel"], posts=serializer.validated_data["posts"])
        return Response(s.PostImportResultSerializer(result).data, status=status.HTTP_201_CREATED)


# -- canned responses, SLA policies, calendars ---------------------------------------------------


class CannedResponseViewSet(viewsets.ModelViewSet):
    queryset = CannedResponse.objects.prefetch_related("variants")
    serializer_class = s.CannedResponseSerializer
    filterset_class = filters.CannedResponseFilter
    ordering_fields = ["id", "shortcut", "title", "updated_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]


def _refresh_open_cases_sla() -> None:
    """Re-plan the open cases' clocks once the change commits, as the admin does after an SLA
    configuration change (cases.admin._refresh_sla_after_config_change)."""
    from cases.tasks import refresh_open_cases_sla_task

    # robust: the change is committed by then; a broker outage is logged, not a 500 for a save that worked.
    transaction.on_commit(lambda: refresh_open_cases_sla_task.delay(), robust=True)


class SLAPolicyViewSet(viewsets.ModelViewSet):
    queryset = SLAPolicy.objects.all()
    serializer_class = s.SLAPolicySerializer
    filterset_class = filters.SLAPolicyFilter
    ordering_fields = ["id", "position", "name"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        serializer.save()
        _refresh_open_cases_sla()

    def perform_update(self, serializer):
        serializer.save()
        _refresh_open_cases_sla()

    def perform_destroy(self, instance):
        instance.delete()
        _refresh_open_cases_sla()


class CalendarViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = BusinessCalendar.objects.prefetch_related("opening_intervals", "holidays")
    serializer_class = s.BusinessCalendarSerializer
    ordering_fields = ["id", "name"]

    @extend_schema(
        summary="Due times under this calendar for a start time",
        parameters=[s.CalendarPreviewQuerySerializer],
        responses={200: s.CalendarPreviewSerializer},
    )
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        calendar = self.get_object()
        zone = ZoneInfo(calendar.time_zone)
        query = s.CalendarPreviewQuerySerializer(data=request.query_params)
        # A wall time without an offset is the calendar's, as in the admin's preview.
        with timezone.override(zone):
            query.is_valid(raise_exception=True)
        start = query.validated_data.get("start") or timezone.now().replace(second=0, microsecond=0)
        minutes, policy = query.validated_data.get("minutes"), query.validated_data.get("policy")
        spec = calendar_spec(calendar)
        try:
            due_at = add_business_minutes(spec, start, minutes) if minutes else None
            policy_due = preview_due_times(policy, spec, start) if policy else None
        except NoOpeningHours:
            raise Conflict(
                f"The calendar “{calendar.name}” has no opening hours, so no due time can be reached."
            ) from None
        body = {
            "calendar": calendar.pk,
            "time_zone": calendar.time_zone,
            "start": start,
            "minutes": minutes,
            "due_at": due_at,
            "policy_due": None
            if policy is None
            else {
                "policy": policy.pk,
                "first_response": policy_due[SLATarget.FIRST_RESPONSE],
                "next_response": policy_due[SLATarget.NEXT_RESPONSE],
                "resolution": policy_due[SLATarget.RESOLUTION],
            },
        }
        return Response(s.CalendarPreviewSerializer(body).data)


# -- teams and agents --------------------------------------------------------------------------


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Team.objects.prefetch_related(
        Prefetch("members", queryset=AgentProfile.objects.select_related("user").order_by("user__username"))
    )
    serializer_class = s.TeamSerializer
    filterset_class = filters.TeamFilter
    ordering_fields = ["id", "name"]


class AgentPermissions(RolePermissions):
    """Reading needs view_agentprofile; so does PATCH, because agents set their own availability:
    agent_set_availability() decides whether the actor may change this agent's."""

    perms_map = {**RolePermissions.perms_map, "PATCH": ["%(app_label)s.view_%(model_name)s"]}


@extend_schema_view(
    list=extend_schema(summary="List agents"),
    retrieve=extend_schema(summary="An agent, by user id"),
    partial_update=extend_schema(summary="Set an agent available or not (their own, or anyone's for managers)"),
)
class AgentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    queryset = AgentProfile.objects.select_related("user").prefetch_related("teams")
    serializer_class = s.AgentSerializer
    filterset_class = filters.AgentFilter
    permission_classes = [IsAuthenticated, AgentPermissions]
    lookup_field = "user"
    lookup_url_kwarg = "id"
    ordering_fields = ["id", "user__username"]
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        available = serializer.validated_data.get("is_available")
        if available is None:
            return
        try:
            agent_set_availability(agent=serializer.instance.user, available=available, actor=self.request.user)
        except CaseChangeError as error:
            raise PermissionDenied(str(error)) from None
        serializer.instance.refresh_from_db(fields=["is_available"])


# -- surveys -----------------------------------------------------------------------------------


class SurveyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.SurveySerializer
    filterset_class = filters.SurveyFilter
    ordering_fields = ["id", "sent_at", "answered_at"]

    def get_queryset(self):
        surveys = SatisfactionSurvey.objects.all()
        user = self.request.user
        if not user.is_authenticated or _sees_all_cases(user):
            return surveys
        return surveys.filter(case__in=cases_visible_to(user=user))


# -- KPIs --------------------------------------------------------------------------------------


def _kpi_scope(request):
    """The scope of the KPI page for this request (kpis.forms.kpi_filter, the page's own rule)."""
    form, scope = kpi_filter(user=request.user, data=request.query_params)
    if scope is None:
        raise ValidationError(
            {
                ("non_field_errors" if name == "__all__" else name): list(messages)
                for name, messages in form.errors.items()
            }
        )
    return scope


def _period(scope) -> dict:
    days = scope.days
    return {
        "start": days[0],
        "end": days[-1],
        "time_zone": scope.zone.key,
        "channel": scope.channel_id,
        "team": scope.team_id,
        "agent": scope.agent_id,
    }


class KpiViewSet(viewsets.ViewSet):
    """The KPI page's numbers: signed-in users; managers see the brand, agents their own cases."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="KPI figures for a period",
        parameters=[s.KpiQuerySerializer],
        responses={200: s.KpiSummarySerializer},
    )
    @action(detail=False, methods=["get"])
    def summary(self, request):
        scope = _kpi_scope(request)
        board = kpi_dashboard(scope, tables=False)
        body = {
            "period": _period(scope),
            "figures": s.jsonable(board.figures),
            "churn": s.jsonable(board.churn),
            "leads": s.jsonable(board.leads),
        }
        return Response(s.KpiSummarySerializer(body).data)

    @extend_schema(
        summary="KPI figures per day for a period",
        parameters=[s.KpiQuerySerializer],
        responses={200: s.KpiSeriesSerializer},
    )
    @action(detail=False, methods=["get"])
    def series(self, request):
        scope = _kpi_scope(request)
        board = kpi_dashboard(scope, tables=False)
        body = {"period": _period(scope), "series": s.jsonable(board.series)}
        return Response(s.KpiSeriesSerializer(body).data)


def register(router) -> None:
    """Add this module's viewsets to the API router."""
    router.register("customers", CustomerViewSet, basename="customer")
    router.register("channels", ChannelViewSet, basename="channel")
    router.register("posts", PostViewSet, basename="post")
    router.register("canned-responses", CannedResponseViewSet, basename="canned-response")
    router.register("sla-policies", SLAPolicyViewSet, basename="sla-policy")
    router.register("calendars", CalendarViewSet, basename="calendar")
    router.register("teams", TeamViewSet, basename="team")
    router.register("agents", AgentViewSet, basename="agent")
    router.register("surveys", SurveyViewSet, basename="survey")
    router.register("kpis", KpiViewSet, basename="kpis")
