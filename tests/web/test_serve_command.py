"""`glutecoach serve` as a person runs it: the address it prints, the warning, Ctrl+C."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import pytest

URL = re.compile(r"http://(\S+):(\d+)/\?token=([\w-]+)")


@contextmanager
def serve(*args: str) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "glutecoach", "serve", "--port", "0", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        yield proc, lines
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=20)


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_prints_one_loopback_address_with_its_token_and_the_ssh_line() -> None:
    with serve() as (proc, lines):
        text = "".join(lines)
        found = URL.findall(lines[0])
        assert found and found[0][0] == "127.0.0.1", text
        _, port, token = found[0]
        assert f"ssh -L {port}:127.0.0.1:{port}" in text
        assert "voice" in text.lower()
        assert _get(f"http://127.0.0.1:{port}/?token={token}") == 200
        assert _get(f"http://127.0.0.1:{port}/") == 403
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert proc.stderr is not None and "warning" not in proc.stderr.read()


def test_each_serve_has_a_new_token() -> None:
    with serve() as (_, first), serve() as (_, second):
        assert URL.findall(first[0])[0][2] != URL.findall(second[0])[0][2]


def test_all_interfaces_warns_and_still_wants_the_token() -> None:
    with serve("--host", "0.0.0.0") as (proc, lines):
        _, port, token = URL.findall(lines[0])[0]
        assert _get(f"http://127.0.0.1:{port}/") == 403
        assert _get(f"http://127.0.0.1:{port}/?token={token}") == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert proc.stderr is not None
        err = proc.stderr.read()
    assert "warning" in err and "0.0.0.0" in err and "anyone on this network" in err
    assert "not encrypted" in err


def test_a_port_in_use_is_a_clear_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "glutecoach", "serve", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr


def test_the_app_still_refuses_a_pipe_with_the_same_message() -> None:
    # Only textual-serve's own driver counts as a screen; a pipe does not.
    done = subprocess.run(
        [sys.executable, "-m", "glutecoach", "app"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"},
    )
    assert done.returncode == 2
    assert "the app needs a terminal" in done.stderr and "--plain" in done.stderr


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        children = Path(f"/proc/{parent}/task/{parent}/children")
        if children.exists():
            for child in map(int, children.read_text().split()):
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads children from /proc")
def test_stopping_serve_stops_the_apps_it_started() -> None:
    with serve() as (proc, lines):
        _, port, token = URL.findall(lines[0])[0]

        async def open_app() -> set[int]:
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                async with http.get(f"http://127.0.0.1:{port}/?token={token}") as r:
                    assert r.status == 200
                async with http.ws_connect(f"ws://127.0.0.1:{port}/ws?width=40&height=30") as ws:
                    drawn = b""
                    async for msg in ws:
                        if msg.type == aiohttp.WSMsgType.BINARY:
                            drawn += msg.data
                        if b"Routines" in drawn:
                            break
                    apps = _descendants(proc.pid)
                    assert apps, "no app process under serve"
                    proc.send_signal(signal.SIGINT)  # while the page is still open
                    asked = time.monotonic()
                    exited = asyncio.create_task(asyncio.to_thread(proc.wait, 60))
                    async for _ in ws:  # as a browser does, answer the server's close
                        pass
                    assert await exited == 0
                    # The apps are told to quit at once (about 1.5 s here), not left to
                    # aiohttp's shutdown time-out (about 24 s): a generous bound between.
                    assert time.monotonic() - asked < 15, "serve took long to stop its apps"
                    return apps

        apps = asyncio.run(asyncio.wait_for(open_app(), 60))
    for _ in range(100):
        if not any(_alive(pid) for pid in apps):
            break
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in apps), "an app outlived serve"
