"""say, voices, doctor, relay: the speaking side's commands."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from glutecoach.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    fmt = argparse.RawDescriptionHelpFormatter

    say = sub.add_parser(
        "say",
        help="speak a phrase, or render it to a WAV file",
        description="Speak TEXT with the coach's voice, or with --to write it to a WAV\n"
        "file instead (works with no sound card: handy to check the voice and rate).",
        epilog='examples:\n  glutecoach say "Glute bridges"\n'
        '  glutecoach say "Switch sides" --to switch.wav --rate 150',
        formatter_class=fmt,
    )
    say.add_argument("text", metavar="TEXT", help="what to say")
    say.add_argument("--to", metavar="FILE.wav", type=Path, help="write a WAV file, do not play")
    say.add_argument(
        "--rate", type=int, help="words per minute, 80-400 (default: your setting, 170)"
    )
    say.add_argument("--voice", metavar="ID", help="voice id from `glutecoach voices`")
    say.add_argument(
        "--volume",
        type=float,
        metavar="PERCENT",
        help="0-100, as in Settings (0.0-1.0 still works; default: your setting)",
    )
    say.set_defaults(func=cmd_say)

    voices = sub.add_parser(
        "voices",
        help="list the voices the speech engine has",
        description="List the voices you can use. Put an id in the settings (voice_id)\n"
        "or pass it to `glutecoach say --voice ID`. The one in use is marked with *.\n"
        "The natural voice (piper:..., from glutecoach[natural]) comes first where it is\n"
        "installed and is then the default; then the system's voices (macOS, Windows),\n"
        "then espeak-ng's as espeak:ID; voice_id = \"espeak\" picks espeak-ng's default.",
        epilog="example:\n  glutecoach voices --lang en",
        formatter_class=fmt,
    )
    voices.add_argument("--lang", metavar="CODE", help="only voices for this language (en, de...)")
    voices.add_argument("--json", action="store_true", help="print JSON (for scripts)")
    voices.set_defaults(func=cmd_voices)

    doctor = sub.add_parser(
        "doctor",
        help="check speech, sound, terminal and folders; say what to fix",
        description="Report in plain words which voices this machine has (the natural\n"
        "voice, the system's, espeak-ng), which one speaks and why, which player and\n"
        "audio output were found, whether this is an SSH session, the terminal's\n"
        "colour support and whether the config and data folders are writable, then\n"
        "what would fix what does not work.\n"
        "Exit status 0 when speech works, 1 otherwise.",
        epilog="environment it honours:\n"
        "  GLUTECOACH_PLAYER      player command with {file}, e.g. 'mpv --really-quiet {file}'\n"
        "  GLUTECOACH_ESPEAK_LIB  a libespeak-ng to use instead of searching\n"
        "  GLUTECOACH_TTS_DRIVER  a pyttsx3 driver to use instead of the system's voice\n"
        "  GLUTECOACH_NATURAL=0   espeak-ng (or the system's voice) is the default, not the\n"
        "                         natural voice\n"
        "  GLUTECOACH_RELAY       host:port of a speech relay (with GLUTECOACH_RELAY_TOKEN)\n",
        formatter_class=fmt,
    )
    doctor.add_argument("--json", action="store_true", help="print JSON (for scripts)")
    doctor.set_defaults(func=cmd_doctor)

    relay = sub.add_parser(
        "relay",
        help="speak cues sent by glutecoach running on another machine over SSH",
        description="Run this on your own computer. It listens on 127.0.0.1 only and\n"
        "speaks (or prints) the cues a remote glutecoach sends through an SSH tunnel.\n"
        "It prints a token and the exact commands to use on both sides.",
        epilog="example:\n  glutecoach relay                 # then: ssh -R 4712:127.0.0.1:4712 "
        "HOST\n  glutecoach relay --voice captions --port 5000\n",
        formatter_class=fmt,
    )
    relay.add_argument("--port", type=int, default=4712, help="port on 127.0.0.1 (default 4712)")
    relay.add_argument("--token", help="use this token instead of a random one")
    relay.add_argument(
        "--voice",
        choices=("speech", "captions"),
        default="speech",
        help="speak the cues (default) or only print them",
    )
    relay.set_defaults(func=cmd_relay)


def _settings() -> Any:
    from glutecoach.store.settings import SettingsStore

    store = SettingsStore()
    for notice in store.notices:
        print(f"glutecoach: {notice}", file=sys.stderr)
    return store.value


def cmd_say(args: argparse.Namespace) -> int:
    from glutecoach.voice.engine import EngineUnavailable
    from glutecoach.voice.player import detect_output, find_player, make_player, quiet_stderr
    from glutecoach.voice.synth import PhraseCache, Synth, default_cache_dir

    text = args.text.strip()
    if not text:
        raise UserError('say: give some text to say, e.g. glutecoach say "Glute bridges"')
    s = _settings()
    from glutecoach.store.settings import RATE_RANGE, volume_from_user

    rate = args.rate if args.rate is not None else s.rate
    if not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
        low, high = RATE_RANGE
        raise UserError(f"say: --rate {rate} is out of range; use {low} to {high} words per minute")
    volume = s.volume
    if args.volume is not None:
        found, _ = volume_from_user(args.volume)  # as the settings file reads it
        if found is None:
            raise UserError(f"say: --volume {args.volume:g} is out of range; use 0 to 100")
        volume = found
    voice_id = args.voice if args.voice is not None else s.voice_id
    try:
        synth = Synth(voice_id, rate, volume)
    except EngineUnavailable as exc:
        print(f"glutecoach: no speech engine: {exc}", file=sys.stderr)
        return 1
    told = _tell_fallback(synth, "")
    if voice_id and not synth.voice_known:
        print(
            f"glutecoach: voice {voice_id!r} not found; using the default "
            "(see `glutecoach voices`)",
            file=sys.stderr,
        )
    if args.to is not None:
        target = _wav_target(args.to.expanduser())
        try:
            duration = synth.render(text, target)
        except OSError as exc:
            raise UserError(f"say: cannot write {target}: {exc.strerror}") from exc
        except RuntimeError as exc:
            print(f"glutecoach: the speech engine failed: {exc}", file=sys.stderr)
            return 1
        _tell_fallback(synth, told)
        print(f"Wrote {target} ({duration:.2f} s of speech, {synth.info.describe()})")
        return 0
    output = detect_output()
    choice = find_player()
    if not output.found or choice is None:
        why = output.how if not output.found else "no audio player found"
        print(
            f"glutecoach: nothing can be heard here: {why}.\n"
            "Use --to FILE.wav to write the speech to a file, or see `glutecoach doctor`.",
            file=sys.stderr,
        )
        return 1
    try:
        rendered = PhraseCache(default_cache_dir(), synth).get(text)
    except RuntimeError as exc:
        print(f"glutecoach: the speech engine failed: {exc}", file=sys.stderr)
        return 1
    _tell_fallback(synth, told)
    player = make_player(choice)
    with quiet_stderr():
        try:
            player.play(rendered.path)
        except Exception as exc:
            print(f"glutecoach: could not play sound with {choice.name}: {exc}", file=sys.stderr)
            return 1
        deadline = time.monotonic() + rendered.duration + 5
        try:
            while player.playing() and time.monotonic() < deadline:
                time.sleep(0.02)
            problem = player.problem()
        finally:
            player.stop()
    if problem is not None:
        print(f"glutecoach: could not play sound: {problem}", file=sys.stderr)
        return 1
    return 0


def _wav_target(target: Path) -> Path:
    """``--to`` may name a regular file (replaced) or a new file in a folder that exists;
    anything else (a link, FIFO, device, folder, missing folder) is refused untouched."""
    import os
    import stat

    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise UserError(
                f"say: the folder {target.parent} does not exist; make it first or "
                "give a file in a folder that does"
            ) from None
        return target
    except OSError as exc:
        raise UserError(f"say: cannot use {target}: {exc.strerror}") from exc
    if stat.S_ISLNK(mode):
        raise UserError(f"say: {target} is a link; give the file itself or a new file name")
    if stat.S_ISDIR(mode):
        raise UserError(f"say: {target} is a folder; give a file name ending in .wav")
    if not stat.S_ISREG(mode):
        raise UserError(
            f"say: {target} is not a regular file (a pipe, device or socket); "
            "give a new file name ending in .wav"
        )
    return target


def _tell_fallback(synth: Any, told: str) -> str:
    """Say once that espeak-ng spoke instead of the natural or the system's voice, and why."""
    if synth.fallback and synth.fallback != told:
        print(f"glutecoach: using {synth.label}: {synth.fallback}", file=sys.stderr)
    return str(synth.fallback)


def cmd_voices(args: argparse.Namespace) -> int:
    from glutecoach.voice.engines import all_voices
    from glutecoach.voice.player import quiet_stderr

    s = _settings()
    with quiet_stderr():
        groups, problems = all_voices()
    for problem in problems:
        print(f"glutecoach: {problem}", file=sys.stderr)
    if not groups:
        print("glutecoach: no speech engine", file=sys.stderr)
        return 1
    chosen = s.voice_id
    shown = 0
    as_json = getattr(args, "json", False)
    found = []
    for label, voices in groups:
        wanted = [
            v
            for v in voices
            if not args.lang
            or any(lang.lower().startswith(args.lang.lower()) for lang in v["languages"])
        ]
        if len(groups) > 1 and wanted and not as_json:
            print(f"# {label}")
        for v in wanted:
            is_chosen = v["id"] == chosen if chosen else bool(v["default"])
            found.append({**v, "engine": label, "chosen": is_chosen})
            if not as_json:
                langs = ",".join(v["languages"])
                mark = "*" if is_chosen else " "
                print(f"{mark} {v['id']:<24} {v['name']:<28} {langs}")
            shown += 1
    if as_json:
        from glutecoach.cli.output import print_json

        print_json(found)
    if not shown:
        print(f"glutecoach: no voice for language {args.lang!r}", file=sys.stderr)
        return 1
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from glutecoach.voice.doctor import diagnose

    report = diagnose(_settings().voice_id)
    if getattr(args, "json", False):
        from glutecoach.cli.output import print_json

        print_json(
            {
                "speech_works": report.speech_works,
                "engine_works": report.engine_works,
                "output_found": report.output_found,
                "checks": {label: text for label, text in report.lines},
                "fixes": report.fixes,
            }
        )
    else:
        print(report.render())
    return 0 if report.speech_works else 1


def cmd_relay(args: argparse.Namespace) -> int:
    from glutecoach.voice import make_voice
    from glutecoach.voice.relay import RelayServer, new_token

    token = args.token or new_token()
    if not 0 <= args.port <= 65535:
        raise UserError(f"relay: --port {args.port} is not a port number (0-65535)")

    def log(msg: str) -> None:
        print(f"relay: {msg}", file=sys.stderr, flush=True)

    speaker: Any
    if args.voice == "speech":
        speaker = make_voice("speech", _settings(), on_notice=log)
    else:
        speaker = make_voice("captions", _settings())
    try:
        server = RelayServer(token, speaker, port=args.port, captions=sys.stdout, log=log)
    except OSError as exc:
        speaker.close()
        raise UserError(
            f"relay: cannot listen on 127.0.0.1:{args.port} ({exc.strerror}); is another relay "
            "running? Pick another port with --port."
        ) from exc
    port = server.port
    doing = "speaking cues aloud" if args.voice == "speech" else "printing cues"
    print(
        f"Relay listening on 127.0.0.1:{port}, {doing}.\n"
        f"Token: {token}\n"
        f"1. From this computer, connect with:  ssh -R {port}:127.0.0.1:{port} HOST\n"
        f"2. On HOST, run:  GLUTECOACH_RELAY=127.0.0.1:{port} GLUTECOACH_RELAY_TOKEN={token} "
        "glutecoach run ROUTINE --voice relay\n"
        "Ctrl-C stops the relay.",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        speaker.close()
    return 0
