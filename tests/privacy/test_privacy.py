"""A customer's data on request: the export holds all of it; erasure removes every personal text
from every row of theirs, keeps counts and KPIs identical, is audited and can run twice."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.core.management import call_command
from django.db.models import CharField, JSONField, TextField
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEntry
from cases.models import Case, CaseEvent, Customer
from channels_app.models import OutboundMessage, SocialPost, SocialProfile
from kpis.models import KpiSettings, SatisfactionSurvey
from kpis.scope import KpiScope
from kpis.selectors.dashboard import kpi_dashboard
from privacy.models import ErasureRecord, PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus
from privacy.services import PrivacyError, customer_erase, customer_export
from tests.kpis.test_operations import spread_dataset
from tests.privacy.conftest import SECRETS
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def every_text_of(dana, *, ledgers: bool = True) -> str:
    """Every text and JSON column of every row that belongs to the customer, as one string."""
    case_ids = list(Case.objects.filter(customer__in=[dana["customer"], dana["earlier"]]).values_list("pk", flat=True))
    querysets = [
        Customer.objects.filter(pk__in=[dana["customer"].pk, dana["earlier"].pk]),
        SocialProfile.objects.filter(pk=dana["profile"].pk),
        SocialPost.objects.filter(case_id__in=case_ids),
        SocialPost.objects.filter(author=dana["profile"]),
        Case.objects.filter(pk__in=case_ids),
        CaseEvent.objects.filter(case_id__in=case_ids),
        SatisfactionSurvey.objects.filter(case_id__in=case_ids),
        OutboundMessage.objects.filter(case_id__in=case_ids),
    ]
    if ledgers:
        querysets += [PrivacyRequest.objects.all(), AuditEntry.objects.all()]
    texts = []
    for queryset in querysets:
        columns = [f.name for f in queryset.model._meta.fields if isinstance(f, CharField | TextField | JSONField)]
        texts += [json.dumps(row, default=str) for row in queryset.values(*columns)]
    return "\n".join(texts)


# -- export -----------------------------------------------------------------------------------


def test_the_export_holds_the_customer_their_profiles_posts_cases_surveys_and_replies(dana):
    agent = user_in_group("Admins", username="ines")

    exported = customer_export(customer=dana["customer"], actor=agent)

    assert json.loads(json.dumps(exported)) == exported  # plain JSON
    assert exported["customer"]["email"] == "dana.reyes@mail.example"
    assert [c["name"] for c in exported["merged_customers"]] == ["Dana R."]
    assert [p["handle"] for p in exported["profiles"]] == ["dana_r"]
    assert "luggage tag number is 0012" in exported["posts"][0]["text"]
    assert exported["posts"][0]["sentiment_label"] == "negative" and exported["posts"][0]["channel"]["kind"] == "x"
    (case,) = exported["cases"]
    assert case["subject"] == "My bag never arrived in Lima, AC12 yesterday"
    assert {e["body"] for e in case["events"]} >= {"Dana wants a call back at +1 212 555 0143"}
    assert exported["surveys"][0]["comment"] == "Rosa was great but AC12 lost my bag in Lima"
    assert exported["replies"][0]["text"].startswith("Sorry Dana!")
    (entry,) = AuditEntry.objects.filter(action=AuditAction.PRIVACY_EXPORTED)
    assert (entry.actor, entry.target_id, entry.detail["posts"]) == (agent, str(dana["customer"].pk), 1)
    assert "Dana" not in entry.target_label


def test_the_export_costs_the_same_queries_with_little_or_much_data(dana, django_assert_max_num_queries):
    with django_assert_max_num_queries(9) as small:
        customer_export(customer=dana["customer"])
    for _ in range(5):
        SocialPost.objects.create(
            channel=dana["case"].origin_channel,
            author=dana["profile"],
            case=dana["case"],
            external_id=f"more-{_}",
            text="still no bag",
            posted_at=dana["case"].first_message_at,
        )
        CaseEvent.objects.create(
            case=dana["case"],
            kind="internal_note",
            body="Chased the Lima airport desk",
            occurred_at=dt.datetime.now(dt.UTC),
        )
    with django_assert_max_num_queries(len(small)):
        customer_export(customer=dana["customer"])


# -- erasure ----------------------------------------------------------------------------------


def test_erasure_leaves_no_personal_text_in_any_of_the_customers_rows(dana):
    customer_export(customer=dana["customer"])  # an earlier export, kept on a request
    PrivacyRequest.objects.create(
        customer=dana["customer"], kind=PrivacyRequestKind.EXPORT, export={"customer": {"name": "Dana Reyes"}}
    )
    assert "Dana Reyes" in every_text_of(dana)

    customer_erase(customer=dana["customer"], reason="Erasure asked by e-mail, ticket PRIV-118, 2026-11-30")

    texts = every_text_of(dana)
    for secret in SECRETS:
        assert secret not in texts, secret
    customer = Customer.objects.get(pk=dana["customer"].pk)
    assert (customer.name, customer.email, customer.phone, customer.notes) == (
        f"Erased customer #{customer.pk}",
        "",
        "",
        "",
    )
    profile = SocialProfile.objects.get(pk=dana["profile"].pk)
    assert (profile.handle, profile.display_name) == ("erased", "erased")
    assert profile.external_user_id.startswith("erased:") and "2244994945" not in profile.external_user_id


def test_erasure_keeps_counts_times_statuses_and_sentiment(dana):
    before = Case.objects.filter(pk=dana["case"].pk).values(
        "status", "first_message_at", "first_responded_at", "resolved_at", "assignee_id", "sentiment_label"
    )[0]
    post_before = SocialPost.objects.filter(author=dana["profile"]).values("posted_at", "sentiment_polarity")[0]

    customer_erase(customer=dana["customer"], reason="Ticket PRIV-118")

    assert Case.objects.filter(pk=dana["case"].pk).values(*before)[0] == before
    assert SocialPost.objects.filter(author=dana["profile"]).values(*post_before)[0] == post_before
    assert SatisfactionSurvey.objects.get(case=dana["case"]).score == 4
    assert CaseEvent.objects.filter(case=dana["case"]).count() == 2
    assert SocialPost.objects.filter(case=dana["case"]).count() == 2


def test_the_kpi_dashboard_reads_the_same_before_and_after_an_erasure(dana):
    KpiSettings.objects.create(time_zone="America/New_York")
    spread_dataset(6)
    scope = KpiScope.for_days(dt.date(2026, 3, 6), dt.date(2026, 3, 10), NEW_YORK)
    after_period = dt.datetime(2026, 3, 12, 12, tzinfo=NEW_YORK)
    before = kpi_dashboard(scope, now=after_period)
    assert before.figures["csat"]["answered"] >= 1

    customer_erase(customer=dana["customer"], reason="Ticket PRIV-118")
    after = kpi_dashboard(scope, now=after_period)

    assert (after.figures, after.series, after.churn) == (before.figures, before.series, before.churn)
    assert (after.agents, after.teams, after.channels) == (before.agents, before.teams, before.channels)


def test_erasure_is_audited_and_running_it_again_changes_nothing(dana):
    admin = user_in_group("Admins", username="ines")
    customer_erase(customer=dana["customer"], actor=admin, reason="Ticket PRIV-118")
    first = every_text_of(dana, ledgers=False)

    record = customer_erase(customer=dana["customer"], actor=admin, reason="Ticket PRIV-118, again")

    assert ErasureRecord.objects.get() == record and record.reason == "Ticket PRIV-118"
    assert record.counts["posts"] == 2 and record.counts["customers"] == 2
    entries = list(AuditEntry.objects.filter(action=AuditAction.PRIVACY_ERASED).order_by("id"))
    assert [(e.actor, e.detail["again"]) for e in entries] == [(admin, False), (admin, True)]
    assert every_text_of(dana, ledgers=False) == first


def test_erasure_needs_a_reason(dana):
    with pytest.raises(PrivacyError, match="Say why"):
        customer_erase(customer=dana["customer"], reason="  ")

    assert Customer.objects.get(pk=dana["customer"].pk).name == "Dana Reyes"


# -- admin, commands, API ---------------------------------------------------------------------


def test_an_admin_records_an_export_request_and_runs_it_from_the_admin(client, dana):
    admin = user_in_group("Admins", username="ines", is_staff=True)
    client.force_login(admin)
    privacy_request = PrivacyRequest.objects.create(
        customer=dana["customer"], kind=PrivacyRequestKind.EXPORT, reason="Asked by e-mail on 2026-11-28"
    )

    response = client.post(
        reverse("admin:privacy_privacyrequest_changelist"), {"action": "run", "_selected_action": [privacy_request.pk]}
    )

    assert response.status_code == 302
    privacy_request.refresh_from_db()
    assert privacy_request.status == PrivacyRequestStatus.DONE and privacy_request.completed_at is not None
    assert privacy_request.export["customer"]["name"] == "Dana Reyes"
    assert AuditEntry.objects.filter(action=AuditAction.PRIVACY_EXPORTED, actor=admin).count() == 1


def test_managers_may_not_run_privacy_requests_in_the_admin(client, dana):
    client.force_login(user_in_group("Managers", username="mia", is_staff=True))

    assert client.get(reverse("admin:privacy_privacyrequest_changelist")).status_code == 403


def test_the_commands_export_and_erase_a_customer(dana, capsys):
    call_command("export_customer", str(dana["customer"].pk))
    exported = json.loads(capsys.readouterr().out)
    call_command("erase_customer", str(dana["customer"].pk), "--reason", "Ticket PRIV-118")

    assert exported["customer"]["name"] == "Dana Reyes"
    assert "erased" in capsys.readouterr().out
    assert Customer.objects.get(pk=dana["customer"].pk).email == ""
    assert AuditEntry.objects.filter(action__in=["privacy.exported", "privacy.erased"]).count() == 2


def test_the_api_exports_and_erases_for_admins_only(dana):
    client = APIClient()
    client.force_authenticate(user_in_group("Managers", username="mia"))
    url = f"/api/v1/customers/{dana['customer'].pk}/"
    assert client.get(url + "export/").status_code == 403
    assert client.post(url + "erase/", {"reason": "Ticket PRIV-118"}, format="json").status_code == 403
    client.force_authenticate(user_in_group("Admins", username="ines"))

    exported = client.get(url + "export/")
    missing_reason = client.post(url + "erase/", {}, format="json")
    erased = client.post(url + "erase/", {"reason": "Ticket PRIV-118"}, format="json")

    assert exported.status_code == 200 and exported.json()["customer"]["phone"] == "+1 212 555 0143"
    assert missing_reason.status_code == 400
    assert erased.status_code == 200 and erased.json()["counts"]["posts"] == 2
    assert Customer.objects.get(pk=dana["customer"].pk).phone == ""
    assert list(PrivacyRequest.objects.order_by("id").values_list("kind", "status")) == [
        ("export", "done"),
        ("erasure", "done"),
    ]


def test_erasure_also_clears_the_goodwill_address_sales_notes_and_help_centre_questions(dana):
    from goodwill.models import CustomerContactDetail
    from knowledge.models import AskQuestion
    from leads.models import Lead

    customer, case = dana["customer"], dana["case"]
    CustomerContactDetail.objects.create(customer=customer, address="Av. Larco 345, Miraflores, Lima")
    post = SocialPost.objects.filter(case=case, direction="inbound").get()
    Lead.objects.create(
        customer=customer,
        post=post,
        channel=post.channel,
        reason="purchase_intent",
        notes="Dana asked about Lima-Cusco",
    )
    AskQuestion.objects.create(
        question="Where is my bag? Dana Reyes, AC12 to Lima",
        visitor_key="v-7f3a",
        email="dana.reyes@mail.example",
        name="Dana Reyes",
        case=case,
    )

    customer_erase(customer=customer, reason="Erasure asked by e-mail, ticket PRIV-121")

    assert CustomerContactDetail.objects.get(customer=customer).address == ""
    assert Lead.objects.get(post=post).notes == ""
    question = AskQuestion.objects.get(case=case)
    assert (question.question, question.email, question.name) == ("[erased]", "", "")
    assert ErasureRecord.objects.get(customer_id=customer.pk).counts["questions"] == 1
