"""The Django admin of cases, channels_app and kpis, and socialcrm.admin_utils.

Page tests are parametrized over django.contrib.admin.site._registry, so a
model registered later is covered without touching this file (it needs a
factory in tests/factories.py, and the test says so if it is missing).
"""

import factory
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import ForeignKey, ManyToManyField, OneToOneField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.choices import CaseStatus, ChannelKind, InfluenceTier, Priority
from cases.models import Case, CaseEvent, Customer, SLAPolicy, Tag
from channels_app.choices import Direction, OutboundStatus
from channels_app.models import Channel, OutboundMessage, RawEvent, SocialPost, SocialProfile
from kpis.models import KpiRollup, SatisfactionSurvey
from socialcrm.admin_utils import EstimatedCountPaginator
from tests import factories

pytestmark = pytest.mark.django_db

ADMIN_APPS = {"cases", "channels_app", "kpis"}
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in ADMIN_APPS),
    key=lambda model: model._meta.label,
)

# Tables that grow without bound: their changelists must never count them whole.
HUGE_MODELS = [Case, CaseEvent, SocialPost, RawEvent, OutboundMessage]
# Tables whose rows must never be listed in a <select> on a form.
LARGE_MODELS = {
    Customer,
    Case,
    CaseEvent,
    SocialPost,
    SocialProfile,
    RawEvent,
    OutboundMessage,
    SatisfactionSurvey,
    Channel,
    get_user_model(),
}

FACTORIES = {
    value._meta.model: value
    for value in vars(factories).values()
    if isinstance(value, type)
    and issubclass(value, factory.django.DjangoModelFactory)
    and value._meta.model is not None
}
# Factories whose defaults collide on a unique constraint when used twice.
BATCH_OVERRIDES = {KpiRollup: {"metric": factory.Sequence(lambda n: f"metric_{n}")}}


def make(model, count: int = 1) -> list:
    factory_class = FACTORIES.get(model)
    assert factory_class, f"add a factory for {model._meta.label} to tests/factories.py"
    return factory_class.create_batch(count, **BATCH_OVERRIDES.get(model, {}))


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def changelist_sql(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def assert_same_query_count(few: list[str], many: list[str]) -> None:
    assert len(many) == len(few), "queries grew with rows:\n" + "\n".join(sql for sql in many if sql not in few)


def result_ids(response) -> set[int]:
    assert response.status_code == 200, response.get("Location")
    return {obj.pk for obj in response.context["cl"].result_list}


def test_every_model_of_the_apps_is_registered():
    from django.apps import apps

    expected = {model for label in ADMIN_APPS for model in apps.get_app_config(label).get_models()}
    assert expected - set(REGISTERED) == set()


# --- Every registered model's pages render -----------------------------------


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_renders_and_lists_the_rows(admin_client, model):
    objects = make(model)

    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert {obj.pk for obj in objects} <= result_ids(response)


# Derived rows nobody adds by hand: clocks are planned from timelines, notifications sent by the scan.
DERIVED = {"cases.SLAClock", "cases.Notification"}


@pytest.mark.parametrize(
    "model", [m for m in REGISTERED if m._meta.label not in DERIVED], ids=lambda model: model._meta.label
)
def test_add_page_renders(admin_client, model):
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "model", [m for m in REGISTERED if m._meta.label in DERIVED], ids=lambda model: model._meta.label
)
def test_derived_rows_cannot_be_added_in_admin(admin_client, model):
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == 403


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_change_page_renders(admin_client, model):
    (obj,) = make(model)

    response = admin_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, model):
    # Given a warmed-up changelist of two rows
    make(model, 2)
    url = admin_url(model, "changelist")
    admin_client.get(url)
    few = changelist_sql(admin_client, url)
    # When it lists eight
    make(model, 6)
    many = changelist_sql(admin_client, url)
    # Then it ran the same queries
    assert_same_query_count(few, many)


# --- Large tables ----------------------------------------------------------


@pytest.mark.parametrize("model", HUGE_MODELS, ids=lambda model: model._meta.label)
def test_huge_table_changelist_never_counts_the_whole_table(model):
    model_admin = admin.site._registry[model]

    assert issubclass(model_admin.paginator, EstimatedCountPaginator)
    assert model_admin.show_full_result_count is False
    assert model_admin.show_facets is admin.ShowFacets.NEVER


def _forms_of_the_admin():
    """(model, ModelAdmin or inline class, parent model of an inline or None) for every form."""
    for model in REGISTERED:
        model_admin = admin.site._registry[model]
        yield pytest.param(model, type(model_admin), None, id=type(model_admin).__name__)
        for inline_class in model_admin.inlines:
            yield pytest.param(inline_class.model, inline_class, model, id=inline_class.__name__)


@pytest.mark.parametrize(("model", "admin_class", "parent_model"), list(_forms_of_the_admin()))
def test_relations_to_large_tables_never_render_a_select_of_all_rows(model, admin_class, parent_model):
    handled = set(admin_class.autocomplete_fields) | set(admin_class.raw_id_fields) | set(admin_class.readonly_fields)
    offenders = [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, (ForeignKey, OneToOneField, ManyToManyField))
        and field.editable
        and field.related_model in LARGE_MODELS
        # An inline's key to its parent is filled in, not chosen.
        and field.related_model is not parent_model
        and field.name not in handled
    ]
    assert offenders == []


def test_huge_table_changelist_queries_stay_constant_for_cases(admin_client):
    # Given three cases, each with its own customer, channel, assignee and team
    def cases(count):
        for _ in range(count):
            factories.CaseFactory(assignee=factories.UserFactory(), team=factories.TeamFactory())

    cases(3)
    url = admin_url(Case, "changelist")
    admin_client.get(url)
    few = changelist_sql(admin_client, url)
    # When there are thirty
    cases(27)
    many = changelist_sql(admin_client, url)
    # Then listing them ran the same queries
    assert_same_query_count(few, many)


def test_huge_table_changelist_queries_stay_constant_for_social_posts(admin_client):
    # Given three posts, each on its own channel, by its own author, in its own case
    def posts(count):
        for _ in range(count):
            factories.SocialPostFactory(case=factories.CaseFactory())

    posts(3)
    url = admin_url(SocialPost, "changelist")
    admin_client.get(url)
    few = changelist_sql(admin_client, url)
    # When there are thirty
    posts(27)
    many = changelist_sql(admin_client, url)
    # Then listing them ran the same queries
    assert_same_query_count(few, many)


# --- Case changelist: search and filters -----------------------------------


def test_case_search_by_reference_finds_exactly_that_case(admin_client):
    wanted, other = factories.CaseFactory(), factories.CaseFactory()

    for term in (f"SC-{wanted.pk}", f"sc{wanted.pk}", str(wanted.pk)):
        response = admin_client.get(admin_url(Case, "changelist"), {"q": term})
        assert result_ids(response) == {wanted.pk}, term
    assert other.pk not in result_ids(response)


def test_case_search_by_customer_name_or_email_finds_their_cases(admin_client):
    ada = factories.CustomerFactory(name="Ada Lovelace", email="ada@analytical.example")
    wanted = factories.CaseFactory(customer=ada)
    factories.CaseFactory()

    by_name = admin_client.get(admin_url(Case, "changelist"), {"q": "lovelace"})
    by_email = admin_client.get(admin_url(Case, "changelist"), {"q": "ada@analytical"})

    assert result_ids(by_name) == result_ids(by_email) == {wanted.pk}


def test_case_search_by_a_number_too_large_for_an_id_finds_nothing_and_does_not_fail(admin_client):
    factories.CaseFactory()

    response = admin_client.get(admin_url(Case, "changelist"), {"q": "9" * 30})

    assert result_ids(response) == set()


def test_case_filters_by_status_priority_and_origin_channel_kind(admin_client):
    email_channel = factories.ChannelFactory(kind=ChannelKind.EMAIL)
    wanted = factories.CaseFactory(status=CaseStatus.PENDING, priority=Priority.URGENT, origin_channel=email_channel)
    factories.CaseFactory(status=CaseStatus.PENDING, priority=Priority.URGENT)  # on X
    factories.CaseFactory(status=CaseStatus.OPEN, origin_channel=email_channel)

    response = admin_client.get(
        admin_url(Case, "changelist"),
        {"status__exact": "pending", "priority__exact": "urgent", "origin_channel__kind__exact": "email"},
    )

    assert result_ids(response) == {wanted.pk}


def test_case_filter_by_team_and_unassigned(admin_client):
    team = factories.TeamFactory()
    wanted = factories.CaseFactory(team=team)
    factories.CaseFactory(team=team, assignee=factories.UserFactory())
    factories.CaseFactory()

    response = admin_client.get(admin_url(Case, "changelist"), {"team__id__exact": team.pk, "assignee__isempty": "1"})

    assert result_ids(response) == {wanted.pk}


def test_case_change_page_links_to_its_timeline_posts_and_replies_and_the_links_filter(admin_client):
    case = factories.CaseFactory()
    event = factories.CaseEventFactory(case=case)
    post = factories.SocialPostFactory(case=case)
    reply = factories.OutboundMessageFactory(case=case)
    factories.CaseEventFactory()
    factories.SocialPostFactory(case=factories.CaseFactory())
    factories.OutboundMessageFactory()

    page = admin_client.get(admin_url(Case, "change", case.pk)).content.decode()

    for model, obj in ((CaseEvent, event), (SocialPost, post), (OutboundMessage, reply)):
        link = f"{admin_url(model, 'changelist')}?case__id__exact={case.pk}"
        assert link in page
        assert result_ids(admin_client.get(link)) == {obj.pk}


def test_case_sla_state_is_shown_but_not_editable(admin_client):
    case = factories.CaseFactory()

    form = admin_client.get(admin_url(Case, "change", case.pk)).context["adminform"].form

    for name in ("sla_next_due_at", "first_response_breached", "resolution_due_at", "sentiment_latest"):
        assert name not in form.fields
    assert {"status", "priority", "assignee", "team"} <= set(form.fields)


# --- SocialPost changelist: search and filters -----------------------------


def test_social_post_search_by_text_external_id_and_handle(admin_client):
    wanted = factories.SocialPostFactory(text="The blender arrived broken", external_id="9001")
    factories.SocialPostFactory()
    url = admin_url(SocialPost, "changelist")

    for term in ("blender arrived", "9001", wanted.author.handle):
        assert result_ids(admin_client.get(url, {"q": term})) == {wanted.pk}, term


def test_social_post_search_by_case_reference_lists_that_cases_posts(admin_client):
    case = factories.CaseFactory()
    wanted = factories.SocialPostFactory(case=case)
    factories.SocialPostFactory(case=factories.CaseFactory())

    response = admin_client.get(admin_url(SocialPost, "changelist"), {"q": f"SC-{case.pk}"})

    assert result_ids(response) == {wanted.pk}


def test_social_post_filters_by_direction_and_channel(admin_client):
    channel = factories.ChannelFactory()
    wanted = factories.SocialPostFactory(channel=channel, direction=Direction.OUTBOUND)
    factories.SocialPostFactory(channel=channel, direction=Direction.INBOUND)
    factories.SocialPostFactory(direction=Direction.OUTBOUND)

    response = admin_client.get(
        admin_url(SocialPost, "changelist"), {"direction__exact": "outbound", "channel__id__exact": channel.pk}
    )

    assert result_ids(response) == {wanted.pk}


def test_social_post_facts_from_the_channel_are_read_only_once_stored(admin_client):
    post = factories.SocialPostFactory()

    form = admin_client.get(admin_url(SocialPost, "change", post.pk)).context["adminform"].form

    for name in ("channel", "external_id", "author", "text", "posted_at", "raw"):
        assert name not in form.fields
    assert {"intent", "engagement_type", "case"} <= set(form.fields)


# --- Per-model behaviour -----------------------------------------------------


def test_admin_site_is_titled_socialcrm_administration(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert response.context["site_header"] == "socialcrm administration"
    assert response.context["site_title"] == "socialcrm administration"


def test_raw_event_shows_body_decoded_and_headers_read_only_and_never_edits_bytes(admin_client):
    event = factories.RawEventFactory(body='{"text": "caf\u00e9 <b>"}'.encode(), headers={"X-Hub": "sha256=abc"})

    response = admin_client.get(admin_url(RawEvent, "change", event.pk))

    form = response.context["adminform"].form
    assert "body" not in form.fields
    assert "headers" not in form.fields
    page = response.content.decode()
    assert "caf\u00e9 &lt;b&gt;" in page  # decoded, and escaped
    assert "sha256=abc" in page


def test_raw_event_body_preview_is_bounded(admin_client):
    event = factories.RawEventFactory(body=b"x" * 50_000)

    page = admin_client.get(admin_url(RawEvent, "change", event.pk)).content.decode()

    assert "50000 bytes" in page
    assert "x" * 20_001 not in page


def test_outbound_message_delivery_fields_are_read_only_and_sent_is_not_offered(admin_client):
    message = factories.OutboundMessageFactory()

    form = admin_client.get(admin_url(OutboundMessage, "change", message.pk)).context["adminform"].form

    for name in ("idempotency_key", "external_id", "attempts", "sent_at"):
        assert name not in form.fields
    assert OutboundStatus.SENT not in {value for value, _ in form.fields["status"].choices}


def test_sent_outbound_message_opens_read_only(admin_client):
    message = factories.OutboundMessageFactory()
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=OutboundStatus.SENT, external_id="1900000000000000001", sent_at=message.created_at
    )

    response = admin_client.get(admin_url(OutboundMessage, "change", message.pk))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def test_channel_pages_show_credential_variable_names_never_their_values(admin_client, monkeypatch):
    monkeypatch.setenv("ACME_X_BEARER", "s3cr3t-bearer-value")
    channel = factories.ChannelFactory(credential_env={"bearer_token": "ACME_X_BEARER"}, last_error="HTTP 401 " * 40)

    changelist = admin_client.get(admin_url(Channel, "changelist")).content.decode()
    change = admin_client.get(admin_url(Channel, "change", channel.pk)).content.decode()

    assert "ACME_X_BEARER" in change
    assert "s3cr3t-bearer-value" not in changelist + change
    assert "HTTP 401 " * 40 not in changelist  # truncated in the list


def test_customer_page_lists_social_profiles_read_only_with_links(admin_client):
    customer = factories.CustomerFactory()
    profile = factories.SocialProfileFactory(customer=customer, handle="ada_l")

    response = admin_client.get(admin_url(Customer, "change", customer.pk))

    page = response.content.decode()
    assert "ada_l" in page
    assert admin_url(SocialProfile, "change", profile.pk) in page
    (formset,) = [inline.formset for inline in response.context["inline_admin_formsets"]]
    assert formset.forms[0].fields.keys().isdisjoint({"handle", "followers_count", "kind"})


def test_customer_page_links_to_their_cases_and_the_link_filters(admin_client):
    customer = factories.CustomerFactory()
    wanted = factories.CaseFactory(customer=customer)
    factories.CaseFactory()

    page = admin_client.get(admin_url(Customer, "change", customer.pk)).content.decode()

    link = f"{admin_url(Case, 'changelist')}?customer__id__exact={customer.pk}"
    assert link in page
    assert result_ids(admin_client.get(link)) == {wanted.pk}


def test_moving_a_profile_to_another_customer_refreshes_both_customers_influence(admin_client):
    old, new = factories.CustomerFactory(), factories.CustomerFactory()
    profile = factories.SocialProfileFactory(customer=old, followers_count=50_000)
    Customer.objects.filter(pk=old.pk).update(max_followers=50_000, influence=InfluenceTier.HIGH)

    response = admin_client.post(
        admin_url(SocialProfile, "change", profile.pk),
        {
            "customer": new.pk,
            "handle": profile.handle,
            "display_name": "",
            "followers_count": 50_000,
            "profile_url": "",
            "avatar_url": "",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.max_followers, old.influence) == (0, InfluenceTier.LOW)
    assert (new.max_followers, new.influence) == (50_000, InfluenceTier.HIGH)


def test_sla_policy_conditions_are_saved_as_lists_of_ticked_values(admin_client):
    response = admin_client.post(
        admin_url(SLAPolicy, "add"),
        {
            "name": "VIP on X",
            "position": 10,
            "is_active": "on",
            "priorities": ["high", "urgent"],
            "channel_kinds": ["x"],
            "first_response_minutes": 30,
            "resolution_minutes": 480,
            "warning_ratio": 0.8,
            "pause_while_pending": "on",
            "escalation_action": "notify_managers",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    policy = SLAPolicy.objects.get(name="VIP on X")
    assert (policy.priorities, policy.channel_kinds, policy.customer_tiers) == (["high", "urgent"], ["x"], [])


def test_sla_policies_are_listed_in_evaluation_order(admin_client):
    late = factories.SLAPolicyFactory(position=50)
    early = factories.SLAPolicyFactory(position=5)

    response = admin_client.get(admin_url(SLAPolicy, "changelist"))

    assert [obj.pk for obj in response.context["cl"].result_list] == [early.pk, late.pk]


@pytest.mark.parametrize("model", [CaseEvent, KpiRollup, SatisfactionSurvey], ids=lambda model: model._meta.label)
def test_recorded_history_opens_read_only(admin_client, model):
    (obj,) = make(model)

    response = admin_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def test_survey_token_is_never_shown_on_its_page(admin_client):
    survey = factories.SatisfactionSurveyFactory(token="signed-answer-token-123")

    page = admin_client.get(admin_url(SatisfactionSurvey, "change", survey.pk)).content.decode()

    assert "signed-answer-token-123" not in page


# --- EstimatedCountPaginator -----------------------------------------------

requires_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
requires_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="runs on the SQLite default database")


def _analyze(model) -> None:
    # ANALYZE records the table's row count in pg_class.reltuples, as
    # autovacuum would on a live database. It sees this transaction's rows.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _paginator(queryset, threshold: int) -> EstimatedCountPaginator:
    paginator = EstimatedCountPaginator(queryset, per_page=10)
    paginator.estimate_threshold = threshold
    return paginator


@requires_postgres
@pytest.mark.postgres
def test_paginator_uses_the_planner_estimate_for_a_whole_large_table_on_postgres():
    # Given a table the planner believes has 30 rows, 10 of them since deleted
    tags = factories.TagFactory.create_batch(30)
    _analyze(Tag)
    Tag.objects.filter(pk__in=[tag.pk for tag in tags[:10]]).delete()
    # When a paginator whose threshold the estimate reaches counts the whole table
    paginator = _paginator(Tag.objects.order_by("pk"), threshold=20)
    with CaptureQueriesContext(connection) as queries:
        count = paginator.count
    # Then it returns the estimate without a COUNT(*)
    assert count == 30
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)


@requires_postgres
@pytest.mark.postgres
def test_paginator_counts_exactly_below_the_estimate_threshold_on_postgres():
    factories.TagFactory.create_batch(30)
    _analyze(Tag)
    Tag.objects.filter(pk__in=Tag.objects.order_by("pk").values("pk")[:10]).delete()

    assert _paginator(Tag.objects.order_by("pk"), threshold=31).count == 20


def test_paginator_counts_a_filtered_queryset_exactly():
    # Given a table whose estimate (on PostgreSQL) is stale and above the threshold
    factories.TagFactory.create_batch(30)
    if connection.vendor == "postgresql":
        _analyze(Tag)
    Tag.objects.filter(pk__in=Tag.objects.order_by("pk").values("pk")[:10]).delete()
    # When the queryset is filtered, it counts the rows that match
    queryset = Tag.objects.filter(name__startswith="tag-").order_by("pk")

    assert _paginator(queryset, threshold=1).count == 20


@requires_sqlite
def test_paginator_counts_exactly_on_sqlite():
    factories.TagFactory.create_batch(12)
    paginator = _paginator(Tag.objects.order_by("pk"), threshold=0)

    with CaptureQueriesContext(connection) as queries:
        count = paginator.count

    assert count == 12
    assert [query["sql"] for query in queries.captured_queries if "pg_class" in query["sql"]] == []


def test_paginator_counts_a_list_exactly():
    assert _paginator(list(range(42)), threshold=0).count == 42
