"""A real headless Chromium on the served page: a routine runs and the page gets every cue.

Skips only where Chromium is missing and CI is unset; in CI a missing Chromium fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import Page, chromium, chromium_or_skip
from pictures import colours
from serving import apps_reaped

from glutecoach.voice.relay import RelayClient
from glutecoach.web import server

TINY = """\
name = "Tiny"
lead_in = 3
transition = 3
switch = 2

[[exercise]]
id = "clamshell"
sets = 1
reps = 2
"""

PHONE = (390, 844)
BAR = 44  # the page's own bar above the app, in CSS pixels


@pytest.fixture(autouse=True)
def needs_chromium() -> None:
    chromium_or_skip()


def planned_cues(home: Path) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "glutecoach", "plan", "tiny", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GLUTECOACH_HOME": str(home)},
    )
    plan = json.loads(done.stdout)
    return [*(c for step in plan["steps"] for c in step["cues"]), plan["closing"]]


async def open_served_page(page: Page, url: str) -> None:
    await page.send("Network.enable")
    await page.send("Page.navigate", url=url)
    await page.wait_for("document.body && document.body.classList.contains('-first-byte')", 60)
    await page.wait_for("document.getElementById('gc-voice') !== null")


async def keys(page: Page, *names: str) -> None:
    codes = {"ArrowDown": 40, "Enter": 13}
    await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
    for name in names:
        await page.press(name, name, codes[name], "\r" if name == "Enter" else "")
        await asyncio.sleep(0.3)  # one screen update per key, as a person types


def test_a_routine_in_the_browser_delivers_every_cue_in_order(
    isolated_home: Path, tmp_path: Path
) -> None:
    (isolated_home / "routines").mkdir()
    (isolated_home / "routines" / "tiny.toml").write_text(TINY, encoding="utf-8")
    expected = planned_cues(isolated_home)
    proc = subprocess.Popen(
        [sys.executable, "-m", "glutecoach", "serve", "--port", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        found = re.search(r"http://\S+", proc.stdout.readline())
        assert found, "serve printed no address"
        url = found.group(0)
        shot = tmp_path / "workout-phone.png"
        result = asyncio.run(asyncio.wait_for(_run_tiny(url, shot), 150))
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    received, requests, columns = result
    cues = [m for m in received if m["op"] == "cue"]
    assert [(c["text"], c["kind"]) for c in cues] == [(c["text"], c["kind"]) for c in expected]

    # Nothing from anywhere else: every request the browser made went to this server.
    origin = urlsplit(url).netloc
    assert requests and all(urlsplit(r).netloc == origin for r in requests), requests
    # About 40 columns across a phone held upright (textual.js asks for its size in the URL).
    assert 36 <= columns <= 44, columns

    picture = shot.read_bytes()
    seen = colours(picture, top=BAR + 4)
    total = sum(seen.values())
    assert len(seen) >= 6, "the workout screenshot looks blank"
    assert seen.most_common(1)[0][1] < 0.95 * total, "the workout screenshot is one colour"


async def _run_tiny(url: str, shot: Path) -> tuple[list[dict[str, Any]], list[str], int]:
    async with chromium(*PHONE) as page:
        await open_served_page(page, url)
        await page.tap("#gc-voice")  # a real tap: browsers let a page speak only after one
        assert await page.evaluate("document.getElementById('gc-voice').ariaPressed") == "true"
        await asyncio.sleep(1.0)  # the routine list is drawn
        await keys(page, "ArrowDown", "ArrowDown", "ArrowDown", "Enter")  # Tiny is 4th
        await page.wait_for(
            "window.__glutecoachCues.some(c => c.text === 'Left knee on top. Go.')", 60
        )
        await asyncio.sleep(0.5)
        await page.screenshot(shot)
        await page.wait_for("window.__glutecoachCues.some(c => c.kind === 'summary')", 60)
        received = await page.evaluate("window.__glutecoachCues")
        shown = await page.evaluate("document.getElementById('gc-said').textContent")
        assert shown.startswith("All done")  # the last line said is shown in the page too
        bells = await page.evaluate("document.getElementById('gc-bar').dataset.bells")
        counts = sum(1 for c in received if c.get("kind") == "count")
        assert bells == str(counts)  # the bar flashed once for every countdown number
    requests = [
        e["params"]["request"]["url"]
        for e in page.events
        if e["method"] == "Network.requestWillBeSent"
    ]
    sockets = [e["params"]["url"] for e in page.events if e["method"] == "Network.webSocketCreated"]
    app_socket = next(s for s in sockets if "/ws?" in s)
    columns = int(re.search(r"width=(\d+)", app_socket).group(1))  # type: ignore[union-attr]
    return received, requests + sockets, columns


RULES = """
(() => {
  let t = 0, done = null;
  const said = [];
  const speaker = {
    speak(text, finished) { said.push(text); done = finished; },
    cancel() { said.push("<cut>"); },
  };
  const p = new window.GlutecoachPolicy(speaker, () => t);
  p.offer("Clamshell", "announce", 0);          // plays
  p.offer("Keep your heels together", "form", 0);  // busy: dropped
  p.offer("Next: bridge", "next", 0);           // waits
  p.offer("3", "count", 0);                     // counts cut whatever plays
  p.offer("2", "count", 0);                     // and an older count
  done();                                       // "2" ends: the waiting line plays
  t = 10;
  p.offer("Too late to help", "announce", 7);   // due at 3, useless by 7: dropped
  p.offer("Switch sides", "announce", 0);       // matters more than what plays: cuts it
  p.offer("Lie on your side", "setup", 0);      // waits
  p.flush();                                    // pause: cut, and nothing waits
  done();                                       // the cut line's end changes nothing
  return { said, dropped: p.dropped };
})()
"""


def test_the_browser_voice_keeps_the_coach_rules_and_runs_nothing_it_receives() -> None:
    async def scenario() -> tuple[dict[str, Any], str, Any]:
        serving = await server.start(host="127.0.0.1", port=0, token="t0ken-for-the-test")
        try:
            async with chromium(*PHONE) as page:
                url = f"http://127.0.0.1:{serving.port}{serving.path()}"
                await page.send("Page.navigate", url=url)
                await page.wait_for("window.GlutecoachPolicy !== undefined")
                rules = await page.evaluate(RULES)
                await page.wait_for("document.readyState === 'complete'")
                for _ in range(400):  # the page's cue websocket is open
                    if serving.hub.pages:
                        break
                    await asyncio.sleep(0.05)
                client = RelayClient(
                    os.environ["GLUTECOACH_RELAY"], os.environ["GLUTECOACH_RELAY_TOKEN"]
                )
                await asyncio.to_thread(client.connect)
                hostile = '<img src=x onerror="window.__ran = 1">Bridge'
                client.send({"op": "cue", "text": hostile, "kind": "announce", "late": 0})
                client.close()
                await page.wait_for("window.__glutecoachCues.length > 0", 20)
                shown = await page.evaluate("document.getElementById('gc-said').textContent")
                ran = await page.evaluate("window.__ran === undefined ? null : window.__ran")
        finally:
            await serving.close()
            await apps_reaped()
        return rules, shown, ran

    rules, shown, ran = asyncio.run(asyncio.wait_for(scenario(), 120))
    assert rules["said"] == [
        *("Clamshell", "<cut>", "3", "<cut>", "2", "Next: bridge"),
        *("<cut>", "Switch sides", "<cut>"),
    ]
    assert ["Keep your heels together", "busy"] in rules["dropped"]
    assert ["Too late to help", "late"] in rules["dropped"]
    assert ["Lie on your side", "flushed"] in rules["dropped"]
    assert shown == '<img src=x onerror="window.__ran = 1">Bridge'  # shown as text
    assert ran is None  # and never run
