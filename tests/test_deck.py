"""The store side of the drill: daily limits, retention, leeches, cloze cards, cram and warm-up."""

import json
import time
from datetime import datetime, timedelta, timezone
from itertools import pairwise

import pytest

from namecards.domain import deck
from namecards.domain.contacts import add_contact, add_note
from namecards.domain.events import add_event, get_event

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    # Daily limits and the event's day follow the user's zone: pin it.
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def people(store, n, event=None, company="Globex"):
    return [add_contact(store, f"Person {chr(65 + i // 26)}{chr(97 + i % 26)}xyz",
                        company=company, event=event, force=True) for i in range(n)]


def review_now(store, card, rating, when, **kw):
    return deck.answer_card(store, card["id"], rating=rating, now=when, **kw)


def test_new_cards_per_day_counts_what_was_introduced_today(store):
    people(store, 15)  # 30 cards: a name and a who-is card each
    first = deck.queue(store, now=NOW)
    assert len(first) == deck.DEFAULT_NEW_PER_DAY
    for card in first[:5]:
        review_now(store, card, 3, NOW - timedelta(hours=1))
    assert deck.done_today(store, NOW)["new"] == 5
    again = deck.queue(store, now=NOW)
    assert len([c for c in again if c["fsrs_state"] is None]) == deck.DEFAULT_NEW_PER_DAY - 5
    assert len(again) == 20  # the five in their learning steps are due again
    # Tomorrow the allowance is back.
    tomorrow = NOW + timedelta(hours=6)
    assert len([c for c in deck.queue(store, now=tomorrow) if c["fsrs_state"] is None]) == 20


def test_reviews_per_day_limit_and_siblings_apart(store):
    people(store, 4)
    cards = deck.load_cards(store)
    week_ago = NOW - timedelta(days=30)
    for card in cards:
        review_now(store, card, 3, week_ago)
        review_now(store, card, 3, week_ago + timedelta(minutes=15))
    settings = deck.DrillSettings(reviews_per_day=3)
    due = deck.queue(store, now=NOW, settings=settings)
    assert len(due) == 3
    assert all(a["contact_id"] != b["contact_id"] for a, b in pairwise(due))
    for card in due[:2]:
        review_now(store, card, 3, NOW - timedelta(minutes=1))
    assert deck.done_today(store, NOW)["reviews"] == 2
    assert len(deck.queue(store, now=NOW, settings=settings)) == 1


def test_desired_retention_comes_from_config_and_shortens_intervals(store, tmp_path):
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "config.json").write_text(json.dumps({"desired_retention": 0.97}))
    assert deck.drill_settings().desired_retention == 0.97
    assert deck.drill_settings({"desired_retention": 0.8}).desired_retention == 0.8
    (config / "config.json").write_text(json.dumps({"desired_retention": 2}))
    with pytest.raises(deck.NamecardsError, match="between 0.70 and 0.99"):
        deck.drill_settings()

    [a, b] = people(store, 2)
    cards = {c["contact_id"]: c for c in deck.load_cards(store, kinds=("name",))}
    intervals = {}
    for contact, retention in ((a, 0.97), (b, 0.8)):
        settings = deck.DrillSettings(desired_retention=retention)
        card = cards[contact]
        when = NOW - timedelta(days=20)
        for step in range(3):  # learn it, then two reviews
            answer = review_now(store, deck.get_card(store, card["id"]), 3, when, settings=settings)
            when = answer.due
        intervals[retention] = answer.due
    assert intervals[0.97] < intervals[0.8]


def test_eight_lapses_make_a_leech_and_undo_takes_it_back(store):
    people(store, 1)
    card = next(c for c in deck.load_cards(store) if c["kind"] == "name")
    when = NOW - timedelta(days=200)
    # Again while learning is not a lapse: forgetting a card you never knew is not a leech.
    for _ in range(3):
        review_now(store, deck.get_card(store, card["id"]), 1, when)
        when += timedelta(minutes=2)
    assert store.db["drill_cards"].get(card["id"])["lapses"] == 0
    answer = None
    for lapse in range(8):
        while deck.get_card(store, card["id"])["fsrs_state"]["state"] != 2:  # learn it again
            when = max(when, deck.get_card(store, card["id"])["due"])
            review_now(store, deck.get_card(store, card["id"]), 3, when)
        when = deck.get_card(store, card["id"])["due"]
        answer = review_now(store, deck.get_card(store, card["id"]), 1, when)
    row = store.db["drill_cards"].get(card["id"])
    assert (row["lapses"], row["leech"], answer.leech) == (8, 1, True)
    deck.undo_last(store)
    row = store.db["drill_cards"].get(card["id"])
    assert (row["lapses"], row["leech"]) == (7, 0)


def test_cloze_point_is_typed_and_graded_on_the_key_phrase(store):
    maria = add_contact(store, "María López", company="Acme Robotics")
    add_note(store, maria, "- leads the {{ROS 2}} migration\n- sails on weekends")
    points = [c for c in deck.load_cards(store) if c["kind"] == "point"]
    prompts = {p["answer"]: p for p in (deck.card_prompt(store, c) for c in points)}
    cloze = prompts["ROS 2"]
    assert cloze["typed"] and cloze["cloze"] == "leads the […] migration"
    assert cloze["context"] == "leads the ROS 2 migration"
    # A point without a key phrase asks who said it: one answer, typed and graded.
    plain = prompts["María López"]
    assert plain["typed"] and "cloze" not in plain and plain["quote"] == "sails on weekends"
    assert plain["question"] == "Who told you this?"
    answer = deck.answer_card(store, cloze["card_id"], typed="ros 2", now=NOW)
    assert (answer.rating, answer.verdict) == (3, "exact")
    name = next(c for c in deck.load_cards(store) if c["kind"] == "name")
    # The hint on the name card must not hand over the cloze card's answer.
    assert deck.card_prompt(store, name)["hint"] == "leads the […] migration"
    # "Name all 2 things": one card for the person, graded on how many were recalled.
    [every] = [c for c in deck.load_cards(store) if c["kind"] == "points"]
    prompt = deck.card_prompt(store, every)
    assert prompt["count"] == 2 and prompt["question"] == "Name all 2 things María López told you."


def test_typed_answer_with_a_rating_keeps_the_text_and_the_rating(store):
    people(store, 1)
    name = next(c for c in deck.load_cards(store) if c["kind"] == "name")
    answer = deck.answer_card(store, name["id"], typed="Someone else", rating=3, now=NOW)
    row = store.db["reviews"].get(answer.review_id)
    assert (row["rating"], row["verdict"], row["typed"]) == (3, "wrong", "Someone else")


def test_queue_reads_only_due_and_the_allowed_new_cards(store):
    people(store, 30)
    cards = deck._candidates(store, None, NOW, 7)
    assert len(cards) == 7 and all(c["fsrs_state"] is None for c in cards)
    plan = [r["detail"] for r in store.db.query(
        "explain query plan select * from drill_cards where suspended = 0 and "
        "fsrs_state is null order by id limit 5")]
    assert any("idx_drill_cards_new" in d for d in plan)


def event_with_people(store, when: str, n=3):
    add_event(store, "Acme — second interview", date=when, company="Acme Robotics")
    ids = people(store, n, event="Acme — second interview", company="Acme Robotics")
    people(store, 2, company="Elsewhere")  # not at the event
    return get_event(store, "Acme — second interview"), ids


def test_cram_before_the_event_pulls_its_cards_only(store):
    event, _ = event_with_people(store, "2026-11-27T09:30")
    cards = deck.load_cards(store, event_id=event["id"])
    learnt = NOW - timedelta(days=1)
    for card in cards:  # learnt yesterday: not due yet, but below 95% at the event
        review_now(store, card, 3, learnt)
        review_now(store, deck.get_card(store, card["id"]), 3, learnt + timedelta(minutes=15))
    plain = deck.queue(store, now=NOW)
    assert plain and all(c["fsrs_state"] is None for c in plain)  # only the others' new cards
    cram = deck.queue(store, event=event, now=NOW)
    assert {c["id"] for c in cram} == {c["id"] for c in cards}
    assert deck.is_cramming(event, NOW) and not deck.is_cramming(event, NOW + timedelta(days=4))
    # After the event, --event is a plain drill of its people: nothing is due.
    assert deck.queue(store, event=event, now=NOW + timedelta(hours=14)) == []
    everyone = deck.queue(store, event=event, cram=True, now=NOW + timedelta(hours=14))
    assert len(everyone) == len(cards)


def test_warm_up_is_offered_once_on_the_event_day(store):
    event, ids = event_with_people(store, "2026-11-27T15:00")
    before = datetime(2026, 11, 26, 20, 0, tzinfo=timezone.utc)
    morning = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)
    assert deck.warm_up_offer(store, event, before) == 0
    n = deck.warm_up_offer(store, event, morning)
    assert n == len(deck.load_cards(store, event_id=event["id"])) == 2 * len(ids)
    warm = deck.warm_up_queue(store, event, morning)
    assert len(warm) == n
    deck.answer_card(store, warm[0]["id"], rating=3, now=morning, cram=deck.CRAM_WARM_UP)
    assert deck.warm_up_offer(store, event, morning + timedelta(minutes=5)) == 0
    assert deck.warm_up_offer(store, event, datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)) == 0


def test_the_mask_also_hides_words_that_give_the_name_away(store):
    maria = add_contact(store, "María López", company="Acme Robotics")
    scan = {"name_boxes": "[[10, 10, 50, 12]]", "words": json.dumps([
        {"text": "maria@acme.example", "left": 5, "top": 40, "width": 90, "height": 10},
        {"text": "Acme", "left": 5, "top": 60, "width": 30, "height": 10}])}
    contact = store.db["contacts"].get(maria)
    # The mailbox only ("maria" of 18 letters): the company's domain stays a fair cue.
    assert deck._name_boxes(scan, contact) == [[10, 10, 50, 12], [5.0, 40.0, 25.0, 10.0]]


def test_regrade_replaces_the_rating_in_place(store):
    people(store, 1)
    name = next(c for c in deck.load_cards(store) if c["kind"] == "name")
    first = deck.answer_card(store, name["id"], typed="Nobody", now=NOW - timedelta(days=9))
    assert first.rating == 1
    again = deck.regrade(store, first.review_id, 3)
    rows = list(store.db.query("select * from reviews"))
    assert len(rows) == 1 and (rows[0]["id"], rows[0]["rating"], rows[0]["typed"]) == (
        first.review_id, 3, "Nobody")
    expected, _ = deck.drilling.review(None, 3, NOW - timedelta(days=9))
    assert deck.get_card(store, name["id"])["fsrs_state"]["step"] == expected["step"]
    assert again.due > first.due
    deck.undo_last(store)
    assert deck.get_card(store, name["id"])["fsrs_state"] is None
