"""Reading TOML a person wrote, and saying precisely what is wrong with it.

``tomllib`` gives a line only for syntax errors, so ``LineIndex`` scans the text once to
map every key path (``exercise[1].reps``) to the line that set it. ``Checker`` collects
every problem in a file instead of stopping at the first, and suggests the nearest valid
name for anything misspelt.
"""

from __future__ import annotations

import difflib
import errno
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

MAX_BYTES = 1_000_000
MAX_DEPTH = 32  # lists and tables inside each other; deeper than any real file needs

# Only a file with problems needs these (a line to point at, a syntax error's position,
# escapes to cut out), so they are compiled on first use, not on the way to the first frame
# (~0.7 ms); ``re`` keeps them compiled after that.
_KEY = r'(?:"[^"]*"|\'[^\']*\'|[A-Za-z0-9_\-]+)'
_HEADER = rf"^\s*(\[\[?)\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*\]\]?"
_ASSIGN = rf"^\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*="
_TOML_LINE = r"\(at line (\d+), column (\d+)\)"
# Whole escape sequences (CSI, OSC/DCS/APC/PM/SOS strings, two-character escapes), then any
# C0/C1 control character left (but newline and tab) and the bidirectional overrides.
_ESCAPE = (
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    message: str
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        path = clean_text(str(self.path))  # a file name can hold escapes too
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class FileProblems(Exception):
    """A file could not be used; ``problems`` holds every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.missing = False  # true when the file does not exist at all


def nearest(word: str, choices: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    choices = sorted(choices)
    close = nearest(word, choices)
    if close:
        return f" (did you mean `{close}`?)"
    if choices and len(choices) <= 12:
        return " (valid: " + ", ".join(f"`{c}`" for c in choices) + ")"
    return ""


def _split_key(raw: str) -> list[str]:
    parts = re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', raw)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def _scan_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    counts: dict[str, int] = {}
    prefix = ""
    in_string: str | None = None
    header_line, assign_line = re.compile(_HEADER), re.compile(_ASSIGN)
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = header_line.match(line)
        if header:
            name = ".".join(_split_key(header.group(2)))
            if header.group(1) == "[[":
                index = counts.get(name, 0)
                counts[name] = index + 1
                prefix = f"{name}[{index}]"
            else:
                prefix = name
            lines.setdefault(prefix, number)
            continue
        assign = assign_line.match(line)
        if assign:
            key = ".".join(_split_key(assign.group(1)))
            lines.setdefault(f"{prefix}.{key}" if prefix else key, number)
            rest = line[assign.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_string = quote
    return lines


class LineIndex:
    """Key path -> line number, for files that parsed.

    The scan waits for the first question: a file without problems never needs it, and
    the built-in files are read on the way to the app's first frame.
    """

    def __init__(self, text: str) -> None:
        self._text = text

    @cached_property
    def lines(self) -> dict[str, int]:
        return _scan_lines(self._text)

    def line(self, keypath: str) -> int | None:
        """The line of ``keypath``, or of the nearest enclosing table that has one."""
        lines = self.lines
        while keypath:
            if keypath in lines:
                return lines[keypath]
            cut = max(keypath.rfind("."), keypath.rfind("["))
            keypath = keypath[:cut] if cut > 0 else ""
        return None


def clean_text(text: str) -> str:
    """``text`` without anything a terminal or a speech engine would act on: escape
    sequences (removed whole), other control characters and bidirectional overrides.
    Newlines and tabs stay: descriptions may span lines."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub("", re.sub(_ESCAPE, "", text))


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _depth(data: dict[str, Any]) -> tuple[int, str]:
    """How deep ``data`` nests (without recursing), and the top-level key where it is deepest."""
    deepest, where = 0, ""
    for key, value in data.items():
        stack: list[tuple[Any, int]] = [(value, 1)]
        while stack:
            item, depth = stack.pop()
            if depth > deepest:
                deepest, where = depth, key
            if depth > MAX_DEPTH:
                return deepest, where
            if isinstance(item, dict):
                stack.extend((v, depth + 1) for v in item.values())
            elif isinstance(item, list):
                stack.extend((v, depth + 1) for v in item)
    return deepest, where


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    Opened without blocking and checked after opening, so a FIFO, a device or a link to
    ``/dev/zero`` is refused instead of hanging or filling memory. Raises ``FileProblems``;
    its ``missing`` is true when there is no file at all.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        problems = FileProblems([Problem(path, f"cannot be read: {exc.strerror or exc}")])
        problems.missing = exc.errno == errno.ENOENT
        raise problems from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblems(
                [
                    Problem(
                        path,
                        f"is not a regular file (it is {_file_kind(info.st_mode)}); "
                        "glutecoach reads only ordinary files here",
                    )
                ]
            )
        if info.st_size > limit:
            raise FileProblems(
                [Problem(path, f"file is {info.st_size:,} bytes; the limit is {_size(limit)}")]
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise FileProblems([Problem(path, f"cannot be read: {exc.strerror or exc}")]) from exc
    finally:
        os.close(fd)
    if len(raw) > limit:  # it grew since fstat
        raise FileProblems([Problem(path, f"file is over the limit of {_size(limit)}")])
    return raw


def _size(limit: int) -> str:
    return f"{limit:,} (1 MB)" if limit == MAX_BYTES else f"{limit:,} bytes"


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def loads_toml(raw: bytes | str, path: Path) -> tuple[dict[str, Any], LineIndex]:
    """Parse the text of ``path``: a byte order mark is accepted, nesting deeper than
    ``MAX_DEPTH`` is refused, and every text (keys too) comes back clean of control
    characters, so nothing read from a file can reach a terminal raw."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise FileProblems(
                [Problem(path, "is not UTF-8 text; save it as UTF-8 and try again", line=line)]
            ) from exc
    else:
        text = raw
    text = text.removeprefix("\ufeff")  # a byte order mark, as some Windows editors write
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(_TOML_LINE, message)
        syntax_line = int(found.group(1)) if found else None
        message = clean_text(re.sub(_TOML_LINE, "", message).strip())
        raise FileProblems(
            [
                Problem(
                    path,
                    f"is not valid TOML: {message[:1].lower()}{message[1:]}",
                    line=syntax_line,
                )
            ]
        ) from exc
    except RecursionError as exc:
        raise FileProblems([_too_deep(path, _deepest_line(text))]) from exc
    index = LineIndex(text)
    depth, key = _depth(data)
    if depth > MAX_DEPTH:
        raise FileProblems([_too_deep(path, index.line(key))])
    return _clean(data), index


def _too_deep(path: Path, line: int | None) -> Problem:
    return Problem(
        path,
        f"is nested too deeply; lists and tables may nest at most {MAX_DEPTH} levels",
        line=line,
    )


def _deepest_line(text: str) -> int | None:
    counts = [line.count("[") + line.count("{") for line in text.splitlines()]
    return counts.index(max(counts)) + 1 if counts else None


def read_toml(path: Path) -> tuple[dict[str, Any], LineIndex]:
    """Parse ``path``; raise ``FileProblems`` naming the file (and line) when it can't be.

    The one door for files a person wrote (routines, settings, themes): a regular file,
    at most 1 MB, UTF-8, sensibly nested, its texts clean of control characters.
    """
    return loads_toml(read_bytes(path), path)


class Checker:
    """Collects problems about one file's parsed data, with lines from its ``LineIndex``."""

    def __init__(self, path: Path, index: LineIndex | None = None) -> None:
        self.path = path
        self.index = index
        self.problems: list[Problem] = []

    def add(self, keypath: str, message: str) -> None:
        line = self.index.line(keypath) if self.index else None
        self.problems.append(Problem(self.path, message, line=line, key=keypath or None))

    def known_keys(self, table: Mapping[str, Any], keypath: str, allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        for key in table:
            if key not in allowed:
                self.add(_join(keypath, key), "unknown key" + did_you_mean(key, allowed))

    def string(
        self, table: Mapping[str, Any], keypath: str, key: str, *, required: bool = False
    ) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                self.add(keypath, f"missing `{key}` (a text in quotes)")
            return None
        if not isinstance(value, str):
            self.add(_join(keypath, key), f"must be text in quotes, not {_kind(value)}")
            return None
        if required and not value.strip():
            self.add(_join(keypath, key), "must not be empty")
            return None
        return value

    def boolean(self, table: Mapping[str, Any], keypath: str, key: str) -> bool | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.add(_join(keypath, key), f"must be true or false, not {_kind(value)}")
            return None
        return value

    def number(
        self,
        table: Mapping[str, Any],
        keypath: str,
        key: str,
        low: float,
        high: float,
        *,
        integer: bool = False,
    ) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        ok = isinstance(value, int) if integer else isinstance(value, int | float)
        if isinstance(value, bool) or not ok:
            what = "a whole number" if integer else "a number"
            self.add(_join(keypath, key), f"must be {what}, not {_kind(value)}")
            return None
        if not low <= value <= high:
            self.add(_join(keypath, key), f"{value} is out of range; use {low:g} to {high:g}")
            return None
        return float(value)

    def strings(self, table: Mapping[str, Any], keypath: str, key: str) -> list[str] | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(_join(keypath, key), 'must be a list of texts, like ["one", "two"]')
            return None
        return list(value)

    def table(self, parent: Mapping[str, Any], keypath: str, key: str) -> dict[str, Any] | None:
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.add(_join(keypath, key), f"must be a table, not {_kind(value)}")
            return None
        return value

    def tables(
        self, parent: Mapping[str, Any], keypath: str, key: str
    ) -> list[dict[str, Any]] | None:
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.add(_join(keypath, key), f"must be a list of tables, written [[{key}]]")
            return None
        return list(value)


def _join(keypath: str, key: str) -> str:
    return f"{keypath}.{key}" if keypath else key


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
