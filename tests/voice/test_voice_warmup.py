"""The background warm-up of the phrase cache: what it asks for, in what order, and that it
stands aside while a workout speaks (logic, with a fake worker client)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.plan import build_plan
from glutecoach.engine.routines import load_routines
from glutecoach.store.settings import Settings
from glutecoach.voice import warmup
from glutecoach.workout.replan import FIRST_STEPS, every_line, texts


class FakeWorker:
    """A worker client that records what it was asked and reports "prepared" when told."""

    made: list[FakeWorker]

    def __init__(self, on_event: Callable[[dict[str, Any]], None], **kwargs: Any) -> None:
        self.on_event = on_event
        self.kwargs = kwargs
        self.sent: list[dict[str, Any]] = []
        self.released = threading.Event()
        self.made.append(self)

    def start(self) -> None:
        pass

    def send(self, **msg: Any) -> bool:
        self.sent.append(msg)
        return True

    def release(self) -> None:
        self.released.set()

    def prepared(self) -> None:
        self.on_event({"ev": "prepared", "seq": 1, "lengths": {}})

    def lines(self) -> list[str]:
        return [t for m in self.sent if m["op"] == "prerender" for t in m["texts"]]


@pytest.fixture
def workers() -> Iterator[list[FakeWorker]]:
    FakeWorker.made = []
    yield FakeWorker.made


def wait_for(check: Callable[[], bool], timeout: float = 5.0) -> None:
    done = threading.Event()
    deadline = threading.Timer(timeout, done.set)
    deadline.start()
    try:
        while not check():
            if done.wait(0.005):
                raise AssertionError("timed out")
    finally:
        deadline.cancel()


def plans() -> list[Any]:
    catalog = load_catalog()
    found = load_routines()
    return [build_plan(found.get(r), catalog) for r in ("stretch-break", "desk-reset")]


def job_of(settings: Settings, lines: list[str]) -> warmup.Job:
    return warmup.Job(settings.voice_id, settings.rate, settings.volume, tuple(lines))


def test_the_first_steps_of_every_routine_come_first_then_every_line_then_the_common() -> None:
    first, second = plans()
    lines = warmup.lines_to_warm([first, second], ["Rest.", "Go.", "A common one."])
    heads = texts(first, 0, FIRST_STEPS) + texts(second, 0, FIRST_STEPS)
    heads = list(dict.fromkeys(heads))
    assert lines[: len(heads)] == heads
    assert set(lines) == set(heads) | set(every_line(first)) | set(every_line(second)) | {
        "Rest.",
        "Go.",
        "A common one.",
    }
    assert lines[-1] == "A common one."
    assert len(lines) == len(set(lines))


def started(
    job: Callable[[], warmup.Job | None], speakers: warmup.Speakers | None = None
) -> warmup.Warmup:
    """A warm-up of ``job`` with no delay, its workers fakes, counting its own speakers."""
    return warmup.Warmup(
        job, delay=0.0, worker=FakeWorker, speakers=speakers or warmup.Speakers()
    ).start()


def test_it_warms_once_per_voice_and_rate_and_again_after_a_change(
    workers: list[FakeWorker],
) -> None:
    current = [Settings(voice_id="", rate=170)]
    lines = ["Next up: clamshells.", "Go."]
    w = started(lambda: job_of(current[0], lines))
    try:
        wait_for(lambda: len(workers) == 1 and workers[0].sent != [])
        assert workers[0].lines() == lines
        assert workers[0].kwargs["rate"] == 170 and workers[0].kwargs["nice"] == warmup.WARM_NICE
        assert workers[0].kwargs["prerender"] is False
        workers[0].prepared()
        wait_for(lambda: workers[0].released.is_set())
        assert w.wait_idle(5)
        w.settings_changed(current[0])  # the same voice and rate (say, the theme changed)
        assert w.wait_idle(5)
        assert len(workers) == 1, "warmed again for settings it had warmed"
        current[0] = Settings(voice_id="", rate=200)
        w.settings_changed(current[0])
        wait_for(lambda: len(workers) == 2 and workers[1].sent != [])
        assert workers[1].kwargs["rate"] == 200
        workers[1].prepared()
        assert w.wait_idle(5)
        assert [j.rate for j in w.warmed] == [170, 200]
    finally:
        w.close()
        w.join(5)


def test_a_workout_speaking_stops_the_warm_up_which_goes_on_after(
    workers: list[FakeWorker],
) -> None:
    settings = Settings()
    speakers = warmup.Speakers()
    w = started(lambda: job_of(settings, ["Go."]), speakers)
    try:
        wait_for(lambda: len(workers) == 1 and workers[0].sent != [])
        speakers.opened()  # a workout's voice opens its worker
        try:
            wait_for(lambda: workers[0].released.is_set())  # told to quit at once
            assert w.wait_idle(0.3) is False  # waiting for the workout, not done
            assert len(workers) == 1, "a worker started while a workout speaks"
        finally:
            speakers.closed()
        wait_for(lambda: len(workers) == 2 and workers[1].sent != [])
        workers[1].prepared()
        assert w.wait_idle(5)
        assert w.cut == 1 and len(w.warmed) == 1
    finally:
        w.close()
        w.join(5)


def test_a_worker_that_dies_is_not_started_again_and_again(workers: list[FakeWorker]) -> None:
    settings = Settings()
    w = started(lambda: job_of(settings, ["Go."]))
    try:
        wait_for(lambda: len(workers) == 1 and workers[0].sent != [])
        workers[0].on_event({"ev": "exit", "code": 3, "expected": False})
        assert w.wait_idle(5)
        assert len(workers) == 1 and len(w.failed) == 1 and not w.warmed
    finally:
        w.close()
        w.join(5)


def test_nothing_is_warmed_for_a_voice_that_does_not_speak_through_the_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Host:
        voice_mode: str | None = None
        store: Any = None
        settings = Settings(voice="captions")

    assert warmup.app_job(Host()) is None
    Host.voice_mode = "relay"
    assert warmup.app_job(Host()) is None
    Host.voice_mode = "auto"
    monkeypatch.setenv("GLUTECOACH_RELAY", "127.0.0.1:1")
    assert warmup.app_job(Host()) is None


@pytest.mark.voice  # the job is made only where an engine is found
def test_the_app_job_puts_the_routine_used_last_first() -> None:
    class Sessions:
        def sessions(self, **_: Any) -> list[Any]:
            class Row:
                routine = "stretch-break"

            return [Row()]

    class Store:
        history = Sessions()

        class levels:
            @staticmethod
            def current() -> dict[str, int]:
                return {}

        class settings:
            value = Settings(voice="speech")

    class Host:
        voice_mode: str | None = "speech"
        store: Any = Store()
        settings = Settings(voice="speech")

    job = warmup.app_job(Host())
    assert job is not None
    stretch = build_plan(load_routines().get("stretch-break"), load_catalog())
    heads = texts(stretch, 0, FIRST_STEPS)
    assert list(job.lines[: len(heads)]) == heads


@pytest.mark.voice
def test_a_voice_speaking_through_the_worker_is_counted_while_open(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glutecoach.voice import make_voice

    monkeypatch.setenv("GLUTECOACH_PLAYER", "true {file}")
    before = warmup.SPEAKERS.open
    voice = make_voice("speech", Settings(), cache_dir=tmp_path / "cache")
    try:
        assert voice.wait_ready(30)
        assert warmup.SPEAKERS.open == before + 1
    finally:
        voice.close(drain=0, wait=True)
    assert warmup.SPEAKERS.open == before


def test_no_more_lines_are_warmed_than_half_the_phrase_cache() -> None:
    from glutecoach.voice.synth import CACHE_LIMIT

    assert warmup.WARM_LIMIT <= CACHE_LIMIT // 2
    many = [f"Line {i}." for i in range(3 * CACHE_LIMIT)]
    lines = warmup.lines_to_warm(plans(), many)
    assert len(lines) == warmup.WARM_LIMIT
    heads = [t for plan in plans() for t in texts(plan, 0, FIRST_STEPS)]
    assert lines[: len(dict.fromkeys(heads))] == list(dict.fromkeys(heads))  # the first kept


def test_a_level_change_warms_again(monkeypatch: pytest.MonkeyPatch) -> None:
    class Signal:
        def __init__(self) -> None:
            self.callbacks: list[Callable[[Any], None]] = []

        def subscribe(self, _node: Any, callback: Callable[[Any], None]) -> None:
            self.callbacks.append(callback)

        def publish(self, value: Any) -> None:
            for callback in self.callbacks:
                callback(value)

    class Host:  # no store: its job finds nothing to warm, and no worker starts
        settings_signal = Signal()
        levels_signal = Signal()

        @staticmethod
        def from_any_thread(call: Callable[..., Any], *args: Any) -> None:
            call(*args)

    changes: list[object] = []
    monkeypatch.setattr(
        warmup.Warmup, "settings_changed", lambda self, settings=None: changes.append(settings)
    )
    host = Host()
    w = warmup.warm_for_app(host)  # type: ignore[arg-type]
    try:
        host.levels_signal.publish("glute-bridge")
        assert changes == [None]  # another level: other lines, looked at again
        host.settings_signal.publish(Settings(rate=200))
        assert len(changes) == 2 and changes[1] == Settings(rate=200)
    finally:
        w.close()
        w.join(5)


def test_no_worker_starts_when_a_workout_opened_while_the_job_was_planned(
    workers: list[FakeWorker],
) -> None:
    speakers = warmup.Speakers()

    def job() -> warmup.Job:
        speakers.opened()  # the user pressed Enter while the lines were being gathered
        return job_of(Settings(), ["Go."])

    w = started(job, speakers)
    try:
        wait_for(lambda: w.cut >= 1)
        assert workers == []
    finally:
        speakers.closed()
        w.close()
        w.join(5)


@pytest.mark.parametrize(("needs_output", "warmed"), [(True, False), (False, True)])
def test_an_auto_voice_without_sound_output_warms_nothing(
    workers: list[FakeWorker], needs_output: bool, warmed: bool
) -> None:
    job = warmup.Job("", 170, 1.0, ("Go.",), needs_output)
    w = started(lambda: job)
    try:
        wait_for(lambda: len(workers) == 1 and workers[0].sent != [])
        workers[0].on_event({"ev": "ready", "output": False, "output_how": "no sound server"})
        if warmed:  # "speech" asked for: it speaks (and so warms) anyway
            workers[0].prepared()
        assert w.wait_idle(5)
        assert bool(w.warmed) is warmed and bool(w.failed) is not warmed
        assert len(workers) == 1
    finally:
        w.close()
        w.join(5)
