"""Additive parts: sums of days keep every value as sorted runs, and percentiles are found across them."""

import random
from array import array

import pytest

from kpis.parts import Part, kth_smallest, merge_parts, pack_values, unpack_values
from kpis.scope import percentile


def test_percentiles_across_runs_interpolate_like_percentile_cont():
    days = Part.of_values([40, 10]) + Part.of_values([30]) + Part.of_values([20])

    assert (days.count, days.total) == (4, 100.0)
    assert days.percentile(0.5) == 25.0
    assert days.percentile(0.9) == pytest.approx(37.0)
    assert days.percentile(0.0) == 10.0 and days.percentile(1.0) == 40.0


def test_an_odd_count_has_its_middle_value_as_median():
    assert (Part.of_values([5, 1]) + Part.of_values([3, 9, 7])).percentile(0.5) == 5.0


def test_an_empty_part_has_no_percentile_and_counts_nothing():
    assert Part().percentile(0.5) is None
    assert Part().count_between(0, None) == 0


def test_bucket_counts_take_the_lower_bound_and_leave_the_upper():
    days = Part.of_values([0, 14.9, 15]) + Part.of_values([15, 59.99, 60, 2000])

    assert days.count_between(0, 15) == 2
    assert days.count_between(15, 60) == 3
    assert days.count_between(60, None) == 2


def test_adding_parts_keeps_runs_instead_of_merging_them():
    merged = merge_parts([{"m": Part.of_values([3, 1])}, {"m": Part.of_values([2])}, {"n": Part.of_count(4)}])

    assert merged["m"].runs == [[1.0, 3.0], [2.0]]
    assert merged["m"].values == [1.0, 2.0, 3.0]
    assert merged["n"].count == 4


def test_kth_smallest_matches_sorting_on_random_runs_with_ties():
    rng = random.Random(20261201)
    for _ in range(300):
        runs = [
            sorted(float(rng.choice([rng.randrange(4), rng.random() * 50])) for _ in range(rng.randrange(0, 9)))
            for _ in range(rng.randrange(1, 7))
        ]
        everything = sorted(value for run in runs for value in run)
        for k in range(len(everything)):
            assert kth_smallest(runs, k) == everything[k]
        if everything:
            part = Part(count=len(everything), total=sum(everything), runs=runs)
            assert part.percentile(0.9) == pytest.approx(percentile(everything, 0.9))


def test_kth_outside_the_values_is_an_error():
    with pytest.raises(IndexError):
        kth_smallest([[1.0, 2.0]], 2)


def test_packed_values_round_trip_as_float64():
    part = Part.of_values([2.5, -1.0, 1e9, 0.1])

    packed = pack_values(part)

    assert len(packed) == 4 * 8
    assert unpack_values(packed) == array("d", [-1.0, 0.1, 2.5, 1e9])
    assert unpack_values(b"") == array("d") and pack_values(Part.of_count(3)) == b""


def test_large_sums_find_percentiles_by_bisection_like_sorting_would():
    rng = random.Random(7)
    # Over SMALL_MERGE values, with ties across runs: the bisection path, not a sort.
    runs = [array("d", sorted(float(rng.randrange(3000)) for _ in range(9000))) for _ in range(3)]
    everything = sorted(value for run in runs for value in run)
    part = Part(count=len(everything), total=sum(everything), runs=runs)

    for p in (0.0, 0.37, 0.5, 0.9, 0.999, 1.0):
        assert part.percentile(p) == pytest.approx(percentile(everything, p))


def test_kth_pair_gives_the_next_value_or_none_past_the_end():
    from kpis.parts import kth_pair

    runs = [[1.0, 4.0, 4.0], [2.0, 9.0]]

    assert kth_pair(runs, 0) == (1.0, 2.0)
    assert kth_pair(runs, 2) == (4.0, 4.0)  # a tie: the next is the same value
    assert kth_pair(runs, 3) == (4.0, 9.0)
    assert kth_pair(runs, 4) == (9.0, None)
