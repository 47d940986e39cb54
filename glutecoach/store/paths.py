"""Every place glutecoach reads or writes, in one module.

Nothing here touches the disk at import time: the ``*_dir()`` functions only compute
paths; ``ensure()`` creates a directory when a caller is about to write into it.
``GLUTECOACH_HOME`` puts everything directly under one folder (tests, portable use).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "glutecoach"
HOME_ENV = "GLUTECOACH_HOME"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    home = _home()
    return home if home else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    home = _home()
    return home if home else Path(platformdirs.user_data_dir(APP_NAME))


def routines_dir() -> Path:
    return config_dir() / "routines"


def themes_dir() -> Path:
    return config_dir() / "themes"


def cache_dir() -> Path:
    """Throw-away files (rendered speech); safe to delete at any time."""
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / "config.toml"


def history_file() -> Path:
    return data_dir() / "history.db"


def ensure(path: Path, mode: int = 0o755) -> Path:
    """Create ``path`` (a directory) and its parents if missing; return it."""
    path.mkdir(parents=True, exist_ok=True, mode=mode)
    return path


LOCATIONS = {
    "config": config_dir,
    "data": data_dir,
    "routines": routines_dir,
    "themes": themes_dir,
}
