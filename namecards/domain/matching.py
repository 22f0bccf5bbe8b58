"""Who is the same person: the evidence that two records (a stored contact, a scanned card, an
imported row) are one person, and the evidence that they are two.

A personal identifier (a personal e-mail, a phone that is the person's own, a LinkedIn profile)
held by both records is evidence for one person, unless the names contradict it. A company's
website, switchboard or shared mailbox (info@, sales@ ...) is evidence of nothing: colleagues
share it. The same name at the same company is one person only when no personal identifier
differs; otherwise it is a candidate for the user to confirm.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field

from namecards.store import Store
from namecards.text import fold

# Local parts of mailboxes a company shares among people (RFC 2142 and common practice).
ROLE_LOCAL_PARTS = frozenset("""
    abuse accounts accounting admin administrator billing booking bookings careers contact
    contactus customerservice cs enquiries enquiry events feedback finance general hello help
    helpdesk hi hiring hr info information inquiries inquiry invoices jobs legal mail marketing
    media news newsletter noreply no-reply notifications office orders partners postmaster press
    privacy pr reception recruiting recruitment recruiter sales security service services
    shop support talent team webmaster welcome
""".split())

# Phone labels that name a line shared by a company, not a person's own.
SHARED_PHONE_LABELS = frozenset({"fax", "main", "switchboard", "company", "reception", "office"})
MOBILE_LABELS = frozenset({"mobile", "cell", "cellular", "iphone", "handy"})

# How close two names at the same company must be (see `name_similarity`) to be worth asking
# about: "Maria Lopez"/"María López" score 100 after folding, "Jon"/"John Smith" 95,
# "Ana Souza"/"Ana Sousa" 89, "Bob Lee"/"Rob Lee" 86 (two people).
NAME_SIMILARITY = 88
# A record is compared by close name with the contacts of its company only while the company
# has at most this many (a name exactly the same is always found): beyond, every record of an
# import would read the whole company.
MAX_FUZZY_COLLEAGUES = 200

# Where a contact's name came from, and how far its spelling is to be trusted: a card in hand
# or a name the user typed beat a vCard, which beats a CSV or LinkedIn row (often stripped of
# accents). Contacts from before names had a source count as "vcard".
NAME_EVIDENCE = {"card": 3, "typed": 3, "json": 3, "vcard": 2, "csv": 1, "linkedin": 1}
DEFAULT_EVIDENCE = 2

_WORDS = re.compile(r"[^\W\d_]+")
_PLACEHOLDER = re.compile(r"^(unknown \(.*\)|\(no name( read)?\))$")


def name_similarity(a: str, b: str) -> float:
    """0-100: how alike two folded names are, in order ("carla dias"/"karla dias" 90) or with
    the words swapped ("lopez maria"/"maria lopez" 100)."""
    from rapidfuzz import fuzz

    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def is_role_email(email: str) -> bool:
    """A mailbox a company shares (info@, sales@, contact@ ...), not a person's own."""
    local = email.split("@", 1)[0].lower()
    local = local.split("+", 1)[0]
    return local in ROLE_LOCAL_PARTS or local.replace(".", "").replace("_", "") in ROLE_LOCAL_PARTS


def is_mobile(phone: str, label: str | None = None) -> bool:
    """A mobile number: labelled so, or of a mobile range where the numbering plan says so."""
    if label and label.lower() in MOBILE_LABELS:
        return True
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


def _is_placeholder(folded: str, emails: list[str]) -> bool:
    """A name that stands in for one not read: "Unknown (card.jpg)", or an e-mail's local part."""
    if not folded or _PLACEHOLDER.match(folded):
        return True
    return any(folded == e.split("@", 1)[0] for e in emails)


def names_compatible(a: str | None, b: str | None) -> bool:
    """Whether two names can be one person's: equal after folding, close ("Jon"/"John"), one a
    shortening of the other ("M. Lopez", "Ana" for "Ana Souza"), or the same family name with
    the same initial. "Maria Lopez" and "John Smith" cannot."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb or fa == fb:
        return True
    if name_similarity(fa, fb) >= NAME_SIMILARITY:
        return True
    ta, tb = _WORDS.findall(fa), _WORDS.findall(fb)
    if not ta or not tb:
        return True
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)

    def fits(word: str) -> bool:
        return any(word == w or (len(word) == 1 and w.startswith(word))
                   or (len(w) == 1 and word.startswith(w)) for w in long)

    if all(fits(w) for w in short):
        return True
    return ta[-1] == tb[-1] and ta[0][0] == tb[0][0]


@dataclass
class Identity:
    """What a record says about who a person is."""

    name: str | None
    company: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[tuple[str, str | None]] = field(default_factory=list)  # (E.164, label)
    linkedin: list[str] = field(default_factory=list)
    uid: str | None = None
    contact_id: int | None = None

    @functools.cached_property
    def name_key(self) -> str:
        return fold(self.name)

    @functools.cached_property
    def company_key(self) -> str:
        return fold(self.company)

    @functools.cached_property
    def personal_emails(self) -> set[str]:
        return {e for e in self.emails if not is_role_email(e)}

    @functools.cached_property
    def own_phones(self) -> set[str]:
        return {p for p, label in self.phones
                if not (label and label.lower() in SHARED_PHONE_LABELS)}

    @functools.cached_property
    def mobiles(self) -> set[str]:
        return {p for p, label in self.phones if is_mobile(p, label)}

    @functools.cached_property
    def placeholder_name(self) -> bool:
        return _is_placeholder(self.name_key, self.emails)


def identity_of(store: Store, contact_id: int) -> Identity:
    """A stored contact's identity."""
    row = next(store.db.execute(
        "select full_name, company, uid from contacts where id = ?", [contact_id]))
    ident = Identity(name=row[0], company=row[1], uid=row[2], contact_id=contact_id)
    for kind, value, label in store.db.execute(
            "select kind, value, label from contact_methods where contact_id = ? order by id",
            [contact_id]):
        if kind == "email":
            ident.emails.append(value)
        elif kind == "phone":
            ident.phones.append((value, label))
        elif kind == "linkedin":
            ident.linkedin.append(value)
    return ident


def conflicts(a: Identity, b: Identity) -> list[str]:
    """The personal identifiers that say two records are two people: both have some of a kind
    (personal e-mails, mobiles, LinkedIn profiles) and none in common."""
    out = []
    for label, x, y in (("different personal e-mails", a.personal_emails, b.personal_emails),
                        ("different mobiles", a.mobiles, b.mobiles),
                        ("different LinkedIn profiles", set(a.linkedin), set(b.linkedin))):
        if x and y and not x & y:
            out.append(label)
    return out


@dataclass
class Verdict:
    """`same`: one person, file them together. Otherwise, with reasons, a candidate to ask
    the user about; no reasons: unrelated."""

    same: bool
    reasons: list[str]
    strength: int = 0  # 3 uid, 2 personal e-mail or LinkedIn, 1 own phone, 0 name only


def judge(a: Identity, b: Identity, *, company_lines: set[str] | frozenset = frozenset()
          ) -> Verdict:
    """Are `a` and `b` one person? `company_lines` are phones known to be shared (several
    other contacts hold them): evidence of nothing."""
    # A name not read (a placeholder) neither fits nor contradicts: a personal e-mail or
    # profile can still say who it is, a phone (perhaps the company's) cannot.
    unknown = a.placeholder_name or b.placeholder_name
    names_ok = unknown or names_compatible(a.name, b.name)
    reasons: list[str] = []
    strength = 0
    if a.uid and a.uid == b.uid:
        reasons.append("same UID")
        strength = 3
    for email in sorted(a.personal_emails & b.personal_emails):
        reasons.append(f"same e-mail {email}")
        strength = max(strength, 2)
    for url in sorted(set(a.linkedin) & set(b.linkedin)):
        reasons.append(f"same LinkedIn profile {url}")
        strength = max(strength, 2)
    if names_ok and not unknown:
        # Colleagues whose names differ share a direct line often enough: only a phone held
        # by two people who may be one counts.
        for phone in sorted((a.own_phones & b.own_phones) - set(company_lines)):
            reasons.append(f"same phone {phone}")
            strength = max(strength, 1)
    same_name = bool(a.name_key) and a.name_key == b.name_key
    company_a, company_b = a.company_key, b.company_key
    same_company = bool(company_a) and company_a == company_b
    if same_name and same_company:
        reasons.append("same name at the same company")
    elif same_company and name_similarity(a.name_key, b.name_key) >= NAME_SIMILARITY:
        reasons.append(f"close name at the same company "
                       f"({name_similarity(a.name_key, b.name_key):.0f}%)")
    elif same_name and not company_a and not company_b:
        reasons.append("same name (no company)")
    if not reasons:
        return Verdict(False, [])
    differ = conflicts(a, b)
    if differ:
        return Verdict(False, reasons + differ, strength)
    if strength:
        if names_ok:
            return Verdict(True, reasons, strength)
        return Verdict(False, reasons + ["but the names differ"], strength)
    if same_name and (same_company or _same_identifiers(a, b)):
        # Nothing personal differs: the same person met again, or the same row imported again.
        return Verdict(True, reasons, strength)
    return Verdict(False, reasons, strength)


def _same_identifiers(a: Identity, b: Identity) -> bool:
    """Neither has a company, and their e-mails, phones and profiles are the same, or one of
    them has none at all (nothing to tell the two apart: the same row imported again, now
    with a phone that was dropped before)."""
    if a.company_key or b.company_key:
        return False
    ka = (set(a.emails), {p for p, _ in a.phones}, set(a.linkedin))
    kb = (set(b.emails), {p for p, _ in b.phones}, set(b.linkedin))
    return ka == kb or not any(ka) or not any(kb)


@dataclass
class Match:
    """The stored contact a record is (`id`, None for nobody) with the `reasons`, and the
    `candidates` to ask the user about: [{"id", "full_name", "company", "reasons"}]."""

    id: int | None
    reasons: list[str]
    candidates: list[dict]


def find_person(store: Store, incoming: Identity, *, exclude: int | None = None,
                close_names: bool = True) -> Match:
    """Which stored contact `incoming` is, if any (see `judge`). With `close_names`, contacts
    of the same company with a close name are candidates too (a close name alone never makes
    one person, so filing a scan or an import row does without them)."""
    db = store.db
    ids: list[int] = []

    def collect(sql: str, params: list) -> None:
        for (cid,) in db.execute(sql, params):
            if cid != exclude and cid not in ids:
                ids.append(cid)

    if incoming.uid:
        collect("select id from contacts where uid = ?", [incoming.uid])
    for email in incoming.personal_emails:
        collect("select contact_id from contact_methods where kind = 'email' and value = ?",
                [email])
    for url in incoming.linkedin:
        collect("select contact_id from contact_methods where kind = 'linkedin' and value = ?",
                [url])
    company_lines = set()
    for phone in incoming.own_phones:
        found = [r[0] for r in db.execute(
            "select contact_id from contact_methods where kind = 'phone' and value = ? limit 2",
            [phone])]
        if len(found) > 1:
            company_lines.add(phone)  # two people already share it: the company's line
            continue
        for cid in found:
            if cid != exclude and cid not in ids:
                ids.append(cid)
    key = incoming.name_key
    if key:
        # Ten namesakes are plenty to judge: beyond, no name says who anyone is.
        collect("select id from contacts where name_key = ? order by id limit 10", [key])
        if close_names and incoming.company and incoming.company.strip():
            colleagues = db.execute(
                "select id, name_key from contacts where company = ? collate nocase limit ?",
                [incoming.company.strip(), MAX_FUZZY_COLLEAGUES + 1]).fetchall()
            if len(colleagues) <= MAX_FUZZY_COLLEAGUES:
                for cid in _close_names(key, colleagues):
                    if cid != exclude and cid not in ids:
                        ids.append(cid)
    best: tuple | None = None
    candidates = []
    for cid in ids:
        stored = identity_of(store, cid)
        verdict = judge(incoming, stored, company_lines=company_lines)
        if verdict.same:
            rank = (verdict.strength, -cid)
            if best is None or rank > best[0]:
                if best is not None:
                    candidates.append(best[1])
                best = (rank, _candidate(stored, verdict))
            else:
                candidates.append(_candidate(stored, verdict))
        elif verdict.reasons:
            candidates.append(_candidate(stored, verdict))
    if best is None:
        return Match(None, [], candidates)
    return Match(best[1]["id"], best[1]["reasons"], candidates)


def _close_names(key: str, people: list[tuple[int, str | None]]) -> list[int]:
    """Ids whose folded name is `name_similarity`-close to `key` (both scorers run in C)."""
    from rapidfuzz import fuzz, process

    names = {cid: other or "" for cid, other in people}
    found = set()
    for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
        for _, _, cid in process.extract(key, names, scorer=scorer, limit=None,
                                         score_cutoff=NAME_SIMILARITY):
            found.add(cid)
    return sorted(found)


def _candidate(ident: Identity, verdict: Verdict) -> dict:
    return {"id": ident.contact_id, "full_name": ident.name, "company": ident.company,
            "reasons": verdict.reasons}


# ---------------------------------------------------------------- which spelling wins


def name_evidence(store: Store, contact_id: int) -> int:
    """How well a stored contact's name is attested: 3 when read from one of its cards (or
    typed by the user), less when it came from an import."""
    row = next(store.db.execute(
        "select full_name, name_source from contacts where id = ?", [contact_id]))
    for (fields,) in store.db.execute(
            "select fields from scans where contact_id = ? and fields is not null", [contact_id]):
        try:
            read = json.loads(fields).get("full_name")
        except (ValueError, AttributeError):
            continue
        if read and fold(read) == fold(row[0]):
            return NAME_EVIDENCE["card"]
    return NAME_EVIDENCE.get(row[1] or "", DEFAULT_EVIDENCE)


def _accents(name: str) -> int:
    return sum(1 for ch in name if not ch.isascii())


def better_name(current: str, current_evidence: int, other: str, other_evidence: int) -> bool:
    """Whether `other` is the better-evidenced spelling of `current`'s person.

    For one name spelled two ways ("María López"/"Maria Lopez") the spelling with accents wins
    (stripping them loses information, adding them takes knowing them), then the better source,
    then mixed case over ALL CAPS. For two different forms ("M. Lopez"/"María López") only a
    better source wins."""
    if not other or not other.strip() or other == current:
        return False
    if fold(other) == fold(current):
        if _accents(other) != _accents(current):
            return _accents(other) > _accents(current)
        if other_evidence != current_evidence:
            return other_evidence > current_evidence
        return current.isupper() and not other.isupper()
    if _is_placeholder(fold(current), []):
        return True
    if not names_compatible(current, other):
        return False
    return other_evidence > current_evidence
