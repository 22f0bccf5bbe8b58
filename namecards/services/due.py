"""What is due: drill cards due today and follow-ups due or overdue, grouped by event."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from namecards.domain.events import FOLLOW_UP_DUE_SQL
from namecards.store import Store


def _end_of_local_day(now: datetime) -> datetime:
    local = now.astimezone()
    end = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=local.tzinfo)
    return end.astimezone(timezone.utc)


def due(store: Store, *, now: datetime | None = None) -> dict:
    """Drills due by the end of today and follow-ups due by today, per event.

    A card counts under the latest event its contact was met at (or under no event). A
    follow-up is due the day after the event unless the meeting has its own date; it is done
    once the meeting is marked followed up, a letter to that person for that event (or for no
    event) is marked sent, or the contact was last contacted on or after the event.
    """
    now = now or store.now()
    today = now.astimezone().date()
    until = _end_of_local_day(now).isoformat(timespec="seconds")
    db = store.db
    # Count per contact first (one index range read), then file each contact's count under
    # its latest meeting: joining every card to its meeting is what costs at scale.
    drill_rows = db.query(
        """
        with per_contact as materialized (
            select contact_id, count(*) as cards, sum(new) as new from (
                select contact_id, 0 as new from drill_cards
                where suspended = 0 and fsrs_state is not null and due <= ?
                union all
                select contact_id, 1 from drill_cards  -- a new card is due from its creation
                where suspended = 0 and fsrs_state is null
            ) group by contact_id
        ),
        latest as materialized (
            select contact_id, max(id) as meeting_id from meetings group by contact_id
        )
        select meetings.event_id as event_id, sum(per_contact.cards) as cards,
               sum(per_contact.new) as new
        from per_contact
        left join latest on latest.contact_id = per_contact.contact_id
        left join meetings on meetings.id = latest.meeting_id
        group by meetings.event_id
        """,
        [until],
    )
    drills = {r["event_id"]: {"cards": r["cards"], "new": r["new"] or 0} for r in drill_rows}
    follow_rows = [
        dict(r)
        for r in db.query(
            f"""
            select meetings.event_id, contacts.id as contact_id, contacts.full_name, meetings.role,
                   {FOLLOW_UP_DUE_SQL} as due
            from meetings
            join contacts on contacts.id = meetings.contact_id
            join events on events.id = meetings.event_id
            where meetings.followed_up is null
              and {FOLLOW_UP_DUE_SQL} <= :today
              and not exists (
                  select 1 from letters where letters.contact_id = meetings.contact_id
                  and letters.sent is not null
                  and (letters.event_id = meetings.event_id or letters.event_id is null))
              and (contacts.last_contacted is null
                   or substr(contacts.last_contacted, 1, 10)
                      < coalesce(substr(events.date, 1, 10), substr(meetings.created, 1, 10)))
            order by due, contacts.name_key
            """,
            {"today": today.isoformat()},
        )
    ]
    event_ids = set(drills) | {r["event_id"] for r in follow_rows}
    known = [i for i in event_ids if i is not None]
    events = {e["id"]: e for e in db.query(
        f"select id, name, date from events where id in ({', '.join('?' for _ in known)})",
        known)} if known else {}
    by_event: dict[int | None, list[dict]] = {}
    for r in follow_rows:
        by_event.setdefault(r["event_id"], []).append(
            {"contact_id": r["contact_id"], "full_name": r["full_name"], "role": r["role"],
             "due": r["due"], "days_overdue": (today - date.fromisoformat(r["due"])).days})
    groups = []
    for event_id in event_ids:
        ev = events.get(event_id)
        follow = by_event.get(event_id, [])
        groups.append({
            "event_id": event_id,
            "event": ev["name"] if ev else None,
            "date": ev["date"] if ev else None,
            "drills_due": drills.get(event_id, {}).get("cards", 0),
            "new_cards": drills.get(event_id, {}).get("new", 0),
            "follow_ups": follow,
        })
    groups.sort(key=lambda g: (g["event_id"] is None, g["date"] or "", g["event"] or ""))
    from namecards.domain import card_kinds  # noqa: F401 (an event's cards include facts)
    from namecards.domain.deck import due_now

    return {
        "today": today.isoformat(),
        # The drill's own count, as on the dashboard and Stats (within today's limits).
        "due_now": due_now(store, now),
        "drills_due": sum(g["drills_due"] for g in groups),
        "follow_ups_due": len(follow_rows),
        "events": groups,
    }


def focus_event(store: Store, now: datetime) -> dict | None:
    """The event the day is about: the next one within a fortnight, else the latest one met
    in the last week (people linked to it, or its date, in the last 7 days)."""
    from namecards.domain.deck import event_time

    rows = [dict(r) for r in store.db.query(
        "select events.*, (select max(created) from meetings where event_id = events.id) "
        "as last_met from events")]
    ahead = [(event_time(e), e) for e in rows if event_time(e) and event_time(e) > now]
    ahead = [(t, e) for t, e in ahead if t - now <= timedelta(days=14)]
    if ahead:
        return min(ahead, key=lambda pair: pair[0])[1]

    def recent(e):
        when = event_time(e)
        met = datetime.fromisoformat(e["last_met"]) if e.get("last_met") else None
        if met is not None and met.tzinfo is None:
            met = met.replace(tzinfo=timezone.utc)
        latest = max([t for t in (when, met) if t is not None], default=None)
        return latest if latest and now - latest <= timedelta(days=7) else None

    past = [(recent(e), e) for e in rows if recent(e)]
    return max(past, key=lambda pair: pair[0])[1] if past else None


def day_plan(store: Store, now: datetime | None = None) -> dict | None:
    """What the day is for, in order: the focus event and the next steps for it.

    `{"event", "when", "steps": [{"what", "count", "text", "target"}]}` with steps: scans to
    review, people met without notes, names to drill before the event (or cards due now),
    thank-you notes due. None without an event to focus on.
    """
    from namecards.domain.card_kinds import deck
    from namecards.services.review_queue import review_count

    now = now or store.now()
    event = focus_event(store, now)
    if event is None:
        return None
    db = store.db
    when = deck.event_time(event)
    steps = []
    to_review = review_count(store)
    if to_review:
        steps.append({"what": "review", "count": to_review, "target": "review",
                      "text": f"{to_review} card{'s' if to_review != 1 else ''} to review"})
    bare = next(db.query(
        "select count(*) as n from meetings where event_id = ? and not exists "
        "(select 1 from notes where notes.contact_id = meetings.contact_id)", [event["id"]]))["n"]
    if bare:
        steps.append({"what": "notes", "count": bare, "target": "contacts",
                      "text": f"{bare} {'people' if bare != 1 else 'person'} without notes"})
    if when is not None and when > now:
        cards = [c for c in deck.load_cards(store, event_id=event["id"]) if c["kind"] == "name"]
        settings = deck.drill_settings()
        weak = sum(deck.drilling.recall_at(c, when, settings.scheduler) < 0.95 for c in cards)
        if weak:
            steps.append({"what": "drill", "count": weak, "target": f"event:{event['name']}",
                          "text": f"{weak} name{'s' if weak != 1 else ''} to drill before "
                                  f"{deck.plain_time(when, now).replace(' at ', ' ')}"})
    else:
        n = deck.due_now(store, now)
        if n:
            steps.append({"what": "drill", "count": n, "target": "drill",
                          "text": f"{n} card{'s' if n != 1 else ''} due now"})
    follow = [dict(r) for r in db.query(
        f"select {FOLLOW_UP_DUE_SQL} as due from meetings join events "
        "on events.id = meetings.event_id where meetings.event_id = ? and "
        "meetings.followed_up is null and not exists (select 1 from letters where "
        "letters.contact_id = meetings.contact_id and letters.sent is not null)",
        [event["id"]])]
    if follow:
        by = min(r["due"] for r in follow)
        day = date.fromisoformat(by)
        today = now.astimezone().date()
        label = {0: "today", 1: "tomorrow", -1: "yesterday"}.get((day - today).days,
                                                                   f"{day:%a} {day.day} {day:%b}")
        steps.append({"what": "letters", "count": len(follow), "target": "letters",
                      "text": f"{len(follow)} thank-you note{'s' if len(follow) != 1 else ''} "
                              f"due by {label}"})
    phrase = deck.plain_time(when, now).replace(" at ", " ") if when is not None else None
    return {"event": event, "when": phrase, "steps": steps}
