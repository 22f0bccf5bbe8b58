"""Exchange formats for namecards: pure functions over plain contact dicts.

Every parser returns ``(contacts, errors)``: the records it could read and one-line messages
for the ones it could not.  A file that cannot be read at all raises :class:`FormatError`.
Nothing here touches the database, the terminal or the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from namecards.errors import FormatError  # noqa: F401 (formats raise it)

# "{{key phrase}}" in a talking point marks the phrase to hide in a cloze card.  Only tight braces
# count: "{{ spaced }}" (template-looking text someone typed) stays literal everywhere.
CLOZE_RE = re.compile(r"\{\{(?!\s)([^{}]*?[^\s{}])\}\}")

CLOZE_GAP = "[…]"


def cloze(text: str) -> tuple[str, list[str]]:
    """("biggest customer is […]", ["the city of Lyon"]) for a fact with a key phrase."""
    phrases = CLOZE_RE.findall(text)
    return CLOZE_RE.sub(CLOZE_GAP, text), phrases


def strip_cloze(text: str) -> str:
    """Remove cloze markers: "moved to {{Rust}}" -> "moved to Rust"."""
    return CLOZE_RE.sub(lambda m: m.group(1), text)


@dataclass
class Record:
    """One record read from a file by a streaming reader: the `contact` dict, or why there is
    none (`skipped`: nothing to import, like a row without a name; `error`: unreadable), plus
    `warnings` about what was read (a photo left out). `number` is the record's line (vCard)
    or row (CSV) in the file, for messages."""

    number: int
    contact: dict | None = None
    skipped: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def decode_text(data: bytes | str, source: str = "input") -> str:
    """Decode file bytes as UTF-8 (with or without BOM), falling back to cp1252.

    Raises FormatError for empty or binary data (NUL bytes or mostly control characters).
    """
    if isinstance(data, str):
        text = data
    else:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise FormatError(f"{source}: expected bytes or text, got {type(data).__name__}")
        raw = bytes(data)
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                text = raw.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise FormatError(f"{source}: not readable as UTF-16 text") from exc
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    text = raw.decode("cp1252")
                except UnicodeDecodeError as exc:
                    raise FormatError(f"{source}: not a text file (undecodable bytes)") from exc
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise FormatError(f"{source}: the file is empty")
    if "\x00" in text:
        raise FormatError(f"{source}: not a text file (it contains binary data)")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > max(2, len(text) // 50):
        raise FormatError(f"{source}: not a text file (it contains binary data)")
    return text


def contact_display_name(contact: dict) -> str:
    """The name to show for a contact: full name, else given + family, else company."""
    full = (contact.get("full_name") or "").strip()
    if full:
        return full
    parts = [contact.get("given_name") or "", contact.get("family_name") or ""]
    joined = " ".join(p.strip() for p in parts if p and p.strip())
    return joined or (contact.get("company") or "").strip()


__all__ = ["CLOZE_GAP", "CLOZE_RE", "cloze", "FormatError", "Record", "contact_display_name", "decode_text", "strip_cloze"]
