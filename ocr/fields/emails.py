"""E-mail addresses: found after light repairs, validated without DNS; and what an e-mail's
local part says about the name beside it."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from . import lexicon, repair
from .lexicon import fold

EMAIL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def find_emails(text: str) -> list[tuple[str, int, int]]:
    out = []
    for m in EMAIL_RE.finditer(repair.email_text(text)):
        cand = m.group(0).rstrip(".-")
        try:
            v = validate_email(cand, check_deliverability=False)
        except EmailNotValidError:
            continue
        out.append((v.normalized.lower(), m.start(), m.end()))
    return out


_IL = str.maketrans({"i": "l", "1": "l", "I": "l"})


def from_name(email: str, given: str, family: str) -> str:
    """An i/l/1 slip in an e-mail's local part mended when the name spells it ("ischroder")."""
    local, _, domain = email.partition("@")
    g, f = fold(given), fold(family)
    if not g or not f:
        return email
    for c in (f"{g}.{f}", f"{g}{f}", f"{g[0]}{f}", f"{g[0]}.{f}", g, f, f"{g}_{f}", f"{g}-{f}",
              f"{f}.{g}", f"{f}{g[0]}"):
        if c != local and len(c) == len(local) and c.translate(_IL) == local.translate(_IL):
            return f"{c}@{domain}"
    return email


def mend_name(given: str, family: str, locals_: list[str]) -> tuple[str, str] | None:
    """A shaky name reading mended from an e-mail that spells it out ("Cam a Ol iveira" with
    camila.oliveira@…): only a given.family local part, one part folding equal to the name's
    word and the other one or two letters from it; a word with accents is never replaced."""
    g, f = fold(given), fold(family)
    for loc in locals_:
        parts = [fold(p) for p in re.split(r"[._-]", loc)]
        if len(parts) != 2 or (g, f) == tuple(parts):
            continue
        new = []
        for word, part in ((given, parts[0]), (family, parts[1])):
            fw = fold(word)
            if fw == part:
                new.append(word)
            elif word.isascii() and len(part) >= 4 and 0 < Levenshtein.distance(fw, part) <= 2:
                new.append(part.upper() if word.isupper() else part.capitalize())
            else:
                break
        if len(new) == 2 and (new[0] == given) != (new[1] == family):
            return new[0], new[1]
    return None


def supports(given: str, family: str, locals_: list[str]) -> float:
    """How well a name matches an e-mail's local part: 1 = clearly the same person."""
    g, f = fold(given), fold(family)
    best = 0.0
    for loc in locals_:
        lp = fold(loc)
        if not lp or lp in lexicon.ROLE_MAILBOXES:
            continue
        if f and len(f) >= 3 and f in lp:
            best = max(best, 1.0 if (g and (g in lp or lp.startswith(g[0]))) else 0.8)
        elif g and len(g) >= 3 and (lp == g or lp.startswith(g)):
            best = max(best, 0.8)
        else:
            r = fuzz.partial_ratio(lp, g + f) / 100
            if r >= 0.8 and len(lp) >= 4:
                best = max(best, 0.6 * r)
    return best
