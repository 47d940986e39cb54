"""Before the clock starts: the voice renders every line, and the plan is laid out again with
the lengths it measured.

A front end hands the run a plan laid out with the model of how long each line takes
(``engine.plan.speech_seconds``). The speech voice renders each line ahead and measures its
speech (``Speaker.speech_lengths``); the run lays the same routine out again with those
lengths and the rate in use before it starts the clock, so no two cues overlap as they are
really heard.

The voice is asked in two rounds: the first steps' lines (what is due first), then every line
the plan might say. The clock starts once both are measured; or ``READY_WAIT`` after the first
steps' lines are (on an empty cache the natural voice renders the rest of a routine in about
2.5 s here, espeak-ng in about 0.3 s): then every line measured so far keeps its length and
the others the model's, at the rate in use. The first steps' lines are waited for up to
``FIRST_WAIT``: on an empty phrase cache (a first session, another voice or rate) the natural
voice takes 2-6 s for them here, and a first cue said before it is rendered is late. After
``SLOW_AFTER`` the run tells the user the voice is getting ready (a warm cache is ready in
about 0.5 s, espeak-ng on a cold one in about 1 s: it is seen only when it really waits);
past ``FIRST_WAIT`` the clock starts anyway (``gave_up``) and what is not rendered yet plays
when it is. A voice that measures nothing (relay, captions) is ready at once and gets the
model's plan at the rate in use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from glutecoach.engine.model import Exercise, Plan
from glutecoach.engine.plan import build_plan, normalise, plan_phrases
from glutecoach.workout.ports import Speaker

FIRST_STEPS = 2  # steps whose lines are asked for first, and always waited for
READY_WAIT = 8.0  # once those are rendered, how much longer it waits for the others (FIRST_WAIT
# in all): the natural voice renders the rest of `desk-reset` in 2.5 s on a cold cache here, 5 s
# under load; espeak-ng in 0.3 s. A warm cache has them all at once.
FIRST_WAIT = 12.0  # longest the clock waits for the first steps' lines (then starts anyway)
SLOW_AFTER = 1.5  # still not ready after this: the run says it is getting the voice ready


def texts(plan: Plan, first: int, last: int | None) -> list[str]:
    """The distinct lines of steps ``first`` to ``last`` (all after with None), in order;
    the closing line with the last step."""
    lines = [cue.text for step in plan.steps[first:last] for cue in step.cues]
    if last is None and plan.closing is not None:
        lines.append(plan.closing.text)
    return list(dict.fromkeys(lines))


def catalog_of(plan: Plan) -> dict[str, Exercise]:
    """The exercises the plan uses: all that laying its routine out again needs."""
    return {key: planned.exercise for key, planned in plan.exercises.items()}


def every_line(plan: Plan) -> list[str]:
    """Every line the plan might say (the ones its layout weighed too), the first steps' first."""
    first = texts(plan, 0, FIRST_STEPS)
    if plan.options is None:  # a plan made by hand: only its own lines
        return list(dict.fromkeys([*first, *texts(plan, 0, None)]))
    return list(
        dict.fromkeys([*first, *plan_phrases(plan.routine, catalog_of(plan), plan.options)])
    )


@dataclass(frozen=True, slots=True)
class Layout:
    """A plan as laid out for the voice, and how many of its lines had a measured length."""

    plan: Plan
    measured: int
    lines: int

    @property
    def modelled(self) -> int:
        return self.lines - self.measured


def lay_out(plan: Plan, lengths: Mapping[str, float], rate: int) -> Layout:
    """``plan`` laid out again with these measured ``lengths`` (text -> seconds) and the model
    at ``rate`` words a minute for every other line. A plan made by hand stays as it is."""
    options = plan.options
    if options is not None and (lengths or rate != options.speech_rate):
        measured = {normalise(k): v for k, v in lengths.items() if v > 0}
        plan = build_plan(
            plan.routine,
            catalog_of(plan),
            replace(options, speech_seconds=measured or None, speech_rate=rate),
        )
    said = texts(plan, 0, None)
    used = plan.options.speech_seconds if plan.options is not None else None
    return Layout(plan, sum(normalise(t) in used for t in said) if used else 0, len(said))


class Preparing:
    """The voice getting ready: the first steps' lines, then every line; ``ready`` says when
    the clock may start: all measured; the first steps' lines measured and ``ready_wait``
    passed; or ``first_wait`` passed whatever was measured (``gave_up``)."""

    def __init__(
        self,
        plan: Plan,
        voice: Speaker,
        now: float,
        *,
        ready_wait: float = READY_WAIT,
        first_wait: float = FIRST_WAIT,
    ) -> None:
        self.plan = plan
        self.voice = voice
        self.began = now
        self.ready_wait = ready_wait
        self.first_wait = max(first_wait, ready_wait)
        self.gave_up = False
        self._first_at = now  # when the first steps' lines were rendered
        self._first = texts(plan, 0, FIRST_STEPS)
        self._all_asked = False
        voice.prepare(self._first)

    @property
    def first_ready(self) -> bool:
        """The first steps' lines are rendered (the rest have been asked for)."""
        return self._all_asked

    def ready(self, now: float) -> bool:
        if not self._all_asked and self.voice.wait_ready(0):
            self._all_asked = True
            self._first_at = now
            rest = [t for t in every_line(self.plan) if t not in self._first]
            self.voice.prepare(rest)
        if self._all_asked and self.voice.wait_ready(0):
            return True
        waited = now - self.began
        if self._all_asked:  # the rest get ready_wait more, within first_wait in all
            return now - self._first_at >= self.ready_wait or waited >= self.first_wait
        if waited >= self.first_wait:
            self.gave_up = True
            return True
        return False

    def slow(self, now: float) -> bool:
        """Waited long enough that the user should be told the voice is getting ready."""
        return now - self.began >= SLOW_AFTER

    def lay_out(self, rate: int) -> Layout:
        """The plan with what the voice has measured so far."""
        return lay_out(self.plan, self.voice.speech_lengths, rate)
