"""The app's side of the speech worker: start it by exec, talk JSON lines, notice death."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import glutecoach
from glutecoach.platform import new_process_group, stop_tree

EventHandler = Callable[[dict[str, Any]], None]
LOG_LIMIT = 256 * 1024


class WorkerClient:
    """One worker process. ``on_event`` runs on a reader thread, once per event, and finally
    with ``{"ev": "exit", "code": N}`` when the worker's stdout closes."""

    def __init__(
        self,
        on_event: EventHandler,
        *,
        cache_dir: Path,
        voice_id: str = "",
        rate: int = 170,
        volume: float = 1.0,
        log_path: Path | None = None,
        prerender: bool = True,
        nice: int = 0,
    ) -> None:
        self._on_event = on_event
        self.cache_dir = cache_dir
        self.args = [
            "--cache",
            str(cache_dir),
            "--voice",
            voice_id,
            "--rate",
            str(int(rate)),
            "--volume",
            str(float(volume)),
        ]
        if not prerender:
            self.args.append("--no-prerender")
        if nice:
            self.args += ["--nice", str(int(nice))]
        self.log_path = log_path or cache_dir / "worker.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._closing = False

    def start(self) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        root = str(Path(glutecoach.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        with contextlib.suppress(OSError):
            if self.log_path.stat().st_size > LOG_LIMIT:  # keep one old log, not all of them
                self.log_path.replace(self.log_path.with_suffix(".log.1"))
        log: IO[bytes] = open(self.log_path, "ab")  # noqa: SIM115
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "glutecoach.voice.worker", *self.args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                close_fds=True,
                **new_process_group(),  # Ctrl-C in the terminal is the app's to handle
                env=env,
            )
        finally:
            log.close()
        threading.Thread(
            target=self._read, args=(self.proc,), name="voice-worker", daemon=True
        ).start()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def send(self, **msg: Any) -> bool:
        proc = self.proc
        if proc is None or proc.stdin is None:
            return False
        line = (json.dumps(msg, separators=(",", ":")) + "\n").encode()
        with self._lock:
            try:
                proc.stdin.write(line)
                proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                return False
        return True

    def _read(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if isinstance(event, dict):
                self._on_event(event)
        code = proc.wait()
        self._on_event({"ev": "exit", "code": code, "expected": self._closing})

    def release(self) -> None:
        """Ask it to quit after what it is doing, without waiting: its reader reaps it."""
        self._closing = True
        self.send(op="quit")
        proc = self.proc
        with contextlib.suppress(OSError, ValueError):
            if proc is not None and proc.stdin:
                proc.stdin.close()

    def close(self, timeout: float = 1.0) -> None:
        self._closing = True
        proc = self.proc
        if proc is None:
            return
        self.send(op="quit")
        with contextlib.suppress(OSError, ValueError):
            if proc.stdin:
                proc.stdin.close()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_tree(proc, grace=0.1)  # on Windows its player goes too (taskkill /T)
