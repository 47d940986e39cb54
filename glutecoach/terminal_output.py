"""Fewer bytes to the terminal for the same screen: what Textual writes, less what is redundant.

Textual renders every run of text as a complete colour code, the text and a reset
(``ESC[0m ESC[1;38;2;…;48;2;…m text ESC[0m``), and starts every changed run with an absolute
cursor move, often straight after a line feed or another move. On the live view that is
most of what a second's repaint sends. :class:`OutputCompactor` rewrites the stream so the
terminal ends up in the same state:

* a colour code is sent only when the text about to be written needs a different look,
  and then only what differs (``ESC[38;2;…m`` for a new foreground on the same background);
* a cursor move (or line feed) that another move replaces before anything is written is
  dropped, and so is a move to where the last one put the cursor. (Where text leaves the
  cursor is not guessed: it depends on the characters' widths and the terminal's size,
  which may just have changed; following it saved under 2% more.)

Anything it does not understand (other escape sequences, control characters, colour codes
it cannot parse) goes out unchanged, after the terminal has been brought to exactly the
state the app asked for, and what it knows about the terminal is forgotten. At the end of
every write the terminal is exactly as the app left it: colours and cursor.

``GLUTECOACH_RAW_OUTPUT=1`` turns this off (to compare, or if a terminal misbehaves).
"""

from __future__ import annotations

import os
import re
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.driver import Driver

RAW_ENV = "GLUTECOACH_RAW_OUTPUT"

# One token per match: an SGR (group 1), an absolute cursor move (2, 3), a line feed,
# printable text (4), any other escape sequence, or any other single character.
_ESCAPE = (
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1b[PX^_][^\x1b]*\x1b\\"  # DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-OQ-WYZ\\`-~]"  # the rest (not the start of one above)
)
_TOKEN = re.compile(
    r"\x1b\[([0-9;]*)m"
    r"|\x1b\[(\d*)(?:;(\d*))?H"
    r"|\n"
    r"|([^\x00-\x1f\x7f-\x9f]+)"
    rf"|{_ESCAPE}"
    r"|.",
    re.DOTALL,
)
_COMPLETE_ESCAPE = re.compile(_ESCAPE)

# SGR attribute codes, and the codes that turn them off.
_ATTRS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 21, 51, 52, 53})
_OFF = {22: (1, 2), 23: (3,), 24: (4, 21), 25: (5, 6), 27: (7,), 28: (8,), 29: (9,), 54: (51, 52)}
_OFF_CODE = {attr: code for code, attrs in _OFF.items() for attr in attrs} | {53: 55}

# (attributes, foreground, background): colours as their SGR parameters, "" for the default.
Look = tuple[frozenset[int], str, str]
PLAIN: Look = (frozenset(), "", "")


def apply_sgr(look: Look | None, params: str) -> Look | None:
    """The look after an SGR with these parameters; None if it is not understood (or the
    look before it was unknown and the SGR does not start with a reset)."""
    codes = params.split(";") if params else ["0"]
    attrs, fg, bg = look if look is not None else (frozenset(), "", "")
    known = look is not None
    i = 0
    while i < len(codes):
        code = codes[i]
        if not code.isdigit():
            if code:
                return None
            code = "0"  # an empty parameter is 0
        number = int(code)
        if number in (38, 48):
            kind = codes[i + 1] if i + 1 < len(codes) else ""
            size = {"2": 5, "5": 3}.get(kind, 0)
            colour = codes[i : i + size]
            if not size or len(colour) < size or not all(c.isdigit() for c in colour):
                return None
            if number == 38:
                fg = ";".join(colour)
            else:
                bg = ";".join(colour)
            i += size
            continue
        if number == 0:
            attrs, fg, bg, known = frozenset(), "", "", True
        elif number in _ATTRS:
            attrs = attrs | {number}
        elif number in _OFF or number == 55:
            attrs = attrs - set(_OFF.get(number, (53,)))
        elif 30 <= number <= 37 or 90 <= number <= 97:
            fg = code
        elif 40 <= number <= 47 or 100 <= number <= 107:
            bg = code
        elif number == 39:
            fg = ""
        elif number == 49:
            bg = ""
        else:
            return None
        i += 1
    return (attrs, fg, bg) if known else None


def _codes(look: Look) -> list[str]:
    attrs, fg, bg = look
    return [str(a) for a in sorted(attrs)] + [c for c in (fg, bg) if c]


def sgr_between(old: Look | None, new: Look) -> str:
    """The shortest SGR that turns ``old`` (None: unknown) into ``new``; "" when equal."""
    if old == new:
        return ""
    full = "\x1b[" + ";".join(["0", *_codes(new)]) + "m" if new != PLAIN else "\x1b[0m"
    if old is None:
        return full
    attrs, fg, bg = old
    new_attrs, new_fg, new_bg = new
    delta: list[str] = []
    gone = attrs - new_attrs
    for code in sorted({_OFF_CODE[a] for a in gone}):
        delta.append(str(code))
        # 22 turns off bold and dim alike; one of them may still be wanted
        delta.extend(str(a) for a in sorted(new_attrs & set(_OFF.get(code, ()))))
    delta.extend(str(a) for a in sorted(new_attrs - attrs))
    if new_fg != fg:
        delta.append(new_fg or "39")
    if new_bg != bg:
        delta.append(new_bg or "49")
    short = "\x1b[" + ";".join(dict.fromkeys(delta)) + "m"
    return short if len(short) < len(full) else full


class OutputCompactor:
    """Rewrites what an app writes to its terminal into fewer bytes with the same result.

    Keeps what the terminal has (its colours and cursor) across writes, so one instance
    belongs to one terminal. Thread-safe.
    """

    def __init__(self, *, settle: bool = True) -> None:
        # settle: end every write with the colours the app asked for, as well as the cursor
        # (off, the colours may stay as the last text had them until the next write: about
        # a tenth fewer bytes on the live view, but the terminal is not left as Textual
        # left it between writes)
        self.settle = settle
        self.lock = threading.RLock()
        self._term: Look | None = PLAIN  # what the terminal has (None: unknown)
        self._want: Look | None = PLAIN  # what the app has asked for
        self._pos: tuple[int, int] | None = None  # the terminal's cursor (row, column)
        self._app_pos: tuple[int, int] | None = None  # where the app has put it
        self._moves: list[str] = []  # moves the app made that are not sent yet
        self._held = ""  # the start of an escape sequence the next write finishes

    def feed(self, data: str) -> str:
        """What to send for ``data``. An escape sequence cut short at its end is held back
        until the next write completes it (the terminal could not act on half of one)."""
        with self.lock:
            data = self._held + data
            self._held = ""
            last = data.rfind("\x1b")
            if last >= 0 and _COMPLETE_ESCAPE.match(data, last) is None:
                data, self._held = data[:last], data[last:]
            out: list[str] = []
            for match in _TOKEN.finditer(data):
                self._token(match, out)
            self._send_moves(out)
            if self.settle:
                self._send_look(out)
            return "".join(out)

    def _token(self, match: re.Match[str], out: list[str]) -> None:
        sgr, row, column, text = match.group(1, 2, 3, 4)
        token = match.group()
        if sgr is not None:
            want = apply_sgr(self._want, sgr)
            if want is None:  # not understood: send it as it is, after what came before
                self._send_moves(out)
                self._send_look(out)
                out.append(token)
                self._term = None
            self._want = want
        elif row is not None:
            target = (int(row or 1), int(column or 1))
            self._moves = [] if target == self._pos else [token]
            self._app_pos = target
        elif token == "\n":
            self._moves.append(token)
            self._app_pos = None
        elif text is not None:
            self._send_moves(out)
            self._send_look(out)
            out.append(text)
            self._pos = self._app_pos = None
        else:  # anything else sees exactly the terminal the app expects
            self._send_moves(out)
            self._send_look(out)
            out.append(token)
            self._pos = self._app_pos = None
            if token.startswith("\x1b") and not token.startswith("\x1b]"):
                # It may change the colours too (a reset, an SGR in another form): until
                # the app's next reset, its colour codes go out as they are.
                self._term = self._want = None

    def _send_moves(self, out: list[str]) -> None:
        if self._moves:
            out.extend(self._moves)
            self._moves = []
        self._pos = self._app_pos

    def _send_look(self, out: list[str]) -> None:
        if self._want is None:  # the app's last SGR went out as it was
            return
        if self._term != self._want:
            out.append(sgr_between(self._term, self._want))
            self._term = self._want


def enabled() -> bool:
    return os.environ.get(RAW_ENV, "").strip() not in ("1", "true", "yes")


def compacting(driver_class: type[Driver]) -> type[Driver]:
    """``driver_class`` with its output going through an :class:`OutputCompactor`.

    A write is compacted and queued under the compactor's lock, so writes from other threads
    (the bell, notifications) reach the terminal in the order they were compacted."""

    def __init__(self: Driver, *args: Any, **kwargs: Any) -> None:
        driver_class.__init__(self, *args, **kwargs)
        self.__dict__["_compactor"] = OutputCompactor()

    def write(self: Driver, data: str) -> None:
        compactor: OutputCompactor = self.__dict__["_compactor"]
        with compactor.lock:
            out = compactor.feed(data)
            if out:
                driver_class.write(self, out)

    name = f"Compacting{driver_class.__name__}"
    return type(name, (driver_class,), {"__init__": __init__, "write": write})
