"""Helpers for tests that run the server in their own event loop."""

from __future__ import annotations

import asyncio
import gc
import threading


async def apps_reaped(timeout: float = 10.0) -> None:
    """Let the app processes exit and be collected while the loop still runs.

    asyncio learns of a child's exit from a watcher thread, through the loop; a transport
    collected after ``asyncio.run`` closed the loop complains (an unraisable exception).
    """
    for _ in range(int(timeout / 0.05)):
        if not any("waitpid" in t.name for t in threading.enumerate()):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.05)  # its exit callback, sent from that thread, runs
    gc.collect()
