"""Address lines: a street word with a number, a postcode with a place name, or a country."""

from __future__ import annotations

import functools
import re

from . import lexicon

POSTCODE = re.compile(
    r"(?:\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"  # US state + ZIP
    r"|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"  # UK
    r"|\b\d{5}-\d{3}\b"  # BR
    r"|\b\d{3}-\d{4}\b"  # JP
    r"|\b\d{2}-\d{3}\b"  # PL
    r"|\b\d{3}\s\d{2}\b"  # SE
    r"|\b\d{4,6}\b)"  # most others
)
US_STATE_ZIP = re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")


@functools.lru_cache(maxsize=1)
def _street_res() -> tuple[re.Pattern, re.Pattern]:
    words, ends = lexicon.street_types()
    alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    whole = re.compile(r"(?:^|(?<=[\s,(]))(?:" + alt + r")(?=[\s,.)]|$)", re.I)
    ends_alt = "|".join(re.escape(e) for e in sorted(ends, key=len, reverse=True))
    compound = re.compile(r"[^\W\d_]{2,}(?:" + ends_alt + r")\b", re.I)
    return whole, compound


def _words(s: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_][\w'.-]*", s)}


def has_street(text: str) -> bool:
    whole, compound = _street_res()
    return bool(whole.search(text) or compound.search(text))


def country_in(text: str) -> str | None:
    low = " " + text.lower().strip(" .") + " "
    for name, cc in lexicon.countries().items():
        if re.search(rf"[\s,]{re.escape(name)}[\s,.]", low):
            return cc
    if US_STATE_ZIP.search(text):
        return "US"
    return None


def ends_with_country(text: str) -> bool:
    low = text.lower().strip(" .")
    return any(re.search(rf"(?:^|[\s,]){re.escape(c)}$", low) for c in lexicon.countries())


STANDARD = re.compile(r"\b(?:ISO|IATF|OHSAS|EN|DIN)\s*\d{3,5}", re.I)  # "ISO 9001" logos


def is_address(text: str) -> bool:
    if STANDARD.search(text):
        return False
    if ends_with_country(text):
        return True
    if has_street(text) and re.search(r"\d", text):
        return True
    words = _words(text)
    return bool(
        POSTCODE.search(text)
        and re.search(r"[^\W\d_]{3,}", text)
        and not words & (lexicon.SENTENCE_WORDS | {"since", "est", "established", "founded"})
    )
