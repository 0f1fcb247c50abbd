"""Database constraints, validators and helpers of the case domain models.

Each CheckConstraint and UniqueConstraint in Meta.constraints gets a test
that the database itself refuses a violating row: writes go through save()
or QuerySet.update(), which skip full_clean(), so what is pinned here is
the schema, not the forms. Tests that pin a constraint say so with
@pins(name); the last test of the module fails when a model declares a
constraint that no test pins (or a test pins one that no longer exists).

Also pinned: SLAPolicy.clean(), the time-zone, shortcut and tag-colour
checks, the small helpers on the models, influence_tier_for() and
cases.services.customer_refresh_influence().
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from cases.choices import (
    CaseEventKind,
    CaseStatus,
    ChannelKind,
    ClockState,
    ClockStop,
    CustomerTier,
    EngagementType,
    EscalationAction,
    InfluenceTier,
    Intent,
    NotificationKind,
    Priority,
    SentimentLabel,
    SLATarget,
    influence_tier_for,
)
from cases.models import (
    AgentProfile,
    BusinessCalendar,
    Case,
    CaseEvent,
    Customer,
    OpeningInterval,
    SLAPolicy,
    Tag,
)
from cases.models.calendars import validate_time_zone
from cases.models.teams import validate_shortcut
from cases.services import customer_refresh_influence
from tests.constraints import (
    ConstraintPins,
    assert_every_enum_value_accepted,
    assert_unknown_enum_value_refused,
    refetch,
    refused,
)
from tests.factories import (
    AgentProfileFactory,
    BusinessCalendarFactory,
    CannedResponseFactory,
    CannedResponseVariantFactory,
    CaseEventFactory,
    CaseFactory,
    CustomerFactory,
    HolidayFactory,
    NotificationFactory,
    OpeningIntervalFactory,
    SLAClockFactory,
    SLAPolicyFactory,
    SocialProfileFactory,
    TagFactory,
    TeamFactory,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

pins = ConstraintPins()


# --- Enum columns -----------------------------------------------------------

# (row maker, column, enum, CHECK constraint). Cases carry resolved_at and
# closed_at so that every status, done ones included, is a valid row.
ENUM_COLUMNS = [
    pytest.param(CustomerFactory, "tier", CustomerTier, "customer_tier_valid", id="customer.tier"),
    pytest.param(CustomerFactory, "influence", InfluenceTier, "customer_influence_valid", id="customer.influence"),
    pytest.param(
        lambda: CaseFactory(resolved_at=T0, closed_at=T0), "status", CaseStatus, "case_status_valid", id="case.status"
    ),
    pytest.param(CaseFactory, "priority", Priority, "case_priority_valid", id="case.priority"),
    pytest.param(CaseFactory, "priority_hold", Priority, "case_priority_hold_valid", id="case.priority_hold"),
    pytest.param(CaseFactory, "priority_floor", Priority, "case_priority_floor_valid", id="case.priority_floor"),
    pytest.param(
        CaseFactory, "engagement_type", EngagementType, "case_engagement_type_valid", id="case.engagement_type"
    ),
    pytest.param(CaseFactory, "intent", Intent, "case_intent_valid", id="case.intent"),
    pytest.param(
        CaseFactory, "sentiment_label", SentimentLabel, "case_sentiment_label_valid", id="case.sentiment_label"
    ),
    pytest.param(CaseEventFactory, "kind", CaseEventKind, "case_event_kind_valid", id="case_event.kind"),
    pytest.param(
        SLAPolicyFactory,
        "escalation_action",
        EscalationAction,
        "sla_escalation_action_valid",
        id="sla_policy.escalation_action",
    ),
    pytest.param(
        CannedResponseVariantFactory,
        "channel_kind",
        ChannelKind,
        "canned_variant_kind_valid",
        id="canned_variant.channel_kind",
    ),
    pytest.param(SLAClockFactory, "target", SLATarget, "sla_clock_target_valid", id="sla_clock.target"),
    pytest.param(
        lambda: SLAClockFactory(stopped_at=T0), "state", ClockState, "sla_clock_state_valid", id="sla_clock.state"
    ),
    pytest.param(SLAClockFactory, "stop_reason", ClockStop, "sla_clock_stop_reason_valid", id="sla_clock.stop_reason"),
    pytest.param(NotificationFactory, "kind", NotificationKind, "notification_kind_valid", id="notification.kind"),
]


@pins(*(param.values[3] for param in ENUM_COLUMNS))
@pytest.mark.django_db
@pytest.mark.parametrize(("make_row", "column", "enum", "constraint"), ENUM_COLUMNS)
def test_unknown_enum_value_is_refused_by_the_database(make_row, column, enum, constraint):
    assert_unknown_enum_value_refused(make_row, column, constraint)


@pytest.mark.django_db
@pytest.mark.parametrize(("make_row", "column", "enum", "constraint"), ENUM_COLUMNS)
def test_every_enum_value_is_accepted_by_the_database(make_row, column, enum, constraint):
    assert_every_enum_value_accepted(make_row, column, enum)


# --- Customer ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("churn_risk", [0.0, 0.5, 1.0])
def test_customer_churn_risk_from_0_to_1_is_accepted(churn_risk):
    customer = CustomerFactory(churn_risk=churn_risk)

    assert refetch(customer).churn_risk == churn_risk


@pins("customer_churn_risk_0_1")
@pytest.mark.django_db
@pytest.mark.parametrize("churn_risk", [-0.01, 1.01])
def test_customer_churn_risk_outside_0_1_is_refused(churn_risk):
    with refused("customer_churn_risk_0_1"):
        CustomerFactory(churn_risk=churn_risk)


@pins("customer_not_merged_into_self")
@pytest.mark.django_db
def test_customer_merged_into_itself_is_refused():
    customer = CustomerFactory()

    with refused("customer_not_merged_into_self"):
        Customer.objects.filter(pk=customer.pk).update(merged_into=F("pk"))


@pytest.mark.django_db
def test_customer_merged_into_another_customer_is_accepted():
    survivor = CustomerFactory()
    duplicate = CustomerFactory(merged_into=survivor)

    assert refetch(duplicate).merged_into == survivor


# --- Case -------------------------------------------------------------------


@pins("case_priority_score_nonneg")
@pytest.mark.django_db
def test_case_negative_priority_score_is_refused_and_zero_accepted():
    case = CaseFactory(priority_score=0.0)
    assert refetch(case).priority_score == 0.0

    with refused("case_priority_score_nonneg"):
        Case.objects.filter(pk=case.pk).update(priority_score=-0.01)


SENTIMENT_COLUMNS = [
    pytest.param("sentiment_start", "case_sentiment_start_range", id="start"),
    pytest.param("sentiment_latest", "case_sentiment_latest_range", id="latest"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("column", "constraint"), SENTIMENT_COLUMNS)
def test_case_sentiment_from_minus_1_to_1_or_null_is_accepted(column, constraint):
    case = CaseFactory()

    for polarity in (-1.0, 0.0, 1.0, None):
        Case.objects.filter(pk=case.pk).update(**{column: polarity})
        assert getattr(refetch(case), column) == polarity


@pins(*(param.values[1] for param in SENTIMENT_COLUMNS))
@pytest.mark.django_db
@pytest.mark.parametrize(("column", "constraint"), SENTIMENT_COLUMNS)
@pytest.mark.parametrize("polarity", [-1.01, 1.01])
def test_case_sentiment_outside_minus_1_to_1_is_refused(column, constraint, polarity):
    case = CaseFactory()

    with refused(constraint):
        Case.objects.filter(pk=case.pk).update(**{column: polarity})


@pins("case_done_has_resolved_at")
@pytest.mark.django_db
@pytest.mark.parametrize("status", [CaseStatus.RESOLVED, CaseStatus.CLOSED])
def test_case_resolved_or_closed_without_resolved_at_is_refused(status):
    with refused("case_done_has_resolved_at"):
        CaseFactory(status=status, resolved_at=None, closed_at=T0)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING, CaseStatus.ON_HOLD])
def test_case_open_without_resolved_at_is_accepted(status):
    case = CaseFactory(status=status, resolved_at=None)

    assert refetch(case).status == status


@pytest.mark.django_db
def test_case_resolved_with_resolved_at_and_no_closed_at_is_accepted():
    case = CaseFactory(status=CaseStatus.RESOLVED, resolved_at=T0, closed_at=None)

    assert refetch(case).status == CaseStatus.RESOLVED


@pins("case_closed_has_closed_at")
@pytest.mark.django_db
def test_case_closed_without_closed_at_is_refused():
    with refused("case_closed_has_closed_at"):
        CaseFactory(status=CaseStatus.CLOSED, resolved_at=T0, closed_at=None)


@pins("case_response_after_first_message")
@pytest.mark.django_db
def test_case_first_response_before_first_message_is_refused():
    with refused("case_response_after_first_message"):
        CaseFactory(first_message_at=T0, first_responded_at=T0 - dt.timedelta(seconds=1))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first_message_at", "first_responded_at"),
    [
        pytest.param(T0, T0, id="same-instant"),
        pytest.param(T0, T0 + dt.timedelta(minutes=5), id="after"),
        pytest.param(None, T0, id="no-first-message"),
        pytest.param(T0, None, id="not-responded-yet"),
    ],
)
def test_case_first_response_at_or_after_first_message_or_unknown_is_accepted(first_message_at, first_responded_at):
    case = CaseFactory(first_message_at=first_message_at, first_responded_at=first_responded_at)

    assert refetch(case).first_responded_at == first_responded_at


@pins("case_not_merged_into_self")
@pytest.mark.django_db
def test_case_merged_into_itself_is_refused():
    case = CaseFactory()

    with refused("case_not_merged_into_self"):
        Case.objects.filter(pk=case.pk).update(merged_into=F("pk"))


@pytest.mark.django_db
def test_case_merged_into_another_case_is_accepted():
    survivor = CaseFactory()
    duplicate = CaseFactory(customer=survivor.customer, merged_into=survivor)

    assert refetch(duplicate).merged_into == survivor


@pytest.mark.django_db
def test_case_reference_is_sc_dash_its_id():
    case = CaseFactory(subject="Refund not received")

    assert case.reference == f"SC-{case.pk}"
    assert str(case) == f"SC-{case.pk} Refund not received"


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        (CaseStatus.NEW, True),
        (CaseStatus.OPEN, True),
        (CaseStatus.PENDING, True),
        (CaseStatus.ON_HOLD, True),
        (CaseStatus.RESOLVED, False),
        (CaseStatus.CLOSED, False),
    ],
)
def test_case_is_open_until_resolved_or_closed(status, is_open):
    assert Case(status=status).is_open is is_open


# --- CaseEvent --------------------------------------------------------------


@pins("case_event_dedupe_unique")
@pytest.mark.django_db
def test_case_event_same_dedupe_key_twice_on_one_case_is_refused():
    first = CaseEventFactory(kind=CaseEventKind.SLA_WARNING, dedupe_key="sla_warning:first_response")

    with refused("case_event_dedupe_unique"):
        CaseEventFactory(case=first.case, kind=CaseEventKind.SLA_WARNING, dedupe_key="sla_warning:first_response")


@pytest.mark.django_db
def test_case_event_same_dedupe_key_on_two_cases_is_accepted():
    CaseEventFactory(dedupe_key="sla_warning:first_response")
    CaseEventFactory(dedupe_key="sla_warning:first_response")

    assert CaseEvent.objects.filter(dedupe_key="sla_warning:first_response").count() == 2


@pytest.mark.django_db
def test_case_event_empty_dedupe_keys_on_one_case_are_not_unique():
    case = CaseFactory()

    CaseEvent.objects.bulk_create(
        [CaseEvent(case=case, kind=CaseEventKind.INTERNAL_NOTE, occurred_at=T0, dedupe_key="") for _ in range(3)]
    )

    assert case.events.count() == 3


# --- Calendars --------------------------------------------------------------


@pytest.mark.django_db
def test_opening_interval_weekday_0_to_6_is_accepted():
    calendar = BusinessCalendarFactory()

    OpeningInterval.objects.bulk_create(
        [
            OpeningInterval(calendar=calendar, weekday=day, opens_at=dt.time(9), closes_at=dt.time(17))
            for day in range(7)
        ]
    )

    assert sorted(calendar.opening_intervals.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4, 5, 6]


@pins("opening_interval_weekday_0_6")
@pytest.mark.django_db
def test_opening_interval_weekday_7_is_refused():
    with refused("opening_interval_weekday_0_6"):
        OpeningIntervalFactory(weekday=7)


@pins("opening_interval_unique_start")
@pytest.mark.django_db
def test_opening_interval_two_starting_at_the_same_time_on_one_day_are_refused():
    first = OpeningIntervalFactory(weekday=0, opens_at=dt.time(9), closes_at=dt.time(12))

    with refused("opening_interval_unique_start"):
        OpeningIntervalFactory(calendar=first.calendar, weekday=0, opens_at=dt.time(9), closes_at=dt.time(17))


@pytest.mark.django_db
def test_opening_interval_split_shifts_and_other_days_are_accepted():
    calendar = BusinessCalendarFactory()

    OpeningIntervalFactory(calendar=calendar, weekday=0, opens_at=dt.time(9), closes_at=dt.time(12))
    OpeningIntervalFactory(calendar=calendar, weekday=0, opens_at=dt.time(13), closes_at=dt.time(17))
    OpeningIntervalFactory(calendar=calendar, weekday=1, opens_at=dt.time(9), closes_at=dt.time(12))
    OpeningIntervalFactory(weekday=0, opens_at=dt.time(9), closes_at=dt.time(12))  # another calendar

    assert OpeningInterval.objects.count() == 4


@pytest.mark.parametrize(
    ("opens_at", "closes_at", "crosses"),
    [
        pytest.param(dt.time(9), dt.time(17), False, id="day-shift"),
        pytest.param(dt.time(0), dt.time(23, 59), False, id="whole-day-minus-a-minute"),
        pytest.param(dt.time(22), dt.time(6), True, id="night-shift"),
        pytest.param(dt.time(18), dt.time(0), True, id="until-midnight"),
        pytest.param(dt.time(9), dt.time(9), True, id="closes-when-it-opens"),
    ],
)
def test_opening_interval_crosses_midnight_when_it_closes_at_or_before_it_opens(opens_at, closes_at, crosses):
    assert OpeningInterval(opens_at=opens_at, closes_at=closes_at).crosses_midnight is crosses


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        pytest.param(None, None, id="whole-day"),
        pytest.param(dt.time(13), dt.time(17), id="afternoon"),
        pytest.param(dt.time(0), dt.time(0, 1), id="first-minute"),
    ],
)
def test_holiday_whole_day_or_part_ending_after_it_starts_is_accepted(starts_at, ends_at):
    holiday = HolidayFactory(starts_at=starts_at, ends_at=ends_at)

    assert refetch(holiday).is_whole_day is (starts_at is None)


@pins("holiday_whole_day_or_valid_part")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        pytest.param(dt.time(13), dt.time(13), id="ends-when-it-starts"),
        pytest.param(dt.time(17), dt.time(13), id="ends-before-it-starts"),
        pytest.param(dt.time(13), None, id="start-without-end"),
        pytest.param(None, dt.time(13), id="end-without-start"),
    ],
)
def test_holiday_part_not_ending_after_it_starts_is_refused(starts_at, ends_at):
    with refused("holiday_whole_day_or_valid_part"):
        HolidayFactory(starts_at=starts_at, ends_at=ends_at)


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/London", "America/Argentina/Buenos_Aires", "Asia/Kolkata"])
def test_validate_time_zone_accepts_iana_names(time_zone):
    validate_time_zone(time_zone)


@pytest.mark.parametrize("time_zone", ["", "Mars/Olympus_Mons", "europe/london ", "../../etc/passwd", "GMT+25"])
def test_validate_time_zone_refuses_what_is_not_an_iana_name(time_zone):
    with pytest.raises(ValidationError, match="not an IANA time zone"):
        validate_time_zone(time_zone)


@pytest.mark.django_db
def test_business_calendar_full_clean_flags_an_unknown_time_zone():
    calendar = BusinessCalendar(name="Support hours", time_zone="Europe/Atlantis")

    with pytest.raises(ValidationError) as caught:
        calendar.full_clean()

    assert set(caught.value.message_dict) == {"time_zone"}


# --- SLA policies -----------------------------------------------------------


@pins("sla_policy_single_default")
@pytest.mark.django_db
def test_sla_policy_second_default_is_refused():
    SLAPolicyFactory(is_default=True)

    with refused("sla_policy_single_default"):
        SLAPolicyFactory(is_default=True)


@pytest.mark.django_db
def test_sla_policy_many_non_default_policies_beside_one_default_are_accepted():
    SLAPolicyFactory(is_default=True)
    SLAPolicyFactory(is_default=False)
    SLAPolicyFactory(is_default=False)

    assert SLAPolicy.objects.filter(is_default=True).count() == 1
    assert SLAPolicy.objects.count() == 3


SLA_TARGET_COLUMNS = [
    pytest.param("first_response_minutes", "sla_first_response_positive", id="first_response"),
    pytest.param("next_response_minutes", "sla_next_response_positive", id="next_response"),
    pytest.param("resolution_minutes", "sla_resolution_positive", id="resolution"),
]


@pins(*(param.values[1] for param in SLA_TARGET_COLUMNS))
@pytest.mark.django_db
@pytest.mark.parametrize(("column", "constraint"), SLA_TARGET_COLUMNS)
def test_sla_policy_zero_minute_target_is_refused(column, constraint):
    policy = SLAPolicyFactory()

    with refused(constraint):
        SLAPolicy.objects.filter(pk=policy.pk).update(**{column: 0})


@pytest.mark.django_db
@pytest.mark.parametrize(("column", "constraint"), SLA_TARGET_COLUMNS)
def test_sla_policy_one_minute_or_empty_target_is_accepted(column, constraint):
    policy = SLAPolicyFactory()

    for minutes in (1, None):
        SLAPolicy.objects.filter(pk=policy.pk).update(**{column: minutes})
        assert getattr(refetch(policy), column) == minutes


@pytest.mark.django_db
@pytest.mark.parametrize("ratio", [0.0, 0.8, 1.0])
def test_sla_policy_warning_ratio_from_0_to_1_is_accepted(ratio):
    policy = SLAPolicyFactory(warning_ratio=ratio)

    assert refetch(policy).warning_ratio == ratio


@pins("sla_warning_ratio_0_1")
@pytest.mark.django_db
@pytest.mark.parametrize("ratio", [-0.01, 1.01])
def test_sla_policy_warning_ratio_outside_0_1_is_refused(ratio):
    with refused("sla_warning_ratio_0_1"):
        SLAPolicyFactory(warning_ratio=ratio)


def test_sla_policy_clean_accepts_known_conditions_and_consistent_targets():
    policy = SLAPolicy(
        name="VIP complaints on X",
        priorities=[Priority.HIGH, Priority.URGENT],
        channel_kinds=[ChannelKind.X],
        customer_tiers=[CustomerTier.VIP],
        engagement_types=[EngagementType.REACTIVE],
        first_response_minutes=30,
        resolution_minutes=30,
    )

    policy.clean()


@pytest.mark.parametrize(
    ("condition", "values", "label"),
    [
        ("priorities", ["high", "critical"], "priorities: critical"),
        ("channel_kinds", ["x", "tiktok"], "channel kinds: tiktok"),
        ("customer_tiers", ["gold"], "customer tiers: gold"),
        ("engagement_types", ["viral"], "engagement types: viral"),
    ],
)
def test_sla_policy_clean_refuses_unknown_enum_value_in_a_condition(condition, values, label):
    policy = SLAPolicy(name="Typo", **{condition: values})

    with pytest.raises(ValidationError, match=f"Unknown {label}"):
        policy.clean()


def test_sla_policy_clean_refuses_a_condition_that_is_not_a_list():
    policy = SLAPolicy(name="Typo", priorities="high")

    with pytest.raises(ValidationError, match="priorities must be a list"):
        policy.clean()


def test_sla_policy_clean_refuses_a_condition_holding_something_other_than_strings():
    policy = SLAPolicy(name="Typo", priorities=[["high"]])

    with pytest.raises(ValidationError):
        policy.clean()


def test_sla_policy_clean_refuses_resolution_shorter_than_first_response():
    policy = SLAPolicy(name="Backwards", first_response_minutes=60, resolution_minutes=59)

    with pytest.raises(ValidationError, match="resolution target cannot be shorter"):
        policy.clean()


def test_sla_policy_clean_refuses_reassign_to_team_without_a_team():
    policy = SLAPolicy(name="Escalate", escalation_action=EscalationAction.REASSIGN_TO_TEAM)

    with pytest.raises(ValidationError) as caught:
        policy.clean()

    assert set(caught.value.message_dict) == {"escalation_team"}


@pytest.mark.django_db
def test_sla_policy_clean_accepts_reassign_to_team_with_a_team():
    policy = SLAPolicy(
        name="Escalate", escalation_action=EscalationAction.REASSIGN_TO_TEAM, escalation_team=TeamFactory()
    )

    policy.clean()


# --- Teams, agents, tags, canned responses -----------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("capacity", [0, 500])
def test_agent_capacity_from_0_to_500_is_accepted(capacity):
    agent = AgentProfileFactory(capacity=capacity)

    assert refetch(agent).capacity == capacity


@pins("agent_capacity_0_500")
@pytest.mark.django_db
def test_agent_capacity_over_500_is_refused():
    agent = AgentProfileFactory()

    with refused("agent_capacity_0_500"):
        AgentProfile.objects.filter(pk=agent.pk).update(capacity=501)


@pytest.mark.django_db
@pytest.mark.parametrize("color", ["#dc2626", "#ABCDEF", "#000000"])
def test_tag_hex_colour_is_accepted(color):
    tag = TagFactory(color=color)

    refetch(tag).full_clean()
    assert refetch(tag).color == color


@pins("tag_color_hex")
@pytest.mark.django_db
@pytest.mark.parametrize("color", ["red", "dc2626", "#dc262", "dc26261", "#gggggg", "#DC 626"])
def test_tag_colour_that_is_not_hex_is_refused(color):
    with refused("tag_color_hex"):
        TagFactory(color=color)


@pytest.mark.django_db
def test_tag_full_clean_flags_a_colour_that_is_not_hex():
    # Django validates CHECK constraints in full_clean(), so forms and admin
    # show the error instead of failing on save.
    tag = Tag(name="billing", color="red")

    with pytest.raises(ValidationError, match="tag_color_hex"):
        tag.full_clean()


@pytest.mark.parametrize("shortcut", ["refund-delay", "a", "x_1", "9lives"])
def test_validate_shortcut_accepts_lower_case_slugs(shortcut):
    validate_shortcut(shortcut)


@pytest.mark.parametrize(
    "shortcut", ["", "Refund", "-refund", "_refund", "refund delay", "refund/delay", "/refund", "réfund"]
)
def test_validate_shortcut_refuses_anything_else(shortcut):
    with pytest.raises(ValidationError, match="lower-case letters"):
        validate_shortcut(shortcut)


def test_validate_shortcut_refuses_a_trailing_newline():
    with pytest.raises(ValidationError):
        validate_shortcut("refund\n")


@pins("canned_variant_unique_kind")
@pytest.mark.django_db
def test_canned_response_second_variant_for_one_channel_kind_is_refused():
    variant = CannedResponseVariantFactory(channel_kind=ChannelKind.X)

    with refused("canned_variant_unique_kind"):
        CannedResponseVariantFactory(response=variant.response, channel_kind=ChannelKind.X)


@pytest.mark.django_db
def test_canned_response_variants_for_different_channel_kinds_are_accepted():
    response = CannedResponseFactory()

    CannedResponseVariantFactory(response=response, channel_kind=ChannelKind.X)
    CannedResponseVariantFactory(response=response, channel_kind=ChannelKind.FACEBOOK)

    assert response.variants.count() == 2


@pytest.mark.django_db
def test_canned_response_body_for_picks_the_channel_variant_else_the_default_body():
    response = CannedResponseFactory(body="Default wording")
    CannedResponseVariantFactory(response=response, channel_kind=ChannelKind.X, body="Short wording for X")

    assert response.body_for(ChannelKind.X) == "Short wording for X"
    assert response.body_for(ChannelKind.EMAIL) == "Default wording"


@pytest.mark.django_db
def test_canned_response_body_for_reads_prefetched_variants_without_queries(django_assert_num_queries):
    response = CannedResponseFactory(body="Default wording")
    CannedResponseVariantFactory(response=response, channel_kind=ChannelKind.FACEBOOK, body="Facebook wording")
    response = type(response).objects.prefetch_related("variants").get(pk=response.pk)

    with django_assert_num_queries(0):
        assert response.body_for(ChannelKind.FACEBOOK) == "Facebook wording"
        assert response.body_for(ChannelKind.X) == "Default wording"


# --- Influence ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (0, InfluenceTier.LOW),
        (999, InfluenceTier.LOW),
        (1_000, InfluenceTier.MEDIUM),
        (9_999, InfluenceTier.MEDIUM),
        (10_000, InfluenceTier.HIGH),
        (99_999, InfluenceTier.HIGH),
        (100_000, InfluenceTier.TOP),
        (250_000_000, InfluenceTier.TOP),
    ],
)
def test_influence_tier_for_follower_count_boundaries(followers, tier):
    assert influence_tier_for(followers) == tier


@pytest.mark.django_db
def test_customer_refresh_influence_uses_the_largest_follower_count_of_the_customer_profiles():
    # Given a customer with three profiles and another customer's bigger one
    customer = CustomerFactory()
    for followers in (500, 15_000, 120):
        SocialProfileFactory(customer=customer, followers_count=followers)
    SocialProfileFactory(followers_count=2_000_000)

    # When their influence is refreshed
    returned = customer_refresh_influence(customer_id=customer.pk)

    # Then the stored reach comes from their own largest profile only
    assert returned == customer
    customer.refresh_from_db()
    assert (customer.max_followers, customer.influence) == (15_000, InfluenceTier.HIGH)


@pytest.mark.django_db
def test_customer_refresh_influence_lowers_the_tier_when_the_profiles_are_gone():
    customer = CustomerFactory(max_followers=150_000, influence=InfluenceTier.TOP)

    customer_refresh_influence(customer_id=customer.pk)

    customer.refresh_from_db()
    assert (customer.max_followers, customer.influence) == (0, InfluenceTier.LOW)


@pytest.mark.django_db
def test_customer_refresh_influence_returns_none_for_a_missing_customer():
    assert customer_refresh_influence(customer_id=987_654_321) is None


@pytest.mark.django_db
def test_customer_refresh_influence_twice_changes_nothing_the_second_time():
    # Given a customer whose influence was refreshed once
    customer = CustomerFactory()
    SocialProfileFactory(customer=customer, followers_count=100_000)
    customer_refresh_influence(customer_id=customer.pk)
    after_first = refetch(customer)

    # When it runs again
    with CaptureQueriesContext(connection) as queries:
        customer_refresh_influence(customer_id=customer.pk)

    # Then it writes nothing and the row is as the first run left it
    assert not [query for query in queries if query["sql"].lstrip().upper().startswith("UPDATE")]
    after_second = refetch(customer)
    assert (after_second.max_followers, after_second.influence) == (100_000, InfluenceTier.TOP)
    assert after_second.updated_at == after_first.updated_at


# --- Every constraint is pinned -------------------------------------------------


# --- SLA clocks and notifications --------------------------------------------


@pins("sla_clock_unique_cycle")
@pytest.mark.django_db
def test_sla_clock_same_target_and_cycle_twice_on_one_case_is_refused():
    clock = SLAClockFactory(target=SLATarget.NEXT_RESPONSE, cycle=2)

    with refused("sla_clock_unique_cycle"):
        SLAClockFactory(case=clock.case, target=SLATarget.NEXT_RESPONSE, cycle=2)
    SLAClockFactory(case=clock.case, target=SLATarget.NEXT_RESPONSE, cycle=3)


@pins("sla_clock_stopped_has_time")
@pytest.mark.django_db
def test_sla_clock_stopped_without_a_stop_time_is_refused():
    with refused("sla_clock_stopped_has_time"):
        SLAClockFactory(state=ClockState.STOPPED, stopped_at=None)


@pins("sla_clock_minutes_nonneg")
@pytest.mark.django_db
def test_sla_clock_negative_business_minutes_are_refused():
    SLAClockFactory(business_minutes=0.0)

    with refused("sla_clock_minutes_nonneg"):
        SLAClockFactory(business_minutes=-1.5)


@pins("notification_dedupe_unique")
@pytest.mark.django_db
def test_notification_same_key_twice_for_one_recipient_is_refused():
    first = NotificationFactory(dedupe_key="case:7:resolution:1:breach")
    NotificationFactory(dedupe_key="case:7:resolution:1:breach")  # another recipient

    with refused("notification_dedupe_unique"):
        NotificationFactory(recipient=first.recipient, dedupe_key="case:7:resolution:1:breach")


def test_every_constraint_of_the_cases_models_is_pinned_by_a_test():
    pins.assert_cover("cases")


# --- PriorityWeightSet (appended after the cover test: pins register at import) ---

from tests.factories import PriorityWeightSetFactory  # noqa: E402


@pins("priority_weights_one_active")
@pytest.mark.django_db
def test_priority_weight_sets_second_active_set_is_refused():
    PriorityWeightSetFactory(is_active=True)
    PriorityWeightSetFactory(is_active=False)

    with refused("priority_weights_one_active"):
        PriorityWeightSetFactory(is_active=True)


@pins("priority_weights_nonneg")
@pytest.mark.django_db
def test_priority_weight_sets_negative_weight_is_refused():
    with refused("priority_weights_nonneg"):
        PriorityWeightSetFactory(tier_vip=-1.0)


@pins("priority_weights_ordered")
@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"high_at": 70.0},
        {"normal_at": 45.0},
        {"very_viral_velocity": 10.0},
        {"negative_label_floor": 1.5},
        {"waiting_minutes_per_point": 0.0},
    ],
)
def test_priority_weight_sets_thresholds_out_of_order_are_refused(fields):
    with refused("priority_weights_ordered"):
        PriorityWeightSetFactory(**fields)
