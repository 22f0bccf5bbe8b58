"""Company names: a legal form (cleanco's list of them), the e-mail or web domain spelled out,
organisation words."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from . import lexicon
from .lexicon import fold


def legal_form_at_end(text: str) -> bool:
    """Whether the line ends with a company legal form ("GmbH", "Co., Ltd.", "S.A.", "A.Ş.").

    Short forms that are also words or name parts ("as", "sa", "co", "ag") count only when
    printed as forms: in capitals or with dots."""
    strong, short = lexicon.legal_forms()
    toks = re.findall(r"[^\s,()]+", text)
    for k in (3, 2, 1):
        if len(toks) <= k and k > 1:
            continue
        tail = toks[-k:]
        raw = "".join(tail)
        norm = re.sub(r"[\s.,]", "", raw.lower())
        norm_folded = fold(norm) if not norm.isascii() else norm
        if norm in strong or norm_folded in strong:
            return True
        if (norm in short or norm_folded in short) and ("." in raw or raw.isupper()) and \
                len(toks) > k:
            return True
    return False


def domain_match(text: str, domains: list[str]) -> float:
    """How well the line spells an e-mail or web domain (0..1)."""
    f = fold(text)
    best = 0.0
    for d in domains:
        if len(d) < 3 or not f:
            continue
        # A part of the domain ("OVERSEAS" of selioverseas) is not the company spelled out.
        r = max(fuzz.partial_ratio(d, f) if len(f) >= len(d) * 0.8 else 0, fuzz.ratio(d, f))
        if r >= 85:
            best = max(best, r / 100)
    return best


def has_organisation_word(text: str) -> bool:
    return any(fold(w) in lexicon.organisation_words() for w in text.split())


_NOT_INITIALS = frozenset({"and", "of", "the", "for", "und", "et", "y", "de"})


def initials_match(text: str, domains: list[str]) -> float:
    """Whether the line's initials begin an e-mail or web domain: companies often take their
    initials as their domain ("Gulf Prime Solution" → gpsfz.ae, "Global Star Logistics" →
    gslcn.com). Three words at least, so a person's initials do not count."""
    words = [w for w in re.findall(r"[^\W\d_]+", text) if w.lower() not in _NOT_INITIALS]
    if len(words) > 1 and legal_form_at_end(text):
        words = words[:-1]
    if not 3 <= len(words) <= 5:
        return 0.0
    initials = fold("".join(w[0] for w in words))
    return 0.9 if any(len(d) >= len(initials) and d.startswith(initials) for d in domains) else 0.0


def spells_part_of_domain(text: str, domains: list[str]) -> bool:
    """Whether the line's letters (3 or more) are a piece of a domain: one line of a logo set
    on two ("SELI" / "OVERSEAS" of seli-overseas.com, "Express" of gfsxpress.com)."""
    f = fold(text)
    return len(f) >= 3 and any(f in d or fuzz.ratio(f, d) >= 85 or
                               len(f) <= len(d) and fuzz.partial_ratio(f, d) >= 85
                               for d in domains)


def is_domain(text: str, domains: list[str]) -> bool:
    """Whether the line spells a whole domain and no more ("Blaiklock" of blaiklock.uk.com)."""
    f = fold(text)
    return bool(f) and any(fuzz.ratio(f, d) >= 95 for d in domains)


def shares_domain_word(text: str, domains: list[str]) -> bool:
    """Whether a word of the line (four letters or more) is part of a domain ("SEVEN SEAS
    LOGISTICS" of 7seas-group.com): weaker than the domain spelled out."""
    return any(len(w) >= 4 and w in d for w in map(fold, text.split()) for d in domains)
