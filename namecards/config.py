"""The user's own settings (their name and signature for letters), in config.json."""

from __future__ import annotations

import json

from namecards import NamecardsError, UsageError
from namecards.home import config_dir, ensure_private_dir
from namecards.store import write_private_file

KEYS = {
    "name": "your name, as letters are signed",
    "signature": "the closing lines of your letters (defaults to your name)",
    "email": "your e-mail address, the From of .eml drafts",
}


def load_config() -> dict:
    path = config_dir() / "config.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NamecardsError(f"{path}: not valid JSON; fix or delete it") from None
    return data if isinstance(data, dict) else {}


def set_config(key: str, value: str) -> dict:
    if key not in KEYS:
        raise UsageError(f"unknown setting {key!r}; settings: {', '.join(KEYS)}")
    data = load_config()
    data[key] = value
    path = ensure_private_dir(config_dir()) / "config.json"
    if path.exists():
        path.unlink()
    write_private_file(path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    return data
