"""Database constraints of the kpis models (surveys and daily rollups).

Each CheckConstraint and UniqueConstraint in Meta.constraints gets a test
that the database itself refuses a violating row: writes go through save()
or QuerySet.update(), which skip full_clean(), so what is pinned here is
the schema. Tests that pin a constraint say so with @pins(name); the last
test of the module fails when a model declares a constraint that no test
pins (or a test pins one that no longer exists).
"""

import datetime as dt

import pytest

from kpis.models import (
    ContactCost,
    KpiRollup,
    KpiSettings,
    RollupDimension,
    SatisfactionSurvey,
    SelfServiceResolution,
    SelfServiceSource,
)
from tests.constraints import ConstraintPins, refetch, refused
from tests.factories import KpiRollupFactory, SatisfactionSurveyFactory

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

pins = ConstraintPins()


# --- SatisfactionSurvey -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("score", [1, 3, 5])
def test_survey_answered_with_score_1_to_5_is_accepted(score):
    survey = SatisfactionSurveyFactory(sent_at=T0, answered_at=T0 + dt.timedelta(hours=1), score=score)

    assert refetch(survey).score == score


@pins("survey_score_1_5")
@pytest.mark.django_db
@pytest.mark.parametrize("score", [0, 6])
def test_survey_answered_with_score_outside_1_to_5_is_refused(score):
    with refused("survey_score_1_5"):
        SatisfactionSurveyFactory(sent_at=T0, answered_at=T0 + dt.timedelta(hours=1), score=score)


@pytest.mark.django_db
def test_survey_unanswered_without_score_is_accepted():
    survey = SatisfactionSurveyFactory(answered_at=None, score=None)

    assert refetch(survey).score is None


@pins("survey_score_iff_answered")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answered_at", "score"),
    [
        pytest.param(None, 4, id="score-without-answer-time"),
        pytest.param(T0 + dt.timedelta(hours=1), None, id="answer-time-without-score"),
    ],
)
def test_survey_score_and_answer_time_without_each_other_are_refused(answered_at, score):
    with refused("survey_score_iff_answered"):
        SatisfactionSurveyFactory(sent_at=T0, answered_at=answered_at, score=score)


@pins("survey_answered_after_sent")
@pytest.mark.django_db
def test_survey_answered_before_it_was_sent_is_refused():
    with refused("survey_answered_after_sent"):
        SatisfactionSurveyFactory(sent_at=T0, answered_at=T0 - dt.timedelta(seconds=1), score=5)


@pytest.mark.django_db
def test_survey_answered_the_instant_it_was_sent_is_accepted():
    survey = SatisfactionSurveyFactory(sent_at=T0, answered_at=T0, score=5)

    assert refetch(survey).answered_at == T0


@pytest.mark.django_db
def test_survey_same_token_twice_is_refused():
    first = SatisfactionSurveyFactory(token="signed-token")

    # The field's own unique index, not one of Meta.constraints.
    with refused("token"):
        SatisfactionSurveyFactory(case=first.case, token="signed-token")

    assert SatisfactionSurvey.objects.count() == 1


# --- KpiRollup ----------------------------------------------------------------


@pins("kpi_rollup_unique_point")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("dimension", "dimension_key"),
    [
        pytest.param(RollupDimension.ALL, "", id="all"),
        pytest.param(RollupDimension.CHANNEL, "3", id="channel"),
    ],
)
def test_kpi_rollup_same_point_twice_is_refused(dimension, dimension_key):
    point = {
        "day": dt.date(2026, 11, 1),
        "metric": "csat_share",
        "dimension": dimension,
        "dimension_key": dimension_key,
    }
    KpiRollupFactory(**point, value=0.8)

    with refused("kpi_rollup_unique_point"):
        KpiRollup.objects.bulk_create([KpiRollup(**point, value=0.9)])


@pytest.mark.django_db
def test_kpi_rollup_points_differing_in_one_part_are_accepted():
    day = dt.date(2026, 11, 1)

    KpiRollupFactory(day=day, metric="csat_share")
    KpiRollupFactory(day=day + dt.timedelta(days=1), metric="csat_share")
    KpiRollupFactory(day=day, metric="first_response_minutes_median")
    KpiRollupFactory(day=day, metric="csat_share", dimension=RollupDimension.TEAM, dimension_key="3")
    KpiRollupFactory(day=day, metric="csat_share", dimension=RollupDimension.TEAM, dimension_key="4")
    KpiRollupFactory(day=day, metric="csat_share", dimension=RollupDimension.AGENT, dimension_key="3")

    assert KpiRollup.objects.count() == 6


@pins("kpi_rollup_dimension_valid")
@pytest.mark.django_db
def test_kpi_rollup_unknown_dimension_is_refused():
    rollup = KpiRollupFactory(dimension=RollupDimension.TEAM, dimension_key="3")

    with refused("kpi_rollup_dimension_valid"):
        KpiRollup.objects.filter(pk=rollup.pk).update(dimension="region")


@pytest.mark.django_db
def test_kpi_rollup_every_dimension_is_accepted():
    # A value added to the enum without a migration widening the CHECK fails here.
    for dimension in RollupDimension.values:
        key = "" if dimension == RollupDimension.ALL else "7"
        rollup = KpiRollupFactory(dimension=dimension, dimension_key=key)

        assert refetch(rollup).dimension == dimension


@pins("kpi_rollup_key_matches_dimension")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("dimension", "dimension_key"),
    [
        pytest.param(RollupDimension.ALL, "3", id="all-with-a-key"),
        pytest.param(RollupDimension.CHANNEL, "", id="channel-without-a-key"),
        pytest.param(RollupDimension.TEAM, "", id="team-without-a-key"),
        pytest.param(RollupDimension.AGENT, "", id="agent-without-a-key"),
    ],
)
def test_kpi_rollup_key_not_matching_its_dimension_is_refused(dimension, dimension_key):
    with refused("kpi_rollup_key_matches_dimension"):
        KpiRollupFactory(dimension=dimension, dimension_key=dimension_key)


@pins("survey_delivery_valid")
@pytest.mark.django_db
def test_survey_unknown_delivery_is_refused():
    survey = SatisfactionSurveyFactory()

    with refused("survey_delivery_valid"):
        SatisfactionSurvey.objects.filter(pk=survey.pk).update(delivery="pigeon")


# --- Settings, costs, self-service ----------------------------------------------


@pins("kpi_settings_single_row")
@pytest.mark.django_db
def test_kpi_settings_second_row_is_refused():
    KpiSettings.objects.create(time_zone="Europe/Paris")

    with refused("kpi_settings_single_row"):
        KpiSettings.objects.bulk_create([KpiSettings(pk=2, time_zone="UTC")])


@pytest.mark.django_db
def test_kpi_settings_saved_twice_stays_one_row():
    KpiSettings(time_zone="Europe/Paris").save()
    KpiSettings(time_zone="America/New_York").save()

    assert list(KpiSettings.objects.values_list("pk", "time_zone")) == [(1, "America/New_York")]


def test_kpi_settings_unknown_time_zone_fails_validation():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="IANA"):
        KpiSettings(time_zone="Mars/Olympus_Mons").clean_fields()


@pins("contact_cost_not_negative")
@pytest.mark.django_db
def test_contact_cost_below_zero_is_refused():
    with refused("contact_cost_not_negative"):
        ContactCost.objects.create(channel_kind="phone", cost_per_contact=-1)


@pins("contact_cost_kind_valid")
@pytest.mark.django_db
def test_contact_cost_unknown_channel_kind_is_refused():
    with refused("contact_cost_kind_valid"):
        ContactCost.objects.create(channel_kind="fax", cost_per_contact=3)


@pins("self_service_source_valid")
@pytest.mark.django_db
def test_self_service_unknown_source_is_refused():
    with refused("self_service_source_valid"):
        SelfServiceResolution.objects.create(occurred_at=T0, source="oracle")


@pytest.mark.django_db
def test_self_service_every_source_is_accepted():
    for source in SelfServiceSource.values:
        resolution = SelfServiceResolution.objects.create(occurred_at=T0, source=source)

        assert refetch(resolution).source == source


# --- Every constraint is pinned -------------------------------------------------


def test_every_constraint_of_the_kpis_models_is_pinned_by_a_test():
    pins.assert_cover("kpis")
