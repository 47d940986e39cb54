"""The live workout driven with Pilot and a fixed clock: every key a user has mid-workout."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from app_helpers import advance, async_test, run_quick_to_the_end, start_quick, widget_text

from glutecoach.engine.model import StepKind
from glutecoach.screens.confirm import ConfirmScreen
from glutecoach.screens.summary import SummaryScreen
from glutecoach.screens.workout import WorkoutScreen
from glutecoach.widgets.countdown import Countdown
from glutecoach.widgets.line import Line


def phase_word(screen: WorkoutScreen) -> str:
    return screen.query_one("#phase-word", Line).text.strip()


def countdown(screen: WorkoutScreen) -> str:
    return screen.query_one(Countdown).value


@async_test
async def test_enter_starts_the_highlighted_user_routine(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        assert screen.plan.routine.id == "quick"
        assert phase_word(screen) == "GET READY"
        assert "Glute bridge, level 1" in screen.query_one("#title", Line).text
        assert countdown(screen) == "0:02"


@async_test
async def test_countdown_follows_the_clock_and_phases_change(make_app: Any, clock: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        await advance(pilot, clock, 1.0)
        assert countdown(screen) == "0:01"
        await advance(pilot, clock, 1.5)
        assert phase_word(screen) == "WORK"
        assert "rep 1 of 2" in screen.query_one("#detail", Line).text
        await advance(pilot, clock, 1.0)
        assert "rep 2 of 2" in screen.query_one("#detail", Line).text
        assert screen.has_class("-phase-work")


@async_test
async def test_pause_stops_the_clock_and_space_resumes(make_app: Any, clock: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        await pilot.press("space")
        assert screen.session.state().paused
        assert phase_word(screen).startswith("PAUSED")
        assert "Press Space" in screen.query_one("#paused-note", Line).text
        shown = countdown(screen)
        await advance(pilot, clock, 30)
        assert countdown(screen) == shown
        await pilot.press("space")
        assert not screen.session.state().paused
        assert not phase_word(screen).startswith("PAUSED")
        assert ("flush",) in app.screen.voice.calls


@async_test
async def test_next_and_previous_move_between_steps(make_app: Any, voices: list[Any]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        await pilot.press("n")
        assert screen.session.state().index == 1
        assert screen.session.state().step.kind == StepKind.WORK
        await pilot.press("right")
        assert screen.session.state().index == 2
        await pilot.press("p")
        assert screen.session.state().index == 1
        await pilot.press("left")
        assert screen.session.state().index == 0
        assert voices[0].calls.count(("flush",)) == 4
        assert any(call[0] == "step_changed" for call in voices[0].calls)


@async_test
async def test_mute_silences_the_voice_and_is_remembered(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        await pilot.press("m")
        assert ("set_muted", True) in screen.voice.calls
        assert app.store.settings.value.muted is True
        assert "muted" in screen.query_one("#voice-state", Line).text
        await pilot.press("m")
        assert ("set_muted", False) in screen.voice.calls
        assert app.store.settings.value.muted is False


@async_test
async def test_repeat_asks_the_voice_to_say_it_again(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        await pilot.press("r")
        assert ("repeat",) in screen.voice.calls


@async_test
async def test_cues_reach_voice_and_captions(make_app: Any, clock: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        await advance(pilot, clock, 0.5)
        assert screen.voice.texts, "no cue reached the voice"
        assert screen.voice.texts[0] in screen.query_one("#said", Line).text


@async_test
async def test_leaving_asks_first_and_no_keeps_going(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        assert screen.session.state().paused, "the clock should wait while the user decides"
        await pilot.press("n")
        assert app.screen is screen
        assert not screen.session.state().paused


@async_test
async def test_leaving_mid_workout_keeps_what_was_done(make_app: Any, clock: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        await advance(pilot, clock, 3.2)
        await pilot.press("escape")
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.result.status == "partial"
        assert "Stopped early" in app.screen.query_one("#heading", Line).text
        (session,) = app.store.history.sessions()
        assert session.status == "partial"
        assert app.screen.run is screen.run  # the summary owns the run now
        assert not screen.voice.closed  # closed when the summary goes, not before


@async_test
async def test_finishing_then_rating_saves_the_effort(
    make_app: Any, clock: Any, voices: list[Any]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_quick(pilot)
        await run_quick_to_the_end(pilot, clock)
        assert isinstance(app.screen, SummaryScreen)
        summary = app.screen
        assert summary.result.status == "completed"
        assert "Done: Quick test" in summary.query_one("#heading", Line).text
        await pilot.press("2")
        assert "about right" in summary.query_one("#rating", Line).text
        (session,) = app.store.history.sessions()
        assert session.status == "completed"
        assert session.effort == 2
        await pilot.press("enter")
        assert app.screen.__class__.__name__ == "RoutinesScreen"
        await pilot.pause(0.2)
        assert voices[0].closed, "the voice must be closed once the summary is gone"


@async_test
async def test_summary_counts_sets_not_sides_of_one_sided_exercises(
    make_app: Any, clock: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_quick(pilot)
        await run_quick_to_the_end(pilot, clock)
        assert isinstance(app.screen, SummaryScreen)
        tallies = {e.name: (e.sets_done, e.sets_planned) for e in app.screen.result.exercises}
        # Two sets of bridges; one set of the runner's stretch, done on both sides.
        assert tallies == {"Glute bridge": (2, 2), "Runner's stretch": (1, 1)}


LONG_NOTICE = (
    "Speech is off: no sound output here (no sound card; the only audio device throws the "
    "sound away). Showing captions and ringing the bell instead. `glutecoach doctor` explains."
)


@pytest.mark.parametrize(
    ("size", "shown"),
    [((40, 12), "Speech is off: no sound output here."), ((80, 24), LONG_NOTICE)],
)
@async_test
async def test_a_voice_notice_is_cut_to_its_gist_where_a_toast_would_cover_the_countdown(
    make_app: Any, clock: Any, size: tuple[int, int], shown: str
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await start_quick(pilot)
        screen._voice_notice(LONG_NOTICE)
        await pilot.pause()
        assert [n.message for n in app._notifications][-1] == shown


@async_test
async def test_a_long_notice_still_showing_after_shrinking_to_40x12_leaves_the_countdown(
    make_app: Any, clock: Any
) -> None:
    from textual.widgets._toast import Toast

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await start_quick(pilot)
        screen._voice_notice(LONG_NOTICE)  # said in full: the terminal was big then
        await pilot.pause()
        await pilot.resize_terminal(40, 12)
        await pilot.pause(0.2)
        (toast,) = app.screen.query(Toast)
        assert toast.region.height <= 4
        for selector in ("#phase-band", "#title", "#clock"):
            assert not toast.region.overlaps(screen.query_one(selector).region), selector


@async_test
async def test_timer_wakes_at_display_boundaries_not_ten_times_a_second(
    make_app: Any, clock: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        clock.advance(0.3)
        delay = screen.delay_to_next_change(screen.session.state())
        assert 0.6 < delay <= 0.72


@async_test
async def test_resizing_to_40x12_keeps_phase_exercise_and_countdown(
    make_app: Any, clock: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        await advance(pilot, clock, 2.5)
        for size in ((40, 12), (100, 40), (40, 12)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
        regions = [
            screen.query_one(selector).region
            for selector in ("#phase-band", "#title", "#clock", "#routine-bar")
        ]
        for region in regions:
            assert region.height > 0 and region.bottom <= 11, region
        for first, second in itertools.pairwise(regions):
            assert not first.overlaps(second)


@async_test
async def test_bell_and_notifications_reach_the_terminal_through_the_app(
    make_app: Any, clock: Any
) -> None:
    app = make_app(real_voice=True)
    app.store.settings.update(bell=True, notify=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_quick(pilot)
        await advance(pilot, clock, 2.5)
        written = "".join(app.terminal_log)
        assert "\a" in written, "no bell at the step change"
        assert "\x1b]" in written, "no desktop notification escape"


@async_test
async def test_summary_offers_a_level_up_and_a_takes_it(make_app: Any, clock: Any) -> None:
    from glutecoach.coach import all_routines, make_plan
    from glutecoach.engine.progress import PlanTally

    app = make_app()
    plan = make_plan(all_routines().routines["quick"], app.store)
    for _ in range(3):
        record = app.store.history.begin(plan, "Quick test")
        tally = PlanTally(plan)
        for index, step in enumerate(plan.steps):
            record.progress(tally.ended(index, step, step.seconds, True), tally.active_seconds)
        record.finish("completed", plan.total_seconds)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_quick(pilot)
        await run_quick_to_the_end(pilot, clock)
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        await pilot.press("1")
        offered = widget_text(summary.query_one("#suggestions"))
        assert "Glute bridge" in offered and "1 → 2" in offered
        await pilot.press("a")
        assert app.store.levels.get("glute-bridge") == 2


@async_test
async def test_voice_state_from_a_background_thread_reaches_the_screen(make_app: Any) -> None:
    import threading

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        worker = threading.Thread(
            target=app.from_any_thread, args=(screen._show_voice_state, "speaking")
        )
        worker.start()
        worker.join(timeout=2)
        await pilot.pause()
        assert screen.query_one("#voice-state", Line).text.strip() == "voice: speaking"


@async_test
async def test_skipping_to_the_end_is_partial_but_not_stopped_early(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        for _ in range(len(screen.plan.steps)):
            await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.result.status == "partial"
        heading = app.screen.query_one("#heading", Line).text
        assert heading.startswith("Done, with steps skipped")
