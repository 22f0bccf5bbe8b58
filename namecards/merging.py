"""Merging two contacts into one, and finding the pairs that look like one person."""

from __future__ import annotations

import json
from collections import defaultdict

import sqlite_utils

from namecards import NamecardsError, UsageError
from namecards.contacts import (
    CONTACT_FIELDS,
    NAME_SIMILARITY,
    get_contact,
    resolve_contact,
)
from namecards.store import Store

# Tables merge_contacts knows how to move; any other table that points at contacts (added by
# another part of namecards later) has its rows moved generically.
_HANDLED = {"contact_methods", "meetings", "notes", "talking_points", "scans", "drill_cards",
            "letters", "contact_tags", "merges"}
# Within one company, names are compared pairwise; past this size only identical names are.
_MAX_FUZZY_GROUP = 2000


def referencing_columns(db: sqlite_utils.Database, table: str) -> list[tuple[str, str]]:
    """(table, column) pairs with a foreign key to `table`.id."""
    found = []
    for name in db.table_names():
        for fk in db.execute(f"pragma foreign_key_list([{name}])").fetchall():
            # (id, seq, table, from, to, on_update, on_delete, match)
            if fk[2] == table:
                found.append((name, fk[3]))
    return found


def _last_review(db, card_id: int) -> str:
    row = next(db.query("select max(reviewed_at) as t from reviews where card_id = ?", [card_id]))
    return row["t"] or ""


def merge_contacts(store: Store, a: str | int, b: str | int, *, into: str | int | None = None) -> dict:
    """Merge two contacts into one (A, unless `into` names B).

    The kept contact's blank fields are filled from the other; every e-mail, phone and URL is
    kept; meetings, notes, talking points, scans, letters and tags move over; drill cards move
    with their reviews (of two name cards, the more recently reviewed one stays and the other's
    reviews are re-filed under it). The absorbed contact is recorded in `merges` with a
    snapshot of everything it was, then deleted.
    """
    db = store.db
    a_id, b_id = resolve_contact(store, a), resolve_contact(store, b)
    if a_id == b_id:
        raise NamecardsError(f"{a!r} and {b!r} are the same contact (#{a_id})")
    keep, gone = a_id, b_id
    if into is not None:
        into_id = resolve_contact(store, into)
        if into_id not in (a_id, b_id):
            raise UsageError(f"--into must be one of the two contacts (#{a_id} or #{b_id})")
        keep, gone = into_id, (b_id if into_id == a_id else a_id)
    snapshot = get_contact(store, gone)
    kept_row = db["contacts"].get(keep)
    stamp = store.now_iso()
    with db.atomic():
        fills = {k: snapshot[k] for k in CONTACT_FIELDS
                 if k != "full_name" and not kept_row.get(k) and snapshot.get(k)}
        if snapshot.get("last_contacted") and (snapshot["last_contacted"]
                                               > (kept_row.get("last_contacted") or "")):
            fills["last_contacted"] = snapshot["last_contacted"]
        if snapshot["created"] < kept_row["created"]:
            fills["created"] = snapshot["created"]  # known since the earlier of the two
        fills["updated"] = stamp
        db["contacts"].update(keep, fills)

        # Methods: all kept; where both have the value, a label fills a blank one.
        for m in db.query("select id, kind, value, label from contact_methods where contact_id = ?",
                          [gone]):
            if m["label"]:
                db.execute("update contact_methods set label = ? where contact_id = ? and kind = ? "
                           "and value = ? and label is null", [m["label"], keep, m["kind"], m["value"]])
        db.execute("update or ignore contact_methods set contact_id = ? where contact_id = ?",
                   [keep, gone])
        db.execute("delete from contact_methods where contact_id = ?", [gone])

        for m in list(db.query("select * from meetings where contact_id = ?", [gone])):
            mine = next(db.query("select * from meetings where contact_id = ? and event_id = ?",
                                 [keep, m["event_id"]]), None)
            if mine is None:
                db.execute("update meetings set contact_id = ? where id = ?", [keep, m["id"]])
            else:
                fill = {k: m[k] for k in ("role", "follow_up_due", "followed_up")
                        if m[k] and not mine[k]}
                if fill:
                    db["meetings"].update(mine["id"], fill)
                db.execute("delete from meetings where id = ?", [m["id"]])

        for table in ("notes", "talking_points", "scans", "letters"):
            db.execute(f"update {table} set contact_id = ? where contact_id = ?", [keep, gone])
        db.execute("update or ignore contact_tags set contact_id = ? where contact_id = ?",
                   [keep, gone])
        db.execute("delete from contact_tags where contact_id = ?", [gone])

        moved_reviews = _merge_cards(db, keep, gone)

        for table, column in referencing_columns(db, "contacts"):
            if table in _HANDLED:
                continue
            db.execute(f"update or ignore [{table}] set [{column}] = ? where [{column}] = ?",
                       [keep, gone])
            db.execute(f"delete from [{table}] where [{column}] = ?", [gone])

        db["merges"].insert({
            "kept_id": keep, "merged_id": gone, "merged_uid": snapshot["uid"],
            "merged_name": snapshot["full_name"],
            "snapshot": json.dumps(snapshot, ensure_ascii=False, default=str), "created": stamp,
        })
        db.execute("delete from contacts where id = ?", [gone])
        from namecards.deck import sync_cards

        sync_cards(store, keep)
    return {"kept": keep, "merged": gone, "merged_name": snapshot["full_name"],
            "filled": sorted(k for k in fills if k != "updated"), "reviews_moved": moved_reviews}


def _merge_cards(db, keep: int, gone: int) -> int:
    """Move `gone`'s drill cards to `keep`; one card per kind for name and who-is."""
    moved = 0
    for kind in ("name", "who-is", "face"):
        mine = [r["id"] for r in db.query(
            "select id from drill_cards where contact_id = ? and kind = ? and talking_point_id is null "
            "order by id", [keep, kind])]
        theirs = [r["id"] for r in db.query(
            "select id from drill_cards where contact_id = ? and kind = ? and talking_point_id is null "
            "order by id", [gone, kind])]
        if not mine or not theirs:
            continue
        # The card reviewed last has the schedule that knows most; the other's reviews are
        # re-filed under it so the history (and the review count) stays whole.
        cards = mine + theirs
        stay = max(cards, key=lambda cid: (_last_review(db, cid), cid in mine))
        for other in cards:
            if other == stay:
                continue
            moved += db.execute("update reviews set card_id = ? where card_id = ?",
                                [stay, other]).rowcount
            db.execute("delete from drill_cards where id = ?", [other])
    db.execute("update drill_cards set contact_id = ? where contact_id = ?", [keep, gone])
    return moved


def merge_history(store: Store, contact_ref: str | int | None = None) -> list[dict]:
    """The merges recorded (for one kept contact, or all), newest first, without snapshots."""
    sql = "select id, kept_id, merged_id, merged_uid, merged_name, created from merges"
    params: list = []
    if contact_ref is not None:
        sql += " where kept_id = ?"
        params.append(resolve_contact(store, contact_ref))
    return [dict(r) for r in store.db.query(sql + " order by id desc", params)]


def _close_pairs(people: list[tuple[int, str]]) -> list[tuple[tuple[int, int], float]]:
    """Pairs of (id, folded name) whose name_similarity reaches NAME_SIMILARITY, computed as
    two rapidfuzz score matrices rather than a Python loop over every pair."""
    import numpy as np
    from rapidfuzz import fuzz, process

    names = [key for _, key in people]
    scores = np.maximum(
        process.cdist(names, names, scorer=fuzz.ratio, workers=1),
        process.cdist(names, names, scorer=fuzz.token_sort_ratio, workers=1),
    )
    out = []
    for i, j in zip(*np.nonzero(np.triu(scores >= NAME_SIMILARITY, k=1))):
        out.append(((people[i][0], people[j][0]), float(scores[i, j])))
    return out


def duplicate_pairs(store: Store) -> list[dict]:
    """Pairs of contacts that look like one person, with the reasons and whether they are
    `certain` (a shared e-mail, phone or LinkedIn profile, or the same name at the same
    company) or only `likely` (a close name at the same company, or the same name alone)."""
    db = store.db
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)
    certain: set[tuple[int, int]] = set()
    labels = {"email": "same e-mail", "phone": "same phone", "linkedin": "same LinkedIn profile"}
    for r in db.query(
        "select kind, value, group_concat(distinct contact_id) as ids from contact_methods "
        "where kind in ('email', 'phone', 'linkedin') group by kind, value "
        "having count(distinct contact_id) > 1"
    ):
        ids = sorted(int(x) for x in r["ids"].split(","))
        for i, x in enumerate(ids):
            for y in ids[i + 1:]:
                reasons[(x, y)].append(f"{labels[r['kind']]} {r['value']}")
                certain.add((x, y))
    by_company: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_name_alone: dict[str, list[int]] = defaultdict(list)
    for r in db.query("select id, name_key, company from contacts order by id"):
        company = (r["company"] or "").strip().casefold()
        if company:
            by_company[company].append((r["id"], r["name_key"] or ""))
        else:
            by_name_alone[r["name_key"] or ""].append(r["id"])
    for company, people in by_company.items():
        if len(people) < 2:
            continue
        if len(people) > _MAX_FUZZY_GROUP:
            same: dict[str, list[int]] = defaultdict(list)
            for cid, key in people:
                same[key].append(cid)
            pairs = [((x, y), 100.0) for ids in same.values() for i, x in enumerate(ids)
                     for y in ids[i + 1:]]
        else:
            pairs = _close_pairs(people)
        for pair, score in pairs:
            if score == 100:
                reasons[pair].append("same name at the same company")
                certain.add(pair)
            else:
                reasons[pair].append(f"close name at the same company ({score:.0f}%)")
    for key, ids in by_name_alone.items():
        for i, x in enumerate(ids):
            for y in ids[i + 1:]:
                reasons[(x, y)].append("same name (no company)")
    out = []
    names = {}
    for (x, y), why in sorted(reasons.items()):
        for cid in (x, y):
            if cid not in names:
                row = db["contacts"].get(cid)
                names[cid] = {"id": cid, "full_name": row["full_name"], "company": row["company"]}
        out.append({"a": names[x], "b": names[y], "reasons": why, "certain": (x, y) in certain})
    return out


def dedupe(store: Store, *, apply: bool = False) -> dict:
    """List likely duplicate pairs; with `apply`, merge the certain ones (into the older
    contact, the lower id). Pairs that are only likely are left for `namecards merge`."""
    pairs = duplicate_pairs(store)
    merged = []
    if apply:
        where: dict[int, int] = {}  # a contact merged away -> the contact that absorbed it

        def current(cid: int) -> int:
            while cid in where:
                cid = where[cid]
            return cid

        for pair in pairs:
            if not pair["certain"]:
                continue
            x, y = current(pair["a"]["id"]), current(pair["b"]["id"])
            if x == y:
                continue
            keep, gone = min(x, y), max(x, y)
            merged.append(merge_contacts(store, keep, gone))
            where[gone] = keep
    return {"pairs": pairs, "merged": merged}

