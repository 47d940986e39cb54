"""Theme files (TOML) become Textual themes.

Built-in themes ship inside the wheel as ``glutecoach/themes``; in a source checkout they
are the repository's ``themes/``. User themes live in ``themes/`` under the config dir and
load the same way. A broken file never stops the app: it is reported with its path and
what to change, and every other theme still loads.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

DEFAULT_THEME = "glutecoach-dark"
ANSI_THEME = "glutecoach-terminal"

COLOUR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "background",
    "surface",
    "panel",
    "warning",
    "error",
    "success",
    "foreground",
    "boost",
)
FLAG_KEYS = ("dark", "ansi")
PHASE_KEYS = ("work", "rest", "switch", "get-ready")
TOP_KEYS = ("name", *COLOUR_KEYS, *FLAG_KEYS, "phases", "variables")

# Textual's ANSI colour system leaves these out, yet its own widgets' CSS refers to them.
ANSI_VARIABLES = {
    "ansi-background": "ansi_black",
    "ansi-foreground": "ansi_white",
    "foreground-disabled": "ansi_bright_black",
    "surface-active": "ansi_default",
    "border-blurred": "ansi_black",
}

# Used when a theme (or one of Textual's own) leaves a phase colour out.
PHASE_DEFAULTS = {
    "phase-work": "$warning",
    "phase-rest": "$success",
    "phase-switch": "$accent",
    "phase-get-ready": "$primary",
}


@dataclass(frozen=True)
class ThemeProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class LoadedThemes:
    themes: dict[str, Theme]
    problems: list[ThemeProblem]
    builtin: frozenset[str]


def builtin_theme_dir() -> Path:
    """Where the shipped themes are: inside the package when installed from a wheel, else
    the checkout's top-level ``themes/`` (an editable install)."""
    here = Path(__file__).resolve().parent
    packaged = here / "themes"
    return packaged if packaged.is_dir() else here.parent / "themes"


def _suggest(key: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(choices), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def parse_theme(text: str, stem: str, where: str) -> tuple[Theme | None, list[ThemeProblem]]:
    """Turn one theme file's text into a Theme, collecting every problem rather than the first."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [ThemeProblem(where, f"not valid TOML: {exc}")]
    problems: list[ThemeProblem] = []

    def bad(message: str) -> None:
        problems.append(ThemeProblem(where, message))

    for key in data:
        if key not in TOP_KEYS:
            bad(f'unknown key "{key}"{_suggest(key, TOP_KEYS)}')
    name = data.get("name", stem)
    if not isinstance(name, str) or not name.strip():
        bad('"name" must be a non-empty string')
        name = stem
    colours: dict[str, str] = {}
    for key in COLOUR_KEYS:
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, str):
            bad(f'"{key}" must be a colour in quotes, like "#3fa7d6"')
            continue
        try:
            Color.parse(value)
        except ColorParseError:
            bad(f'"{key}" = "{value}" is not a colour; use "#rrggbb", a colour name or "ansi_red"')
            continue
        colours[key] = value
    if "primary" not in data:
        bad('"primary" is missing; every theme needs at least a primary colour')
    flags: dict[str, bool] = {}
    for key in FLAG_KEYS:
        if key in data:
            if isinstance(data[key], bool):
                flags[key] = data[key]
            else:
                bad(f'"{key}" must be true or false')
    variables: dict[str, str] = {}
    phases = data.get("phases", {})
    if not isinstance(phases, dict):
        bad('"phases" must be a table: [phases] with work, rest, switch, get-ready')
        phases = {}
    for key, value in phases.items():
        if key not in PHASE_KEYS:
            bad(f'unknown phase "{key}" in [phases]{_suggest(key, PHASE_KEYS)}')
            continue
        try:
            Color.parse(str(value))
        except ColorParseError:
            bad(f'phases.{key} = "{value}" is not a colour')
            continue
        variables[f"phase-{key}"] = str(value)
    extra = data.get("variables", {})
    if not isinstance(extra, dict) or not all(isinstance(v, str) for v in extra.values()):
        bad('"variables" must be a table of Textual variable names to text values')
        extra = {}
    if problems:
        return None, problems
    if flags.get("ansi", False):
        variables = {**ANSI_VARIABLES, **variables}
    variables.update(extra)
    return (
        Theme(
            name=name,
            primary=colours["primary"],
            secondary=colours.get("secondary"),
            accent=colours.get("accent"),
            background=colours.get("background"),
            surface=colours.get("surface"),
            panel=colours.get("panel"),
            warning=colours.get("warning"),
            error=colours.get("error"),
            success=colours.get("success"),
            foreground=colours.get("foreground"),
            boost=colours.get("boost"),
            dark=flags.get("dark", True),
            ansi=flags.get("ansi", False),
            variables=variables,
        ),
        [],
    )


def _load_dir(folder: Path, label: str) -> tuple[dict[str, Theme], list[ThemeProblem]]:
    themes: dict[str, Theme] = {}
    problems: list[ThemeProblem] = []
    try:
        entries = sorted(
            (e for e in folder.iterdir() if e.name.endswith(".toml")), key=lambda e: e.name
        )
    except OSError as exc:
        return {}, [ThemeProblem(label, f"cannot read the folder: {exc.strerror or exc}")]
    for entry in entries:
        where = str(entry)
        try:
            text = entry.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(ThemeProblem(where, f"cannot read it: {exc}"))
            continue
        theme, found = parse_theme(text, entry.name.removesuffix(".toml"), where)
        problems.extend(found)
        if theme is not None:
            themes[theme.name] = theme
    return themes, problems


def load_themes(user_dir: Path | None) -> LoadedThemes:
    """Built-in themes, then the user's (a user theme with the same name replaces the built-in)."""
    themes, problems = _load_dir(builtin_theme_dir(), "built-in themes")
    builtin = frozenset(themes)
    if user_dir is not None and user_dir.is_dir():
        user, user_problems = _load_dir(user_dir, str(user_dir))
        themes.update(user)
        problems.extend(user_problems)
    return LoadedThemes(themes, problems, builtin)
