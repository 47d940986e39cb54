"""Routine -> plan: an ordered list of timed steps, each with what the coach says and when.

The cue script is built here, not in the voice or the screen, so every front end says the
same thing at the same moment. Cues are laid out on each step's timeline in priority order
(the announcement, then counts, then optional cues that slide into free gaps or are left
out) so that no two overlap at the speaking rate below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from glutecoach.engine.model import (
    Cue,
    CueKind,
    Exercise,
    Level,
    Plan,
    PlannedExercise,
    Routine,
    RoutineEntry,
    Side,
    Step,
    StepKind,
)

GAP = 0.15  # breathing room between two cues
COUNTDOWN = 3  # the last seconds of every timed step are counted aloud (not rep work)
FORM_AFTER = 15  # work at least this long gets a form cue
SECOND_FORM_AFTER = 40  # ... and this long, a second one
HALFWAY_AFTER = 20  # timed work at least this long hears "halfway"
RHYTHM_AT = 1.5  # a long rep's rhythm starts this long after its number (the lift is done)

# How long the bundled espeak-ng voice speaks a line at MODEL_RATE words a minute, trimmed
# to its speech: fitted by least squares to 134 lines of the catalog and routines
# (tests/engine/bundled_voice_lengths.json; 95 % within 0.13 s), plus MODEL_MARGIN so that
# it seldom says less than the voice takes. A comma, colon or sentence end is a pause.
MODEL_RATE = 170
MODEL_BASE = 0.15  # seconds, any line
MODEL_PER_LETTER = 0.042  # digits count as the letters of their spoken words
MODEL_PER_WORD = 0.07
MODEL_PER_COMMA = 0.32
MODEL_PER_COLON = 0.41  # ":" and ";"
MODEL_PER_SENTENCE = 0.43  # each sentence end before the last
MODEL_MARGIN = 0.1
MODEL_SHORTEST = 0.3

_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_NUMBER = re.compile(r"\d+")
# fmt: off
_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
_TENS = ("-", "-", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# fmt: on


def number_words(n: int) -> str:
    """``n`` as spoken: 14 -> "fourteen", 21 -> "twenty one" (0..999; digit by digit above)."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = "" if n % 100 == 0 else " " + number_words(n % 100)
        return f"{_ONES[n // 100]} hundred{rest}"
    return " ".join(_ONES[int(d)] for d in str(n))


@lru_cache(maxsize=4096)  # placing cues asks about the same few texts again and again
def speech_seconds(text: str, rate: int = MODEL_RATE) -> float:
    """How long ``text`` takes to say, by the model above (for when nothing was measured:
    relay, captions), scaled to the speaking ``rate`` in words a minute."""
    spoken = _NUMBER.sub(lambda m: number_words(int(m[0])), text)
    letters = sum(ch.isalpha() for ch in spoken)
    ends = len(_SENTENCE_END.findall(spoken))
    inner_ends = max(0, ends - 1) if spoken.rstrip()[-1:] in (".", "!", "?") else ends
    seconds = (
        MODEL_BASE
        + MODEL_PER_LETTER * letters
        + MODEL_PER_WORD * len(spoken.split())
        + MODEL_PER_COMMA * spoken.count(",")
        + MODEL_PER_COLON * (spoken.count(":") + spoken.count(";"))
        + MODEL_PER_SENTENCE * inner_ends
        + MODEL_MARGIN
    )
    return max(MODEL_SHORTEST, seconds * MODEL_RATE / max(60, rate))


def normalise(text: str) -> str:
    """One line's key in a table of measured lengths (the voice's phrase cache keys alike)."""
    return " ".join(text.split())


Lengths = Callable[[str], float]


def lengths_for(options: PlanOptions) -> Lengths:
    """How long each line lasts for this plan: measured when the voice measured it, else
    the model at the options' speaking rate."""
    measured = options.speech_seconds
    rate = options.speech_rate

    @lru_cache(maxsize=4096)
    def length(text: str) -> float:
        if measured:
            found = measured.get(normalise(text))
            if found is not None and found > 0:
                return float(found)
        return speech_seconds(text, rate)

    return length


@dataclass(frozen=True, slots=True)
class PlanOptions:
    levels: Mapping[str, int] = field(default_factory=dict)
    equipment: frozenset[str] = frozenset({"band", "weight"})
    lead_in: float | None = None  # overrides the routine's lead-in when set
    default_tempo: float | None = None  # seconds per rep when the routine and rung say none
    # Lines laid out with these lengths (seconds of speech, keyed by text with runs of
    # whitespace as one space): what the voice measured of its renders. Lines not in it, or
    # no table at all (relay, captions), use the model, ``speech_seconds``, at speech_rate.
    speech_seconds: Mapping[str, float] | None = None
    speech_rate: int = MODEL_RATE


def choose_rung(exercise: Exercise, level: int, equipment: frozenset[str]) -> PlannedExercise:
    """The rung to use at ``level`` with the equipment the user has.

    Missing a band with a no-band substitute: use the substitute. Missing anything else that
    a rung adds: step down to the highest rung below that needs nothing missing.
    """
    level = max(1, min(level, len(exercise.levels)))
    rung = exercise.level(level)
    missing = (set(exercise.equipment) | set(rung.equipment)) - equipment
    if not missing:
        return PlannedExercise(exercise, level, rung)
    if exercise.no_band and "band" in missing and not (set(exercise.no_band.equipment) - equipment):
        return PlannedExercise(exercise, level, exercise.no_band, substituted=True)
    for lower in range(level - 1, 0, -1):
        candidate = exercise.level(lower)
        if not (set(candidate.equipment) - equipment):
            return PlannedExercise(exercise, level, candidate, substituted=True)
    return PlannedExercise(exercise, level, rung)


def sides_of(exercise: Exercise) -> tuple[Side | None, ...]:
    return (Side.LEFT, Side.RIGHT) if exercise.one_sided else (None,)


class _Timeline:
    """One step's cues; ``place`` refuses any cue that would overlap another."""

    def __init__(self, seconds: float, length: Lengths = speech_seconds) -> None:
        self.seconds = seconds
        self.length = length
        self.cues: list[Cue] = []
        self._spans: list[tuple[float, float]] = []  # each placed cue's (start, end)

    def _clash(self, start: float, end: float) -> float | None:
        """End (plus gap) of the first placed cue that overlaps [start, end), if any."""
        for c_start, c_end in self._spans:
            if start < c_end + GAP and c_start < end + GAP:
                return c_end + GAP
        return None

    def place(self, at: float, text: str, kind: CueKind, *, latest: float | None = None) -> bool:
        """Place at ``at``, or slide later up to ``latest``; False when there is no room."""
        latest = at if latest is None else latest
        length = self.length(text)
        while at <= latest + 1e-9:
            if at < 0 or at + length > self.seconds + 1e-9:
                return False
            blocker = self._clash(at, at + length)
            if blocker is None:
                cue = Cue(round(at, 2), text, kind)
                self.cues.append(cue)
                self._spans.append((cue.at, cue.at + length))
                return True
            at = blocker
        return False

    def after_opening(self) -> float:
        """Where optional cues start looking for room: just after the step's first words."""
        opening = [c for c in self.cues if c.at == 0]
        return max((self.length(c.text) + GAP for c in opening), default=0.0)

    def countdown(self) -> None:
        for n in range(COUNTDOWN, 0, -1):
            self.place(self.seconds - n, str(n), CueKind.COUNT)

    def sorted(self) -> tuple[Cue, ...]:
        return tuple(sorted(self.cues, key=lambda c: c.at))


def _sentence(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _side_phrase(exercise: Exercise, side: Side | None) -> str:
    if side is None:
        return ""
    label = _capital(str(side))
    if exercise.side_cue:
        return exercise.side_cue.replace("{side}", label)
    return f"{label} side."


def _spoken_name(planned: PlannedExercise) -> str:
    """The no-band substitute is a different move and goes by its own name; a rung stepped
    down for missing gear is still the same exercise."""
    if planned.substituted and planned.rung is planned.exercise.no_band:
        return planned.rung.name.lower()
    return planned.exercise.say_name


@dataclass
class _Said:
    """What the step before already told the listener about the coming work step."""

    name: bool = False
    set: bool = False
    side: bool = False


class _Builder:
    def __init__(self, routine: Routine, catalog: Mapping[str, Exercise], options: PlanOptions):
        self.routine = routine
        self.options = options
        self.known = {**catalog, **routine.exercises}
        self.steps: list[Step] = []
        self.planned: dict[str, PlannedExercise] = {}
        self.clock = 0.0
        self.said = _Said()
        measured = lengths_for(options)
        self.asked: dict[str, None] = {}  # every line a length was asked of, in order

        def length(text: str) -> float:
            self.asked.setdefault(text, None)
            return measured(text)

        self.length: Lengths = length

    def add(self, timeline: _Timeline, kind: StepKind, **fields: object) -> None:
        if timeline.seconds <= 0:
            return
        self.steps.append(
            Step(kind, timeline.seconds, timeline.sorted(), start=self.clock, **fields)  # type: ignore[arg-type]
        )
        self.clock += timeline.seconds

    def planned_for(self, exercise_id: str) -> PlannedExercise:
        if exercise_id not in self.planned:
            level = self.options.levels.get(exercise_id, 1)
            self.planned[exercise_id] = choose_rung(
                self.known[exercise_id], level, self.options.equipment
            )
        return self.planned[exercise_id]

    def tempo(self, entry: RoutineEntry, rung: Level, exercise: Exercise) -> float:
        for candidate in (entry.tempo, rung.tempo, self.options.default_tempo):
            if candidate:
                return float(candidate)
        return exercise.tempo

    def build(self) -> Plan:
        entries = self.routine.entries
        for index, entry in enumerate(entries):
            planned = self.planned_for(entry.exercise)
            first_side = Side.LEFT if planned.exercise.one_sided else None
            if index == 0:
                lead_in = self.options.lead_in
                seconds = self.routine.lead_in if lead_in is None else lead_in
                self.intro(StepKind.LEAD_IN, seconds, index, planned, entry, first_side)
            else:
                self.intro(
                    StepKind.TRANSITION, self.routine.transition, index, planned, entry, first_side
                )
            self.exercise(index, entry, planned)
        return Plan(self.routine, tuple(self.steps), self.planned, self.closing(), self.options)

    def intro(
        self,
        kind: StepKind,
        seconds: float,
        index: int,
        planned: PlannedExercise,
        entry: RoutineEntry,
        side: Side | None,
    ) -> None:
        line = _Timeline(seconds, self.length)
        name = _spoken_name(planned)
        opener = "First up:" if kind is StepKind.LEAD_IN else "Next up:"
        named = line.place(0, f"{opener} {name}.", CueKind.ANNOUNCE)
        line.countdown()
        setup = planned.rung.setup or planned.exercise.setup
        if named:
            line.place(line.after_opening(), setup, CueKind.SETUP, latest=seconds)
        side_said = bool(side) and line.place(
            line.after_opening(),
            _side_phrase(planned.exercise, side),
            CueKind.NEXT,
            latest=seconds,
        )
        self.add(
            line,
            kind,
            exercise=entry.exercise,
            entry=index,
            level=planned.level,
            sets=entry.sets,
        )
        # A cue is placed only when it fits the step, so a zero-length step has said nothing.
        self.said = _Said(name=named, side=side_said)

    def exercise(self, index: int, entry: RoutineEntry, planned: PlannedExercise) -> None:
        exercise = planned.exercise
        sides = sides_of(exercise)
        tempo = self.tempo(entry, planned.rung, exercise) if entry.reps else None
        seconds = entry.reps * tempo if entry.reps and tempo else float(entry.seconds or 0)
        common = {"exercise": entry.exercise, "entry": index, "level": planned.level}
        for set_number in range(1, entry.sets + 1):
            for side_index, side in enumerate(sides):
                self.work(seconds, entry, planned, set_number, side, tempo, common)
                following = sides[side_index + 1] if side_index + 1 < len(sides) else None
                if following is not None:
                    self.switch(planned, following, set_number, entry, common)
            if set_number < entry.sets:
                self.rest(planned, set_number + 1, entry, sides[0], common)

    def work(
        self,
        seconds: float,
        entry: RoutineEntry,
        planned: PlannedExercise,
        set_number: int,
        side: Side | None,
        tempo: float | None,
        common: dict[str, object],
    ) -> None:
        exercise = planned.exercise
        line = _Timeline(seconds, self.length)
        # In rep work the opening must end before the first count, or the listener loses a
        # rep: say less (the set's total, then the set, then the name) until it fits.
        room = (tempo - GAP) if entry.reps and tempo else seconds
        name = _capital(_spoken_name(planned)) + "." if not self.said.name else ""
        side_part = _side_phrase(exercise, side) if side and not self.said.side else ""
        sets = entry.sets > 1 and not self.said.set
        openings = [
            _sentence(name, f"Set {set_number} of {entry.sets}." if sets else "", side_part, "Go."),
            _sentence(name, f"Set {set_number}." if sets else "", side_part, "Go."),
            _sentence(name, side_part, "Go."),
            _sentence(side_part, "Go."),
        ]
        fitting = [o for o in openings if self.length(o) <= room]  # every one is measured
        opening = fitting[0] if fitting else openings[-1]
        line.place(0, opening, CueKind.ANNOUNCE)
        if entry.reps and tempo:
            self.count_reps(line, entry.reps, tempo)
        else:
            line.countdown()
        if planned.rung.cue and set_number == 1:
            line.place(line.after_opening(), planned.rung.cue, CueKind.SETUP, latest=seconds / 2)
        if entry.reps and tempo and planned.rung.rhythm and tempo > RHYTHM_AT:
            # Where the level's own cue is not being said: it is the first rep's rhythm.
            for rep in range(entry.reps):
                at = rep * tempo + RHYTHM_AT
                line.place(at, planned.rung.rhythm, CueKind.REP, latest=at + 0.5)
        if entry.seconds and seconds >= HALFWAY_AFTER:
            line.place(seconds / 2, "Halfway.", CueKind.HALFWAY, latest=seconds / 2 + 2)
        form = planned.rung.form or exercise.form
        if form and seconds >= FORM_AFTER:
            turn = (set_number - 1) * len(sides_of(exercise)) + (1 if side is Side.RIGHT else 0)
            marks = [0.3, 0.7] if seconds >= SECOND_FORM_AFTER else [0.3]
            for i, mark in enumerate(marks):
                # Start from this set's turn in the rotation; when a cue does not fit between
                # the counts, try the next one rather than saying nothing.
                first = turn * len(marks) + i
                for k in range(len(form)):
                    text = form[(first + k) % len(form)]
                    if any(c.text == text for c in line.cues):
                        continue
                    if line.place(seconds * mark, text, CueKind.FORM, latest=seconds - COUNTDOWN):
                        break
        self.add(
            line,
            StepKind.WORK,
            set=set_number,
            sets=entry.sets,
            side=side,
            reps=entry.reps,
            tempo=tempo,
            **common,
        )
        self.said = _Said()

    @staticmethod
    def count_reps(line: _Timeline, reps: int, tempo: float) -> None:
        """Each rep starts on its number ("Go." is the first), the last one said as such;
        no 3-2-1 here, or a listener cannot tell reps from seconds."""
        for rep in range(2, reps + 1):
            at = (rep - 1) * tempo
            words = (f"{rep}, last one.", "Last one.", str(rep)) if rep == reps else (str(rep),)
            any(line.place(at, text, CueKind.REP) for text in words)

    def switch(
        self,
        planned: PlannedExercise,
        side: Side,
        set_number: int,
        entry: RoutineEntry,
        common: dict[str, object],
    ) -> None:
        line = _Timeline(self.routine.switch, self.length)
        line.place(0, "Switch sides.", CueKind.ANNOUNCE)
        line.countdown()
        side_said = line.place(
            line.after_opening(),
            _side_phrase(planned.exercise, side),
            CueKind.NEXT,
            latest=self.routine.switch,
        )
        self.add(line, StepKind.SWITCH, set=set_number, sets=entry.sets, side=side, **common)
        self.said = _Said(name=True, set=True, side=side_said)

    def rest(
        self,
        planned: PlannedExercise,
        next_set: int,
        entry: RoutineEntry,
        side: Side | None,
        common: dict[str, object],
    ) -> None:
        line = _Timeline(entry.rest, self.length)
        line.place(0, "Rest.", CueKind.ANNOUNCE)
        line.countdown()
        coming = _sentence(
            f"Next: set {next_set} of {entry.sets}.", _side_phrase(planned.exercise, side)
        )
        told = line.place(line.after_opening(), coming, CueKind.NEXT, latest=entry.rest)
        self.add(line, StepKind.REST, set=next_set - 1, sets=entry.sets, **common)
        self.said = _Said(name=True, set=told, side=told)

    def closing(self) -> Cue:
        minutes = round(self.clock / 60)
        span = "under a minute" if minutes < 1 else f"{minutes} minute{'s' if minutes > 1 else ''}"
        return Cue(0.0, f"All done: {self.routine.name}, {span}. Nice work.", CueKind.SUMMARY)


def build_plan(
    routine: Routine, catalog: Mapping[str, Exercise], options: PlanOptions | None = None
) -> Plan:
    return _Builder(routine, catalog, options or PlanOptions()).build()


def plan_phrases(
    routine: Routine, catalog: Mapping[str, Exercise], options: PlanOptions | None = None
) -> tuple[str, ...]:
    """Every line the plan might say: what the voice should render and measure before the
    plan is laid out with ``PlanOptions(speech_seconds=...)``. That is each line the builder
    weighed (spoken or not) and every set-up, form and level line of the exercises used."""
    builder = _Builder(routine, catalog, options or PlanOptions())
    plan = builder.build()
    texts = dict(builder.asked)
    for planned in plan.exercises.values():
        exercise, rung = planned.exercise, planned.rung
        for text in (exercise.setup, rung.setup, rung.cue, rung.rhythm, *exercise.form, *rung.form):
            if text:
                texts.setdefault(text, None)
    if plan.closing:
        texts.setdefault(plan.closing.text, None)
    return tuple(normalise(t) for t in texts)
