"""Where a user's data lives: the data home holding namecards.db and cards/."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_HOME = "NAMECARDS_HOME"


def resolve_home(home: str | os.PathLike | None = None) -> Path:
    """The data home: the --home argument, else $NAMECARDS_HOME, else the platform's data dir."""
    if home:
        return Path(home).expanduser()
    if os.environ.get(ENV_HOME):
        return Path(os.environ[ENV_HOME]).expanduser()
    return Path(platformdirs.user_data_dir("namecards", appauthor=False))


def config_dir() -> Path:
    """The user's config dir (templates, keymap, sender name); $NAMECARDS_CONFIG overrides."""
    if os.environ.get("NAMECARDS_CONFIG"):
        return Path(os.environ["NAMECARDS_CONFIG"]).expanduser()
    return Path(platformdirs.user_config_dir("namecards", appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create a directory readable by its owner only (contact data is private)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        path.chmod(0o700)
    except OSError:
        pass
    return path
