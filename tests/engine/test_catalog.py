"""The built-in exercise catalog holds the article's five moves with their ladders."""

from __future__ import annotations

import pytest

from glutecoach.engine.catalog import load_catalog

IDS = ["glute-bridge", "monster-walk", "clamshell", "runners-stretch", "piriformis-stretch"]
ONE_SIDED = {"clamshell", "runners-stretch", "piriformis-stretch"}


def test_catalog_has_exactly_the_five_exercises() -> None:
    assert sorted(load_catalog()) == sorted(IDS)


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_exercise_has_name_reason_short_setup_and_form_cues(exercise_id: str) -> None:
    exercise = load_catalog()[exercise_id]
    assert exercise.id == exercise_id
    assert exercise.name.strip()
    assert exercise.why.strip() and exercise.why.strip() != exercise.name
    words = len(exercise.setup.split())
    assert 3 <= words < 20, f"set-up cue has {words} words: {exercise.setup!r}"
    assert 2 <= len(exercise.form) <= 4
    assert all(cue.strip() for cue in exercise.form)
    assert len(set(exercise.form)) == len(exercise.form)
    assert exercise.tempo > 0


@pytest.mark.parametrize("exercise_id", IDS)
def test_one_sidedness_matches_the_moves(exercise_id: str) -> None:
    assert load_catalog()[exercise_id].one_sided is (exercise_id in ONE_SIDED)


def test_form_cues_warn_about_the_articles_mistakes() -> None:
    catalog = load_catalog()
    bridge = " ".join(catalog["glute-bridge"].form).lower()
    monster = " ".join(catalog["monster-walk"].form).lower()
    clam = " ".join(catalog["clamshell"].form).lower()
    assert "back" in bridge  # lifting with the back
    assert "low" in monster  # squatting so low the quads take over
    assert "roll" in clam  # hips rolling back


def test_bridge_ladder_has_four_rungs_with_a_longer_three_squeeze_rep() -> None:
    bridge = load_catalog()["glute-bridge"]
    assert len(bridge.levels) == 4
    names = [level.name.lower() for level in bridge.levels]
    assert "squeeze" in names[1] and "three" in names[1]
    assert "weight" in names[2]
    assert "walk" in names[3]
    assert bridge.levels[1].tempo is not None and bridge.levels[1].tempo > bridge.tempo
    assert "weight" in bridge.levels[2].equipment
    assert bridge.equipment == ()


def test_monster_walk_needs_a_band_and_has_a_no_band_substitute() -> None:
    walk = load_catalog()["monster-walk"]
    assert "band" in walk.equipment
    assert len(walk.levels) == 2
    assert "knee" in walk.levels[0].name.lower()
    assert "shoe" in walk.levels[1].name.lower()
    assert walk.no_band is not None
    assert "band" not in walk.no_band.equipment
    assert walk.no_band.name not in {level.name for level in walk.levels}


def test_clamshell_ladder_has_three_rungs_ending_with_a_band() -> None:
    clam = load_catalog()["clamshell"]
    assert len(clam.levels) == 3
    assert "foot" in clam.levels[1].name.lower()
    assert "band" in clam.levels[2].equipment
    assert clam.equipment == ()


@pytest.mark.parametrize("exercise_id", ["runners-stretch", "piriformis-stretch"])
def test_stretches_have_one_level_and_need_nothing(exercise_id: str) -> None:
    stretch = load_catalog()[exercise_id]
    assert len(stretch.levels) == 1
    assert stretch.equipment == ()


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_rung_says_what_changes_and_has_a_cue(exercise_id: str) -> None:
    for level in load_catalog()[exercise_id].levels:
        assert level.name.strip() and level.change.strip() and level.cue.strip()
        assert level.tempo is None or 1 <= level.tempo <= 10


def test_line_index_scans_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files without problems never pay for the line scan (the first frame reads several)."""
    from glutecoach.engine import tomlcheck
    from glutecoach.engine.routines import load_routines

    scans: list[str] = []
    real = tomlcheck._scan_lines
    monkeypatch.setattr(tomlcheck, "_scan_lines", lambda text: scans.append(text) or real(text))
    load_routines(None)
    assert scans == []

    index = tomlcheck.LineIndex('name = "x"\n\n[[exercise]]\nid = "clamshell"\nsets = 2\n')
    assert index.line("exercise[0].sets") == 5
    assert index.line("exercise[0].reps") == 3  # the nearest enclosing table
    assert len(scans) == 1
