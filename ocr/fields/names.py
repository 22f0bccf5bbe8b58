"""People's names: parsed with nameparser, recognised by what they are — given names and
surnames people have (ocr/data), capitals, no role or company words — never by the words a
card prints around them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nameparser import HumanName

from . import lexicon, repair, titles
from .lexicon import DEGREES, HONORIFICS, NAME_PARTICLES, fold


@dataclass
class NameParts:
    full: str
    given: str
    family: str
    honorific: str | None
    suffix: str | None


def nice_case(name: str) -> str:
    """Title-case a name printed ALL CAPS or lowercase; keep accents, particles and Mc/O'."""
    out = []
    for i, tok in enumerate(name.split()):
        low = tok.lower()
        if i > 0 and low in NAME_PARTICLES:
            out.append(low)
            continue
        parts = re.split(r"([-'])", low)
        cased = "".join(p[:1].upper() + p[1:] if p not in "-'" else p for p in parts)
        if re.match(r"^Mc[a-z]", cased):
            cased = "Mc" + cased[2].upper() + cased[3:]
        out.append(cased)
    return " ".join(out)


def _needs_case(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and (all(c.isupper() for c in letters) or all(c.islower() for c in letters))


def split_name(text: str) -> NameParts | None:
    """Parse a line as a person's name; None when it cannot be one (digits, @, a legal form,
    too few or too many words). A line that fails but has a comma is tried without its last
    part: a degree garbled by an icon beside it ("CÉLINE FONTAINE, D.M.DJ™")."""
    from .companies import legal_form_at_end

    got = _split(text)
    if got is None and "," in text and not legal_form_at_end(text):
        head = text.rsplit(",", 1)[0]
        got = _split(head) if head.strip() else None
    return got


def _split(text: str) -> NameParts | None:
    from .companies import legal_form_at_end

    t = repair.clean(text).strip(" ,|")
    t = re.sub(r"\b([A-Z])\.(?=[A-Z][a-z])", r"\1. ", t)  # "Majd S.Wehbeh": a space lost
    if not t or "@" in t or sum(c.isdigit() for c in t) > 2:
        return None
    suffix = None
    # Tokens of the degree tail are separated by a space or comma: with both optional the
    # pattern could split a long word in exponentially many ways (an 18 s hang on a title).
    m = re.match(r"^(.*?)[,\s]+((?:[A-Za-z.]{2,8}(?:\s*,\s*|\s+))*[A-Za-z.]{2,8})[\s,]*$", t) \
        if "," in t else None
    if m:
        tail = [x for x in re.split(r"[,\s]+", m.group(2)) if x]
        if tail and all(DEGREES.match(x) for x in tail):
            suffix = ", ".join(tail)
            t = m.group(1).strip(" ,")
    if suffix is None:
        toks = t.split()
        tail = []
        while len(toks) > 2 and DEGREES.match(toks[-1].strip(",")) and not toks[-1].islower():
            tail.insert(0, toks.pop().strip(","))
        if tail:
            suffix = ", ".join(tail)
            t = " ".join(toks).strip(" ,")
    honorific = None
    toks = t.split()
    while toks and toks[0].lower() in HONORIFICS:
        h = toks.pop(0)
        honorific = (honorific + " " if honorific else "") + (
            h if h.endswith(".") or len(h) > 3 else h + "."
        )
    mixed = any(x[:1].isupper() for x in toks)
    toks = repair.glue_fragments([repair.name_word(x, mixed) for x in toks])
    if not 2 <= len(toks) <= 5:
        return None
    for tok in toks:
        if not re.fullmatch(r"[^\W\d_](?:[^\W\d_]|['.-])*\.?", tok):
            return None
    if mixed and any(x[:1].islower() and x.lower() not in NAME_PARTICLES for x in toks):
        return None  # "President and CEO", "The Science of Security": small words of a phrase
    t = " ".join(toks)
    if legal_form_at_end(t) or titles.is_sentence(t):
        return None
    cased = nice_case(t) if _needs_case(t) else t
    if honorific and _needs_case(honorific):
        honorific = honorific.capitalize()
    hn = HumanName(cased)
    given = hn.first or toks[0]
    family = hn.last or toks[-1]
    if hn.middle and hn.middle.lower() in ("ó", "o", "o'", "ní", "ni", "nic", "mac", "mc", "ui"):
        family = f"{hn.middle} {family}"
    return NameParts(cased, given, family, honorific, suffix)


def known_given(parts: NameParts) -> bool:
    """Whether the first name (initials aside) is a given name people are known to have."""
    words = [w for w in parts.full.split() if w.lower().strip(".") not in NAME_PARTICLES]
    firsts = [w for w in words[:-1] if len(w.strip(".")) > 1]
    return bool(firsts) and lexicon.given_names().get(fold(firsts[0]), 0) >= 100


def known_parts(parts: NameParts) -> bool:
    """Whether a given name or the surname of the parse is one people are known to have."""
    words = [w for w in parts.full.split() if w.lower().strip(".") not in NAME_PARTICLES]
    firsts = [w for w in words if len(w.strip(".")) > 1]
    return bool(
        (firsts and lexicon.given_names().get(fold(firsts[0]), 0) >= 100)
        or (words and fold(words[-1]) in lexicon.surnames())
    )


def person_likeness(parts: NameParts, text: str) -> float:
    """How much a parsed line looks like a person's name, by itself (about -1..1.2).

    For: a known given name first (more for common ones), a known surname last, words that
    start with a capital. Against: job-title words (unless the name parts are known names:
    "Paul Nurse"), organisation words, lowercase words that are not particles.
    """
    given_names, surnames = lexicon.given_names(), lexicon.surnames()
    words = [w for w in parts.full.split() if w.lower().strip(".") not in NAME_PARTICLES]
    firsts = [w for w in words if len(w.strip(".")) > 1]
    g = fold(firsts[0]) if firsts else ""
    f = fold(words[-1]) if words else ""
    score = 0.0
    n = given_names.get(g, 0)
    if n >= 10000:
        score += 0.6
    elif n >= 1000:
        score += 0.45
    elif n >= 100:
        score += 0.3
    if surnames.get(f, 0) >= 1:
        score += 0.25
    elif f in surnames:
        score += 0.15
    if all(w[:1].isupper() for w in words):
        score += 0.15
    elif any(w[:1].islower() for w in words):
        score -= 0.2
    # A word that people have as a name is not counted as a title word ("Can", "Grant").
    kinds = [None if (given_names.get(fold(w), 0) >= 1000 or fold(w) in surnames)
             and lexicon.title_words().get(fold(w)) != "head" else lexicon.title_words().get(fold(w))
             for w in words]
    known_name = n >= 1000 and f in surnames
    if "head" in kinds and not known_name:
        score -= 0.8
    score -= 0.3 * kinds.count("modifier") * (0.5 if known_name else 1.0)
    if any(fold(w) in lexicon.organisation_words() for w in words):
        score -= 0.8
    return score


def run_into(parts: NameParts, text: str) -> bool:
    """Whether a name of three words or more may hold words that are not the name: four names
    or more, a job-title word that is nobody's name ("Ama Owusu Brand Storyteller"), or a
    first word in capitals before a name in mixed case ("KRANICH Lena Vogt": a logo)."""
    words = [w for w in parts.full.split() if w.lower().strip(".") not in NAME_PARTICLES]
    if len(words) < 3:
        return False
    # Four names or more (initials and particles aside) are rare: more often words that follow
    # the name on its line ("Tobias Lindqvist Word Wrangler").
    if sum(len(w.strip(".")) > 1 for w in words) >= 4:
        return True
    printed = [w for w in text.split() if any(c.isalpha() for c in w)]
    if len(printed) >= 3 and printed[0].isupper() and sum(c.isalpha() for c in printed[0]) > 2 and \
            not any(w.isupper() for w in printed[1:]):
        return True
    given, surnames, table = lexicon.given_names(), lexicon.surnames(), lexicon.title_words()
    return any(table.get(fold(w)) and given.get(fold(w), 0) < 1000 and
               surnames.get(fold(w), 0) < 20 for w in words)
