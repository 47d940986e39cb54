"""Each platform seam's every branch, on Linux: the POSIX ones for real, the Windows and
macOS ones with stand-ins (a stand-in msvcrt and kernel32, a recorded taskkill, listed
audio devices)."""

from __future__ import annotations

import ast
import ctypes
import os
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

import pytest

from glutecoach.platform import (
    LINUX,
    MACOS,
    WINDOWS,
    detect_output,
    keys,
    make_private,
    new_process_group,
    pid_alive,
    split_command,
    stop_tree,
    system,
)
from glutecoach.platform import process as proc_mod
from glutecoach.voice.doctor import colour_support

ROOT = Path(__file__).resolve().parents[2]
POSIX_ONLY = {"termios", "tty", "pty", "fcntl", "pwd", "grp", "resource", "posix", "syslog"}


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("linux", LINUX),
        ("darwin", MACOS),
        ("win32", WINDOWS),
        ("cygwin", LINUX),
        ("freebsd14", LINUX),
        ("windows", WINDOWS),
    ],
)
def test_the_platform_is_decided_in_one_place(raw: str, kind: str) -> None:
    assert system(raw) == kind


def test_this_machine_is_linux() -> None:
    assert system() == LINUX


# ---------------------------------------------------------------- no POSIX-only imports


def _top_level_imports(path: Path) -> set[str]:
    """Modules imported when the file is imported (not inside a function or class)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.If | ast.Try | ast.With):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    for part in getattr(node, field, []):
                        visit(part.body if isinstance(part, ast.ExceptHandler) else [part])

    visit(tree.body)
    return found


def test_no_module_windows_runs_imports_a_posix_only_module_at_the_top() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(_top_level_imports(p) & POSIX_ONLY)
        for p in (ROOT / "glutecoach").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_process_signals_are_only_sent_through_the_platform_seam() -> None:
    used = []
    for p in (ROOT / "glutecoach").rglob("*.py"):
        if p.parent.name == "platform":
            continue
        text = p.read_text(encoding="utf-8")
        for word in ("os.killpg", "SIGKILL", "os.kill(", "import termios", "import msvcrt"):
            if word in text:
                used.append(f"{p.relative_to(ROOT)}: {word}")
    assert used == []


def test_the_package_imports_with_every_posix_only_module_missing() -> None:
    """What Windows sees: glutecoach's modules import without termios, fcntl, pwd...
    (``posix`` itself stays: the standard library on Linux picks it by ``os.name``)."""
    code = (
        "import sys\n"
        f"for m in {sorted(POSIX_ONLY - {'posix'})!r}: sys.modules[m] = None\n"
        "import glutecoach.platform, glutecoach.plain, glutecoach.voice, "
        "glutecoach.voice.player, glutecoach.voice.worker, glutecoach.voice.doctor, "
        "glutecoach.voice.relay, glutecoach.store.history, glutecoach.cli\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


# ---------------------------------------------------------------- the key reader


class StandInMsvcrt:
    """Keys waiting in a Windows console's buffer."""

    def __init__(self, *keys: str) -> None:
        self.buffer = list("".join(keys))

    def kbhit(self) -> bool:
        return bool(self.buffer)

    def getwch(self) -> str:
        return self.buffer.pop(0)


def test_windows_keys_come_from_msvcrt_one_at_a_time() -> None:
    console = StandInMsvcrt("n", " ", "q")
    reader = keys(sys.stdin, on=WINDOWS, msvcrt=console)
    assert [reader.read(0.5) for _ in range(3)] == ["n", " ", "q"]
    reader.close()


def test_windows_arrow_keys_are_swallowed_whole_and_ctrl_z_ends_input() -> None:
    reader = keys(sys.stdin, on=WINDOWS, msvcrt=StandInMsvcrt("\xe0H", "m", "\x1a"))
    assert reader.read(0.1) is None  # the arrow's two codes, neither taken as a key
    assert reader.read(0.1) == "m"
    assert reader.read(0.1) == "q"


def test_windows_ctrl_c_interrupts_as_it_does_in_a_posix_terminal() -> None:
    reader = keys(sys.stdin, on=WINDOWS, msvcrt=StandInMsvcrt("\x03"))
    with pytest.raises(KeyboardInterrupt):
        reader.read(0.1)


def test_windows_waits_the_whole_timeout_for_a_key_then_says_none() -> None:
    reader = keys(sys.stdin, on=WINDOWS, msvcrt=StandInMsvcrt())
    started = time.monotonic()
    assert reader.read(0.15) is None
    assert time.monotonic() - started >= 0.15


@pytest.mark.parametrize("on", [LINUX, MACOS])
def test_posix_keys_come_from_a_real_terminal_without_echo_and_it_is_restored(
    on: str,
) -> None:
    master, slave = os.openpty()
    try:
        stream = os.fdopen(slave, "r", closefd=False)
        before = termios.tcgetattr(slave)
        assert before[3] & termios.ECHO
        reader = keys(stream, on=on)
        assert not termios.tcgetattr(slave)[3] & termios.ECHO  # cbreak, no echo
        assert reader.read(0.01) is None
        os.write(master, b"n")
        assert reader.read(2.0) == "n"
        reader.close()
        assert termios.tcgetattr(slave)[3] & termios.ECHO
    finally:
        os.close(master)
        os.close(slave)


# ---------------------------------------------------------------- stopping a player's tree

TREE = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(60)\n"
)


def _start_tree(on: str | None = None) -> tuple[subprocess.Popen[bytes], int]:
    proc = subprocess.Popen(
        [sys.executable, "-c", TREE], stdout=subprocess.PIPE, **new_process_group(on)
    )
    assert proc.stdout is not None
    grandchild = int(proc.stdout.readline())
    return proc, grandchild


def _gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.02)
    return False


def test_new_process_group_per_platform() -> None:
    assert new_process_group(LINUX) == {"start_new_session": True}
    assert new_process_group(MACOS) == {"start_new_session": True}
    flags = new_process_group(WINDOWS)["creationflags"]
    assert flags & proc_mod.CREATE_NEW_PROCESS_GROUP and flags & proc_mod.CREATE_NO_WINDOW


def test_posix_stop_takes_the_players_children_with_it() -> None:
    proc, grandchild = _start_tree()
    stop_tree(proc)
    assert proc.returncode is not None
    assert _gone(grandchild), "the player's own child outlived it"


def test_windows_stop_asks_taskkill_for_the_whole_tree() -> None:
    proc, grandchild = _start_tree()
    asked: list[list[str]] = []

    def taskkill(argv: list[str], **_: Any) -> subprocess.CompletedProcess[bytes]:
        asked.append(argv)
        os.killpg(proc.pid, 9)  # what taskkill /T /F does: the whole tree, at once
        return subprocess.CompletedProcess(argv, 0)

    stop_tree(proc, on=WINDOWS, run=taskkill)
    assert asked == [["taskkill", "/PID", str(proc.pid), "/T", "/F"]]
    assert proc.returncode is not None and _gone(grandchild)


def test_windows_stop_without_taskkill_still_ends_the_player() -> None:
    proc, grandchild = _start_tree()

    def missing(argv: list[str], **_: Any) -> subprocess.CompletedProcess[bytes]:
        raise FileNotFoundError(argv[0])

    try:
        stop_tree(proc, on=WINDOWS, run=missing, grace=0.05)
        assert proc.returncode is not None
    finally:
        if pid_alive(grandchild):  # TerminateProcess ends the player, not its children
            os.kill(grandchild, 9)


def test_stopping_a_finished_player_is_a_no_op() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"], **new_process_group())
    proc.wait()
    stop_tree(proc, on=WINDOWS, run=lambda *a, **k: pytest.fail("taskkill for nothing"))
    stop_tree(proc)


# ---------------------------------------------------------------- is it alive


def test_linux_liveness_a_live_child_a_zombie_and_a_reaped_one() -> None:
    assert pid_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert pid_alive(child.pid)
        child.kill()
        deadline = time.monotonic() + 5
        while pid_alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not pid_alive(child.pid)  # a zombie: signal 0 still succeeds
    finally:
        child.wait()
    assert not pid_alive(child.pid)
    assert not pid_alive(0) and not pid_alive(-5)


def test_macos_liveness_asks_ps_for_the_state() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    states = {"S": True, "Ss+": True, "Z": False, "Z+": False}
    try:
        for state, alive in states.items():

            def ps(argv: list[str], state: str = state, **_: Any) -> Any:
                assert argv == ["ps", "-o", "stat=", "-p", str(child.pid)]
                return subprocess.CompletedProcess(argv, 0, f"{state}\n".encode())

            assert pid_alive(child.pid, on=MACOS, run=ps) is alive, state

        def ps_none(argv: list[str], **_: Any) -> Any:
            return subprocess.CompletedProcess(argv, 1, b"")

        assert not pid_alive(child.pid, on=MACOS, run=ps_none)
    finally:
        child.kill()
        child.wait()
    assert not pid_alive(child.pid, on=MACOS)  # kill 0 already says no


class StandInKernel32:
    """OpenProcess / GetExitCodeProcess / CloseHandle over a table of processes."""

    def __init__(self, processes: dict[int, int | str]) -> None:
        self.processes = processes  # pid -> exit code (259 running) or "denied"
        self.last_error = 0
        self.open_handles: set[int] = set()

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> int:
        assert access == proc_mod.PROCESS_QUERY_LIMITED_INFORMATION and inherit is False
        state = self.processes.get(pid)
        if state is None or state == "denied":
            self.last_error = 87 if state is None else proc_mod.ERROR_ACCESS_DENIED
            return 0
        handle = 1000 + pid
        self.open_handles.add(handle)
        return handle

    def GetExitCodeProcess(self, handle: int, code_ref: Any) -> int:
        code = ctypes.cast(code_ref, ctypes.POINTER(ctypes.c_ulong))
        code[0] = int(self.processes[handle - 1000])
        return 1

    def CloseHandle(self, handle: int) -> int:
        self.open_handles.remove(handle)
        return 1

    def GetLastError(self) -> int:
        return self.last_error


def test_windows_liveness_asks_the_kernel_and_never_signals() -> None:
    kernel = StandInKernel32({4242: proc_mod.STILL_ACTIVE, 4243: 0, 4244: "denied"})
    assert pid_alive(4242, on=WINDOWS, kernel32=kernel)
    assert not pid_alive(4243, on=WINDOWS, kernel32=kernel)  # exited, handle still held
    assert pid_alive(4244, on=WINDOWS, kernel32=kernel)  # someone else's: it exists
    assert not pid_alive(4245, on=WINDOWS, kernel32=kernel)  # no such process
    assert kernel.open_handles == set()


# ---------------------------------------------------------------- audio output


@pytest.mark.parametrize(("on", "where"), [(MACOS, "CoreAudio"), (WINDOWS, "Windows audio")])
def test_macos_and_windows_look_at_the_devices_before_saying_found(on: str, where: str) -> None:
    def look(devices: list[str] | None) -> Any:
        return detect_output({}, on=on, devices=lambda: devices)

    speakers = look(["MacBook Pro Speakers (Core Audio)"])
    assert speakers.found and "MacBook Pro Speakers" in speakers.how
    empty = look([])
    assert not empty.found and empty.how == f"{where} lists no playback device"
    null = look(["Null Output (WASAPI)"])
    assert not null.found and "throws the sound away" in null.how
    blind = look(None)
    assert not blind.found and "miniaudio is not installed" in blind.how


def test_a_player_set_by_the_user_is_trusted_everywhere() -> None:
    for on in (LINUX, MACOS, WINDOWS):
        info = detect_output({"GLUTECOACH_PLAYER": "mpv {file}"}, on=on, devices=lambda: [])
        assert info.found


def test_linux_looks_at_the_sound_server_then_the_cards_then_the_devices(
    tmp_path: Path,
) -> None:
    cards = tmp_path / "cards"

    def linux(pactl: str | None, devices: list[str] | None) -> Any:
        return detect_output(
            {},
            on=LINUX,
            which=lambda name: "/usr/bin/pactl" if pactl is not None else None,
            command=lambda argv: pactl,
            devices=lambda: devices,
            cards=cards,
        )

    real = linux("Server Name: PulseAudio\nDefault Sink: alsa_output.pci-0000.analog\n", [])
    assert real.found and "alsa_output.pci-0000.analog" in real.how
    dummy = linux("Default Sink: auto_null\n", [])
    assert not dummy.found and "only a dummy output" in dummy.how
    nothing = linux(None, None)
    assert not nothing.found
    assert nothing.how == "no sound card; miniaudio is not installed"
    cards.write_text(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n")
    assert linux(None, []).found


# ---------------------------------------------------------------- files and commands


def test_private_files_are_0600_on_posix_and_left_alone_on_windows(tmp_path: Path) -> None:
    f = tmp_path / "history.db"
    f.write_text("")
    f.chmod(0o644)
    assert make_private(f, on=WINDOWS) is False
    assert f.stat().st_mode & 0o777 == 0o644
    assert make_private(f, on=LINUX) is True
    assert f.stat().st_mode & 0o777 == 0o600
    assert make_private(f) is False  # already private
    d = tmp_path / "data"
    d.mkdir(mode=0o755)
    make_private(d, on=MACOS)
    assert d.stat().st_mode & 0o777 == 0o700


def test_player_commands_split_by_each_platforms_rules() -> None:
    assert split_command("mpv --really-quiet '{file}'") == ["mpv", "--really-quiet", "{file}"]
    windows = r'"C:\Program Files\mpv\mpv.exe" --really-quiet {file}'
    assert split_command(windows, on=WINDOWS) == [
        r"C:\Program Files\mpv\mpv.exe",
        "--really-quiet",
        "{file}",
    ]


# ---------------------------------------------------------------- the terminal's colours


def test_windows_terminal_has_colour_though_it_sets_no_term() -> None:
    said = colour_support({"WT_SESSION": "5e1c-..."}, on=WINDOWS)
    assert said.startswith("24-bit colour (Windows Terminal")
    assert colour_support({}, on=WINDOWS).startswith("16 colours at least (a Windows console")
    assert colour_support({}, on=LINUX).startswith("no colour")
    assert colour_support({"TERM": "xterm-256color"}, on=MACOS).startswith("256 colours")
    assert colour_support({"NO_COLOR": "1", "WT_SESSION": "x"}, on=WINDOWS).startswith("off")
