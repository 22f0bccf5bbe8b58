"""Merging contacts keeps everything, review history included; dedupe finds the pairs."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from namecards import NamecardsError, UsageError
from namecards.domain.contacts import add_contact, add_note, get_contact, search_contacts
from namecards.domain.deck import answer_card
from namecards.domain.merging import dedupe, duplicate_pairs, merge_contacts, merge_history

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)


def cards(store, contact_id, kind):
    return list(store.db["drill_cards"].rows_where("contact_id = ? and kind = ?", [contact_id, kind]))


@pytest.fixture
def pair(store):
    a = add_contact(store, "María López", company="Acme Robotics", emails=["maria@acme.example"],
                    event="Fair", role="booth", tags=["robotics"])
    b = add_contact(store, "M. Lopez", title="CTO", emails=["ml@gmail.example"],
                    phones=["+49 30 1234567"], urls=["linkedin.com/in/mlopez"],
                    event="Interview", role="panel", tags=["hiring", "robotics"], force=True)
    add_note(store, a, "- likes Rust")
    add_note(store, b, "- has a dog named Pixel\n- ROS 2 migration")
    # a's name card reviewed once long ago, b's name card twice later: b's schedule is newer
    answer_card(store, cards(store, a, "name")[0]["id"], rating=3, now=T0)
    bname = cards(store, b, "name")[0]["id"]
    answer_card(store, bname, rating=1, now=T0 + timedelta(days=1))
    answer_card(store, bname, rating=3, now=T0 + timedelta(days=1, minutes=10))
    for p in get_contact(store, b)["talking_points"]:
        card = next(store.db["drill_cards"].rows_where("talking_point_id = ?", [p["id"]]))
        answer_card(store, card["id"], rating=3, now=T0)
    store.db["letters"].insert({"contact_id": b, "body": "Thanks!", "created": "2026-11-21"})
    store.db["scans"].insert({"sha256": "ab" * 32, "path": "cards/x.png", "contact_id": b,
                              "created": "2026-11-20"})
    return a, b


def test_merge_keeps_methods_notes_points_letters_scans_tags_and_meetings(store, pair):
    a, b = pair
    reviews_before = store.db["reviews"].count
    result = merge_contacts(store, a, b)
    assert result["kept"] == a and result["merged"] == b and "title" in result["filled"]
    c = get_contact(store, a)
    assert c["full_name"] == "María López" and c["title"] == "CTO"  # blank filled, name kept
    assert [m["value"] for m in c["emails"]] == ["maria@acme.example", "ml@gmail.example"]
    assert [m["value"] for m in c["phones"]] == ["+49301234567"]
    assert c["linkedin"] == ["https://www.linkedin.com/in/mlopez"]
    assert sorted(e["name"] for e in c["events"]) == ["Fair", "Interview"]
    assert {e["name"]: e["role"] for e in c["events"]} == {"Fair": "booth", "Interview": "panel"}
    assert c["tags"] == ["hiring", "robotics"]
    assert [p["text"] for p in c["talking_points"]] == [
        "likes Rust", "has a dog named Pixel", "ROS 2 migration"]
    assert len(c["notes"]) == 2 and len(c["letters"]) == 1 and len(c["scans"]) == 1
    assert store.db["contacts"].count == 1
    assert store.db.execute("pragma foreign_key_check").fetchall() == []
    assert [r["id"] for r in search_contacts(store, "pixel")] == [a]
    assert store.db["reviews"].count == reviews_before


def test_merge_keeps_review_history_and_the_newest_schedule(store, pair):
    a, b = pair
    b_card = cards(store, b, "name")[0]
    merge_contacts(store, a, b)
    names = cards(store, a, "name")
    assert len(names) == 1 and len(cards(store, a, "who-is")) == 1
    # b's name card had the latest review, so its schedule stays; a's review is re-filed to it
    assert names[0]["id"] == b_card["id"] and names[0]["fsrs_state"] == b_card["fsrs_state"]
    history = [r["rating"] for r in store.db.query(
        "select rating from reviews where card_id = ? order by reviewed_at", [names[0]["id"]])]
    assert history == [3, 1, 3]
    points = cards(store, a, "point")
    assert len(points) == 3
    assert sum(store.db["reviews"].count_where("card_id = ?", [p["id"]]) for p in points) == 2


def test_merge_is_recorded_with_a_snapshot(store, pair):
    a, b = pair
    merge_contacts(store, "maria", "m. lopez", into="maria")
    history = merge_history(store, a)
    assert [(h["kept_id"], h["merged_id"], h["merged_name"]) for h in history] == [(a, b, "M. Lopez")]
    snapshot = json.loads(next(store.db["merges"].rows)["snapshot"])
    assert snapshot["title"] == "CTO" and snapshot["emails"][0]["value"] == "ml@gmail.example"


def test_merge_into_b_keeps_b(store, pair):
    a, b = pair
    result = merge_contacts(store, a, b, into=b)
    assert result["kept"] == b
    c = get_contact(store, b)
    assert c["full_name"] == "M. Lopez" and c["company"] == "Acme Robotics"
    with pytest.raises(NamecardsError, match="same contact"):
        merge_contacts(store, b, b)
    other = add_contact(store, "Zed")
    third = add_contact(store, "Yan")
    with pytest.raises(UsageError, match="one of the two") as raised:
        merge_contacts(store, other, third, into=b)
    assert raised.value.option == "into"


def test_the_same_event_met_twice_becomes_one_meeting(store):
    a = add_contact(store, "Ana", event="Fair")
    b = add_contact(store, "Ana S.", event="Fair", role="recruiter")
    merge_contacts(store, a, b)
    assert [(e["name"], e["role"]) for e in get_contact(store, a)["events"]] == [("Fair", "recruiter")]


def test_dedupe_lists_pairs_with_reasons_and_merges_only_certain_ones(store):
    a = add_contact(store, "Ana Souza", emails=["ana@x.example"])
    b = add_contact(store, "A. Souza", emails=["ANA@x.example"], force=True)
    c = add_contact(store, "Bea Lima", company="Globex")
    d = add_contact(store, "Bea Lima", company="globex", force=True)
    e = add_contact(store, "Carla Dias", company="Initech")
    f = add_contact(store, "Karla Dias", company="Initech", force=True)
    add_contact(store, "Unrelated Person", company="Initech")
    pairs = {(p["a"]["id"], p["b"]["id"]): p for p in duplicate_pairs(store)}
    assert set(pairs) == {(a, b), (c, d), (e, f)}
    assert pairs[(a, b)]["reasons"] == ["same e-mail ana@x.example"] and pairs[(a, b)]["certain"]
    assert pairs[(c, d)]["certain"] and "same name" in pairs[(c, d)]["reasons"][0]
    assert not pairs[(e, f)]["certain"] and "close name" in pairs[(e, f)]["reasons"][0]
    result = dedupe(store, apply=True)
    assert sorted((m["kept"], m["merged"]) for m in result["merged"]) == [(a, b), (c, d)]
    assert store.db["contacts"].count == 5
    assert [(p["a"]["id"], p["b"]["id"]) for p in duplicate_pairs(store)] == [(e, f)]


def test_dedupe_follows_chains(store):
    a = add_contact(store, "Ana", emails=["a@x.example"], phones=["+49 30 1234567"])
    b = add_contact(store, "Ana B", emails=["a@x.example"], force=True)
    c = add_contact(store, "Ana C", phones=["+49 30 1234567"], force=True)
    dedupe(store, apply=True)
    assert [r["id"] for r in store.db["contacts"].rows] == [a]
    assert {r["merged_id"] for r in store.db["merges"].rows} == {b, c}
