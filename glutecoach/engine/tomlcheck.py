"""Reading TOML a person wrote, and saying precisely what is wrong with it.

``tomllib`` gives a line only for syntax errors, so ``LineIndex`` scans the text once to
map every key path (``exercise[1].reps``) to the line that set it. ``Checker`` collects
every problem in a file instead of stopping at the first, and suggests the nearest valid
name for anything misspelt.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

MAX_BYTES = 1_000_000

_KEY = r'(?:"[^"]*"|\'[^\']*\'|[A-Za-z0-9_\-]+)'
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*\]\]?")
_ASSIGN = re.compile(rf"^\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*=")
_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    message: str
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class FileProblems(Exception):
    """A file could not be used; ``problems`` holds every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


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
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(line)
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
        assign = _ASSIGN.match(line)
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


def read_toml(path: Path) -> tuple[dict[str, Any], LineIndex]:
    """Parse ``path``; raise ``FileProblems`` naming the file (and line) when it can't be."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise FileProblems(
                [Problem(path, f"file is {size:,} bytes; the limit is {MAX_BYTES:,} (1 MB)")]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise FileProblems([Problem(path, f"cannot be read: {exc.strerror or exc}")]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileProblems(
            [Problem(path, "is not UTF-8 text; save it as UTF-8 and try again", line=line)]
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_LINE.search(message)
        syntax_line = int(found.group(1)) if found else None
        message = _TOML_LINE.sub("", message).strip()
        raise FileProblems(
            [
                Problem(
                    path,
                    f"is not valid TOML: {message[:1].lower()}{message[1:]}",
                    line=syntax_line,
                )
            ]
        ) from exc
    return data, LineIndex(text)


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
