"""Numbers about the store and the drills, for `namecards stats` and the dashboard."""

from __future__ import annotations

from namecards.store import Store, utcnow


def collect_stats(store: Store) -> dict:
    db = store.db
    now = utcnow().isoformat(timespec="seconds")
    one = lambda sql, params=(): next(db.query(sql, params))["n"]  # noqa: E731
    reviews = db["reviews"].count
    good = one("select count(*) as n from reviews where rating > 1")
    return {
        "contacts": db["contacts"].count,
        "events": db["events"].count,
        "talking_points": db["talking_points"].count,
        "drill_cards": db["drill_cards"].count,
        "due_now": one("select count(*) as n from drill_cards where suspended = 0 and due <= ?", [now]),
        "reviews": reviews,
        "retention": round(good / reviews, 3) if reviews else None,
        "leeches": one("select count(*) as n from drill_cards where leech = 1"),
        "letters": db["letters"].count,
    }
