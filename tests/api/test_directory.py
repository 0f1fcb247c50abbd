"""The directory resources of the API: customers, channels, posts (and their import), canned responses,
SLA policies, calendars, teams, agents, surveys and KPIs.

Per resource: who may read and write (anonymous 401, agents, managers,
admins, as their roles' model permissions say), filters, cursor pagination,
validation errors in the one error shape, a constant number of queries per
list, and for KPIs the very numbers of the KPI page.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.serializers.directory import IMPORT_MAX_POSTS, jsonable
from api.services import api_token_create
from cases.choices import CaseStatus, CustomerTier, EscalationAction
from cases.models import AgentProfile, CannedResponse, Case, Customer, SLAPolicy
from channels_app.models import SocialPost
from tests.factories import (
    AgentProfileFactory,
    BusinessCalendarFactory,
    CannedResponseFactory,
    CannedResponseVariantFactory,
    CaseFactory,
    ChannelFactory,
    ContactCostFactory,
    CustomerFactory,
    HolidayFactory,
    KpiSettingsFactory,
    OpeningIntervalFactory,
    SatisfactionSurveyFactory,
    SLAPolicyFactory,
    SocialPostFactory,
    SocialProfileFactory,
    TeamFactory,
    UserFactory,
)
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

API = "/api/v1/"
LISTS = [
    "customers",
    "channels",
    "posts",
    "canned-responses",
    "sla-policies",
    "calendars",
    "teams",
    "agents",
    "surveys",
]


class Api:
    """A client authenticated with a real API token of `user`."""

    def __init__(self, client, user):
        self.client = client
        _token, secret = api_token_create(user=user, name="test")
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, path, params=None):
        return self.client.get(API + path, params or {}, **self.auth)

    def post(self, path, data):
        return self.client.post(API + path, data, content_type="application/json", **self.auth)

    def patch(self, path, data):
        return self.client.patch(API + path, data, content_type="application/json", **self.auth)

    def put(self, path, data):
        return self.client.put(API + path, data, content_type="application/json", **self.auth)

    def delete(self, path):
        return self.client.delete(API + path, **self.auth)


@pytest.fixture
def agent():
    return user_in_group("Agents")


@pytest.fixture
def manager():
    return user_in_group("Managers")


@pytest.fixture
def admin():
    return user_in_group("Admins")


def as_(client, user) -> Api:
    return Api(client, user)


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def error_fields(response) -> dict:
    body = response.json()["error"]
    assert body["status"] == response.status_code and body["code"] == "invalid"
    return body["fields"]


# -- every resource --------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", [*LISTS, "kpis/summary", "kpis/series"])
def test_anonymous_requests_are_refused_with_401(client, resource):
    response = client.get(API + resource + "/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("resource", LISTS)
@pytest.mark.parametrize("role", ["Agents", "Managers", "Admins"])
def test_every_role_reads_every_directory_list(client, resource, role):
    response = as_(client, user_in_group(role)).get(resource + "/")

    assert response.status_code == 200
    assert set(response.json()) == {"next", "previous", "results"}


def test_a_user_in_no_role_may_not_read_the_directory(client):
    response = as_(client, UserFactory()).get("customers/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_the_console_session_authenticates_too(client, agent):
    customer = CustomerFactory()
    client.force_login(agent)

    response = client.get(f"{API}customers/{customer.pk}/")

    assert response.status_code == 200 and response.json()["id"] == customer.pk


def _customers(n):
    for _ in range(n):
        customer = CustomerFactory()
        SocialProfileFactory(customer=customer)
        SocialProfileFactory(customer=customer, kind="facebook")


def _channels(n):
    ChannelFactory.create_batch(n)


def _posts(n):
    for _ in range(n):
        SocialPostFactory(case=CaseFactory())  # in no team: every agent sees it


def _canned(n):
    for _ in range(n):
        CannedResponseVariantFactory(response=CannedResponseFactory(team=TeamFactory()))


def _policies(n):
    SLAPolicyFactory.create_batch(n, calendar=BusinessCalendarFactory())


def _calendars(n):
    for _ in range(n):
        calendar = BusinessCalendarFactory()
        OpeningIntervalFactory(calendar=calendar, weekday=0)
        OpeningIntervalFactory(calendar=calendar, weekday=1)
        HolidayFactory(calendar=calendar)


def _teams(n):
    for _ in range(n):
        team = TeamFactory()
        for _ in range(2):
            AgentProfileFactory().teams.add(team)


def _agents(n):
    team = TeamFactory()
    for _ in range(n):
        AgentProfileFactory().teams.add(team, TeamFactory())


def _surveys(n):
    for _ in range(n):
        SatisfactionSurveyFactory(case=CaseFactory())


BUILDERS = {
    "customers": _customers,
    "channels": _channels,
    "posts": _posts,
    "canned-responses": _canned,
    "sla-policies": _policies,
    "calendars": _calendars,
    "teams": _teams,
    "agents": _agents,
    "surveys": _surveys,
}
# Session, user, the user's permissions (2) and the page: 5; then each list's prefetches, and for
# posts and surveys an agent's teams (cases_visible_to: the profile, then its teams).
QUERY_BUDGET = {
    "customers": 6,
    "channels": 5,
    "posts": 8,
    "canned-responses": 6,
    "sla-policies": 5,
    "calendars": 7,
    "teams": 6,
    "agents": 6,
    "surveys": 8,
}


@pytest.mark.parametrize("resource", LISTS)
@pytest.mark.parametrize("role", ["Agents", "Managers"])
def test_lists_take_a_constant_number_of_queries(client, django_assert_max_num_queries, resource, role):
    client.force_login(user_in_group(role))
    counts = []
    for size in (2, 8):
        BUILDERS[resource](size if not counts else size - 2)
        with django_assert_max_num_queries(QUERY_BUDGET[resource]), CaptureQueriesContext(connection) as queries:
            response = client.get(f"{API}{resource}/")
        assert response.status_code == 200 and len(response.json()["results"]) >= size
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{resource}: {counts[0]} queries for 2 rows, {counts[1]} for 8"


# -- customers -------------------------------------------------------------------------------------


def test_a_customer_shows_their_profiles(client, agent):
    customer = CustomerFactory(name="Priya N", tier=CustomerTier.VIP)
    SocialProfileFactory(customer=customer, handle="priya", followers_count=25_000, verified=True)

    body = as_(client, agent).get(f"customers/{customer.pk}/").json()

    assert body["name"] == "Priya N" and body["tier"] == "vip"
    assert body["profiles"] == [
        {
            "id": customer.profiles.get().pk,
            "kind": "x",
            "handle": "priya",
            "display_name": "",
            "followers_count": 25_000,
            "verified": True,
        }
    ]


def test_customers_filter_by_tier_influence_churn_and_text(client, agent):
    vip = CustomerFactory(name="Ada Lovelace", tier="vip", influence="high")
    churned = CustomerFactory(name="Bob", email="bob@churn.example", churned_at=timezone.now())
    plain = CustomerFactory(name="Carol")
    api = as_(client, agent)

    assert ids(api.get("customers/", {"tier": "vip"})) == [vip.pk]
    assert ids(api.get("customers/", {"influence": "high"})) == [vip.pk]
    assert ids(api.get("customers/", {"churned": "true"})) == [churned.pk]
    assert set(ids(api.get("customers/", {"churned": "false"}))) == {vip.pk, plain.pk}
    assert ids(api.get("customers/", {"q": "LOVELACE"})) == [vip.pk]
    assert ids(api.get("customers/", {"q": "churn.example"})) == [churned.pk]


def test_an_unknown_filter_value_is_a_400_naming_the_field(client, agent):
    response = as_(client, agent).get("customers/", {"tier": "platinum"})

    assert response.status_code == 400
    assert "tier" in error_fields(response)


def test_customer_pages_follow_the_cursor_without_repeats(client, agent):
    created = {customer.pk for customer in CustomerFactory.create_batch(5)}
    api = as_(client, agent)

    seen, response = [], api.get("customers/", {"page_size": 2})
    while True:
        body = response.json()
        assert len(body["results"]) <= 2
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            break
        response = client.get(body["next"], **api.auth)

    assert len(seen) == len(set(seen)) == 5 and set(seen) == created
    assert seen == sorted(seen, reverse=True)  # newest first


def test_customers_order_by_an_allowed_field(client, agent):
    low, high = CustomerFactory(churn_risk=0.1), CustomerFactory(churn_risk=0.9)

    assert ids(as_(client, agent).get("customers/", {"ordering": "-churn_risk"})) == [high.pk, low.pk]


def test_creating_a_customer_needs_the_add_permission(client, agent, admin):
    data = {"name": "Dana", "email": "dana@mail.example", "tier": "premium"}

    assert as_(client, agent).post("customers/", data).status_code == 403
    response = as_(client, admin).post("customers/", data)

    assert response.status_code == 201
    assert Customer.objects.get(pk=response.json()["id"]).tier == "premium"


def test_bad_customer_input_is_refused_with_field_details(client, admin):
    response = as_(client, admin).post(
        "customers/", {"email": "not-an-address", "tier": "gold", "notes": "x" * 10_001, "churn_risk": 2}
    )

    assert response.status_code == 400
    assert set(error_fields(response)) == {"email", "tier", "notes", "churn_risk"}


def test_a_tier_change_goes_through_its_service_and_replans_open_cases(client, agent, monkeypatch):
    SLAPolicyFactory(name="Standard", is_default=True, first_response_minutes=240)
    vip_policy = SLAPolicyFactory(name="VIP", position=1, customer_tiers=["vip"], first_response_minutes=15)
    customer = CustomerFactory(tier="standard")
    case = CaseFactory(customer=customer, status=CaseStatus.OPEN)
    from api.views import directory

    calls = []
    real = directory.customer_change_tier
    monkeypatch.setattr(directory, "customer_change_tier", lambda **kwargs: calls.append(kwargs) or real(**kwargs))

    response = as_(client, agent).patch(f"customers/{customer.pk}/", {"tier": "vip", "phone": "+44 20 7946 0000"})

    assert response.status_code == 200
    assert response.json()["tier"] == "vip" and response.json()["phone"] == "+44 20 7946 0000"
    assert [(c["tier"], c["actor"]) for c in calls] == [("vip", agent)]
    case.refresh_from_db()
    assert case.sla_policy == vip_policy


def test_put_on_a_customer_is_not_allowed(client, admin):
    response = as_(client, admin).put(f"customers/{CustomerFactory().pk}/", {"name": "x"})

    assert response.status_code == 405


def test_merging_moves_profiles_and_cases_into_the_target(client, agent):
    source, target = CustomerFactory(email="a@mail.example"), CustomerFactory(email="")
    SocialProfileFactory(customer=source)
    case = CaseFactory(customer=source)

    response = as_(client, agent).post(f"customers/{source.pk}/merge/", {"into": target.pk})

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == target.pk and body["email"] == "a@mail.example" and len(body["profiles"]) == 1
    source.refresh_from_db()
    assert source.merged_into == target and Case.objects.get(pk=case.pk).customer == target


def test_a_refused_merge_is_a_409_and_an_unknown_target_a_400(client, agent):
    customer = CustomerFactory()
    api = as_(client, agent)

    into_itself = api.post(f"customers/{customer.pk}/merge/", {"into": customer.pk})
    unknown = api.post(f"customers/{customer.pk}/merge/", {"into": 999_999})

    assert into_itself.status_code == 409 and into_itself.json()["error"]["code"] == "conflict"
    assert into_itself.json()["error"]["message"] == "A customer cannot be merged into itself."
    assert unknown.status_code == 400 and "into" in error_fields(unknown)


def test_merging_needs_the_change_permission(client):
    viewer = UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_customer"))
    source, target = CustomerFactory(), CustomerFactory()

    response = as_(client, viewer).post(f"customers/{source.pk}/merge/", {"into": target.pk})

    assert response.status_code == 403


# -- channels --------------------------------------------------------------------------------------


def test_channels_never_show_credentials(client, admin, monkeypatch):
    monkeypatch.setenv("ACME_X_BEARER", "super-secret-value")
    channel = ChannelFactory(
        name="Acme on X", credential_env={"bearer_token": "ACME_X_BEARER"}, last_error="HTTP 503 from the API"
    )

    response = as_(client, admin).get(f"channels/{channel.pk}/")

    body = response.json()
    assert set(body) == {"id", "kind", "name", "is_active", "brand_handles", "last_success_at", "last_error"}
    assert body["brand_handles"] == ["AcmeSupport"] and body["last_error"] == "HTTP 503 from the API"
    assert b"ACME_X_BEARER" not in response.content and b"super-secret-value" not in response.content


def test_channels_are_read_only_and_filter_by_kind(client, admin):
    x, mail = ChannelFactory(kind="x"), ChannelFactory(kind="email", is_active=False)
    api = as_(client, admin)

    assert ids(api.get("channels/", {"kind": "email"})) == [mail.pk]
    assert ids(api.get("channels/", {"is_active": "true"})) == [x.pk]
    assert api.post("channels/", {"name": "new", "kind": "x"}).status_code == 405


# -- posts -----------------------------------------------------------------------------------------


def test_posts_filter_by_channel_direction_case_labels_time_and_text(client, manager):
    channel, other = ChannelFactory(), ChannelFactory()
    case = CaseFactory()
    now = timezone.now()
    angry = SocialPostFactory(
        channel=channel,
        case=case,
        text="Refund still missing",
        intent="complaint",
        sentiment_label="negative",
        engagement_type="reactive",
        posted_at=now - dt.timedelta(hours=1),
    )
    reply = SocialPostFactory(channel=channel, case=case, direction="outbound", posted_at=now - dt.timedelta(days=3))
    elsewhere = SocialPostFactory(channel=other, text="love it", sentiment_label="positive")
    api = as_(client, manager)

    assert set(ids(api.get("posts/", {"channel": channel.pk}))) == {angry.pk, reply.pk}
    assert ids(api.get("posts/", {"direction": "outbound"})) == [reply.pk]
    assert set(ids(api.get("posts/", {"case": case.pk}))) == {angry.pk, reply.pk}
    assert ids(api.get("posts/", {"engagement_type": "reactive", "channel": channel.pk})) == [angry.pk]
    assert ids(api.get("posts/", {"intent": "complaint"})) == [angry.pk]
    assert ids(api.get("posts/", {"sentiment": "positive"})) == [elsewhere.pk]
    assert ids(api.get("posts/", {"posted_before": (now - dt.timedelta(days=1)).isoformat()})) == [reply.pk]
    assert reply.pk not in ids(api.get("posts/", {"posted_after": (now - dt.timedelta(days=1)).isoformat()}))
    assert ids(api.get("posts/", {"q": "REFUND"})) == [angry.pk]


def test_bad_post_filters_are_400s(client, agent):
    api = as_(client, agent)

    for params, field in (
        ({"sentiment": "furious"}, "sentiment"),
        ({"posted_after": "yesterday"}, "posted_after"),
        ({"channel": "1.5"}, "channel"),
    ):
        response = api.get("posts/", params)
        assert response.status_code == 400 and field in error_fields(response), params


def test_an_agent_does_not_see_posts_of_another_teams_case(client):
    mine, theirs = TeamFactory(), TeamFactory()
    agent = user_in_group("Agents")
    agent.agent_profile.teams.add(mine)
    visible = SocialPostFactory(case=CaseFactory(team=mine))
    loose = SocialPostFactory(case=None)
    hidden = SocialPostFactory(case=CaseFactory(team=theirs))
    api = as_(client, agent)

    assert set(ids(api.get("posts/"))) == {visible.pk, loose.pk}
    assert api.get(f"posts/{hidden.pk}/").status_code == 404
    assert api.get(f"posts/{visible.pk}/").json()["case"] == visible.case_id


def _post(external_id, **fields):
    return {"external_id": external_id, "posted_at": "2026-11-02T10:00:00Z", "author_id": "9001", **fields}


@pytest.fixture
def generic_channel():
    return ChannelFactory(name="Legacy CRM feed", kind="webhook", brand_handles=["AcmeCare"])


def test_importing_posts_runs_them_through_the_pipeline(client, admin, generic_channel):
    posts = [
        _post("p-1", text="@AcmeCare my refund is late", author_handle="priya"),
        _post("p-2", text="@AcmeCare still waiting", author_handle="priya", posted_at="2026-11-02T11:00:00+00:00"),
    ]
    api = as_(client, admin)

    first = api.post("posts/", {"channel": generic_channel.pk, "posts": posts})
    again = api.post("posts/", {"channel": generic_channel.pk, "posts": posts[0]})  # one post, not a list

    assert first.status_code == 201
    assert first.json()["received"] == 2 and first.json()["stored"] == 2 and first.json()["duplicates"] == 0
    assert again.status_code == 201 and again.json()["stored"] == 0 and again.json()["duplicates"] == 1
    stored = SocialPost.objects.get(channel=generic_channel, external_id="p-1")
    assert stored.author.customer_id is not None and stored.case_id is not None


def test_a_bad_post_refuses_the_import_naming_its_index(client, admin, generic_channel):
    response = as_(client, admin).post(
        "posts/",
        {
            "channel": generic_channel.pk,
            "posts": [
                _post("ok"),
                {"posted_at": "2026-11-02T10:00:00Z"},
                _post("naive", posted_at="2026-11-02T10:00:00"),
                _post("big", text="x" * 20_001),
                _post("odd", mood="angry"),
                _post("handle", author_handle="h" * 256),
                _post("likes", like_count=2**31),
                "a string",
            ],
        },
    )

    assert response.status_code == 400
    errors = error_fields(response)["posts"]
    assert set(errors) == {"1", "2", "3", "4", "5", "6", "7"}
    assert errors["1"] == ["Post 1: missing id."]
    assert errors["3"] == ["Post 3: text longer than 20000 characters."]
    assert errors["5"] == ["Post 5: author_handle longer than 255 characters."]
    assert errors["6"] == ["Post 6: like_count above 2147483647."]
    assert "time zone" in errors["2"][0] and "mood" in errors["4"][0] and "not a JSON object" in errors["7"][0]
    assert not SocialPost.objects.filter(channel=generic_channel).exists()


def test_posts_are_imported_only_into_a_webhook_or_import_channel(client, admin):
    x_channel = ChannelFactory(kind="x")
    api = as_(client, admin)

    wrong_kind = api.post("posts/", {"channel": x_channel.pk, "posts": [_post("1")]})
    unknown = api.post("posts/", {"channel": 999_999, "posts": [_post("1")]})
    empty = api.post("posts/", {"channel": ChannelFactory(kind="import").pk, "posts": []})
    not_an_object = api.post("posts/", [_post("1")])
    too_many = api.post(
        "posts/", {"channel": ChannelFactory(kind="import").pk, "posts": [_post(str(n)) for n in range(501)]}
    )

    assert wrong_kind.status_code == 400 and "webhook or import" in error_fields(wrong_kind)["channel"][0]
    assert unknown.status_code == 400 and "channel" in error_fields(unknown)
    assert empty.status_code == 400 and "posts" in error_fields(empty)
    assert not_an_object.status_code == 400 and "non_field_errors" in error_fields(not_an_object)
    assert too_many.status_code == 400
    assert error_fields(too_many)["posts"] == [f"Send at most {IMPORT_MAX_POSTS} posts per request."]


def test_importing_posts_needs_the_add_permission(client, agent, manager, generic_channel):
    data = {"channel": generic_channel.pk, "posts": [_post("1")]}

    assert as_(client, agent).post("posts/", data).status_code == 403
    assert as_(client, manager).post("posts/", data).status_code == 403


# -- canned responses ------------------------------------------------------------------------------


def test_canned_responses_show_their_variants_and_filter(client, agent):
    team = TeamFactory()
    refund = CannedResponseFactory(shortcut="refund-delay", title="Refund delay", team=team)
    CannedResponseVariantFactory(response=refund, channel_kind="x", body="Short one")
    old = CannedResponseFactory(shortcut="old", is_active=False)
    api = as_(client, agent)

    body = api.get(f"canned-responses/{refund.pk}/").json()

    assert body["variants"] == [{"id": refund.variants.get().pk, "channel_kind": "x", "body": "Short one"}]
    assert ids(api.get("canned-responses/", {"team": team.pk})) == [refund.pk]
    assert ids(api.get("canned-responses/", {"is_active": "false"})) == [old.pk]
    assert ids(api.get("canned-responses/", {"q": "REFUND"})) == [refund.pk]


def test_managers_write_canned_responses_and_agents_do_not(client, agent, manager):
    data = {"title": "Order delay", "shortcut": "order-delay", "body": "Sorry {{ customer.first_name }}!"}
    assert as_(client, agent).post("canned-responses/", data).status_code == 403
    api = as_(client, manager)

    created = api.post("canned-responses/", data)
    pk = created.json()["id"]
    changed = api.patch(f"canned-responses/{pk}/", {"is_active": False})
    refused = as_(client, agent).delete(f"canned-responses/{pk}/")
    deleted = api.delete(f"canned-responses/{pk}/")

    assert created.status_code == 201 and changed.status_code == 200 and changed.json()["is_active"] is False
    assert refused.status_code == 403 and deleted.status_code == 204
    assert not CannedResponse.objects.filter(pk=pk).exists()


def test_bad_canned_responses_are_refused_with_field_details(client, manager):
    CannedResponseFactory(shortcut="taken")

    response = as_(client, manager).post(
        "canned-responses/", {"title": "x", "shortcut": "Not Valid!", "body": "y" * 5001, "team": 999_999}
    )
    taken = as_(client, manager).post("canned-responses/", {"title": "x", "shortcut": "taken", "body": "y"})

    assert response.status_code == 400
    assert set(error_fields(response)) == {"shortcut", "body", "team"}
    assert taken.status_code == 400 and "shortcut" in error_fields(taken)


# -- SLA policies ----------------------------------------------------------------------------------


@pytest.fixture
def queued_refreshes(monkeypatch):
    """Calls of the task that re-plans open cases (it is enqueued, not run, here)."""
    from cases.tasks import refresh_open_cases_sla_task

    calls = []
    monkeypatch.setattr(refresh_open_cases_sla_task, "delay", lambda *args, **kwargs: calls.append(args))
    return calls


def test_admins_write_sla_policies_and_open_cases_are_replanned_after_commit(
    client, admin, queued_refreshes, django_capture_on_commit_callbacks
):
    api = as_(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            "sla-policies/",
            {"name": "VIP", "position": 1, "customer_tiers": ["vip"], "first_response_minutes": 15},
        )
    pk = created.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        changed = api.patch(f"sla-policies/{pk}/", {"resolution_minutes": 480})
    with django_capture_on_commit_callbacks(execute=True):
        deleted = api.delete(f"sla-policies/{pk}/")

    assert created.status_code == 201 and created.json()["customer_tiers"] == ["vip"]
    assert changed.status_code == 200 and changed.json()["resolution_minutes"] == 480
    assert deleted.status_code == 204
    assert len(queued_refreshes) == 3


def test_managers_and_agents_only_read_sla_policies(client, agent, manager):
    policy = SLAPolicyFactory()

    for user in (agent, manager):
        api = as_(client, user)
        assert api.get(f"sla-policies/{policy.pk}/").status_code == 200
        assert api.patch(f"sla-policies/{policy.pk}/", {"position": 3}).status_code == 403
        assert api.post("sla-policies/", {"name": "New"}).status_code == 403


def test_sla_policies_are_validated_as_the_model_says(client, admin):
    SLAPolicyFactory(name="Default", is_default=True)
    api = as_(client, admin)

    bad_enum = api.post("sla-policies/", {"name": "a", "priorities": ["critical"], "first_response_minutes": 0})
    short = api.post("sla-policies/", {"name": "b", "first_response_minutes": 60, "resolution_minutes": 30})
    second_default = api.post("sla-policies/", {"name": "c", "is_default": True})
    no_team = api.post("sla-policies/", {"name": "d", "escalation_action": EscalationAction.REASSIGN_TO_TEAM})
    ratio = api.post("sla-policies/", {"name": "e", "warning_ratio": 1.5, "calendar": 999_999})

    assert bad_enum.status_code == 400 and set(error_fields(bad_enum)) == {"priorities", "first_response_minutes"}
    assert short.status_code == 400
    assert error_fields(short)["non_field_errors"] == [
        "The resolution target cannot be shorter than the first-response target."
    ]
    assert second_default.status_code == 400 and "Default" in error_fields(second_default)["is_default"][0]
    assert no_team.status_code == 400 and "escalation_team" in error_fields(no_team)
    assert ratio.status_code == 400 and set(error_fields(ratio)) == {"warning_ratio", "calendar"}
    assert SLAPolicy.objects.count() == 1


def test_a_patch_is_validated_with_the_stored_values(client, admin):
    policy = SLAPolicyFactory(first_response_minutes=60, resolution_minutes=600)

    response = as_(client, admin).patch(f"sla-policies/{policy.pk}/", {"resolution_minutes": 30})

    assert response.status_code == 400 and "non_field_errors" in error_fields(response)


# -- calendars -------------------------------------------------------------------------------------


@pytest.fixture
def office():
    calendar = BusinessCalendarFactory(name="London office", time_zone="Europe/London")
    for weekday in range(5):
        OpeningIntervalFactory(calendar=calendar, weekday=weekday)
    HolidayFactory(calendar=calendar, date=dt.date(2026, 12, 25))
    return calendar


def test_a_calendar_shows_its_hours_and_holidays(client, agent, office):
    body = as_(client, agent).get(f"calendars/{office.pk}/").json()

    assert body["time_zone"] == "Europe/London" and len(body["opening_intervals"]) == 5
    assert body["opening_intervals"][0] == {
        "weekday": 0,
        "opens_at": "09:00:00",
        "closes_at": "17:00:00",
        "crosses_midnight": False,
    }
    assert body["holidays"] == [{"date": "2026-12-25", "name": "Christmas Day", "starts_at": None, "ends_at": None}]


def test_the_preview_adds_business_minutes_across_the_weekend(client, agent, office):
    # Friday 6 March 2026, 16:30 in London (GMT): 30 minutes on Friday, 30 on Monday.
    response = as_(client, agent).get(f"calendars/{office.pk}/preview/", {"start": "2026-03-06T16:30", "minutes": 60})

    assert response.status_code == 200
    body = response.json()
    assert body["minutes"] == 60 and body["policy_due"] is None
    assert dt.datetime.fromisoformat(body["due_at"]) == dt.datetime(2026, 3, 9, 9, 30, tzinfo=dt.UTC)
    assert dt.datetime.fromisoformat(body["start"]) == dt.datetime(2026, 3, 6, 16, 30, tzinfo=dt.UTC)


def test_the_preview_gives_a_policys_due_times(client, agent, office):
    policy = SLAPolicyFactory(first_response_minutes=60, next_response_minutes=120, resolution_minutes=480)

    body = (
        as_(client, agent)
        .get(f"calendars/{office.pk}/preview/", {"start": "2026-03-06T16:30:00+00:00", "policy": policy.pk})
        .json()
    )

    assert body["due_at"] is None and body["policy_due"]["policy"] == policy.pk
    due = {key: dt.datetime.fromisoformat(value) for key, value in body["policy_due"].items() if key != "policy"}
    assert due == {
        "first_response": dt.datetime(2026, 3, 9, 9, 30, tzinfo=dt.UTC),
        "next_response": dt.datetime(2026, 3, 9, 10, 30, tzinfo=dt.UTC),
        "resolution": dt.datetime(2026, 3, 9, 16, 30, tzinfo=dt.UTC),
    }


def test_bad_preview_queries_are_400s_and_a_calendar_without_hours_a_409(client, agent, office):
    api = as_(client, agent)
    closed = BusinessCalendarFactory(name="Never open")

    nothing = api.get(f"calendars/{office.pk}/preview/")
    bad = api.get(f"calendars/{office.pk}/preview/", {"start": "soon", "minutes": 0, "policy": 999_999})
    unreachable = api.get(f"calendars/{closed.pk}/preview/", {"minutes": 10})
    far = api.get(f"calendars/{office.pk}/preview/", {"start": "9999-12-31T23:00", "minutes": 525_600})

    assert nothing.status_code == 400 and error_fields(nothing) == {
        "non_field_errors": ["Give minutes, a policy, or both."]
    }
    assert bad.status_code == 400 and set(error_fields(bad)) == {"start", "minutes", "policy"}
    assert far.status_code == 400 and error_fields(far) == {"start": ["Choose a start from 1970 to 2200."]}
    assert unreachable.status_code == 409 and unreachable.json()["error"]["code"] == "conflict"
    assert "“Never open” has no opening hours" in unreachable.json()["error"]["message"]


def test_calendars_are_read_only(client, admin, office):
    api = as_(client, admin)

    assert api.post("calendars/", {"name": "x"}).status_code == 405
    assert api.patch(f"calendars/{office.pk}/", {"name": "x"}).status_code == 405


# -- teams and agents ------------------------------------------------------------------------------


def test_teams_list_their_members(client, agent, admin):
    team = TeamFactory(name="Billing", handles_sales=True)
    member = AgentProfileFactory(user=UserFactory(username="zoe", first_name="Zoe", last_name="K"))
    member.teams.add(team)
    api = as_(client, agent)

    body = api.get(f"teams/{team.pk}/").json()

    assert body["name"] == "Billing" and body["members"] == [
        {"user": member.user_id, "username": "zoe", "name": "Zoe K", "available": True}
    ]
    assert ids(api.get("teams/", {"handles_sales": "true"})) == [team.pk]
    assert as_(client, admin).post("teams/", {"name": "x"}).status_code == 405


def test_agents_show_their_routing_profile_by_user_id(client, manager):
    team = TeamFactory()
    profile = AgentProfileFactory(
        user=UserFactory(username="li", first_name="Li", last_name="Wei"), skills=["billing"], capacity=7
    )
    profile.teams.add(team)
    api = as_(client, manager)

    body = api.get(f"agents/{profile.user_id}/").json()

    assert body == {
        "id": profile.user_id,
        "username": "li",
        "name": "Li Wei",
        "teams": [team.pk],
        "languages": ["en"],
        "skills": ["billing"],
        "capacity": 7,
        "available": True,
    }
    assert [row["id"] for row in api.get("agents/", {"team": team.pk}).json()["results"]] == [profile.user_id]
    assert api.get("agents/999999/").status_code == 404
    assert api.get("agents/abc/").status_code == 404


def test_an_agent_sets_their_own_availability_but_not_anothers(client, agent, monkeypatch):
    other = AgentProfileFactory()
    from api.views import directory

    calls = []
    real = directory.agent_set_availability
    monkeypatch.setattr(directory, "agent_set_availability", lambda **kw: calls.append(kw) or real(**kw))
    api = as_(client, agent)

    own = api.patch(f"agents/{agent.pk}/", {"available": False})
    theirs = api.patch(f"agents/{other.user_id}/", {"available": False})

    assert own.status_code == 200 and own.json()["available"] is False
    assert AgentProfile.objects.get(user=agent).is_available is False
    assert theirs.status_code == 403 and theirs.json()["error"]["code"] == "permission_denied"
    assert theirs.json()["error"]["message"] == "You may not change other agents' availability."
    assert AgentProfile.objects.get(pk=other.pk).is_available is True
    assert [call["available"] for call in calls] == [False, False]


def test_managers_set_anyones_availability_and_only_availability(client, manager):
    other = AgentProfileFactory(capacity=10)
    api = as_(client, manager)

    response = api.patch(f"agents/{other.user_id}/", {"available": False, "capacity": 99})
    bad = api.patch(f"agents/{other.user_id}/", {"available": "perhaps"})

    assert response.status_code == 200 and response.json()["available"] is False
    other.refresh_from_db()
    assert (other.is_available, other.capacity) == (False, 10)
    assert bad.status_code == 400 and "available" in error_fields(bad)
    assert api.put(f"agents/{other.user_id}/", {"available": True}).status_code == 405


# -- surveys ---------------------------------------------------------------------------------------


def test_surveys_never_show_their_token_and_filter(client, manager):
    now = timezone.now()
    happy = SatisfactionSurveyFactory(
        token="secret-token-1", sent_at=now - dt.timedelta(days=2), answered_at=now, score=5, comment="Great"
    )
    waiting = SatisfactionSurveyFactory(sent_at=now - dt.timedelta(hours=1))
    api = as_(client, manager)

    response = api.get(f"surveys/{happy.pk}/")

    assert "token" not in response.json() and b"secret-token-1" not in response.content
    assert response.json()["score"] == 5 and response.json()["comment"] == "Great"
    assert ids(api.get("surveys/", {"answered": "true"})) == [happy.pk]
    assert ids(api.get("surveys/", {"answered": "false"})) == [waiting.pk]
    assert ids(api.get("surveys/", {"score": 5})) == [happy.pk]
    assert ids(api.get("surveys/", {"sent_after": (now - dt.timedelta(days=1)).isoformat()})) == [waiting.pk]
    assert ids(api.get("surveys/", {"sent_before": (now - dt.timedelta(days=1)).isoformat()})) == [happy.pk]
    assert ids(api.get("surveys/", {"case": waiting.case_id})) == [waiting.pk]
    bad = api.get("surveys/", {"score": 6})
    assert bad.status_code == 400 and "score" in error_fields(bad)
    assert api.post("surveys/", {"case": waiting.case_id}).status_code == 403  # no add permission
    assert as_(client, user_in_group("Admins")).post("surveys/", {"case": waiting.case_id}).status_code == 405


def test_an_agent_does_not_see_surveys_of_another_teams_cases(client):
    mine, theirs = TeamFactory(), TeamFactory()
    agent = user_in_group("Agents")
    agent.agent_profile.teams.add(mine)
    visible = SatisfactionSurveyFactory(case=CaseFactory(team=mine))
    hidden = SatisfactionSurveyFactory(case=CaseFactory(team=theirs))
    api = as_(client, agent)

    assert ids(api.get("surveys/")) == [visible.pk]
    assert api.get(f"surveys/{hidden.pk}/").status_code == 404


# -- KPIs ------------------------------------------------------------------------------------------


@pytest.fixture
def kpi_data():
    """A few answered, resolved and surveyed cases two days ago, and one today, for two agents."""
    KpiSettingsFactory(time_zone="UTC")
    rosa, sam = UserFactory(username="rosa"), UserFactory(username="sam")
    AgentProfileFactory(user=rosa)
    AgentProfileFactory(user=sam)
    channel = ChannelFactory(name="Care on X")
    at = dt.datetime.combine(timezone.now().date() - dt.timedelta(days=2), dt.time(12), tzinfo=dt.UTC)
    for minutes, agent in ((10, rosa), (20, rosa), (60, sam), (35, None)):
        CaseFactory(
            first_message_at=at - dt.timedelta(minutes=minutes),
            first_responded_at=at,
            assignee=agent,
            origin_channel=channel,
        )
    resolved = CaseFactory(
        first_message_at=at - dt.timedelta(minutes=30),
        first_responded_at=at,
        status=CaseStatus.RESOLVED,
        resolved_at=at + dt.timedelta(hours=2),
        assignee=rosa,
        origin_channel=channel,
    )
    for score in (5, 4, 2):
        SatisfactionSurveyFactory(
            case=resolved, sent_at=at + dt.timedelta(hours=3), answered_at=at + dt.timedelta(hours=4), score=score
        )
    CaseFactory(first_message_at=timezone.now() - dt.timedelta(minutes=5), assignee=sam, origin_channel=channel)
    return {"rosa": rosa, "sam": sam, "channel": channel}


def page_board(client, user, params):
    client.force_login(user)
    response = client.get(reverse("kpis:dashboard"), params)
    client.logout()
    assert response.status_code == 200
    return response.context["board"]


@pytest.mark.parametrize(
    "params",
    [{}, {"start": "{week_ago}", "end": "{today}"}, {"channel": "{channel}"}, {"agent": "{rosa}"}],
    ids=["default", "range", "channel", "agent"],
)
def test_a_managers_kpi_summary_is_the_pages_numbers(client, manager, kpi_data, params):
    today = timezone.now().date()
    values = {
        "week_ago": str(today - dt.timedelta(days=6)),
        "today": str(today),
        "channel": kpi_data["channel"].pk,
        "rosa": kpi_data["rosa"].pk,
    }
    params = {key: str(value).format(**values) for key, value in params.items()}

    response = as_(client, manager).get("kpis/summary/", params)
    board = page_board(client, manager, params)

    assert response.status_code == 200
    body = response.json()
    assert body["figures"] == jsonable(board.figures) and body["churn"] == jsonable(board.churn)
    assert body["figures"]["first_response"]["count"] > 0
    assert body["period"]["channel"] == board.scope.channel_id and body["period"]["agent"] == board.scope.agent_id
    assert body["period"]["end"] == str(board.scope.days[-1])


def test_an_agents_kpis_are_their_own_whatever_they_ask(client, kpi_data):
    rosa = kpi_data["rosa"]
    rosa.groups.add(*user_in_group("Agents").groups.all())
    params = {"agent": kpi_data["sam"].pk, "channel": kpi_data["channel"].pk}

    body = as_(client, rosa).get("kpis/summary/", params).json()
    board = page_board(client, rosa, params)

    assert body["period"]["agent"] == rosa.pk and body["period"]["channel"] is None
    assert body["figures"] == jsonable(board.figures)
    assert body["figures"]["first_response"]["count"] == 3  # rosa's three answered cases


def test_the_kpi_series_is_the_pages_series(client, manager, kpi_data):
    today = timezone.now().date()
    params = {"start": str(today - dt.timedelta(days=3)), "end": str(today)}

    body = as_(client, manager).get("kpis/series/", params).json()
    board = page_board(client, manager, params)

    assert [row["day"] for row in body["series"]] == [str(today - dt.timedelta(days=n)) for n in (3, 2, 1, 0)]
    assert body["series"] == jsonable(board.series)
    assert body["series"][1]["first_response"]["count"] == 5


def test_money_is_an_exact_string_in_kpis(client, manager, kpi_data):
    ContactCostFactory(channel_kind="x", cost_per_contact="4.50")

    cost = as_(client, manager).get("kpis/summary/").json()["figures"]["cost"]

    # Six contacts on X at 4.50 (a Decimal in the figures): a string, to the cent.
    assert cost["contacts"] == 6 and cost["cost"] == "27.00" and cost["cost_per_resolved_case"] == "27.00"


def test_bad_kpi_filters_are_400s(client, manager):
    api = as_(client, manager)
    today = timezone.now().date()

    bad_date = api.get("kpis/summary/", {"start": "last week"})
    reversed_range = api.get("kpis/series/", {"start": str(today), "end": str(today - dt.timedelta(days=3))})
    two = api.get("kpis/summary/", {"channel": ChannelFactory().pk, "team": TeamFactory().pk})
    unknown = api.get("kpis/summary/", {"team": 999_999})
    ancient = api.get("kpis/summary/", {"end": "0001-01-05"})

    assert bad_date.status_code == 400 and "start" in error_fields(bad_date)
    assert reversed_range.status_code == 400
    assert error_fields(reversed_range) == {"non_field_errors": ["The start date is after the end date."]}
    assert two.status_code == 400 and "one of channel, team or agent" in error_fields(two)["non_field_errors"][0]
    assert unknown.status_code == 400 and "team" in error_fields(unknown)
    assert ancient.status_code == 400
    assert error_fields(ancient) == {"non_field_errors": ["Choose dates from 2000 to today."]}
