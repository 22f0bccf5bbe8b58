"""JSON export of everything about the contacts, and the matching importer.

Our JSON is the full-fidelity exchange format: each contact as `namecards show --json` prints
it (fields, e-mails, phones, URLs, LinkedIn, tags, events with roles and follow-ups, notes,
talking points, removed points, letters with their text) and, on request, `drill_history`
(every drill card's schedule and reviews). Version 2 added the event names beside event ids,
letter bodies and drill history; version 1 files are still read.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from namecards.formats import FormatError, Record, decode_text

FORMAT_NAME = "namecards"
FORMAT_VERSION = 2
# Fields that hold one line of text (or nothing), and lists of objects or text.
TEXT_FIELDS = ("uid", "full_name", "given_name", "family_name", "name_source", "alt_name", "pronunciation",
               "mnemonic", "title", "company", "website", "address", "created", "updated",
               "last_contacted", "connected_on")
LIST_FIELDS = ("emails", "phones", "urls", "linkedin", "tags", "events", "notes",
               "talking_points", "removed_points", "letters", "drill_history")
# In each list's objects, the key that must hold text.
_ITEM_TEXT = {"emails": "value", "phones": "value", "urls": "value", "events": "name",
              "notes": "text", "talking_points": "text", "removed_points": "text",
              "letters": "body", "drill_history": "kind"}
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
    """``{"format": "namecards", "version": 2, "contacts": [...]}`` with every field as given;
    dates become ISO strings and ``photo_bytes`` base64."""
    doc = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "contacts": list(contacts)}
    try:
        return json.dumps(doc, ensure_ascii=False, indent=2, default=_default) + "\n"
    except (TypeError, ValueError) as exc:
        raise FormatError(f"cannot write JSON: {exc}") from None


def _load(data: bytes | str, source: str) -> list:
    text = decode_text(data, source)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{source}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise FormatError(f"{source}: nested too deeply to be a namecards export") from None
    if isinstance(doc, dict):
        if doc.get("format") not in (None, FORMAT_NAME) or not isinstance(
            doc.get("contacts"), list
        ):
            raise FormatError(f'{source}: not a namecards JSON export (no "contacts" list)')
        version = doc.get("version")
        if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
            raise FormatError(f"{source}: the format version should be a number, not {version!r}")
        if isinstance(version, int) and version > FORMAT_VERSION:
            raise FormatError(
                f"{source}: written by a newer namecards (format version {version}; this one "
                f"reads up to {FORMAT_VERSION}): upgrade namecards to import it"
            )
        return doc["contacts"]
    if isinstance(doc, list):
        return doc
    raise FormatError(f"{source}: not a namecards JSON export")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _check(contact: dict) -> str | None:
    """What is wrong with a record's types, in words, or None."""
    for key in TEXT_FIELDS:
        value = contact.get(key)
        if value is not None and not isinstance(value, str):
            return f"{key!r} should be text, not {_kind(value)}"
    for key in LIST_FIELDS:
        value = contact.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            return f"{key!r} should be a list, not {_kind(value)}"
        for number, item in enumerate(value, 1):
            if isinstance(item, str) and key not in ("letters", "drill_history"):
                continue
            if not isinstance(item, dict):
                return f"{key!r} item {number} should be an object or text, not {_kind(item)}"
            field = _ITEM_TEXT.get(key)
            if field and not isinstance(item.get(field), str):
                return (f"{key!r} item {number}: {field!r} should be text, "
                        f"not {_kind(item.get(field))}")
            for inner, inner_value in item.items():
                if isinstance(inner_value, (dict, list)) and not (
                        key == "drill_history" and inner in ("reviews", "fsrs_state")):
                    return f"{key!r} item {number}: {inner!r} should not be {_kind(inner_value)}"
    return None


def iter_json(data: bytes | str, source: str = "JSON") -> Iterator[Record]:
    """Read a namecards JSON export (or a bare list of contact dicts), one Record per contact:
    a record whose fields have the wrong types is an error naming the field."""
    for number, item in enumerate(_load(data, source), 1):
        if not isinstance(item, dict):
            yield Record(number, error=f"{source}: record {number}: not a contact object")
            continue
        problem = _check(item)
        if problem:
            yield Record(number, error=f"{source}: record {number}: {problem}")
            continue
        contact = dict(item)
        for key in LIST_FIELDS:
            if contact.get(key) is None:
                contact[key] = []
        warnings = []
        for key in _BYTES_KEYS:
            if isinstance(contact.get(key), str):
                try:
                    contact[key] = base64.b64decode(contact[key], validate=True)
                except (binascii.Error, ValueError):
                    warnings.append(f"{source}: record {number}: {key} is not base64; dropped")
                    contact[key] = None
        if not (
            contact.get("full_name")
            or contact.get("given_name")
            or contact.get("company")
            or contact.get("emails")
            or contact.get("phones")
        ):
            yield Record(number, error=f"{source}: record {number}: no name, e-mail, phone or "
                                       "company")
            continue
        yield Record(number, contact=contact, warnings=warnings)


def parse_json(data: bytes | str, source: str = "JSON") -> tuple[list[dict], list[str]]:
    """Read a namecards JSON export (or a bare list of contact dicts): (contacts, errors)."""
    contacts, errors = [], []
    for record in iter_json(data, source):
        if record.contact is not None:
            contacts.append(record.contact)
        errors += ([record.error] if record.error else []) + record.warnings
    return contacts, errors


__all__ = ["FORMAT_VERSION", "contacts_to_json", "iter_json", "parse_json"]
