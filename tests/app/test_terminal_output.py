"""The output compactor's rules, one at a time (its logic: no terminal needed here).

What a real terminal shows for compacted and raw output is compared, frame by frame, in
``test_terminal_output_tmux.py``.
"""

from __future__ import annotations

import pytest

from glutecoach.terminal_output import PLAIN, OutputCompactor, apply_sgr, sgr_between

E = "\x1b["
BOLD_WHITE_ON_GREY = f"{E}1;38;2;230;233;239;48;2;20;23;28m"
GREY = f"{E}48;2;20;23;28m"


def run(text: str, styled: str) -> str:
    """A run as Textual writes it: the whole look, the text, a reset."""
    return f"{styled}{text}{E}0m"


def test_adjacent_runs_with_one_look_become_one_run() -> None:
    out = OutputCompactor().feed(run("ab", BOLD_WHITE_ON_GREY) + run("cd", BOLD_WHITE_ON_GREY))
    assert out == f"{BOLD_WHITE_ON_GREY}abcd{E}0m"


def test_a_new_foreground_on_the_same_background_sends_only_the_foreground() -> None:
    red = f"{E}38;2;200;0;0;48;2;20;23;28m"
    out = OutputCompactor().feed(run("a", GREY) + run("b", red))
    assert out == f"{GREY}a{E}38;2;200;0;0mb{E}0m"


def test_an_attribute_that_goes_is_turned_off() -> None:
    bold = f"{E}1;38;5;3m"
    dim = f"{E}2;38;5;3m"
    out = OutputCompactor().feed(run("a", bold) + run("b", dim) + run("c", f"{E}38;5;3m"))
    # 22 ends bold and dim alike, so dim is set again after it
    assert out == f"{bold}a{E}22;2mb{E}22mc{E}0m"


def test_back_to_the_default_colours() -> None:
    out = OutputCompactor().feed(run("a", f"{E}31;44m") + "b")
    assert out == f"{E}31;44ma{E}0mb"
    out = OutputCompactor().feed(run("a", f"{E}1;31;44m") + run("b", f"{E}1m"))
    assert out == f"{E}1;31;44ma{E}0;1mb{E}0m"  # 0;1 is shorter than 39;49


def test_a_move_replaced_by_another_before_any_text_is_not_sent() -> None:
    out = OutputCompactor().feed(f"{E}3;5H\n{E}1;1H{E}4;2Hx{E}1;1H")
    assert out == f"{E}4;2Hx{E}1;1H"


def test_a_move_to_where_the_last_move_put_the_cursor_is_not_sent() -> None:
    compactor = OutputCompactor()
    assert compactor.feed(f"{E}6;35H") == f"{E}6;35H"
    assert compactor.feed(f"{E}6;35Hab") == "ab"
    # where text leaves the cursor is not guessed (widths, a terminal just resized)
    assert compactor.feed(f"{E}6;37Hc") == f"{E}6;37Hc"


def test_the_last_move_of_a_write_is_always_sent() -> None:
    compactor = OutputCompactor()
    assert compactor.feed(f"{E}2;1Hab{E}0m\n") == f"{E}2;1Hab\n"
    assert compactor.feed(f"{E}9;9H") == f"{E}9;9H"


def test_other_sequences_see_the_colours_the_app_asked_for() -> None:
    compactor = OutputCompactor()
    out = compactor.feed(run("a", f"{E}44m") + f"{E}2J" + run("b", f"{E}44m"))
    # the erase fills with the default background, as it would have
    assert out == f"{E}44ma{E}0m{E}2J{E}44mb{E}0m"


def test_colour_codes_it_does_not_know_go_out_as_they_are() -> None:
    compactor = OutputCompactor()
    out = compactor.feed(f"{E}4:3mx{E}0m{E}31my{E}0m{E}31mz")
    assert out == f"{E}4:3mx{E}0;31myz"
    out = OutputCompactor().feed(f"{E}38;2;1mx{E}1my{E}0mz")
    assert out == f"{E}38;2;1mx{E}1my{E}0mz"


def test_every_write_ends_with_the_colours_the_app_asked_for() -> None:
    compactor = OutputCompactor()
    assert compactor.feed(run("a", f"{E}31m")) == f"{E}31ma{E}0m"
    assert compactor.feed(f"{E}31mb") == f"{E}31mb"
    assert compactor.feed(f"{E}1mc") == f"{E}1mc"
    assert compactor.feed(run("d", f"{E}0m")) == f"{E}0md"


def test_unsettled_the_colours_carry_over_to_the_next_write() -> None:
    compactor = OutputCompactor(settle=False)
    assert compactor.feed(run("a", f"{E}31m")) == f"{E}31ma"
    assert compactor.feed(run("b", f"{E}31m")) == "b"
    assert compactor.feed(f"{E}?25h") == f"{E}0m{E}?25h"


def test_an_escape_cut_in_two_is_held_until_its_end_arrives() -> None:
    compactor = OutputCompactor(settle=False)
    whole = run("ab", BOLD_WHITE_ON_GREY) + run("cd", BOLD_WHITE_ON_GREY)
    cut = len(run("ab", BOLD_WHITE_ON_GREY)) + 7
    first = compactor.feed(whole[:cut])
    second = compactor.feed(whole[cut:])
    assert first == f"{BOLD_WHITE_ON_GREY}ab"
    assert first + second == f"{BOLD_WHITE_ON_GREY}abcd"


def test_control_characters_are_never_taken_for_text() -> None:
    compactor = OutputCompactor()
    out = compactor.feed(f"{E}1;1Hab\x07{E}1;4Hc")
    assert out == f"{E}1;1Hab\x07{E}1;4Hc"


@pytest.mark.parametrize(
    ("params", "look"),
    [
        ("", PLAIN),
        ("0", PLAIN),
        ("1;3;38;2;1;2;3;48;5;17", (frozenset({1, 3}), "38;2;1;2;3", "48;5;17")),
        ("31;42", (frozenset(), "31", "42")),
        ("0;97;100", (frozenset(), "97", "100")),
    ],
)
def test_colour_codes_are_read(params: str, look: object) -> None:
    assert apply_sgr(PLAIN, params) == look


@pytest.mark.parametrize("params", ["38;2;1;2", "38;7;1", "58;2;1;2;3", "x"])
def test_colour_codes_that_are_not_understood(params: str) -> None:
    assert apply_sgr(PLAIN, params) is None


def test_an_unknown_look_is_known_again_after_a_reset() -> None:
    assert apply_sgr(None, "31") is None
    assert apply_sgr(None, "0;31") == (frozenset(), "31", "")


def test_the_shortest_way_between_two_looks() -> None:
    a = apply_sgr(PLAIN, "1;38;2;10;10;10;48;2;20;20;20")
    b = apply_sgr(PLAIN, "38;2;10;10;10;48;2;20;20;20")
    assert a is not None and b is not None
    assert sgr_between(a, a) == ""
    assert sgr_between(a, b) == f"{E}22m"
    assert sgr_between(b, a) == f"{E}1m"
    assert sgr_between(None, b) == f"{E}0;38;2;10;10;10;48;2;20;20;20m"
    assert sgr_between(a, PLAIN) == f"{E}0m"
