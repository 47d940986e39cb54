"""Fakes shared by every test area (logic tests only: the real parts are tested elsewhere)."""

from __future__ import annotations


class FakeClock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        assert seconds >= 0, "a monotonic clock never goes back"
        self.now += seconds


class RecordingLog:
    """A ``SessionLog`` that remembers what its recorders were told (logic tests only)."""

    enabled = True
    why_disabled = ""

    def __init__(self) -> None:
        self.begun: list[tuple[str, str]] = []
        self.steps: list[tuple[object, float]] = []  # (ExerciseDone | None, active seconds)
        self.finished: list[tuple[str, float]] = []
        self.ratings: list[int] = []
        self.on_notice: object = None

    def begin(self, plan: object, routine_name: str, on_notice: object = None) -> RecordingLog:
        self.begun.append((getattr(getattr(plan, "routine", None), "id", ""), routine_name))
        self.on_notice = on_notice
        return self

    # the recorder half
    def progress(self, done: object, active_seconds: float) -> None:
        self.steps.append((done, active_seconds))

    def finish(self, status: str, active_seconds: float) -> None:
        self.finished.append((status, active_seconds))

    def rate(self, effort: int) -> None:
        self.ratings.append(effort)
