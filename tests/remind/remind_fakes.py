"""Two clocks that move only when a test says so, the way the real ones do."""

from __future__ import annotations

from datetime import UTC, datetime

from fakes import FakeClock

from glutecoach.remind.schedule import Instant

# Monday 30 November 2026, 09:00 UTC.
MONDAY_9AM = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).timestamp()


class TwoClocks:
    """A monotonic clock and a wall clock. ``advance`` moves both; ``suspend`` moves only the
    wall clock, as a Linux or macOS laptop does while its lid is shut."""

    def __init__(self, wall: float = MONDAY_9AM) -> None:
        self.mono = FakeClock(1000.0)
        self.wall = wall

    def now(self) -> Instant:
        return Instant(self.mono(), self.wall)

    def advance(self, seconds: float) -> Instant:
        self.mono.advance(seconds)
        self.wall += seconds
        return self.now()

    def suspend(self, seconds: float) -> Instant:
        self.wall += seconds
        return self.now()
