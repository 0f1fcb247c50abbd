"""The spike method on synthetic hourly series (alerts.spikes): found, quiet, absorbed, guarded."""

import pytest

from alerts.spikes import SpikeParams, check_spike, ewma

# A week of a brand's hourly mentions: quiet nights, busier days, written out by hand.
DAY = [12, 9, 8, 7, 8, 10, 14, 17, 19, 21, 22, 20, 23, 21, 19, 22, 20, 18, 21, 19, 17, 15, 14, 13]
WEEK = DAY * 7


def test_a_sudden_storm_of_posts_is_flagged():
    check = check_spike(WEEK, 95)

    assert check.flagged
    assert 10 < check.baseline < 20
    assert check.z > 3


def test_a_steady_series_stays_quiet_hour_after_hour():
    # Every hour of the last day, tested against the hours before it.
    flagged = [check_spike(WEEK[: 144 + hour], WEEK[144 + hour]).flagged for hour in range(24)]

    assert flagged == [False] * 24


def test_a_slow_rise_over_the_week_is_absorbed_by_the_baseline():
    # Mentions climbing from 20 to about 200 an hour over seven days: growth, not a spike.
    rising = [20 + hour * 180 // 167 for hour in range(168)]

    check = check_spike(rising, 201)

    assert not check.flagged
    assert check.z < 1


def test_a_jump_on_top_of_a_slow_rise_is_still_flagged():
    rising = [20 + hour * 180 // 167 for hour in range(168)]

    assert check_spike(rising, 420).flagged


def test_a_handful_of_posts_after_silence_is_below_the_minimum_volume():
    silence = [0] * 160 + [1, 0, 0, 1, 0, 0, 0, 1]

    check = check_spike(silence, 7)

    assert check.z > 3
    assert not check.flagged


def test_a_modest_rise_on_a_busy_baseline_needs_the_minimum_ratio():
    busy = [100, 102, 98, 101, 99, 100] * 28

    check = check_spike(busy, 160)

    assert check.z > 3  # significant, but 1.6 times the usual is not a spike by the ratio guard
    assert not check.flagged
    assert check_spike(busy, 160, SpikeParams(min_ratio=1.5)).flagged


def test_the_hour_under_test_is_not_part_of_its_own_baseline():
    check = check_spike([10] * 168, 80)

    assert check.baseline == pytest.approx(10)
    assert check.flagged


def test_no_history_means_a_zero_baseline_and_the_volume_guard_decides():
    assert check_spike([], 12).flagged
    assert not check_spike([], 9).flagged


def test_the_ewma_weighs_recent_hours_more_than_old_ones():
    mean, var = ewma([0, 0, 0, 0, 10], alpha=0.5)

    assert mean == pytest.approx(5.0)
    assert var == pytest.approx(25.0)
