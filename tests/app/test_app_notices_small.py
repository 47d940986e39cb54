"""At 40x12 a notice must not cover the Next line or what the coach said (issue 15,
fault 16): those are how a workout is followed without sound."""

from __future__ import annotations

from typing import Any

from app_helpers import async_test, start_quick
from textual.widgets._toast import Toast


@async_test
async def test_a_notice_at_40x12_leaves_next_and_coach_readable(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(40, 12), notifications=True) as pilot:
        screen = await start_quick(pilot)
        app.notify("Speech stopped working; captions and the bell from now on.", timeout=30)
        await pilot.pause(0.3)
        toasts = list(app.screen.query(Toast))
        assert toasts
        covered = []
        for name in ("#next", "#said", "#clock"):
            line = screen.query_one(name).region
            for toast in toasts:
                if toast.region.overlaps(line):
                    covered.append(name)
        assert covered == [], (covered, [t.region for t in toasts])
