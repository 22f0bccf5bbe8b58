"""Job titles, recognised by the words of 74,000 real titles (ocr/data/title_words.txt)."""

from __future__ import annotations

import re

from . import lexicon
from .lexicon import fold


def tokens(text: str) -> list[str]:
    return [t for t in (fold(w) for w in re.split(r"[\s,/&|()\-–]+", text)) if t]


def kind(token: str) -> str | None:
    """'head', 'modifier' or None for one folded word. A long word the list lacks that ends
    in a head word of five letters or more is a compound naming that role
    ("vertriebsleiter", "kundenberaterin"), unless people have it as a name."""
    table = lexicon.title_words()
    got = table.get(token)
    if got or len(token) < 9 or token in lexicon.surnames() or \
            lexicon.given_names().get(token, 0) >= 100:
        return got
    for i in range(3, len(token) - 4):
        if table.get(token[i:]) == "head":
            return "head"
    return None


def strength(text: str) -> int:
    """2: names a role (a head word: manager, engineer, founder, ceo); 1: only narrows one
    (sales, marketing, senior); 0: no title words."""
    toks = tokens(text)
    kinds = [kind(t) for t in toks]
    for i, t in enumerate(toks):
        # "Head of Sales", "Department Head" name a role; "Head Office" does not.
        if t == "head" and i + 1 < len(toks) and toks[i + 1] not in ("of", "for"):
            kinds[i] = "modifier"
    if "head" in kinds:
        return 2
    return 1 if "modifier" in kinds else 0


def narrowing_only(text: str) -> bool:
    """Every word but one at most is a title word, and none names a role ("Customer Success",
    "Talent Acquisition"): a line that only narrows the role named next to it."""
    toks = [t for t in tokens(text) if t not in ("of", "and", "for", "the")]
    kinds = [kind(t) for t in toks]
    return bool(toks) and "head" not in kinds and kinds.count(None) <= min(1, len(toks) - 1)


def is_sentence(text: str) -> bool:
    """A slogan rather than a title: it has the small words of a sentence."""
    return bool({w.lower() for w in re.findall(r"[^\W\d_]+", text)} & lexicon.SENTENCE_WORDS)


def title_part(text: str) -> int | None:
    """Where a title starts inside a line that begins with something else ("Bernard Desarnauts
    Founder & CEO"): the index of the first word from which every word is a title word or a
    small joining word, and which holds a head word. None when there is no such split."""
    words = text.split()
    joins = {"of", "and", "&", "for", "the", "de", "-", "/", "|"}
    for i in range(1, len(words)):
        rest = words[i:]
        folded = [fold(w) for w in rest]
        if not folded[0] or kind(folded[0]) is None:
            continue
        if len(rest) == 1 and lexicon.surnames().get(folded[0], 0) >= 20:
            continue  # "Mary Anne Baker": a surname that is also a trade
        if all(kind(f) or w.lower() in joins or not f for w, f in zip(rest, folded,
                                                                          strict=True)) and any(
            kind(f) == "head" for f in folded
        ):
            return i
    return None


# Nouns for a person's role in several languages end so ("storyteller", "consultora"); a word
# the title list lacks is taken for a role only with this ending and a title word before it.
ROLE_ENDING = re.compile(r"(?:er|or|ist|ian|ant|ent|eur|euse|ora|ero|ista|trice|ess)$")


def trailing_title(text: str) -> int | None:
    """Where a title begins after a name on one line when the title holds words the title
    list lacks ("Ama Owusu Brand Storyteller", "Ana Souza Diretora Comercial"): the index of
    the first word after the first two or three, from which no word is a name people have,
    one at least is a title word, and the first is a title word or the last names a role.
    None when there is no such split."""
    words = text.split()
    given, surnames = lexicon.given_names(), lexicon.surnames()
    joins = {"of", "and", "&", "for", "the", "de", "-", "/", "|"}
    for i in (2, 3):
        rest = words[i:]
        if not 1 <= len(rest) <= 4:
            continue
        folded = [fold(w) for w in rest]
        kinds = [kind(f) for f in folded]
        if any(given.get(f, 0) >= 1000 or surnames.get(f, 0) >= 20
               for f, w in zip(folded, rest, strict=True) if w.lower() not in joins):
            continue
        if not any(kinds) or not rest[0][:1].isupper():
            continue
        if "head" in (kinds[0], kinds[-1]) or (kinds[0] and len(rest) >= 2 and kinds[-1] is None
                                   and ROLE_ENDING.search(folded[-1])):
            return i
    return None


def clean(title: str) -> str:
    """A speck read as one or two small letters before the title ("ce Head of …") goes; a
    title word does not ("vp Sales"). Spaces lost around "&" and "/" and between two title
    words run together ("GeneralManager") are put back."""
    m = re.match(r"^([a-z]{1,2})\s+(?=[A-Z])", title)
    if m and lexicon.title_words().get(m.group(1)) is None:
        title = title[m.end():]
    title = re.sub(r"\s*&\s*", " & ", title)
    title = re.sub(r"(?<=\w)\s*/\s+|\s+/\s*(?=\w)", " / ", title)
    title = re.sub(r"(?<=\w)\s*-\s+|\s+-\s*(?=\w)", " - ", title)  # "Manager- Owner"

    def split_camel(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        words = lexicon.title_words()
        return f"{a} {b}" if words.get(fold(a)) and words.get(fold(b)) else m.group(0)

    return re.sub(r"\b([A-Z][a-z]+)([A-Z][a-z]+)\b", split_camel, title).strip()
