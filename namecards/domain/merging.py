"""Merging two contacts into one, and finding the pairs that look like one person."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from namecards import NamecardsError, UsageError
from namecards.domain.cards import sync_cards
from namecards.domain.contacts import (
    CONTACT_FIELDS,
    NAME_SIMILARITY,
    get_contact,
    insert_row,
    resolve_contact,
)
from namecards.store import Store
from namecards.store.schema import referencing_columns

# Tables merge_contacts knows how to move; any other table that points at contacts (added by
# another part of namecards later) has its rows moved generically.
_HANDLED = {"contact_methods", "meetings", "notes", "talking_points", "scans", "drill_cards",
            "letters", "contact_tags", "merges"}
# Within one company, names are compared pairwise; past this size only identical names are.
_MAX_FUZZY_GROUP = 2000


def _last_review(db, card_id: int) -> str:
    row = next(db.query("select max(reviewed_at) as t from reviews where card_id = ?", [card_id]))
    return row["t"] or ""


class _Journal:
    """What a merge did, row by row, so `undo_merge` can take it back."""

    def __init__(self, db):
        self.db = db
        self.moved: dict[str, list[int]] = defaultdict(list)  # "table.column" -> rowids
        self.deleted: dict[str, list[dict]] = defaultdict(list)  # table -> rows (with _rowid)
        self.changed: list[dict] = []  # {"table", "rowid", "before", "after"}
        self.reviews: list[list[int]] = []  # [review id, the card it was on]

    def move(self, table: str, column: str, rowids: list[int], keep: int) -> None:
        for start in range(0, len(rowids), 500):
            chunk = rowids[start:start + 500]
            self.db.execute(f"update [{table}] set [{column}] = ? where rowid in "
                            f"({', '.join('?' for _ in chunk)})", [keep, *chunk])
        self.moved[f"{table}.{column}"] += rowids

    def delete(self, table: str, rowid: int) -> None:
        row = next(self.db.query(f"select rowid as _rowid, * from [{table}] where rowid = ?",
                                 [rowid]))
        self.deleted[table].append(dict(row))
        self.db.execute(f"delete from [{table}] where rowid = ?", [rowid])

    def change(self, table: str, rowid: int, values: dict) -> None:
        if not values:
            return
        before = dict(next(self.db.query(
            f"select {', '.join(f'[{k}]' for k in values)} from [{table}] where rowid = ?",
            [rowid])))
        values = {k: v for k, v in values.items() if before[k] != v}
        if not values:
            return
        self.db.execute(f"update [{table}] set {', '.join(f'[{k}] = ?' for k in values)} "
                        "where rowid = ?", [*values.values(), rowid])
        self.changed.append({"table": table, "rowid": rowid,
                             "before": {k: before[k] for k in values}, "after": values})

    def as_dict(self, kept_before: dict, gone: dict) -> dict:
        return {"kept_before": kept_before, "gone": gone, "moved": dict(self.moved),
                "deleted": dict(self.deleted), "changed": self.changed, "reviews": self.reviews}


def _rowids(db, table: str, column: str, value: int) -> list[int]:
    return [r[0] for r in db.execute(f"select rowid from [{table}] where [{column}] = ?", [value])]


def merge_contacts(store: Store, a: str | int, b: str | int, *, into: str | int | None = None) -> dict:
    """Merge two contacts into one (A, unless `into` names B).

    The kept contact's blank fields are filled from the other, and it takes the other's name
    when that is the better-evidenced spelling (see namecards.domain.matching.better_name); every
    e-mail, phone and URL is kept; meetings, notes, talking points, scans, letters and tags
    move over; drill cards move with their reviews (of two name cards, the more recently
    reviewed one stays and the other's reviews are re-filed under it). The merge is recorded
    in `merges` with a snapshot of the absorbed contact and a journal of every row moved,
    deleted and changed, so `undo_merge` splits the two back.
    """
    from namecards.domain.matching import better_name, name_evidence

    db = store.db
    a_id, b_id = resolve_contact(store, a), resolve_contact(store, b)
    if a_id == b_id:
        raise NamecardsError(f"{a!r} and {b!r} are the same contact (#{a_id})")
    keep, gone = a_id, b_id
    if into is not None:
        into_id = resolve_contact(store, into)
        if into_id not in (a_id, b_id):
            raise UsageError(f"the contact to keep must be one of the two (#{a_id} or #{b_id})",
                             option="into")
        keep, gone = into_id, (b_id if into_id == a_id else a_id)
    snapshot = get_contact(store, gone)
    stamp = store.now_iso()
    with db.atomic():
        kept_row = dict(next(db.query("select * from contacts where id = ?", [keep])))
        gone_row = dict(next(db.query("select * from contacts where id = ?", [gone])))
        journal = _Journal(db)
        fills = {k: gone_row[k] for k in CONTACT_FIELDS
                 if k != "full_name" and not kept_row.get(k) and gone_row.get(k)}
        if better_name(kept_row["full_name"], name_evidence(store, keep),
                       gone_row["full_name"], name_evidence(store, gone)):
            for key in ("full_name", "given_name", "family_name", "name_key", "name_source"):
                fills[key] = gone_row[key]
        if gone_row.get("last_contacted") and (gone_row["last_contacted"]
                                               > (kept_row.get("last_contacted") or "")):
            fills["last_contacted"] = gone_row["last_contacted"]
        if gone_row["created"] < kept_row["created"]:
            fills["created"] = gone_row["created"]  # known since the earlier of the two
        filled = sorted(k for k in fills if k not in ("name_key", "name_source"))
        journal.change("contacts", keep, {**fills, "updated": stamp})

        # Methods: all kept; where both have the value, a label fills a blank one.
        for m in list(db.query("select rowid as rid, kind, value, label from contact_methods "
                               "where contact_id = ?", [gone])):
            mine = next(db.query("select rowid as rid, label from contact_methods where contact_id = ? "
                                 "and kind = ? and value = ?", [keep, m["kind"], m["value"]]),
                        None)
            if mine is None:
                journal.move("contact_methods", "contact_id", [m["rid"]], keep)
            else:
                if m["label"] and not mine["label"]:
                    journal.change("contact_methods", mine["rid"], {"label": m["label"]})
                journal.delete("contact_methods", m["rid"])

        for m in list(db.query("select rowid as rid, * from meetings where contact_id = ?", [gone])):
            mine = next(db.query("select rowid as rid, * from meetings where contact_id = ? and "
                                 "event_id = ?", [keep, m["event_id"]]), None)
            if mine is None:
                journal.move("meetings", "contact_id", [m["rid"]], keep)
            else:
                journal.change("meetings", mine["rid"],
                               {k: m[k] for k in ("role", "follow_up_due", "followed_up")
                                if m[k] and not mine[k]})
                journal.delete("meetings", m["rid"])

        for table in ("notes", "talking_points", "scans", "letters"):
            journal.move(table, "contact_id", _rowids(db, table, "contact_id", gone), keep)
        for t in list(db.query("select rowid as rid, tag_id from contact_tags where contact_id = ?",
                               [gone])):
            if next(db.query("select 1 from contact_tags where contact_id = ? and tag_id = ?",
                             [keep, t["tag_id"]]), None):
                journal.delete("contact_tags", t["rid"])
            else:
                journal.move("contact_tags", "contact_id", [t["rid"]], keep)

        moved_reviews = _merge_cards(db, keep, gone, journal)

        for table, column in referencing_columns(db, "contacts"):
            if table in _HANDLED:
                continue
            for rowid in _rowids(db, table, column, gone):
                try:
                    with db.atomic():
                        journal.move(table, column, [rowid], keep)
                except sqlite3.IntegrityError:  # the kept contact has that row already
                    journal.moved[f"{table}.{column}"].remove(rowid)
                    journal.delete(table, rowid)

        merge_id = db["merges"].insert({
            "kept_id": keep, "merged_id": gone, "merged_uid": snapshot["uid"],
            "merged_name": snapshot["full_name"],
            "snapshot": json.dumps(snapshot, ensure_ascii=False, default=str), "created": stamp,
            "journal": json.dumps(journal.as_dict(kept_row, gone_row), ensure_ascii=False,
                                  default=str),
        }).last_pk
        db.execute("delete from contacts where id = ?", [gone])
        sync_cards(store, keep)
    return {"merge_id": merge_id, "kept": keep, "merged": gone,
            "merged_name": snapshot["full_name"], "filled": filled,
            "reviews_moved": moved_reviews}


def _merge_cards(db, keep: int, gone: int, journal: _Journal) -> int:
    """Move `gone`'s drill cards to `keep`; one card per kind for name, who-is and face."""
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
            for (review_id,) in db.execute("select id from reviews where card_id = ?", [other]):
                journal.reviews.append([review_id, other])
            moved += db.execute("update reviews set card_id = ? where card_id = ?",
                                [stay, other]).rowcount
            journal.delete("drill_cards", other)
    journal.move("drill_cards", "contact_id", _rowids(db, "drill_cards", "contact_id", gone), keep)
    return moved


def undo_merge(store: Store, merge_id: int | str | None = None) -> dict:
    """Split a merge back (the latest one in force, unless `merge_id` names one): the absorbed
    contact comes back with its id, uid and fields, and every row that moved goes back to it
    (methods, meetings, notes, talking points, scans, letters, tags, drill cards with their
    reviews); the kept contact gets back the fields the merge filled or replaced, unless they
    were edited since. What was added to the kept contact after the merge stays with it."""
    db = store.db
    if merge_id is None:
        row = next(db.query("select * from merges where undone is null order by id desc limit 1"),
                   None)
        if row is None:
            raise NamecardsError("no merge to undo", kind="merge")
    else:
        text = str(merge_id).lstrip("#")
        if not text.isdigit() or len(text) > 18:
            raise UsageError(f"a merge is named by its number, not {merge_id!r}", kind="merge")
        row = next(db.query("select * from merges where id = ?", [int(text)]), None)
        if row is None:
            raise NamecardsError(f"no merge #{text}", kind="merge")
    if row["undone"]:
        raise NamecardsError(f"merge #{row['id']} was already undone on {row['undone'][:16]}")
    if not row["journal"]:
        raise NamecardsError(f"merge #{row['id']} was made before merges could be undone; "
                             "its snapshot is in the merges table")
    journal = json.loads(row["journal"])
    keep, gone_row = row["kept_id"], dict(journal["gone"])
    if not next(db.query("select 1 from contacts where id = ?", [keep]), None):
        later = next(db.query("select id from merges where merged_id = ? and undone is null "
                              "order by id desc limit 1", [keep]), None)
        hint = f": undo merge #{later['id']} first" if later else " (it was deleted)"
        raise NamecardsError(f"contact #{keep}, which merge #{row['id']} kept, is gone{hint}")
    back = next(db.query("select id from contacts where uid = ?", [gone_row["uid"]]), None)
    if back:
        raise NamecardsError(f"{gone_row['full_name']} is back already as #{back['id']} "
                             "(same uid)")
    with db.atomic():
        if next(db.query("select 1 from contacts where id = ?", [gone_row["id"]]), None):
            del gone_row["id"]  # the id went to someone else since
        gone = insert_row(db, "contacts", gone_row)
        ids: dict[str, dict[int, int]] = defaultdict(dict)  # table -> old rowid -> new
        pointers = defaultdict(set)  # table -> its columns that point at a contact
        for table, column in referencing_columns(db, "contacts"):
            pointers[table].add(column)
        for table in ("drill_cards", *[t for t in journal["deleted"] if t != "drill_cards"]):
            columns = {c.name for c in db[table].columns} if db[table].exists() else set()
            for old in journal["deleted"].get(table, []):
                values = {k: v for k, v in old.items() if k in columns}
                for key in pointers[table]:
                    if values.get(key) == row["merged_id"]:
                        values[key] = gone
                if "id" in values and next(db.query(f"select 1 from [{table}] where id = ?",
                                                    [values["id"]]), None):
                    del values["id"]
                ids[table][old["_rowid"]] = insert_row(db, table, values)
        for review_id, card_id in journal["reviews"]:
            db.execute("update reviews set card_id = ? where id = ?",
                       [ids["drill_cards"].get(card_id, card_id), review_id])
        for key, rowids in journal["moved"].items():
            table, column = key.split(".", 1)
            for start in range(0, len(rowids), 500):
                chunk = rowids[start:start + 500]
                db.execute(f"update [{table}] set [{column}] = ? where [{column}] = ? and rowid in "
                           f"({', '.join('?' for _ in chunk)})", [gone, keep, *chunk])
        for change in journal["changed"]:
            for column, after in change["after"].items():
                db.execute(f"update [{change['table']}] set [{column}] = ? "
                           f"where rowid = ? and [{column}] is ?",
                           [change["before"][column], change["rowid"], after])
        db.execute("update merges set undone = ? where id = ?", [store.now_iso(), row["id"]])
        sync_cards(store, keep)
        sync_cards(store, gone)
    return {"merge_id": row["id"], "kept": keep, "restored": gone,
            "restored_name": gone_row["full_name"]}


def merge_history(store: Store, contact_ref: str | int | None = None, *,
                  limit: int | None = None) -> list[dict]:
    """The merges recorded (for one kept contact, or all), newest first, without snapshots:
    id, kept_id, kept_name (now), merged_id, merged_uid, merged_name, created, undone, and
    `undoable` (recorded with a journal and not undone yet)."""
    sql = ("select m.id, m.kept_id, c.full_name as kept_name, m.merged_id, m.merged_uid, "
           "m.merged_name, m.created, m.undone, "
           "(m.journal is not null and m.undone is null) as undoable "
           "from merges m left join contacts c on c.id = m.kept_id")
    params: list = []
    if contact_ref is not None:
        sql += " where m.kept_id = ?"
        params.append(resolve_contact(store, contact_ref))
    sql += " order by m.id desc"
    if limit:
        sql += " limit ?"
        params.append(limit)
    rows = [dict(r) for r in store.db.query(sql, params)]
    for r in rows:
        r["undoable"] = bool(r["undoable"])
    return rows


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
    """Pairs of contacts that may be one person, with the reasons and whether they are
    `certain` (namecards.domain.matching.judge calls them one person: a personal e-mail, phone or
    LinkedIn profile in common with names that fit, or the same name at the same company, and
    no personal identifier differing) or only `likely` (to confirm with `namecards merge`).
    A shared company website, switchboard or info@ mailbox makes no pair."""
    from namecards.domain.matching import Identity, is_role_email, judge

    db = store.db
    people: dict[int, Identity] = {}
    for cid, name, company, uid in db.execute(
            "select id, full_name, company, uid from contacts order by id"):
        people[cid] = Identity(name=name, company=company, uid=uid, contact_id=cid)
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for cid, kind, value, label in db.execute(
            "select contact_id, kind, value, label from contact_methods "
            "where kind in ('email', 'phone', 'linkedin') order by id"):
        ident = people[cid]
        if kind == "email":
            ident.emails.append(value)
        elif kind == "phone":
            ident.phones.append((value, label))
        else:
            ident.linkedin.append(value)
        if not (kind == "email" and is_role_email(value)):
            holders[(kind, value)].append(cid)
    pairs: set[tuple[int, int]] = set()
    company_lines = set()
    for (kind, value), ids in holders.items():
        ids = sorted(set(ids))
        if kind == "phone" and len(ids) > 2:
            company_lines.add(value)  # three or more people share it: the company's line
            continue
        if len(ids) > 20:
            continue  # a mailbox or profile twenty people share says nothing about any one
        pairs.update((x, y) for i, x in enumerate(ids) for y in ids[i + 1:])
    by_company: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_name_alone: dict[str, list[int]] = defaultdict(list)
    for r in db.query("select id, name_key, company from contacts order by id"):
        company = (r["company"] or "").strip().casefold()
        if company:
            by_company[company].append((r["id"], r["name_key"] or ""))
        else:
            by_name_alone[r["name_key"] or ""].append(r["id"])
    for company, group in by_company.items():
        if len(group) < 2:
            continue
        if len(group) > _MAX_FUZZY_GROUP:
            same: dict[str, list[int]] = defaultdict(list)
            for cid, key in group:
                same[key].append(cid)
            pairs.update((x, y) for ids in same.values() for i, x in enumerate(ids)
                         for y in ids[i + 1:])
        else:
            pairs.update(pair for pair, _ in _close_pairs(group))
    for key, ids in by_name_alone.items():
        if key:
            pairs.update((x, y) for i, x in enumerate(ids) for y in ids[i + 1:])
    out = []
    for x, y in sorted(pairs):
        verdict = judge(people[x], people[y], company_lines=company_lines)
        if not verdict.reasons:
            continue
        certain = verdict.same and (verdict.strength > 0
                                    or "same name at the same company" in verdict.reasons)
        out.append({"a": {"id": x, "full_name": people[x].name, "company": people[x].company},
                    "b": {"id": y, "full_name": people[y].name, "company": people[y].company},
                    "reasons": verdict.reasons, "certain": certain})
    return out


def dedupe(store: Store, *, apply: bool = False) -> dict:
    """List likely duplicate pairs; with `apply`, merge the certain ones (into the older
    contact, the lower id, under the better-evidenced spelling of the name). Pairs that are
    only likely are left for `namecards merge`. Every merge can be undone."""
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

