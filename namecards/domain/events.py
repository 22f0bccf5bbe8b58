"""Events: where and when you met people (an interview day, a fair, a meeting)."""

from __future__ import annotations

from datetime import date, datetime

from namecards.errors import Ambiguous, NamecardsError, NotFound
from namecards.store import Store
from namecards.text import fold

EVENT_KINDS = ("interview", "fair", "meeting", "other")

# When a follow-up to someone met at an event is due: as set, else the day after the event.
FOLLOW_UP_DUE_SQL = (
    "coalesce(meetings.follow_up_due, "
    "date(coalesce(substr(events.date, 1, 10), substr(meetings.created, 1, 10)), '+1 day'))"
)


def parse_event_date(value: str | None) -> str | None:
    """Accept YYYY-MM-DD or YYYY-MM-DDTHH:MM; return it as ISO text."""
    if not value:
        return None
    value = value.strip()
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parsed = parse(value)
        except ValueError:
            continue
        return parsed.isoformat(timespec="minutes") if isinstance(parsed, datetime) else parsed.isoformat()
    raise NamecardsError(f"not a date: {value!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)")


def find_event(store: Store, ref: str | int) -> dict | None:
    """An event by id, exact name, or unambiguous fragment of its name (accents ignored)."""
    db = store.db
    if isinstance(ref, int) or str(ref).isdigit():
        rows = list(db["events"].rows_where("id = ?", [int(ref)]))
        if rows:
            return rows[0]
    rows = list(db["events"].rows_where("name = ?", [str(ref)]))
    if rows:
        return rows[0]
    key = fold(str(ref))
    matches = [e for e in db["events"].rows if key and key in fold(e["name"])]
    if len(matches) > 1:
        names = "; ".join(f"#{e['id']} {e['name']}" for e in matches[:8])
        raise Ambiguous(f"event {ref!r} is ambiguous: {names}", matches)
    return matches[0] if matches else None


def get_event(store: Store, ref: str | int) -> dict:
    event = find_event(store, ref)
    if event is None:
        raise NotFound(f"no event matches {ref!r}", kind="event", ref=str(ref))
    return event


def add_event(
    store: Store,
    name: str,
    *,
    date: str | None = None,
    company: str | None = None,
    kind: str = "interview",
) -> dict:
    """Create an event, or update the date/company of the one with that exact name."""
    name = name.strip()
    if not name:
        raise NamecardsError("an event needs a name")
    if kind not in EVENT_KINDS:
        raise NamecardsError(f"event kind must be one of {', '.join(EVENT_KINDS)}, not {kind!r}")
    when = parse_event_date(date)
    existing = list(store.db["events"].rows_where("name = ?", [name]))
    with store.db.atomic():
        if existing:
            changes = {k: v for k, v in {"date": when, "company": company}.items() if v}
            if changes:
                store.db["events"].update(existing[0]["id"], changes)
            event_id = existing[0]["id"]
        else:
            event_id = store.db["events"].insert(
                {"name": name, "date": when, "company": company, "kind": kind, "created": store.now_iso()}
            ).last_pk
    return store.db["events"].get(event_id)


def event_for(store: Store, ref: str | None, *, date: str | None = None) -> dict | None:
    """The event a command names with --event: an existing one, or a new one by that name."""
    if not ref:
        return None
    event = find_event(store, ref)
    if event is None:
        event = add_event(store, ref, date=date)
    elif date and not event.get("date"):
        store.db["events"].update(event["id"], {"date": parse_event_date(date)})
        event = store.db["events"].get(event["id"])
    return event


def list_events(store: Store) -> list[dict]:
    sql = """
        select events.*, count(meetings.id) as people
        from events left join meetings on meetings.event_id = events.id
        group by events.id order by coalesce(events.date, events.created) desc
    """
    return [dict(r) for r in store.db.query(sql)]


def link_contact(store: Store, contact_id: int, event_id: int, role: str | None = None) -> None:
    """Record that a contact was met at an event (idempotent; a role given later fills in)."""
    db = store.db
    rows = list(db["meetings"].rows_where("contact_id = ? and event_id = ?", [contact_id, event_id]))
    if rows:
        if role and not rows[0]["role"]:
            db["meetings"].update(rows[0]["id"], {"role": role})
        return
    db["meetings"].insert(
        {"contact_id": contact_id, "event_id": event_id, "role": role, "created": store.now_iso()}
    )


def show_event(store: Store, ref: str | int) -> dict:
    """An event with the people met there: role, follow-up due date and whether it is done."""
    event = dict(get_event(store, ref))
    event["people"] = [
        dict(r)
        for r in store.db.query(
            f"""
            select contacts.id, contacts.full_name, contacts.title, contacts.company,
                   meetings.role, {FOLLOW_UP_DUE_SQL} as follow_up_due, meetings.followed_up
            from meetings join contacts on contacts.id = meetings.contact_id
            join events on events.id = meetings.event_id
            where meetings.event_id = ? order by contacts.name_key, contacts.id
            """,
            [event["id"]],
        )
    ]
    return event
