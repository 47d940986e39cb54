"""The relay's wire sends each cue at once: Nagle's algorithm is off on both ends.

(How much that buys is measured by tests/bench/ear_bench.py's "relay wire" lines: a cue sent
right after a flush waited for the relay's delayed ACK, about 40 ms, before.)
"""

from __future__ import annotations

import socket
import threading

from glutecoach.engine.model import Cue
from glutecoach.voice.relay import RelayClient, RelayServer


class Sink:
    def __init__(self) -> None:
        self.cues: list[str] = []
        self.flushes = 0
        self.got = threading.Event()

    def cue(self, cue: Cue, due: float | None = None) -> None:
        self.cues.append(cue.text)
        self.got.set()

    def flush(self) -> None:
        self.flushes += 1


def test_both_ends_of_the_relay_send_without_waiting_to_fill_a_segment() -> None:
    sink = Sink()
    server = RelayServer("t0ken", sink, port=0).start()
    client = RelayClient(f"127.0.0.1:{server.port}", "t0ken")
    try:
        client.connect()
        sock = client._sock
        assert sock is not None
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        handler = server._server.RequestHandlerClass
        assert getattr(handler, "disable_nagle_algorithm", False) is True
        assert client.send({"op": "flush"})
        assert client.send({"op": "cue", "text": "Go.", "kind": "announce", "late": 0})
        assert sink.got.wait(5)
        assert sink.cues == ["Go."] and sink.flushes == 1
    finally:
        client.close()
        server.stop()
