"""Folding and normalising names, e-mails and phone numbers (pure functions)."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email


def fold(text: str | None) -> str:
    """Lower-case, accents removed, whitespace collapsed: 'María  José' -> 'maria jose'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Letters that NFKD does not split (ß, ø, ł, æ) still deserve a plain spelling.
    stripped = stripped.translate(str.maketrans({"ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
                                                 "æ": "ae", "Æ": "ae", "œ": "oe", "đ": "d"}))
    return re.sub(r"\s+", " ", stripped).strip().casefold()


def normalise_email(value: str) -> str:
    """A valid e-mail, lower-cased; raises ValueError naming the value otherwise."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as e:
        raise ValueError(f"not a valid e-mail address: {value!r} ({e})") from None


def normalise_phone(value: str, region: str | None = None) -> str:
    """E.164 ('+5511274784300'); raises ValueError naming the value otherwise."""
    try:
        number = phonenumbers.parse(value, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise ValueError(
            f"not a phone number: {value!r} (write it with its country code, like +49 30 1234567)"
        ) from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"not a valid phone number: {value!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def split_bullets(text: str) -> list[str]:
    """The talking points of a note: its lines that start with '- ' (or '* ')."""
    points = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped[:2] in ("- ", "* ", "• ") and stripped[2:].strip():
            points.append(stripped[2:].strip())
    return points


def shell_arg(text: str) -> str:
    """`text` as one shell word, double-quoted when needed (readable in a suggested command)."""
    if re.fullmatch(r"[\w@%+=:,./-]+", text):
        return text
    escaped = re.sub(r'(["\\$`])', r"\\\1", text)
    return f'"{escaped}"'
