"""manage.py generate_data: a seeded, realistic world that the database accepts."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Min

from cases.choices import CaseStatus, Intent
from cases.models import Case, CaseEvent, Customer
from channels_app.datagen import DEFAULT_ANCHOR, Planner, generate_data, sample_followers
from channels_app.datagen.world import world_ensure
from channels_app.datagen.write import next_ids
from channels_app.models import SocialPost
from kpis.models import SatisfactionSurvey

pytestmark = pytest.mark.django_db

FIXED_IDS = {"customer": 1, "profile": 1, "case": 1, "post": 1}


def first_posts(planner: Planner, count: int = 40) -> list[tuple]:
    chunk = planner.chunk(500)
    return [(p.id, p.external_id, p.text, p.posted_at, p.direction, p.case_id) for p in chunk.posts[:count]]


def test_follower_counts_are_heavy_tailed():
    rng = random.Random(7)

    draws = [sample_followers(rng) for _ in range(10_000)]

    assert sum(count < 1000 for count in draws) > 0.85 * len(draws)
    assert any(count > 100_000 for count in draws)
    assert any(10_000 <= count < 100_000 for count in draws)


def test_the_same_seed_plans_the_same_rows_and_another_seed_others():
    world = world_ensure(posts=1000, anchor=DEFAULT_ANCHOR)

    first = first_posts(Planner(world, seed=42, anchor=DEFAULT_ANCHOR, next_ids=FIXED_IDS))
    again = first_posts(Planner(world, seed=42, anchor=DEFAULT_ANCHOR, next_ids=FIXED_IDS))
    other = first_posts(Planner(world, seed=43, anchor=DEFAULT_ANCHOR, next_ids=FIXED_IDS))

    assert first == again
    assert [row[2] for row in first] != [row[2] for row in other]
    assert all(row[3] < DEFAULT_ANCHOR for row in first)


def test_stored_rows_are_the_planned_ones():
    # Given the ids the run will start from (sequences are not rolled back between tests)
    ids = next_ids()
    planned = first_posts(
        Planner(world_ensure(posts=500, anchor=DEFAULT_ANCHOR), seed=9, anchor=DEFAULT_ANCHOR, next_ids=ids)
    )

    # When the command stores a run with that seed
    summary = generate_data(posts=500, seed=9)

    # Then the first stored posts are exactly the planned ones
    stored = list(
        SocialPost.objects.order_by("id").values_list("id", "external_id", "text", "posted_at", "direction", "case_id")[
            : len(planned)
        ]
    )
    assert stored == planned
    assert summary.after["posts"] - summary.before["posts"] == 500


def test_a_small_world_is_realistic_and_satisfies_every_constraint():
    summary = generate_data(posts=2000, seed=3)

    connection.check_constraints()  # foreign keys too (SQLite and PostgreSQL defer them)
    assert SocialPost.objects.count() == 2000
    assert summary.after["customers"] > 300 and summary.after["surveys"] > 0
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(SocialPost.objects.filter(direction="inbound").values_list("intent", flat=True)) == set(Intent.values)
    languages = Counter(SocialPost.objects.filter(direction="inbound").values_list("language", flat=True))
    assert set(languages) == {"en", "es", "fr", "de", "pt"} and languages.most_common(1)[0][0] == "en"
    lengths = Counter(SocialPost.objects.values("conversation_id").annotate(n=Count("id")).values_list("n", flat=True))
    assert min(lengths) == 1 and max(lengths) == 10

    cases = Case.objects.all()
    answered = cases.filter(first_responded_at__isnull=False)
    within_hour = answered.filter(first_responded_at__lte=F("first_message_at") + dt.timedelta(hours=1))
    assert within_hour.count() > 0.55 * answered.count()
    assert answered.filter(first_responded_at__gt=F("first_message_at") + dt.timedelta(days=1)).exists()
    # The clocks are the posts': the case's first message is its first customer post.
    first_inbound = dict(
        SocialPost.objects.filter(direction="inbound", case__isnull=False)
        .values("case_id")
        .annotate(first=Min("posted_at"))
        .values_list("case_id", "first")
    )
    assert all(first_inbound[case_id] == at for case_id, at in cases.values_list("id", "first_message_at"))
    assert not cases.filter(status__in=["new", "open", "pending", "on_hold"], resolved_at__isnull=False).exists()
    assert cases.filter(status="open", sla_next_due_at__isnull=False).exists()
    assert not cases.filter(team__isnull=True).exclude(status="new").exists()
    # Every post of a case is on its timeline, linked to the post.
    assert CaseEvent.objects.filter(post__isnull=False).count() == SocialPost.objects.filter(case__isnull=False).count()
    assert CaseEvent.objects.filter(kind="status_change").exists()
    assert CaseEvent.objects.filter(kind="assignment").exists()

    surveys = SatisfactionSurvey.objects.all()
    assert not surveys.exclude(case__status__in=["resolved", "closed"]).exists()
    scores = Counter(surveys.filter(score__isnull=False).values_list("score", flat=True))
    assert scores and scores[5] + scores[4] > scores[1] + scores[2]
    assert surveys.filter(score__isnull=True).exists()
    # Reach is the largest profile's, as the pipeline keeps it.
    for customer in Customer.objects.prefetch_related("profiles")[:200]:
        assert customer.max_followers == max(profile.followers_count for profile in customer.profiles.all())


def test_through_the_pipeline_stores_posts_and_opens_cases():
    summary = generate_data(posts=300, seed=5, through_pipeline=True, batch_size=100)

    assert SocialPost.objects.count() == 300
    assert summary.ingested.stored == 300
    assert Case.objects.count() == summary.ingested.cases_opened > 0
    assert SocialPost.objects.filter(direction="outbound").exists()


def test_a_second_run_is_refused_without_append(capsys):
    call_command("generate_data", posts=50, seed=1)
    last = SocialPost.objects.order_by("-id").values_list("id", flat=True).first()

    with pytest.raises(CommandError, match="--append"):
        call_command("generate_data", posts=50, seed=1)

    call_command("generate_data", posts=50, seed=1, append=True)
    assert SocialPost.objects.count() == 100
    assert SocialPost.objects.order_by("id").values_list("id", flat=True)[50] > last
    assert "posts/s" in capsys.readouterr().out
