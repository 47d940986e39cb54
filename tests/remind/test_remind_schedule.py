"""The schedule against two fake clocks: every case a person at a desk runs into."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from remind_fakes import MONDAY_9AM, TwoClocks

from glutecoach.remind.schedule import (
    BreakCounted,
    Fired,
    Hours,
    Phase,
    Resolved,
    Rules,
    Schedule,
    StartedOver,
)

MIN = 60.0
RULES = Rules(interval=45 * MIN, snooze=10 * MIN)
WEEKDAYS = frozenset(range(5))


def fired(events: list[object]) -> list[Fired]:
    return [e for e in events if isinstance(e, Fired)]


def outcomes(events: list[object]) -> list[str]:
    return [e.outcome for e in events if isinstance(e, Resolved)]


def make(rules: Rules = RULES, wall: float = MONDAY_9AM) -> tuple[Schedule, TwoClocks]:
    clocks = TwoClocks(wall)
    return Schedule(rules, clocks.now(), UTC), clocks


def test_first_nudge_comes_one_interval_after_start_and_not_before() -> None:
    sched, clocks = make()
    assert sched.next_wake(clocks.now()) == 45 * MIN
    assert fired(sched.advance(clocks.advance(45 * MIN - 1))) == []
    assert sched.due_in(clocks.now()) == 1
    events = sched.advance(clocks.advance(1))
    assert len(fired(events)) == 1
    assert sched.phase is Phase.NUDGING
    assert fired(events)[0].nudge.sat == 45 * MIN


def test_snooze_brings_the_nudge_back_after_the_snooze_length() -> None:
    sched, clocks = make()
    sched.advance(clocks.advance(45 * MIN))
    assert outcomes(sched.snooze(clocks.advance(5))) == ["snoozed"]
    assert sched.due_in(clocks.now()) == 10 * MIN
    assert fired(sched.advance(clocks.advance(10 * MIN - 1))) == []
    assert len(fired(sched.advance(clocks.advance(1)))) == 1
    # Still sitting: the time sat keeps counting through snoozes.
    assert sched.sat(clocks.now()) == 45 * MIN + 5 + 10 * MIN


def test_skip_waits_a_whole_interval_and_keeps_counting_the_time_sat() -> None:
    sched, clocks = make()
    sched.advance(clocks.advance(45 * MIN))
    assert outcomes(sched.skip(clocks.now())) == ["skipped"]
    assert sched.due_in(clocks.now()) == 45 * MIN
    assert sched.sat(clocks.now()) == 45 * MIN


def test_taking_the_break_resets_the_count_from_when_the_routine_ended() -> None:
    sched, clocks = make()
    sched.advance(clocks.advance(45 * MIN))
    sched.start_break(clocks.advance(3))
    assert sched.phase is Phase.BREAK
    events = sched.break_ended(clocks.advance(5 * MIN))
    assert outcomes(events) == ["taken"]
    assert any(isinstance(e, BreakCounted) for e in events)
    assert sched.sat(clocks.now()) == 0
    assert sched.due_in(clocks.now()) == 45 * MIN


def test_a_long_routine_is_not_mistaken_for_a_gap_in_time() -> None:
    sched, clocks = make(Rules(interval=3, snooze=1))
    sched.advance(clocks.advance(3))
    sched.next_wake(clocks.now(), cap=1)
    sched.start_break(clocks.now())
    sched.break_ended(clocks.advance(60))
    events = sched.advance(clocks.advance(1))
    assert not [e for e in events if isinstance(e, StartedOver)]


def test_start_now_before_any_nudge_is_an_early_break() -> None:
    sched, clocks = make()
    sched.advance(clocks.advance(20 * MIN))
    sched.start_break(clocks.now())
    events = sched.break_ended(clocks.advance(4 * MIN))
    resolved = [e for e in events if isinstance(e, Resolved)]
    assert [(r.nudge, r.outcome) for r in resolved] == [(None, "taken")]
    assert sched.due_in(clocks.now()) == 45 * MIN


def test_a_routine_that_never_ran_offers_the_nudge_again() -> None:
    sched, clocks = make()
    sched.advance(clocks.advance(45 * MIN))
    sched.start_break(clocks.now())
    assert sched.break_ended(clocks.advance(2), done=False) == []
    assert sched.phase is Phase.NUDGING


def test_a_routine_finished_in_another_process_counts_as_the_break() -> None:
    sched, clocks = make()
    clocks.advance(30 * MIN)
    ended = clocks.wall - 60  # finished a minute ago, seen at this wake
    events = sched.advance(clocks.now(), finished=ended)
    assert [type(e) for e in events] == [BreakCounted]
    assert sched.sat(clocks.now()) == 60
    assert sched.due_in(clocks.now()) == 44 * MIN
    # Seen again on the next poll: counted once.
    assert sched.advance(clocks.advance(1), finished=ended) == []


def test_a_routine_finished_elsewhere_while_the_nudge_is_up_takes_it() -> None:
    sched, clocks = make()
    sched.advance(clocks.advance(45 * MIN))
    clocks.advance(6 * MIN)
    events = sched.advance(clocks.now(), finished=clocks.wall - 1)
    assert outcomes(events) == ["taken"]
    assert sched.phase is Phase.WAITING


def test_a_break_from_before_the_reminder_started_is_counted_from_its_end() -> None:
    clocks = TwoClocks()
    sched = Schedule(RULES, clocks.now(), UTC)
    sched.advance(clocks.now(), finished=clocks.wall - 10 * MIN)
    # The reminder cannot know about sitting before it started, so the count stays at 0.
    assert sched.sat(clocks.now()) == 0
    assert sched.due_in(clocks.now()) == 45 * MIN


def test_no_nudge_while_a_workout_is_running_anywhere() -> None:
    sched, clocks = make()
    assert fired(sched.advance(clocks.advance(45 * MIN), workout=True)) == []
    assert fired(sched.advance(clocks.advance(60), workout=True)) == []
    # It ends: the finished routine is the break.
    events = sched.advance(clocks.advance(60), finished=clocks.wall, workout=False)
    assert fired(events) == []
    assert sched.sat(clocks.now()) == 0


def test_a_workout_stopped_without_finishing_lets_the_held_nudge_fire() -> None:
    sched, clocks = make()
    sched.advance(clocks.advance(45 * MIN), workout=True)
    assert len(fired(sched.advance(clocks.advance(60), workout=False))) == 1


def test_suspend_longer_than_the_interval_starts_over_without_late_nudges() -> None:
    sched, clocks = make()
    sched.advance(clocks.advance(30 * MIN))
    sched.next_wake(clocks.now(), cap=60)
    clocks.suspend(3 * 3600)  # lid shut over lunch; the monotonic clock stood still
    events = sched.advance(clocks.advance(60))
    assert [type(e) for e in events] == [StartedOver]
    assert events[0].reason == "sleep"
    assert sched.sat(clocks.now()) == 0
    assert sched.due_in(clocks.now()) == 45 * MIN


def test_suspend_with_a_nudge_up_marks_it_missed() -> None:
    sched, clocks = make()
    sched.advance(clocks.advance(45 * MIN))
    clocks.suspend(2 * 3600)
    events = sched.advance(clocks.advance(1))
    assert outcomes(events) == ["missed"]
    assert fired(events) == []


def test_a_short_suspend_does_not_count_as_sitting() -> None:
    sched, clocks = make()
    sched.advance(clocks.advance(10 * MIN))
    clocks.suspend(20 * MIN)
    events = sched.advance(clocks.advance(1))
    assert events == []
    assert sched.sat(clocks.now()) == 10 * MIN + 1


def test_a_stopped_process_waking_far_too_late_starts_over() -> None:
    sched, clocks = make()
    sched.advance(clocks.now())
    sched.next_wake(clocks.now(), cap=60)
    events = sched.advance(clocks.advance(2 * 3600))  # ctrl-z, then fg two hours later
    assert [(type(e), getattr(e, "reason", "")) for e in events] == [(StartedOver, "late")]
    assert fired(events) == []


def test_an_unanswered_nudge_is_missed_after_an_interval() -> None:
    sched, clocks = make()
    sched.advance(clocks.advance(45 * MIN))
    assert sched.next_wake(clocks.now()) == 45 * MIN
    assert outcomes(sched.advance(clocks.advance(45 * MIN))) == ["missed"]
    assert sched.due_in(clocks.now()) == 45 * MIN


def test_quitting_with_a_nudge_up_records_it_missed() -> None:
    sched, clocks = make()
    sched.advance(clocks.advance(45 * MIN))
    assert outcomes(sched.close(clocks.advance(1))) == ["missed"]
    assert sched.close(clocks.advance(1)) == []


def test_no_nudge_outside_working_hours_and_a_fresh_count_when_they_open() -> None:
    rules = Rules(interval=45 * MIN, snooze=10 * MIN, hours=Hours(9 * 60, 17 * 60, WEEKDAYS))
    evening = MONDAY_9AM + 7.5 * 3600  # 16:30
    sched, clocks = make(rules, evening)
    assert fired(sched.advance(clocks.advance(45 * MIN))) == []  # 17:15: closed
    assert sched.phase is Phase.OFF
    wait = sched.next_wake(clocks.now())
    assert wait == (15 * 3600 + 45 * MIN)  # until Tuesday 09:00
    events = sched.advance(clocks.advance(wait))
    assert [type(e) for e in events] == [StartedOver]
    assert sched.due_in(clocks.now()) == 45 * MIN


def test_friday_evening_waits_for_monday() -> None:
    rules = Rules(hours=Hours(9 * 60, 17 * 60, WEEKDAYS))
    friday_6pm = MONDAY_9AM + 4 * 86400 + 9 * 3600
    sched, clocks = make(rules, friday_6pm)
    assert sched.phase is Phase.OFF
    assert sched.next_wake(clocks.now()) == 2 * 86400 + 15 * 3600


def test_working_hours_across_midnight_belong_to_the_day_they_start() -> None:
    night = Hours(22 * 60, 6 * 60, frozenset({4}))  # Friday night shift
    friday = datetime(2026, 12, 4, tzinfo=UTC)
    at = lambda days, h, m=0: (friday + timedelta(days=days, hours=h, minutes=m)).timestamp()  # noqa: E731
    assert night.is_open(at(0, 22), UTC)
    assert night.is_open(at(1, 3), UTC)  # Saturday 03:00, still Friday's shift
    assert not night.is_open(at(1, 6), UTC)
    assert not night.is_open(at(0, 3), UTC)  # Friday 03:00 belongs to Thursday, not a day
    assert not night.is_open(at(1, 23), UTC)
    assert night.next_open(at(1, 7), UTC) == at(7, 22)


def test_a_nudge_due_at_0130_fires_on_a_night_shift() -> None:
    rules = Rules(interval=45 * MIN, hours=Hours(22 * 60, 6 * 60, frozenset({0})))
    sched, clocks = make(rules, MONDAY_9AM + 15 * 3600 + 45 * MIN)  # Monday 00:45 next day
    assert sched.phase is Phase.WAITING
    assert len(fired(sched.advance(clocks.advance(45 * MIN)))) == 1


def test_equal_start_and_end_is_the_whole_day() -> None:
    always = Hours(0, 0, frozenset({0}))
    assert always.is_open(MONDAY_9AM - 9 * 3600, UTC)
    assert always.is_open(MONDAY_9AM + 14.9 * 3600, UTC)
    assert not always.is_open(MONDAY_9AM + 15 * 3600, UTC)  # Tuesday


def test_no_days_means_never_open() -> None:
    hours = Hours(9 * 60, 17 * 60, frozenset())
    assert hours.next_open(MONDAY_9AM, UTC) is None


def test_working_hours_are_read_in_the_given_time_zone() -> None:
    hours = Hours(9 * 60, 17 * 60, WEEKDAYS)
    tokyo = timezone(timedelta(hours=9))
    assert hours.is_open(MONDAY_9AM, UTC)
    assert not hours.is_open(MONDAY_9AM, tokyo)  # 18:00 there


def test_a_skip_right_after_a_short_interval_still_waits_the_snooze_length() -> None:
    sched, clocks = make(Rules(interval=2 * MIN, snooze=10 * MIN))
    sched.advance(clocks.advance(2 * MIN))
    sched.skip(clocks.now())
    assert sched.due_in(clocks.now()) == 10 * MIN
