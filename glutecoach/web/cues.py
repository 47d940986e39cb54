"""The cue stream: what the app's relay voice sends, passed on to every open page.

The app runs with ``--voice relay`` and connects to a :class:`~glutecoach.voice.relay.RelayServer`
in the serving process; that server checks the token, cleans and limits the text, and calls
:class:`CueHub` as its speaker. The hub turns each call back into a small JSON message and sends
it to the pages listening on the cue websocket. It never speaks itself unless given a local
voice (``serve --voice-here``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from glutecoach.engine.model import Cue

PAGE_BACKLOG = 500  # messages waiting for one page before newer ones are dropped


class CueHub:
    """Called from the relay's threads; sends on the web server's event loop."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        *,
        also: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._loop = loop
        self._also = also  # a local voice with the same cue/flush methods, or None
        self._clock = clock
        self.pages: dict[web.WebSocketResponse, asyncio.Queue[str]] = {}

    # The relay's Speaker protocol -------------------------------------------------------

    def cue(self, cue: Cue, due: float | None = None) -> None:
        late = 0.0 if due is None else max(0.0, self._clock() - due)
        self._post({"op": "cue", "text": cue.text, "kind": str(cue.kind), "late": round(late, 3)})
        if self._also is not None:
            self._also.cue(cue, due)

    def flush(self) -> None:
        self._post({"op": "flush"})
        if self._also is not None:
            self._also.flush()

    # ------------------------------------------------------------------------------------

    def _post(self, msg: dict[str, Any]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: the server is stopping
            self._loop.call_soon_threadsafe(self._send, msg)

    def _send(self, msg: dict[str, Any]) -> None:
        text = json.dumps(msg, separators=(",", ":"))
        for outbox in self.pages.values():
            with contextlib.suppress(asyncio.QueueFull):  # a page that stopped reading
                outbox.put_nowait(text)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """The page's end: one queue per page keeps each page's messages in order.

        The page only listens; anything it sends is read and ignored.
        """
        ws = web.WebSocketResponse(heartbeat=20, max_msg_size=1024)
        await ws.prepare(request)
        outbox: asyncio.Queue[str] = asyncio.Queue(maxsize=PAGE_BACKLOG)
        self.pages[ws] = outbox
        sender = asyncio.create_task(_pass_on(ws, outbox))
        try:
            async for _msg in ws:
                pass
        finally:
            del self.pages[ws]
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
        return ws


async def _pass_on(ws: web.WebSocketResponse, outbox: asyncio.Queue[str]) -> None:
    with contextlib.suppress(ConnectionError):
        while True:
            await ws.send_str(await outbox.get())
