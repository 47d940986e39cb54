"""The server itself, with a real aiohttp client on loopback and the real app behind /ws."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urljoin

import aiohttp
import pytest
from serving import apps_reaped

from glutecoach.voice.relay import RelayClient
from glutecoach.web import server
from glutecoach.web.guard import cookie_name

TOKEN = "test-token-0123456789abcdef"


@asynccontextmanager
async def serving(
    host: str = "127.0.0.1", token: str = TOKEN
) -> AsyncIterator[tuple[server.Serving, str]]:
    s = await server.start(host=host, port=0, token=token)
    try:
        yield s, f"http://127.0.0.1:{s.port}"
    finally:
        await s.close()
        await apps_reaped()


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(asyncio.wait_for(scenario(), 60))


async def status(http: aiohttp.ClientSession, url: str) -> int:
    async with http.get(url, allow_redirects=False) as r:
        await r.read()
        return r.status


async def ws_status(http: aiohttp.ClientSession, url: str, **kw: Any) -> int:
    try:
        async with http.ws_connect(url, **kw):
            return 101
    except aiohttp.WSServerHandshakeError as exc:
        return exc.status


def test_every_http_request_without_the_token_is_refused() -> None:
    async def scenario() -> None:
        async with serving() as (_, base), aiohttp.ClientSession() as http:
            for path in ("/", "/static/js/textual.js", "/glutecoach/voice.js", "/nowhere"):
                assert await status(http, base + path) == 403, path
                assert await status(http, base + path + "?token=wrong") == 403, path
            assert await status(http, base + "/?token=" + TOKEN[:-1]) == 403

    run(scenario)


def browser_like() -> aiohttp.ClientSession:
    """A client that keeps cookies from a numeric host (127.0.0.1), as browsers do."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


def test_the_token_in_the_url_opens_the_page_and_a_cookie_carries_it_on() -> None:
    async def scenario() -> None:
        async with serving() as (_, base):
            async with browser_like() as http:
                async with http.get(f"{base}/?token={TOKEN}") as r:
                    assert r.status == 200
                    page = await r.text()
                    cookie = r.headers["Set-Cookie"]
                assert 'id="terminal"' in page and "/glutecoach/voice.js" in page
                assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
                # The session now holds the cookie: the page's own requests need nothing more.
                assert await status(http, base + "/static/js/textual.js") == 200
                assert await status(http, base + "/glutecoach/voice.js") == 200
            wrong = {cookie_name(int(base.rsplit(":", 1)[1])): "wrong"}
            async with aiohttp.ClientSession(cookies=wrong) as http:
                assert await status(http, base + "/glutecoach/voice.js") == 403

    run(scenario)


def test_two_servers_on_one_machine_keep_their_own_pages_open() -> None:
    # A browser keeps one set of cookies per host, whatever the port.
    async def scenario() -> None:
        other = TOKEN[::-1]
        async with (
            serving() as (_, first),
            serving(token=other) as (_, second),
            browser_like() as http,
        ):
            assert await status(http, f"{first}/?token={TOKEN}") == 200
            assert await status(http, f"{second}/?token={other}") == 200
            assert await status(http, first + "/glutecoach/voice.js") == 200
            assert await status(http, second + "/glutecoach/voice.js") == 200

    run(scenario)


def test_the_app_websocket_needs_the_token_and_then_runs_the_real_app() -> None:
    async def scenario() -> None:
        async with serving() as (_, base):
            ws_url = base.replace("http:", "ws:") + "/ws?width=40&height=30"
            async with aiohttp.ClientSession() as http:
                assert await ws_status(http, ws_url) == 403
            cookies = {cookie_name(int(base.rsplit(":", 1)[1])): TOKEN}
            async with aiohttp.ClientSession(cookies=cookies) as http:
                # From another site's page (the browser sends that site's Origin): refused.
                evil = {"Origin": "http://example.invalid"}
                assert await ws_status(http, ws_url, headers=evil) == 403
                async with http.ws_connect(ws_url, headers={"Origin": base}) as ws:
                    await ws.send_str(json.dumps(["resize", {"width": 40, "height": 30}]))
                    drawn = b""
                    async for msg in ws:
                        if msg.type == aiohttp.WSMsgType.BINARY:
                            drawn += msg.data
                        if b"Routines" in drawn:
                            break
                    assert b"Routines" in drawn  # the app started under the web driver

    run(scenario)


def test_cues_reach_the_page_stream_in_order_and_only_with_the_token() -> None:
    async def scenario() -> None:
        async with serving() as (_, base):
            cues_url = base.replace("http:", "ws:") + "/glutecoach/cues"
            async with aiohttp.ClientSession() as http:
                assert await ws_status(http, cues_url) == 403
                assert await ws_status(http, cues_url + "?token=nope") == 403
                async with http.ws_connect(f"{cues_url}?token={TOKEN}") as ws:
                    # The app's side: the relay listener serve started, found as the app finds it.
                    client = RelayClient(
                        os.environ["GLUTECOACH_RELAY"], os.environ["GLUTECOACH_RELAY_TOKEN"]
                    )
                    await asyncio.to_thread(client.connect)
                    texts = ["First up: clamshells.", "3", "2", "1", "Switch\x1b[2J sides."]
                    for text in texts:
                        kind = "count" if text.isdigit() else "announce"
                        client.send({"op": "cue", "text": text, "kind": kind, "late": 0.25})
                    client.send({"op": "flush"})
                    got = [json.loads((await ws.receive(timeout=10)).data) for _ in range(6)]
                    client.close()
            assert [m.get("text") for m in got[:5]] == [
                "First up: clamshells.",
                "3",
                "2",
                "1",
                "Switch [2J sides.",  # control characters never reach the page
            ]
            assert got[1]["kind"] == "count" and got[0]["kind"] == "announce"
            assert all(m["late"] >= 0.25 for m in got[:5])
            assert got[5] == {"op": "flush"}

    run(scenario)


def test_the_relay_listener_wants_its_own_token() -> None:
    async def scenario() -> None:
        async with serving():
            client = RelayClient(os.environ["GLUTECOACH_RELAY"], TOKEN)  # the page's token
            with pytest.raises(Exception, match="refused"):
                await asyncio.to_thread(client.connect)

    run(scenario)


def _addresses_of_this_machine() -> list[str]:
    from glutecoach.cli.serve_cmd import lan_address

    found = lan_address()
    return [found] if found else []


def test_by_default_it_listens_on_loopback_only() -> None:
    async def scenario() -> None:
        async with serving() as (s, _):
            assert [a[0] for a in s.addresses] == ["127.0.0.1"]
            for address in _addresses_of_this_machine():
                with pytest.raises(OSError):
                    await asyncio.open_connection(address, s.port)
            _, writer = await asyncio.open_connection("127.0.0.1", s.port)
            writer.close()

    run(scenario)


def test_all_interfaces_when_asked_and_the_token_is_still_needed() -> None:
    async def scenario() -> None:
        async with serving("0.0.0.0") as (s, _):
            assert [a[0] for a in s.addresses] == ["0.0.0.0"]
            for address in [*_addresses_of_this_machine(), "127.0.0.1"]:
                async with aiohttp.ClientSession() as http:
                    assert await status(http, f"http://{address}:{s.port}/") == 403
                    assert await status(http, f"http://{address}:{s.port}/?token={TOKEN}") == 200

    run(scenario)


OUTSIDE = re.compile(r"""(?:https?:|wss?:)?//[\w.-]+\.[a-z]{2,}""", re.IGNORECASE)
LINKS = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")


def _without_comments(text: str, kind: str) -> str:
    if kind == "css":
        return re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return text


def test_nothing_served_points_outside() -> None:
    """Every page, script, style and font the page pulls in is ours, and names no other host."""

    async def scenario() -> dict[str, str]:
        seen: dict[str, str] = {}
        async with serving() as (_, base), browser_like() as http:
            todo = [f"{base}/?token={TOKEN}"]
            while todo:
                url = todo.pop()
                if url in seen:
                    continue
                async with http.get(url) as r:
                    assert r.status == 200, url
                    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
                    kind = r.content_type
                    body = await r.read()
                seen[url] = kind
                if kind.startswith("font/") or kind.endswith(("octet-stream", "png", "ttf")):
                    continue
                text = body.decode("utf-8")
                scan = _without_comments(text, "css" if kind == "text/css" else "")
                assert not OUTSIDE.findall(scan), (url, OUTSIDE.findall(scan)[:5])
                for link in LINKS.findall(scan):
                    target = link[0] or link[1]
                    if not target.startswith("data:"):
                        todo.append(urljoin(url, target))
        return seen

    seen = run(scenario)
    names = " ".join(seen)
    for needed in ("textual.js", "xterm.css", "voice.js", "page.css", "RobotoMono"):
        assert needed in names  # the scan really followed the page's links
