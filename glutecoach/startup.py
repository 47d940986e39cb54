"""Start-up speed: no cyclic garbage collection until the first frame is on screen.

Importing Textual and building the first screen allocates a few hundred thousand objects, none
of them garbage, and the collector would walk them several times before anything is drawn
(about 9 ms of the first frame here; ``tests/bench/app_bench.py`` measures it). So the command
line holds collection from the start, and the app releases it once its first frame is out:
``gc.freeze`` moves everything built so far into the permanent generation, which later
collections during a workout then skip as well.
"""

from __future__ import annotations

import gc

_held = False


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
