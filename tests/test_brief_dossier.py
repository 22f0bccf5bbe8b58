"""Dossier facts and practised answers: stored, drillable (fact and answer cards), shown by the
drill's card_prompt; the starter list adopted with one command; the m020 migration."""

import json
from datetime import datetime, timezone

import pytest

from namecards import UsageError
from namecards.domain import deck
from namecards.domain.contacts import add_contact
from namecards.domain.dossier import add_dossier, cloze, parse_facts, remove_fact
from namecards.domain.events import add_event
from namecards.domain.practice import add_practice, adopt_starter, list_practice, starter_questions

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=timezone.utc)


def test_parse_facts_and_cloze():
    facts, rest = parse_facts("Read in Le Monde:\n- biggest customer is {{the city of Lyon}}\n"
                              "* announced a Rust rewrite in October\n")
    assert facts == ["biggest customer is {{the city of Lyon}}",
                     "announced a Rust rewrite in October"]
    assert rest == "Read in Le Monde:"
    assert parse_facts("one plain fact") == (["one plain fact"], "")
    assert cloze("biggest customer is {{the city of Lyon}}") == (
        "biggest customer is […]", ["the city of Lyon"])
    assert cloze("no {{ spaced }} cloze") == ("no {{ spaced }} cloze", [])


def test_facts_are_drilled_with_the_company_as_cue(store):
    result = add_dossier(store, "Acme Robotics",
                         "- biggest customer is {{the city of Lyon}}\n- announced a Rust rewrite",
                         source="Le Monde", noted="2026-11-20")
    cards = deck.load_cards(store, kinds=("fact",))
    assert len(cards) == 2 and all(c["contact_id"] is None for c in cards)
    prompts = {p["answer"]: p for p in (deck.card_prompt(store, c) for c in cards)}
    lyon = prompts["the city of Lyon"]
    assert lyon["question"] == "Acme Robotics: biggest customer is […]"
    assert lyon["full_name"] == "Acme Robotics" and lyon["typed"] is False
    assert lyon["source"] == "Le Monde · 2026-11-20"
    plain = prompts["announced a Rust rewrite"]
    assert "Acme Robotics" in plain["question"]
    # Reveal-and-grade goes through the ordinary deck and reviews.
    answer = deck.answer_card(store, lyon["card_id"], rating=3, now=NOW)
    assert answer.due > NOW and store.db["reviews"].count == 1
    # Adding more facts keeps the schedule of the old ones.
    add_dossier(store, "acme", "- hiring 40 engineers")
    assert store.db["drill_cards"].get(lyon["card_id"])["fsrs_state"] is not None
    assert len(deck.load_cards(store, kinds=("fact",))) == 3
    remove_fact(store, result["fact_ids"][0])
    assert len(deck.load_cards(store, kinds=("fact",))) == 2
    with pytest.raises(UsageError):
        add_dossier(store, "acme", "   ")
    with pytest.raises(UsageError):
        add_dossier(store, "acme", "- x", noted="yesterday")


def test_event_drill_includes_its_company_facts_and_practised_answers(store):
    add_event(store, "Acme Robotics — second interview", date="2026-12-03T09:30",
              company="Acme Robotics")
    add_event(store, "Globex fair", kind="fair", company="Globex")
    add_contact(store, "María López", event="Acme Robotics — second interview")
    add_dossier(store, "Acme Robotics", "- biggest customer is Lyon")
    add_dossier(store, "Globex", "- makes widgets")
    add_practice(store, "Why us?", "- the Lyon contract")
    acme = store.db["events"].get(1)
    kinds = sorted(c["kind"] for c in deck.load_cards(store, event_id=acme["id"]))
    assert kinds == ["answer", "fact", "name", "who-is"]
    fair = sorted(c["kind"] for c in deck.load_cards(store, event_id=2))
    assert fair == ["fact"]  # no people, its own company's fact, no interview answers


def test_practised_answers_and_the_starter_list(store):
    starters = starter_questions()
    assert 12 <= len(starters) <= 20
    assert len({q["key"] for q in starters}) == len(starters)
    text = " ".join(q["question"].lower() for q in starters)
    for topic in ("lead", "conflict", "failed", "deadlines", "work here"):
        assert topic in text

    a = add_practice(store, "How do you lead?", "- led the ROS 2 migration\n- weekly demos")
    assert a["points"] == ["led the ROS 2 migration", "weekly demos"] and a["own_words"]
    assert adopt_starter(store)["added"] == len(starters)
    again = adopt_starter(store)
    assert again == {"added": 0, "already": len(starters), "ids": []}
    answers = list_practice(store)
    assert len(answers) == len(starters) + 1
    assert sum(1 for x in answers if not x["own_words"]) == len(starters)
    cards = deck.load_cards(store, kinds=("answer",))
    assert len(cards) == len(answers)
    prompt = deck.card_prompt(store, next(c for c in cards if c["practice_id"] == a["id"]))
    assert prompt["question"] == "How do you lead?" and prompt["typed"] is False
    assert prompt["answer"] == "- led the ROS 2 migration\n- weekly demos"


def test_dossier_and_practice_commands(cli, store):
    r = cli("dossier", "Acme Robotics", "- biggest customer is {{the city of Lyon}}\n"
            "- announced a Rust rewrite in October", "--source", "Le Monde", "--date", "2026-11-20")
    assert r.exit_code == 0, r.output
    assert "Saved 2 facts about Acme Robotics." in r.output
    r = cli("dossier", "acme", "-", input="- hiring 40 engineers\n")
    assert r.exit_code == 0 and "Saved 1 fact " in r.output
    listing = cli("dossier", "acme").output
    assert "biggest customer is {{the city of Lyon}}  (Le Monde, 2026-11-20)" in listing
    assert len(json.loads(cli("dossier", "acme", "--json").output)) == 3
    assert cli("dossier", "nope").exit_code == 1

    r = cli("practice", "add", "How do you lead?", "- led the ROS 2 migration\\n- weekly demos")
    assert r.exit_code == 0 and "(2 key points)" in r.output
    r = cli("practice", "adopt", "--starter")
    assert r.exit_code == 0 and "Adopted 15 questions" in r.output
    assert "Adopted 0 questions (15 already there)" in cli("practice", "adopt", "--starter").output
    r = cli("practice", "edit", "2", "- my own story\n- what I learned")
    assert r.exit_code == 0 and "2 key points" in r.output
    rows = json.loads(cli("practice", "list", "--json").output)
    assert rows[1]["points"] == ["my own story", "what I learned"] and rows[1]["own_words"]
    assert "(starter hints)" in cli("practice", "list").output
    assert cli("practice", "adopt").exit_code == 2  # --starter is the only source for now
    assert cli("practice", "edit", "99", "- x").exit_code == 2


def test_m020_migrates_a_store_with_reviews(home):
    from namecards.store import connect, open_store
    from namecards.store.migrations import migrations

    home.mkdir(parents=True)
    db = connect(home / "namecards.db")
    migrations.apply(db, stop_before="m020_brief_companies_dossier_questions")
    db["contacts"].insert({"id": 1, "uid": "u", "full_name": "A B", "created": "x", "updated": "x"})
    db["drill_cards"].insert({"id": 7, "kind": "name", "contact_id": 1, "due": "x", "created": "x"})
    db["reviews"].insert({"card_id": 7, "rating": 3, "reviewed_at": "x"})
    db.close()

    store = open_store(home)
    try:
        assert store.db["drill_cards"].get(7)["kind"] == "name"
        assert store.db["reviews"].count == 1
        columns = {c.name: c for c in store.db["drill_cards"].columns}
        assert {"company_id", "fact_id", "practice_id"} <= set(columns)
        assert not store.db.execute("PRAGMA foreign_key_check").fetchall()
        assert {tuple(i.columns) for i in store.db["drill_cards"].indexes} >= {
            ("due",), ("contact_id",), ("talking_point_id",), ("fact_id",), ("practice_id",)}
        store.db["drill_cards"].insert({"kind": "answer", "contact_id": None, "due": "x",
                                        "created": "x"})
    finally:
        store.close()
