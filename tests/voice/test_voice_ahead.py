"""Rendering ahead: on a thread only with engines that allow it, and a cache that copes with
files going away while it looks."""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

import pytest

from glutecoach.voice.synth import PhraseCache
from glutecoach.voice.worker import Ahead, renders_on_a_thread


@pytest.mark.parametrize(
    ("driver", "threaded"),
    [
        ("espeak", True),  # a C library through ctypes
        ("piper", True),  # onnxruntime
        ("nsss", False),  # macOS: the run loop of the thread that made it
        ("sapi5", False),  # Windows: COM objects belong to their thread
        ("/home/me/my_driver.py", False),  # a driver of one's own: not known to be safe
    ],
)
def test_only_engines_known_to_allow_it_render_ahead_on_a_thread(
    driver: str, threaded: bool
) -> None:
    assert renders_on_a_thread(driver) is threaded


class Cache:
    def __init__(self) -> None:
        self.threads: list[str] = []

    def get(self, text: str) -> Any:
        self.threads.append(threading.current_thread().name)
        return text


@pytest.mark.parametrize("threaded", [True, False])
def test_a_line_ahead_renders_on_its_own_thread_or_in_the_main_loop(threaded: bool) -> None:
    cache, done = Cache(), queue.Queue[Any]()
    job = Ahead(cache, "Go.", True, done, threaded)
    job.wait(5)
    assert done.get(timeout=5) == {"op": "rendered", "job": job.number}
    assert job.rendered == "Go." and job.error is None
    on_main = threading.current_thread().name
    assert (cache.threads == [on_main]) is not threaded
    assert (cache.threads == ["ahead"]) is threaded


class NoSynth:
    signature = "test"

    def render_speech(self, text: str, path: Path) -> tuple[float, float]:
        raise AssertionError("nothing should render")


def test_pruning_passes_over_a_file_that_goes_away_while_it_looks(tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path, NoSynth())  # type: ignore[arg-type]
    for i in range(4):
        (tmp_path / f"{i}.wav").write_bytes(b"x")
    (tmp_path / "tmpgone.wav").symlink_to(tmp_path / "nowhere.wav")  # stat() fails on it
    assert cache.prune(keep=2) == 2
    assert len(list(tmp_path.glob("[0-9].wav"))) == 2


def test_cached_never_renders_and_drops_a_file_that_will_not_read(tmp_path: Path) -> None:
    cache = PhraseCache(tmp_path, NoSynth())  # type: ignore[arg-type]
    assert cache.cached("Go.") is None
    broken = cache.path_for("Go.")
    broken.write_bytes(b"not a wav")
    assert cache.cached("Go.") is None
    assert not broken.exists()
