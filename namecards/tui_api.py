"""Read models the full-screen app needs and the other modules do not yet offer.

Readiness before events, follow-ups due, a contact's drill status and letters, review history
for the stats screen, marking a letter sent. Pure reads except `mark_letter_sent`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from namecards import deck, drilling
from namecards.events import list_events
from namecards.store import Store, utcnow

FOLLOW_UP_HOURS = 24
FOLLOW_UP_WINDOW_DAYS = 30
READY = 0.9


def _aware(text: str | None) -> datetime | None:
    if not text:
        return None
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def due_now(store: Store, now: datetime | None = None) -> int:
    """How many drill cards are due now (new cards count: they are due when created)."""
    now = now or utcnow()
    return sum(1 for card in deck.load_cards(store) if card["due"] <= now)


def event_readiness(store: Store, now: datetime | None = None) -> list[dict]:
    """Upcoming events (soonest first) with the mean predicted recall of their cards at event time."""
    now = now or utcnow()
    out = []
    for event in list_events(store):
        when = deck.event_time(event)
        if when is None or when <= now:
            continue
        cards = deck.load_cards(store, event_id=event["id"])
        recalls = [drilling.retrievability_at(c["fsrs_state"], when) for c in cards]
        out.append({
            "event": event,
            "when": when,
            "people": event["people"],
            "cards": len(cards),
            "readiness": sum(recalls) / len(recalls) if recalls else None,
            "weak": sum(1 for r in recalls if r < READY),
        })
    out.sort(key=lambda e: e["when"])
    return out


def letters_due(store: Store, now: datetime | None = None) -> list[dict]:
    """People met at a past event who have no sent letter for it: due 24 h after the event."""
    now = now or utcnow()
    rows = store.db.query(
        "select meetings.contact_id, meetings.follow_up_due, contacts.full_name, events.id as "
        "event_id, events.name as event_name, events.date, "
        "(select count(*) from letters l where l.contact_id = meetings.contact_id and "
        " (l.event_id = events.id or l.event_id is null)) as drafts, "
        "(select count(*) from letters l where l.contact_id = meetings.contact_id and "
        " (l.event_id = events.id or l.event_id is null) and l.sent is not null) as sent "
        "from meetings join events on events.id = meetings.event_id "
        "join contacts on contacts.id = meetings.contact_id where events.date is not null"
    )
    out = []
    for r in rows:
        when = deck.event_time({"date": r["date"]})
        if r["sent"] or when is None or when > now:
            continue
        due = _aware(r["follow_up_due"]) or when + timedelta(hours=FOLLOW_UP_HOURS)
        if now - due > timedelta(days=FOLLOW_UP_WINDOW_DAYS):
            continue
        out.append({"contact_id": r["contact_id"], "full_name": r["full_name"],
                    "event_id": r["event_id"], "event": r["event_name"], "due": due,
                    "overdue": due < now, "drafted": bool(r["drafts"])})
    out.sort(key=lambda x: (x["due"], x["full_name"]))
    return out


def drill_status(store: Store, contact_id: int, now: datetime | None = None) -> list[dict]:
    """One row per drill card of a contact: kind, what it asks, due, predicted recall now."""
    now = now or utcnow()
    rows = store.db.query(
        "select drill_cards.*, talking_points.text as point from drill_cards left join "
        "talking_points on talking_points.id = drill_cards.talking_point_id "
        "where drill_cards.contact_id = ? order by drill_cards.id", [contact_id])
    out = []
    for r in rows:
        state = json.loads(r["fsrs_state"]) if r["fsrs_state"] else None
        out.append({"id": r["id"], "kind": r["kind"], "point": r["point"],
                    "due": _aware(r["due"]), "new": state is None,
                    "recall": drilling.retrievability_at(state, now) if state else None,
                    "lapses": r["lapses"] or 0, "leech": bool(r["leech"]),
                    "suspended": bool(r["suspended"])})
    return out


def letters_for(store: Store, contact_id: int) -> list[dict]:
    rows = store.db.query(
        "select id, template, format, subject, path, created, sent from letters "
        "where contact_id = ? order by id", [contact_id])
    return [dict(r) for r in rows]


def latest_letter(store: Store, contact_id: int) -> dict | None:
    letters = letters_for(store, contact_id)
    return letters[-1] if letters else None


def mark_letter_sent(store: Store, letter_id: int, when: datetime | None = None) -> None:
    """Record that a letter went out; the contact's last_contacted follows."""
    stamp = (when or utcnow()).astimezone(timezone.utc).isoformat(timespec="seconds")
    db = store.db
    letter = db["letters"].get(letter_id)
    with db.atomic():
        db["letters"].update(letter_id, {"sent": stamp})
        db["contacts"].update(letter["contact_id"], {"last_contacted": stamp})


def reviews_per_day(store: Store, *, days: int = 30, now: datetime | None = None) -> list[int]:
    """Review counts for each of the last `days` days (UTC), oldest first, today last."""
    now = now or utcnow()
    start = (now - timedelta(days=days - 1)).date()
    counts = [0] * days
    for r in store.db.query(
        "select substr(reviewed_at, 1, 10) as day, count(*) as n from reviews "
        "where reviewed_at >= ? group by day", [start.isoformat()]):
        index = (datetime.fromisoformat(r["day"]).date() - start).days
        if 0 <= index < days:
            counts[index] = r["n"]
    return counts


def hardest_cards(store: Store, *, limit: int = 20) -> list[dict]:
    """Leeches first, then the cards forgotten most often."""
    rows = store.db.query(
        "select drill_cards.id, drill_cards.kind, drill_cards.lapses, drill_cards.leech, "
        "drill_cards.contact_id, contacts.full_name, talking_points.text as point, "
        "(select count(*) from reviews where reviews.card_id = drill_cards.id) as reviews, "
        "(select count(*) from reviews where reviews.card_id = drill_cards.id and rating = 1) "
        "as again from drill_cards join contacts on contacts.id = drill_cards.contact_id "
        "left join talking_points on talking_points.id = drill_cards.talking_point_id "
        "where drill_cards.lapses > 0 or drill_cards.leech = 1 or exists (select 1 from reviews "
        "where reviews.card_id = drill_cards.id and rating = 1) "
        "order by drill_cards.leech desc, again desc, drill_cards.lapses desc limit ?", [limit])
    return [dict(r) for r in rows]


def tag_names(store: Store) -> list[str]:
    return [r["name"] for r in store.db.query("select name from tags order by name")]


def untag_contact(store: Store, contact_id: int, tag: str) -> None:
    store.db.execute(
        "delete from contact_tags where contact_id = ? and tag_id in "
        "(select id from tags where name = ?)", [contact_id, tag])


def delete_contact(store: Store, contact_id: int) -> None:
    """Remove a contact and everything about them; their scans stay, unlinked, for the record."""
    db = store.db
    with db.atomic():
        db.execute("delete from reviews where card_id in "
                   "(select id from drill_cards where contact_id = ?)", [contact_id])
        for table in ("drill_cards", "talking_points", "notes", "letters", "meetings",
                      "contact_methods", "contact_tags"):
            db.execute(f"delete from {table} where contact_id = ?", [contact_id])
        db.execute("update scans set contact_id = null where contact_id = ?", [contact_id])
        db["contacts"].delete(contact_id)


def set_methods(store: Store, contact_id: int, kind: str, values: list[str]) -> None:
    """Make a contact's e-mails, phones or URLs exactly `values` (already normalised)."""
    db = store.db
    with db.atomic():
        keep = set(values)
        for row in list(db.query("select id, value from contact_methods where contact_id = ? "
                                 "and kind = ?", [contact_id, kind])):
            if row["value"] not in keep:
                db.execute("delete from contact_methods where id = ?", [row["id"]])
        for value in values:
            db.execute("insert or ignore into contact_methods (contact_id, kind, value) "
                       "values (?, ?, ?)", [contact_id, kind, value])
