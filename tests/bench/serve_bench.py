"""How long a cue takes from the app's relay voice to a page's cue websocket (`serve`).

glutecoach: RelayClient -> the relay listener (its thread, token, checks) -> CueHub -> the
page's websocket queue -> an aiohttp websocket client standing in for the page.
Baseline, same run: the fewest hops that do the same job, a bare asyncio line reader
forwarding each line to the same kind of websocket client, with no checks and no thread.
One cue at a time, the next sent when the previous arrived.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

N = 300
CUE = {"op": "cue", "text": "Left knee on top. Go.", "kind": "announce", "late": 0.0}


async def glutecoach_path() -> list[float]:
    from glutecoach.voice.relay import RelayClient
    from glutecoach.web import server

    serving = await server.start(host="127.0.0.1", port=0, token="bench")
    try:
        url = f"ws://127.0.0.1:{serving.port}/glutecoach/cues?token=bench"
        async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
            relay = RelayClient(
                os.environ["GLUTECOACH_RELAY"], os.environ["GLUTECOACH_RELAY_TOKEN"]
            )
            await asyncio.to_thread(relay.connect)
            times = []
            for _ in range(N):
                started = time.perf_counter()
                relay.send(CUE)
                got = json.loads((await ws.receive()).data)
                times.append(time.perf_counter() - started)
                assert got["text"] == CUE["text"], got
            relay.close()
        return times
    finally:
        await serving.close()


async def baseline_path() -> list[float]:
    pages: list[web.WebSocketResponse] = []

    async def page(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        pages.append(ws)
        async for _ in ws:
            pass
        return ws

    async def lines(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            for ws in pages:
                await ws.send_str(line.decode().strip())

    app = web.Application()
    app.router.add_get("/", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    tcp = await asyncio.start_server(lines, "127.0.0.1", 0)
    tcp_port = tcp.sockets[0].getsockname()[1]
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(f"ws://127.0.0.1:{port}/") as ws,
        ):
            sock = socket.create_connection(("127.0.0.1", tcp_port))
            data = (json.dumps(CUE) + "\n").encode()
            times = []
            for _ in range(N):
                started = time.perf_counter()
                sock.sendall(data)
                got = json.loads((await ws.receive()).data)
                times.append(time.perf_counter() - started)
                assert got["text"] == CUE["text"], got
            sock.close()
        return times
    finally:
        tcp.close()
        await runner.cleanup()


def report(name: str, times: list[float]) -> None:
    slow = sum(t > 0.010 for t in times)
    ms = sorted(t * 1000 for t in times)
    print(
        f"{name:<34} median {statistics.median(ms):6.2f} ms   "
        f"p95 {ms[int(0.95 * len(ms))]:6.2f} ms   max {ms[-1]:6.2f} ms   "
        f"over 10 ms: {slow} of {len(ms)}"
    )


async def main() -> None:
    os.environ["GLUTECOACH_HOME"] = tempfile.mkdtemp()
    base = await baseline_path()
    ours = await glutecoach_path()
    report("baseline: bare line -> websocket", base)
    report("glutecoach: relay -> hub -> page", ours)


if __name__ == "__main__":
    asyncio.run(main())
