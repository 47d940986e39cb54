"""WorkoutRun's own logic against a fake clock: order, settings honoured, the re-say on resume."""

from __future__ import annotations

from typing import Any

from fakes import FakeClock, RecordingLog

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.model import CueKind
from glutecoach.engine.plan import build_plan, plan_phrases, speech_seconds
from glutecoach.engine.routines import load_routines
from glutecoach.store.settings import Settings
from glutecoach.voice.recording import RecordingVoice
from glutecoach.workout import events as view
from glutecoach.workout.replan import FIRST_WAIT, READY_WAIT
from glutecoach.workout.run import WorkoutRun, short_form


def make(
    routine: str = "desk-reset", settings: Settings | None = None
) -> tuple[WorkoutRun, FakeClock, list[RecordingVoice]]:
    plan = build_plan(load_routines().get(routine), load_catalog())
    clock = FakeClock()
    voices: list[RecordingVoice] = []

    def factory(mode: str, settings: Settings, **_: Any) -> RecordingVoice:
        voices.append(RecordingVoice(mode, settings))
        return voices[-1]

    run = WorkoutRun(
        plan, settings or Settings(), log=RecordingLog(), voice_factory=factory, clock=clock
    )
    return run, clock, voices


def test_muted_in_the_settings_is_muted_from_the_first_cue() -> None:
    run, _clock, voices = make(settings=Settings(muted=True))
    run.start()
    run.poll()
    calls = voices[0].calls
    first_cue = next(i for i, c in enumerate(calls) if c[0] == "cue")
    assert ("set_muted", True) in calls[:first_cue]
    assert run.muted
    run.toggle_mute()
    assert [e for e in run.poll() if isinstance(e, view.MuteChanged)] == [view.MuteChanged(False)]


def test_the_first_steps_render_first_then_every_line_then_the_clock_starts() -> None:
    run, _, voices = make()
    run.open()
    model = run.plan
    asked = [c[1] for c in voices[0].calls if c[0] == "prepare"]
    assert asked == [list(dict.fromkeys(c.text for s in model.steps[:2] for c in s.cues))]
    run.poll()  # the recording voice is ready at once: every other line, then the clock
    assert run.started
    first, rest, after = [c[1] for c in voices[0].calls if c[0] == "prepare"]
    assert model.options is not None
    weighed = plan_phrases(model.routine, load_catalog(), model.options)
    assert set(first) | set(rest) == set(weighed) | set(first)
    assert not set(first) & set(rest)
    plan = run.plan
    assert plan.closing is not None and after[-1] == plan.closing.text
    every = {c.text for s in plan.steps for c in s.cues} | {plan.closing.text}
    assert set(first) | set(after) == every


def test_the_clock_waits_for_the_voice_then_starts_anyway() -> None:
    run, clock, _voices = make()

    class Slow(RecordingVoice):
        def wait_ready(self, timeout: float = 0.0) -> bool:
            return False

    run._voice_factory = lambda mode, settings, **_: Slow(mode, settings)  # type: ignore[assignment]
    run.open()
    assert isinstance(run.poll()[-1], view.VoiceState) or not run.started
    assert not run.started
    clock.advance(READY_WAIT + 0.5)
    run.poll()
    assert not run.started, "started before the first steps' lines were rendered"
    clock.advance(FIRST_WAIT - READY_WAIT)
    events = run.poll()
    assert run.started and any(isinstance(e, view.Started) for e in events)
    assert any(isinstance(e, view.VoiceNotice) for e in events)


def _first_long_instruction(run: WorkoutRun) -> tuple[int, Any]:
    for index, step in enumerate(run.plan.steps):
        for cue in step.cues:
            if cue.kind not in (CueKind.COUNT, CueKind.REP) and speech_seconds(cue.text) > 2:
                return index, cue
    raise AssertionError("no long instruction in the plan")


def test_a_pause_that_cuts_an_instruction_says_it_again_short_on_resume() -> None:
    run, clock, voices = make()
    run.start()
    index, cue = _first_long_instruction(run)
    due = run.plan.steps[index].start + cue.at
    clock.advance(due + 0.5)  # half a second into the line
    run.poll()
    run.pause()
    run.poll()
    clock.advance(20)
    run.resume()
    events = run.poll()
    again = [e for e in events if isinstance(e, view.CueShown)]
    assert [e.cue.text for e in again] == [short_form(cue.text)]
    assert voices[0].texts[-1] == short_form(cue.text)


def test_a_pause_after_the_line_was_said_says_nothing_again() -> None:
    run, clock, voices = make()
    run.start()
    index, cue = _first_long_instruction(run)
    due = run.plan.steps[index].start + cue.at
    clock.advance(due + speech_seconds(cue.text) + 0.1)
    run.poll()
    said = len(voices[0].texts)
    run.pause()
    run.poll()
    run.resume()
    run.poll()
    assert len(voices[0].texts) == said


def test_short_form_keeps_short_lines_and_cuts_long_ones_to_their_first_sentence() -> None:
    assert short_form("Switch sides.") == "Switch sides."
    assert (
        short_form("Lie on your side, back to a wall. Knees bent, heels together.")
        == "Lie on your side, back to a wall."
    )
