"""`glutecoach serve` as a person runs it: the address it prints, the warning, Ctrl+C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

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
