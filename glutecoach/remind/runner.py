"""``glutecoach remind``: the long-running loop in a spare terminal, tmux pane or SSH session.

It sleeps in ``select`` until the schedule's next event, a key, or the next minute the screen
shows (``--plain``: only the schedule's events), so a day of waiting costs a few hundred
wake-ups. The break itself runs as a child ``glutecoach run ROUTINE`` in the same terminal,
not by replacing this process: the reminder has to be there afterwards to count the break
and nudge again.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from glutecoach.remind.duration import format_duration, minutes_left
from glutecoach.remind.log import BreakLog, HistoryWatch
from glutecoach.remind.schedule import (
    BreakCounted,
    Event,
    Fired,
    Instant,
    Nudge,
    Phase,
    Resolved,
    Schedule,
    StartedOver,
)
from glutecoach.voice.channels import BEL, clean, notification

QUIT_KEYS = ("q", "Q", "\x03", "\x04")
BREAK_KEYS = ("b", "B")
ENTER_KEYS = ("\r", "\n")  # takes the break a nudge offers; never starts one by accident
SNOOZE_KEYS = ("s", "S", "z", "Z")
SKIP_KEYS = ("x", "X")


def voice_mode(requested: str | None, settings: Any) -> str | None:
    """The voice a nudge is said in, or None for none: ``--voice`` wins; otherwise the
    voice setting, when ``[remind] speak`` is on. ``off`` is none at all (no worker)."""
    mode = requested or (settings.voice if settings.remind.speak else None)
    return None if mode == "off" else mode


def real_now() -> Instant:
    return Instant(time.monotonic(), time.time())


def clock_time(wall: float) -> str:
    return time.strftime("%H:%M", time.localtime(wall))


class View(Protocol):
    def show(self, r: Reminder, now: Instant) -> None: ...
    def note(self, r: Reminder, now: Instant, text: str) -> None: ...
    def suspend(self) -> None: ...
    def resume(self) -> None: ...
    def close(self) -> None: ...


class Alert(Protocol):
    def nudge(self, title: str, spoken: str) -> None: ...


@dataclass
class Offer:
    """What a nudge offers and how the reminder describes its schedule."""

    routine: str  # id
    routine_name: str
    routine_length: str  # "3:00"
    summary: str  # "every 45m, snooze 10m, all day"


@dataclass
class Reminder:
    """The loop's logic without the terminal: told the time and keys, it drives the view,
    the alert, the log and (for a break) ``launch``."""

    schedule: Schedule
    offer: Offer
    watch: HistoryWatch
    log: BreakLog
    view: View
    alert: Alert
    launch: Callable[[str], int]  # runs the routine, returns its exit status
    clock: Callable[[], Instant] = real_now
    interactive: bool = True
    poll: float = 60.0
    minute_counter: bool = True
    publish: Callable[[str, float | None], None] | None = None  # for the app's "next break"
    notes: deque[str] = field(default_factory=lambda: deque(maxlen=3), init=False)
    running: bool = field(default=True, init=False)
    notices: deque[str] = field(default_factory=deque, init=False)

    def tick(self) -> float | None:
        """Catch up with the clock and the history; returns how long to sleep."""
        now = self.clock()
        while self.notices:  # from the voice's thread: shown here, on the loop's thread
            self.view.note(self, now, self.notices.popleft())
        seen = self.watch.poll()
        self.handle(self.schedule.advance(now, finished=seen.finished, workout=seen.workout), now)
        self.view.show(self, now)
        if self.publish is not None:
            due = self.schedule.due_in(now)
            self.publish(str(self.schedule.phase), None if due is None else now.wall + due)
        return self.wait(now)

    def wait(self, now: Instant) -> float | None:
        cap = self.poll
        if self.minute_counter:
            cap = min(cap, self._next_minute(now))
        return self.schedule.next_wake(now, cap=cap)

    def _next_minute(self, now: Instant) -> float:
        """Seconds until a number on the screen changes (they show whole minutes)."""
        sat = self.schedule.sat(now)
        marks = [60.0 - sat % 60.0]
        due = self.schedule.due_in(now)
        if due is not None:
            marks.append(due % 60.0 or 60.0)
        return max(0.05, min(marks) + 0.01)

    def handle(self, events: list[Event], now: Instant) -> None:
        taken = False
        for event in events:
            if isinstance(event, Fired):
                self._fired(event.nudge, now)
            elif isinstance(event, Resolved):
                taken = taken or event.outcome == "taken"
                self.log.record(event, self.offer.routine)
                self.view.note(self, now, self._resolved_text(event, now))
            elif isinstance(event, StartedOver):
                self.view.note(self, now, _started_over_text(event))
            elif isinstance(event, BreakCounted) and not taken:
                ended = clock_time(event.at.wall)
                self.view.note(self, now, f"Break counted: a routine ended at {ended}.")

    def _fired(self, nudge: Nudge, now: Instant) -> None:
        sat = minutes_left(nudge.sat).replace("min", "minutes")
        title = f"Time to stand up: you have sat for {minutes_left(nudge.sat)}"
        spoken = f"Time to stand up. You have sat for {sat}."
        if self.interactive:
            spoken += f" Press B for {self.offer.routine_name}, or S to snooze."
        self.alert.nudge(title, spoken)

    def _resolved_text(self, event: Resolved, now: Instant) -> str:
        if event.outcome == "snoozed":
            due = now.wall + (self.schedule.due_in(now) or 0.0)
            return f"Snoozed until {clock_time(due)}."
        if event.outcome == "skipped":
            return "Skipped; next nudge in " + minutes_left(self.schedule.due_in(now) or 0) + "."
        if event.outcome == "missed":
            return "Nudge missed (no answer)."
        return f"Break taken at {clock_time(now.wall)}; the count starts again."

    def key(self, key: str) -> None:
        now = self.clock()
        phase = self.schedule.phase
        if key in QUIT_KEYS:
            self.running = False
        elif key in BREAK_KEYS or (key in ENTER_KEYS and phase is Phase.NUDGING):
            if phase is not Phase.BREAK:
                self.take_break(now)
        elif key in SNOOZE_KEYS and phase is Phase.NUDGING:
            self.handle(self.schedule.snooze(now), now)
        elif key in SKIP_KEYS and phase is Phase.NUDGING:
            self.handle(self.schedule.skip(now), now)

    def take_break(self, now: Instant) -> None:
        started = now.wall
        self.schedule.start_break(now)
        self.view.suspend()
        try:
            status = self.launch(self.offer.routine)
        finally:
            self.view.resume()
        now = self.clock()
        seen = self.watch.poll()
        ended_here = seen.finished is not None and seen.finished >= started - 1.0
        done = ended_here or (self.watch.db is None and status == 0)
        self.handle(self.schedule.break_ended(now, done=done), now)
        if not done:
            why = f"exit status {status}" if status else "too short to count"
            self.view.note(self, now, f"{self.offer.routine_name} did not finish ({why}).")

    def close(self) -> None:
        now = self.clock()
        self.handle(self.schedule.close(now), now)


def _started_over_text(event: StartedOver) -> str:
    gap = format_duration(event.gap)
    if event.reason == "sleep":
        return f"The computer slept for {gap}: the count starts over."
    if event.reason == "late":
        return f"Nothing ran for {gap} (stopped or frozen): the count starts over."
    return "Working hours began: the count starts now."


# ------------------------------------------------------------------------- terminal side


def tmux_passthrough(escapes: str) -> str:
    """The same escapes wrapped for tmux to hand to the terminal outside it (tmux 3.3+ with
    ``set -g allow-passthrough on``; otherwise tmux drops them, and the bell still rings)."""
    return "\x1bPtmux;" + escapes.replace("\x1b", "\x1b\x1b") + "\x1b\\"


class TerminalAlert:
    """BEL and OSC 9 / OSC 777 to the terminal, and a spoken line through the voice.

    The voice is made for each nudge and closed once it has spoken, so the speech worker
    is not held in memory through the hours between nudges.
    """

    def __init__(
        self,
        out: IO[str],
        *,
        escapes: bool,
        voice_mode: str | None,
        settings: Any,
        on_notice: Callable[[str], None],
        voice_factory: Callable[..., Any] | None = None,
    ) -> None:
        self.out = out
        self.escapes = escapes
        self.voice_mode = voice_mode
        self.settings = settings
        self.on_notice = on_notice
        self._factory = voice_factory
        self.in_tmux = bool(os.environ.get("TMUX"))
        self.spoken: list[str] = []

    def nudge(self, title: str, spoken: str) -> None:
        if self.escapes:
            note = notification("glutecoach", title)
            if self.in_tmux:
                note += tmux_passthrough(note)
            with contextlib.suppress(OSError, ValueError):
                self.out.write(BEL + note)
                self.out.flush()
        if self.voice_mode is None:
            return
        from glutecoach.engine.model import Cue, CueKind

        factory = self._factory
        if factory is None:
            from glutecoach.voice import make_voice

            factory = make_voice
        voice = factory(self.voice_mode, self.settings, on_notice=self.on_notice)
        voice.prepare([spoken])
        # Due a moment from now: the speech worker starts with the nudge.
        voice.cue(Cue(0.0, spoken, CueKind.ANNOUNCE), due=time.monotonic() + 1.0)
        voice.close(drain=20.0)
        self.spoken.append(spoken)


def _say(out: IO[str], line: str) -> None:
    with contextlib.suppress(BrokenPipeError, OSError, ValueError):
        out.write(line + "\n")
        out.flush()


class PlainView:
    """One line per event, for scripts, logs and screen readers."""

    def __init__(self, out: IO[str], keys: bool) -> None:
        self.out = out
        self.keys = keys
        self._nudge: Nudge | None = None

    def show(self, r: Reminder, now: Instant) -> None:
        nudge = r.schedule.nudge
        if nudge is not None and nudge is not self._nudge and r.schedule.phase is Phase.NUDGING:
            line = f"{clock_time(nudge.at.wall)}  Time to stand up: sat {minutes_left(nudge.sat)}."
            if self.keys:
                line += (
                    f" b: {r.offer.routine_name} now, s: snooze "
                    f"{format_duration(r.schedule.rules.snooze)}, x: skip."
                )
            _say(self.out, line)
        self._nudge = nudge

    def note(self, r: Reminder, now: Instant, text: str) -> None:
        _say(self.out, f"{clock_time(now.wall)}  {clean(text)}")

    def suspend(self) -> None:
        return None

    def resume(self) -> None:
        return None

    def close(self) -> None:
        return None


class FullView:
    """A small full-screen view on the alternate screen, repainted only when it changes."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._last: list[str] = []
        self._active = False
        self.resume()

    def resume(self) -> None:
        self._write("\x1b[?1049h\x1b[?25l")
        self._active = True
        self._last = []

    def suspend(self) -> None:
        if self._active:
            self._write("\x1b[2J\x1b[?25h\x1b[?1049l")
            self._active = False

    def close(self) -> None:
        self.suspend()

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.out.write(text)
            self.out.flush()

    def note(self, r: Reminder, now: Instant, text: str) -> None:
        r.notes.append(f"{clock_time(now.wall)}  {clean(text)}")
        self.show(r, now)

    def redraw(self) -> None:
        self._last = []

    def lines(self, r: Reminder, now: Instant) -> list[tuple[str, str]]:
        """(style, text) per row: style "banner" for the nudge, "dim", or ""."""
        s = r.schedule
        offer = r.offer
        rows: list[tuple[str, str]] = [("dim", f"glutecoach remind · {offer.summary}"), ("", "")]
        if s.phase is Phase.NUDGING and s.nudge is not None:
            rows += [
                ("banner", "TIME TO STAND UP"),
                ("", ""),
                ("", f"You have sat for {minutes_left(s.sat(now))}."),
                ("", ""),
                ("", f"  b / Enter  start {offer.routine_name} now ({offer.routine_length})"),
                ("", f"  s          snooze {format_duration(s.rules.snooze)}"),
                ("", "  x          skip this one"),
                ("", "  q          quit"),
            ]
        else:
            sat = minutes_left(s.sat(now))
            rows.append(("", f"Sat for        {sat}  (since the last break or the start)"))
            due = s.due_in(now)
            if s.phase is Phase.OFF:
                opens = s.rules.hours.next_open(now.wall, s.tz)
                when = (
                    "never (no working days)"
                    if opens is None
                    else time.strftime("%a %H:%M", time.localtime(opens))
                )
                rows.append(("", f"Outside working hours; counting starts again {when}"))
            elif due is not None:
                rows.append(("", f"Next nudge in  {minutes_left(due)}"))
            start = f"  b  start {offer.routine_name} now ({offer.routine_length})"
            rows += [("", ""), ("", start), ("", "  q  quit")]
        if r.notes:
            rows += [("", ""), *(("dim", note) for note in r.notes)]
        return rows

    def show(self, r: Reminder, now: Instant) -> None:
        if not self._active:
            return
        width, height = shutil.get_terminal_size((80, 24))
        painted: list[str] = []
        for style, text in self.lines(r, now)[:height]:
            text = text[: max(1, width - 1)]
            if style == "banner":
                painted.append("\x1b[1;7m" + f" {text} ".center(width - 1) + "\x1b[0m")
            elif style == "dim":
                painted.append(f"\x1b[2m{text}\x1b[0m")
            else:
                painted.append(text)
        if painted == self._last:
            return
        self._last = painted
        self._write("\x1b[H\x1b[2J" + "\r\n".join(painted))


class Keyboard:
    """Single keys from the terminal on stdin, without echo; put back on close and around
    a break (the routine's own app wants the terminal as it found it)."""

    def __init__(self, fd: int) -> None:
        from glutecoach.platform.keyboard import TerminalKeys

        self._keys = TerminalKeys(fd)  # the platform seam owns termios
        self.fd = fd

    def raw(self) -> None:
        self._keys.resume()

    def restore(self) -> None:
        self._keys.close()

    def read(self) -> str:
        data = os.read(self.fd, 32)
        if not data:
            return "\x04"
        text = data.decode("utf-8", "replace")
        return "" if text.startswith("\x1b") else text[:1]  # arrows and the like: ignored


def run_loop(reminder: Reminder, keyboard: Keyboard | None, wake_fd: int | None) -> None:
    """Sleep until the next event, a key or a signal; act; repeat until quit."""
    fds = [fd for fd in (keyboard.fd if keyboard else None, wake_fd) if fd is not None]
    while reminder.running:
        timeout = reminder.tick()
        if not reminder.running:
            break
        if fds:
            ready, _, _ = select.select(fds, [], [], timeout)
        else:
            time.sleep(60.0 if timeout is None else timeout)
            ready = []
        if wake_fd is not None and wake_fd in ready:
            with contextlib.suppress(OSError):
                os.read(wake_fd, 512)
            redraw = getattr(reminder.view, "redraw", None)
            if redraw is not None:
                redraw()
        if keyboard is not None and keyboard.fd in ready:
            key = keyboard.read()
            if key:
                reminder.key(key)


def launcher(plain: bool, voice: str | None, keyboard: Keyboard | None) -> Callable[[str], int]:
    def launch(routine: str) -> int:
        command = [sys.executable, "-m", "glutecoach", "run", routine]
        if plain:
            command.append("--plain")
        if voice:
            command += ["--voice", voice]
        if keyboard is not None:
            keyboard.restore()
        # Ctrl-C during the routine is the routine's to handle, not a reason to quit here.
        # A no-op handler, not SIG_IGN: the child would inherit an ignored SIGINT.
        interrupt = signal.signal(signal.SIGINT, lambda signum, frame: None)
        try:
            return subprocess.call(command)
        except OSError:
            return 127
        finally:
            signal.signal(signal.SIGINT, interrupt)
            if keyboard is not None:
                keyboard.raw()

    return launch


def install_signals() -> tuple[int, int, Callable[[], None]]:
    """SIGTERM and SIGHUP end the loop cleanly (a nudge still up is recorded as missed);
    SIGWINCH wakes it to repaint. Returns the wake-up pipe (read end for ``run_loop``, write
    end for other threads that have something to show) and a function that undoes this."""

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    os.set_blocking(read_fd, False)
    old_wakeup = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    winch = signal.signal(signal.SIGWINCH, lambda signum, frame: None)

    def undo() -> None:
        signal.set_wakeup_fd(old_wakeup)
        signal.signal(signal.SIGWINCH, winch)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for fd in (read_fd, write_fd):
            with contextlib.suppress(OSError):
                os.close(fd)

    return read_fd, write_fd, undo
