"""Every merge can be undone: the two contacts come back exactly as they were."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from namecards import NamecardsError
from namecards.clock import FixedClock
from namecards.domain.contacts import add_contact, add_note, get_contact
from namecards.domain.deck import answer_card
from namecards.domain.merging import dedupe, merge_contacts, merge_history, undo_merge

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
SKIP = ("merges", "sqlite_", "_fts")


def state(store) -> dict:
    """Every row of every table a merge touches (all but the merge log and search indexes)."""
    out = {}
    for table in store.db.table_names():
        if any(part in table for part in SKIP):
            continue
        out[table] = sorted(json.dumps(dict(r), sort_keys=True, default=str)
                            for r in store.db.query(f"select rowid as _rowid, * from [{table}]"))
    return out


def cards(store, contact_id, kind):
    return list(store.db["drill_cards"].rows_where("contact_id = ? and kind = ?", [contact_id, kind]))


@pytest.fixture
def pair(store):
    store.clock = FixedClock(T0)
    a = add_contact(store, "Maria Lopez", company="Acme Robotics", emails=["maria@acme.example"],
                    event="Fair", role="booth", tags=["robotics"], name_source="linkedin")
    store.clock = FixedClock(T0 + timedelta(hours=1))
    b = add_contact(store, "María López", title="CTO", company="Acme Robotics",
                    emails=["maria@acme.example", "ml@gmail.example"], phones=["+49 30 1234567"],
                    urls=["linkedin.com/in/mlopez"], event="Fair", role="panel",
                    tags=["hiring", "robotics"], force=True, name_source="card")
    add_note(store, a, "- likes {{Rust}}")
    add_note(store, b, "- has a dog named Pixel\n- ROS 2 migration")
    answer_card(store, cards(store, a, "name")[0]["id"], rating=3, now=T0)
    bname = cards(store, b, "name")[0]["id"]
    answer_card(store, bname, rating=1, now=T0 + timedelta(days=1))
    answer_card(store, bname, rating=3, now=T0 + timedelta(days=1, minutes=10))
    for p in get_contact(store, b)["talking_points"]:
        card = next(store.db["drill_cards"].rows_where("talking_point_id = ?", [p["id"]]))
        answer_card(store, card["id"], rating=3, now=T0)
    store.db["letters"].insert({"contact_id": b, "body": "Thanks!", "created": "2026-11-21"})
    store.db["scans"].insert({"sha256": "ab" * 32, "path": "cards/x.png", "contact_id": b,
                              "fields": json.dumps({"full_name": "María López"}),
                              "created": "2026-11-20"})
    store.clock = FixedClock(T0 + timedelta(days=2))
    return a, b


def test_merge_keeps_the_card_spelling_and_undo_restores_both_exactly(store, pair):
    a, b = pair
    before = state(store)
    result = merge_contacts(store, a, b)
    c = get_contact(store, a)
    # The LinkedIn row was kept (A), but the name is the one read from her card.
    assert c["full_name"] == "María López" and c["title"] == "CTO"
    assert store.db["contacts"].count == 1
    assert state(store) != before
    undone = undo_merge(store)
    assert undone == {"merge_id": result["merge_id"], "kept": a, "restored": b,
                      "restored_name": "María López"}
    assert state(store) == before
    assert store.db.execute("pragma foreign_key_check").fetchall() == []
    assert get_contact(store, a)["full_name"] == "Maria Lopez"
    assert [p["text"] for p in get_contact(store, b)["talking_points"]] == [
        "has a dog named Pixel", "ROS 2 migration"]
    [entry] = merge_history(store)
    assert entry["undone"] and not entry["undoable"]
    with pytest.raises(NamecardsError, match="already undone"):
        undo_merge(store, result["merge_id"])


def test_work_done_after_the_merge_stays_and_the_moved_history_goes_back(store, pair):
    a, b = pair
    b_point_cards = {r["id"] for r in store.db.query(
        "select id from drill_cards where contact_id = ? and kind = 'point'", [b])}
    merge_contacts(store, a, b)
    # After the merge: a new note on the merged contact, and a review of one of b's cards.
    add_note(store, a, "- prefers tea")
    card = min(b_point_cards)
    answer_card(store, card, rating=4, now=T0 + timedelta(days=3))
    undo_merge(store)
    assert [p["text"] for p in get_contact(store, a)["talking_points"]] == ["likes {{Rust}}",
                                                                           "prefers tea"]
    # b's card came back with the review made while merged.
    assert next(store.db.query("select contact_id from drill_cards where id = ?", [card]))[
        "contact_id"] == b
    assert store.db["reviews"].count_where("card_id = ?", [card]) == 2


def test_chained_dedupe_merges_undo_in_any_order_and_a_merge_into_a_gone_contact_waits(store):
    a = add_contact(store, "Ana Souza", emails=["ana@x.example"], phones=["+49 30 1234567"])
    b = add_contact(store, "Ana B. Souza", emails=["ana@x.example"], force=True)
    c = add_contact(store, "Ana Souza", phones=["+49 30 1234567"], force=True)
    before = state(store)
    merged = dedupe(store, apply=True)["merged"]
    assert {m["merged"] for m in merged} == {b, c} and store.db["contacts"].count == 1
    first, second = sorted(m["merge_id"] for m in merged)
    undo_merge(store, first)
    undo_merge(store, second)
    assert state(store) == before

    x = add_contact(store, "Zed Q", emails=["zed@x.example"])
    y = add_contact(store, "Zed Q.", emails=["zed@x.example"], force=True)
    one = merge_contacts(store, x, y)["merge_id"]
    merge_contacts(store, a, x)  # x is absorbed in turn
    with pytest.raises(NamecardsError, match="undo merge #"):
        undo_merge(store, one)


def test_merge_cli_lists_and_undoes(run_installed, home, tmp_path):
    for args in (["--name", "Bea Lima", "--company", "Globex", "--email", "bea@globex.example"],
                 ["--name", "Bea Lima", "--company", "Globex", "--email", "bea@globex.example",
                  "--force"]):
        assert run_installed("add", *args).returncode == 0
    r = run_installed("merge", "1", "2", "--yes")
    assert r.returncode == 0, r.stderr
    assert "Merged #2 Bea Lima into #1" in r.stdout and "namecards merge --undo 1" in r.stdout
    r = run_installed("merge", "--list")
    assert r.returncode == 0 and "#1" in r.stdout and "Bea Lima" in r.stdout
    r = run_installed("merge", "--undo")
    assert r.returncode == 0, r.stderr
    assert "Undid merge #1: Bea Lima is back as #2" in r.stdout
    assert len(json.loads(run_installed("list", "--json").stdout)) == 2
    r = run_installed("merge", "--undo", "1")
    assert r.returncode == 1 and r.stderr.startswith("namecards: merge #1 was already undone")
    r = run_installed("merge", "--undo", "x")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = run_installed("merge", "1")
    assert r.returncode == 2 and "Traceback" not in r.stderr
