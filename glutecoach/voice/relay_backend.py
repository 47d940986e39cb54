"""The relay backend: every cue goes to ``glutecoach relay`` on the user's own computer.

The relay's own voice paces what it hears, so cues go through as they come, with how late
they already are. A relay that cannot be reached, or goes away, falls back to captions.
"""

from __future__ import annotations

from typing import Any

from glutecoach.engine.model import Cue
from glutecoach.store.settings import Settings
from glutecoach.voice.backend import Host

RELAY_ENV = "GLUTECOACH_RELAY"
RELAY_TOKEN_ENV = "GLUTECOACH_RELAY_TOKEN"


class RelayBackend:
    mode = "relay"
    paced = False

    def __init__(self, host: Host, address: str, token: str) -> None:
        self._host = host
        self.address = address
        self._token = token
        self._client: Any = None  # a RelayClient once connected

    def open(self) -> None:
        from glutecoach.voice.relay import RelayClient, RelayError

        if not self.address:
            self._host.fall_back(f"no relay address ({RELAY_ENV} is not set)")
            return
        client = RelayClient(self.address, self._token)
        try:
            client.connect(on_gone=lambda: self._host.post(self, client))
        except RelayError as exc:
            self._host.fall_back(str(exc))
            return
        self._client = client

    def event(self, event: Any, now: float) -> None:
        if event is self._client:
            self._gone()

    def _gone(self) -> None:
        self._host.fall_back(f"the speech relay at {self.address} went away")

    def _send(self, **msg: Any) -> None:
        if self._client is None:
            return
        if not self._client.send(msg):
            self._gone()

    def cue(self, cue: Cue, late: float) -> None:
        from glutecoach.voice.relay import MAX_TEXT  # the relay speaks no more than this

        self._send(op="cue", text=cue.text[:MAX_TEXT], kind=str(cue.kind), late=round(late, 3))

    def play(self, uid: int, text: str) -> None:
        pass  # not paced here: the relay's own voice paces what it hears

    def cut(self) -> None:
        pass

    def flush(self) -> None:
        self._send(op="flush")

    def prepare(self, texts: list[str], seq: int = 0) -> None:
        # The relay's voice renders them ahead, so a line is not rendered the first time it is
        # due. Nothing comes back: the plan here keeps the model's lengths.
        if self._client is not None and not self._client.prepare(texts):
            self._gone()

    def configure(self, settings: Settings) -> None:
        pass

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
