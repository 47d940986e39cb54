"""Start-up speed: no cyclic garbage collection until the first frame is on screen, and the
first frame handed to the terminal at once.

Importing Textual and building the first screen allocates a few hundred thousand objects, none
of them garbage, and the collector would walk them several times before anything is drawn
(about 9 ms of the first frame here; ``tests/bench/app_bench.py`` measures it). So the command
line holds collection from the start, and the app releases it once its first frame is out:
``gc.freeze`` moves everything built so far into the permanent generation, which later
collections during a workout then skip as well.

Textual writes each frame from its own thread, which needs the interpreter's lock to do it.
Right after the first frame the UI thread is still busy (the next layout pass), and it gives
the lock up only every switch interval (5 ms): the first frame's bytes left the process a
median 9 ms (3-15 ms) after Textual handed them over. With a 0.5 ms interval until the
first frame is out, 1.7 ms. Nothing else runs then, so the shorter interval costs nothing.
"""

from __future__ import annotations

import gc
import sys

_held = False
FIRST_FRAME_SWITCH_INTERVAL = 0.0005  # seconds
_switch_interval: float | None = None  # the interval to go back to, while shortened


def hold_collection() -> None:
    """Pause cyclic garbage collection (reference counting still frees almost everything)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release_collection(*, freeze: bool = False) -> None:
    """Turn collection back on if ``hold_collection`` paused it; safe to call more than once.

    ``freeze`` first moves every object alive now out of the collector's sight for good: right
    for what start-up built (modules, classes, styles), which lives as long as the app.
    """
    global _held
    if not _held:
        return
    _held = False
    if freeze:
        gc.freeze()
    gc.enable()


def is_held() -> bool:
    return _held


def hand_over_quickly() -> None:
    """Let other threads (Textual's writer) take the interpreter within 0.5 ms, until
    ``hand_over_as_usual``. Safe to call more than once."""
    global _switch_interval
    if _switch_interval is None:
        _switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(_switch_interval, FIRST_FRAME_SWITCH_INTERVAL))


def hand_over_as_usual() -> None:
    """Back to the interval there was before ``hand_over_quickly``; safe to call again."""
    global _switch_interval
    if _switch_interval is not None:
        sys.setswitchinterval(_switch_interval)
        _switch_interval = None
