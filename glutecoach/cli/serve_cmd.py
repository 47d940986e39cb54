"""``glutecoach serve``: the app in a browser (a phone or tablet), the browser speaking."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import socket
import sys
from typing import Any

from glutecoach.errors import UserError

DEFAULT_PORT = 8000


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "serve",
        help="follow a workout in a browser, on a phone or tablet",
        description="Serve the app to a web browser. Prints one address with a secret token; "
        "anything without the token is refused. The browser speaks the cues (tap to turn "
        "the voice on); this machine stays silent unless --voice-here.",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 lets a "
        "phone on the same network in, with the token)",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8000)")
    p.add_argument(
        "--voice-here",
        action="store_true",
        help="also speak the cues on this machine",
    )
    p.set_defaults(func=cmd_serve)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str | None:
    """This machine's address on its network, as a phone beside it would reach it.

    Connecting a UDP socket sends nothing; it only asks the OS which interface it would use.
    """
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("10.254.254.254", 1))
        address = str(s.getsockname()[0])
        if not ipaddress.ip_address(address).is_loopback:
            return address
    return None


def _url(host: str, port: int, path: str) -> str:
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}{path}"


def announce(serving: Any, host: str, out: Any = sys.stdout, err: Any = sys.stderr) -> None:
    port = serving.port
    path = serving.path()
    if is_loopback(host):
        print(f"glutecoach is served at {_url(host, port, path)}", file=out)
        print(
            f"From another computer: ssh -L {port}:127.0.0.1:{port} {socket.gethostname()}, "
            f"then open {_url('127.0.0.1', port, path)}",
            file=out,
        )
    else:
        where = lan_address() if host in ("0.0.0.0", "::") else host
        print(f"glutecoach is served at {_url(where or host, port, path)}", file=out)
        print(
            f"glutecoach: warning: listening on {host}, so anyone on this network can reach "
            "this port. Only the address above (with its token) gets in, but the connection "
            "is not encrypted: use it on a network you trust.",
            file=err,
        )
    print("The browser speaks the cues: tap “Tap to turn the voice on” there.", file=out)
    print("Press Ctrl+C to stop.", file=out, flush=True)


def cmd_serve(args: argparse.Namespace) -> int:
    import asyncio

    from glutecoach.web.guard import new_token

    if not 0 <= args.port <= 65535:
        raise UserError(f"--port {args.port} is not a port number (0-65535)")
    token = new_token()
    return asyncio.run(_serve(args.host, args.port, token, args.voice_here))


async def _serve(host: str, port: int, token: str, voice_here: bool) -> int:
    import asyncio
    import signal

    from glutecoach.web import server

    local_voice = _local_voice() if voice_here else None
    try:
        serving = await server.start(host=host, port=port, token=token, local_voice=local_voice)
    except OSError as exc:
        raise UserError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
            "try another --port, or check that nothing else uses it"
        ) from None
    announce(serving, host)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C raises instead
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await serving.close()
        if local_voice is not None:
            local_voice.close(drain=0, wait=True)
    return 0


def _local_voice() -> Any:
    from glutecoach.store import open_store
    from glutecoach.voice.facade import make_voice

    store = open_store(history=False)
    try:
        settings = store.settings.value
    finally:
        store.close()
    return make_voice(
        "speech", settings, on_notice=lambda text: print(f"glutecoach: {text}", file=sys.stderr)
    )
