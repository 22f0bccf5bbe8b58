"""JSON export of everything about the contacts, and the matching importer."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from namecards.formats import FormatError, decode_text

FORMAT_NAME = "namecards"
FORMAT_VERSION = 1
_BYTES_KEYS = ("photo_bytes",)


def _default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "__fspath__"):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def contacts_to_json(contacts: list[dict]) -> str:
    """``{"format": "namecards", "version": 1, "contacts": [...]}`` with every field as given;
    dates become ISO strings and ``photo_bytes`` base64."""
    doc = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "contacts": list(contacts)}
    try:
        return json.dumps(doc, ensure_ascii=False, indent=2, default=_default) + "\n"
    except (TypeError, ValueError) as exc:
        raise FormatError(f"cannot write JSON: {exc}") from None


def parse_json(data: bytes | str, source: str = "JSON") -> tuple[list[dict], list[str]]:
    """Read a namecards JSON export (or a bare list of contact dicts)."""
    text = decode_text(data, source)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{source}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if isinstance(doc, dict):
        if doc.get("format") not in (None, FORMAT_NAME) or not isinstance(
            doc.get("contacts"), list
        ):
            raise FormatError(f'{source}: not a namecards JSON export (no "contacts" list)')
        if isinstance(doc.get("version"), int) and doc["version"] > FORMAT_VERSION:
            raise FormatError(
                f"{source}: written by a newer namecards (format version {doc['version']})"
            )
        items = doc["contacts"]
    elif isinstance(doc, list):
        items = doc
    else:
        raise FormatError(f"{source}: not a namecards JSON export")
    contacts, errors = [], []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            errors.append(f"{source}: record {number}: not a contact object")
            continue
        contact = dict(item)
        for key in ("emails", "phones", "urls", "tags", "events", "notes", "talking_points"):
            if contact.get(key) is None:
                contact[key] = []
            elif not isinstance(contact[key], list):
                errors.append(f"{source}: record {number}: {key!r} should be a list")
                contact = None
                break
        if contact is None:
            continue
        for key in _BYTES_KEYS:
            if isinstance(contact.get(key), str):
                try:
                    contact[key] = base64.b64decode(contact[key], validate=True)
                except (binascii.Error, ValueError):
                    errors.append(f"{source}: record {number}: {key} is not base64; dropped")
                    contact[key] = None
        if not (
            contact.get("full_name")
            or contact.get("given_name")
            or contact.get("company")
            or contact.get("emails")
            or contact.get("phones")
        ):
            errors.append(f"{source}: record {number}: no name, e-mail, phone or company")
            continue
        contacts.append(contact)
    return contacts, errors


__all__ = ["contacts_to_json", "parse_json"]
