"""``remind`` and ``breaks``: desk reminders in a spare terminal, and what came of them."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from glutecoach.cli.shared import open_store_for, parse_since
from glutecoach.errors import UserError
from glutecoach.remind.duration import DurationError, format_duration, parse_duration

if TYPE_CHECKING:
    from glutecoach.store import Store

VOICE_CHOICES = ("auto", "speech", "relay", "captions", "off")


def _duration(text: str) -> str:
    try:
        parse_duration(text)
    except DurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.strip()


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "remind",
        help="nudge me out of the chair (run it in a spare terminal or tmux pane)",
        description="Stay running and nudge you when you have sat for the interval: a "
        "spoken line, a bell and a desktop notification (OSC 9 / OSC 777). At a nudge: b "
        "starts the break routine now, s snoozes, x skips; b also starts one early; q "
        "quits. A routine finished in any glutecoach on this machine counts as a break. "
        "The schedule comes from [remind] in config.toml.",
        epilog="Durations read like 45m, 90s or 1h30m.",
    )
    p.add_argument("--plain", action="store_true", help="one line per nudge, no full screen")
    p.add_argument("--every", type=_duration, metavar="DURATION", help="sitting time per nudge")
    p.add_argument("--snooze", type=_duration, metavar="DURATION", help="how long s puts it off")
    p.add_argument("--routine", metavar="ROUTINE", help="the routine a nudge offers")
    p.add_argument(
        "--voice",
        choices=VOICE_CHOICES,
        default=None,
        help="how the nudge is said (default: the voice setting, if [remind] speak is on)",
    )
    p.set_defaults(func=cmd_remind)

    b = sub.add_parser(
        "breaks",
        help="list desk-reminder nudges and what came of them",
        description="Each nudge from `glutecoach remind` and its outcome (taken, snoozed, "
        "skipped, missed), with counts per day. Times are UTC, ISO 8601; days are local.",
    )
    b.add_argument("--json", action="store_true", help="print JSON (for scripts)")
    b.add_argument("--since", metavar="YYYY-MM-DD", help="only nudges on or after this date (UTC)")
    b.set_defaults(func=cmd_breaks)


def cmd_remind(args: argparse.Namespace) -> int:
    from glutecoach.coach import find_routine
    from glutecoach.engine.describe import mmss
    from glutecoach.remind import runner
    from glutecoach.remind.log import BreakLog, HistoryWatch
    from glutecoach.remind.schedule import Schedule
    from glutecoach.remind.status import Publisher
    from glutecoach.store.history import _pid_alive

    store = open_store_for()
    settings = store.settings.value
    remind = settings.remind
    if args.every:
        remind = replace(remind, interval=args.every)
    if args.snooze:
        remind = replace(remind, snooze=args.snooze)
    if args.routine:
        remind = replace(remind, routine=args.routine)
    try:
        routine = find_routine(remind.routine)
    except UserError:
        store.close()
        raise
    rules = remind.rules()
    out = sys.stdout
    tty_out = out.isatty()
    interactive = sys.stdin is not None and sys.stdin.isatty()
    plain = args.plain or not tty_out
    voice_mode = runner.voice_mode(args.voice, settings)

    said: set[str] = set()
    shown: list[runner.Reminder] = []

    def notice(text: str) -> None:
        if text in said:  # a voice is made per nudge: say each fallback once, not daily
            return
        said.add(text)
        if plain or not shown:
            print(f"glutecoach: {text}", file=sys.stderr, flush=True)
            return
        # Full screen: stderr would land on top of it. The loop shows it as a note.
        shown[0].notices.append(text)
        with contextlib.suppress(OSError):
            os.write(wake_write, b"\0")

    hours = "all day" if rules.hours.start == rules.hours.end else remind.hours
    days = "every day" if len(remind.days) == 7 else " ".join(remind.days)
    summary = (
        f"every {format_duration(rules.interval)}, snooze {format_duration(rules.snooze)},"
        f" {hours}, {days}"
    )
    offer = runner.Offer(routine.id, routine.name, _length(routine, store, mmss), summary)
    keyboard = None
    view: Any = None
    wake_fd, wake_write, undo_signals = runner.install_signals()
    publisher = Publisher()
    try:
        if interactive:
            keyboard = runner.Keyboard(sys.stdin.fileno())
        view = runner.PlainView(out, keys=keyboard is not None) if plain else runner.FullView(out)
        if plain:
            keys = " Keys: b break now, s snooze, x skip, q quit." if keyboard else ""
            runner._say(out, f"Reminding {summary}; a nudge offers {routine.name}.{keys}")
        reminder = runner.Reminder(
            schedule=Schedule(rules, runner.real_now()),
            offer=offer,
            watch=HistoryWatch(store.history.db, _pid_alive),
            log=BreakLog(store.history.db, notice),
            view=view,
            alert=runner.TerminalAlert(
                out, escapes=tty_out, voice_mode=voice_mode, settings=settings, on_notice=notice
            ),
            launch=runner.launcher(plain, args.voice, keyboard),
            interactive=keyboard is not None,
            poll=max(1.0, min(60.0, rules.interval / 3)),
            minute_counter=not plain,
            publish=publisher.publish,
        )
        shown.append(reminder)
        with contextlib.suppress(KeyboardInterrupt):
            runner.run_loop(reminder, keyboard, wake_fd)
        reminder.close()
    finally:
        if view is not None:
            view.close()
        if keyboard is not None:
            keyboard.restore()
        undo_signals()
        publisher.close()
        store.close()
    return 0


def _length(routine: Any, store: Store, mmss: Any) -> str:
    from glutecoach.coach import make_plan

    try:
        return str(mmss(make_plan(routine, store).total_seconds))
    except Exception:  # a length is a nicety; the routine's own run reports real problems
        return "?"


def cmd_breaks(args: argparse.Namespace) -> int:
    from glutecoach.remind.log import per_day, read_breaks
    from glutecoach.remind.schedule import OUTCOMES

    since = parse_since(args.since)
    store = open_store_for()
    try:
        rows = read_breaks(store.history.db, since)
    finally:
        store.close()
    days = per_day(rows)
    if args.json:
        data = {
            "days": [{"day": day, **counts} for day, counts in days],
            "breaks": [row.to_json() for row in rows],
        }
        from glutecoach.cli.output import print_json

        print_json(data)  # the one --json rule: indented at a terminal, one line in a pipe
        return 0
    if not rows:
        print("No nudges yet. Start `glutecoach remind` in a spare terminal.")
        return 0
    print(f"{'day':<12}" + "".join(f"{o:>9}" for o in OUTCOMES))
    for day, counts in days:
        print(f"{day:<12}" + "".join(f"{counts[o]:>9}" for o in OUTCOMES))
    print()
    for row in rows:
        sat = f"sat {round(row.sat_seconds / 60)} min" if row.source == "nudge" else "early"
        routine = f"  {row.routine}" if row.routine else ""
        print(f"{row.nudged_at}  {row.outcome:<8} {sat}{routine}")
    return 0
