"""Word lists as data: each file in ocr/data says where it comes from (see docs/ocr.md)."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def fold(s: str) -> str:
    """Lowercase ASCII letters and digits only, for comparing OCR text with lexicons, e-mails
    and domains ("Jürgen Groß" → "jurgengross")."""
    table = {"ß": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "œ": "oe", "ı": "i"}
    s = "".join(table.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if c.isascii() and c.isalnum()).lower()


def _rows(name: str) -> list[list[str]]:
    text = (DATA / name).read_text("utf-8")
    return [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@functools.lru_cache(maxsize=1)
def given_names() -> dict[str, int]:
    """Folded given name → how many people got it (US SSA, 1880-2017)."""
    # The files hold lowercase ASCII names (build_lexicons.py writes them so): no folding.
    return {name: int(n) for name, n in _rows("given_names.txt")}


@functools.lru_cache(maxsize=1)
def surnames() -> dict[str, float]:
    """Folded surname → frequency per 100,000 (US Census 1990)."""
    return {name: float(f) for name, f in _rows("surnames.txt")}


@functools.lru_cache(maxsize=1)
def title_words() -> dict[str, str]:
    """Folded word of job titles → "head" (names a role) or "modifier"."""
    out: dict[str, str] = {}
    for row in _rows("title_words.txt"):
        word, kind = row[0], row[1]
        if out.get(fold(word)) != "head":
            out[fold(word)] = kind
    return out


@functools.lru_cache(maxsize=1)
def tlds() -> frozenset[str]:
    return frozenset(r[0].strip() for r in _rows("tlds.txt"))


@functools.lru_cache(maxsize=1)
def street_types() -> tuple[frozenset[str], tuple[str, ...]]:
    """(whole words, ends of compound words) that name a street."""
    words, ends = set(), []
    for (w,) in _rows("street_types.txt"):
        if w.startswith("@"):
            ends.append(w[1:])
        else:
            words.add(w)
    return frozenset(words), tuple(ends)


@functools.lru_cache(maxsize=1)
def organisation_words() -> frozenset[str]:
    return frozenset(fold(r[0]) for r in _rows("organisation_words.txt"))


@functools.lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    return {name: code for name, code in _rows("countries.txt")}


@functools.lru_cache(maxsize=1)
def legal_forms() -> tuple[frozenset[str], frozenset[str]]:
    """Company legal forms from cleanco's term list, normalised (lowercase, no dots, no
    spaces): (unambiguous ones, short ones that are also common words or name parts —
    "as", "ag", "sa", "co", "da" — which count only printed as a form: capitals or dots)."""
    from cleanco.termdata import terms_by_country, terms_by_type

    terms = {t for ts in terms_by_type.values() for t in ts}
    terms |= {t for ts in terms_by_country.values() for t in ts}
    norm = {re.sub(r"[\s.]", "", t.lower()) for t in terms} - {""}
    norm |= {"pvtltd", "pvt", "sdnbhd", "bsc", "bscc", "llc", "fzco", "fze", "fzllc", "wll"}
    # Short forms and those that are also title words ("cio") count only printed as a form.
    short = {t for t in norm if len(t) <= 2 or t in title_words() or t in {"ans", "ent", "dat"}}
    return frozenset(norm - short), frozenset(short)


NAME_PARTICLES = frozenset(
    "de da das do dos del della di du la le van von der den ter ten y e bin binti al el zu "
    "st ibn abu".split()
)
HONORIFICS = frozenset(
    "dr dr. prof prof. mr mr. mrs mrs. ms ms. mx mx. sir dame ing. dipl.-ing. mag. lic. eng. "
    "capt capt. prop. prop".split()
)
DEGREES = re.compile(
    r"^(?:d\.?m\.?d\.?|d\.?d\.?s\.?|m\.?d\.?|ph\.?\s?d\.?|mba|m\.?b\.?a\.?|p\.?e\.?|cpa|esq\.?|"
    r"jr\.?|sr\.?|ii|iii|iv|rn|msc|m\.?sc\.?|bsc|b\.?sc\.?|ma|ba|llm|ll\.?m\.?|cfa|pmp|dvm|"
    r"d\.?o\.?|j\.?d\.?|faia|aia|frcs|mrcs)$",
    re.I,
)
# Words of a sentence (a slogan), which neither a name nor a job title contains (not "can":
# a Turkish given name).
SENTENCE_WORDS = frozenset(
    "we you your our is are will since that which every everyone today tomorrow its".split()
)
FREE_MAIL = frozenset(
    "gmail googlemail yahoo hotmail outlook live icloud me web gmx aol mail yandex qq 163 "
    "rediffmail proton protonmail".split()
)
ROLE_MAILBOXES = frozenset(
    "info office contact hello sales support mail admin enquiries inquiries team service "
    "marketing hr jobs careers".split()
)
