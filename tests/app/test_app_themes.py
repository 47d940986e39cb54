"""Theme files: the four built-ins, user themes, broken files reported by name, fallbacks."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from app_helpers import async_test

from glutecoach.themes import DEFAULT_THEME, load_themes, parse_theme

BUILTIN = {"glutecoach-dark", "glutecoach-light", "glutecoach-contrast", "glutecoach-terminal"}


def test_four_builtin_themes_load_without_problems() -> None:
    loaded = load_themes(None)
    assert set(loaded.themes) >= BUILTIN
    assert loaded.problems == []
    assert loaded.themes["glutecoach-light"].dark is False
    assert loaded.themes["glutecoach-terminal"].ansi is True
    for name in BUILTIN:
        assert set(loaded.themes[name].variables) >= {
            "phase-work",
            "phase-rest",
            "phase-switch",
            "phase-get-ready",
        }


X = Path("x.toml")


def test_unknown_key_is_named_with_a_suggestion() -> None:
    theme, problems = parse_theme('primary = "#112233"\nbackgrund = "#000000"\n', X)
    assert theme is None
    # The shape routine files and settings use: file:line: key: message (did you mean).
    assert str(problems[0]) == "x.toml:2: backgrund: unknown key (did you mean `background`?)"


def test_bad_colour_and_bad_toml_are_reported() -> None:
    _, problems = parse_theme('primary = "#12345z"\n[phases]\nwrok = "red"\n', X)
    text = " | ".join(map(str, problems))
    assert 'x.toml:1: primary: "#12345z" is not a colour' in text
    assert "x.toml:3: phases.wrok: unknown key (did you mean `work`?)" in text
    _, problems = parse_theme("primary = \n", X)
    assert str(problems[0]).startswith("x.toml:1: is not valid TOML")


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ('phase-work = "not a colour"', '"not a colour" is not a colour'),
        ('primary-background = "#zz"', '"#zz" is not a CSS value'),
        ('border = "red; }"', "is not a CSS value"),
        ('block-cursor-text-style = "loud"', "is not a text style"),
        ('phase-rest = "$nope"', "names no variable"),
        ('primry = "red"', "unknown variable (did you mean `primary`?)"),
    ],
)
def test_a_bad_css_variable_is_caught_when_the_theme_loads(line: str, why: str) -> None:
    theme, problems = parse_theme(f'primary = "#112233"\n\n[variables]\n{line}\n', X)
    assert theme is None
    [problem] = problems
    assert str(problem).startswith(f"x.toml:4: variables.{line.split()[0]}: ")
    assert why in str(problem)


def test_good_css_variables_load() -> None:
    theme, problems = parse_theme(
        'primary = "#112233"\n[variables]\nphase-work = "#ff0000"\nborder = "$accent"\n'
        'block-cursor-text-style = "bold"\ntext = "auto 90%"\n',
        X,
    )
    assert problems == [] and theme is not None
    assert theme.variables["phase-work"] == "#ff0000"
    # A reference is resolved here: Textual does not resolve one variable naming another.
    assert theme.variables["border"] == theme.to_color_system().generate()["accent"]


@pytest.mark.parametrize("setup", ["deep", "bom", "fifo", "dev-zero", "escape"])
def test_hostile_theme_files_are_reported_and_the_rest_load(tmp_path: Path, setup: str) -> None:
    path = tmp_path / "odd.toml"
    if setup == "deep":
        path.write_text('primary = "#112233"\nx = ' + "[" * 500 + "]" * 500 + "\n")
    elif setup == "bom":
        path.write_bytes(b'\xef\xbb\xbfprimary = "#112233"\n')
    elif setup == "fifo":
        os.mkfifo(path)
    elif setup == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path.write_text('name = "Odd\\u001b]0;PWNED\\u0007"\nprimary = "#112233"\n')
    (tmp_path / "mine.toml").write_text('primary = "#ff0000"\n')
    loaded = load_themes(tmp_path)
    assert "mine" in loaded.themes
    text = "\n".join(map(str, loaded.problems))
    if setup == "bom":
        assert loaded.problems == [] and "odd" in loaded.themes
    elif setup == "escape":
        assert loaded.problems == [] and "Odd" in loaded.themes
    else:
        assert str(path) in text and "odd" not in loaded.themes
        assert ("nested" if setup == "deep" else "not a regular file") in text


def test_user_theme_loads_and_broken_one_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text('primary = "#ff0000"\ndark = false\n')
    (tmp_path / "broken.toml").write_text('primary = "nope"\n')
    loaded = load_themes(tmp_path)
    assert "mine" in loaded.themes and loaded.themes["mine"].dark is False
    assert "broken" not in loaded.themes
    assert any("broken.toml" in str(p) for p in loaded.problems)


@async_test
async def test_broken_theme_file_is_one_notification_and_the_app_runs(
    make_app: Any, home: Path
) -> None:
    themes = home / "themes"
    themes.mkdir()
    (themes / "bad.toml").write_text('primary = "#zzzzzz"\nsecundary = "red"\n')
    (themes / "vars.toml").write_text('primary = "#112233"\n[variables]\nphase-work = "nope"\n')
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # The theme in use loads alone before the first frame; the rest just after it.
        assert app.theme == DEFAULT_THEME
        await pilot.pause(0.4)
        messages = [n.message for n in app._notifications if "bad.toml" in n.message]
        assert len(messages) == 1
        assert "secundary" in messages[0] and "#zzzzzz" in messages[0]
        assert "vars.toml:3: variables.phase-work" in messages[0]
        assert "vars" not in app.available_themes
        assert app.theme == DEFAULT_THEME


@async_test
async def test_missing_chosen_theme_falls_back_with_a_message(make_app: Any, home: Path) -> None:
    (home / "config.toml").write_text('theme = "gone-theme"\n')
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert any("gone-theme" in n.message for n in app._notifications)


@async_test
async def test_user_theme_can_be_chosen(make_app: Any, home: Path) -> None:
    themes = home / "themes"
    themes.mkdir()
    (themes / "sunset.toml").write_text(
        'primary = "#ff7700"\nbackground = "#201010"\n[phases]\nwork = "#ff0000"\n'
    )
    app = make_app(theme="sunset")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "sunset"
        assert app.theme_variables["phase-work"].lower() == "#ff0000"
        assert "sunset" in app.theme_names and app.theme_names[0].startswith("glutecoach-")


@async_test
async def test_sixteen_colour_terminal_gets_the_terminal_palette_theme(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_env = make_app  # the fixture set 256 colours; a 16-colour terminal overrides it here
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM")
    app = app_env()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "glutecoach-terminal"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "WorkoutScreen"


@async_test
async def test_no_color_runs_a_workout_and_paused_is_in_words(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app_helpers import start_quick

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        await pilot.press("space")
        assert screen.query_one("#phase-word").text.strip().startswith("PAUSED")


def test_wheel_ships_the_themes(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(root)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in BUILTIN:
        assert f"glutecoach/themes/{name}.toml" in names
    assert "glutecoach/themes.py" in names

    # Unpacked as pip would, the package finds its themes, exercises and routines by path.
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    probe = (
        "import glutecoach, glutecoach.themes as t, glutecoach.engine.routines as r\n"
        "print(glutecoach.__file__)\n"
        "print(t.builtin_theme_dir())\n"
        "print(sorted(t.load_themes(None).themes))\n"
        "print(sorted(r.load_routines(None).routines))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(installed)},
        cwd=tmp_path,  # not the checkout, whose glutecoach/ would come first
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0] == str(installed / "glutecoach" / "__init__.py")
    assert out[1] == str(installed / "glutecoach" / "themes")
    assert set(eval(out[2])) >= BUILTIN
    assert {"desk-reset", "full", "stretch-break"} <= set(eval(out[3]))


@async_test
async def test_a_theme_textual_cannot_use_is_not_applied_or_saved(
    make_app: Any, home: Path
) -> None:
    from textual.theme import Theme

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # A theme that slipped past the file check (a variable Textual's CSS can't take).
        app.register_theme(Theme(name="poison", primary="#112233", variables={"phase-work": "1fr"}))
        app.action_use_theme("poison")
        await pilot.pause()
        assert app.is_running and app.theme == DEFAULT_THEME
        assert any("poison" in n.message for n in app._notifications)
        assert (
            "poison" not in (home / "config.toml").read_text()
            if (home / "config.toml").exists()
            else True
        )
        await pilot.press("enter")  # the app still works
        await pilot.pause()
        assert app.screen.__class__.__name__ == "WorkoutScreen"


@async_test
async def test_a_user_theme_with_only_a_primary_colour_runs_a_workout(
    make_app: Any, home: Path
) -> None:
    from app_helpers import start_quick

    (home / "themes").mkdir()
    (home / "themes" / "plain.toml").write_text('primary = "#ff0000"\nwarning = "#00ff00"\n')
    app = make_app(theme="plain")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_quick(pilot)
        assert app.is_running and app.theme == "plain"
        # The phase colours fall back to the theme's own colours, resolved.
        assert app.theme_variables["phase-work"].lower() == "#00ff00"


@async_test
async def test_only_the_theme_in_use_is_read_before_the_first_frame(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other theme files (~1.5 ms) are read just after the first frame; the settings
    screen and the palette list them all."""
    from glutecoach import themes

    read: list[str] = []
    real = themes.read_theme

    def reading(path: Path) -> Any:
        read.append(path.name)
        return real(path)

    monkeypatch.setattr(themes, "read_theme", reading)
    app = make_app()
    app_themes_at_start = list(app.available_themes)
    assert read == [f"{DEFAULT_THEME}.toml"]
    assert DEFAULT_THEME in app_themes_at_start
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.4)
        assert len(read) == 1 + 4  # then the built-ins, all four
        assert set(app.theme_names) >= {"glutecoach-light", "glutecoach-contrast"}
        assert "glutecoach-light" in app.available_themes
        assert app.theme == DEFAULT_THEME
