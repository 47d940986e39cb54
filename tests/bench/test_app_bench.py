"""The first-frame verdict of ``app_bench.py``: the per-round ratio, not a ratio of medians."""

from __future__ import annotations

from app_bench import ratio_summary


def test_the_ratio_is_taken_per_round_so_a_slow_round_slows_both() -> None:
    # Round 1 caught our launch behind something else; the others are 1.1x. Per round the
    # median says 1.1x; the ratio of the two medians (0.40 / 0.30) would say 1.33x.
    base = [0.20, 0.30, 0.40]
    ours = [0.40, 0.33, 0.44]
    summary = ratio_summary(ours, base)
    assert abs(summary["median"] - 1.1) < 1e-9
    assert summary["q1"] == summary["median"] < summary["q3"]
    assert summary["low"] <= summary["median"] <= summary["high"]


def test_the_interval_holds_the_median_and_widens_with_spread() -> None:
    base = [0.25] * 20
    steady = ratio_summary([0.30] * 20, base)
    noisy = ratio_summary([0.25 + 0.01 * (i % 11) for i in range(20)], base)
    assert steady["low"] == steady["median"] == steady["high"]
    assert noisy["low"] <= noisy["median"] <= noisy["high"]
    assert noisy["high"] - noisy["low"] > 0
    assert noisy["q1"] < noisy["median"] < noisy["q3"]
