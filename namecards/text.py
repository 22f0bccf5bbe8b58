"""Folding and normalising names, e-mails and phone numbers (pure functions)."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and a combining mark. The
# search index folds them too (store.schema.fold_sql): a change here needs a migration that
# rebuilds it, as m016 did.
PLAIN_LETTERS = {
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
    "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th",
    "ı": "i", "ŀ": "l", "Ŀ": "l", "ħ": "h", "Ħ": "h",
}
_PLAIN_LETTERS = str.maketrans(PLAIN_LETTERS)


def fold_letters(text: str) -> str:
    """Lower-case, accents and special letters plain, spacing untouched: "Đorđe Groß" ->
    "dorde gross". The one fold: names, search, resolution, duplicates and drill grading all
    compare through it, so what matches in one place matches in all."""
    if text.isascii():  # nothing to decompose or replace; an import folds every note
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN_LETTERS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_PLAIN_LETTERS).casefold()


_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """`fold_letters` with whitespace collapsed: 'María  José' -> 'maria jose'."""
    if not text:
        return ""
    return _SPACES.sub(" ", fold_letters(text)).strip()


# Legal forms dropped before comparing names, so "Acme Robotics GmbH" is "Acme Robotics".
_LEGAL = {
    "inc", "incorporated", "llc", "ltd", "limited", "plc", "gmbh", "ag", "sa", "sas", "sarl",
    "srl", "spa", "bv", "nv", "ab", "as", "oy", "kk", "co", "corp", "corporation", "company",
    "pty", "lp", "llp", "se", "ltda", "eireli", "me",
}


def company_key(name: str | None) -> str:
    """A company name folded for matching: accents, case, punctuation and legal forms dropped."""
    # "S.A." is "sa": dots inside a word go, other punctuation separates words.
    words = [w.replace(".", "") for w in re.sub(r"[^\w\s&.]", " ", fold(name)).split()]
    words = [w for w in words if w]
    while len(words) > 1 and words[-1] in _LEGAL:
        words.pop()
    return " ".join(words)


def normalise_email(value: str) -> str:
    """A valid e-mail, lower-cased; raises ValueError naming the value otherwise."""
    # Imported here: every command folds names, few read an e-mail (0.1 s at start-up).
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as e:
        raise ValueError(f"not a valid e-mail address: {value!r} ({e})") from None


def normalise_phone(value: str, region: str | None = None) -> str:
    """E.164 ('+5511274784300'); raises ValueError naming the value otherwise."""
    import phonenumbers

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
