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
