"""API views of cases: /api/v1/cases/ (list, detail, create, update), its actions and its timeline.

Thin, as the console's views (cases/views/case.py): each parses its input
with a serializer (api.serializers.cases), calls one service of
cases.services or selector of cases.selectors, and answers with the case.
Who may do what is the console's:
- every request needs cases.view_case, and the case must be in
  cases_visible_to(user): otherwise 404, so ids cannot be probed;
- actions and PATCH need cases.change_case too; reassigning to someone else
  is refused by the service (cases.reassign_case), as in the console;
- creating (a contact logged by hand) needs cases.add_case.
A change a service refuses (CaseChangeError: a claim lost, a merged case, a
stale reply) is a 409 through api.errors; bad input is a 400 with fields.

Two writes have no service yet and live in the helper section at the end:
case_log_contact() (a case opened from a phone call or e-mail logged by hand)
and case_change_subject(). They belong in cases/services.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from api.filters_cases import CaseFilter
from api.pagination import ApiCursorPagination
from api.serializers.cases import (
    CaseAssignSerializer,
    CaseCreateSerializer,
    CaseErrorSerializer,
    CaseEscalateSerializer,
    CaseEventSerializer,
    CaseMergeSerializer,
    CaseNoteSerializer,
    CaseOutboundReplySerializer,
    CasePrioritySerializer,
    CaseReplySerializer,
    CaseResolveSerializer,
    CaseSerializer,
    CaseStatusSerializer,
    CaseTagsSerializer,
    CaseUpdateSerializer,
)
from cases.choices import ChannelKind
from cases.models import Case, CaseEvent, Team
from cases.selectors import cases_visible_to
from cases.selectors.case_view import _names_for, describe_event, display_name
from cases.services import (
    CaseChangeError,
    StaleCase,
    case_add_note,
    case_assign,
    case_change_priority,
    case_change_status,
    case_change_subject,
    case_claim,
    case_escalate,
    case_log_contact,
    case_merge,
    case_release_priority,
    case_reply,
    case_resolve,
    case_set_tags,
)
from channels_app.models import Channel

VIEW = "cases.view_case"
# Django permissions each action needs, as the console's views check them.
ACTION_PERMISSIONS = {
    "list": (VIEW,),
    "retrieve": (VIEW,),
    "timeline": (VIEW,),
    "create": (VIEW, "cases.add_case"),
    "partial_update": (VIEW, "cases.change_case"),
}
CHANGE = (VIEW, "cases.change_case")
ORDERING_FIELDS = ["id", "created_at", "priority_score", "sla_next_due_at"]


class CasePermissions(permissions.BasePermission):
    """The console's permissions: view to read, change for actions and PATCH, add to create."""

    def has_permission(self, request, view) -> bool:
        default = (VIEW,) if request.method in permissions.SAFE_METHODS else CHANGE
        needed = ACTION_PERMISSIONS.get(view.action, default)
        return bool(request.user and request.user.is_authenticated and request.user.has_perms(needed))


class TimelinePagination(ApiCursorPagination):
    """Events newest first, by id (what seen_event_id compares with), whatever ?ordering says."""

    def get_ordering(self, request, queryset, view):
        return ("-id",)


ERRORS = {
    400: OpenApiResponse(CaseErrorSerializer, description="Invalid input; `fields` says which."),
    404: OpenApiResponse(CaseErrorSerializer, description="No such case visible to you."),
    409: OpenApiResponse(CaseErrorSerializer, description="The change was refused; `message` says why."),
}


def _case_action(request_serializer, summary: str, *, responses=None):
    return extend_schema(
        summary=summary,
        request=request_serializer,
        responses={200: CaseSerializer, **ERRORS} if responses is None else {**responses, **ERRORS},
        filters=False,
    )


@extend_schema_view(
    list=extend_schema(summary="Cases you can see, newest first (cursor-paginated)"),
    retrieve=extend_schema(summary="One case", responses={200: CaseSerializer, 404: ERRORS[404]}),
    create=extend_schema(
        summary="Open a case for a contact logged by hand (a call, an e-mail)",
        request=CaseCreateSerializer,
        responses={201: CaseSerializer, 400: ERRORS[400]},
    ),
    partial_update=extend_schema(
        summary="Change a case's subject or tags",
        request=CaseUpdateSerializer,
        responses={200: CaseSerializer, **ERRORS},
    ),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CaseSerializer
    permission_classes = [permissions.IsAuthenticated, CasePermissions]
    filterset_class = CaseFilter
    ordering_fields = ORDERING_FIELDS
    ordering = ["-id"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Case.objects.none()
        return _with_row_data(cases_visible_to(user=self.request.user))

    def filter_queryset(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        queryset = super().filter_queryset(queryset)
        # Cursor pages need a value to stand on: ordered by the next due time, the list is of
        # cases with one (as the inbox's "breaching soon").
        if any(field.lstrip("-") == "sla_next_due_at" for field in queryset.query.order_by):
            queryset = queryset.filter(sla_next_due_at__isnull=False)
        return queryset

    def get_object(self) -> Case:
        """The case if visible (else 404); list filters do not apply to one case."""
        # NotFound, not Django's Http404: api.errors gives the latter the code "error".
        case = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if case is None:
            raise NotFound("No such case.")
        self.check_object_permissions(self.request, case)
        return case

    def _respond(self, case_pk: int, *, status_code: int = http.HTTP_200_OK, headers=None) -> Response:
        # Read again unfiltered: an action may move the case out of the user's sight (an escalation team).
        case = _with_row_data(Case.objects.all()).get(pk=case_pk)
        return Response(self.get_serializer(case).data, status=status_code, headers=headers)

    def _input(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    # -- create and update ------------------------------------------------------------------------

    def create(self, request):
        data = self._input(CaseCreateSerializer)
        channel = data.get("origin_channel") or _channel_for_kind(data["channel_kind"])
        case = case_log_contact(
            customer=data["customer"],
            channel=channel,
            channel_kind=channel.kind if channel else data["channel_kind"],
            text=data["text"],
            subject=data.get("subject", ""),
            at=data.get("first_message_at"),
            actor=request.user,
        )
        response = self._respond(case.pk, status_code=http.HTTP_201_CREATED)
        response["Location"] = response.data["url"]
        return response

    def partial_update(self, request, pk=None):
        case = self.get_object()
        data = self._input(CaseUpdateSerializer)
        with transaction.atomic():
            if "subject" in data:
                case_change_subject(case=case, subject=data["subject"], actor=request.user)
            if "tags" in data:
                case_set_tags(case=case, tag_ids=data["tags"], actor=request.user)
        return self._respond(case.pk)

    # -- actions ----------------------------------------------------------------------------------

    @_case_action(CaseAssignSerializer, "Assign to an agent (null: unassign), optionally moving to a team")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        case = self.get_object()
        data = self._input(CaseAssignSerializer)
        case_assign(case=case, assignee=data["assignee"], actor=request.user, team=data.get("team"))
        return self._respond(case.pk)

    @_case_action(None, "Take an unassigned case (409 when someone else holds it)")
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        case = case_claim(case=self.get_object(), agent=request.user)
        return self._respond(case.pk)

    @_case_action(
        CaseReplySerializer,
        "Queue a public reply (409 when the case changed since seen_event_id)",
        responses={202: CaseOutboundReplySerializer},
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        case = self.get_object()
        data = self._input(CaseReplySerializer)
        try:
            message = case_reply(
                case=case,
                author=request.user,
                text=data["text"],
                reply_to=data.get("reply_to"),
                seen_event_id=data["seen_event_id"],
            )
        except StaleCase:
            raise
        except CaseChangeError as error:
            # As the console: a reply that cannot go (too long for the channel, not the customer's
            # post, nothing to answer) is a bad request; only a stale one is a conflict.
            raise ValidationError({"non_field_errors": [str(error)]}) from error
        return Response(CaseOutboundReplySerializer(message).data, status=http.HTTP_202_ACCEPTED)

    @_case_action(CaseNoteSerializer, "Add an internal note", responses={201: CaseEventSerializer})
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        case = self.get_object()
        data = self._input(CaseNoteSerializer)
        event = case_add_note(case=case, author=request.user, body=data["body"])
        event = CaseEvent.objects.select_related("actor").get(pk=event.pk)
        context = self.get_serializer_context() | {"descriptions": _descriptions([event])}
        return Response(CaseEventSerializer(event, context=context).data, status=http.HTTP_201_CREATED)

    @_case_action(CaseStatusSerializer, "Change the status (its SLA clocks follow)")
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        case = self.get_object()
        data = self._input(CaseStatusSerializer)
        case_change_status(case=case, status=data["status"], actor=request.user, reason=data["reason"])
        return self._respond(case.pk)

    @_case_action(CasePrioritySerializer, "Hold a priority set by hand, or release it ('auto')")
    @action(detail=True, methods=["post"])
    def priority(self, request, pk=None):
        case = self.get_object()
        data = self._input(CasePrioritySerializer)
        if data["priority"] == "auto":
            case_release_priority(case=case, actor=request.user)
        else:
            case_change_priority(case=case, priority=data["priority"], actor=request.user)
        return self._respond(case.pk)

    @_case_action(CaseEscalateSerializer, "Escalate: priority up one step, optionally to an escalation team")
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        case = self.get_object()
        data = self._input(CaseEscalateSerializer)
        case_escalate(case=case, actor=request.user, reason=data["reason"], team=data.get("team"))
        return self._respond(case.pk)

    @_case_action(CaseMergeSerializer, "Merge this case into another of the same customer; answers with the target")
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        case = self.get_object()
        data = self._input(CaseMergeSerializer)
        target = cases_visible_to(user=request.user).filter(pk=data["target"]).first()
        if target is None:
            raise NotFound(f"There is no case SC-{data['target']} you can see.")
        target = case_merge(source=case, target=target, actor=request.user)
        return self._respond(target.pk)

    @_case_action(CaseResolveSerializer, "Resolve (and send the satisfaction survey unless send_survey is false)")
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        case = self.get_object()
        data = self._input(CaseResolveSerializer)
        case_resolve(case=case, actor=request.user, send_survey=data["send_survey"])
        return self._respond(case.pk)

    @_case_action(CaseTagsSerializer, "Replace the case's tags")
    @action(detail=True, methods=["post"])
    def tags(self, request, pk=None):
        case = self.get_object()
        data = self._input(CaseTagsSerializer)
        case_set_tags(case=case, tag_ids=data["tags"], actor=request.user)
        return self._respond(case.pk)

    @extend_schema(
        summary="The case's timeline, newest first (cursor-paginated)",
        responses={200: CaseEventSerializer(many=True), 404: ERRORS[404]},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=TimelinePagination, filter_backends=[])
    def timeline(self, request, pk=None):
        case = self.get_object()
        events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("-id")
        page = self.paginate_queryset(events)
        context = self.get_serializer_context() | {"descriptions": _descriptions(page)}
        return self.get_paginated_response(CaseEventSerializer(page, many=True, context=context).data)


def register(router) -> None:
    """Add this module's viewsets to the API router."""
    router.register("cases", CaseViewSet, basename="case")


# -- helpers --------------------------------------------------------------------------------------


def _with_row_data(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What a case's representation shows, joined (one query) and its tags prefetched (one)."""
    return cases.select_related("customer", "origin_channel", "team", "assignee").prefetch_related("tags")


def _descriptions(events: list[CaseEvent]) -> dict[int, str]:
    """The console's sentence for each event (actors joined): one query more for users and one for
    teams that payloads name, only when they name some."""
    # TODO(cases): case_view should export this (it is case_timeline()'s naming, without the page).
    names, user_ids, team_ids = _names_for(events)
    if user_ids:
        users = get_user_model()._default_manager.filter(pk__in=user_ids)
        names.users |= {user.pk: display_name(user) for user in users}
    if team_ids:
        names.teams |= dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    return {event.pk: describe_event(event, names) for event in events}


def _channel_for_kind(kind: str):
    """The one active channel of `kind` for a contact logged by hand; a phone case may have none."""
    channels = list(Channel.objects.filter(kind=kind, is_active=True).order_by("pk")[:2])
    if len(channels) > 1:
        raise ValidationError({"origin_channel": [f"There are several {kind} channels: say which (origin_channel)."]})
    if not channels and kind != ChannelKind.PHONE:
        raise ValidationError({"channel_kind": [f"There is no active {kind} channel; give origin_channel."]})
    return channels[0] if channels else None
