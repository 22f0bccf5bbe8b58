"""The user's key remapping: binding id -> keys, from keymap.toml (or keymap.json) in the config dir.

    # ~/.config/namecards/keymap.toml
    "contacts.add" = "plus"
    "app.contacts" = "f3,ctrl+o"

`?` in the app lists every binding of the current screen with its id.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from namecards.home import config_dir


def keymap_path() -> Path:
    folder = config_dir()
    toml = folder / "keymap.toml"
    return toml if toml.exists() or not (folder / "keymap.json").exists() else folder / "keymap.json"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str | None]:
    """(keymap, problem): an empty keymap and a one-line reason when the file is unusable."""
    path = path or keymap_path()
    if not path.exists():
        return {}, None
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as e:
        return {}, f"{path}: not used ({e})"
    # Either flat {"id": "keys"} or under a [keys] table.
    data = data.get("keys", data) if isinstance(data, dict) else {}
    keymap = {str(k): ", ".join(v) if isinstance(v, list) else str(v)
              for k, v in data.items() if isinstance(v, (str, list))}
    return {k: v.replace(" ", "") for k, v in keymap.items()}, None
