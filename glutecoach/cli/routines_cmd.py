"""``glutecoach routines new|edit|rm``: make, change and remove your own routine files.

``glutecoach routines`` alone still lists them (``engine_cmd.cmd_routines``). Every file
written here goes through ``engine.routine_file.save_routine``: checked by the reader first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from glutecoach.errors import UserError


def add_subcommands(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="routines_command", metavar="ACTION")
    p = sub.add_parser(
        "new",
        help="write a new routine file to start from and print its path",
        description="Write ID.toml into your routines folder: a short starter routine, or a "
        "copy of ROUTINE with --from (a built-in is copied, never changed). Prints the path. "
        "The id becomes the file name: lower-case letters, digits and dashes.",
    )
    p.add_argument("id", metavar="ID", help="the new routine's id, like `my-stretch`")
    p.add_argument(
        "--from", dest="source", metavar="ROUTINE", help="copy this routine (built-in or yours)"
    )
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "edit",
        help="open one of your routines in the app's editor",
        description="Open the app on the editor for your routine ID. Built-in routines are "
        "not edited in place: copy one first with `glutecoach routines new ID --from ROUTINE`.",
    )
    p.add_argument("id", metavar="ID", help="one of your routines (see `glutecoach routines`)")
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser(
        "rm",
        help="remove one of your routines (the file is renamed aside, not deleted)",
        description="Rename your ID.toml to ID.toml.deleted-<time> in the routines folder, so "
        "it leaves the list; rename it back to restore it. Built-in routines cannot be removed.",
    )
    p.add_argument("id", metavar="ID", help="one of your routines")
    p.set_defaults(func=cmd_rm)


def _user_path(routine_id: str) -> Path:
    from glutecoach.engine.routine_file import check_id
    from glutecoach.store import paths

    check_id(routine_id)
    return paths.routines_dir() / f"{routine_id}.toml"


def _builtin_ids() -> set[str]:
    from glutecoach.engine.routines import builtin_routine_paths

    return {p.stem for p in builtin_routine_paths()}


def title_from_id(routine_id: str) -> str:
    """``my-hip-break`` -> ``My hip break``: a name to start from."""
    words = routine_id.replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else "My routine"


def copy_data(routine: Any) -> dict[str, Any]:
    """What a copy of ``routine`` starts as: the same, named as a copy."""
    from glutecoach.engine.routine_file import routine_to_data

    data = routine_to_data(routine)
    data["name"] = f"{routine.name} (copy)"
    return data


def cmd_new(args: argparse.Namespace) -> int:
    from glutecoach.coach import all_routines
    from glutecoach.engine.routine_file import save_routine, starter_data
    from glutecoach.engine.tomlcheck import FileProblems

    path = _user_path(args.id)
    if path.exists():
        raise UserError(
            f"`{args.id}` already exists: {path}\n"
            f"`glutecoach routines edit {args.id}` changes it; or pick another id."
        )
    if args.id in _builtin_ids():
        raise UserError(
            f"`{args.id}` is a built-in routine's id, and a file of yours with it would hide "
            f"the built-in; pick another id, like `my-{args.id}`."
        )
    if args.source:
        data = copy_data(all_routines().get(args.source))  # a clear error when unknown/broken
    else:
        data = starter_data(title_from_id(args.id))
    try:
        saved = save_routine(args.id, data)
    except FileProblems as exc:  # only if the source cannot be written back as it reads
        raise UserError(f"could not write {path}:\n{exc}") from exc
    except OSError as exc:
        raise UserError(f"could not write {path}: {exc.strerror or exc}") from exc
    print(saved.path)
    return 0


def editable(routine_id: str) -> Path:
    """The user's file for ``routine_id`` if the editor may open it; a ``UserError`` saying
    what to do otherwise (built-in, broken, or no such routine)."""
    from glutecoach.coach import all_routines

    path = _user_path(routine_id)
    found = all_routines()
    if routine_id in found.broken:
        broken = found.broken[routine_id]
        raise UserError(
            f"`{routine_id}` has problems the editor cannot show; fix {broken.path} by hand "
            f"(or remove it with `glutecoach routines rm {routine_id}`):\n{broken.message}"
        )
    if not path.is_file():
        if routine_id in found.routines:
            raise UserError(
                f"`{routine_id}` is built in and is not edited in place; copy it first: "
                f"`glutecoach routines new my-{routine_id} --from {routine_id}`"
            )
        found.get(routine_id)  # raises: no such routine, with the nearest name
    return path


def cmd_edit(args: argparse.Namespace) -> int:
    editable(args.id)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError(
            "the editor needs a terminal; for scripts, write the file "
            "(`glutecoach locate routines`) or start one with `glutecoach routines new`."
        )
    from glutecoach.app import GlutecoachApp
    from glutecoach.store import open_store

    store = open_store()
    try:
        GlutecoachApp(store, edit_routine=args.id).run()  # the routine list opens it
    finally:
        store.close()
    return 0


def cmd_rm(args: argparse.Namespace) -> int:
    from glutecoach.coach import all_routines
    from glutecoach.engine.routine_file import move_aside

    path = _user_path(args.id)
    if not path.is_file():
        found = all_routines()
        if args.id in found.routines:
            raise UserError(f"`{args.id}` is built in and cannot be removed.")
        found.get(args.id)  # raises: no such routine, with the nearest name
    try:
        moved = move_aside(args.id)
    except OSError as exc:
        raise UserError(f"could not move {path} aside: {exc.strerror or exc}") from exc
    print(f"moved {path} to {moved.name} (rename it back to restore it)")
    if args.id in _builtin_ids():
        print(f"the built-in `{args.id}` is back in the list")
    return 0
