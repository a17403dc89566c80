"""Process behaviour charts: limits from a baseline period and the run rules, checked by
hand on a worked example and against a plainly written implementation on generated series."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csi_tool.benefits.behaviour import Limits, Rule, natural_limits, shift, signals


def test_limits_and_signals_of_a_worked_example() -> None:
    baseline = [10, 12, 11, 13, 12, 11, 10, 12]
    limits = natural_limits(baseline, minimum=5)
    assert limits is not None
    # mean 91 / 8; moving ranges 2, 1, 2, 1, 1, 1, 2: 10 / 7; limits 2.66 of them either side
    assert limits.centre == pytest.approx(11.375)
    assert limits.moving_range == pytest.approx(10 / 7)
    assert limits.upper == pytest.approx(11.375 + 2.66 * 10 / 7)
    assert limits.lower == pytest.approx(11.375 - 2.66 * 10 / 7)
    after = [16, 12, 12, 12, 12, 12, 12, 12, 12]
    found = signals(limits, after)
    assert [(s.rule, s.upward, s.indices) for s in found] == [
        (Rule.BEYOND_LIMIT, True, (0,)),
        (Rule.RUN, True, tuple(range(9))),  # 16 is above the centre too
    ]
    assert shift(found) is True


def test_the_latest_signal_says_which_way_the_process_moved() -> None:
    """Before: an early spike up and a run of nine down after it were "both ways" for good,
    so no later value could ever show the shift down."""
    limits = Limits(centre=10.4, lower=5.08, upper=15.72, moving_range=2)
    found = signals(limits, [20, 9, 8, 1, 1.5, 1.2, 1, 0.9, 1.1, 1])
    assert {s.upward for s in found} == {True, False}
    assert shift(found) is False


def test_a_value_written_on_a_limit_or_the_centre_is_on_it_not_beyond() -> None:
    """Float arithmetic put the lower limit of 64, 65, 63, 66, 64 at 59.080000000000005 and
    the centre of 14.2, 14.8, 15.1, 13.9, 14.3 at 14.459999999999999: a value written as the
    limit signalled, and one written as the centre counted as above it."""
    limits = natural_limits([64, 65, 63, 66, 64], minimum=5)
    assert limits is not None and (limits.lower, limits.upper) == (59.08, 69.72)
    assert signals(limits, [59.08]) == []
    centre = natural_limits([14.2, 14.8, 15.1, 13.9, 14.3], minimum=5)
    assert centre is not None and centre.centre == 14.46
    assert signals(centre, [14.5, 14.5, 14.5, 14.46, 14.5, 14.5, 14.5, 14.5], run_length=8) == []


def test_values_that_never_vary_give_no_limits() -> None:
    """Five equal values drew limits of 5 to 5, and 5.000001 after them was a shift."""
    assert natural_limits([5, 5, 5, 5, 5], minimum=5) is None
    # nor do values that differ only past the 12 digits the limits are held to
    assert natural_limits([0.30000000000000004, 0.3, 0.3, 0.3, 0.3], minimum=5) is None
    assert natural_limits([1e6 + i * 1e-7 for i in range(5)], minimum=5) is None


def test_a_level_beyond_the_limits_outranks_a_slope_within_it() -> None:
    """Six values far above the upper limit, each a little lower than the one before: the
    trend down and the values beyond the limit end on the same value, and cancelled out
    ("signals both ways"), though the process plainly moved up."""
    limits = natural_limits([64, 65, 63, 66, 64], minimum=5)
    assert limits is not None
    found = signals(limits, [81, 80, 79, 78, 77, 76], run_length=8, trend_length=6)
    assert {(s.rule, s.upward) for s in found} == {
        (Rule.BEYOND_LIMIT, True),
        (Rule.TREND, False),
    }
    assert shift(found) is True
    # a run outranks a trend too: eight values above the centre, falling
    run = signals(limits, [69, 68.5, 68, 67.5, 67, 66.5, 66, 65.5], run_length=8, trend_length=6)
    assert {s.rule for s in run} == {Rule.RUN, Rule.TREND} and shift(run) is True


def test_too_few_baseline_points_give_no_limits() -> None:
    assert natural_limits([10, 11, 12], minimum=5) is None
    assert natural_limits([10], minimum=1) is None  # one value has no moving range
    assert natural_limits([-1e308, 1e308], minimum=2) is None  # past float's range


def test_a_trend_counts_values_not_steps_and_equal_values_break_it() -> None:
    limits = Limits(centre=0, lower=-100, upper=100, moving_range=1)
    found = signals(limits, [1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2], run_length=20, trend_length=6)
    assert (
        [(s.rule, s.upward, s.indices) for s in found]
        == [
            (Rule.TREND, True, (0, 1, 2, 3, 4, 5)),  # six values, five steps up
            (Rule.TREND, False, (6, 7, 8, 9, 10)),  # not six: 6 then 6 is no step
        ][:1]
    )
    assert shift(found) is True


def _plain(
    limits: Limits, values: list[float], run_length: int, trend_length: int
) -> dict[tuple[Rule, bool], set[int]]:
    """The rules as a textbook states them: every window that qualifies marks its values."""
    marked: dict[tuple[Rule, bool], set[int]] = {}
    for i, value in enumerate(values):
        if value > limits.upper:
            marked.setdefault((Rule.BEYOND_LIMIT, True), set()).add(i)
        if value < limits.lower:
            marked.setdefault((Rule.BEYOND_LIMIT, False), set()).add(i)
    for i in range(len(values) - run_length + 1):
        window = values[i : i + run_length]
        if all(v > limits.centre for v in window):
            marked.setdefault((Rule.RUN, True), set()).update(range(i, i + run_length))
        if all(v < limits.centre for v in window):
            marked.setdefault((Rule.RUN, False), set()).update(range(i, i + run_length))
    for i in range(len(values) - trend_length + 1):
        window = values[i : i + trend_length]
        steps = [window[j + 1] - window[j] for j in range(trend_length - 1)]
        if all(step > 0 for step in steps):
            marked.setdefault((Rule.TREND, True), set()).update(range(i, i + trend_length))
        if all(step < 0 for step in steps):
            marked.setdefault((Rule.TREND, False), set()).update(range(i, i + trend_length))
    return marked


_VALUES = st.lists(st.integers(-20, 20).map(float), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    # values that vary: equal ones give no limits (test_values_that_never_vary_give_no_limits)
    baseline=st.lists(st.integers(-20, 20).map(float), min_size=2, max_size=15).filter(
        lambda values: len(set(values)) > 1
    ),
    after=_VALUES,
    run_length=st.integers(2, 9),
    trend_length=st.integers(2, 7),
)
def test_the_rules_agree_with_a_plain_implementation(
    baseline: list[float], after: list[float], run_length: int, trend_length: int
) -> None:
    limits = natural_limits(baseline, minimum=2)
    assert limits is not None
    centre = sum(baseline) / len(baseline)
    moving = sum(abs(baseline[j + 1] - baseline[j]) for j in range(len(baseline) - 1))
    assert limits.centre == pytest.approx(centre)
    assert limits.upper == pytest.approx(centre + 2.66 * moving / (len(baseline) - 1))
    found = signals(limits, after, run_length, trend_length)
    ours: dict[tuple[Rule, bool], set[int]] = {}
    for signal in found:
        ours.setdefault((signal.rule, signal.upward), set()).update(signal.indices)
    marked = _plain(limits, after, run_length, trend_length)
    assert ours == marked
    # the shift is the way of the signals on the latest value any signal marks, those of the
    # first rule in this order that marks it: beyond a limit, run, trend
    last = max((max(indices) for indices in marked.values()), default=None)
    ways: set[bool] = set()
    for rule in (Rule.BEYOND_LIMIT, Rule.RUN, Rule.TREND):
        ways = {upward for (r, upward), indices in marked.items() if r is rule and last in indices}
        if ways:
            break
    assert shift(found) == (next(iter(ways)) if len(ways) == 1 else None)
