"""The reminder loop's logic on fake clocks, with the real history.db under an isolated home.

Other processes are played by a second store opening the same file: the reminder sees
their sessions only through SQLite, as it would another glutecoach.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from remind_fakes import TwoClocks

from glutecoach.engine.model import Plan
from glutecoach.remind.log import BreakLog, HistoryWatch, per_day, read_breaks
from glutecoach.remind.runner import Offer, PlainView, Reminder
from glutecoach.remind.schedule import Phase, Rules, Schedule
from glutecoach.store import Store, open_store

MIN = 60.0


class Alerts:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def nudge(self, title: str, spoken: str) -> None:
        self.calls.append((title, spoken))


class Lines:
    def __init__(self) -> None:
        self.text: list[str] = []

    def write(self, text: str) -> int:
        self.text.append(text)
        return len(text)

    def flush(self) -> None:
        return None

    @property
    def lines(self) -> list[str]:
        return "".join(self.text).splitlines()


@pytest.fixture
def store(isolated_home: Path) -> Iterator[Store]:
    s = open_store()
    yield s
    s.close()


@pytest.fixture
def other(store: Store) -> Iterator[Store]:
    """Another glutecoach on the same machine."""
    s = open_store()
    yield s
    s.close()


def a_plan() -> Plan:
    from glutecoach.coach import find_routine, make_plan

    with_store = open_store(history=False)
    try:
        return make_plan(find_routine("stretch-break"), with_store)
    finally:
        with_store.close()


def finish_session(store: Store, wall: float, active: float = 120.0) -> None:
    """A routine ending at ``wall`` (the fake clock's time) in another glutecoach."""
    record = store.history.begin(a_plan(), "Stretch break")
    record.finish("completed", active)
    ended = datetime.fromtimestamp(wall, UTC).replace(microsecond=0).isoformat()
    assert store.history.db is not None
    with store.history.db.write() as conn:
        conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (ended, record.session_id))


def make(
    store: Store,
    launch: Any = None,
    rules: Rules = Rules(interval=45 * MIN, snooze=10 * MIN),  # noqa: B008
    alive: Any = lambda pid: True,
) -> tuple[Reminder, TwoClocks, Alerts, Lines]:
    clocks = TwoClocks(time.time())  # real wall time: history's rows carry real times
    alerts = Alerts()
    out = Lines()
    reminder = Reminder(
        schedule=Schedule(rules, clocks.now(), UTC),
        offer=Offer("stretch-break", "Stretch break", "2:10", "every 45m"),
        watch=HistoryWatch(store.history.db, alive),
        log=BreakLog(store.history.db, lambda text: None),
        view=PlainView(out, keys=True),  # type: ignore[arg-type]
        alert=alerts,
        launch=launch or (lambda routine: 0),
        clock=clocks.now,
        poll=3600.0,
        minute_counter=False,
    )
    return reminder, clocks, alerts, out


def outcomes(store: Store) -> list[str]:
    return [row.outcome for row in reversed(read_breaks(store.history.db))]


def test_a_nudge_alerts_prints_one_line_and_a_snooze_is_remembered(store: Store) -> None:
    reminder, clocks, alerts, out = make(store)
    assert reminder.tick() == 45 * MIN
    clocks.advance(45 * MIN)
    reminder.tick()
    assert len(alerts.calls) == 1
    title, spoken = alerts.calls[0]
    assert title == "Time to stand up: you have sat for 45 min"
    assert "45 minutes" in spoken and "Press B for Stretch break" in spoken
    nudge_lines = [line for line in out.lines if "Time to stand up" in line]
    assert len(nudge_lines) == 1 and "s: snooze 10m" in nudge_lines[0]
    reminder.tick()  # a second look at the same nudge prints nothing new
    assert len([line for line in out.lines if "Time to stand up" in line]) == 1
    clocks.advance(4)
    reminder.key("s")
    assert outcomes(store) == ["snoozed"]
    row = read_breaks(store.history.db)[0]
    assert row.source == "nudge" and round(row.sat_seconds) == 45 * 60
    assert "Snoozed until" in out.lines[-1]


def test_skip_and_unknown_keys(store: Store) -> None:
    reminder, clocks, _alerts, _out = make(store)
    reminder.key("x")  # nothing to skip yet
    reminder.key("?")
    clocks.advance(45 * MIN)
    reminder.tick()
    reminder.key("x")
    assert outcomes(store) == ["skipped"]
    assert reminder.schedule.due_in(clocks.now()) == 45 * MIN


def test_a_break_is_taken_when_the_launched_routine_finishes(store: Store, other: Store) -> None:
    launched: list[str] = []

    def launch(routine: str) -> int:
        launched.append(routine)
        finish_session(other, clocks.wall)  # what `glutecoach run stretch-break` leaves in history
        return 0

    reminder, clocks, _alerts, out = make(store, launch)
    clocks.advance(45 * MIN)
    reminder.tick()
    reminder.key("b")
    assert launched == ["stretch-break"]
    assert outcomes(store) == ["taken"]
    assert read_breaks(store.history.db)[0].routine == "stretch-break"
    assert reminder.schedule.sat(clocks.now()) == 0
    assert "Break taken" in out.lines[-1]
    # The session it left is not counted a second time.
    assert reminder.tick() == 45 * MIN
    assert outcomes(store) == ["taken"]


def test_a_routine_that_fails_to_run_leaves_the_nudge_up(store: Store) -> None:
    reminder, clocks, _alerts, out = make(store, launch=lambda routine: 2)
    clocks.advance(45 * MIN)
    reminder.tick()
    reminder.key("b")
    assert outcomes(store) == []
    assert reminder.schedule.phase is Phase.NUDGING
    assert "did not finish (exit status 2)" in out.lines[-1]


def test_start_now_is_an_early_break(store: Store, other: Store) -> None:
    def launch(routine: str) -> int:
        finish_session(other, clocks.wall)
        return 0

    reminder, clocks, _alerts, _out = make(store, launch)
    clocks.advance(20 * MIN)
    reminder.tick()
    reminder.key("b")
    rows = read_breaks(store.history.db)
    assert [(r.outcome, r.source) for r in rows] == [("taken", "early")]


def test_a_routine_finished_in_another_glutecoach_takes_the_nudge(
    store: Store, other: Store
) -> None:
    reminder, clocks, alerts, _out = make(store)
    clocks.advance(45 * MIN)
    reminder.tick()
    finish_session(other, clocks.wall)
    clocks.advance(1)
    reminder.tick()
    assert outcomes(store) == ["taken"]
    assert reminder.schedule.phase is Phase.WAITING
    assert len(alerts.calls) == 1


def test_a_workout_stopped_after_seconds_is_not_a_break(store: Store, other: Store) -> None:
    reminder, clocks, _alerts, _out = make(store)
    clocks.advance(30 * MIN)
    record = other.history.begin(a_plan(), "Stretch break")
    record.finish("partial", 5.0)
    assert other.history.flush(), "the other process's session never reached the file"
    reminder.tick()
    assert reminder.schedule.sat(clocks.now()) == 30 * MIN


def test_no_nudge_while_a_workout_runs_in_a_live_process(store: Store, other: Store) -> None:
    live = {True}
    reminder, clocks, alerts, _out = make(store, alive=lambda pid: True in live)
    other.history.begin(a_plan(), "Stretch break")  # open, its process alive
    assert other.history.flush(), "the other process's session never reached the file"
    clocks.advance(45 * MIN)
    reminder.tick()
    clocks.advance(MIN)
    reminder.tick()
    assert alerts.calls == []
    live.clear()  # the process died without finishing (kill -9)
    clocks.advance(MIN)
    reminder.tick()
    assert len(alerts.calls) == 1


def test_history_is_read_only_when_another_connection_wrote(store: Store, other: Store) -> None:
    reminder, clocks, _alerts, _out = make(store)
    reminder.tick()
    reads = reminder.watch.reads
    for _ in range(5):
        clocks.advance(MIN)
        reminder.tick()
    assert reminder.watch.reads == reads  # nothing changed: only PRAGMA data_version ran
    finish_session(other, clocks.wall)
    reminder.tick()
    assert reminder.watch.reads == reads + 1
    # Our own writes (the breaks table) do not make us read again.
    clocks.advance(45 * MIN)
    reminder.tick()
    reminder.key("s")
    reminder.tick()
    assert reminder.watch.reads == reads + 1


def test_quitting_with_a_nudge_up_records_it_missed(store: Store) -> None:
    reminder, clocks, _alerts, _out = make(store)
    clocks.advance(45 * MIN)
    reminder.tick()
    reminder.key("q")
    assert not reminder.running
    reminder.close()
    assert outcomes(store) == ["missed"]


def test_per_day_counts(store: Store) -> None:
    reminder, clocks, _alerts, _out = make(store, rules=Rules(interval=MIN, snooze=MIN))
    for key in ("s", "s", "x"):
        clocks.advance(MIN)
        reminder.tick()
        reminder.key(key)
    days = per_day(read_breaks(store.history.db))
    assert len(days) == 1
    assert days[0][1] == {"taken": 0, "snoozed": 2, "skipped": 1, "missed": 0}


def test_without_history_the_reminder_still_works(isolated_home: Path) -> None:
    s = open_store(history=False)
    reminder, clocks, alerts, _out = make(s)
    clocks.advance(45 * MIN)
    reminder.tick()
    reminder.key("b")  # launch returns 0 and there is no history to ask: that is the break
    assert reminder.schedule.sat(clocks.now()) == 0
    assert len(alerts.calls) == 1
    s.close()


def test_the_nudge_is_said_once_through_a_voice_made_for_it() -> None:
    from glutecoach.remind.runner import TerminalAlert
    from glutecoach.store.settings import Settings
    from glutecoach.voice import RecordingVoice

    made: list[RecordingVoice] = []

    def factory(mode: str, settings: Any, **_: Any) -> RecordingVoice:
        made.append(RecordingVoice(mode, settings))
        return made[-1]

    out = Lines()
    alert = TerminalAlert(
        out,  # type: ignore[arg-type]
        escapes=True,
        voice_mode="speech",
        settings=Settings(),
        on_notice=lambda text: None,
        voice_factory=factory,
    )
    alert.nudge("Time to stand up: you have sat for 45 min", "Time to stand up.")
    assert len(made) == 1 and made[0].mode == "speech"
    assert made[0].texts == ["Time to stand up."]
    assert made[0].closed  # the worker is not kept for the hours until the next nudge
    written = "".join(out.text)
    assert written.startswith("\a\x1b]9;glutecoach: Time to stand up: you have sat for 45 min")
    assert "\x1b]777;notify;glutecoach;Time to stand up: you have sat for 45 min\x1b\\" in written


def test_a_silent_alert_makes_no_voice_and_writes_no_escapes_to_a_pipe() -> None:
    from glutecoach.remind.runner import TerminalAlert
    from glutecoach.store.settings import Settings

    out = Lines()

    def factory(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no voice should be made")

    alert = TerminalAlert(
        out,  # type: ignore[arg-type]
        escapes=False,
        voice_mode=None,
        settings=Settings(),
        on_notice=lambda text: None,
        voice_factory=factory,
    )
    alert.nudge("Time to stand up", "Time to stand up.")
    assert out.text == []


@pytest.mark.parametrize(
    ("flag", "speak", "voice", "expected"),
    [
        (None, True, "auto", "auto"),
        (None, False, "auto", None),  # [remind] speak = false
        ("captions", False, "auto", "captions"),  # --voice wins
        ("off", True, "speech", None),
        (None, True, "off", None),
    ],
)
def test_which_voice_a_nudge_uses(
    flag: str | None, speak: bool, voice: str, expected: str | None
) -> None:
    from glutecoach.remind.runner import voice_mode
    from glutecoach.store.remind_settings import RemindSettings
    from glutecoach.store.settings import Settings

    settings = Settings(voice=voice, remind=RemindSettings(speak=speak))
    assert voice_mode(flag, settings) == expected


def test_enter_takes_an_offered_break_but_never_starts_one(store: Store) -> None:
    launched: list[str] = []
    reminder, clocks, _alerts, _out = make(store, lambda routine: launched.append(routine) or 1)
    reminder.key("\r")
    assert launched == []
    clocks.advance(45 * MIN)
    reminder.tick()
    reminder.key("\r")
    assert launched == ["stretch-break"]


def test_notices_from_the_voice_thread_are_shown_by_the_loop(store: Store) -> None:
    reminder, _clocks, _alerts, out = make(store)
    reminder.notices.append("Speech is off: no sound output here.")
    reminder.tick()
    assert out.lines[-1].endswith("Speech is off: no sound output here.")
