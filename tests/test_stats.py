"""`namecards stats`: reviews, retention, the week's forecast, readiness per event, leeches."""

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from namecards import drilling
from namecards.domain import deck
from namecards.domain.contacts import add_contact
from namecards.domain.events import add_event, get_event
from namecards.services.stats import collect_stats, format_stats

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=timezone.utc)
OLD_KEYS = {"contacts", "events", "talking_points", "drill_cards", "due_now", "reviews",
            "retention", "leeches", "letters"}


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def drilled(store):
    add_event(store, "Acme — second interview", date="2026-11-29T09:30", company="Acme")
    add_event(store, "Old fair", date="2026-10-01", kind="fair")
    a = add_contact(store, "María López", company="Acme", event="Acme — second interview")
    b = add_contact(store, "Jürgen Groß", company="Acme", event="Acme — second interview")
    cards = deck.load_cards(store)
    when = NOW - timedelta(days=2)
    for card in cards:
        deck.answer_card(store, card["id"], rating=3, now=when)
        deck.answer_card(store, card["id"], rating=3, now=when + timedelta(minutes=15))
    leech = cards[0]["id"]
    store.db["drill_cards"].update(leech, {"lapses": 8, "leech": 1})
    deck.answer_card(store, cards[1]["id"], rating=1, now=NOW - timedelta(hours=1))
    return a, b, cards


def test_stats_keep_the_old_keys_and_add_forecast_readiness_and_leeches(store):
    _, _, cards = drilled(store)
    s = collect_stats(store, NOW)
    assert OLD_KEYS <= set(s)
    assert s["reviews"] == 2 * len(cards) + 1
    assert s["retention"] == round((2 * len(cards)) / (2 * len(cards) + 1), 3)
    assert s["reviews_today"] == 1 and s["leeches"] == 1
    assert [d["date"] for d in s["due_forecast"]] == [
        (NOW.date() + timedelta(days=i)).isoformat() for i in range(7)]
    assert sum(d["due"] for d in s["due_forecast"]) <= len(cards)
    assert s["due_forecast"][0]["due"] >= 1  # the card just forgotten comes back today

    [ready] = s["event_readiness"]  # the old fair is past: not listed
    event = get_event(store, "Acme — second interview")
    at = deck.event_time(event)
    recalls = [drilling.retrievability_at(c["fsrs_state"], at)
               for c in deck.load_cards(store, event_id=event["id"])]
    assert ready["cards"] == len(recalls) == 4 and ready["people"] == 2
    assert ready["mean_recall"] == round(sum(recalls) / 4, 3)
    assert ready["min_recall"] == round(min(recalls), 3)
    assert ready["below_target"] == sum(r < 0.95 for r in recalls)
    # The cram plan runs day by day (local days) from today to the event's day.
    assert [d["date"] for d in ready["cram_plan"]] == [
        "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"]
    assert sum(d["cards"] for d in ready["cram_plan"]) >= ready["below_target"]
    assert ready["planned_min_recall"] >= ready["min_recall"]
    [leech] = s["leech_cards"]
    assert leech["card_id"] == cards[0]["id"] and leech["lapses"] == 8
    text = format_stats(s)
    assert "Leeches (forgotten 8+ times" in text and "Acme — second interview" in text


def test_stats_command_json_and_text(cli, store):
    drilled(store)
    result = cli("stats", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert OLD_KEYS <= set(data) and len(data["due_forecast"]) == 7
    assert data["leech_cards"][0]["name"] in ("María López", "Jürgen Groß")
    text = cli("stats")
    assert text.exit_code == 0 and "Due in the next 7 days" in text.output


def test_stats_on_an_empty_store(store):
    s = collect_stats(store, NOW)
    assert s["reviews"] == 0 and s["retention"] is None and s["event_readiness"] == []
    assert "Retention: -" in format_stats(s)
