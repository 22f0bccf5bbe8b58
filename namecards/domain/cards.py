"""The drill cards a contact should have: one per kind of question about the person and one
per talking point. Kept apart from the deck so that every module that changes a contact can
keep its cards in step without pulling in scheduling."""

from __future__ import annotations

from namecards.store import Store

# A "name all N things" card needs at least two talking points to be worth asking.
MIN_POINTS_FOR_ALL = 2

INSERT_CARD_SQL = ("insert into drill_cards (kind, contact_id, talking_point_id, fsrs_state, "
                   "due, created) values (?, ?, ?, null, ?, ?)")


def wanted_cards(point_ids: list[int]) -> list[tuple[str, int | None]]:
    """(kind, talking point id) of every card a contact with these live points should have,
    in the order they are made."""
    wanted: list[tuple[str, int | None]] = [("name", None), ("who-is", None)]
    wanted += [("point", p) for p in point_ids]
    if len(point_ids) >= MIN_POINTS_FOR_ALL:
        wanted.append(("points", None))
    return wanted


def new_card_rows(contact_id: int, point_ids: list[int], stamp: str) -> list[tuple]:
    """Parameters of INSERT_CARD_SQL for the cards of a contact that has none yet."""
    return [(kind, contact_id, point_id, stamp, stamp) for kind, point_id in
            wanted_cards(point_ids)]


def sync_cards(store: Store, contact_id: int, *, new: bool = False) -> None:
    """Make sure a contact has its name and who-is cards and one card per talking point.

    Existing cards keep their schedule; cards of deleted talking points go with them. `new`:
    the contact was just inserted and has no cards yet (an import saves a query per contact).
    """
    db = store.db
    stamp = store.now_iso()
    existing = set() if new else set(db.conn.execute(
        "select kind, talking_point_id from drill_cards where contact_id = ?", [contact_id]))
    point_ids = [r[0] for r in db.conn.execute(
        "select id from talking_points where contact_id = ? and removed is null", [contact_id])]
    if len(point_ids) < MIN_POINTS_FOR_ALL and ("points", None) in existing:
        db.execute("delete from drill_cards where contact_id = ? and kind = 'points'",
                   [contact_id])
    # Plain SQL: sqlite-utils' `insert` looks the table up on every call, which was most of
    # an import's time (five cards per contact).
    db.conn.executemany(INSERT_CARD_SQL, [
        row for row in new_card_rows(contact_id, point_ids, stamp)
        if (row[0], row[2]) not in existing])
