"""The sales team's work on a lead: claim, assign, contacted, won, lost, notes; and the database's invariants."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from leads.services import (
    LeadChangeError,
    lead_assign,
    lead_claim,
    lead_mark_contacted,
    lead_mark_lost,
    lead_mark_won,
    lead_update_notes,
)
from tests.leads.factories import LeadFactory
from tests.roles import user_in_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return user_in_group("Sales", username="priya.sales")


def test_marking_a_new_lead_contacted_stamps_the_time_and_gives_it_to_the_seller(seller):
    lead = lead_mark_contacted(lead=LeadFactory(), actor=seller)

    assert (lead.status, lead.owner) == ("contacted", seller)
    assert lead.contacted_at is not None


def test_marking_a_contacted_lead_contacted_again_changes_nothing(seller):
    lead = lead_mark_contacted(lead=LeadFactory(), actor=seller)
    first = lead.contacted_at

    assert lead_mark_contacted(lead=lead, actor=seller).contacted_at == first


def test_winning_a_lead_records_its_value_currency_and_close_time(seller):
    lead = lead_mark_contacted(lead=LeadFactory(), actor=seller)

    lead = lead_mark_won(lead=lead, value=Decimal("1440.00"), currency="eur", actor=seller)

    assert (lead.status, lead.value, lead.currency) == ("won", Decimal("1440.00"), "EUR")
    assert lead.closed_at is not None


def test_a_new_lead_can_be_won_straight_away_in_its_default_currency(seller):
    lead = lead_mark_won(lead=LeadFactory(), value=Decimal("89.99"), actor=seller)

    assert (lead.status, lead.currency, lead.contacted_at) == ("won", "USD", None)


def test_a_won_lead_cannot_be_lost_or_contacted(seller):
    lead = lead_mark_won(lead=LeadFactory(), value=Decimal("10"), actor=seller)

    with pytest.raises(LeadChangeError, match="already won"):
        lead_mark_lost(lead=lead, reason="changed their mind", actor=seller)
    with pytest.raises(LeadChangeError):
        lead_mark_contacted(lead=lead, actor=seller)


def test_a_negative_value_or_a_bad_currency_is_refused(seller):
    lead = LeadFactory()

    with pytest.raises(LeadChangeError):
        lead_mark_won(lead=lead, value=Decimal("-5"), actor=seller)
    with pytest.raises(LeadChangeError):
        lead_mark_won(lead=lead, value=Decimal("5"), currency="EURO", actor=seller)
    lead.refresh_from_db()
    assert lead.status == "new"


def test_losing_a_lead_needs_a_reason_and_keeps_it(seller):
    lead = LeadFactory()

    with pytest.raises(LeadChangeError):
        lead_mark_lost(lead=lead, reason="   ", actor=seller)
    lead = lead_mark_lost(lead=lead, reason="Stayed with Globex after a retention discount", actor=seller)

    assert (lead.status, lead.lost_reason) == ("lost", "Stayed with Globex after a retention discount")
    assert lead.closed_at is not None


def test_claim_by_a_second_seller_is_refused(seller):
    other = user_in_group("Sales", username="marco.sales")
    lead = lead_claim(lead=LeadFactory(), user=seller)

    with pytest.raises(LeadChangeError, match=r"priya\.sales already has this lead"):
        lead_claim(lead=lead, user=other)
    assert lead_claim(lead=lead, user=seller).owner == seller


def test_a_lead_can_be_assigned_only_to_someone_who_works_leads(seller):
    agent = user_in_group("Agents", username="sam.agent")
    lead = LeadFactory()

    with pytest.raises(LeadChangeError, match="not in the sales team"):
        lead_assign(lead=lead, owner=agent, actor=seller)
    assert lead_assign(lead=lead, owner=seller, actor=seller).owner == seller
    assert lead_assign(lead=lead, owner=None, actor=seller).owner is None


def test_notes_can_be_written_on_a_closed_lead(seller):
    lead = lead_mark_won(lead=LeadFactory(), value=Decimal("300"), actor=seller)

    lead = lead_update_notes(lead=lead, notes="Signed the 12-month business plan; renewal call in May.", actor=seller)

    assert lead.notes == "Signed the 12-month business plan; renewal call in May."


def test_the_database_refuses_a_won_lead_without_close_time_and_a_negative_value():
    lead = LeadFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        type(lead).objects.filter(pk=lead.pk).update(status="won")
    with pytest.raises(IntegrityError), transaction.atomic():
        type(lead).objects.filter(pk=lead.pk).update(value=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        type(lead).objects.filter(pk=lead.pk).update(closed_at=timezone.now())


def test_a_post_becomes_a_lead_only_once():
    lead = LeadFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        LeadFactory(post=lead.post)
