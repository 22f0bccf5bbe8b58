"""OCR slips mended before a field is recognised: each repair is small and local, and only
applies where the text around it says what it must be (a digit run, an e-mail, a domain)."""

from __future__ import annotations

import re

from . import lexicon

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(s: str) -> str:
    """Control characters out (they never belong on a card, nor in a terminal), typographic
    quotes and dashes plain, whitespace single."""
    s = _CONTROL.sub(" ", s)
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    s = s.replace("—", "-").replace("–", "-")
    return re.sub(r"\s+", " ", s).strip()


def pipe_to_l(s: str) -> str:
    """ "…logistics.p|", "…co.|p": a bar, "]" or "!" in a top-level domain is an l, a j or an i
    read wrong, or a speck; it becomes whichever gives a known top-level domain."""
    known = lexicon.tlds()

    def fix(m: re.Match) -> str:
        tld = m.group(1)
        if tld.strip("|!]") in known:
            return "." + tld.strip("|!]")
        for c in "lji":
            cand = re.sub(r"[|!\]]{1,2}", c, tld, count=1)
            cand = cand.replace("|", "").replace("!", "").replace("]", "")
            if cand in known:
                return "." + cand
        return m.group(0)

    return re.sub(r"\.((?=[a-z|!\]]*[|!\]])[a-z|!\]]{2,4})(?=$|\s|/)", fix, s)


def email_text(s: str) -> str:
    """Spaces around "@", "(at)", "©" for "@", commas and spaces inside the domain, a dot lost
    before a known top-level domain ("name@atelier-boreal fr")."""
    tld_alt = "|".join(sorted(lexicon.tlds(), key=len, reverse=True))
    s = re.sub(r"\s*@\s*", "@", s)
    s = re.sub(r"(?<![^\s])([a-z0-9_+-]+)\. (?=[a-z0-9._+-]*@)", r"\1.", s)  # "mariana. flores@"
    s = pipe_to_l(s)
    s = re.sub(r"\s*\(at\)\s*", "@", s, flags=re.I)
    s = s.replace("©", "@").replace("®", "@")

    def fix_domain(m: re.Match) -> str:
        return m.group(0).replace(",", ".").replace(" .", ".").replace(". ", ".")

    s = re.sub(r"@[A-Za-z0-9.,\- ]+?(?=$|\s{2}|\s\||\s[A-Z]|\s[a-z]+:)", fix_domain, s)
    s = re.sub(r"(@[A-Za-z0-9.-]+[A-Za-z0-9])\s+(" + tld_alt + r")\b", r"\1.\2", s)
    return s


def digits(s: str) -> str:
    """O→0 and l/I→1 inside number-like runs only."""

    def fix(m: re.Match) -> str:
        t = m.group(0)
        if sum(c.isdigit() for c in t) < 5:
            return t
        return t.translate(str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "L": "1"}))

    return re.sub(r"[+(]?[\dOolIL][\dOolIL\s().\-/]{6,}[\dOolIL]", fix, s)


_LETTER_FOR_DIGIT = str.maketrans({"0": "o", "1": "l", "5": "s", "6": "o", "8": "B", "3": "e"})


def name_word(tok: str, mixed_case: bool = True) -> str:
    """OCR slips inside a name word: digits for letters ("Schr6der"), "lyer" for "Iyer",
    "RIccI" for "Ricci"."""
    if any(c.isdigit() for c in tok) and sum(c.isalpha() for c in tok) >= 2 and len(tok) >= 3:
        tok = tok.translate(_LETTER_FOR_DIGIT)
    if mixed_case and re.fullmatch(r"l[b-df-hj-np-tv-z][a-z]+", tok):
        tok = "I" + tok[1:]
    if re.fullmatch(r"[A-Z](?:[a-z]|I)*[a-z](?:[a-z]|I)*", tok) and not tok.startswith(
        ("Mc", "Mac")
    ):
        tok = tok[0] + tok[1:].replace("I", "i")
    return tok


def glue_fragments(toks: list[str]) -> list[str]:
    """ "S anj ay Reddy" → "Sanjay Reddy": big, widely spaced letters read as fragments."""
    if len(toks) < 2 or all(t.islower() for t in toks):
        return toks
    out: list[str] = []
    vowels = set("aeiouyäöüåáéíóúàèìòùâêîôûãõæøœ")
    for t in toks:
        if (
            out
            and t[:1].islower()
            and t.lower() not in lexicon.NAME_PARTICLES
            and len(out[-1]) <= 4
            and out[-1][:1].isupper()
            and "." not in out[-1]
        ):
            out[-1] += t
        elif (
            out
            and len(out[-1]) >= 3
            and not (set(out[-1].lower()) & vowels)
            and "." not in out[-1]
            and t[:1].isalpha()
        ):
            out[-1] += t.lower() if out[-1][1:2].islower() else t  # "Schr Öder"
        else:
            out.append(t)
    return out


def company(t: str) -> str:
    """Leading marks off, and the legal forms OCR bends most often put right."""
    t = re.sub(r"^[^\w&]+\s*", "", t).strip(" ,|\"'")
    t = re.sub(r"[\"'`]+$", "", t).strip()
    t = re.sub(r"\bS[.,]r[.,][lI1]\.", "S.r.l.", t)
    t = re.sub(r"(?i)\bsp\. ?z ?[o0]\.? ?[o0]\.?", "Sp. z o.o.", t)
    return t
