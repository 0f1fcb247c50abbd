"""goodwill.collusion: each rule firing and not firing, on hand-made names, phones, addresses and posts (pure)."""

import datetime as dt
from decimal import Decimal

from goodwill.choices import CollusionRule
from goodwill.collusion import (
    Party,
    Post,
    agent_names,
    contact_match_flags,
    declared_relationship_flags,
    near_threshold_flags,
    normalize_address,
    normalize_phone,
    praise_after_grant_flags,
    repeated_grants_flags,
)

NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
ROSA = Party(
    name="Rosa Díaz",
    surname="Díaz",
    emails=("rosa.diaz@brand.example", "rosita77@mail.example"),
    phones=("+1 (555) 010-0123",),
    address="Flat 2, 14 Baker Street, London NW1 6XE",
)


def rules(flags):
    return [flag.rule for flag in flags]


# -- declared relationship ----------------------------------------------------------------------------


def test_a_declared_relationship_flags_with_its_kind_and_note():
    flags = declared_relationship_flags([("Family", "my cousin")])
    assert rules(flags) == [CollusionRule.DECLARED_RELATIONSHIP]
    assert flags[0].detail == "The agent declared a relationship with this customer: Family (my cousin)."


def test_no_declared_relationship_no_flag():
    assert declared_relationship_flags([]) == []


# -- contact details ------------------------------------------------------------------------------------


def test_the_same_phone_written_differently_is_flagged_with_the_customers_number():
    customer = Party(name="Dana Whitfield", phones=("555-010-0123",))
    flags = contact_match_flags(agent=ROSA, customer=customer)
    assert rules(flags) == [CollusionRule.SAME_PHONE]
    assert flags[0].detail == "Customer's phone 555-010-0123 matches the agent's."


def test_a_different_phone_is_not_flagged():
    customer = Party(name="Dana Whitfield", phones=("+1 555 010 0124",))
    assert contact_match_flags(agent=ROSA, customer=customer) == []


def test_short_phone_numbers_such_as_extensions_are_never_compared():
    agent = Party(name="Rosa Díaz", surname="Díaz", phones=("0123",))
    assert contact_match_flags(agent=agent, customer=Party(name="Dana Whitfield", phones=("0123",))) == []
    assert normalize_phone("+44 20 7946 0958") == "079460958"


def test_the_agents_personal_email_in_another_case_is_flagged():
    customer = Party(name="R. Smith", emails=("Rosita77@Mail.example ",))
    assert rules(contact_match_flags(agent=ROSA, customer=customer)) == [CollusionRule.SAME_EMAIL]


def test_a_different_email_is_not_flagged():
    customer = Party(name="Dana Whitfield", emails=("dana.whitfield@mail.example",))
    assert contact_match_flags(agent=ROSA, customer=customer) == []


def test_the_same_surname_without_accents_or_case_is_flagged():
    flags = contact_match_flags(agent=ROSA, customer=Party(name="Miguel DIAZ"))
    assert rules(flags) == [CollusionRule.SAME_SURNAME]
    assert flags[0].detail == "Customer's name Miguel DIAZ shares the agent's surname Díaz."


def test_a_two_word_surname_inside_a_longer_name_is_flagged():
    agent = Party(name="Ana García López", surname="García López")
    customer = Party(name="María José García López")
    assert rules(contact_match_flags(agent=agent, customer=customer)) == [CollusionRule.SAME_SURNAME]


def test_the_surname_as_a_first_name_or_part_of_a_word_is_not_flagged():
    assert contact_match_flags(agent=ROSA, customer=Party(name="Diaz Johnson")) == []
    assert contact_match_flags(agent=ROSA, customer=Party(name="Paul Diazepam")) == []


def test_the_same_address_with_other_punctuation_and_case_is_flagged():
    customer = Party(name="Tom Baker", address="flat 2 14 baker street\nLONDON  NW1 6XE")
    flags = contact_match_flags(agent=ROSA, customer=customer)
    assert rules(flags) == [CollusionRule.SAME_ADDRESS]
    assert "flat 2 14 baker street LONDON NW1 6XE" in flags[0].detail


def test_a_neighbours_address_is_not_flagged():
    customer = Party(name="Tom Baker", address="Flat 3, 14 Baker Street, London NW1 6XE")
    assert contact_match_flags(agent=ROSA, customer=customer) == []
    assert normalize_address("  Flat 3,\t14 Baker St.  ") == "flat 3 14 baker st"


def test_empty_details_never_match_each_other():
    assert contact_match_flags(agent=Party(), customer=Party()) == []


# -- repeated grants ----------------------------------------------------------------------------------


def test_the_third_request_for_one_customer_within_the_window_is_flagged():
    earlier = [NOW - dt.timedelta(days=80), NOW - dt.timedelta(days=5)]
    flags = repeated_grants_flags(earlier_request_times=earlier, now=NOW, count=3, days=90)
    assert rules(flags) == [CollusionRule.REPEATED_GRANTS]
    assert flags[0].detail == "This agent's request number 3 for this customer within 90 days (flagged from 3)."


def test_requests_older_than_the_window_do_not_count():
    earlier = [NOW - dt.timedelta(days=91), NOW - dt.timedelta(days=5)]
    assert repeated_grants_flags(earlier_request_times=earlier, now=NOW, count=3, days=90) == []


# -- just under the threshold -------------------------------------------------------------------------


def test_a_third_amount_just_under_the_limit_within_30_days_is_flagged():
    flags = near_threshold_flags(
        amount=Decimal("49.00"),
        earlier_amounts=[Decimal("45.00"), Decimal("50.00"), Decimal("12.00")],
        limit=Decimal("50"),
        ratio=Decimal("0.90"),
        count=3,
        days=30,
        currency="USD",
    )
    assert rules(flags) == [CollusionRule.NEAR_THRESHOLD]
    assert flags[0].detail == (
        "3 requests by this agent within 30 days were just under the limit of 50 USD (between 45.00 and 50)."
    )


def test_amounts_below_the_band_or_over_the_limit_are_not_just_under():
    common = dict(limit=Decimal("50"), ratio=Decimal("0.90"), count=3, days=30, currency="USD")
    assert near_threshold_flags(amount=Decimal("44.99"), earlier_amounts=[Decimal("49"), Decimal("48")], **common) == []
    assert near_threshold_flags(amount=Decimal("49"), earlier_amounts=[Decimal("44.99"), Decimal("60")], **common) == []


# -- praise after a grant -----------------------------------------------------------------------------

GRANTED = dt.datetime(2026, 11, 10, 12, 0, tzinfo=dt.UTC)
NAMES = agent_names(first_name="Rosa", last_name="Díaz", handles=["rosa_d"])


def praise(days, text, is_praise=True):
    return Post(posted_at=GRANTED + dt.timedelta(days=days), text=text, is_praise=is_praise)


def test_praise_naming_the_agent_within_the_window_is_flagged_with_the_post():
    posts = [praise(3, "Huge thanks to Rosa Diaz at @AcmeSupport, best service ever!")]
    flags = praise_after_grant_flags(granted_at=GRANTED, posts=posts, names=NAMES, window_days=7)
    assert rules(flags) == [CollusionRule.PRAISE_AFTER_GRANT]
    assert "3 day(s) after a grant of 2026-11-10" in flags[0].detail
    assert "Huge thanks to Rosa Diaz" in flags[0].detail


def test_praise_by_first_name_or_handle_counts():
    for text in ("rosa sorted it all out, love @AcmeSupport", "shoutout to @rosa_d for the refund"):
        assert praise_after_grant_flags(granted_at=GRANTED, posts=[praise(1, text)], names=NAMES, window_days=7)


def test_praise_not_naming_the_agent_is_not_flagged():
    posts = [praise(2, "@AcmeSupport you guys rock, parcel finally here")]
    assert praise_after_grant_flags(granted_at=GRANTED, posts=posts, names=NAMES, window_days=7) == []


def test_a_name_as_part_of_another_word_is_not_naming_the_agent():
    posts = [praise(2, "Sent roses to the rosarium, thanks @AcmeSupport")]
    assert praise_after_grant_flags(granted_at=GRANTED, posts=posts, names=NAMES, window_days=7) == []


def test_praise_after_the_window_or_before_the_grant_is_not_flagged():
    posts = [praise(8, "Thank you Rosa Díaz!"), praise(-1, "Thank you Rosa Díaz!")]
    assert praise_after_grant_flags(granted_at=GRANTED, posts=posts, names=NAMES, window_days=7) == []


def test_a_complaint_naming_the_agent_is_not_praise():
    posts = [praise(1, "Rosa Díaz promised a refund and nothing happened", is_praise=False)]
    assert praise_after_grant_flags(granted_at=GRANTED, posts=posts, names=NAMES, window_days=7) == []


def test_a_two_letter_first_name_alone_does_not_name_the_agent():
    names = agent_names(first_name="Al", last_name="Stone")
    posts = [praise(1, "al good now, thanks team")]
    assert praise_after_grant_flags(granted_at=GRANTED, posts=posts, names=names, window_days=7) == []
    assert praise_after_grant_flags(
        granted_at=GRANTED, posts=[praise(1, "Thanks Al Stone!")], names=names, window_days=7
    )
