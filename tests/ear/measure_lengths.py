"""Measure how long the bundled voice speaks every line the built-in plans can say.

    .venv/bin/python tests/ear/measure_lengths.py          # rewrites the table
    .venv/bin/python tests/ear/measure_lengths.py --check  # differences only

Writes tests/engine/bundled_voice_lengths.json (text -> seconds of speech, trimmed, at the
model's rate): what ``engine/plan.py``'s model is fitted to and checked against, and the
measured table the no-overlap property test lays plans out with.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TABLE = ROOT / "tests" / "engine" / "bundled_voice_lengths.json"
sys.path.insert(0, str(ROOT))


def phrases() -> list[str]:
    from glutecoach.engine.catalog import load_catalog
    from glutecoach.engine.plan import PlanOptions, plan_phrases
    from glutecoach.engine.routines import load_routines

    catalog = load_catalog()
    routines = load_routines()
    texts: dict[str, None] = {}
    for routine_id in ("desk-reset", "full", "stretch-break"):
        routine = routines.get(routine_id)
        for level in (1, 2, 3, 4):
            for gear in (frozenset({"band", "weight"}), frozenset()):
                options = PlanOptions(levels=dict.fromkeys(catalog, level), equipment=gear)
                texts.update(dict.fromkeys(plan_phrases(routine, catalog, options)))
    for n in range(1, 31):
        texts.setdefault(str(n), None)
        texts.setdefault(f"{n}, last one.", None)
    return list(texts)


def measure(texts: list[str]) -> dict[str, float]:
    from glutecoach.engine.plan import MODEL_RATE
    from glutecoach.voice.synth import Synth

    synth = Synth("espeak", rate=MODEL_RATE)  # the model is calibrated against espeak-ng
    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "line.wav"
        for text in texts:
            _duration, speech = synth.render_speech(text, path)
            found[text] = round(speech, 3)
    return found


def main(argv: list[str]) -> int:
    table = measure(phrases())
    if "--check" in argv:
        old = json.loads(TABLE.read_text(encoding="utf-8"))
        for text, seconds in table.items():
            if abs(old.get(text, 0) - seconds) > 0.02:
                print(f"{old.get(text, 0):6.3f} -> {seconds:6.3f}  {text}")
        return 0
    TABLE.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(table)} lines -> {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
