"""textual-serve's server with our page, the token guard and the cue stream beside it.

One app process per open page, as textual-serve does; each runs ``glutecoach app --voice
relay`` and sends its cues to the relay listener in this process (loopback, its own token),
which passes them to the pages (:mod:`glutecoach.web.cues`).
"""

from __future__ import annotations

import asyncio
import html
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

from aiohttp import web
from textual_serve.server import Server

from glutecoach.voice.relay import RelayServer
from glutecoach.voice.relay import new_token as new_relay_token
from glutecoach.voice.relay_backend import RELAY_ENV, RELAY_TOKEN_ENV
from glutecoach.web.cues import CueHub
from glutecoach.web.guard import QUERY, token_guard

PAGE = Path(__file__).with_name("page")
ASSETS = {"voice.js": "text/javascript", "page.css": "text/css"}
DEFAULT_FONT_SIZE = 16  # about 40 columns across a phone held upright


def app_command() -> str:
    """The app, as textual-serve starts it (a shell command line)."""
    argv = [sys.executable, "-m", "glutecoach", "app", "--voice", "relay"]
    if os.name == "nt":
        return subprocess.list2cmdline(argv)
    return shlex.join(argv)


class CoachServer(Server):
    """textual-serve's routes, behind the token, with our own page and the cue websocket."""

    def __init__(self, command: str, *, host: str, port: int, token: str, hub: CueHub) -> None:
        super().__init__(command, host=host, port=port, title="glutecoach")
        self.token = token
        self.hub = hub
        self._page = Template((PAGE / "index.html").read_text(encoding="utf-8"))
        self._apps: set[asyncio.Task[Any]] = set()

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(token_guard(self.token))
        app.router.add_get("/glutecoach/cues", self.hub.handle, name="cues")
        app.router.add_get("/glutecoach/{name}", self.handle_asset, name="asset")
        return app

    async def on_startup(self, app: web.Application) -> None:
        """The command line prints the address; textual-serve's banner would print it wrong."""

    async def handle_index(self, request: web.Request) -> web.Response:
        try:
            font_size = min(max(int(request.query.get("fontsize", "")), 8), 40)
        except ValueError:
            font_size = DEFAULT_FONT_SIZE
        scheme = "wss" if request.secure else "ws"
        # The address the browser used, so a phone reaching us by the LAN address (or a
        # tunnel on another port) gets a websocket address that works for it.
        page = self._page.substitute(
            title="glutecoach",
            websocket_url=html.escape(f"{scheme}://{request.host}/ws", quote=True),
            font_size=font_size,
        )
        return web.Response(text=page, content_type="text/html")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's, remembered so that stopping the server also stops its apps."""
        task = asyncio.current_task()
        assert task is not None
        self._apps.add(task)
        try:
            return await super().handle_websocket(request)
        finally:
            self._apps.discard(task)

    async def stop_apps(self, timeout: float = 5.0) -> None:
        """Ask every app to quit (textual-serve does that when its websocket handler ends)."""
        tasks = list(self._apps)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)

    async def handle_asset(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in ASSETS:
            raise web.HTTPNotFound()
        body = (PAGE / name).read_bytes()
        return web.Response(body=body, content_type=ASSETS[name], charset="utf-8")


@dataclass
class Serving:
    """A running server: where it listens, the URL query to use, and how to stop it."""

    runner: web.AppRunner
    server: CoachServer
    relay: RelayServer
    hub: CueHub
    token: str
    addresses: list[tuple[str, int]]

    @property
    def port(self) -> int:
        return self.addresses[0][1]

    def path(self) -> str:
        return f"/?{QUERY}={self.token}"

    async def close(self) -> None:
        await self.server.stop_apps()
        await self.runner.cleanup()
        await asyncio.to_thread(self.relay.stop)


async def start(
    *,
    host: str,
    port: int,
    token: str,
    command: str | None = None,
    local_voice: Any = None,
) -> Serving:
    """Listen on ``host:port`` (0: any free port) and return at once.

    The relay listener's address and token go into this process's environment, which
    textual-serve hands to every app it starts.
    """
    hub = CueHub(asyncio.get_running_loop(), also=local_voice)
    relay_token = new_relay_token()
    relay = RelayServer(relay_token, hub, port=0).start()
    os.environ[RELAY_ENV] = f"127.0.0.1:{relay.port}"
    os.environ[RELAY_TOKEN_ENV] = relay_token
    server = CoachServer(command or app_command(), host=host, port=port, token=token, hub=hub)
    runner = web.AppRunner(await server._make_app(), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError:
        await runner.cleanup()
        relay.stop()
        raise
    addresses = [(str(a[0]), int(a[1])) for a in runner.addresses]
    return Serving(runner, server, relay, hub, token, addresses)
