"""The user's settings (``config.toml``). The dataclass is the contract every front end uses."""

from __future__ import annotations

from dataclasses import dataclass, field

VOICE_MODES = ("auto", "speech", "relay", "captions", "off")


@dataclass
class Settings:
    voice: str = "auto"  # one of VOICE_MODES
    voice_id: str = ""  # the engine's voice id; "" = the engine's default
    rate: int = 170  # words per minute
    volume: float = 1.0  # 0.0-1.0
    muted: bool = False
    bell: bool = False  # BEL on countdown seconds and step changes
    notify: bool = False  # OSC 9 / OSC 777 desktop notifications on step changes
    lead_in: int | None = None  # seconds; None = what the routine says
    default_tempo: float | None = None  # seconds per rep; None = the catalog's
    theme: str = "glutecoach-dark"
    equipment: list[str] = field(default_factory=lambda: ["band", "weight"])
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> keys, to remap
