"""The speech-worker backend: real speech from the worker process (``worker.py``).

Plays what the driver's cue policy picks, one utterance at a time, and turns the worker's
events into the driver's ``ready`` / ``started`` / ``finished`` / ``lost``, and its
``prepared`` (what ``prepare`` asked is rendered, with the speech lengths measured) into
``Host.prepared``. A worker that dies is started once more; a second death, a fatal engine
error or repeated play failures fall back to captions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from glutecoach.engine.model import Cue
from glutecoach.store.settings import Settings
from glutecoach.voice.backend import Host

MAX_PLAY_FAILURES = 3


class WorkerBackend:
    mode = "speech"
    paced = True

    def __init__(self, host: Host, cache_dir: Path | None = None) -> None:
        self._host = host
        self._cache_dir = cache_dir
        self._client: Any = None  # a WorkerClient once started
        self._generation = 0
        self._restarts = 0
        self._play_failures = 0
        # Asked to prepare and not yet reported prepared: a new worker (the first, or one
        # started after a death) is asked for these again, with the newest number.
        self._unprepared: list[str] = []
        self._seq = 0
        self._counted = False  # told the background warm-up (``warmup``) to stand aside

    def open(self) -> None:
        from glutecoach.voice import engine

        info = engine.locate(self._host.settings.voice_id)
        if not info.ok:
            self._host.fall_back(info.detail)
        else:
            self._start()

    def _start(self) -> None:
        from glutecoach.voice.client import WorkerClient
        from glutecoach.voice.synth import default_cache_dir

        self._generation += 1
        generation = self._generation
        if not self._counted:  # a warm-up of the phrase cache stops rendering: we speak now
            from glutecoach.voice import warmup

            warmup.speaking_opened()
            self._counted = True
        s = self._host.settings
        self._client = WorkerClient(
            lambda ev: self._host.post(self, (generation, ev)),
            cache_dir=self._cache_dir or default_cache_dir(),
            voice_id=s.voice_id,
            rate=s.rate,
            volume=s.volume,
        )
        try:
            self._client.start()
        except OSError as exc:
            self._client = None
            self._host.fall_back(f"the speech worker could not start ({exc})")
            return
        if self._unprepared or self._seq:
            self._client.send(op="prerender", texts=self._unprepared, seq=self._seq)

    def event(self, event: Any, now: float) -> None:
        generation, ev = event
        if generation != self._generation:
            return
        host = self._host
        name = ev.get("ev")
        if name in ("ready", "engine") and ev.get("fallback"):
            label = str(ev.get("label") or "the bundled espeak-ng voice")
            host.notice(f"Speaking with {label}: {ev['fallback']}. `glutecoach doctor` explains.")
        if name == "engine":
            host.engine = {
                **host.engine,
                "engine": ev.get("engine"),
                "fallback": ev["fallback"],
                "natural": ev.get("natural", False),
            }
            host.voice_changed()
        elif name == "ready":
            host.engine = ev
            if not ev.get("output"):
                why = f"no sound output here ({ev.get('output_how', 'unknown')})"
                if host.requested == "auto":
                    host.fall_back(why)
                    return
                host.notice(f"Speaking anyway, as asked, but {why}.")
            if ev.get("voice_known") is False:
                host.notice(
                    f"The voice {host.settings.voice_id!r} is not installed; using the "
                    "default voice. `glutecoach voices` lists the ones you have."
                )
            host.ready(now)
        elif name == "prepared":
            lengths = ev.get("lengths")
            if int(ev.get("seq") or 0) >= self._seq:
                self._unprepared = []
            host.prepared(int(ev.get("seq") or 0), lengths if isinstance(lengths, dict) else {})
        elif name == "started":
            host.started(int(ev.get("id", -1)))
        elif name == "finished":
            self._play_failures = 0  # a line played (out, or until cut): the player works
            host.finished(int(ev.get("id", -1)), now)
        elif name == "failed":
            if ev.get("fatal"):
                host.fall_back(str(ev.get("error", "the speech engine failed")))
                return
            self._play_failures += 1
            if self._play_failures >= MAX_PLAY_FAILURES:
                host.fall_back(f"sound could not be played ({ev.get('error')})")
                return
            host.finished(int(ev.get("id") or -1), now)
        elif name == "exit" and not ev.get("expected"):
            self._client = None
            host.lost()
            if self._restarts < 1:
                self._restarts += 1
                self._start()
            else:
                host.fall_back("the speech worker stopped twice")

    def cue(self, cue: Cue, late: float) -> None:
        pass  # paced: the driver's policy calls play()

    def play(self, uid: int, text: str) -> None:
        if self._client is not None:
            self._client.send(op="say", id=uid, text=text)

    def cut(self) -> None:
        if self._client is not None:
            self._client.send(op="stop")

    def flush(self) -> None:
        pass  # the driver's policy cuts what plays

    def prepare(self, texts: list[str], seq: int = 0) -> None:
        self._seq = max(self._seq, seq)
        self._unprepared.extend(texts)
        if self._client is not None:
            self._client.send(op="prerender", texts=texts, seq=self._seq)

    def configure(self, settings: Settings) -> None:
        if self._client is not None:
            self._client.send(
                op="config", voice=settings.voice_id, rate=settings.rate, volume=settings.volume
            )

    def close(self) -> None:
        client, self._client = self._client, None
        self._generation += 1
        if client is not None:
            client.close()
        if self._counted:
            from glutecoach.voice import warmup

            self._counted = False
            warmup.speaking_closed()
