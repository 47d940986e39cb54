"""Child processes: start one in its own group, stop it with all its children, and tell
whether a process is still alive.

POSIX: a new session (so Ctrl-C in the terminal stays the app's to handle) and
``killpg`` (SIGTERM, then SIGKILL after a grace period). Windows: a new process group with
no console window, and ``taskkill /T /F`` for the whole tree (Windows has no SIGKILL, and
``os.killpg`` does not exist there). Liveness: ``kill(pid, 0)`` plus a zombie check on
POSIX; on Windows ``kill(pid, 0)`` would send a console Ctrl-C, so ``OpenProcess`` and
``GetExitCodeProcess`` are asked through ctypes instead.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from glutecoach.platform.which import MACOS, WINDOWS, system

# Windows constants (the subprocess module only defines them on Windows).
CREATE_NEW_PROCESS_GROUP = 0x00000200
CREATE_NO_WINDOW = 0x08000000
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
STILL_ACTIVE = 259
ERROR_ACCESS_DENIED = 5

Runner = Callable[..., Any]  # subprocess.run, or a test's stand-in


def new_process_group(on: str | None = None) -> dict[str, Any]:
    """``Popen`` keyword arguments that start a child in a group of its own."""
    if system(on) == WINDOWS:
        return {"creationflags": CREATE_NEW_PROCESS_GROUP | CREATE_NO_WINDOW}
    return {"start_new_session": True}


def stop_tree(
    proc: subprocess.Popen[bytes],
    *,
    grace: float = 0.2,
    on: str | None = None,
    run: Runner = subprocess.run,
) -> None:
    """Stop ``proc`` (started with :func:`new_process_group`) and every child it started;
    wait for it. Never raises for a process that is already gone."""
    if proc.poll() is not None:
        return
    if system(on) == WINDOWS:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            run(
                ["taskkill", "/PID", str(proc.pid), "/T", "/F"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=5,
                check=False,
            )
        try:
            proc.wait(timeout=max(grace, 1.0))
        except subprocess.TimeoutExpired:
            proc.kill()  # TerminateProcess: at least the player itself goes
            proc.wait()
        return
    import signal

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def pid_alive(
    pid: int,
    *,
    on: str | None = None,
    kernel32: Any = None,
    run: Runner = subprocess.run,
    proc_root: Path = Path("/proc"),
) -> bool:
    """Whether process ``pid`` is running. This process is; a zombie (killed, not yet
    reaped) is not. Unsure (no permission to look) counts as alive: a session is only
    closed as stale when its process is surely gone."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    kind = system(on)
    if kind == WINDOWS:
        return _windows_alive(pid, kernel32)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    if kind == MACOS:  # no /proc: ask ps for the state letter
        try:
            done = run(
                ["ps", "-o", "stat=", "-p", str(pid)],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=2,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return True
        state = done.stdout.decode("ascii", "replace").strip()
        if done.returncode != 0 and not state:
            return False
        return not state.startswith("Z")
    try:
        stat = (proc_root / str(pid) / "stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


class _Kernel32:
    """The three kernel32 calls, typed, with the real last-error value."""

    def __init__(self) -> None:
        import ctypes
        from ctypes import wintypes

        self._ctypes = ctypes
        dll = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
        dll.OpenProcess.restype = wintypes.HANDLE
        dll.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
        dll.GetExitCodeProcess.restype = wintypes.BOOL
        dll.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
        dll.CloseHandle.argtypes = (wintypes.HANDLE,)
        self.OpenProcess = dll.OpenProcess
        self.GetExitCodeProcess = dll.GetExitCodeProcess
        self.CloseHandle = dll.CloseHandle

    def GetLastError(self) -> int:
        return int(self._ctypes.get_last_error())  # type: ignore[attr-defined,unused-ignore]


def _windows_alive(pid: int, kernel32: Any = None) -> bool:
    import ctypes

    k = kernel32 if kernel32 is not None else _Kernel32()
    handle = k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        # Access denied: it exists but is someone else's. Anything else: no such process.
        return bool(k.GetLastError() == ERROR_ACCESS_DENIED)
    try:
        code = ctypes.c_ulong(0)
        if not k.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == STILL_ACTIVE
    finally:
        k.CloseHandle(handle)
