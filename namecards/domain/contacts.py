"""Contacts: the people you met, with their e-mails, phones, notes and talking points."""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import urlsplit

from namecards.domain.cards import sync_cards
from namecards.domain.events import (
    FOLLOW_UP_DUE_SQL,
    event_for,
    get_event,
    link_contact,
    parse_event_date,
)
from namecards.domain.matching import NAME_SIMILARITY, Identity, find_person, name_similarity  # noqa: F401
from namecards.errors import (
    Ambiguous,
    Duplicate,
    InvalidValue,
    NamecardsError,
    NotFound,
)
from namecards.store import Store
from namecards.store.schema import referencing_columns
from namecards.text import fold, normalise_email, normalise_phone, split_bullets

CONTACT_FIELDS = (
    "full_name", "given_name", "family_name", "pronunciation", "mnemonic",
    "title", "company", "website", "address", "photo", "alt_name",
)
_CONTROL_RUN = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_CONTROL_NOT_LINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINKEDIN = re.compile(r"^(?:https?://)?(?:[\w-]+\.)?linkedin\.com/(in|pub)/([^/?#\s]+)", re.I)


def clean_field(value: str | None) -> str | None:
    """A one-line field as typed, scanned or imported, minus control characters: each run of
    them (BEL, ESC, CR, newlines, tabs, DEL, C1) becomes one space, so nothing can move the
    cursor or recolour a terminal when the field is printed. Quotes, emoji and right-to-left
    text stay verbatim."""
    if value is None:
        return None
    return _CONTROL_RUN.sub(" ", value).strip()


def clean_text(value: str) -> str:
    """Multi-line text (a note): line breaks (CRLF and CR become LF) and tabs stay; other
    control characters go."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_NOT_LINE.sub("", value)


class AmbiguousContact(Ambiguous):
    """A name fragment that matches several contacts (`candidates`)."""


class DuplicateContact(Duplicate):
    """A new contact looks like one already stored; `candidates` says which and why."""


def split_name(full_name: str) -> tuple[str | None, str | None]:
    from nameparser import HumanName

    parsed = HumanName(full_name)
    given = " ".join(p for p in (parsed.first, parsed.middle) if p) or None
    return given, parsed.last or None


def normalise_url(value: str) -> tuple[str, str]:
    """(kind, url): LinkedIn profiles become kind 'linkedin' in one canonical spelling.

    'linkedin.com/in/Maria-Lopez/?trk=x' -> ('linkedin', 'https://www.linkedin.com/in/maria-lopez')
    """
    text = value.strip()
    m = _LINKEDIN.match(text)
    if m:
        return "linkedin", f"https://www.linkedin.com/{m.group(1).lower()}/{m.group(2).lower()}"
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        text = "https://" + text
    parts = urlsplit(text)
    if not parts.netloc or " " in parts.netloc or "." not in parts.netloc:
        raise ValueError(f"not a web address: {value!r}")
    return "url", text


def find_duplicates(store: Store, *, emails=(), phones=(), exclude: int | None = None) -> list[int]:
    """Contacts that share a personal e-mail or a phone with the given ones. A shared value is
    not proof of one person (colleagues share a direct line): to file a record, use
    `claim_reading` or `namecards.domain.matching.find_person`, which weigh names and conflicts."""
    from namecards.domain.matching import is_role_email

    values = [("email", e) for e in emails if not is_role_email(e)] + [
        ("phone", p) for p in phones]
    found: list[int] = []
    for kind, value in values:
        for row in store.db.query(
            "select contact_id from contact_methods where kind = ? and value = ?", [kind, value]
        ):
            if row["contact_id"] != exclude and row["contact_id"] not in found:
                found.append(row["contact_id"])
    return found


def likely_duplicates(
    store: Store,
    full_name: str,
    *,
    company: str | None = None,
    methods: dict[str, list[str]] | None = None,
    exclude: int | None = None,
) -> list[dict]:
    """Stored contacts that may be this person, each with the reasons: the one that is (a
    personal e-mail, phone or LinkedIn profile in common and names that fit, or the same name
    at the same company with nothing personal differing) first, then those to ask about
    (see namecards.domain.matching). A shared company website, switchboard or info@ is no reason."""
    methods = methods or {}
    incoming = Identity(name=full_name, company=company, emails=list(methods.get("email", [])),
                        phones=[(p, None) for p in methods.get("phone", [])],
                        linkedin=list(methods.get("linkedin", [])))
    match = find_person(store, incoming, exclude=exclude)
    out = []
    if match.id is not None:
        row = store.db["contacts"].get(match.id)
        out.append({"id": match.id, "full_name": row["full_name"], "company": row["company"],
                    "reasons": match.reasons, "same": True})
    return out + [{**c, "same": False} for c in match.candidates]


def normalised_methods(emails, phones, urls, region=None, force=False) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"email": [], "phone": [], "url": [], "linkedin": []}
    emails, phones, urls = ([clean_field(v) for v in values or ()]
                            for values in (emails, phones, urls))
    for raw in emails or ():
        if not raw.strip():
            continue
        try:
            out["email"].append(normalise_email(raw))
        except ValueError as e:
            if not force:
                raise InvalidValue(str(e), raw, storable=True) from None
            out["email"].append(raw.strip())
    for raw in phones or ():
        if not raw.strip():
            continue
        try:
            out["phone"].append(normalise_phone(raw, region))
        except ValueError as e:
            if not force:
                raise InvalidValue(str(e), raw, storable=True) from None
            out["phone"].append(raw.strip())
    for raw in urls or ():
        if not raw.strip():
            continue
        try:
            kind, value = normalise_url(raw)
        except ValueError as e:
            if not force:
                raise InvalidValue(str(e), raw, storable=True) from None
            kind, value = "url", raw.strip()
        out[kind].append(value)
    return out


def add_contact(
    store: Store,
    full_name: str,
    *,
    title: str | None = None,
    company: str | None = None,
    emails=(),
    phones=(),
    urls=(),
    website: str | None = None,
    address: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
    pronunciation: str | None = None,
    mnemonic: str | None = None,
    event: str | None = None,
    role: str | None = None,
    tags=(),
    region: str | None = None,
    force: bool = False,
    name_source: str = "typed",
) -> int:
    """Add a person. A likely duplicate (see `likely_duplicates`) raises DuplicateContact
    naming it, unless `force`. `name_source` says where the name's spelling comes from (see
    namecards.domain.matching.NAME_EVIDENCE)."""
    full_name = clean_field(full_name or "")
    if not full_name:
        raise NamecardsError("a contact needs a name", option="name")
    title, company, website, given_name, family_name, pronunciation, mnemonic = (
        clean_field(v) or None for v in (title, company, website, given_name, family_name,
                                          pronunciation, mnemonic))
    address = clean_text(address).strip() or None if address else None
    methods = normalised_methods(emails, phones, urls, region, force)
    if not force:
        dupes = likely_duplicates(store, full_name, company=company, methods=methods)
        if dupes:
            other = dupes[0]
            raise DuplicateContact(
                f"looks like #{other['id']} {other['full_name']} ({'; '.join(other['reasons'])})",
                dupes,
            )
    db = store.db
    with db.atomic():
        ev = event_for(store, event)
        contact_id = insert_contact_row(store, {
            "full_name": full_name, "given_name": given_name, "family_name": family_name,
            "pronunciation": pronunciation, "mnemonic": mnemonic, "title": title,
            "company": company, "website": website, "address": address}, name_source)
        add_methods(store, contact_id, methods)
        if ev:
            link_contact(store, contact_id, ev["id"], role)
        for tag in tags or ():
            tag_contact(store, contact_id, tag)
        sync_cards(store, contact_id)
    return contact_id


def insert_contact_row(store: Store, fields: dict, name_source: str,
                       uid: str | None = None) -> int:
    """The contact row alone (fields of CONTACT_FIELDS, cleaned here; no methods, events or
    drill cards): what `add_contact` and an import build on. `uid`: one no contact holds yet
    (an imported card's); a new one otherwise."""
    row = {}
    for key in CONTACT_FIELDS:
        value = fields.get(key)
        if isinstance(value, str):
            value = clean_text(value).strip() if key == "address" else clean_field(value)
        row[key] = value or None
    if not row["full_name"]:
        raise NamecardsError("a contact needs a name", option="name")
    if not (row["given_name"] or row["family_name"]):
        row["given_name"], row["family_name"] = split_name(row["full_name"])
    stamp = store.now_iso()
    return insert_row(store.db, "contacts", {
        **row, "uid": uid or str(uuid.uuid4()), "name_key": fold(row["full_name"]),
        "name_source": name_source, "created": stamp, "updated": stamp})


def insert_row(db, table: str, row: dict) -> int:
    """Insert one row by plain SQL and return its id (sqlite-utils' insert looks the table's
    columns up on every call, which is most of an import's time)."""
    columns = ", ".join(f"[{k}]" for k in row)
    marks = ", ".join("?" for _ in row)
    return db.execute(f"insert into [{table}] ({columns}) values ({marks})",
                      list(row.values())).lastrowid


def add_methods(store: Store, contact_id: int, methods: dict[str, list],
                 labels: dict[tuple[str, str], str] | None = None) -> int:
    """Add methods a contact lacks (a label fills a blank one); returns how many rows changed."""
    changed = 0
    for kind, values in methods.items():
        for value in values:
            label = (labels or {}).get((kind, value))
            cur = store.db.execute(
                "insert or ignore into contact_methods (contact_id, kind, value, label) "
                "values (?, ?, ?, ?)", [contact_id, kind, value, label])
            if not cur.rowcount and label:
                cur = store.db.execute(
                    "update contact_methods set label = ? where contact_id = ? and kind = ? "
                    "and value = ? and label is null", [label, contact_id, kind, value])
            changed += cur.rowcount
    return changed


def update_contact(store: Store, contact_id: int, fields: dict, *, fill_only: bool = False,
                   name_source: str | None = None) -> list[str]:
    """Change a contact's fields; with `fill_only`, only blanks are filled (never overwritten).
    With `name_source`, a `full_name` replaces the stored one only when it is the
    better-evidenced spelling of the same person's name (see namecards.domain.matching.better_name).
    Returns the fields changed."""
    from namecards.domain.matching import NAME_EVIDENCE, better_name, name_evidence

    current = dict(next(store.db.query("select * from contacts where id = ?", [contact_id])))
    changes = {}
    if name_source is not None:
        fields = dict(fields)
        name = clean_field(fields.pop("full_name", None) or "")
        if name and better_name(current["full_name"], name_evidence(store, contact_id),
                                name, NAME_EVIDENCE.get(name_source, 0)):
            changes["full_name"] = name
            changes["name_source"] = name_source
            # The given/family split follows the spelling it came with.
            given, family = fields.pop("given_name", None), fields.pop("family_name", None)
            if not (given or family):
                given, family = split_name(name)
            changes["given_name"], changes["family_name"] = (clean_field(given) or None,
                                                             clean_field(family) or None)
    for key in CONTACT_FIELDS:
        value = fields.get(key)
        if isinstance(value, str):
            value = clean_text(value).strip() if key == "address" else clean_field(value)
        if value in (None, ""):
            continue
        if fill_only and current.get(key):
            continue
        changes[key] = value
    changes = {k: v for k, v in changes.items() if v != current.get(k)}
    if "full_name" in changes:
        changes["name_key"] = fold(changes["full_name"])
    if changes:
        changes["updated"] = store.now_iso()
        store.db.execute(
            f"update contacts set {', '.join(f'[{k}] = ?' for k in changes)} where id = ?",
            [*changes.values(), contact_id])
    return sorted(k for k in changes if k not in ("name_key", "updated", "name_source"))


def claim_reading(store: Store, fields: dict) -> list[int]:
    """The stored contact a scanned card is of, as a one-item list ([] for someone new; see
    namecards.domain.matching for what makes one person). When the card spells that contact's name
    better (the accents a LinkedIn import lost), the contact takes the card's spelling."""
    urls = [fields["website"]] if fields.get("website") else []
    linkedin = []
    for url in urls:
        try:
            kind, value = normalise_url(url)
        except ValueError:
            continue
        if kind == "linkedin":
            linkedin.append(value)
    incoming = Identity(name=fields.get("full_name"), company=fields.get("company"),
                        emails=list(fields.get("emails") or []),
                        phones=[(p, None) for p in fields.get("phones") or []], linkedin=linkedin)
    match = find_person(store, incoming, close_names=False)
    if match.id is None:
        return []
    update_contact(store, match.id, {k: fields.get(k) for k in
                                     ("full_name", "given_name", "family_name")},
                   fill_only=True, name_source="card")
    return [match.id]


def edit_contact(
    store: Store,
    contact_ref: str | int,
    fields: dict | None = None,
    *,
    clear=(),
    add_emails=(),
    remove_emails=(),
    add_phones=(),
    remove_phones=(),
    add_urls=(),
    remove_urls=(),
    last_contacted: str | None = None,
    region: str | None = None,
    force: bool = False,
) -> dict:
    """Change a contact: set fields, clear fields, add or remove e-mails, phones and URLs.

    Returns {"id", "changed": [field or method names]}. Values are validated as in add_contact.
    """
    db = store.db
    contact_id = resolve_contact(store, contact_ref)
    current = db["contacts"].get(contact_id)
    changes: dict = {}
    for key, value in (fields or {}).items():
        if key not in CONTACT_FIELDS:
            raise NamecardsError(f"unknown contact field {key!r}")
        if value is None:
            continue
        # An address may have several lines; every other field is one line.
        value = clean_text(str(value)).strip() if key == "address" else clean_field(str(value))
        if key == "full_name" and not value:
            raise NamecardsError("a contact needs a name; it cannot be made empty")
        if (value or None) != current.get(key):
            changes[key] = value or None
    for key in clear:
        if key not in CONTACT_FIELDS:
            raise NamecardsError(f"unknown contact field {key!r}")
        if key == "full_name":
            raise NamecardsError("a contact needs a name; it cannot be cleared")
        if current.get(key) is not None:
            changes[key] = None
    if "full_name" in changes:
        changes["name_key"] = fold(changes["full_name"])
        changes["name_source"] = "typed"  # the user's own spelling
        if not (fields or {}).get("given_name") and not (fields or {}).get("family_name"):
            changes["given_name"], changes["family_name"] = split_name(changes["full_name"])
    if last_contacted is not None:
        changes["last_contacted"] = parse_event_date(last_contacted)
    added = normalised_methods(add_emails, add_phones, add_urls, region, force)
    removed = normalised_methods(remove_emails, remove_phones, remove_urls, region, force=True)
    changed = sorted(k for k in changes if k not in ("name_key", "name_source"))
    with db.atomic():
        for kind, values in removed.items():
            for value in values:
                cur = db.execute(
                    "delete from contact_methods where contact_id = ? and kind = ? and value = ?",
                    [contact_id, kind, value],
                )
                if not cur.rowcount:
                    raise NamecardsError(f"#{contact_id} has no {kind} {value!r} to remove")
                changed.append(f"-{kind}")
        for kind, values in added.items():
            for value in values:
                cur = db.execute(
                    "insert or ignore into contact_methods (contact_id, kind, value) "
                    "values (?, ?, ?)", [contact_id, kind, value],
                )
                if cur.rowcount:
                    changed.append(f"+{kind}")
        if changes or changed:
            changes["updated"] = store.now_iso()
            db["contacts"].update(contact_id, changes)
    return {"id": contact_id, "changed": sorted(set(changed))}


def set_methods(store: Store, contact_id: int, kind: str, values: list[str]) -> bool:
    """Make a contact's methods of one kind exactly `values` (already normalised); labels of
    values kept stay. Returns whether anything changed."""
    db = store.db
    current = [r["value"] for r in db.query(
        "select value from contact_methods where contact_id = ? and kind = ? order by id",
        [contact_id, kind])]
    if current == list(values):
        return False
    for value in current:
        if value not in values:
            db.execute("delete from contact_methods where contact_id = ? and kind = ? and value = ?",
                       [contact_id, kind, value])
    for value in values:
        db.execute("insert or ignore into contact_methods (contact_id, kind, value) values (?, ?, ?)",
                   [contact_id, kind, value])
    return True


def _tag_name(tag: str) -> str:
    tag = clean_field(tag)
    if not tag:
        raise NamecardsError("a tag cannot be empty")
    return tag


def tag_contact(store: Store, contact_id: int, tag: str) -> None:
    tag = clean_field(tag)
    if not tag:
        return
    store.db.execute("insert or ignore into tags (name) values (?)", [tag])
    tag_id = next(store.db.query("select id from tags where name = ?", [tag]))["id"]
    store.db.execute(
        "insert or ignore into contact_tags (contact_id, tag_id) values (?, ?)", [contact_id, tag_id]
    )


def tag(store: Store, contact_ref: str | int, tags, *, remove: bool = False) -> list[str]:
    """Add (or with `remove`, take off) tags; returns the contact's tags afterwards.
    Tags no contact carries any more are forgotten."""
    contact_id = resolve_contact(store, contact_ref)
    names = [_tag_name(t) for t in tags]
    if not names:
        raise NamecardsError("name at least one tag")
    db = store.db
    with db.atomic():
        for name in names:
            if remove:
                db.execute(
                    "delete from contact_tags where contact_id = ? and tag_id in "
                    "(select id from tags where name = ?)", [contact_id, name])
            else:
                tag_contact(store, contact_id, name)
        db.execute("delete from tags where id not in (select tag_id from contact_tags)")
    return contact_tags(store, contact_id)


def contact_tags(store: Store, contact_id: int) -> list[str]:
    return [
        r["name"]
        for r in store.db.query(
            "select tags.name from tags join contact_tags on tags.id = contact_tags.tag_id "
            "where contact_tags.contact_id = ? order by tags.name",
            [contact_id],
        )
    ]


# SQLite integers are 64-bit: a longer "id" is no contact of ours, not an overflow.
_MAX_ID = 2**63 - 1
# No name is this long; a longer fragment cannot match one, and fuzzy-matching it against
# every name would only cost time.
_MAX_FRAGMENT = 500
_ID = re.compile(r"#?([0-9]+)")


def resolve_contact(store: Store, ref: str | int) -> int:
    """A contact id from an id or any unambiguous part of a name (case and accents ignored)."""
    db = store.db
    text = str(ref).strip()
    # ASCII digits only: "²" and "٣" are digits to str.isdigit() but not to int().
    digits = _ID.fullmatch(text)
    if digits:
        number = int(digits.group(1))
        if number <= _MAX_ID and list(db["contacts"].rows_where("id = ?", [number], select="id")):
            return number
        raise NotFound(f"no contact #{_shorten(digits.group(1))}")
    key = fold(text)
    if not key:
        raise NamecardsError("name a contact by id or by part of the name")
    if len(key) > _MAX_FRAGMENT:
        raise NotFound(f"no contact matches {_shorten(text)!r} (a name fragment of "
                       f"{len(text):,} characters)")
    words = key.split()
    # instr(), not LIKE: no wildcards to escape ("50%", "a_b" match literally) and no limit on
    # the pattern's length.
    where = " and ".join("instr(name_key, ?) > 0" for _ in words)
    rows = list(
        db.query(
            f"select id, full_name, company, name_key from contacts where {where} "
            "order by name_key, id limit 21",
            words,
        )
    )
    exact = [r for r in rows if r["name_key"] == key]
    if len(exact) == 1:
        return exact[0]["id"]
    if len(rows) == 1:
        return rows[0]["id"]
    if rows:
        many = "20+" if len(rows) > 20 else str(len(rows))
        listing = "; ".join(
            f"#{r['id']} {r['full_name']}" + (f" ({r['company']})" if r["company"] else "")
            for r in rows[:8]
        )
        more = " …" if len(rows) > 8 else ""
        raise AmbiguousContact(f"{text!r} matches {many} contacts: {listing}{more}", rows)
    raise NotFound(f"no contact matches {_shorten(text)!r}{_closest_hint(store, key)}")


def _shorten(text: str, limit: int = 40) -> str:
    """A user's text quoted in a one-line message: at most `limit` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _closest_hint(store: Store, key: str) -> str:
    from rapidfuzz import fuzz, process

    # One candidate per distinct folded name (namesakes share it; the lowest id stands in).
    names = {r[0]: r[1] for r in store.db.execute(
        "select min(id), name_key from contacts group by name_key")}
    best = process.extract(key, names, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    if not best:
        return ""
    shown = [f"{store.db['contacts'].get(cid)['full_name']} (#{cid})" for _, _, cid in best]
    return "; closest: " + ", ".join(shown)


def contact_names(store: Store, contact_ids: list[int]) -> dict[int, str]:
    """The full names of these contacts, by id (the ones that exist)."""
    ids = list(dict.fromkeys(contact_ids))
    if not ids:
        return {}
    return {r["id"]: r["full_name"] for r in store.db.query(
        f"select id, full_name from contacts where id in ({', '.join('?' * len(ids))})", ids)}


def get_contact(store: Store, contact_id: int) -> dict:
    """Everything about one contact, as the dict the exports, letters and `show --json` use.

    Beyond the documented contract: `linkedin` (the LinkedIn URLs, also listed in `urls`),
    `removed_points` (points edited out of notes, kept for their review history), `drill`
    (a summary and one row per card) and `letters`.
    """
    db = store.db
    contact = dict(db["contacts"].get(contact_id))
    contact.pop("name_key", None)
    methods: dict[str, list[dict]] = {"email": [], "phone": [], "url": [], "linkedin": []}
    for r in db.query(
        "select kind, value, label from contact_methods where contact_id = ? order by id",
        [contact_id],
    ):
        methods.setdefault(r["kind"], []).append({"value": r["value"], "label": r["label"]})
    contact["emails"] = methods["email"]
    contact["phones"] = methods["phone"]
    # A LinkedIn profile is a URL to every consumer that knows no better (vCard, letters).
    contact["urls"] = methods["url"] + [
        {"value": m["value"], "label": m["label"] or "linkedin"} for m in methods["linkedin"]
    ]
    contact["linkedin"] = [m["value"] for m in methods["linkedin"]]
    contact["tags"] = contact_tags(store, contact_id)
    contact["events"] = [
        dict(r)
        for r in db.query(
            "select events.id, events.name, events.date, events.company, events.kind, meetings.role, "
            f"{FOLLOW_UP_DUE_SQL} as follow_up_due, meetings.followed_up "
            "from meetings join events on events.id = meetings.event_id "
            "where meetings.contact_id = ? order by coalesce(events.date, events.created), events.id",
            [contact_id],
        )
    ]
    contact["notes"] = [
        dict(r)
        for r in db.query(
            "select id, text, event_id, created, updated from notes where contact_id = ? order by id",
            [contact_id],
        )
    ]
    points = [
        dict(r)
        for r in db.query(
            "select id, text, event_id, note_id, position, removed from talking_points "
            "where contact_id = ? order by note_id, position, id",
            [contact_id],
        )
    ]
    contact["talking_points"] = [
        {k: v for k, v in p.items() if k != "removed"} for p in points if not p["removed"]
    ]
    contact["removed_points"] = [p for p in points if p["removed"]]
    contact["scans"] = [
        {
            "id": r["id"],
            "sha256": r["sha256"],
            "path": r["path"],
            "card_path": r["card_path"],
            "name_boxes": json.loads(r["name_boxes"] or "[]"),
            "side": r["side"],  # "front"/"back" for a card scanned on both sides
        }
        for r in db.query(
            "select id, sha256, path, card_path, name_boxes, side from scans "
            "where contact_id = ? order by id",
            [contact_id],
        )
    ]
    contact["drill"] = drill_summary(store, contact_id)
    contact["letters"] = [
        dict(r)
        for r in db.query(
            "select id, event_id, template, format, subject, path, created, sent from letters "
            "where contact_id = ? order by id",
            [contact_id],
        )
    ]
    return contact


def drill_summary(store: Store, contact_id: int) -> dict:
    """A contact's drill cards: how many, how many due now, and each card's last review (the
    contact dict's "drill"; the TUI's per-card recall forecast is `tui_api.cards_with_recall`)."""
    now = store.now_iso()
    cards = [
        dict(r)
        for r in store.db.query(
            """
            select c.id, c.kind, c.talking_point_id, c.due, c.suspended, c.lapses, c.leech,
                   c.fsrs_state is null as new,
                   (select count(*) from reviews r where r.card_id = c.id) as reviews,
                   (select max(reviewed_at) from reviews r where r.card_id = c.id) as last_review,
                   (select rating from reviews r where r.card_id = c.id
                    order by reviewed_at desc, id desc limit 1) as last_rating
            from drill_cards c where c.contact_id = ? order by c.id
            """,
            [contact_id],
        )
    ]
    for c in cards:
        c["new"] = bool(c["new"])
        c["suspended"] = bool(c["suspended"])
    active = [c for c in cards if not c["suspended"]]
    return {
        "cards": len(active),
        "new": sum(c["new"] for c in active),
        "due_now": sum(1 for c in active if not c["new"] and c["due"] <= now),
        "reviews": sum(c["reviews"] for c in cards),
        "items": cards,
    }


def list_contacts(
    store: Store,
    *,
    event: str | None = None,
    tag: str | None = None,
    company: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    """One summary row per contact: id, name, title, company, first e-mail and phone, tags."""
    where, params = [], []
    if event:
        where.append("contacts.id in (select contact_id from meetings where event_id = ?)")
        params.append(get_event(store, event)["id"])
    if tag:
        where.append(
            "contacts.id in (select contact_id from contact_tags join tags on tags.id = tag_id "
            "where tags.name = ?)"
        )
        params.append(tag.strip())
    if company:
        where.append("contacts.company like ? escape '\\'")
        escaped = company.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
    sql = (
        "select id, full_name, title, company, "
        "(select value from contact_methods m where m.contact_id = contacts.id and kind = 'email' "
        " order by id limit 1) as email, "
        "(select value from contact_methods m where m.contact_id = contacts.id and kind = 'phone' "
        " order by id limit 1) as phone, "
        "(select group_concat(name, char(31)) from (select tags.name from contact_tags "
        " join tags on tags.id = contact_tags.tag_id where contact_tags.contact_id = contacts.id "
        " order by tags.name)) as tags, "
        "last_contacted "
        "from contacts"
        + (" where " + " and ".join(where) if where else "")
        + " order by name_key, id"
        + (" limit ?" if limit else "")
    )
    if limit:
        params.append(limit)
    rows = []
    for r in store.db.query(sql, params):
        r = dict(r)
        r["tags"] = r["tags"].split("\x1f") if r["tags"] else []
        rows.append(r)
    return rows


def _event_id_for_note(store: Store, contact_id: int, event: str | None) -> int | None:
    ev = event_for(store, event)
    if ev is not None:
        link_contact(store, contact_id, ev["id"])
        return ev["id"]
    # A note written right after an event belongs to the latest event the person was met at.
    rows = list(
        store.db.query(
            "select event_id from meetings where contact_id = ? order by id desc limit 1",
            [contact_id],
        )
    )
    return rows[0]["event_id"] if rows else None


def add_note(store: Store, contact_ref: str | int, text: str, *, event: str | None = None) -> dict:
    """Keep a note about a contact; its '- ' bullet lines become talking points to drill."""
    text = clean_text(text or "")
    if not text.strip():
        raise NamecardsError("the note is empty")
    contact_id = resolve_contact(store, contact_ref)
    stamp = store.now_iso()
    points = split_bullets(text)
    db = store.db
    with db.atomic():
        event_id = _event_id_for_note(store, contact_id, event)
        note_id = db["notes"].insert(
            {"contact_id": contact_id, "event_id": event_id, "text": text, "created": stamp,
             "updated": stamp}
        ).last_pk
        for position, point in enumerate(points, 1):
            db["talking_points"].insert(
                {"contact_id": contact_id, "event_id": event_id, "note_id": note_id,
                 "position": position, "text": point, "created": stamp}
            )
        sync_cards(store, contact_id)
    return {"contact_id": contact_id, "note_id": note_id, "event_id": event_id, "points": points}


def get_note(store: Store, note_id: int | str, contact_id: int | None = None) -> dict:
    text = str(note_id).lstrip("#")
    if not text.isdigit():
        raise NamecardsError(f"a note is named by its id, not {note_id!r}", kind="note")
    rows = list(store.db["notes"].rows_where("id = ?", [int(text)]))
    if not rows or (contact_id is not None and rows[0]["contact_id"] != contact_id):
        whose = f" of contact #{contact_id}" if contact_id is not None else ""
        raise NotFound(f"no note #{text}{whose}")
    return rows[0]


def edit_note(store: Store, note_id: int | str, text: str, *, contact_ref=None) -> dict:
    """Replace a note's text and bring its talking points up to date.

    Points are matched by their text: an unchanged point keeps its row, its drill card and the
    card's reviews (only its position follows the new order). A point no longer in the note is
    marked removed and its card suspended, so the reviews still say what was asked; a new point
    gets a new card. A point that comes back (same text) gets its old row and card back.
    """
    text = clean_text(text or "")
    if not text.strip():
        raise InvalidValue("the note is empty", kind="note")
    contact_id = resolve_contact(store, contact_ref) if contact_ref is not None else None
    note = get_note(store, note_id, contact_id)
    contact_id = note["contact_id"]
    db = store.db
    stamp = store.now_iso()
    new_points = split_bullets(text)
    old = [dict(r) for r in db.query(
        "select id, text, removed from talking_points where note_id = ? order by removed is not null, "
        "position, id", [note["id"]])]
    kept, added, revived = [], [], []
    unused = list(old)
    with db.atomic():
        db["notes"].update(note["id"], {"text": text, "updated": stamp})
        for position, point in enumerate(new_points, 1):
            match = next((p for p in unused if p["text"] == point), None)
            if match is None:
                # A point whose text changed only in case, accents or spacing is the same point.
                match = next((p for p in unused if fold(p["text"]) == fold(point)), None)
            if match is not None:
                unused.remove(match)
                db["talking_points"].update(
                    match["id"], {"position": position, "text": point, "removed": None})
                if match["removed"]:
                    revived.append(match["id"])
                    db.execute("update drill_cards set suspended = 0 where talking_point_id = ?",
                               [match["id"]])
                else:
                    kept.append(match["id"])
            else:
                added.append(db["talking_points"].insert(
                    {"contact_id": contact_id, "event_id": note["event_id"], "note_id": note["id"],
                     "position": position, "text": point, "created": stamp}).last_pk)
        removed = [p["id"] for p in unused if not p["removed"]]
        for point_id in removed:
            db["talking_points"].update(point_id, {"removed": stamp})
            db.execute("update drill_cards set suspended = 1 where talking_point_id = ?", [point_id])
        sync_cards(store, contact_id)
    return {"contact_id": contact_id, "note_id": note["id"], "points": new_points,
            "kept": kept, "added": added, "removed": removed, "revived": revived}


def delete_note(store: Store, note_id: int | str, *, contact_ref=None) -> dict:
    """Delete a note, its talking points, their drill cards and those cards' reviews."""
    contact_id = resolve_contact(store, contact_ref) if contact_ref is not None else None
    note = get_note(store, note_id, contact_id)
    db = store.db
    with db.atomic():
        point_ids = [r["id"] for r in db.query(
            "select id from talking_points where note_id = ?", [note["id"]])]
        _delete_point_rows(store, point_ids)
        db["notes"].delete(note["id"])
    return {"contact_id": note["contact_id"], "note_id": note["id"], "points": len(point_ids)}


# Rows about a person that the address book keeps; deleting the person (or a note, a point)
# deletes them. Rows of any other table that point at what is deleted (an interview question
# the person answered, say) keep existing and lose the reference, where the column allows.
_OWNED = {"contact_methods", "meetings", "notes", "talking_points", "scans", "letters",
          "contact_tags", "drill_cards", "reviews"}


def _delete_point_rows(store: Store, point_ids: list[int]) -> None:
    """Delete talking points with their drill cards and those cards' reviews."""
    purge_rows(store.db, "talking_points", point_ids)


def purge_rows(db, table: str, ids: list[int], *, _depth: int = 0) -> None:
    """Delete rows of `table` by id after what references them through a foreign key:
    address-book rows recursively (reviews of drill cards of talking points ...), rows of
    other tables by setting the reference to NULL (or deleting them when it cannot be)."""
    if not ids or _depth > 8:
        return
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        for child, column in referencing_columns(db, table):
            if child not in _OWNED:
                notnull = {c.name: c.notnull for c in db[child].columns}.get(column)
                if not notnull:
                    db.execute(f"update [{child}] set [{column}] = null "
                               f"where [{column}] in ({marks})", chunk)
                    continue
            child_ids = [r[0] for r in db.execute(
                f"select rowid from [{child}] where [{column}] in ({marks})", chunk)]
            purge_rows(db, child, child_ids, _depth=_depth + 1)
        db.execute(f"delete from [{table}] where rowid in ({marks})", chunk)


def delete_contact(store: Store, contact_ref: str | int) -> dict:
    """Delete a contact and everything about it: methods, meetings, notes, points, drill cards
    and their reviews, letters, tags, scans (and the card images no other scan uses). Rows
    other parts keep that mention the person (an interview question they answered) stay,
    without the reference."""
    contact_id = resolve_contact(store, contact_ref)
    db = store.db
    row = db["contacts"].get(contact_id)
    images = [r for r in db.query(
        "select path, card_path from scans where contact_id = ?", [contact_id])]
    with db.atomic():
        purge_rows(db, "contacts", [contact_id])
        db.execute("delete from tags where id not in (select tag_id from contact_tags)")
    for r in images:
        for rel in (r["path"], r["card_path"]):
            if rel and not list(db.query(
                    "select 1 from scans where path = ? or card_path = ? limit 1", [rel, rel])):
                (store.home / rel).unlink(missing_ok=True)
    return {"id": contact_id, "full_name": row["full_name"]}


SEARCH_CAP = 1000
SEARCH_MAX_WORDS = 64
SEARCH_MAX_CHARS = 2000

_WORD = re.compile(r"\w+")


def make_snippet(text: str, terms: list[str], *, words: int = 10) -> str | None:
    """About `words` words around the first match, from the line it is on (a note's bullet
    reads as itself), each matching word (its folded form starts with a folded term) in
    [brackets]; None when nothing matches.

    Done here rather than with FTS5's snippet(): that one re-runs the match per row, which
    costs a millisecond a row for a common prefix."""
    from namecards.formats import strip_cloze

    # A talking point's {{cloze}} marks are for the drill, not for reading.
    text = strip_cloze(text)
    prefixes = tuple(terms)

    def matches(word: str) -> bool:
        return (word.lower() if word.isascii() else fold(word)).startswith(prefixes)

    for line in text.splitlines() or [text]:
        tokens = list(_WORD.finditer(line))
        first_hit = next((i for i, m in enumerate(tokens) if matches(m.group())), None)
        if first_hit is None:
            continue
        first = max(0, min(first_hit - words // 3, len(tokens) - words))
        last = min(len(tokens), first + words)
        start = 0 if first == 0 else tokens[first].start()
        end = len(line) if last == len(tokens) else tokens[last - 1].end()
        out, pos = [], start
        for i in range(first, last):
            m = tokens[i]
            out.append(line[pos:m.start()])
            out.append(f"[{m.group()}]" if matches(m.group()) else m.group())
            pos = m.end()
        out.append(line[pos:end])
        snippet = " ".join("".join(out).split())
        return ("…" if first > 0 else "") + snippet + ("…" if last < len(tokens) else "")
    return None


def _fts_term(term: str, suffix: str = "") -> str:
    return f'"{term}"{suffix}'


def search_contacts(store: Store, query: str, *, limit: int = 50) -> list[dict]:
    """Full-text search over names, companies, titles, notes and talking points, best first.

    Every word must match (the last one as a prefix; accents and case ignored) within one name
    row, note or talking point (see below for words found in very many rows). Each hit
    carries a snippet with the matches in [brackets] and where it was found (`field`).
    Names, companies and titles weigh more than notes.
    """
    terms = [t for t in re.split(r"[^\w]+", fold(query)) if t]
    if not terms:
        return []
    if len(terms) > SEARCH_MAX_WORDS or len(query) > SEARCH_MAX_CHARS:
        # Every word must match within one name, note or point: a pasted page matches none,
        # and its full-text query alone would take seconds (30,000 words: 4 s).
        return []
    db = store.db
    # The index holds names, notes and talking points folded (store.schema.fold_sql plus the
    # tokenizer): the folded words are the ones to ask for.
    exact = " AND ".join(_fts_term(t) for t in terms)
    # As in a search box, the last word may be unfinished: it matches as a prefix. The others
    # match whole words (a prefix query merges whole posting lists up front, which costs).
    prefix = " AND ".join([_fts_term(t) for t in terms[:-1]] + [_fts_term(terms[-1], "*")])
    params = {"exact": exact, "prefix": prefix, "limit": limit, "cap": SEARCH_CAP,
              "few": max(100, 4 * limit)}
    # Ranking (bm25) costs per matching row plus a pass over each word's whole posting list.
    # For rare words both are cheap. When the words, taken whole, already match more than
    # SEARCH_CAP rows of a table (a company everyone works at, a word in every other note),
    # that table's hits are its newest whole-word matches (4 x limit), unranked (score 0, after
    # every ranked hit), and `hits` counts only those. Otherwise at most the newest SEARCH_CAP
    # matching rows are ranked.
    # (score, -hit, field, hit, contact_id) per hit; the best per contact is its smallest.
    best: dict[int, tuple] = {}
    counts: dict[int, int] = {}
    for fts, field, weights, table in (
        ("contacts_fts", "contact", ", 10.0, 4.0, 2.0", None),
        ("notes_fts", "note", "", "notes"),
        ("talking_points_fts", "talking point", "", "talking_points"),
    ):
        common = next(db.execute(
            f"select count(*) from (select rowid from {fts} where {fts} match :exact "
            "limit :cap + 1)", params))[0] > SEARCH_CAP
        if common:
            # Unranked, so the newest few rows fill the page; reading more costs a page
            # read per row.
            picked = (f"select rowid, 0.0 as score from {fts} where {fts} match :exact "
                      "order by rowid desc limit :few")
        else:
            picked = (f"select rowid, bm25({fts}{weights}) as score from {fts} "
                      f"where {fts} match :prefix and rowid >= coalesce((select min(rowid) "
                      f"from (select rowid from {fts} where {fts} match :prefix "
                      "order by rowid desc limit :cap)), 0)")
        if table is None:
            sql = f"select rowid as hit, rowid as contact_id, score from ({picked})"
        else:
            removed = " and t.removed is null" if table == "talking_points" else ""
            sql = (f"select t.id as hit, t.contact_id, p.score from ({picked}) p "
                   f"join {table} t on t.id = p.rowid{removed}")
        for hit, contact_id, score in db.execute(sql, params):
            counts[contact_id] = counts.get(contact_id, 0) + 1
            key = (score, -hit, field, hit, contact_id)
            if contact_id not in best or key < best[contact_id]:
                best[contact_id] = key
    # Names also match by their folded key, every word as a word start, as `show` resolves
    # them ("sor ole" finds Ole Sørensen, which the index, whole words but the last, does
    # not). These hits are unranked (score 0), after every ranked one.
    # Word starts, as the index matches: "ros" finds Rosa, not Ambrose.
    where = " and ".join("instr(' ' || name_key, ?) > 0" for _ in terms)
    for (contact_id,) in db.execute(
            f"select id from contacts where {where} order by id desc limit ?",
            [*(" " + t for t in terms), max(100, 4 * limit)]):
        if contact_id not in best:
            counts[contact_id] = counts.get(contact_id, 0) + 1
            best[contact_id] = (0.0, -contact_id, "contact", contact_id, contact_id)
    if not best:
        return []
    # Ties (unranked hits) go to the newest; then by name.
    top = sorted(best.values())[: limit * 4]
    ids = [k[4] for k in top]
    people = {r["id"]: dict(r) for r in db.query(
        f"select id, full_name, title, company, name_key from contacts "
        f"where id in ({', '.join('?' for _ in ids)})", ids)}
    top.sort(key=lambda k: (k[0], k[1], people[k[4]]["name_key"] or ""))
    rows = []
    for score, _, field, hit, contact_id in top[:limit]:
        person = people[contact_id]
        r = {"id": contact_id, "full_name": person["full_name"], "title": person["title"],
             "company": person["company"], "score": score, "hits": counts[contact_id],
             "field": field}
        if field == "contact":
            texts = [r["full_name"], r["company"], r["title"]]
        else:
            table = "notes" if field == "note" else "talking_points"
            texts = [next(db.query(f"select text from {table} where id = ?", [hit]))["text"]]
        r["snippet"] = next((sn for sn in (make_snippet(t or "", terms) for t in texts) if sn),
                            None)
        rows.append(r)
    return rows
