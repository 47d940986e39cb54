"""Property: no sequence of actions and clock moves breaks the session's promises."""

from __future__ import annotations

from engine_support import FakeClock, builtin_plan, plan_of, routine_of
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from glutecoach.engine.model import Plan, RoutineEntry
from glutecoach.engine.session import CueDue, Event, Finished, Session, StepEnded

PLANS: list[Plan] = [
    builtin_plan("desk-reset"),
    builtin_plan("stretch-break"),
    plan_of(  # short steps, so moves cross many boundaries
        routine_of(
            RoutineEntry("clamshell", sets=2, reps=2, tempo=1, rest=1),
            RoutineEntry("runners-stretch", seconds=2),
            lead_in=1,
            transition=2,
            switch=1,
        )
    ),
]

ACTIONS = ["pause", "resume", "toggle_pause", "next_step", "previous_step", "stop"]


class SessionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.born = self.clock.now
        self.finished_seen = 0
        self.after_finished: list[Event] = []
        self.heard: set[tuple[int, float, str]] = set()
        self.position = 0.0

    @initialize(which=st.sampled_from(range(len(PLANS))), start=st.booleans())
    def make(self, which: int, start: bool) -> None:
        self.plan = PLANS[which]
        self.session = Session(self.plan, self.clock)
        if start:
            self.session.start()
            self.take(self.session.poll())

    def take(self, events: list[Event], *, went_back: bool = False) -> None:
        for event in events:
            if went_back and isinstance(event, StepEnded) and not event.completed:
                self.heard.clear()  # going back may say a step's cues again, from here on
            if self.finished_seen:
                self.after_finished.append(event)
            if isinstance(event, Finished):
                self.finished_seen += 1
            if isinstance(event, CueDue):
                key = (event.index, event.cue.at, event.cue.text)
                assert key not in self.heard, f"cue said twice: {key}"
                self.heard.add(key)
                assert event.late >= 0
        assert self.after_finished == [], f"events after Finished: {self.after_finished}"
        assert self.finished_seen <= 1
        position = self.session.state().routine_elapsed
        if not went_back:
            assert position >= self.position - 1e-9, (self.position, position)
        self.position = position

    @rule(seconds=st.one_of(st.floats(0, 4), st.floats(0, 400)))
    def time_passes(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @rule()
    def poll(self) -> None:
        self.take(self.session.poll())

    @rule()
    def start(self) -> None:
        self.session.start()
        self.take(self.session.poll())

    @rule(action=st.sampled_from(ACTIONS))
    def act(self, action: str) -> None:
        getattr(self.session, action)()
        self.take(self.session.poll(), went_back=action == "previous_step")

    @invariant()
    def state_is_sane(self) -> None:
        if not hasattr(self, "session"):
            return
        state = self.session.state()
        assert 0 <= state.index < len(self.plan.steps)
        assert 0 <= self.session.index < len(self.plan.steps)
        assert state.step is not None
        assert 0 <= state.step_elapsed <= state.step.seconds + 1e-9
        assert state.step_remaining >= 0
        assert state.exercise_remaining >= 0 and state.exercise_elapsed >= 0
        assert state.routine_remaining >= 0
        assert 0 <= state.routine_elapsed <= self.plan.total_seconds + 1e-9
        assert 0 <= self.session.active_seconds <= self.clock.now - self.born + 1e-6
        assert self.finished_seen == (1 if self.session.finished else 0)
        due = self.session.next_due()
        assert due is None or due >= 0

    @precondition(lambda self: hasattr(self, "session"))
    @rule()
    def run_to_the_end(self) -> None:
        """Whatever happened, resuming and waiting always ends the session, exactly once."""
        self.session.start()
        for _ in range(10_000):
            if self.session.finished:
                break
            self.session.resume()
            self.clock.advance(1.0)
            self.take(self.session.poll())
        assert self.session.finished and self.finished_seen == 1
        assert self.session.status in ("completed", "partial")
        # Going back repeats work, so active time may pass the plan's length, never the clock's.
        assert self.session.active_seconds <= self.clock.now - self.born + 1e-6


TestSessionMachine = SessionMachine.TestCase
TestSessionMachine.settings = settings(
    max_examples=120,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
