"""The speech relay over real loopback sockets (ports picked free, every wait bounded)."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from voice_helpers import wait_until

from glutecoach.engine.model import Cue, CueKind
from glutecoach.store.settings import Settings
from glutecoach.voice import RecordingVoice, make_voice
from glutecoach.voice.relay import MAX_LINE, RelayServer

TOKEN = "test-token-123"


@pytest.fixture
def relay() -> Iterator[tuple[RelayServer, RecordingVoice, io.StringIO, list[str]]]:
    speaker = RecordingVoice()
    captions = io.StringIO()
    log: list[str] = []
    server = RelayServer(TOKEN, speaker, port=0, captions=captions, log=log.append).start()
    yield server, speaker, captions, log
    server.stop()


def connect(port: int) -> tuple[socket.socket, io.BufferedReader]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=3)
    return sock, sock.makefile("rb")


def send(sock: socket.socket, msg: object) -> None:
    sock.sendall((json.dumps(msg) + "\n").encode())


def closed(reader: io.BufferedReader) -> bool:
    try:
        return reader.readline() == b""
    except OSError:
        return True


def test_cues_arrive_in_order_and_flush_is_passed_on(relay, monkeypatch) -> None:
    server, speaker, captions, _ = relay
    monkeypatch.setenv("GLUTECOACH_RELAY", f"127.0.0.1:{server.port}")
    monkeypatch.setenv("GLUTECOACH_RELAY_TOKEN", TOKEN)
    v = make_voice("auto", Settings())
    texts = ["Glute bridges", "3", "2", "1", "Switch sides", "Rest"]
    try:
        assert v.mode == "relay"
        for i, text in enumerate(texts):
            v.cue(Cue(0, text, CueKind.COUNT if text.isdigit() else CueKind.ANNOUNCE))
            if i == 3:
                v.flush()
        wait_until(lambda: len(speaker.cues) == len(texts), timeout=5, what="cues at relay")
    finally:
        v.close()
    assert speaker.texts == texts
    assert captions.getvalue().splitlines() == texts
    assert [c[0] for c in speaker.calls].index("flush") == 4
    assert v.notices == []


def test_a_wrong_token_is_rejected_and_logged(relay) -> None:
    server, speaker, _, log = relay
    sock, reader = connect(server.port)
    with sock:
        send(sock, {"op": "hello", "token": "guess"})
        reply = json.loads(reader.readline())
        assert reply["ok"] is False and "token" in reply["error"]
        assert closed(reader)
    send_after = speaker.cues
    assert send_after == [] and server.rejected == 1
    assert any("wrong or missing token" in line for line in log)


def test_cues_without_a_greeting_are_rejected(relay) -> None:
    server, speaker, _, _log = relay
    sock, reader = connect(server.port)
    with sock:
        send(sock, {"op": "cue", "text": "rm -rf /", "kind": "announce"})
        assert json.loads(reader.readline())["ok"] is False
        assert closed(reader)
    assert speaker.cues == [] and server.rejected == 1


def test_oversized_and_malformed_messages_are_rejected(relay) -> None:
    server, speaker, _, log = relay
    for bad in (b"x" * (MAX_LINE + 10) + b"\n", b"{not json\n", b'{"op":"cue"}\n', b"[1,2]\n"):
        sock, reader = connect(server.port)
        with sock:
            send(sock, {"op": "hello", "token": TOKEN})
            assert json.loads(reader.readline())["ok"] is True
            sock.sendall(bad)
            reply = json.loads(reader.readline())
            assert reply["ok"] is False
            assert closed(reader)
    assert speaker.cues == [] and server.rejected == 4
    assert any(f"longer than {MAX_LINE}" in line for line in log)


def test_a_wrong_token_from_the_coach_falls_back_to_captions(relay, monkeypatch) -> None:
    server, _, _, _ = relay
    monkeypatch.setenv("GLUTECOACH_RELAY", f"127.0.0.1:{server.port}")
    monkeypatch.setenv("GLUTECOACH_RELAY_TOKEN", "nope")
    notices: list[str] = []
    v = make_voice("relay", Settings(), on_notice=notices.append)
    try:
        wait_until(lambda: bool(notices), timeout=5, what="notice")
        assert v.mode == "captions" and v.bell
        assert "refused" in notices[0]
    finally:
        v.close()


def test_no_relay_listening_falls_back_once(monkeypatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free, and nobody listens once closed
    monkeypatch.setenv("GLUTECOACH_RELAY", f"127.0.0.1:{port}")
    notices: list[str] = []
    v = make_voice("relay", Settings(), on_notice=notices.append)
    try:
        wait_until(lambda: bool(notices), timeout=5, what="notice")
        v.cue(Cue(0, "Rest", CueKind.ANNOUNCE))
        assert v.wait_idle(2)
        assert len(notices) == 1 and "no speech relay answered" in notices[0]
    finally:
        v.close()


def start_relay_process(tmp_path: Path) -> tuple[subprocess.Popen[str], int, list[str]]:
    env = {**os.environ, "GLUTECOACH_HOME": str(tmp_path / "relay-home")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "glutecoach",
            "relay",
            "--voice",
            "captions",
            "--token",
            TOKEN,
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first.startswith("Relay listening on 127.0.0.1:"), first
    port = int(first.split("127.0.0.1:")[1].split(",")[0])
    header = [first] + [proc.stdout.readline() for _ in range(4)]  # token and instructions
    return proc, port, header


def test_the_relay_dying_mid_session_does_not_stop_the_session(tmp_path, monkeypatch) -> None:
    proc, port, _ = start_relay_process(tmp_path)
    monkeypatch.setenv("GLUTECOACH_RELAY", f"127.0.0.1:{port}")
    monkeypatch.setenv("GLUTECOACH_RELAY_TOKEN", TOKEN)
    notices: list[str] = []
    rang: list[str] = []
    v = make_voice("auto", Settings(), on_notice=notices.append, write_terminal=rang.append)
    try:
        v.cue(Cue(0, "Glute bridges", CueKind.ANNOUNCE))
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "Glute bridges"
        proc.kill()
        proc.wait(timeout=5)
        for n in ("3", "2", "1"):
            started = time.monotonic()
            v.cue(Cue(0, n, CueKind.COUNT))
            assert time.monotonic() - started < 0.01
            time.sleep(0.05)
        wait_until(lambda: bool(notices), timeout=5, what="relay-gone notice")
        assert v.mode == "captions"
        assert len(notices) == 1 and "went away" in notices[0]
        v.cue(Cue(0, "1", CueKind.COUNT))
        assert rang[-1] == "\a"
    finally:
        v.close()
        if proc.poll() is None:
            proc.kill()


def test_relay_command_prints_token_and_the_lines_to_use(tmp_path) -> None:
    proc, port, header = start_relay_process(tmp_path)
    assert header[1].strip() == f"Token: {TOKEN}"
    assert f"ssh -R {port}:127.0.0.1:{port} HOST" in header[2]
    assert f"GLUTECOACH_RELAY=127.0.0.1:{port} GLUTECOACH_RELAY_TOKEN={TOKEN}" in header[3]
    try:
        sock, reader = connect(port)
        with sock:
            send(sock, {"op": "hello", "token": "wrong"})
            assert json.loads(reader.readline())["ok"] is False
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=5)
    assert "rejected connection" in err and "wrong or missing token" in err


def test_a_line_nested_thousands_deep_is_rejected_and_logged_not_a_traceback(relay, capfd) -> None:
    server, speaker, _, log = relay
    for greeted in (False, True):
        sock, reader = connect(server.port)
        with sock:
            if greeted:
                send(sock, {"op": "hello", "token": TOKEN})
                assert json.loads(reader.readline())["ok"] is True
            sock.sendall(b"[" * 4000 + b"\n")
            reply = json.loads(reader.readline())
            assert reply["ok"] is False and "nested more than" in reply["error"]
            assert closed(reader)
    assert server.rejected == 2 and speaker.cues == []
    assert sum("nested more than" in line for line in log) == 2
    assert "Traceback" not in capfd.readouterr().err
    # And the relay still serves the next coach.
    sock, reader = connect(server.port)
    with sock:
        send(sock, {"op": "hello", "token": TOKEN})
        assert json.loads(reader.readline())["ok"] is True


def test_an_unauthenticated_connection_gets_a_short_deadline() -> None:
    speaker, log = RecordingVoice(), []
    server = RelayServer(TOKEN, speaker, port=0, log=log.append, hello_timeout=0.3).start()
    try:
        quiet, quiet_reader = connect(server.port)  # says nothing at all
        greeted, greeted_reader = connect(server.port)
        with quiet, greeted:
            send(greeted, {"op": "hello", "token": TOKEN})
            assert json.loads(greeted_reader.readline())["ok"] is True
            reply = json.loads(quiet_reader.readline())  # within 3 s (the socket's timeout)
            assert reply == {"ok": False, "error": "no greeting in time"}
            assert closed(quiet_reader)
            time.sleep(0.5)  # past the greeting deadline: a greeted coach may idle
            send(greeted, {"op": "cue", "text": "Rest", "kind": "announce"})
            wait_until(lambda: speaker.texts == ["Rest"], timeout=5, what="cue after idling")
    finally:
        server.stop()
    assert any("no greeting in time" in line for line in log)


def prepared_texts(speaker: RecordingVoice) -> list[str]:
    return [text for call in speaker.calls if call[0] == "prepare" for text in call[1]]


def long_lines(n: int) -> list[str]:
    return [
        f"Line {i}: lie on your side, knees bent, and lift the top knee slowly." for i in range(n)
    ]


def test_a_coachs_lines_are_prepared_on_the_relay_ahead_in_batches(relay, monkeypatch) -> None:
    server, speaker, captions, _ = relay
    monkeypatch.setenv("GLUTECOACH_RELAY", f"127.0.0.1:{server.port}")
    monkeypatch.setenv("GLUTECOACH_RELAY_TOKEN", TOKEN)
    lines = long_lines(80)  # about 5.5 kB: more than one message
    v = make_voice("relay", Settings())
    try:
        assert v.mode == "relay"
        v.prepare(lines)
        v.cue(Cue(0, "Glute bridges", CueKind.ANNOUNCE))
        wait_until(lambda: speaker.texts == ["Glute bridges"], timeout=5, what="cue after")
    finally:
        v.close()
    assert prepared_texts(speaker) == lines
    batches = [call[1] for call in speaker.calls if call[0] == "prepare"]
    assert len(batches) >= 2
    assert [c[0] for c in speaker.calls][-1] == "cue"  # prepared first, in the order sent
    assert captions.getvalue().splitlines() == ["Glute bridges"]  # preparing prints nothing
    assert v.notices == []


def test_lines_in_any_script_fit_the_wire_as_cues_and_as_prepared(relay, monkeypatch) -> None:
    server, speaker, _, _ = relay
    monkeypatch.setenv("GLUTECOACH_RELAY", f"127.0.0.1:{server.port}")
    monkeypatch.setenv("GLUTECOACH_RELAY_TOKEN", TOKEN)
    wide = "\N{FLEXED BICEPS}" * 500  # 6 kB as JSON escapes, 2 kB as UTF-8
    v = make_voice("relay", Settings())
    try:
        v.prepare([wide, "Knie beugen, Gesä\N{LATIN SMALL LETTER SHARP S} anspannen"])
        v.cue(Cue(0, wide, CueKind.ANNOUNCE))
        wait_until(lambda: len(speaker.cues) == 1, timeout=5, what="wide cue")
    finally:
        v.close()
    assert speaker.texts == [wide]
    assert prepared_texts(speaker) == [wide, "Knie beugen, Gesäß anspannen"]
    assert server.rejected == 0 and v.notices == []


def test_prepared_lines_are_cleaned_capped_and_never_captioned(relay) -> None:
    server, speaker, captions, _ = relay
    sock, reader = connect(server.port)
    with sock:
        send(sock, {"op": "hello", "token": TOKEN, "version": 2})
        assert json.loads(reader.readline()) == {"ok": True, "version": 2}
        send(sock, {"op": "prepare", "texts": ["\x1b]0;owned\x07Rest\x1b[2J", "   ", "x" * 900]})
        for _ in range(30):  # 3,000 lines asked: only MAX_PREPARED are rendered ahead
            send(sock, {"op": "prepare", "texts": [f"line {i}" for i in range(100)]})
        send(sock, {"op": "cue", "text": "Rest", "kind": "announce"})
        wait_until(lambda: speaker.texts == ["Rest"], timeout=5, what="cue after prepare")
    texts = prepared_texts(speaker)
    assert texts[:2] == ["]0;owned Rest [2J", "x" * 500]
    assert len(texts) == 2000
    assert all("\x1b" not in t and "\x07" not in t for t in texts)
    assert captions.getvalue() == "Rest\n"


def test_a_malformed_prepare_is_rejected_and_the_connection_closed(relay) -> None:
    server, speaker, _, log = relay
    for bad in (
        {"op": "prepare"},
        {"op": "prepare", "texts": "Rest"},
        {"op": "prepare", "texts": [1]},
    ):
        sock, reader = connect(server.port)
        with sock:
            send(sock, {"op": "hello", "token": TOKEN})
            assert json.loads(reader.readline())["ok"] is True
            send(sock, bad)
            reply = json.loads(reader.readline())
            assert reply["ok"] is False and "malformed prepare" in reply["error"]
            assert closed(reader)
    assert server.rejected == 3 and prepared_texts(speaker) == []
    assert sum("malformed prepare" in line for line in log) == 3


def old_relay(greeting: dict[str, object]) -> tuple[socket.socket, list[dict[str, object]]]:
    """A relay from before protocol 2: greets with ``greeting`` and drops a coach that sends
    anything but cue, flush and bye (as protocol 1's relay did)."""
    listener = socket.create_server(("127.0.0.1", 0))
    heard: list[dict[str, object]] = []

    def serve() -> None:
        conn, _ = listener.accept()
        with conn, conn.makefile("rb") as reader:
            reader.readline()
            conn.sendall((json.dumps(greeting) + "\n").encode())
            for raw in reader:
                msg = json.loads(raw)
                heard.append(msg)
                if msg.get("op") not in ("cue", "flush", "bye"):
                    conn.sendall(b'{"ok":false,"error":"unknown message"}\n')
                    return

    threading.Thread(target=serve, daemon=True).start()
    return listener, heard


@pytest.mark.parametrize("greeting", [{"ok": True, "version": 1}, {"ok": True}])
def test_an_older_relay_is_never_sent_prepare(monkeypatch, greeting) -> None:
    listener, heard = old_relay(greeting)
    with listener:
        monkeypatch.setenv("GLUTECOACH_RELAY", f"127.0.0.1:{listener.getsockname()[1]}")
        monkeypatch.setenv("GLUTECOACH_RELAY_TOKEN", TOKEN)
        v = make_voice("relay", Settings())
        try:
            v.prepare(["Rest", "Glute bridges"])
            v.cue(Cue(0, "Rest", CueKind.ANNOUNCE))
            wait_until(lambda: len(heard) == 1, timeout=5, what="cue at the old relay")
            time.sleep(0.2)
            assert v.mode == "relay" and v.notices == []
        finally:
            v.close()
    assert heard[0]["op"] == "cue" and all(m["op"] != "prepare" for m in heard)


def test_a_cue_longer_than_the_relay_speaks_is_cut_by_the_coach_not_refused(
    relay, monkeypatch
) -> None:
    server, speaker, _, _ = relay
    monkeypatch.setenv("GLUTECOACH_RELAY", f"127.0.0.1:{server.port}")
    monkeypatch.setenv("GLUTECOACH_RELAY_TOKEN", TOKEN)
    long = "\N{CJK UNIFIED IDEOGRAPH-81C0}" * 3000  # 9 kB of UTF-8: over the line limit
    v = make_voice("relay", Settings())
    try:
        v.cue(Cue(0, long, CueKind.ANNOUNCE))
        v.cue(Cue(0, "Rest", CueKind.ANNOUNCE))
        wait_until(lambda: len(speaker.cues) == 2, timeout=5, what="both cues")
    finally:
        v.close()
    assert speaker.texts == [long[:500], "Rest"]
    assert server.rejected == 0 and v.notices == []
