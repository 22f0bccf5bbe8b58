"""The drill cards a contact should have: one per kind of question about the person and one
per talking point. Kept apart from the deck so that every module that changes a contact can
keep its cards in step without pulling in scheduling."""

from __future__ import annotations

from namecards.store import Store

# A "name all N things" card needs at least two talking points to be worth asking.
MIN_POINTS_FOR_ALL = 2


def sync_cards(store: Store, contact_id: int) -> None:
    """Make sure a contact has its name and who-is cards and one card per talking point.

    Existing cards keep their schedule; cards of deleted talking points go with them.
    """
    db = store.db
    stamp = store.now_iso()
    existing = {
        (r["kind"], r["talking_point_id"])
        for r in db.query(
            "select kind, talking_point_id from drill_cards where contact_id = ?", [contact_id]
        )
    }
    point_ids = [r["id"] for r in db.query(
        "select id from talking_points where contact_id = ? and removed is null", [contact_id])]
    wanted = [("name", None), ("who-is", None)] + [("point", p) for p in point_ids]
    if len(point_ids) >= MIN_POINTS_FOR_ALL:
        wanted.append(("points", None))
    elif ("points", None) in existing:
        db.execute("delete from drill_cards where contact_id = ? and kind = 'points'",
                   [contact_id])
    for kind, point_id in wanted:
        if (kind, point_id) not in existing:
            db["drill_cards"].insert(
                {"kind": kind, "contact_id": contact_id, "talking_point_id": point_id,
                 "fsrs_state": None, "due": stamp, "created": stamp}
            )
