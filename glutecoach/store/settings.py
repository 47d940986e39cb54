"""The user's settings (``config.toml``). The dataclass is the contract every front end uses.

Loading never fails: every problem becomes a notice naming the file, the key and the fix,
and only the broken key falls back to its default. Saving rewrites the whole file
atomically (temp file in the same directory, fsync, rename) so a crash mid-save leaves
either the old file or the new one, never half of each.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from glutecoach.engine.tomlcheck import (
    Checker,
    FileProblems,
    LineIndex,
    Problem,
    did_you_mean,
    read_toml,
)
from glutecoach.errors import UserError
from glutecoach.store import paths
from glutecoach.store.remind_settings import RemindSettings, check_remind, validate_remind

VOICE_MODES = ("auto", "speech", "relay", "captions", "off")


@dataclass
class Settings:
    voice: str = "auto"  # one of VOICE_MODES
    voice_id: str = ""  # the engine's voice id; "" = the engine's default
    rate: int = 170  # words per minute
    volume: float = 1.0  # 0.0-1.0 here; a percentage (0-100) in the file and on the CLI
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
    """In the program: a fraction, 0.0-1.0."""
    if _num(v) and 0.0 <= float(v) <= 1.0:
        return float(v), None
    return None, "must be a number from 0.0 (silent) to 1.0 (full)"


def volume_from_user(v: Any) -> tuple[float | None, str | None]:
    """In the file and on the command line: a percentage, 0-100, like the Settings screen.
    The old form, a fraction (0.8, and 1 for full), is still read: 1 and below is a
    fraction, so no old file changes meaning (1 % cannot be had; 2 % can)."""
    if _num(v):
        if 0.0 <= v <= 1.0:
            return float(v), None
        if 1 < v <= 100:
            return float(v) / 100, None
    return None, "must be a percentage from 0 (silent) to 100 (full), like volume = 80"


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


_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(
    {
        "escape", "enter", "return", "tab", "space", "backspace", "delete", "insert",
        "home", "end", "pageup", "pagedown", "up", "down", "left", "right",
        "slash", "backslash", "at", "minus", "plus", "underscore",
        *(f"f{n}" for n in range(1, 25)),
    }
)  # fmt: skip


def key_problem(text: str) -> str | None:
    """Why ``text`` is not a key list Textual understands (``"p"``, ``"ctrl+p,f5"``), or None.

    Checked here rather than by Textual so the store never imports the UI: a single
    character, a key name (``space``, ``f5``) or a character's Unicode name
    (``question_mark``), after any of ctrl+, shift+, alt+, meta+, super+, hyper+.
    """
    keys = [part.strip() for part in text.split(",")]
    if not text.strip() or not all(keys):
        return 'is not a key: give one or more keys separated by commas, like "p" or "ctrl+p,f5"'
    for key in keys:
        *mods, base = key.split("+")
        bad_mods = [m for m in mods if m not in _MODIFIERS]
        if bad_mods or not _is_key_name(base):
            return (
                f'"{key}" is not a key: use a character ("p"), a key name (space, enter, f5, '
                'up) or modifiers before one ("ctrl+p", "shift+tab")'
            )
    return None


def _is_key_name(base: str) -> bool:
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in _NAMED_KEYS:
        return True
    if not re.fullmatch(r"[a-z][a-z0-9_]*", base):
        return False
    try:
        unicodedata.lookup(base.replace("_", " ").upper())
    except KeyError:
        return False
    return True


def _check_keys(v: Any) -> tuple[Any, str | None]:
    if isinstance(v, dict) and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items()):
        return dict(v), None
    return None, 'must be a table of binding id = "keys", for example pause = "p"'


def _good_keys(check: Checker, value: dict[str, str], keypath: str = "keys") -> dict[str, str]:
    """The bindings in ``value`` that name real keys; each other one becomes a problem."""
    good: dict[str, str] = {}
    for binding_id, keys in value.items():
        why = key_problem(keys)
        if why is None:
            good[binding_id] = keys
        else:
            check.add(f"{keypath}.{binding_id}", f"{why}; keeping the default key")
    return good


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


def validate(
    data: dict[str, Any], path: Path, index: LineIndex | None = None
) -> tuple[Settings, list[Problem]]:
    """Settings from a parsed file plus every problem found (all of them, not the first),
    each in the shape routine files use: file:line: key: what is wrong (did you mean)."""
    check = Checker(path, index)
    check.known_keys(data, "", CHECKS)
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "remind" and isinstance(raw, dict):  # a table: checked key by key, with lines
            values[key] = validate_remind(raw, check)
            continue
        if key not in CHECKS:
            continue
        value: Any
        value, why = volume_from_user(raw) if key == "volume" else CHECKS[key](raw)
        if why is not None:
            default = getattr(Settings(), key)
            if key == "volume":
                default = round(default * 100)
            check.add(key, f"{why}; using the default ({default!r})")
            continue
        values[key] = _good_keys(check, value) if key == "keys" else value
    return Settings(**values), check.problems


def _file_values(settings: Settings) -> dict[str, Any]:
    """Every known setting as the file holds it (None ones left out: TOML has no null;
    the volume as a percentage)."""
    data = {k: v for k, v in asdict(settings).items() if v is not None}
    percent = round(settings.volume * 100)
    data["volume"] = percent if percent > 1 else settings.volume  # 1 would read as full
    return data


def to_toml(settings: Settings, extra: dict[str, Any] | None = None) -> str:
    """The file we write: every known setting."""
    data = _file_values(settings)
    for key, value in (extra or {}).items():
        data.setdefault(key, value)
    return _dumps(data)


def _dumps(data: dict[str, Any]) -> str:
    import tomli_w  # only when writing: not on the way to the app's first frame

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
    """The settings in effect, where they came from, and the one way to change them.

    A save merges this store's changes into the file as it is on disk now, so two windows
    changing different settings keep both changes, and a value this store never touched
    (even one it could not use) is written back as the user left it.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else paths.config_file()
        self.value = Settings()
        self.notices: list[str] = []
        self._extra: dict[str, Any] = {}  # unknown keys, kept so a rewrite loses nothing
        self._index: LineIndex | None = None
        self._changed: set[str] = set()  # keys this store changed: the ones a save writes
        self._backed_up = False
        self._unwritable = ""  # why saving would destroy something that is not a settings file
        self.load()

    def load(self) -> Settings:
        """Read the file; any problem becomes a notice and only that key uses its default."""
        self._extra = {}
        self._index = None
        try:
            data, self._index = read_toml(self.path)
        except FileProblems as exc:
            self.value = Settings()
            if exc.missing:
                return self.value
            if not self._is_regular_file():
                self._unwritable = str(exc)
                self.notices.append(f"{exc}; using default settings.")
            else:
                self.notices.append(self._keep_broken(exc))
                self._backed_up = True  # the broken copy is the backup
            return self.value
        self.value, problems = validate(data, self.path, self._index)
        self._extra = {k: v for k, v in data.items() if k not in CHECKS}
        self.notices.extend(map(str, problems))
        return self.value

    def _is_regular_file(self) -> bool:
        try:
            return stat.S_ISREG(os.stat(self.path).st_mode)
        except OSError:
            return False

    def _keep_broken(self, exc: Exception) -> str:
        target = self.path.with_name(f"{self.path.name}.broken-{_stamp()}")
        try:
            shutil.copy2(self.path, target)
        except OSError as copy_exc:
            return (
                f"{exc}. Default settings are in use; the file was left as it is (a copy "
                f"could not be made: {copy_exc.strerror}), so fix it by hand."
            )
        return (
            f"{exc}. Default settings are in use; your file was copied to {target.name}. "
            "Fix it there and copy it back, or change settings in the app to write a fresh one."
        )

    def check(self, **changes: Any) -> Settings:
        """The settings ``changes`` would give, or ``SettingsError`` naming the bad key."""
        problems: list[str] = []
        clean: dict[str, Any] = {}
        for key, raw in changes.items():
            check = CHECKS.get(key)
            if check is None:
                problems.append(f"{key}: unknown setting" + did_you_mean(key, CHECKS))
                continue
            value, why = check(raw)
            if why is not None:
                problems.append(f"{key}: {why}")
                continue
            if key == "keys":
                checker = Checker(self.path)
                value = _good_keys(checker, value)
                problems.extend(f"{p.key}: {p.message}" for p in checker.problems)
            clean[key] = value
        if problems:
            raise SettingsError("; ".join(problems))
        return replace(self.value, **clean)

    def update(self, **changes: Any) -> bool:
        """Validate, apply, and save. Returns False (with a notice) when the file cannot be
        written: the change still applies for this run, so the workout is never blocked."""
        new = self.check(**changes)
        self.value = new
        self._changed.update(changes)
        return self.save()

    def unknown_binding_ids(self, known: set[str]) -> list[Problem]:
        """``[keys]`` entries naming no binding, with the file's line and the nearest id."""
        check = Checker(self.path, self._index)
        for binding_id in sorted(set(self.value.keys) - known):
            check.add(
                f"keys.{binding_id}", "no key binding has this id" + did_you_mean(binding_id, known)
            )
        return check.problems

    def _merged(self) -> dict[str, Any]:
        """What to write: the file as it is on disk now, with this store's changes on top."""
        ours = _file_values(self.value)
        try:
            on_disk, _ = read_toml(self.path)
        except FileProblems:
            on_disk = None  # missing or broken (a broken one was copied aside at load)
        if on_disk is None:
            return {**self._extra, **ours}
        for key in self._changed:
            if key in ours:
                on_disk[key] = ours[key]
            else:
                on_disk.pop(key, None)
        return on_disk

    def save(self) -> bool:
        if self._unwritable:
            self.notices.append(
                f"Settings were not saved: {self._unwritable}; they apply until glutecoach closes."
            )
            return False
        try:
            if not self._backed_up and self.path.exists():
                # The first rewrite drops comments and layout; keep the user's version once.
                shutil.copy2(self.path, self.path.with_name(self.path.name + ".bak"))
                self._backed_up = True
            atomic_write(self.path, _dumps(self._merged()))
        except OSError as exc:
            self.notices.append(
                f"Settings could not be saved to {self.path} ({exc.strerror or exc}); "
                "they apply until glutecoach closes."
            )
            return False
        return True
