"""The user's own settings (their name and signature for letters), in config.json."""

from __future__ import annotations

import json
import re

from namecards import NamecardsError, UsageError
from namecards.drilling.settings import DrillSettings
from namecards.home import config_dir, ensure_private_dir
from namecards.outputs import write_output

KEYS = {
    "name": "your name, as letters are signed",
    "signature": "the closing lines of your letters (defaults to your name)",
    "email": "your e-mail address, the From of .eml drafts",
    "desired_retention": "how sure the drill keeps you of each card, 0.70-0.99 (default 0.9)",
    "new_per_day": "new drill cards a day at most (default 20)",
    "reviews_per_day": "reviews a day at most (default 200)",
}
NUMBERS = {"desired_retention": float, "new_per_day": int, "reviews_per_day": int}
# Values that end up in one line (a From: or a greeting): a line break in the name would split
# every .eml draft's header in two.
ONE_LINE = {"name", "email"}
_LINE_BREAK = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def load_config() -> dict:
    path = config_dir() / "config.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NamecardsError(f"{path}: not valid JSON; fix or delete it") from None
    return data if isinstance(data, dict) else {}


def _checked_text(key: str, value: str) -> str:
    """The value to store for a text setting; refuses what would break a letter."""
    value = value.strip() if key in ONE_LINE else value.replace("\r\n", "\n").strip("\n")
    if key in ONE_LINE and _LINE_BREAK.search(value):
        raise UsageError(f"{key} must be one line: it goes into every letter's header")
    if _CONTROL.search(value.replace("\n", "").replace("\t", "")):
        raise UsageError(f"{key} holds a control character (an escape code?): type it again")
    if key == "email" and value:
        from namecards.text import normalise_email

        try:
            value = normalise_email(value)
        except ValueError as e:
            raise UsageError(str(e)) from None
    return value


def set_config(key: str, value: str) -> dict:
    if key not in KEYS:
        raise UsageError(f"unknown setting {key!r}; settings: {', '.join(KEYS)}")
    data = load_config()
    if key in NUMBERS:
        try:
            data[key] = NUMBERS[key](value)
        except ValueError:
            raise UsageError(f"{key} takes a number, not {value!r}") from None
    else:
        data[key] = _checked_text(key, value)
    DrillSettings.from_mapping(data)  # refuse a value the drill could not use
    path = ensure_private_dir(config_dir()) / "config.json"
    write_output(path, json.dumps(data, ensure_ascii=False, indent=2))
    return data


def drill_settings(overrides: dict | None = None) -> DrillSettings:
    """The settings in config.json, with `overrides` (e.g. a command-line option) on top."""
    data = {**load_config(), **{k: v for k, v in (overrides or {}).items() if v is not None}}
    return DrillSettings.from_mapping(data)
