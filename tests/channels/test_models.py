"""Database constraints, validators and helpers of the channels_app models.

Each CheckConstraint and UniqueConstraint in Meta.constraints gets a test
that the database itself refuses a violating row: writes go through save(),
bulk_create() or QuerySet.update(), which skip full_clean(), so what is
pinned here is the schema. Tests that pin a constraint say so with
@pins(name); the last test of the module fails when a model declares a
constraint that no test pins (or a test pins one that no longer exists).

Also pinned: the credential_env and string-list validators,
Channel.credential() and RawEvent.body_text().
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.choices import EngagementType, Intent, SentimentLabel
from channels_app.choices import ChannelKind, Direction, OutboundStatus, RawEventStatus
from channels_app.models import (
    OutboundMessage,
    RawEvent,
    SocialPost,
    SocialProfile,
    validate_credential_env,
    validate_string_list,
)
from tests.constraints import (
    ConstraintPins,
    assert_every_enum_value_accepted,
    assert_unknown_enum_value_refused,
    refetch,
    refused,
)
from tests.factories import (
    ChannelFactory,
    OutboundMessageFactory,
    RawEventFactory,
    SocialPostFactory,
    SocialProfileFactory,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

pins = ConstraintPins()


# --- Enum columns -----------------------------------------------------------

# (row maker, column, enum, CHECK constraint). Raw events carry processed_at
# and outbound messages external_id and sent_at so that every status is a
# valid row.
ENUM_COLUMNS = [
    pytest.param(ChannelFactory, "kind", ChannelKind, "channel_kind_valid", id="channel.kind"),
    pytest.param(SocialProfileFactory, "kind", ChannelKind, "profile_kind_valid", id="profile.kind"),
    pytest.param(SocialPostFactory, "direction", Direction, "post_direction_valid", id="post.direction"),
    pytest.param(
        SocialPostFactory, "engagement_type", EngagementType, "post_engagement_type_valid", id="post.engagement_type"
    ),
    pytest.param(SocialPostFactory, "intent", Intent, "post_intent_valid", id="post.intent"),
    pytest.param(
        SocialPostFactory, "sentiment_label", SentimentLabel, "post_sentiment_label_valid", id="post.sentiment_label"
    ),
    pytest.param(
        lambda: RawEventFactory(processed_at=T0), "status", RawEventStatus, "raw_event_status_valid", id="raw.status"
    ),
    pytest.param(
        lambda: OutboundMessageFactory(external_id="1852017720541925999", sent_at=T0),
        "status",
        OutboundStatus,
        "outbound_status_valid",
        id="outbound.status",
    ),
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


# --- Channel ------------------------------------------------------------------


@pytest.mark.django_db
def test_channel_poll_interval_of_10_seconds_is_accepted():
    channel = ChannelFactory(poll_interval_seconds=10)

    assert refetch(channel).poll_interval_seconds == 10


@pins("channel_poll_interval_min")
@pytest.mark.django_db
def test_channel_poll_interval_under_10_seconds_is_refused():
    with refused("channel_poll_interval_min"):
        ChannelFactory(poll_interval_seconds=9)


@pytest.mark.parametrize(
    "credential_env", [{}, {"bearer_token": "ACME_X_BEARER"}, {"app_secret": "_FB_SECRET", "page_token": "FB_PAGE_2"}]
)
def test_validate_credential_env_accepts_names_of_environment_variables(credential_env):
    validate_credential_env(credential_env)


@pytest.mark.parametrize(
    "env_name",
    [
        pytest.param("sk-abc123", id="api-key"),
        pytest.param("acme_x_bearer", id="lower-case"),
        pytest.param("1X_BEARER", id="leading-digit"),
        pytest.param("X BEARER", id="space"),
        pytest.param("", id="empty"),
        pytest.param(123, id="number"),
        pytest.param(None, id="null"),
    ],
)
def test_validate_credential_env_refuses_a_value_that_is_not_a_variable_name(env_name):
    with pytest.raises(ValidationError, match="'bearer_token' must name an environment variable"):
        validate_credential_env({"bearer_token": env_name})


@pytest.mark.parametrize("credential_env", [["ACME_X_BEARER"], "ACME_X_BEARER", None])
def test_validate_credential_env_refuses_what_is_not_an_object(credential_env):
    with pytest.raises(ValidationError, match="Enter an object"):
        validate_credential_env(credential_env)


def test_validate_credential_env_refuses_a_trailing_newline():
    with pytest.raises(ValidationError):
        validate_credential_env({"bearer_token": "ACME_X_BEARER\n"})


@pytest.mark.django_db
def test_channel_full_clean_flags_a_secret_pasted_into_credential_env():
    channel = ChannelFactory.build(credential_env={"bearer_token": "sk-abc123"})

    with pytest.raises(ValidationError) as caught:
        channel.full_clean()

    assert set(caught.value.message_dict) == {"credential_env"}
    assert "sk-abc123" not in str(caught.value)


@pytest.mark.parametrize("handles", [[], ["@AcmeSupport", "@Acme"], ["support@acme.example"]])
def test_validate_string_list_accepts_lists_of_non_empty_strings(handles):
    validate_string_list(handles)


@pytest.mark.parametrize("handles", ["@AcmeSupport", [""], ["  "], ["@Acme", None], [42], {"x": "@Acme"}, None])
def test_validate_string_list_refuses_anything_else(handles):
    with pytest.raises(ValidationError, match="list of non-empty strings"):
        validate_string_list(handles)


def test_channel_credential_reads_the_named_environment_variable_at_call_time(monkeypatch):
    # Given a channel naming the variable that holds its bearer token
    channel = ChannelFactory.build(credential_env={"bearer_token": "ACME_X_BEARER"})
    monkeypatch.setenv("ACME_X_BEARER", "first-token")
    assert channel.credential("bearer_token") == "first-token"

    # When the secret is rotated in the environment
    monkeypatch.setenv("ACME_X_BEARER", "rotated-token")

    # Then the next call reads the new value
    assert channel.credential("bearer_token") == "rotated-token"


def test_channel_credential_is_none_when_the_named_variable_is_unset(monkeypatch):
    monkeypatch.delenv("ACME_X_BEARER", raising=False)
    channel = ChannelFactory.build(credential_env={"bearer_token": "ACME_X_BEARER"})

    assert channel.credential("bearer_token") is None


def test_channel_credential_is_none_for_a_credential_the_channel_does_not_name(monkeypatch):
    monkeypatch.setenv("ACME_X_BEARER", "token")
    channel = ChannelFactory.build(credential_env={"bearer_token": "ACME_X_BEARER"})

    assert channel.credential("app_secret") is None


# --- SocialProfile --------------------------------------------------------------


@pins("profile_unique_external_id_per_kind")
@pytest.mark.django_db
def test_profile_same_external_user_id_twice_on_one_kind_is_refused():
    SocialProfileFactory(kind=ChannelKind.X, external_user_id="2244994945")

    with refused("profile_unique_external_id_per_kind"):
        SocialProfileFactory(kind=ChannelKind.X, external_user_id="2244994945")


@pytest.mark.django_db
def test_profile_same_external_user_id_on_two_kinds_is_accepted():
    SocialProfileFactory(kind=ChannelKind.X, external_user_id="2244994945")
    SocialProfileFactory(kind=ChannelKind.FACEBOOK, external_user_id="2244994945")

    assert SocialProfile.objects.filter(external_user_id="2244994945").count() == 2


@pytest.mark.django_db
def test_profile_negative_follower_count_is_refused():
    profile = SocialProfileFactory()

    # The column's own CHECK (PositiveBigIntegerField), not one of Meta.constraints.
    with refused("followers_count"):
        SocialProfile.objects.filter(pk=profile.pk).update(followers_count=-1)


# --- SocialPost -----------------------------------------------------------------


@pins("post_unique_external_id_per_channel")
@pytest.mark.django_db
def test_post_same_external_id_twice_on_one_channel_is_refused():
    post = SocialPostFactory(external_id="1852017720541925392")

    with refused("post_unique_external_id_per_channel"):
        SocialPostFactory(channel=post.channel, external_id="1852017720541925392")


@pytest.mark.django_db
def test_post_same_external_id_on_two_channels_is_accepted():
    SocialPostFactory(external_id="1852017720541925392")
    SocialPostFactory(external_id="1852017720541925392")

    assert SocialPost.objects.filter(external_id="1852017720541925392").count() == 2


SENTIMENT_COLUMNS = [
    pytest.param("sentiment_polarity", "post_polarity_range", (-1.0, 0.0, 1.0, None), (-1.01, 1.01), id="polarity"),
    pytest.param(
        "sentiment_subjectivity", "post_subjectivity_range", (0.0, 0.5, 1.0, None), (-0.01, 1.01), id="subjectivity"
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("column", "constraint", "accepted", "refused_values"), SENTIMENT_COLUMNS)
def test_post_sentiment_within_its_range_or_null_is_accepted(column, constraint, accepted, refused_values):
    post = SocialPostFactory()

    for value in accepted:
        SocialPost.objects.filter(pk=post.pk).update(**{column: value})
        assert getattr(refetch(post), column) == value


@pins(*(param.values[1] for param in SENTIMENT_COLUMNS))
@pytest.mark.django_db
@pytest.mark.parametrize(("column", "constraint", "accepted", "refused_values"), SENTIMENT_COLUMNS)
def test_post_sentiment_outside_its_range_is_refused(column, constraint, accepted, refused_values):
    post = SocialPostFactory()

    for value in refused_values:
        with refused(constraint):
            SocialPost.objects.filter(pk=post.pk).update(**{column: value})


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["like_count", "share_count"])
def test_post_negative_engagement_count_is_refused(column):
    post = SocialPostFactory()

    # The column's own CHECK (PositiveIntegerField), not one of Meta.constraints.
    with refused(column):
        SocialPost.objects.filter(pk=post.pk).update(**{column: -1})


# --- RawEvent -------------------------------------------------------------------


@pins("raw_event_unique_delivery")
@pytest.mark.django_db
def test_raw_event_same_delivery_id_twice_on_one_channel_is_refused():
    first = RawEventFactory(delivery_id="evt-0001")

    with refused("raw_event_unique_delivery"):
        RawEventFactory(channel=first.channel, delivery_id="evt-0001")


@pytest.mark.django_db
def test_raw_event_same_delivery_id_on_two_channels_is_accepted():
    RawEventFactory(delivery_id="evt-0001")
    RawEventFactory(delivery_id="evt-0001")

    assert RawEvent.objects.filter(delivery_id="evt-0001").count() == 2


@pytest.mark.django_db
def test_raw_event_deliveries_without_an_id_on_one_channel_are_not_unique():
    channel = ChannelFactory()

    RawEvent.objects.bulk_create(
        [RawEvent(channel=channel, source="webhook.generic", delivery_id="", body=b"{}") for _ in range(3)]
    )

    assert channel.raw_events.count() == 3


@pins("raw_event_processed_has_time")
@pytest.mark.django_db
def test_raw_event_processed_without_processed_at_is_refused():
    event = RawEventFactory()

    with refused("raw_event_processed_has_time"):
        RawEvent.objects.filter(pk=event.pk).update(status=RawEventStatus.PROCESSED, processed_at=None)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [RawEventStatus.RECEIVED, RawEventStatus.FAILED, RawEventStatus.DEAD])
def test_raw_event_not_processed_without_processed_at_is_accepted(status):
    event = RawEventFactory(status=status, processed_at=None)

    assert refetch(event).status == status


@pytest.mark.django_db
def test_raw_event_body_text_decodes_the_stored_bytes_and_replaces_invalid_utf8():
    event = RawEventFactory(body="café ".encode() + b"\xff tail")
    event = refetch(event)  # PostgreSQL hands back a memoryview, SQLite bytes

    assert event.body_text() == "café \ufffd tail"
    assert event.body_text(limit=4) == "café"


# --- OutboundMessage --------------------------------------------------------------


@pins("outbound_sent_has_external_id")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("external_id", "sent_at"),
    [
        pytest.param("", T0, id="no-external-id"),
        pytest.param("1852017720541925999", None, id="no-sent-at"),
        pytest.param("", None, id="neither"),
    ],
)
def test_outbound_sent_without_external_id_and_sent_at_is_refused(external_id, sent_at):
    message = OutboundMessageFactory()

    with refused("outbound_sent_has_external_id"):
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=OutboundStatus.SENT, external_id=external_id, sent_at=sent_at
        )


@pytest.mark.django_db
def test_outbound_sent_with_external_id_and_sent_at_is_accepted():
    message = OutboundMessageFactory(status=OutboundStatus.SENT, external_id="1852017720541925999", sent_at=T0)

    assert refetch(message).status == OutboundStatus.SENT


@pytest.mark.django_db
@pytest.mark.parametrize("status", [OutboundStatus.QUEUED, OutboundStatus.SENDING, OutboundStatus.FAILED])
def test_outbound_not_sent_without_external_id_is_accepted(status):
    message = OutboundMessageFactory(status=status, external_id="", sent_at=None)

    assert refetch(message).status == status


@pins("outbound_text_not_empty")
@pytest.mark.django_db
def test_outbound_empty_text_is_refused():
    with refused("outbound_text_not_empty"):
        OutboundMessageFactory(text="")


@pytest.mark.django_db
def test_outbound_same_idempotency_key_twice_is_refused():
    first = OutboundMessageFactory()

    # The field's own unique index, not one of Meta.constraints.
    with refused("idempotency_key"):
        OutboundMessageFactory(case=first.case, idempotency_key=first.idempotency_key)


# --- Every constraint is pinned -------------------------------------------------


def test_every_constraint_of_the_channels_models_is_pinned_by_a_test():
    pins.assert_cover("channels_app")
