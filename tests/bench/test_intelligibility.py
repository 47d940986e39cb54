"""The intelligibility benchmark's scoring, and its whole path once with real speech: espeak-ng
renders in a child process, the recognizer hears it.

The real tests need pocketsphinx (in the ``test`` and ``bench`` extras); they skip without it
only when GLUTECOACH_REQUIRE_VOICE is unset, and fail when it is set (CI).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from intelligibility import (
    Heard,
    Recognizer,
    Score,
    count_grammar,
    edit_distance,
    is_count,
    number_words,
    numbers_in,
    routine_phrases,
    words,
)
from intelligibility_bench import render_in_child

# -- normalising and scoring ----------------------------------------------------------------


def test_words_lower_case_spell_out_digits_and_drop_punctuation():
    assert words("10, last one.") == ["ten", "last", "one"]
    assert words("Set 1 of 2. Go.") == ["set", "one", "of", "two", "go"]
    assert words("Lie on your back. Knees bent, feet flat, hip-width apart.") == (
        ["lie", "on", "your", "back", "knees", "bent", "feet", "flat", "hip", "width", "apart"]
    )
    assert words("Don\u2019t roll. Runner's stretch!") == ["don't", "roll", "runner's", "stretch"]
    assert words("All done: Full routine, 14 minutes.") == (
        ["all", "done", "full", "routine", "fourteen", "minutes"]
    )
    assert words("") == []


def test_number_words():
    assert [number_words(n) for n in (0, 7, 12, 20, 21, 40, 99)] == [
        "zero",
        "seven",
        "twelve",
        "twenty",
        "twenty one",
        "forty",
        "ninety nine",
    ]
    assert number_words(105) == "one hundred five"
    assert number_words(1234) == "one two three four"


def test_counts_are_numbers_alone_or_with_last_one():
    for text in ("3", "12", "10, last one.", "Last one.", " 7 "):
        assert is_count(text), text
    for text in ("", "Go.", "Set 1 of 2. Go.", "Rest.", "All done: Desk reset, 7 minutes."):
        assert not is_count(text), text


def test_edit_distance_counts_substitutions_deletions_and_insertions():
    assert edit_distance([], []) == 0
    assert edit_distance(["a", "b", "c"], ["a", "b", "c"]) == 0
    assert edit_distance(["a", "b", "c"], ["a", "x", "c"]) == 1
    assert edit_distance(["a", "b", "c"], ["a", "c"]) == 1
    assert edit_distance(["a", "b"], ["a", "b", "c", "d"]) == 2
    assert edit_distance(["a", "b", "c"], []) == 3
    assert edit_distance([], ["a", "b"]) == 2


def test_heard_scores_against_the_normalised_text():
    heard = Heard.score("Set 1 of 2. Go.", "that one of two bell")
    assert (heard.words, heard.errors) == (5, 2)
    assert heard.wer == pytest.approx(0.4)
    assert Heard.score("Next up: monster walks.", "NEXT UP monster walks").errors == 0
    assert Heard.score("7", "and one").errors == 2  # worse than saying nothing
    assert Heard.score("7", "").errors == 1


def test_number_homophones_count_only_in_counts():
    assert Heard.score("2", "to").errors == 0
    assert Heard.score("4", "for").errors == 0
    assert Heard.score("Set 1 of 2. Go.", "set one of to go").errors == 1


def test_score_is_errors_over_all_words_not_a_mean_of_phrases():
    score = Score.of([Heard.score("3", ""), Heard.score("Keep breathing.", "keep breathing")])
    assert (score.phrases, score.words, score.errors, score.exact) == (2, 3, 1, 1)
    assert score.wer == pytest.approx(1 / 3)
    assert score.accuracy == pytest.approx(2 / 3)
    assert Score.of([]).accuracy == 1.0
    assert Score.of([Heard.score("Go.", "no no no")]).accuracy == pytest.approx(-2.0)


def test_count_grammar_names_each_number_once():
    grammar = count_grammar([3, 1, 2, 12, 3])
    assert grammar.startswith("#JSGF V1.0;")
    assert "<number> = one | three | twelve | two;" in grammar
    assert "public <count> = <number> [last one] | last one;" in grammar


def test_the_phrases_are_every_line_of_the_three_routines_at_both_levels():
    phrases = routine_phrases()
    texts = [p.text for p in phrases]
    assert len(texts) == len(set(texts))
    sources = {s.split("@")[0] for p in phrases for s in p.sources}
    assert sources == {"desk-reset", "full", "stretch-break"}
    assert any(s.endswith("@top") for p in phrases for s in p.sources)
    for line in ("3", "2", "1", "Go.", "Rest.", "Switch sides.", "10, last one."):
        assert line in texts, line
    assert sum(t.startswith("All done: ") for t in texts) >= 3  # each routine's closing
    assert numbers_in(phrases)[:3] == [1, 2, 3]
    assert len(routine_phrases(top_levels=False)) <= len(phrases)


# -- real speech, really heard --------------------------------------------------------------


@pytest.fixture
def recognizer_installed() -> None:
    from glutecoach.voice import engine

    missing = []
    if importlib.util.find_spec("pocketsphinx") is None:
        missing.append("pocketsphinx is not installed (pip install -e '.[bench]')")
    if not engine.load_espeak().ok:
        missing.append("espeak-ng was not found")
    if not missing:
        return
    if os.environ.get("GLUTECOACH_REQUIRE_VOICE"):
        pytest.fail("GLUTECOACH_REQUIRE_VOICE is set but " + "; ".join(missing))
    pytest.skip("; ".join(missing) + " (set GLUTECOACH_REQUIRE_VOICE=1 to make this fail)")


@pytest.mark.voice
@pytest.mark.usefixtures("recognizer_installed")
def test_espeak_counts_are_rendered_and_heard_as_the_right_numbers(tmp_path: Path):
    texts = ["3", "2", "4"]  # espeak-ng's, heard right by both models in every bench run
    manifest = render_in_child("espeak", tmp_path / "espeak", texts, 170)
    assert [r["text"] for r in manifest["renders"]] == texts
    files = [tmp_path / "espeak" / r["file"] for r in manifest["renders"]]
    for render, path in zip(manifest["renders"], files, strict=True):
        assert 0.1 < render["speech"] <= render["seconds"] < 2.0
        assert path.stat().st_size > 1000
    general, counts = Recognizer(), Recognizer(count_grammar(range(1, 13)))
    assert [general.hear(p) for p in files] == ["three", "two", "four"]
    assert [counts.hear(p) for p in files] == ["three", "two", "four"]
    assert general.knows("three")
    assert not general.knows("piriformis")


@pytest.mark.voice
@pytest.mark.usefixtures("recognizer_installed")
def test_piper_counts_are_heard_as_the_right_numbers(tmp_path: Path):
    """Piper adds noise to every render, so only what was heard right in every one of many
    tries is asserted: counts with the counts' grammar, and a short line nearly word for word.
    Skips where the natural voice is not installed (its own tests insist on it in CI)."""
    from glutecoach.voice import engines

    if "piper" not in engines.available():
        pytest.skip("the natural voice (piper) is not installed here")
    texts = ["3", "7", "9", "Switch sides."]
    manifest = render_in_child("piper", tmp_path / "piper", texts, 170)
    files = [tmp_path / "piper" / r["file"] for r in manifest["renders"]]
    counts = Recognizer(count_grammar(range(1, 13)))
    assert [counts.hear(p) for p in files[:3]] == ["three", "seven", "nine"]
    assert Heard.score(texts[3], Recognizer().hear(files[3])).errors <= 1
