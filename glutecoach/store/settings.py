"""The user's settings (``config.toml``). The dataclass is the contract every front end uses.

Loading never fails: every problem becomes a notice naming the file, the key and the fix,
and only the broken key falls back to its default. Saving rewrites the whole file
atomically (temp file in the same directory, fsync, rename) so a crash mid-save leaves
either the old file or the new one, never half of each.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w

from glutecoach.errors import UserError
from glutecoach.store import paths
from glutecoach.store.remind_settings import RemindSettings, check_remind, validate_remind

VOICE_MODES = ("auto", "speech", "relay", "captions", "off")


@dataclass
class Settings:
    voice: str = "auto"  # one of VOICE_MODES
    voice_id: str = ""  # the engine's voice id; "" = the engine's default
    rate: int = 170  # words per minute
    volume: float = 1.0  # 0.0-1.0
    muted: bool = False
    bell: bool = False  # BEL on countdown seconds and step changes
    notify: bool = False  # OSC 9 / OSC 777 desktop notifications on step changes
    lead_in: int | None = None  # seconds; None = what the routine says
    default_tempo: float | None = None  # seconds per rep; None = the catalog's
    theme: str = "glutecoach-dark"
    equipment: list[str] = field(default_factory=lambda: ["band", "weight"])
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> keys, to remap
    remind: RemindSettings = field(default_factory=RemindSettings)  # the [remind] table


RATE_RANGE = (80, 400)
LEAD_IN_RANGE = (0, 120)
TEMPO_RANGE = (0.5, 10.0)


class SettingsError(UserError):
    """A value that cannot be a setting; the message names the key and what would fit."""


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_voice(v: Any) -> tuple[Any, str | None]:
    if isinstance(v, str) and v in VOICE_MODES:
        return v, None
    return None, f"must be one of {', '.join(VOICE_MODES)}"


def _check_str(v: Any) -> tuple[Any, str | None]:
    return (v, None) if isinstance(v, str) else (None, "must be text in quotes")


def _check_theme(v: Any) -> tuple[Any, str | None]:
    if isinstance(v, str) and v.strip():
        return v, None
    return None, "must be a theme name in quotes"


def _check_bool(v: Any) -> tuple[Any, str | None]:
    return (v, None) if isinstance(v, bool) else (None, "must be true or false")


def _check_rate(v: Any) -> tuple[Any, str | None]:
    lo, hi = RATE_RANGE
    if isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi:
        return v, None
    return None, f"must be a whole number of words per minute from {lo} to {hi}"


def _check_volume(v: Any) -> tuple[Any, str | None]:
    if _num(v) and 0.0 <= float(v) <= 1.0:
        return float(v), None
    return None, "must be a number from 0.0 (silent) to 1.0 (full)"


def _check_lead_in(v: Any) -> tuple[Any, str | None]:
    lo, hi = LEAD_IN_RANGE
    if v is None:
        return None, None
    if isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi:
        return v, None
    return None, f"must be whole seconds from {lo} to {hi} (leave it out to use the routine's)"


def _check_tempo(v: Any) -> tuple[Any, str | None]:
    lo, hi = TEMPO_RANGE
    if v is None:
        return None, None
    if _num(v) and lo <= float(v) <= hi:
        return float(v), None
    return None, f"must be seconds per rep from {lo} to {hi} (leave it out to use each exercise's)"


def _check_equipment(v: Any) -> tuple[Any, str | None]:
    if isinstance(v, list | tuple) and all(isinstance(x, str) for x in v):
        return [x.strip().lower() for x in v if x.strip()], None
    return None, 'must be a list of names, for example ["band", "weight"] or [] for none'


def _check_keys(v: Any) -> tuple[Any, str | None]:
    if isinstance(v, dict) and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items()):
        return dict(v), None
    return None, 'must be a table of binding id = "keys", for example pause = "p"'


CHECKS: dict[str, Callable[[Any], tuple[Any, str | None]]] = {
    "voice": _check_voice,
    "voice_id": _check_str,
    "rate": _check_rate,
    "volume": _check_volume,
    "muted": _check_bool,
    "bell": _check_bool,
    "notify": _check_bool,
    "lead_in": _check_lead_in,
    "default_tempo": _check_tempo,
    "theme": _check_theme,
    "equipment": _check_equipment,
    "keys": _check_keys,
    "remind": check_remind,
}
assert set(CHECKS) == {f.name for f in fields(Settings)}


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _where(path: Path, text: str, key: str) -> str:
    line = _line_of(text, key)
    return f"{path}, line {line}" if line else str(path)


def validate(data: dict[str, Any], path: Path, text: str = "") -> tuple[Settings, list[str]]:
    """Settings from a parsed file plus every problem found (all of them, not the first)."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    names = list(CHECKS)
    for key, raw in data.items():
        if key == "remind" and isinstance(raw, dict):  # a table: checked key by key, with lines
            values[key], more = validate_remind(raw, path, text)
            problems.extend(more)
            continue
        check = CHECKS.get(key)
        if check is None:
            near = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
            hint = f"; did you mean '{near[0]}'?" if near else f"; valid keys: {', '.join(names)}"
            problems.append(f"{_where(path, text, key)}: unknown setting '{key}'{hint}")
            continue
        value, why = check(raw)
        if why is not None:
            default = getattr(Settings(), key)
            problems.append(
                f"{_where(path, text, key)}: '{key}' {why}; using the default ({default!r})"
            )
            continue
        values[key] = value
    return Settings(**values), problems


def to_toml(settings: Settings, extra: dict[str, Any] | None = None) -> str:
    """The file we write: every known setting (None ones left out: TOML has no null)."""
    data = {k: v for k, v in asdict(settings).items() if v is not None}
    for key, value in (extra or {}).items():
        data.setdefault(key, value)
    return tomli_w.dumps(data)


def atomic_write(path: Path, text: str, mode: int = 0o644) -> None:
    """Write ``text`` to ``path`` so readers see the old file or the new one, nothing between."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with _suppress_os_error():
            os.unlink(tmp)
        raise
    with _suppress_os_error():
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class _suppress_os_error:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> bool:
        return kind is not None and issubclass(kind, OSError)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


class SettingsStore:
    """The settings in effect, where they came from, and the one way to change them."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else paths.config_file()
        self.value = Settings()
        self.notices: list[str] = []
        self._extra: dict[str, Any] = {}  # unknown keys, kept so a rewrite loses nothing
        self._backed_up = False
        self.load()

    def load(self) -> Settings:
        """Read the file; any problem becomes a notice and only that key uses its default."""
        self._extra = {}
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self.value = Settings()
            return self.value
        except OSError as exc:
            self.notices.append(
                f"{self.path}: cannot be read ({exc.strerror}); using default settings."
            )
            self.value = Settings()
            return self.value
        text = raw.decode("utf-8", errors="replace")
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            self.value = Settings()
            self.notices.append(self._keep_broken(exc))
            self._backed_up = True  # the broken copy is the backup
            return self.value
        self.value, problems = validate(data, self.path, text)
        self._extra = {k: v for k, v in data.items() if k not in CHECKS}
        self.notices.extend(problems)
        return self.value

    def _keep_broken(self, exc: Exception) -> str:
        target = self.path.with_name(f"{self.path.name}.broken-{_stamp()}")
        try:
            shutil.copy2(self.path, target)
        except OSError as copy_exc:
            return (
                f"{self.path} is not valid TOML ({exc}). Default settings are in use; the "
                f"file was left as it is (a copy could not be made: {copy_exc.strerror}), "
                "so fix it by hand."
            )
        return (
            f"{self.path} is not valid TOML ({exc}). Default settings are in use; your file "
            f"was copied to {target.name}. Fix it there and copy it back, or change settings "
            "in the app to write a fresh one."
        )

    def check(self, **changes: Any) -> Settings:
        """The settings ``changes`` would give, or ``SettingsError`` naming the bad key."""
        problems: list[str] = []
        clean: dict[str, Any] = {}
        for key, raw in changes.items():
            check = CHECKS.get(key)
            if check is None:
                near = difflib.get_close_matches(key, list(CHECKS), n=1)
                hint = f"; did you mean '{near[0]}'?" if near else ""
                problems.append(f"unknown setting '{key}'{hint}")
                continue
            value, why = check(raw)
            if why is not None:
                problems.append(f"'{key}' {why}")
            else:
                clean[key] = value
        if problems:
            raise SettingsError("; ".join(problems))
        return replace(self.value, **clean)

    def update(self, **changes: Any) -> bool:
        """Validate, apply, and save. Returns False (with a notice) when the file cannot be
        written: the change still applies for this run, so the workout is never blocked."""
        new = self.check(**changes)
        self.value = new
        return self.save()

    def save(self) -> bool:
        try:
            if not self._backed_up and self.path.exists():
                # The first rewrite drops comments and layout; keep the user's version once.
                shutil.copy2(self.path, self.path.with_name(self.path.name + ".bak"))
                self._backed_up = True
            atomic_write(self.path, to_toml(self.value, self._extra))
        except OSError as exc:
            self.notices.append(
                f"Settings could not be saved to {self.path} ({exc.strerror or exc}); "
                "they apply until glutecoach closes."
            )
            return False
        return True
