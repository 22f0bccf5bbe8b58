"""Read models the full-screen app needs and the other modules do not offer.

A contact's drill status at a given time and their letters, review history for the stats
screen, marking a letter sent. Pure reads except `mark_letter_sent`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from namecards import drilling
from namecards.clock import parse_utc, utc_text
from namecards.store import Store


def _aware(text: str | None) -> datetime | None:
    if not text:
        return None
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def cards_with_recall(store: Store, contact_id: int, now: datetime | None = None) -> list[dict]:
    """One row per drill card of a contact: kind, what it asks, due, predicted recall now (the
    contact detail's card list; the counts `show` prints are `contacts.drill_summary`)."""
    now = now or store.now()
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
    stamp = (when or store.now()).astimezone(UTC).isoformat(timespec="seconds")
    db = store.db
    letter = db["letters"].get(letter_id)
    with db.atomic():
        db["letters"].update(letter_id, {"sent": stamp})
        db["contacts"].update(letter["contact_id"], {"last_contacted": stamp})


def reviews_per_day(store: Store, *, days: int = 30, now: datetime | None = None) -> list[int]:
    """Review counts for each of the last `days` days (UTC), oldest first, today last."""
    now = now or store.now()
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


# ---------------------------------------------------------------- the letter screen's draft

def kept_draft(store: Store, contact_id: int) -> str | None:
    """The body of the edited draft the user left unsent for this contact, if any."""
    row = next(store.db.query(
        "select body from letters where contact_id = ? and sent is null and "
        "template = 'edited' order by id desc limit 1", [contact_id]), None)
    return row["body"] if row else None


def forget_kept_draft(store: Store, contact_id: int) -> None:
    store.db.execute("delete from letters where contact_id = ? and sent is null and "
                     "template = 'edited'", [contact_id])


def keep_draft(store: Store, contact_id: int, *, event_id: int | None, subject: str,
               body: str) -> None:
    """Keep an edited, unsent draft (replacing the one kept before) so it reopens next time."""
    forget_kept_draft(store, contact_id)
    store.db["letters"].insert(
        {"contact_id": contact_id, "event_id": event_id, "template": "edited",
         "format": "txt", "subject": subject, "body": body, "path": None,
         "created": store.now_iso()})


# ---------------------------------------------------------------- the dashboard's next steps

def first_not_followed_up(store: Store, event_id: int) -> int | None:
    """The first person met at the event who has not had a follow-up yet."""
    row = next(store.db.query(
        "select contact_id from meetings where event_id = ? and followed_up is null "
        "order by id", [event_id]), None)
    return row["contact_id"] if row else None


def first_without_notes(store: Store, event_id: int) -> int | None:
    """The first person met at the event with no note yet."""
    row = next(store.db.query(
        "select contact_id from meetings where event_id = ? and not exists (select 1 "
        "from notes where notes.contact_id = meetings.contact_id) order by id",
        [event_id]), None)
    return row["contact_id"] if row else None


# ---------------------------------------------------------------- the drill's closing line

def next_review_due(store: Store, now: datetime) -> datetime | None:
    """When the next reviewed card falls due after `now` (None when none is scheduled)."""
    row = next(store.db.query(
        "select min(due) as due from drill_cards where suspended = 0 and fsrs_state is not null "
        "and due > ?", [utc_text(now)]), None)
    return parse_utc(row["due"]) if row and row["due"] else None
