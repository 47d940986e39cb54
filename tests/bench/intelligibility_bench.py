"""How well each speech engine is understood: every line of the built-in routines rendered by
each engine, heard by an offline recognizer, scored by word accuracy, side by side.

    nice -n 19 .venv/bin/python tests/bench/intelligibility_bench.py [--engines espeak,piper]
        [--repeat N] [--keep DIR] [--worst N] [--json FILE]

Needs the ``bench`` extra (pocketsphinx, whose wheel holds its English model): ``make bench``
installs it. The recognizer stands in for a listener who cannot look at the screen: a rough
but repeatable measure, the same for every engine. It is harsher than a person, most of all
with espeak-ng's formant voice: compare engines by it, do not read its numbers as how much
a person understands. Columns:

- accuracy: 1 - word error rate over all phrases, the recognizer's general language model;
- counts: the same over the counts alone ("3", "7", "10, last one.");
- counts right: counts heard exactly right with a grammar of the counts alone, a forced choice
  among the numbers the routines count (1 to 12, each with or without "last one"): the
  listener who knows a number is coming and must tell which; chance is under one in ten;
- load / render: seconds to open the engine / to render every phrase; audio: seconds rendered.

Each engine renders through ``glutecoach.voice.engines.open_engine`` in a process of its own,
so that each load and render time is that engine's alone and no engine's libraries touch
another's (before espeak-ng was loaded RTLD_LOCAL, Piper's own espeak-ng crashed in a process
where pyttsx3's had spoken).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from intelligibility import (  # noqa: E402
    Heard,
    Phrase,
    Recognizer,
    Score,
    count_grammar,
    numbers_in,
    routine_phrases,
    words,
)

SPEAKING_RATE = 170  # words a minute: the app's default


# -- the engines (run in a child process each) ---------------------------------------------


def available_engines() -> list[str]:
    from glutecoach.voice import engines

    return engines.available()


def render_all(name: str, out: Path, texts: list[str], rate: int) -> dict[str, Any]:
    """Child process: render every text with engine ``name`` into ``out``; a manifest."""
    from glutecoach.voice import engines

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    engine = engines.open_engine(name, voice_id="", rate=rate)
    load = time.perf_counter() - started
    renders = []
    for index, text in enumerate(texts):
        path = out / f"{index:03d}.wav"
        began = time.perf_counter()
        seconds, speech = engine.render_speech(text, path)
        renders.append(
            {
                "text": text,
                "file": path.name,
                "seconds": seconds,
                "speech": speech,
                "render": time.perf_counter() - began,
            }
        )
    return {"engine": name, "via": engine.describe(), "load": load, "renders": renders}


def render_in_child(name: str, out: Path, texts: list[str], rate: int) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "texts.json").write_text(json.dumps(texts))
    command = [sys.executable, __file__, "--render", name, "--out", str(out), "--rate", str(rate)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-6:])
        raise RuntimeError(f"{name} could not render (exit {done.returncode}):\n{tail}")
    return json.loads((out / "manifest.json").read_text())


# -- hearing and scoring -------------------------------------------------------------------


def hear_all(manifest: dict[str, Any], out: Path, grammar: str) -> dict[str, Any]:
    """What the recognizer heard of each render: general model for every phrase, the counts'
    grammar for the counts. Fresh decoders per engine; each phrase is heard on its own
    (``Recognizer``: no adaptation carried from one phrase or engine to the next)."""
    general, counts = Recognizer(), Recognizer(grammar)
    heard, counted = [], []
    for render in manifest["renders"]:
        path = out / render["file"]
        heard.append(Heard.score(render["text"], general.hear(path)))
        if Phrase(render["text"]).count:
            counted.append(Heard.score(render["text"], counts.hear(path)))
    return {"heard": heard, "counted": counted, "recognizer": general}


def same_audio(before: Path, now: Path, manifest: dict[str, Any]) -> bool:
    """Whether every render in ``now`` is byte for byte the one in ``before`` (espeak-ng
    renders alike every time; Piper adds noise, so each of its renders is heard anew)."""
    return all(
        (before / r["file"]).read_bytes() == (now / r["file"]).read_bytes()
        for r in manifest["renders"]
    )


def summarise(name: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One engine's row: scores pooled over every render (all errors over all words), times
    averaged per render."""
    heard = [h for run in runs for h in run["heard"]]
    manifests = [run["manifest"] for run in runs]
    return {
        "engine": name,
        "via": manifests[0]["via"],
        "all": Score.of(heard),
        "counts": Score.of(h for h in heard if Phrase(h.text).count),
        "right": Score.of(h for run in runs for h in run["counted"]),
        "load": statistics.mean(m["load"] for m in manifests),
        "render": statistics.mean(sum(r["render"] for r in m["renders"]) for m in manifests),
        "audio": statistics.mean(sum(r["seconds"] for r in m["renders"]) for m in manifests),
        "runs": runs,
        "phrases": len(runs[0]["heard"]),
        "words": sum(h.words for h in runs[0]["heard"]),
    }


def share(score: Score) -> float:
    return score.exact / score.phrases if score.phrases else 0.0


def spread(runs: list[dict[str, Any]]) -> str:
    """The lowest and highest of each measure across renders."""

    def span(values: list[float]) -> str:
        return f"{min(values) * 100:.1f}-{max(values) * 100:.1f} %"

    counts = [Score.of(h for h in r["heard"] if Phrase(h.text).count).accuracy for r in runs]
    return (
        f"accuracy {span([Score.of(r['heard']).accuracy for r in runs])}, "
        f"counts {span(counts)}, "
        f"counts right {span([share(Score.of(r['counted'])) for r in runs])}"
    )


def pct(value: float) -> str:
    return f"{value * 100:5.1f} %"


def right_cell(score: Score, renders: int) -> str:
    """Counts heard right per render, of the counts there are: "12/13" (or "12.7/13")."""
    right = f"{score.exact / renders:.1f}".removesuffix(".0")
    return f"{right}/{score.phrases // renders} {share(score) * 100:3.0f} %"


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'engine':<8} {'phrases':>7} {'words':>5} {'WER':>7} {'accuracy':>8} "
        f"{'counts':>7} {'counts right':>12} {'load s':>6} {'render s':>8} {'audio s':>7}"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        lines.append(
            f"{row['engine']:<8} {row['phrases']:>7} {row['words']:>5} "
            f"{pct(row['all'].wer):>7} {pct(row['all'].accuracy):>8} "
            f"{pct(row['counts'].accuracy):>7} "
            f"{right_cell(row['right'], len(row['runs'])):>12} "
            f"{row['load']:>6.2f} {row['render']:>8.2f} {row['audio']:>7.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", help="comma-separated (default: every one available)")
    parser.add_argument("--keep", type=Path, help="render into DIR and keep the WAVs")
    parser.add_argument("--worst", type=int, default=6, help="worst phrases shown per engine")
    parser.add_argument("--json", type=Path, help="also write the results to FILE")
    parser.add_argument("--default-levels-only", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=1, help="render and hear each engine N times (Piper varies)"
    )
    parser.add_argument("--rate", type=int, default=SPEAKING_RATE, help=argparse.SUPPRESS)
    parser.add_argument("--render", help=argparse.SUPPRESS)  # the child's side
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.render:
        texts = json.loads((args.out / "texts.json").read_text())
        manifest = render_all(args.render, args.out, texts, args.rate)
        (args.out / "manifest.json").write_text(json.dumps(manifest))
        return 0

    if importlib.util.find_spec("pocketsphinx") is None:
        print(
            "pocketsphinx is not installed: `make bench` installs it, or "
            "`.venv/bin/pip install -e '.[bench]'`",
            file=sys.stderr,
        )
        return 2

    started = time.perf_counter()
    phrases = routine_phrases(top_levels=not args.default_levels_only)
    texts = [p.text for p in phrases]
    numbers = numbers_in(phrases)
    grammar = count_grammar(numbers)
    names = args.engines.split(",") if args.engines else available_engines()
    n_counts = sum(p.count for p in phrases)
    print(
        f"{len(phrases)} distinct phrases from the built-in routines "
        f"({'default levels' if args.default_levels_only else 'default and top levels'}), "
        f"{sum(len(words(t)) for t in texts)} words; {n_counts} of them counts "
        f"(numbers {numbers[0]}..{numbers[-1]}); engines: {', '.join(names) or 'none'}; "
        f"{args.rate} words a minute",
        flush=True,
    )

    rows: list[dict[str, Any]] = []
    missing_words: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="glutecoach-intel-") as tmp:
        base = args.keep or Path(tmp)
        for name in names:
            runs: list[dict[str, Any]] = []
            for repeat in range(args.repeat):
                out = base / name / f"render-{repeat + 1}"
                try:
                    manifest = render_in_child(name, out, texts, args.rate)
                except RuntimeError as exc:
                    print(f"\n{exc}", flush=True)
                    break
                began = time.perf_counter()
                previous = runs[-1] if runs else None
                if previous and same_audio(previous["out"], out, manifest):
                    outcome, note = previous, "the same audio as before: heard as before"
                else:
                    outcome = hear_all(manifest, out, grammar)
                    note = f"heard in {time.perf_counter() - began:.1f} s"
                    missing_words |= {
                        w for t in texts for w in words(t) if not outcome["recognizer"].knows(w)
                    }
                runs.append({**outcome, "manifest": manifest, "out": out})
                via = manifest["via"].split(" (")[0]
                print(f"  {name} ({via}), render {repeat + 1}: {note}", flush=True)
            if runs:
                rows.append(summarise(name, runs))
        if args.keep:
            print(f"renders kept in {args.keep}")

    if not rows:
        print("no engine rendered anything")
        return 1
    print()
    print(table(rows))
    if args.repeat > 1:
        for row in rows:
            print(f"{row['engine']} over {len(row['runs'])} renders: {spread(row['runs'])}")
    total = sum(len(words(t)) for t in texts)
    lost = sum(w in missing_words for t in texts for w in words(t))
    if missing_words:
        print(
            f"\nnot in the recognizer's dictionary, so never heard right by any engine: "
            f"{', '.join(sorted(missing_words))} ({lost} of {total} words: the best possible "
            f"accuracy is {pct(1 - lost / total).strip()})"
        )
    if len(rows) > 1:
        base_row = rows[0]
        for row in rows[1:]:
            gain = row["all"].accuracy - base_row["all"].accuracy
            counts = row["counts"].accuracy - base_row["counts"].accuracy
            right = share(row["right"]) - share(base_row["right"])
            print(
                f"{row['engine']} vs {base_row['engine']}: accuracy {gain * 100:+.1f} points, "
                f"counts {counts * 100:+.1f} points, counts right {right * 100:+.1f} points"
            )

    for row in rows:
        first = row["runs"][0]
        print(f"\n{row['engine']}: worst phrases (general model, first render)")
        worst = sorted(first["heard"], key=lambda h: (-h.wer, -h.errors, h.text))[: args.worst]
        for h in worst:
            print(f"  {pct(h.wer)} WER  {h.text!r} -> {h.heard!r}")
        wrong = Counter(
            (h.text, h.heard) for run in row["runs"] for h in run["counted"] if h.errors
        )
        print(
            f"{row['engine']}: counts misheard with the counts' grammar (all renders): "
            + (
                ", ".join(
                    f"{text!r} -> {heard!r}" + (f" (x{n})" if n > 1 else "")
                    for (text, heard), n in wrong.items()
                )
                or "none"
            )
        )
    print(f"\nbench took {time.perf_counter() - started:.0f} s")

    if args.json:
        results = {
            row["engine"]: {
                "via": row["via"],
                "wer": row["all"].wer,
                "accuracy": row["all"].accuracy,
                "counts_accuracy": row["counts"].accuracy,
                "counts_right": [row["right"].exact, row["right"].phrases],
                "load_s": row["load"],
                "render_s": row["render"],
                "audio_s": row["audio"],
                "renders": [
                    [[h.text, h.heard, h.errors] for h in run["heard"]] for run in row["runs"]
                ],
            }
            for row in rows
        }
        args.json.write_text(json.dumps({"phrases": len(phrases), "engines": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
