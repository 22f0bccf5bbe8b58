"""Both sides of one card: whether a card read just after another is that card's back, and
the one set of fields the two sides make together.

Whether two sides are one card is the question `namecards.domain.matching` answers for two
records, asked more strictly: only a personal e-mail or a mobile (the person's own) held by
both is evidence on its own. A website, a shared mailbox (info@) or a number that may be a
switchboard is shared by colleagues, so it counts only when the second side names nobody else
(a logo side, or the same name again, or the name written in another script).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from namecards.domain.matching import (
    Identity,
    conflicts,
    is_mobile,
    is_role_email,
    name_similarity,
    names_compatible,
)
from namecards.text import fold

# How alike two sides' company names must be (`name_similarity`, after folding) to be one
# card's: an OCR slip ("Acme Robotlcs") scores ~92, "Acme Robotics"/"Acme Robotics GmbH" ~84.
SAME_COMPANY = 80

NAME_KEYS = ("full_name", "given_name", "family_name")
SCALAR_KEYS = ("title", "company", "website", "address")
LIST_KEYS = ("emails", "phones", "faxes")


def is_latin(name: str | None) -> bool:
    """Whether every letter of `name` is of the Latin script (accents included): "Zoë Ó Briain"
    is, "山田 太郎" and "Дмитрий" are not. A name without letters is not."""
    letters = [ch for ch in name or "" if ch.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(ch, "") for ch in letters)


def _site(value: str | None) -> str:
    text = (value or "").strip().lower()
    for prefix in ("https://", "http://", "www."):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text.rstrip("/")


def _identity(fields: dict) -> Identity:
    return Identity(name=fields.get("full_name"), company=fields.get("company"),
                    emails=list(fields.get("emails") or []),
                    phones=[(p, None) for p in fields.get("phones") or []])


def two_people(front: dict, back: dict) -> str | None:
    """Why two images given as the sides of one card are two people's cards, or None:
    different personal e-mails or mobiles, or two different names in the same script."""
    found = conflicts(_identity(front), _identity(back))
    if found:
        return found[0]
    a, b = front.get("full_name"), back.get("full_name")
    if a and b and is_latin(a) == is_latin(b) and not names_compatible(a, b):
        return f"different names: {a}, {b}"
    return None


# How alike two images' OCR text must be (rapidfuzz ratio, 0-100, after folding) to be one side
# photographed twice: a back never repeats its front's text wholesale.
SAME_SIDE_TEXT = 80


def same_side(text_a: str | None, text_b: str | None) -> bool:
    """Whether two images show the same side of a card (a photo retaken, the same scan saved
    as PNG): their text reads nearly the same."""
    from rapidfuzz import fuzz

    a, b = fold(" ".join((text_a or "").split())), fold(" ".join((text_b or "").split()))
    return bool(a and b) and fuzz.ratio(a, b) >= SAME_SIDE_TEXT


@dataclass
class BackEvidence:
    """Why a reading is taken for the back of the card before it (`reasons`), or why not
    (`reasons` empty)."""

    reasons: list[str]

    def __bool__(self) -> bool:
        return bool(self.reasons)


def back_evidence(front: dict, back: dict) -> BackEvidence:
    """Whether `back` (fields read from an image) is the other side of the card `front` was
    read from. Two colleagues' cards scanned one after the other share a website, often a
    switchboard and sometimes info@: that never makes one of them the other's back."""
    a, b = _identity(front), _identity(back)
    if conflicts(a, b):  # two personal e-mails or two mobiles, none in common: two people
        return BackEvidence([])
    name_a, name_b = front.get("full_name"), back.get("full_name")
    if name_a and name_b and is_latin(name_a) and is_latin(name_b) \
            and not names_compatible(name_a, name_b):
        return BackEvidence([])
    company_a, company_b = fold(front.get("company")), fold(back.get("company"))
    if company_a and company_b and is_latin(company_a) and is_latin(company_b) \
            and name_similarity(company_a, company_b) < SAME_COMPANY:
        # Two cards of one person (the old job's and the new one's), not two sides of one.
        return BackEvidence([])
    strong = [f"same e-mail {e}" for e in sorted(a.personal_emails & b.personal_emails)]
    shared_phones = set(front.get("phones") or []) & set(back.get("phones") or [])
    strong += [f"same mobile {p}" for p in sorted(shared_phones) if is_mobile(p)]
    if strong:
        return BackEvidence(strong)
    # Company-wide evidence: enough only when the second side names nobody who could be a
    # colleague: no name at all (a logo side), the same name, or a name in another script.
    nameless = not name_b or not fold(name_b)
    same_name = bool(name_a and name_b) and names_compatible(name_a, name_b) \
        and is_latin(name_a) == is_latin(name_b)
    other_script = bool(name_a and name_b) and is_latin(name_a) != is_latin(name_b)
    if not (nameless or same_name or other_script):
        return BackEvidence([])
    weak = []
    site_a, site_b = _site(front.get("website")), _site(back.get("website"))
    if site_a and site_a == site_b:
        weak.append(f"same website {front.get('website')}")
    weak += [f"same e-mail {e}" for e in sorted(set(a.emails) & set(b.emails)) if is_role_email(e)]
    weak += [f"same phone {p}" for p in sorted(shared_phones) if not is_mobile(p)]
    if weak and nameless:
        weak.append("no name on this side")
    elif weak and other_script:
        weak.append("the name in another script")
    return BackEvidence(weak)


@dataclass
class MergedSides:
    """The fields two sides of a card make together, each field's confidence and the side it
    came from ("front"/"back"), and a name in another script kept beside the Latin one."""

    fields: dict
    confidence: dict
    origin: dict
    alt_name: str | None = None


def merge_sides(front: dict, front_conf: dict, back: dict, back_conf: dict) -> MergedSides:
    """Each field from the side that reads it more confidently (the front when they tie or the
    back has nothing); e-mails and phones from both. A name written in another script (山田 太郎
    on one side, Taro Yamada on the other) does not compete with the Latin one: the Latin name is
    the contact's name (what the drill asks you to type) and the other is kept as `alt_name`."""
    fields: dict = {}
    conf: dict = {}
    origin: dict = {}

    def take(keys: tuple[str, ...], values: dict, confs: dict, side: str) -> None:
        for key in keys:
            fields[key] = values.get(key)
            if key in confs:
                conf[key] = confs[key]
            if values.get(key):
                origin[key] = side

    def pick(keys: tuple[str, ...], lead: str) -> None:
        # The name's parts go with the name they were split from, never mixed across sides.
        f_val, b_val = front.get(lead), back.get(lead)
        take_back = bool(b_val) and (not f_val or back_conf.get(lead, 0) > front_conf.get(lead, 0))
        if take_back:
            take(keys, back, back_conf, "back")
        else:
            take(keys, front, front_conf, "front")

    alt_name = None
    fa, ba = front.get("full_name"), back.get("full_name")
    if fa and ba and is_latin(fa) != is_latin(ba):
        latin, latin_conf, other = (front, front_conf, ba) if is_latin(fa) else (back, back_conf,
                                                                                   fa)
        take(NAME_KEYS, latin, latin_conf, "front" if latin is front else "back")
        alt_name = other
    else:
        pick(NAME_KEYS, "full_name")
    for key in SCALAR_KEYS:
        pick((key,), key)
    for key in LIST_KEYS:
        values = list(dict.fromkeys([*(front.get(key) or []), *(back.get(key) or [])]))
        fields[key] = values
        if values:
            confs = [c.get(key) for c, side in ((front_conf, front), (back_conf, back))
                     if side.get(key) and c.get(key) is not None]
            if confs:
                conf[key] = max(confs)
            origin[key] = "both" if front.get(key) and back.get(key) else \
                ("front" if front.get(key) else "back")
    for key, value in front.items():  # anything else read (a region), front first
        if key not in fields:
            fields[key] = value if value not in (None, "", []) else back.get(key, value)
    for key, value in back.items():
        fields.setdefault(key, value)
    return MergedSides(fields, conf, origin, alt_name)
