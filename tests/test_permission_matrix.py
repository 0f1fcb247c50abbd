"""The permission matrix of docs/SECURITY.md, as one parametrized test per surface.

ROUTES is the matrix written by hand: every URL name the resolver knows
(admin apart), with the method its view serves, the objects it is called
on, and what each role (anonymous, agent, manager, admin) must get:
"sign-in" (redirected to sign in; 401 from the API), "403", "404" (the
object is not visible to this user), or "ok" (allowed: any answer past the
permission check, including a 400, 409 or 422 for the empty or minimal
body an action is sent here). An agent belongs to team A; "team B" rows
call the same URL on the other team's objects. ADMIN_MODELS does the same
for every model registered in the admin.

A new URL or admin model without a row fails the completeness tests, so
the matrix and docs/SECURITY.md cannot silently fall behind the code. Cells
where the application does not yet do what the matrix says are marked
xfail(strict=True) with the bug: fixing it turns the cell green and the
marker must go.

The world is built once for the module inside a transaction rolled back at
the end; each test runs in a savepoint inside it (pytest-django's db), so
an action that changes or deletes a row never leaks into the next test.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from alerts.models import AlertStatus
from audit.models import AuditAction
from audit.services import audit_record
from cases.choices import ChannelKind
from cases.models import Case
from goodwill.choices import CompensationStatus
from goodwill.models import CompensationRequest
from hooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from hooks.services import webhook_subscription_create
from incidents.models import Incident, IncidentCase
from knowledge.models import KnowledgeGap
from kpis.survey_tokens import survey_token_make
from tests import factories as f
from tests.alerts.factories import CapacityAlertFactory, SpikeAlertFactory
from tests.channels.test_webhooks import SECRET, signed
from tests.goodwill.factories import CompensationRequestFactory
from tests.incidents.factories import IncidentCaseFactory, IncidentFactory
from tests.knowledge.factories import ArticleFactory
from tests.leads.factories import LeadFactory
from tests.listening.factories import ListeningRuleFactory
from tests.roles import user_in_group

ROLES = ("anonymous", "agent", "manager", "admin")
HOOK_SECRET_ENV = "MATRIX_FORUM_HOOK_SECRET"


# -- the world ---------------------------------------------------------------------------------------


def _build_world() -> SimpleNamespace:
    team_a, team_b = f.TeamFactory(name="Billing"), f.TeamFactory(name="Baggage")
    agent = user_in_group("Agents", username="matrix_agent")
    agent.agent_profile.teams.add(team_a)
    manager = user_in_group("Managers", username="matrix_manager", is_staff=True)
    admin_user = user_in_group("Admins", username="matrix_admin", is_staff=True)

    channel = f.ChannelFactory(name="Acme Air on X")
    hook_channel = f.ChannelFactory(
        kind=ChannelKind.WEBHOOK,
        name="Travel forum bridge",
        brand_handles=["AcmeAir"],
        brand_terms=["acme air"],
        credential_env={"signing_secret": HOOK_SECRET_ENV},
    )
    customer_a = f.CustomerFactory(name="Maria Lopez", email="maria.lopez@mail.example")
    customer_b = f.CustomerFactory(name="Tom Becker", email="tom.becker@mail.example")
    case_a = f.CaseFactory(customer=customer_a, origin_channel=channel, team=team_a, subject="Refund not received")
    case_b = f.CaseFactory(customer=customer_b, origin_channel=channel, team=team_b, subject="Suitcase lost in Lisbon")
    # Maria wrote again and that case went to the other team: a merge target an agent of team A cannot see.
    case_b_of_a = f.CaseFactory(customer=customer_a, origin_channel=channel, team=team_b, subject="Refund, again")
    profile_a = f.SocialProfileFactory(customer=customer_a, handle="maria_flies")
    profile_b = f.SocialProfileFactory(customer=customer_b, handle="tomtravels")
    post_a = f.SocialPostFactory(
        channel=channel, author=profile_a, case=case_a, text="@AcmeAir where is my refund for flight AA 212?"
    )
    post_b = f.SocialPostFactory(
        channel=channel, author=profile_b, case=case_b, text="@AcmeAir my suitcase never arrived in Lisbon"
    )
    message_a = f.OutboundMessageFactory(case=case_a, text="Sorry Maria, could you DM us your booking code?")
    message_b = f.OutboundMessageFactory(case=case_b, text="Sorry Tom, could you DM us your bag tag number?")

    survey_a = f.SatisfactionSurveyFactory(case=case_a)
    survey_a.token = survey_token_make(survey_a.pk)
    survey_a.save(update_fields=["token"])
    survey_b = f.SatisfactionSurveyFactory(case=case_b)

    subscription = webhook_subscription_create(
        name="Billing CRM", url="http://127.0.0.1:9/hook", events=[WebhookEvent.CASE_CREATED], created_by=admin_user
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event=WebhookEvent.CASE_CREATED,
        event_id=uuid.uuid4(),
        payload={"case": {"id": case_a.pk}},
        status=DeliveryStatus.FAILED,
        attempts=3,
        response_code=500,
    )
    pending = {"status": CompensationStatus.PENDING, "decided_at": None, "amount": Decimal("80.00")}
    compensation_a = CompensationRequestFactory(case=case_a, requested_by=agent, **pending)
    compensation_b = CompensationRequestFactory(case=case_b, **pending)
    audit_entry = audit_record(
        action=AuditAction.CASE_STATUS_CHANGED, actor=manager, target=case_a, detail={"to": "pending"}
    )
    rule = ListeningRuleFactory(channels=[channel])
    incident = IncidentFactory()
    IncidentCaseFactory(incident=incident, case=case_b)
    lead = LeadFactory()
    article = ArticleFactory(title="Adding a checked bag", slug="adding-a-checked-bag")
    KnowledgeGap.objects.create(
        label="wifi", terms=["wifi", "onboard"], question_count=3, best_article_score=0, computed_at=timezone.now()
    )
    f.NotificationFactory(recipient=agent, case=case_a, message=f"{case_a.reference}: first response overdue")
    return SimpleNamespace(
        users={"agent": agent, "manager": manager, "admin": admin_user},
        team_a=team_a,
        team_b=team_b,
        channel=channel,
        hook_channel=hook_channel,
        customer_a=customer_a,
        customer_b=customer_b,
        case_a=case_a,
        case_b=case_b,
        case_b_of_a=case_b_of_a,
        post_a=post_a,
        post_b=post_b,
        message_a=message_a,
        message_b=message_b,
        survey_a=survey_a,
        survey_b=survey_b,
        canned=f.CannedResponseFactory(),
        policy=f.SLAPolicyFactory(),
        calendar=f.BusinessCalendarFactory(),
        subscription=subscription,
        delivery=delivery,
        compensation_a=compensation_a,
        compensation_b=compensation_b,
        audit_entry=audit_entry,
        rule=rule,
        spike=SpikeAlertFactory(rule=rule, status=AlertStatus.OPEN),
        capacity=CapacityAlertFactory(team=team_a),
        incident=incident,
        lead=lead,
        article=article,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


# -- the matrix ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    expected: str  # one outcome per role, in ROLES order
    kwargs: Callable[[SimpleNamespace], dict] = lambda w: {}
    data: Callable[[SimpleNamespace], dict] | None = None
    variant: str = ""
    # Views that refuse with a message and a redirect (no 403/404 status): did the action take effect,
    # and which matrix word a refusal stands for.
    applied: Callable[[SimpleNamespace], bool] | None = None
    refused_as: str = ""
    bugs: dict[str, str] = field(default_factory=dict)  # role -> the bug that makes the cell fail today

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}" + (f" [{self.variant}]" if self.variant else "")

    def outcomes(self) -> dict[str, str]:
        cells = self.expected.split()
        assert len(cells) == len(ROLES), self.id
        return dict(zip(ROLES, cells, strict=True))


def case_a(w):
    return {"pk": w.case_a.pk}


def case_b(w):
    return {"pk": w.case_b.pk}


def case_pk_a(w):
    return {"case_pk": w.case_a.pk}


def case_pk_b(w):
    return {"case_pk": w.case_b.pk}


TEAM_B = "team B"

CONSOLE = [
    Route("home", "GET", "ok ok ok ok"),
    Route("healthz", "GET", "ok ok ok ok"),
    Route("login", "GET", "ok ok ok ok"),
    Route("logout", "POST", "ok ok ok ok"),
    Route("console:inbox", "GET", "sign-in ok ok ok"),
    Route("console:notifications", "GET", "sign-in ok ok ok"),
    Route("console:notifications_read", "POST", "sign-in ok ok ok"),
    Route("console:case", "GET", "sign-in ok ok ok", case_a),
    Route("console:case", "GET", "sign-in 404 ok ok", case_b, variant=TEAM_B),
    Route("console:case_timeline", "GET", "sign-in ok ok ok", case_a),
    Route("console:case_timeline", "GET", "sign-in 404 ok ok", case_b, variant=TEAM_B),
    Route("console:case_presence", "POST", "sign-in ok ok ok", case_a),
    Route("console:case_presence", "POST", "sign-in 404 ok ok", case_b, variant=TEAM_B),
]
for _action in ("reply", "note", "status", "priority", "claim", "assign", "tags", "escalate", "merge", "resolve"):
    CONSOLE += [
        Route(f"console:case_{_action}", "POST", "sign-in ok ok ok", case_a),
        Route(f"console:case_{_action}", "POST", "sign-in 404 ok ok", case_b, variant=TEAM_B),
    ]
CONSOLE += [
    Route(
        "console:case_merge",
        "POST",
        "sign-in 404 ok ok",
        case_a,
        data=lambda w: {"target": w.case_b_of_a.reference},
        applied=lambda w: Case.objects.filter(pk=w.case_a.pk, merged_into=w.case_b_of_a).exists(),
        refused_as="404",
        variant="into team B",
    ),
    Route(
        "console:case_retry", "POST", "sign-in ok ok ok", lambda w: {"pk": w.case_a.pk, "message_id": w.message_a.pk}
    ),
    Route(
        "console:case_retry",
        "POST",
        "sign-in 404 ok ok",
        lambda w: {"pk": w.case_b.pk, "message_id": w.message_b.pk},
        variant=TEAM_B,
    ),
]

KPIS = [
    # Agents see their own numbers only (kpis/views.py); the scope is narrowed, the page is theirs.
    Route("kpis:dashboard", "GET", "sign-in ok ok ok"),
    Route("kpis:case_export", "GET", "sign-in ok ok ok"),
]

PUBLIC = [
    Route("surveys:answer", "GET", "ok ok ok ok", lambda w: {"token": w.survey_a.token}),
    Route("surveys:answer", "POST", "ok ok ok ok", lambda w: {"token": w.survey_a.token}),
    Route("knowledge:list", "GET", "ok ok ok ok"),
    Route("knowledge:article", "GET", "ok ok ok ok", lambda w: {"slug": w.article.slug}),
    Route("knowledge:feedback", "POST", "ok ok ok ok", lambda w: {"slug": w.article.slug}),
    Route("knowledge:ask", "GET", "ok ok ok ok"),
    Route("knowledge:ask", "POST", "ok ok ok ok"),
    Route("knowledge:ask_matches", "GET", "ok ok ok ok"),
    # Channels sign their deliveries; who is signed in does not matter (the body is signed here).
    Route("channel_webhook", "POST", "ok ok ok ok", lambda w: {"channel_id": w.hook_channel.pk}),
]

APPS = [
    Route("listening:stream", "GET", "sign-in ok ok ok"),
    Route("listening:open_case", "POST", "sign-in ok ok ok", lambda w: {"post_id": w.post_a.pk}),
    # Posts are public and the stream is brand-wide; opening a case from a post already in another
    # team's case leads to that case's page, which stays 404 to the agent.
    Route("listening:open_case", "POST", "sign-in ok ok ok", lambda w: {"post_id": w.post_b.pk}, variant=TEAM_B),
    Route("listening:not_relevant", "POST", "sign-in ok ok ok", lambda w: {"post_id": w.post_a.pk}),
    Route("listening:report", "GET", "sign-in 403 ok ok"),
    Route("alerts:list", "GET", "sign-in ok ok ok"),
    Route("alerts:console_banner", "GET", "sign-in ok ok ok"),
    Route("alerts:detail", "GET", "sign-in ok ok ok", lambda w: {"pk": w.spike.pk}),
    Route("alerts:spike_status", "POST", "sign-in 403 ok ok", lambda w: {"pk": w.spike.pk}),
    Route("alerts:capacity_status", "POST", "sign-in 403 ok ok", lambda w: {"pk": w.capacity.pk}),
    Route("incidents:list", "GET", "sign-in ok ok ok"),
    # Declaring an incident is for managers: the list's POST checks incidents.add_incident and says no
    # with a message (nothing declared) rather than a 403.
    Route(
        "incidents:list",
        "POST",
        "sign-in 403 ok ok",
        data=lambda w: {"title": "Check-in app down in Lisbon", "severity": "major"},
        applied=lambda w: Incident.objects.filter(title="Check-in app down in Lisbon").exists(),
        refused_as="403",
    ),
    Route("incidents:detail", "GET", "sign-in ok ok ok", lambda w: {"pk": w.incident.pk}),
    Route("incidents:status", "POST", "sign-in 403 ok ok", lambda w: {"pk": w.incident.pk}),
    Route("incidents:link", "POST", "sign-in ok ok ok", lambda w: {"pk": w.incident.pk}),
    Route(
        "incidents:link",
        "POST",
        "sign-in 404 ok ok",
        lambda w: {"pk": w.incident.pk},
        data=lambda w: {"references": w.case_b_of_a.reference},
        # The case is named in the body: the service refuses it as "no such case among those you can see".
        applied=lambda w: IncidentCase.objects.filter(incident=w.incident, case=w.case_b_of_a).exists(),
        refused_as="404",
        variant=TEAM_B,
    ),
    Route("incidents:unlink", "POST", "sign-in ok ok ok", lambda w: {"pk": w.incident.pk}),
    Route(
        "incidents:unlink",
        "POST",
        "sign-in 404 ok ok",
        lambda w: {"pk": w.incident.pk},
        data=lambda w: {"case": w.case_b.pk},
        applied=lambda w: not IncidentCase.objects.filter(incident=w.incident, case=w.case_b).exists(),
        refused_as="404",
        variant=TEAM_B,
    ),
    Route("incidents:suggest", "GET", "sign-in ok ok ok", lambda w: {"pk": w.incident.pk}),
    Route("incidents:bulk_reply", "POST", "sign-in 403 ok ok", lambda w: {"pk": w.incident.pk}),
    Route("incidents:case_panel", "GET", "sign-in ok ok ok", case_pk_a),
    Route("incidents:case_panel", "GET", "sign-in 404 ok ok", case_pk_b, variant=TEAM_B),
    Route("incidents:case_link", "POST", "sign-in ok ok ok", case_pk_a),
    Route("incidents:case_link", "POST", "sign-in 404 ok ok", case_pk_b, variant=TEAM_B),
    # Agents may see leads (a customer is a prospect); working them is sales' and managers' job.
    Route("leads:list", "GET", "sign-in ok ok ok"),
    Route("leads:detail", "GET", "sign-in ok ok ok", lambda w: {"pk": w.lead.pk}),
]
for _action in ("claim", "contacted", "won", "lost", "notes"):
    APPS.append(Route(f"leads:{_action}", "POST", "sign-in 403 ok ok", lambda w: {"pk": w.lead.pk}))
APPS += [
    Route("knowledge:gaps", "GET", "sign-in 403 ok ok"),
    Route("knowledge:case_suggestions", "GET", "sign-in ok ok ok", case_a),
    Route("knowledge:case_suggestions", "GET", "sign-in 404 ok ok", case_b, variant=TEAM_B),
    Route("goodwill:case_panel", "GET", "sign-in ok ok ok", case_pk_a),
    Route("goodwill:case_panel", "GET", "sign-in 404 ok ok", case_pk_b, variant=TEAM_B),
    Route("goodwill:request_create", "POST", "sign-in ok ok ok", case_pk_a),
    Route("goodwill:request_create", "POST", "sign-in 404 ok ok", case_pk_b, variant=TEAM_B),
    Route("goodwill:approvals", "GET", "sign-in 403 ok ok"),
    Route("goodwill:request_detail", "GET", "sign-in ok ok ok", lambda w: {"pk": w.compensation_a.pk}),
    Route("goodwill:request_detail", "GET", "sign-in 404 ok ok", lambda w: {"pk": w.compensation_b.pk}, variant=TEAM_B),
    Route("goodwill:request_approve", "POST", "sign-in 403 ok ok", lambda w: {"pk": w.compensation_a.pk}),
    Route("goodwill:request_reject", "POST", "sign-in 403 ok ok", lambda w: {"pk": w.compensation_a.pk}),
    Route("goodwill:report", "GET", "sign-in 403 ok ok"),
]


def pk(attribute: str):
    return lambda w: {"pk": getattr(w, attribute).pk}


API = [
    Route("api:api-root", "GET", "sign-in ok ok ok"),
    Route("api:schema", "GET", "sign-in ok ok ok"),
    Route("api:docs", "GET", "sign-in ok ok ok"),
    # Cases: read, then the actions (POST); another team's case is 404 to an agent.
    Route("api:case-list", "GET", "sign-in ok ok ok"),
    Route("api:case-detail", "GET", "sign-in ok ok ok", case_a),
    Route("api:case-detail", "GET", "sign-in 404 ok ok", case_b, variant=TEAM_B),
    Route("api:case-timeline", "GET", "sign-in ok ok ok", case_a),
    Route("api:case-timeline", "GET", "sign-in 404 ok ok", case_b, variant=TEAM_B),
]
for _action in ("assign", "claim", "escalate", "merge", "note", "priority", "reply", "resolve", "status", "tags"):
    API += [
        Route(f"api:case-{_action}", "POST", "sign-in ok ok ok", case_a),
        Route(f"api:case-{_action}", "POST", "sign-in 404 ok ok", case_b, variant=TEAM_B),
    ]
API += [
    Route(
        "api:case-merge",
        "POST",
        "sign-in 404 ok ok",
        case_a,
        data=lambda w: {"target": w.case_b_of_a.pk},
        variant="into team B",
    ),
    # Customers: agents and managers change them (tier, merge) but only admins create them.
    Route("api:customer-list", "GET", "sign-in ok ok ok"),
    Route("api:customer-list", "POST", "sign-in 403 403 ok"),
    Route("api:customer-detail", "GET", "sign-in ok ok ok", pk("customer_a")),
    Route("api:customer-detail", "PATCH", "sign-in ok ok ok", pk("customer_a")),
    Route("api:customer-merge", "POST", "sign-in ok ok ok", pk("customer_a")),
    Route("api:customer-privacy-export", "GET", "sign-in 403 403 ok", pk("customer_a")),
    Route("api:customer-privacy-erase", "POST", "sign-in 403 403 ok", pk("customer_a")),
    Route("api:channel-list", "GET", "sign-in ok ok ok"),
    Route("api:channel-detail", "GET", "sign-in ok ok ok", pk("channel")),
    Route("api:post-list", "GET", "sign-in ok ok ok"),
    Route("api:post-list", "POST", "sign-in 403 403 ok"),
    Route("api:post-detail", "GET", "sign-in ok ok ok", pk("post_a")),
    Route("api:post-detail", "GET", "sign-in 404 ok ok", pk("post_b"), variant=TEAM_B),
    Route("api:canned-response-list", "GET", "sign-in ok ok ok"),
    Route("api:canned-response-list", "POST", "sign-in 403 ok ok"),
    Route("api:canned-response-detail", "GET", "sign-in ok ok ok", pk("canned")),
    Route("api:canned-response-detail", "PATCH", "sign-in 403 ok ok", pk("canned")),
    Route("api:canned-response-detail", "DELETE", "sign-in 403 ok ok", pk("canned")),
    Route("api:sla-policy-list", "GET", "sign-in ok ok ok"),
    Route("api:sla-policy-list", "POST", "sign-in 403 403 ok"),
    Route("api:sla-policy-detail", "GET", "sign-in ok ok ok", pk("policy")),
    Route("api:sla-policy-detail", "PATCH", "sign-in 403 403 ok", pk("policy")),
    Route("api:sla-policy-detail", "DELETE", "sign-in 403 403 ok", pk("policy")),
    Route("api:calendar-list", "GET", "sign-in ok ok ok"),
    Route("api:calendar-detail", "GET", "sign-in ok ok ok", pk("calendar")),
    Route("api:calendar-preview", "GET", "sign-in ok ok ok", pk("calendar")),
    Route("api:team-list", "GET", "sign-in ok ok ok"),
    Route("api:team-detail", "GET", "sign-in ok ok ok", pk("team_a")),
    Route("api:agent-list", "GET", "sign-in ok ok ok"),
    Route("api:agent-detail", "GET", "sign-in ok ok ok", lambda w: {"id": w.users["agent"].pk}),
    # Agents set their own availability; managers anyone's (the service decides, 403 otherwise).
    Route("api:agent-detail", "PATCH", "sign-in ok ok ok", lambda w: {"id": w.users["agent"].pk}, variant="own"),
    Route(
        "api:agent-detail",
        "PATCH",
        "sign-in 403 ok ok",
        lambda w: {"id": w.users["manager"].pk},
        data=lambda w: {"available": False},
        variant="someone else",
    ),
    Route("api:survey-list", "GET", "sign-in ok ok ok"),
    Route("api:survey-detail", "GET", "sign-in ok ok ok", pk("survey_a")),
    Route("api:survey-detail", "GET", "sign-in 404 ok ok", pk("survey_b"), variant=TEAM_B),
    Route("api:kpis-summary", "GET", "sign-in ok ok ok"),
    Route("api:kpis-series", "GET", "sign-in ok ok ok"),
    # Webhooks: admins only (a subscription decides where case data goes).
    Route("api:webhook-subscription-list", "GET", "sign-in 403 403 ok"),
    Route("api:webhook-subscription-list", "POST", "sign-in 403 403 ok"),
    Route("api:webhook-subscription-detail", "GET", "sign-in 403 403 ok", pk("subscription")),
    Route("api:webhook-subscription-detail", "PATCH", "sign-in 403 403 ok", pk("subscription")),
    Route("api:webhook-subscription-detail", "DELETE", "sign-in 403 403 ok", pk("subscription")),
    Route("api:webhook-subscription-pause", "POST", "sign-in 403 403 ok", pk("subscription")),
    Route("api:webhook-subscription-resume", "POST", "sign-in 403 403 ok", pk("subscription")),
    Route("api:webhook-subscription-rotate-secret", "POST", "sign-in 403 403 ok", pk("subscription")),
    Route("api:webhook-delivery-list", "GET", "sign-in 403 403 ok"),
    Route("api:webhook-delivery-detail", "GET", "sign-in 403 403 ok", pk("delivery")),
    Route("api:webhook-delivery-redeliver", "POST", "sign-in 403 403 ok", pk("delivery")),
    # Goodwill: agents request on the cases they see; managers (and admins) approve.
    Route("api:compensation-request-list", "GET", "sign-in ok ok ok"),
    Route("api:compensation-request-list", "POST", "sign-in ok ok ok"),
    Route(
        "api:compensation-request-list",
        "POST",
        "sign-in 404 ok ok",
        data=lambda w: {
            "case": w.case_b.pk,
            "kind": "credit",
            "amount": "15.00",
            "currency": "USD",
            "category": "delay",
            "reason": "Bag delivered two days late.",
        },
        # The case is named in the body: refused as 400 "No such case." (nothing requested).
        applied=lambda w: CompensationRequest.objects.filter(reason="Bag delivered two days late.").exists(),
        refused_as="404",
        variant=TEAM_B,
    ),
    Route("api:compensation-request-detail", "GET", "sign-in ok ok ok", pk("compensation_a")),
    Route("api:compensation-request-detail", "GET", "sign-in 404 ok ok", pk("compensation_b"), variant=TEAM_B),
    Route("api:compensation-request-approve", "POST", "sign-in 403 ok ok", pk("compensation_a")),
    Route("api:compensation-request-reject", "POST", "sign-in 403 ok ok", pk("compensation_a")),
    Route("api:audit-entry-list", "GET", "sign-in 403 403 ok"),
    Route("api:audit-entry-detail", "GET", "sign-in 403 403 ok", pk("audit_entry")),
]

ROUTES = CONSOLE + KPIS + PUBLIC + APPS + API


# -- calling a route and reading the outcome ----------------------------------------------------------

SIGN_IN_PATHS = {"/accounts/login/", "/admin/login/"}


def outcome(response) -> str:
    """The matrix's word for a response: sign-in, 403, 404 or ok (anything else is shown as is)."""
    code = response.status_code
    if code in (301, 302, 303):
        location = urlparse(response["Location"])
        # login_required and the admin add ?next=; a plain redirect to the sign-in page (logout) is not a refusal.
        if location.path in SIGN_IN_PATHS and "next=" in location.query:
            return "sign-in"
        return "ok"
    if code == 401:
        return "sign-in"
    if code in (403, 404):
        return str(code)
    if code in (200, 201, 202, 204, 400, 409, 422):
        return "ok"
    return f"HTTP {code}"


def observe(client, route: Route, w) -> str:
    observed = outcome(call(client, route, w))
    if observed == "ok" and route.applied is not None and not route.applied(w):
        return route.refused_as
    return observed


def call(client, route: Route, w) -> object:
    url = reverse(route.name, kwargs=route.kwargs(w))
    data = route.data(w) if route.data else {}
    if route.name == "channel_webhook":
        body = json.dumps({"id": "thread-42", "text": "Acme Air lost my bag again"}).encode()
        return client.post(url, body, content_type="application/json", headers={"X-Socialcrm-Signature": signed(body)})
    if route.name.startswith("api:") and route.method != "GET":
        return client.generic(route.method, url, json.dumps(data), content_type="application/json")
    if route.method == "GET":
        return client.get(url, data)
    return client.generic(route.method, url) if route.method == "DELETE" else client.post(url, data)


def _cases():
    for route in ROUTES:
        for role, expected in route.outcomes().items():
            marks = []
            if role in route.bugs:
                marks.append(pytest.mark.xfail(strict=True, reason=route.bugs[role]))
            yield pytest.param(route, role, expected, id=f"{route.id} as {role}", marks=marks)


@pytest.fixture
def signed_hooks(monkeypatch):
    monkeypatch.setenv(HOOK_SECRET_ENV, SECRET)


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role", "expected"), list(_cases()))
def test_each_role_gets_what_the_matrix_says(client, world, signed_hooks, route, role, expected):
    if role != "anonymous":
        client.force_login(world.users[role])

    assert observe(client, route, world) == expected


# Sales staff (group Sales, not staff) work leads and see nothing of the console.
SALES = {"leads:list": "ok", "leads:detail": "ok", "leads:claim": "ok", "leads:notes": "ok", "console:inbox": "403"}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "expected"), sorted(SALES.items()))
def test_sales_staff_work_leads_and_nothing_else(client, world, name, expected):
    (route,) = [route for route in ROUTES if route.name == name and not route.variant]
    client.force_login(user_in_group("Sales", username="matrix_sales"))

    assert observe(client, route, world) == expected


def _url_names(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_url_name_has_a_row_in_the_matrix():
    known = {name for name in _url_names(get_resolver().url_patterns) if not name.startswith("admin:")}

    assert known - {route.name for route in ROUTES} == set()
    assert {route.name for route in ROUTES} - known == set()


def test_matrix_rows_are_not_repeated():
    ids = [route.id for route in ROUTES]

    assert len(ids) == len(set(ids))


# -- the admin -------------------------------------------------------------------------------------

# Models whose changelist managers may open (they hold the model's view permission); every other
# registered model is admins' only. Written from the role migrations' intent, not derived from them.
MANAGER_ADMIN_MODELS = {
    "cases.Customer",
    "cases.Case",
    "cases.CaseEvent",
    "cases.Team",
    "cases.AgentProfile",
    "cases.Tag",
    "cases.CannedResponse",
    "cases.CannedResponseVariant",
    "cases.SLAPolicy",
    "cases.BusinessCalendar",
    "cases.OpeningInterval",
    "cases.Holiday",
    "cases.SLAClock",
    "cases.Notification",
    "cases.RoutingRule",
    "cases.PriorityWeightSet",
    "channels_app.Channel",
    "channels_app.SocialProfile",
    "channels_app.SocialPost",
    "channels_app.RawEvent",
    "channels_app.OutboundMessage",
    "kpis.SatisfactionSurvey",
    "kpis.KpiRollup",
    "kpis.KpiSettings",
    "kpis.ContactCost",
    "kpis.SelfServiceResolution",
    "listening.ListeningRule",
    "listening.ListeningFeedback",
    "alerts.SpikeAlert",
    "alerts.CapacityAlert",
    "alerts.TermHourCount",
    "alerts.AlertSettings",
    "incidents.Incident",
    "incidents.IncidentBulkReply",
    "leads.Lead",
    "knowledge.Article",
    "knowledge.ArticleFeedback",
    "knowledge.AskQuestion",
    "knowledge.KnowledgeGap",
    "goodwill.GoodwillPolicy",
    "goodwill.EmployeeContact",
    "goodwill.CustomerContactDetail",
    "goodwill.DeclaredRelationship",
    "goodwill.CompensationRequest",
}
ADMIN_ONLY_MODELS = {
    "auth.User",
    "auth.Group",
    "api.ApiToken",
    "hooks.WebhookSubscription",
    "hooks.WebhookDelivery",
    "knowledge.KnowledgeSettings",
    "audit.AuditEntry",
    "privacy.PrivacyRequest",
    "privacy.ErasureRecord",
}
ADMIN_MODELS = {
    **{label: "sign-in sign-in ok ok" for label in MANAGER_ADMIN_MODELS},
    **{label: "sign-in sign-in 403 ok" for label in ADMIN_ONLY_MODELS},
}
# Add pages: managers add what they run day to day; channels, SLA policies and users are admins'.
ADMIN_ADD_PAGES = {
    "cases.RoutingRule": "sign-in sign-in ok ok",
    "cases.CannedResponse": "sign-in sign-in ok ok",
    "kpis.ContactCost": "sign-in sign-in ok ok",
    "listening.ListeningRule": "sign-in sign-in ok ok",
    "knowledge.Article": "sign-in sign-in ok ok",
    "goodwill.DeclaredRelationship": "sign-in sign-in ok ok",
    "channels_app.Channel": "sign-in sign-in 403 ok",
    "cases.SLAPolicy": "sign-in sign-in 403 ok",
    "auth.User": "sign-in sign-in 403 ok",
    "hooks.WebhookSubscription": "sign-in sign-in 403 ok",
}
ADMIN_BUGS: dict[tuple[str, str, str], str] = {}  # (page, label, role) -> the bug


def _registered() -> dict[str, type]:
    return {model._meta.label: model for model in admin.site._registry}


def _admin_cases(table: dict[str, str], page: str):
    for label, expected in sorted(table.items()):
        for role, cell in zip(ROLES, expected.split(), strict=True):
            marks = []
            if (page, label, role) in ADMIN_BUGS:
                marks.append(pytest.mark.xfail(strict=True, reason=ADMIN_BUGS[(page, label, role)]))
            yield pytest.param(label, role, cell, id=f"{page} {label} as {role}", marks=marks)


def _admin_outcome(client, world, label: str, role: str, page: str) -> str:
    model = _registered()[label]
    if role != "anonymous":
        client.force_login(world.users[role])
    return outcome(client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}")))


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "role", "expected"), list(_admin_cases(ADMIN_MODELS, "changelist")))
def test_each_role_gets_what_the_matrix_says_on_admin_changelists(client, world, label, role, expected):
    assert _admin_outcome(client, world, label, role, "changelist") == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "role", "expected"), list(_admin_cases(ADMIN_ADD_PAGES, "add")))
def test_each_role_gets_what_the_matrix_says_on_admin_add_pages(client, world, label, role, expected):
    assert _admin_outcome(client, world, label, role, "add") == expected


def test_every_model_in_the_admin_has_a_row_in_the_matrix():
    assert set(_registered()) == set(ADMIN_MODELS)
