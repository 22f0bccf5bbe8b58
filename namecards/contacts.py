"""Contacts: the people you met, with their e-mails, phones, notes and talking points."""

from __future__ import annotations

import json
import uuid

from namecards import NamecardsError
from namecards.events import event_for, link_contact
from namecards.store import Store, now_iso
from namecards.text import fold, normalise_email, normalise_phone, split_bullets

CONTACT_FIELDS = (
    "full_name", "given_name", "family_name", "pronunciation", "mnemonic",
    "title", "company", "website", "address", "photo",
)
METHOD_KINDS = {"emails": "email", "phones": "phone", "urls": "url"}


class AmbiguousContact(NamecardsError):
    pass


def _split_name(full_name: str) -> tuple[str | None, str | None]:
    from nameparser import HumanName

    parsed = HumanName(full_name)
    given = " ".join(p for p in (parsed.first, parsed.middle) if p) or None
    return given, parsed.last or None


def find_duplicates(store: Store, *, emails=(), phones=(), exclude: int | None = None) -> list[int]:
    """Contacts that share an e-mail or a phone with the given ones."""
    values = [("email", e) for e in emails] + [("phone", p) for p in phones]
    found: list[int] = []
    for kind, value in values:
        for row in store.db.query(
            "select contact_id from contact_methods where kind = ? and value = ?", [kind, value]
        ):
            if row["contact_id"] != exclude and row["contact_id"] not in found:
                found.append(row["contact_id"])
    return found


def _normalised_methods(emails, phones, urls, region=None, force=False) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"email": [], "phone": [], "url": []}
    for raw in emails or ():
        try:
            out["email"].append(normalise_email(raw))
        except ValueError as e:
            if not force:
                raise NamecardsError(f"{e}; use --force to store it as given") from None
            out["email"].append(raw.strip())
    for raw in phones or ():
        try:
            out["phone"].append(normalise_phone(raw, region))
        except ValueError as e:
            if not force:
                raise NamecardsError(f"{e}; use --force to store it as given") from None
            out["phone"].append(raw.strip())
    out["url"] = [u.strip() for u in urls or () if u.strip()]
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
    event: str | None = None,
    role: str | None = None,
    tags=(),
    region: str | None = None,
    force: bool = False,
) -> int:
    """Add a person; refuse a likely duplicate (same e-mail or phone) unless `force`."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise NamecardsError("a contact needs a name (--name)")
    methods = _normalised_methods(emails, phones, urls, region, force)
    if not force:
        dupes = find_duplicates(store, emails=methods["email"], phones=methods["phone"])
        if dupes:
            other = store.db["contacts"].get(dupes[0])
            raise NamecardsError(
                f"looks like #{other['id']} {other['full_name']} (same e-mail or phone); "
                "use --force to add anyway, or namecards edit to update that contact"
            )
    if not (given_name or family_name):
        given_name, family_name = _split_name(full_name)
    ev = event_for(store, event)
    stamp = now_iso()
    db = store.db
    with db.atomic():
        contact_id = db["contacts"].insert(
            {
                "uid": str(uuid.uuid4()),
                "full_name": full_name,
                "given_name": given_name,
                "family_name": family_name,
                "name_key": fold(full_name),
                "title": title,
                "company": company,
                "website": website,
                "address": address,
                "created": stamp,
                "updated": stamp,
            }
        ).last_pk
        _add_methods(store, contact_id, methods)
        if ev:
            link_contact(store, contact_id, ev["id"], role)
        for tag in tags or ():
            tag_contact(store, contact_id, tag)
        from namecards.deck import sync_cards

        sync_cards(store, contact_id)
    return contact_id


def _add_methods(store: Store, contact_id: int, methods: dict[str, list[str]]) -> None:
    for kind, values in methods.items():
        for value in values:
            store.db.execute(
                "insert or ignore into contact_methods (contact_id, kind, value) values (?, ?, ?)",
                [contact_id, kind, value],
            )


def update_contact(store: Store, contact_id: int, fields: dict, *, fill_only: bool = False) -> None:
    """Change a contact's fields; with `fill_only`, only blanks are filled (never overwritten)."""
    current = store.db["contacts"].get(contact_id)
    changes = {}
    for key in CONTACT_FIELDS:
        value = fields.get(key)
        if value in (None, ""):
            continue
        if fill_only and current.get(key):
            continue
        changes[key] = value
    if "full_name" in changes:
        changes["name_key"] = fold(changes["full_name"])
    if changes:
        changes["updated"] = now_iso()
        store.db["contacts"].update(contact_id, changes)


def tag_contact(store: Store, contact_id: int, tag: str) -> None:
    tag = tag.strip()
    if not tag:
        return
    store.db.execute("insert or ignore into tags (name) values (?)", [tag])
    tag_id = next(store.db.query("select id from tags where name = ?", [tag]))["id"]
    store.db.execute(
        "insert or ignore into contact_tags (contact_id, tag_id) values (?, ?)", [contact_id, tag_id]
    )


def resolve_contact(store: Store, ref: str | int) -> int:
    """A contact id from an id or any unambiguous part of a name (case and accents ignored)."""
    db = store.db
    text = str(ref).strip()
    if text.isdigit():
        if list(db["contacts"].rows_where("id = ?", [int(text)], select="id")):
            return int(text)
        raise NamecardsError(f"no contact #{text}")
    key = fold(text)
    if not key:
        raise NamecardsError("name a contact by id or by part of the name")
    words = key.split()
    where = " and ".join("name_key like ?" for _ in words)
    rows = list(
        db.query(
            f"select id, full_name, company from contacts where {where} order by name_key limit 21",
            [f"%{w}%" for w in words],
        )
    )
    exact = [r for r in rows if fold(r["full_name"]) == key]
    if len(exact) == 1:
        return exact[0]["id"]
    if len(rows) == 1:
        return rows[0]["id"]
    if rows:
        listing = "; ".join(
            f"#{r['id']} {r['full_name']}" + (f" ({r['company']})" if r["company"] else "")
            for r in rows[:8]
        )
        raise AmbiguousContact(f"{text!r} matches {len(rows)} contacts: {listing}")
    raise NamecardsError(f"no contact matches {text!r}{_closest_hint(store, key)}")


def _closest_hint(store: Store, key: str) -> str:
    from rapidfuzz import fuzz, process

    names = {r["id"]: r["name_key"] for r in store.db.query("select id, name_key from contacts")}
    best = process.extract(key, names, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    if not best:
        return ""
    shown = [store.db["contacts"].get(cid)["full_name"] for _, _, cid in best]
    return "; closest: " + ", ".join(shown)


def get_contact(store: Store, contact_id: int) -> dict:
    """Everything about one contact, as the dict the exports, letters and `show --json` use."""
    db = store.db
    contact = dict(db["contacts"].get(contact_id))
    contact.pop("name_key", None)
    for key, kind in METHOD_KINDS.items():
        contact[key] = [
            {"value": r["value"], "label": r["label"]}
            for r in db.query(
                "select value, label from contact_methods where contact_id = ? and kind = ? order by id",
                [contact_id, kind],
            )
        ]
    contact["tags"] = [
        r["name"]
        for r in db.query(
            "select tags.name from tags join contact_tags on tags.id = contact_tags.tag_id "
            "where contact_tags.contact_id = ? order by tags.name",
            [contact_id],
        )
    ]
    contact["events"] = [
        dict(r)
        for r in db.query(
            "select events.id, events.name, events.date, events.company, events.kind, meetings.role "
            "from meetings join events on events.id = meetings.event_id "
            "where meetings.contact_id = ? order by coalesce(events.date, events.created)",
            [contact_id],
        )
    ]
    contact["notes"] = [
        dict(r)
        for r in db.query(
            "select id, text, event_id, created from notes where contact_id = ? order by id",
            [contact_id],
        )
    ]
    contact["talking_points"] = [
        dict(r)
        for r in db.query(
            "select id, text, event_id, note_id, position from talking_points "
            "where contact_id = ? order by note_id, position, id",
            [contact_id],
        )
    ]
    contact["scans"] = [
        {
            "id": r["id"],
            "sha256": r["sha256"],
            "path": r["path"],
            "card_path": r["card_path"],
            "name_boxes": json.loads(r["name_boxes"] or "[]"),
        }
        for r in db.query(
            "select id, sha256, path, card_path, name_boxes from scans where contact_id = ? order by id",
            [contact_id],
        )
    ]
    return contact


def list_contacts(
    store: Store, *, event: str | None = None, tag: str | None = None, company: str | None = None
) -> list[dict]:
    """One summary row per contact: id, name, title, company, first e-mail and phone."""
    where, params = [], []
    if event:
        from namecards.events import get_event

        where.append("contacts.id in (select contact_id from meetings where event_id = ?)")
        params.append(get_event(store, event)["id"])
    if tag:
        where.append(
            "contacts.id in (select contact_id from contact_tags join tags on tags.id = tag_id "
            "where tags.name = ?)"
        )
        params.append(tag)
    if company:
        where.append("contacts.company like ?")
        params.append(f"%{company}%")
    sql = (
        "select id, full_name, title, company, "
        "(select value from contact_methods m where m.contact_id = contacts.id and kind = 'email' "
        " order by id limit 1) as email, "
        "(select value from contact_methods m where m.contact_id = contacts.id and kind = 'phone' "
        " order by id limit 1) as phone "
        "from contacts"
        + (" where " + " and ".join(where) if where else "")
        + " order by name_key"
    )
    return [dict(r) for r in store.db.query(sql, params)]


def add_note(store: Store, contact_ref: str | int, text: str, *, event: str | None = None) -> dict:
    """Keep a note about a contact; its '- ' bullet lines become talking points to drill."""
    if not text or not text.strip():
        raise NamecardsError("the note is empty")
    contact_id = resolve_contact(store, contact_ref)
    ev = event_for(store, event)
    if ev is None:
        # A note written right after an event belongs to the latest event the person was met at.
        rows = list(
            store.db.query(
                "select event_id from meetings where contact_id = ? order by id desc limit 1",
                [contact_id],
            )
        )
        event_id = rows[0]["event_id"] if rows else None
    else:
        event_id = ev["id"]
        link_contact(store, contact_id, event_id)
    stamp = now_iso()
    points = split_bullets(text)
    db = store.db
    with db.atomic():
        note_id = db["notes"].insert(
            {"contact_id": contact_id, "event_id": event_id, "text": text, "created": stamp,
             "updated": stamp}
        ).last_pk
        for position, point in enumerate(points, 1):
            db["talking_points"].insert(
                {"contact_id": contact_id, "event_id": event_id, "note_id": note_id,
                 "position": position, "text": point, "created": stamp}
            )
        from namecards.deck import sync_cards

        sync_cards(store, contact_id)
    return {"contact_id": contact_id, "note_id": note_id, "event_id": event_id, "points": points}


def search_contacts(store: Store, query: str, *, limit: int = 50) -> list[dict]:
    """Full-text search over names, companies, titles, notes and talking points, best first."""
    from sqlite_utils.db import Table  # noqa: F401  (keeps the import cost where it is used)

    terms = [t for t in fold(query).replace('"', " ").split() if t]
    if not terms:
        return []
    match = " ".join(f'"{t}"*' for t in terms)
    sql = """
        with hits as (
            select rowid as contact_id, bm25(contacts_fts) as score,
                   snippet(contacts_fts, -1, '[', ']', '…', 8) as snippet
            from contacts_fts where contacts_fts match :q
            union all
            select notes.contact_id, bm25(notes_fts),
                   snippet(notes_fts, -1, '[', ']', '…', 8)
            from notes_fts join notes on notes.id = notes_fts.rowid where notes_fts match :q
            union all
            select talking_points.contact_id, bm25(talking_points_fts),
                   snippet(talking_points_fts, -1, '[', ']', '…', 8)
            from talking_points_fts join talking_points on talking_points.id = talking_points_fts.rowid
            where talking_points_fts match :q
        )
        select contacts.id, contacts.full_name, contacts.title, contacts.company,
               min(hits.score) as score, hits.snippet
        from hits join contacts on contacts.id = hits.contact_id
        group by contacts.id order by score limit :limit
    """
    return [dict(r) for r in store.db.query(sql, {"q": match, "limit": limit})]
