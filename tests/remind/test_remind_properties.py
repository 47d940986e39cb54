"""Properties of the schedule over any day a person could have."""

from __future__ import annotations

import itertools
from datetime import UTC

from hypothesis import given, settings
from hypothesis import strategies as st
from remind_fakes import MONDAY_9AM, TwoClocks

from glutecoach.remind.schedule import EPSILON, Fired, Hours, Rules, Schedule

MIN = 60.0

rules = st.builds(
    Rules,
    interval=st.floats(1, 3 * 3600),
    snooze=st.floats(1, 3600),
    hours=st.builds(
        Hours,
        start=st.integers(0, 24 * 60 - 1),
        end=st.integers(0, 24 * 60 - 1),
        days=st.frozensets(st.integers(0, 6)),
    ),
)

# What can happen between two wakes: time passes (the schedule's own wake, or a key
# earlier), the laptop sleeps, a routine ends somewhere, a workout runs, a key is pressed.
step = st.one_of(
    st.tuples(st.just("wake"), st.floats(0, 2)),  # a little after the wait asked for
    st.tuples(st.just("early"), st.floats(0, 600)),
    st.tuples(st.just("suspend"), st.floats(0, 12 * 3600)),
    st.tuples(st.just("finished"), st.floats(0, 3600)),
    st.tuples(st.just("workout"), st.floats(0, 3600)),
    st.tuples(st.sampled_from(["snooze", "skip", "break", "break-fails"]), st.floats(0, 900)),
)


def run_day(rule: Rules, start: float, steps: list[tuple[str, float]]) -> list[Fired]:
    clocks = TwoClocks(start)
    sched = Schedule(rule, clocks.now(), UTC)
    seen: list[Fired] = []

    def note(events: list[object]) -> None:
        seen.extend(e for e in events if isinstance(e, Fired))

    note(sched.advance(clocks.now()))
    for kind, value in steps:
        if kind == "wake":
            wait = sched.next_wake(clocks.now(), cap=60)
            note(sched.advance(clocks.advance((wait if wait is not None else 60) + value)))
        elif kind == "early":
            note(sched.advance(clocks.advance(value)))
        elif kind == "suspend":
            clocks.suspend(value)
            note(sched.advance(clocks.advance(0)))
        elif kind == "finished":
            note(sched.advance(clocks.advance(1), finished=clocks.wall - value))
        elif kind == "workout":
            note(sched.advance(clocks.advance(value), workout=True))
        elif kind == "snooze":
            note(sched.snooze(clocks.advance(value)))
        elif kind == "skip":
            note(sched.skip(clocks.advance(value)))
        else:
            note(sched.start_break(clocks.now()))
            note(sched.break_ended(clocks.advance(value), done=kind == "break"))
    return seen


@settings(max_examples=400, deadline=None)
@given(rules, st.floats(0, 7 * 86400), st.lists(step, max_size=60))
def test_never_two_nudges_closer_than_the_snooze_length(
    rule: Rules, offset: float, steps: list[tuple[str, float]]
) -> None:
    nudges = run_day(rule, MONDAY_9AM + offset, steps)
    for before, after in itertools.pairwise(nudges):
        assert after.nudge.at.mono - before.nudge.at.mono >= rule.snooze - EPSILON
        assert after.nudge.at.wall - before.nudge.at.wall >= rule.snooze - EPSILON


@settings(max_examples=400, deadline=None)
@given(rules, st.floats(0, 7 * 86400), st.lists(step, max_size=60))
def test_never_a_nudge_outside_working_hours(
    rule: Rules, offset: float, steps: list[tuple[str, float]]
) -> None:
    for fired in run_day(rule, MONDAY_9AM + offset, steps):
        assert rule.hours.is_open(fired.nudge.at.wall, UTC)


@settings(max_examples=200, deadline=None)
@given(st.floats(60, 3 * 3600), st.integers(1, 40))
def test_a_user_who_never_answers_is_nudged_once_per_two_intervals(
    interval: float, wakes: int
) -> None:
    # Nudge, missed after an interval, next after another: no pile-up, no silence.
    rule = Rules(interval=interval, snooze=min(interval, 600))
    clocks = TwoClocks()
    sched = Schedule(rule, clocks.now(), UTC)
    count = 0
    for _ in range(wakes):
        wait = sched.next_wake(clocks.now())
        assert wait is not None
        count += len([e for e in sched.advance(clocks.advance(wait)) if isinstance(e, Fired)])
    assert count == (wakes + 1) // 2
