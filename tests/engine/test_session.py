"""A session walks a plan against a clock the test moves: no sleeping, no drift."""

from __future__ import annotations

import pytest
from engine_support import FakeClock, all_cues, builtin_plan, plan_of, routine_of

from glutecoach.engine.model import Plan, RoutineEntry, StepKind
from glutecoach.engine.session import (
    CueDue,
    Event,
    Finished,
    Paused,
    Resumed,
    Session,
    StepEnded,
    StepStarted,
    Suspended,
)


def cue_texts(events: list[Event]) -> list[str]:
    return [e.cue.text for e in events if isinstance(e, CueDue)]


def of(kind: type, events: list[Event]) -> list:
    return [e for e in events if isinstance(e, kind)]


def walk(session: Session, clock: FakeClock, step: float, limit: float = 10_000) -> list[Event]:
    """Poll every ``step`` seconds until the session finishes."""
    events = session.poll()
    while not session.finished and limit > 0:
        clock.advance(step)
        limit -= step
        events += session.poll()
    return events


def run_for(session: Session, clock: FakeClock, seconds: float, every: float = 1.0) -> list[Event]:
    """Let ``seconds`` pass, polling every ``every`` seconds as a front end would."""
    events: list[Event] = []
    while seconds > 1e-9:
        step = min(every, seconds)
        clock.advance(step)
        seconds -= step
        events += session.poll()
    return events


def started(plan: Plan, clock: FakeClock, **kwargs: float) -> tuple[Session, list[Event]]:
    session = Session(plan, clock, **kwargs)  # type: ignore[arg-type]
    session.start()
    return session, session.poll()


def step_start(plan: Plan, index: int) -> float:
    return plan.steps[index].start


# -- a whole routine ---------------------------------------------------------------------


def test_whole_desk_reset_says_every_cue_once_in_order_and_finishes_once(
    clock: FakeClock,
) -> None:
    plan = builtin_plan("desk-reset")
    session, events = started(plan, clock)
    events += walk(session, clock, 0.25)
    assert cue_texts(events) == [text for _, text in all_cues(plan)]
    assert cue_texts(events)[-1] == plan.closing.text  # type: ignore[union-attr]
    assert [e.index for e in of(StepStarted, events)] == list(range(len(plan.steps)))
    assert [e.index for e in of(StepEnded, events)] == list(range(len(plan.steps)))
    assert all(e.completed and e.seconds_done == e.step.seconds for e in of(StepEnded, events))
    assert events[-1] == Finished("completed")
    assert len(of(Finished, events)) == 1
    assert session.status == "completed"
    assert session.active_seconds == pytest.approx(plan.total_seconds)
    assert all(0 <= e.late < 0.25 for e in of(CueDue, events))
    clock.advance(100)
    assert session.poll() == []
    assert session.active_seconds == pytest.approx(plan.total_seconds)


def test_each_cue_is_due_at_its_planned_time(clock: FakeClock) -> None:
    plan = builtin_plan("stretch-break")
    session, events = started(plan, clock)
    t0 = clock.now
    heard: list[tuple[float, str]] = [(0.0, e.cue.text) for e in of(CueDue, events)]
    while not session.finished:
        clock.advance(0.05)
        heard += [(clock.now - t0 - e.late, e.cue.text) for e in of(CueDue, session.poll())]
    expected = all_cues(plan)
    assert [t for _, t in heard] == [t for _, t in expected]
    for (at, _), (planned, _) in zip(heard[:-1], expected[:-1], strict=True):
        assert at == pytest.approx(planned, abs=1e-6)
    # The closing line's lateness is measured against the (clamped) end of the plan.
    assert heard[-1][0] == pytest.approx(plan.total_seconds, abs=0.051)


def test_state_reports_step_exercise_and_routine_times(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, _ = started(plan, clock)
    first_work = next(i for i, s in enumerate(plan.steps) if s.kind is StepKind.WORK)
    clock.advance(step_start(plan, first_work) + 7)
    session.poll()
    state = session.state()
    step = plan.steps[first_work]
    assert state.index == first_work and state.step == step
    assert state.next_step == plan.steps[first_work + 1]
    assert state.step_elapsed == pytest.approx(7)
    assert state.step_remaining == pytest.approx(step.seconds - 7)
    assert state.routine_elapsed == pytest.approx(step.start + 7)
    assert state.routine_remaining == pytest.approx(plan.total_seconds - step.start - 7)
    assert state.routine_total == plan.total_seconds
    block = [s for s in plan.steps if s.entry == step.entry]
    assert state.exercise_elapsed == pytest.approx(step.start + 7 - block[0].start)
    assert state.exercise_remaining == pytest.approx(block[-1].end - step.start - 7)
    assert step.tempo is not None
    assert state.rep == int(7 // step.tempo) + 1
    assert state.started and not state.paused and not state.finished


def test_state_before_start_is_the_beginning(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session = Session(plan, clock)
    clock.advance(50)
    state = session.state()
    assert (state.index, state.routine_elapsed, state.started) == (0, 0, False)
    assert session.poll() == []
    assert session.next_due() is None


# -- pause and resume ------------------------------------------------------------------


def test_pause_freezes_the_state_and_resume_carries_on_where_it_was(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, _ = started(plan, clock)
    clock.advance(20)
    session.poll()
    session.pause()
    assert of(Paused, session.poll()) == [Paused()]
    frozen = session.state()
    clock.advance(300)
    assert session.poll() == []
    assert session.state() == frozen
    assert frozen.paused and frozen.routine_elapsed == pytest.approx(20)
    assert session.next_due() is None
    assert session.active_seconds == pytest.approx(20)
    session.resume()
    assert of(Resumed, session.poll()) == [Resumed()]
    clock.advance(5)
    session.poll()
    assert session.state().routine_elapsed == pytest.approx(25)
    assert session.active_seconds == pytest.approx(25)


def test_active_time_excludes_every_pause_to_the_end(clock: FakeClock) -> None:
    plan = builtin_plan("stretch-break")
    session, events = started(plan, clock)
    for _ in range(4):
        clock.advance(17)
        events += session.poll()
        session.toggle_pause()
        clock.advance(45)
        events += session.poll()
        session.toggle_pause()
    events += walk(session, clock, 0.5)
    assert session.status == "completed"
    assert session.active_seconds == pytest.approx(plan.total_seconds)
    assert cue_texts(events) == [t for _, t in all_cues(plan)]
    assert len(of(Paused, events)) == len(of(Resumed, events)) == 4


def test_a_cue_due_during_the_pause_waits_for_the_resume(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, _ = started(plan, clock)
    next_cue = plan.steps[0].cues[1]
    clock.advance(next_cue.at - 0.5)
    session.poll()
    session.pause()
    clock.advance(60)
    assert cue_texts(session.poll()) == []
    session.resume()
    clock.advance(0.49)
    assert cue_texts(session.poll()) == []
    clock.advance(0.02)
    assert cue_texts(session.poll()) == [next_cue.text]


def test_pausing_twice_or_resuming_a_running_session_changes_nothing(clock: FakeClock) -> None:
    session, _ = started(builtin_plan("desk-reset"), clock)
    session.resume()
    assert of(Resumed, session.poll()) == []
    session.pause()
    session.pause()
    assert len(of(Paused, session.poll())) == 1


# -- next and previous -----------------------------------------------------------------


def test_previous_more_than_three_seconds_in_restarts_the_step(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, _ = started(plan, clock)
    clock.advance(step_start(plan, 1) + 3.5)
    session.poll()
    session.previous_step()
    events = session.poll()
    assert session.state().index == 1
    assert session.state().step_elapsed == 0
    assert events[0] == StepEnded(1, plan.steps[1], pytest.approx(3.5), False)
    assert events[1] == StepStarted(1, plan.steps[1])
    assert cue_texts(events) == [plan.steps[1].cues[0].text]  # the step's opening, again


@pytest.mark.parametrize("into", [0.5, 3.0])
def test_previous_within_three_seconds_goes_to_the_step_before(
    clock: FakeClock, into: float
) -> None:
    plan = builtin_plan("desk-reset")
    session, _ = started(plan, clock)
    clock.advance(step_start(plan, 2) + into)
    session.poll()
    session.previous_step()
    events = session.poll()
    state = session.state()
    assert state.index == 1 and state.step_elapsed == 0
    assert of(StepStarted, events) == [StepStarted(1, plan.steps[1])]
    assert cue_texts(events) == [plan.steps[1].cues[0].text]


def test_previous_on_the_first_step_restarts_it(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, _ = started(plan, clock)
    clock.advance(1)
    session.poll()
    session.previous_step()
    session.poll()
    assert session.state().index == 0 and session.state().routine_elapsed == 0


def test_next_skips_to_the_following_step_and_says_its_opening(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, _ = started(plan, clock)
    clock.advance(2)
    session.poll()
    session.next_step()
    events = session.poll()
    assert events[0] == StepEnded(0, plan.steps[0], pytest.approx(2), False)
    assert events[1] == StepStarted(1, plan.steps[1])
    assert cue_texts(events) == [plan.steps[1].cues[0].text]
    assert session.state().routine_elapsed == pytest.approx(step_start(plan, 1))
    clock.advance(plan.steps[1].cues[1].at)
    assert cue_texts(session.poll()) == [plan.steps[1].cues[1].text]


def test_next_while_paused_moves_but_stays_paused(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, _ = started(plan, clock)
    session.pause()
    session.next_step()
    clock.advance(30)
    session.poll()
    assert session.paused and session.state().index == 1
    assert session.state().step_elapsed == 0
    session.resume()
    assert cue_texts(session.poll()) == [plan.steps[1].cues[0].text]


def test_next_on_the_last_step_finishes_the_session(clock: FakeClock) -> None:
    plan = builtin_plan("stretch-break")
    session, _ = started(plan, clock, suspend_after=10_000)
    clock.advance(step_start(plan, len(plan.steps) - 1) + 1)
    session.poll()
    session.next_step()
    events = session.poll()
    assert session.finished
    assert len(of(Finished, events)) == 1
    session.next_step()
    session.previous_step()
    clock.advance(10)
    assert session.poll() == []


def test_skipping_a_work_step_makes_the_session_partial(clock: FakeClock) -> None:
    plan = builtin_plan("stretch-break")
    session, _ = started(plan, clock)
    session.next_step()  # lead-in: skipping it is not skipping work
    assert plan.steps[1].kind is StepKind.WORK
    session.next_step()  # the first stretch
    events = session.poll() + walk(session, clock, 0.5)
    assert of(Finished, events) == [Finished("partial")]
    assert session.status == "partial"


def test_skipping_only_rests_and_transitions_still_completes(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, events = started(plan, clock)
    skipped = 0
    while not session.finished:
        step = session.state().step
        assert step is not None
        if step.kind in (StepKind.REST, StepKind.TRANSITION, StepKind.LEAD_IN):
            session.next_step()
            skipped += 1
        clock.advance(0.5)
        events += session.poll()
    assert skipped >= 5
    assert of(Finished, events) == [Finished("completed")]


# -- late, irregular and suspended -------------------------------------------------------


def test_irregular_polls_give_every_cue_once_in_order(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, events = started(plan, clock)
    gaps = [0.001, 3.7, 0.0, 12.25, 0.5, 41.0, 0.02, 7.9, 0.3, 25.0]
    i = 0
    while not session.finished:
        clock.advance(gaps[i % len(gaps)])
        events += session.poll()
        i += 1
    assert cue_texts(events) == [t for _, t in all_cues(plan)]
    assert len(of(Finished, events)) == 1
    assert session.active_seconds == pytest.approx(plan.total_seconds)


def test_one_late_poll_returns_all_the_missed_cues_once_in_order(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, _ = started(plan, clock)
    late = session.suspend_after - 1
    clock.advance(late)
    events = session.poll()
    expected = [t for at, t in all_cues(plan) if 0 < at <= late]
    assert cue_texts(events) == expected
    assert len(expected) > 20
    lates = [e.late for e in of(CueDue, events)]
    assert lates == sorted(lates, reverse=True)
    assert lates[0] == pytest.approx(late - plan.steps[0].cues[1].at)
    assert 0 <= lates[-1] <= 2
    clock.advance(0.01)
    assert cue_texts(session.poll()) == []


def test_a_poll_after_the_end_finishes_with_every_cue_once(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, events = started(plan, clock, suspend_after=10_000)
    clock.advance(plan.total_seconds + 120)
    events += session.poll()
    assert cue_texts(events) == [t for _, t in all_cues(plan)]
    assert events[-1] == Finished("completed")
    assert session.active_seconds == pytest.approx(plan.total_seconds)


def test_a_clock_jump_pauses_instead_of_firing_a_burst(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, _ = started(plan, clock)
    clock.advance(10)
    session.poll()
    clock.advance(session.suspend_after + 3600)
    events = session.poll()
    assert cue_texts(events) == []
    assert of(Suspended, events) == [Suspended(pytest.approx(session.suspend_after + 3600))]
    assert of(Paused, events) == [Paused()]
    assert session.paused and session.state().routine_elapsed == pytest.approx(10)
    assert session.active_seconds == pytest.approx(10)
    session.resume()
    clock.advance(1)
    session.poll()
    assert session.state().routine_elapsed == pytest.approx(11)


def test_suspend_threshold_is_longer_than_any_step() -> None:
    plan = builtin_plan("full")
    session = Session(plan, FakeClock())
    assert session.suspend_after >= 2 * max(s.seconds for s in plan.steps)
    assert session.suspend_after >= 60


@pytest.mark.parametrize("action", ["pause", "next_step", "previous_step", "stop"])
def test_an_action_right_after_a_clock_jump_fires_no_burst(clock: FakeClock, action: str) -> None:
    plan = builtin_plan("desk-reset")
    session, _ = started(plan, clock)
    clock.advance(10)
    session.poll()
    clock.advance(3600)
    getattr(session, action)()
    events = session.poll()
    assert len(cue_texts(events)) <= 2
    assert session.state().routine_elapsed < 30


def test_state_read_right_after_a_clock_jump_does_not_run_ahead(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, _ = started(plan, clock)
    clock.advance(10)
    session.poll()
    clock.advance(3600)
    before_poll = session.state().routine_elapsed
    session.poll()
    assert session.state().routine_elapsed >= before_poll


# -- next_due and stop -------------------------------------------------------------------


def test_next_due_says_how_long_until_the_next_cue_or_step_change(clock: FakeClock) -> None:
    plan = plan_of(
        routine_of(RoutineEntry("runners-stretch", seconds=30), lead_in=12), lead_in=None
    )
    session, _ = started(plan, clock)
    lead = plan.steps[0]
    assert session.next_due() == pytest.approx(lead.cues[1].at)
    clock.advance(lead.cues[1].at + 0.25)
    assert session.next_due() == 0  # due already: poll now
    session.poll()
    assert session.next_due() == pytest.approx(lead.cues[2].at - lead.cues[1].at - 0.25)
    # after the countdown's "1", the next thing is the step change
    clock.advance(lead.seconds - 0.5 - (lead.cues[1].at + 0.25))  # 0.5 s before it ends
    session.poll()
    assert session.state().index == 0
    assert session.next_due() == pytest.approx(0.5)
    session.pause()
    assert session.next_due() is None
    session.resume()
    session.stop()
    assert session.next_due() is None


def test_stop_finishes_partial_once_and_keeps_the_time_done(clock: FakeClock) -> None:
    plan = builtin_plan("desk-reset")
    session, events = started(plan, clock)
    events += run_for(session, clock, 95)
    assert session.index == 4
    session.stop()
    events += session.poll()
    assert of(Finished, events) == [Finished("partial")]
    assert events[-1] == Finished("partial")
    assert events[-2] == StepEnded(
        session.index,
        plan.steps[session.index],
        pytest.approx(95 - plan.steps[session.index].start),
        False,
    )
    assert session.status == "partial"
    assert session.active_seconds == pytest.approx(95)
    assert plan.closing is not None and plan.closing.text not in cue_texts(events)
    session.stop()
    clock.advance(1000)
    assert session.poll() == []
    assert session.state().routine_elapsed == pytest.approx(95)
