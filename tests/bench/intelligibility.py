"""What the intelligibility benchmark measures with: the phrases, the scoring, the recognizer.

Used by intelligibility_bench.py and tested by test_intelligibility.py. The phrases are every
line the plans of the built-in routines might say (``plan_phrases``), at the default levels
and at the top level of every exercise. A recognizer (pocketsphinx with the English model in
its wheel) hears each render; its words are scored against the text by word error rate, with
case, punctuation and digits normalised away ("10, last one." is "ten last one").

Counts ("3", "7", "10, last one.", "Last one.") are scored twice: inside the word accuracy
with the recognizer's general language model, and as a closed set with a grammar of the
counts alone (``count_grammar``). The second is the listener's task: someone who knows a
number is coming and must hear which one.
"""

from __future__ import annotations

import array
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from glutecoach.engine.plan import number_words  # the words the plan times a count by

# Words a recognizer writes for a number it heard right: a listener hears "to" as "two" too.
# Folded only in counts, where nothing else is said.
NUMBER_HOMOPHONES = {"to": "two", "too": "two", "for": "four", "fore": "four", "won": "one"}

RATE = 16_000  # what the recognizer's acoustic model was trained on
PAD = 0.3  # seconds of silence around each render, as between two cues

_COUNT = re.compile(r"(?:(\d+),?\s*)?(last one)?\.?", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")


def words(text: str) -> list[str]:
    """The words of ``text`` as a recognizer writes them: lower case, digits spelt out,
    hyphens and punctuation gone, apostrophes inside a word kept ("don't", "runner's")."""
    text = text.lower().replace("\u2019", "'")
    text = _DIGITS.sub(lambda m: f" {number_words(int(m[0]))} ", text)
    return _WORD.findall(text.replace("-", " "))


def is_count(text: str) -> bool:
    """A count: a number alone, a number then "last one", or "Last one." alone."""
    match = _COUNT.fullmatch(text.strip())
    return bool(match and (match[1] or match[2]))


def count_words(heard: str) -> list[str]:
    return [NUMBER_HOMOPHONES.get(w, w) for w in words(heard)]


def edit_distance(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Substitutions + deletions + insertions to turn ``reference`` into ``hypothesis``."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


@dataclass(frozen=True, slots=True)
class Heard:
    """One phrase, what the recognizer heard, and the word errors between them."""

    text: str
    heard: str
    words: int
    errors: int

    @classmethod
    def score(cls, text: str, heard: str) -> Heard:
        reference = words(text)
        hypothesis = count_words(heard) if is_count(text) else words(heard)
        return cls(text, heard, len(reference), edit_distance(reference, hypothesis))

    @property
    def wer(self) -> float:
        return self.errors / self.words if self.words else float(self.errors > 0)


@dataclass(frozen=True, slots=True)
class Score:
    """Word error rate over many phrases: all errors over all reference words."""

    phrases: int = 0
    words: int = 0
    errors: int = 0
    exact: int = 0  # phrases heard with no error at all

    @classmethod
    def of(cls, heard: Iterable[Heard]) -> Score:
        items = list(heard)
        return cls(
            len(items),
            sum(h.words for h in items),
            sum(h.errors for h in items),
            sum(h.errors == 0 for h in items),
        )

    @property
    def wer(self) -> float:
        return self.errors / self.words if self.words else 0.0

    @property
    def accuracy(self) -> float:
        """1 - WER (below zero when the recognizer inserts more than there was)."""
        return 1.0 - self.wer


def count_grammar(numbers: Iterable[int]) -> str:
    """A JSGF grammar of the counts alone: any of ``numbers``, each optionally followed by
    "last one", or "last one" alone."""
    spoken = sorted({number_words(n) for n in numbers})
    return (
        "#JSGF V1.0;\ngrammar counts;\n"
        "public <count> = <number> [last one] | last one;\n"
        f"<number> = {' | '.join(spoken)};\n"
    )


# -- the phrases --------------------------------------------------------------------------


@dataclass
class Phrase:
    text: str
    sources: list[str] = field(default_factory=list)  # "desk-reset", "full@top", ...

    @property
    def count(self) -> bool:
        return is_count(self.text)


def routine_phrases(*, top_levels: bool = True) -> list[Phrase]:
    """Every distinct line the built-in routines' plans might say, in first-said order."""
    from glutecoach.engine.catalog import load_catalog
    from glutecoach.engine.plan import PlanOptions, plan_phrases
    from glutecoach.engine.routines import load_routines

    catalog = load_catalog()
    found: dict[str, Phrase] = {}
    for routine_id, routine in sorted(load_routines().routines.items()):
        known = {**catalog, **routine.exercises}
        top = {e.exercise: len(known[e.exercise].levels) for e in routine.entries}
        variants = [("", PlanOptions())]
        if top_levels:
            variants.append(("@top", PlanOptions(levels=top)))
        for suffix, options in variants:
            for text in plan_phrases(routine, catalog, options):
                phrase = found.setdefault(text, Phrase(text))
                phrase.sources.append(routine_id + suffix)
    return list(found.values())


def numbers_in(phrases: Iterable[Phrase]) -> list[int]:
    return sorted({int(m) for p in phrases if p.count for m in _DIGITS.findall(p.text)})


# -- the recognizer -----------------------------------------------------------------------


def load_16k(path: Path, pad: float = PAD) -> bytes:
    """The WAV at ``path`` as 16 kHz mono 16-bit PCM with ``pad`` seconds of silence on
    either side (miniaudio resamples; it is a dependency of glutecoach already)."""
    import miniaudio

    sound = miniaudio.decode_file(
        str(path),
        output_format=miniaudio.SampleFormat.SIGNED16,
        nchannels=1,
        sample_rate=RATE,
    )
    silence = array.array("h", bytes(2 * int(pad * RATE)))
    return (silence + array.array("h", sound.samples) + silence).tobytes()


class Recognizer:
    """pocketsphinx with its bundled US English model: the general language model, or a
    JSGF ``grammar`` when one is given. One decoder, used from one thread.

    Cepstral mean normalisation is per utterance (``cmn="batch"``), not carried from one
    phrase to the next as in live decoding: each phrase is then heard alike whatever came
    before it, so the order of phrases or engines changes nothing. With a grammar the
    decoder always names its best path (``bestpath=False``): lattice rescoring drops short
    words to no result at all now and then, and a forced choice is what is measured.
    """

    def __init__(self, grammar: str | None = None) -> None:
        from pocketsphinx import Decoder

        options: dict[str, object] = {"samprate": RATE, "logfn": os.devnull, "cmn": "batch"}
        if grammar is not None:
            options["bestpath"] = False
        self.decoder = Decoder(**options)
        if grammar is not None:
            self.decoder.add_jsgf_string("grammar", grammar)
            self.decoder.activate_search("grammar")

    def hear(self, path: Path) -> str:
        decoder = self.decoder
        decoder.start_utt()
        decoder.process_raw(load_16k(path), full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        return hyp.hypstr if hyp is not None else ""

    def knows(self, word: str) -> bool:
        """Whether the recognizer's dictionary has ``word`` at all."""
        return self.decoder.lookup_word(word) is not None
