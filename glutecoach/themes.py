"""Theme files (TOML) become Textual themes.

Built-in themes ship inside the wheel as ``glutecoach/themes``; in a source checkout they
are the repository's ``themes/``. User themes live in ``themes/`` under the config dir and
load the same way. A broken file never stops the app: it is reported with its path and
what to change, and every other theme still loads.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from glutecoach.engine.tomlcheck import (
    Checker,
    FileProblems,
    Problem,
    did_you_mean,
    loads_toml,
    read_toml,
)

if TYPE_CHECKING:
    from textual.css.stylesheet import Stylesheet

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


@dataclass
class LoadedThemes:
    themes: dict[str, Theme]
    problems: list[Problem]
    builtin: frozenset[str]


def builtin_theme_dir() -> Path:
    """Where the shipped themes are: inside the package when installed from a wheel, else
    the checkout's top-level ``themes/`` (an editable install)."""
    here = Path(__file__).resolve().parent
    packaged = here / "themes"
    return packaged if packaged.is_dir() else here.parent / "themes"


STYLE_WORDS = frozenset(
    {"bold", "b", "italic", "i", "underline", "u", "reverse", "r", "strike", "s", "dim", "d"}
    | {"blink", "overline", "not", "none"}
)


@functools.cache
def known_variables() -> dict[str, str]:
    """Every variable a theme may set, with Textual's (or our) default value for it."""
    generated = Theme(name="probe", primary="#000000").to_color_system().generate()
    return {**ANSI_VARIABLES, **PHASE_DEFAULTS, **generated}


def variable_problem(name: str, value: str) -> str | None:
    """Why ``value`` cannot be the CSS variable ``name``, or None: checked against what the
    variable holds by default, so a bad value is caught when the file loads, not when
    Textual parses its CSS mid-workout."""
    from textual.css.tokenize import tokenize_values
    from textual.css.tokenizer import TokenError

    known = known_variables()
    if name not in known:
        return "unknown variable" + did_you_mean(name, known)
    try:
        tokenize_values({name: value})
    except TokenError:
        return f'"{value}" is not a CSS value'
    if value.startswith("$"):
        ref = value[1:].strip()
        return None if ref in known else f'"{value}" names no variable' + did_you_mean(ref, known)
    default = known[name]
    words = value.split()
    if all(word in STYLE_WORDS for word in default.split()):
        if words and all(word in STYLE_WORDS for word in words):
            return None
        return f'"{value}" is not a text style; use words like "bold", "italic", "none"'
    if _is_colour(default) or default.startswith(("$", "auto")) or default == "initial":
        if _is_colour(value) or (words[:1] == ["auto"] and len(words) <= 2) or value == "initial":
            return None
        return f'"{value}" is not a colour; use "#rrggbb", a colour name or "ansi_red"'
    return None


def _is_colour(value: str) -> bool:
    try:
        Color.parse(value)
    except ColorParseError:
        return False
    return True


def parse_theme(raw: str | bytes, path: Path) -> tuple[Theme | None, list[Problem]]:
    """Turn one theme file's text into a Theme, collecting every problem rather than the
    first, in the shape routine files use (file:line: key: message, did you mean)."""
    try:
        data, index = loads_toml(raw, path)
    except FileProblems as exc:
        return None, exc.problems
    return _parse_data(data, Checker(path, index), path.name.removesuffix(".toml"))


def _parse_data(
    data: dict[str, Any], check: Checker, stem: str
) -> tuple[Theme | None, list[Problem]]:
    check.known_keys(data, "", TOP_KEYS)
    name = check.string(data, "", "name")
    if name is not None and not name.strip():
        check.add("name", "must not be empty")
    name = name.strip() if name and name.strip() else stem
    colours: dict[str, str] = {}
    for key in COLOUR_KEYS:
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, str):
            check.add(key, 'must be a colour in quotes, like "#3fa7d6"')
        elif not _is_colour(value):
            check.add(key, f'"{value}" is not a colour; use "#rrggbb", a colour name or "ansi_red"')
        else:
            colours[key] = value
    if "primary" not in data:
        check.add("", "missing `primary`; every theme needs at least a primary colour")
    flags: dict[str, bool] = {}
    for key in FLAG_KEYS:
        flag = check.boolean(data, "", key)
        if flag is not None:
            flags[key] = flag
    variables: dict[str, str] = {}
    phases = check.table(data, "", "phases") or {}
    check.known_keys(phases, "phases", PHASE_KEYS)
    for key, value in phases.items():
        if key not in PHASE_KEYS:
            continue
        if not isinstance(value, str) or not _is_colour(value):
            check.add(f"phases.{key}", f"{_quoted(value)} is not a colour")
            continue
        variables[f"phase-{key}"] = value
    extra: dict[str, str] = {}
    for key, value in (check.table(data, "", "variables") or {}).items():
        if not isinstance(value, str):
            check.add(f"variables.{key}", 'must be a CSS value in quotes, like "#3fa7d6"')
            continue
        why = variable_problem(key, value)
        if why is not None:
            check.add(f"variables.{key}", why)
            continue
        extra[key] = value
    if check.problems:
        return None, check.problems
    if flags.get("ansi", False):
        variables = {**ANSI_VARIABLES, **variables}
    variables.update(extra)
    theme = Theme(
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
    )
    # Textual does not resolve a variable whose value names another ("$warning"), so a
    # phase colour the file leaves out is the theme's own colour, looked up here. The
    # colour system is generated only then: ~1 ms a theme, and every start loads them all.
    for phase, default in PHASE_DEFAULTS.items():
        variables.setdefault(phase, default)
    if any(value.startswith("$") for value in variables.values()):
        generated = theme.to_color_system().generate()
        for key, value in variables.items():
            if value.startswith("$"):
                variables[key] = {**generated, **variables}.get(value[1:].strip(), value)
    return theme, []


def _quoted(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def read_theme(path: Path) -> tuple[Theme | None, list[Problem]]:
    """One theme file, read the way every file a person wrote is (``read_toml``)."""
    try:
        data, index = read_toml(path)
    except FileProblems as exc:
        return None, exc.problems
    return _parse_data(data, Checker(path, index), path.name.removesuffix(".toml"))


def _load_dir(folder: Path) -> tuple[dict[str, Theme], list[Problem]]:
    themes: dict[str, Theme] = {}
    problems: list[Problem] = []
    try:
        entries = sorted(
            (e for e in folder.iterdir() if e.name.endswith(".toml")), key=lambda e: e.name
        )
    except OSError as exc:
        return {}, [Problem(folder, f"cannot read the folder: {exc.strerror or exc}")]
    for entry in entries:
        theme, found = read_theme(entry)
        problems.extend(found)
        if theme is not None:
            themes[theme.name] = theme
    return themes, problems


def css_problem(stylesheet: Stylesheet, variables: dict[str, str]) -> str | None:
    """Why the app's CSS would not parse with ``variables``, or None. Tried on a copy, with
    every screen's CSS file added (a screen's CSS loads only when it first opens, and a theme
    that breaks the workout's would stop the app mid-workout), so a theme that would stop
    Textual is refused before it is applied or saved."""
    trial = stylesheet.copy()
    loaded = {source.content for source in trial.source.values()}
    for path in sorted(Path(__file__).resolve().parent.glob("**/*.tcss")):
        try:
            css = path.read_text(encoding="utf-8")
        except OSError:
            continue
        if css not in loaded:
            trial.add_source(css, read_from=(str(path), ""))
    trial.set_variables(variables)
    try:
        trial.reparse()
    except Exception:  # StylesheetParseError, TokenError: whatever stops the parser
        return "its colours or [variables] make glutecoach's styles fail to parse"
    return None


def load_one_theme(name: str, user_dir: Path | None) -> Theme | None:
    """The theme ``name`` alone (the user's file, else the built-in one), or None when it
    is not there or has problems (``load_themes`` then reads and reports every file)."""
    for folder in (user_dir, builtin_theme_dir()):
        if folder is None:
            continue
        path = folder / f"{name}.toml"
        try:
            if not path.is_file():
                continue
        except OSError:
            continue
        theme, problems = read_theme(path)
        return theme if theme is not None and not problems and theme.name == name else None
    return None


def load_themes(user_dir: Path | None) -> LoadedThemes:
    """Built-in themes, then the user's (a user theme with the same name replaces the built-in)."""
    themes, problems = _load_dir(builtin_theme_dir())
    builtin = frozenset(themes)
    if user_dir is not None and _is_dir(user_dir):
        user, user_problems = _load_dir(user_dir)
        themes.update(user)
        problems.extend(user_problems)
    return LoadedThemes(themes, problems, builtin)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a path too long to look at, for one
        return False
