"""Speech over SSH: a relay on the user's own machine speaks what the remote coach sends.

Run ``glutecoach relay`` locally; it listens on 127.0.0.1 only. Forward it with
``ssh -R 4712:127.0.0.1:4712 host`` and set ``GLUTECOACH_RELAY=127.0.0.1:4712`` and
``GLUTECOACH_RELAY_TOKEN=...`` on the remote side.

The wire is newline-delimited JSON. Every connection starts with
``{"op": "hello", "token": T}`` and is answered ``{"ok": true}`` or ``{"ok": false,
"error": ...}`` (then closed). After that: ``{"op": "cue", "text", "kind", "late"}``,
``{"op": "flush"}``, ``{"op": "bye"}``, and from protocol 2 ``{"op": "prepare", "texts": [...]}``:
lines the coach will say, for the relay's voice to render ahead (the coach sends it only to a
relay that greeted it with version 2 or later). Lines are limited in size and nesting; anything
malformed, oversized, nested too deep or unauthenticated is rejected, logged and the
connection closed. A connection has ``HELLO_TIMEOUT`` seconds to give the token. Text is
only ever spoken or printed, never run.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TextIO

from glutecoach.engine.model import Cue, CueKind
from glutecoach.voice.channels import clean

DEFAULT_PORT = 4712
MAX_LINE = 4096
MAX_DEPTH = 8  # the protocol's messages are flat objects: deeper nesting is never ours
PROTOCOL = 2  # 2: prepare
PREPARE_BATCH = 3000  # bytes of text per prepare message, well inside MAX_LINE
MAX_PREPARED = 2000  # lines one connection may ask to have rendered ahead
MAX_TEXT = 500  # characters of a line spoken or rendered
CONNECT_TIMEOUT = 2.0
HELLO_TIMEOUT = 5.0  # a connection that has not given the token by then is closed
IDLE_TIMEOUT = 3600.0  # an idle session between sets is fine; a dead one is not forever


class RelayError(RuntimeError):
    """The relay could not be reached or refused us; ``str()`` says why."""


def new_token() -> str:
    return secrets.token_urlsafe(18)


def parse_address(text: str) -> tuple[str, int]:
    host, sep, port = text.strip().rpartition(":")
    if not sep:
        host, port = text.strip(), str(DEFAULT_PORT)
    try:
        number = int(port)
    except ValueError:
        raise RelayError(f"the relay address {text!r} should look like 127.0.0.1:4712") from None
    return (host or "127.0.0.1").strip("[]"), number


class RelayClient:
    """The remote coach's end: one connection, sends never block for long."""

    def __init__(self, address: str, token: str) -> None:
        self.address = address
        self.token = token
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._closing = False
        self.version = 0  # the relay's protocol, from its greeting (1 when it gives none)

    def connect(self, on_gone: Callable[[], Any] | None = None) -> None:
        host, port = parse_address(self.address)
        try:
            sock = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise RelayError(f"no speech relay answered at {host}:{port} ({exc})") from exc
        # Each cue is one small line: without this, a cue sent right after another (a skip's
        # flush and the next step's first words) waits for the relay's delayed ACK, ~40 ms.
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.sendall(_line({"op": "hello", "token": self.token, "version": PROTOCOL}))
            reply = _read_line(sock.makefile("rb"), MAX_LINE)
        except (OSError, ValueError) as exc:
            sock.close()
            raise RelayError(f"the speech relay at {host}:{port} did not answer ({exc})") from exc
        if not isinstance(reply, dict) or reply.get("ok") is not True:
            sock.close()
            why = reply.get("error", "no reason given") if isinstance(reply, dict) else "?"
            raise RelayError(f"the speech relay at {host}:{port} refused us: {why}")
        version = reply.get("version", 1)
        self.version = version if isinstance(version, int) and version > 0 else 1
        sock.settimeout(CONNECT_TIMEOUT)
        self._sock = sock
        if on_gone is not None:
            threading.Thread(
                target=self._watch, args=(sock, on_gone), name="relay-watch", daemon=True
            ).start()

    def _watch(self, sock: socket.socket, on_gone: Callable[[], Any]) -> None:
        """The relay never speaks after the greeting: EOF or an error means it is gone."""
        try:
            with contextlib.suppress(OSError):
                sock.settimeout(None)
            while sock.recv(1024):
                pass
        except OSError:
            pass
        if not self._closing:
            on_gone()

    def send(self, msg: dict[str, Any]) -> bool:
        sock = self._sock
        if sock is None:
            return False
        with self._lock:
            try:
                sock.sendall(_line(msg))
            except OSError:
                return False
        return True

    def prepare(self, texts: list[str]) -> bool:
        """Ask the relay to render these lines ahead, in messages inside its size limit. A
        relay older than protocol 2 would refuse the message (and drop us): nothing is sent."""
        if self.version < 2:
            return True
        batch: list[str] = []
        size = 0
        for text in texts:
            text = text[:MAX_TEXT]
            cost = len(_encode(text)) + 1  # as it goes on the wire, with its comma
            if batch and size + cost > PREPARE_BATCH:
                if not self.send({"op": "prepare", "texts": batch}):
                    return False
                batch, size = [], 0
            batch.append(text)
            size += cost
        return not batch or self.send({"op": "prepare", "texts": batch})

    def close(self) -> None:
        self._closing = True
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.sendall(_line({"op": "bye"}))
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def _encode(value: Any) -> bytes:
    """JSON as UTF-8, not ASCII escapes: a line of MAX_TEXT characters of any script fits in
    MAX_LINE (an escaped emoji takes 12 bytes, in UTF-8 4). A lone surrogate becomes "?"."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "replace")


def _line(msg: dict[str, Any]) -> bytes:
    return _encode(msg) + b"\n"


def _read_line(stream: Any, limit: int) -> Any:
    raw = stream.readline(limit + 1)
    if not raw:
        raise ValueError("connection closed")
    if len(raw) > limit:
        raise ValueError(f"message longer than {limit} bytes")
    if _depth(raw) > MAX_DEPTH:  # json.loads would recurse once per level, and may crash
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
    return json.loads(raw)


def _depth(raw: bytes) -> int:
    """How deep brackets nest in a JSON text, or at most ``MAX_DEPTH`` when there are too
    few brackets to matter (brackets inside strings count too: an upper bound, which is all
    the check needs)."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:  # every real message: no loop
        return MAX_DEPTH
    depth = deepest = 0
    for byte in raw:
        if byte in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                return depth  # too deep already: no need to read on
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
    return deepest


class CueSink(Protocol):
    """What the relay hands cues to: a local voice (any ``Speaker`` will do)."""

    def cue(self, cue: Cue, due: float | None = None) -> None: ...
    def flush(self) -> None: ...


def _prepare_of(speaker: CueSink) -> Callable[[list[str]], Any] | None:
    """The sink's ``prepare`` (a voice renders lines ahead), or None for a sink without one."""
    prepare = getattr(speaker, "prepare", None)
    return prepare if callable(prepare) else None


class RelayServer:
    """Listens on 127.0.0.1 only; hands authenticated cues to a local voice."""

    def __init__(
        self,
        token: str,
        speaker: CueSink,
        *,
        port: int = DEFAULT_PORT,
        captions: TextIO | None = None,
        log: Callable[[str], Any] = lambda _msg: None,
        clock: Callable[[], float] = time.monotonic,
        hello_timeout: float = HELLO_TIMEOUT,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self.token = token
        self.speaker = speaker
        self.captions = captions
        self.log = log
        self.clock = clock
        self.received = 0
        self.rejected = 0
        self.idle_timeout = idle_timeout
        relay = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = hello_timeout  # until the token is given; then idle_timeout
            disable_nagle_algorithm = True  # its few replies go out at once too

            def handle(self) -> None:
                peer = self.client_address
                try:
                    relay._serve(self.rfile, self.wfile, peer, self.connection.settimeout)
                except Exception as exc:  # logged, never a traceback on the relay's stderr
                    relay.rejected += 1
                    relay.log(f"dropped connection from {peer[0]}:{peer[1]}: {exc!r}")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self._server = Server(("127.0.0.1", port), Handler)
        self.port = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    def start(self) -> RelayServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _reject(self, wfile: Any, peer: Any, why: str) -> None:
        self.rejected += 1
        self.log(f"rejected connection from {peer[0]}:{peer[1]}: {why}")
        with contextlib.suppress(OSError):
            wfile.write(_line({"ok": False, "error": why}))
            wfile.flush()

    def _serve(
        self,
        rfile: Any,
        wfile: Any,
        peer: Any,
        set_timeout: Callable[[float], None] = lambda _s: None,
    ) -> None:
        try:
            hello = _read_line(rfile, MAX_LINE)
        except TimeoutError:
            self._reject(wfile, peer, "no greeting in time")
            return
        except (ValueError, OSError) as exc:
            self._reject(wfile, peer, f"bad greeting ({exc})")
            return
        token = hello.get("token") if isinstance(hello, dict) else None
        if (
            not isinstance(hello, dict)
            or hello.get("op") != "hello"
            or not isinstance(token, str)
            or not hmac.compare_digest(token.encode(), self.token.encode())
        ):
            self._reject(wfile, peer, "wrong or missing token")
            return
        set_timeout(self.idle_timeout)
        wfile.write(_line({"ok": True, "version": PROTOCOL}))
        wfile.flush()
        self.log(f"coach connected from {peer[0]}:{peer[1]}")
        prepared = 0  # lines this connection asked to have rendered ahead
        while True:
            try:
                msg = _read_line(rfile, MAX_LINE)
            except TimeoutError:
                self.log(f"coach at {peer[0]}:{peer[1]} idle too long; closed")
                return
            except (ValueError, OSError) as exc:
                if str(exc) != "connection closed":
                    self._reject(wfile, peer, f"malformed message ({exc})")
                else:
                    self.log("coach disconnected")
                return
            if not isinstance(msg, dict):
                self._reject(wfile, peer, "malformed message (not an object)")
                return
            op = msg.get("op")
            if op == "bye":
                self.log("coach said goodbye")
                return
            if op == "flush":
                self.speaker.flush()
                continue
            if op == "prepare":
                texts = msg.get("texts")
                if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                    self._reject(wfile, peer, "malformed prepare (texts must be a list of text)")
                    return
                prepare = _prepare_of(self.speaker)
                lines = [line for line in (clean(t)[:MAX_TEXT] for t in texts) if line.strip()]
                lines = lines[: max(0, MAX_PREPARED - prepared)]  # beyond: rendered when said
                prepared += len(lines)
                if prepare is not None and lines:
                    prepare(lines)
                continue
            if op != "cue":
                self._reject(wfile, peer, f"unknown message {str(op)[:40]!r}")
                return
            try:
                cue = Cue(
                    0.0, clean(str(msg["text"]))[:MAX_TEXT], CueKind(msg.get("kind", "announce"))
                )
                late = max(0.0, float(msg.get("late", 0.0)))
            except (KeyError, ValueError, TypeError) as exc:
                self._reject(wfile, peer, f"malformed cue ({exc})")
                return
            self.received += 1
            if self.captions is not None:
                self.captions.write(cue.text + "\n")
                self.captions.flush()
            self.speaker.cue(cue, due=self.clock() - late)
