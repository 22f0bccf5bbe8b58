"""The drill screen, driven through the real app with Pilot; assertions on the database."""

import asyncio
import time as _time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import tui.app as tui_app
from namecards.domain import deck
from namecards.domain.contacts import add_contact, add_note
from namecards.domain.deck import queue
from namecards.domain.events import add_event, get_event
from namecards.drilling.settings import DrillSettings
from tui.app import NamecardsApp, make_app
from tui.screens.drill import DrillScreen

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=timezone.utc)


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def until_name_card(pilot, screen) -> None:
    # Reveal-and-grade any non-name card in front of the first name card.
    while screen.prompt and screen.prompt["kind"] != "name":
        await pilot.press("space")
        await pilot.press("3")
        await pilot.pause()


def reviews(store):
    return list(store.db.query("select * from reviews order by id"))


def run(coro):
    return asyncio.run(coro)


def test_typed_near_miss_is_hard_shows_the_spelling_and_can_be_overridden(store):
    add_contact(store, "María López", title="CTO", company="Acme Robotics",
                event="Acme — second interview")
    add_note(store, "maria", "- leads the ROS 2 migration")

    async def scenario():
        app = make_app(store, start="drill", now=NOW)
        answered = []
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            assert isinstance(screen, DrillScreen)
            await until_name_card(pilot, screen)
            before = len(reviews(store))
            await type_text(pilot, "Maria Lopez")
            await pilot.press("enter")
            await pilot.pause()
            rows = reviews(store)
            assert len(rows) == before + 1
            last = rows[-1]
            assert (last["rating"], last["verdict"], last["typed"]) == (2, "accents", "Maria Lopez")
            shown = str(screen.query_one("#result").render())
            assert "María López" in shown
            await pilot.press("3")  # the user overrides Hard with Good
            await pilot.pause()
            rows = reviews(store)
            assert len(rows) == before + 1 and rows[-1]["rating"] == 3
            await pilot.press("u")  # and takes it back entirely
            await pilot.pause()
            assert len(reviews(store)) == before
            assert screen.prompt["kind"] == "name"
            await type_text(pilot, "María López")
            await pilot.press("enter")
            await pilot.pause()
            assert reviews(store)[-1]["rating"] == 3 and reviews(store)[-1]["verdict"] == "exact"
            await pilot.press("q")
        return answered

    run(scenario())
    card = next(store.db.query("select * from drill_cards where kind = 'name'"))
    assert card["fsrs_state"] is not None and card["due"] > NOW.isoformat()


def test_quitting_mid_session_keeps_every_answer_and_resumes(store):
    for name in ("Jürgen Groß", "Zoë Ó Briain", "Akira Tanaka"):
        add_contact(store, name, company="Globex")
    total = len(queue(store, now=NOW))

    async def answer_three_then_quit():
        app = make_app(store, start="drill", now=NOW)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            for _ in range(3):
                if screen.prompt["typed"]:
                    await type_text(pilot, "nobody")
                    await pilot.press("enter")
                    await pilot.press("enter")
                else:
                    await pilot.press("space")
                    await pilot.press("1")
                await pilot.pause()
            await pilot.press("q")

    run(answer_three_then_quit())
    assert len(reviews(store)) == 3
    assert {r["rating"] for r in reviews(store)} == {1}
    # Cards answered Again come back after the learning step, not right away.
    assert len(queue(store, now=NOW)) == total - 3


def test_nothing_due_says_so(store):
    async def scenario():
        app = make_app(store, start="drill", now=NOW)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            assert "Nothing due right now" in str(app.screen.query_one("#question").render())
            await pilot.press("q")

    run(scenario())


def test_drill_settings_travel_through_the_app_factory(store):
    # `namecards drill --retention 0.8` hands its settings to the app, not to the store.
    settings = DrillSettings(desired_retention=0.8, new_per_day=1, reviews_per_day=5)
    add_contact(store, "Maria Keller")
    add_contact(store, "Ole Sørensen")

    async def scenario():
        app = make_app(store, start="drill", now=NOW, drill_settings=settings)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            assert app.screen.settings == settings
            assert len(app.screen.cards) == 1  # one new card a day, not the default 20
            await pilot.press("q")

    run(scenario())
    assert not hasattr(store, "drill_settings")


# ---------------------------------------------------------------- whole sessions

ACME = "Acme Robotics — second interview"


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    # The event's day and the daily limits follow the user's zone: pin it.
    monkeypatch.setenv("TZ", "UTC")
    _time.tzset()
    yield
    monkeypatch.undo()
    _time.tzset()


class RecordingApp(NamecardsApp):
    """The real app, keeping the drill's messages for the assertions."""

    CSS_PATH = str(Path(tui_app.__file__).with_name("app.tcss"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answered: list = []
        self.undone: list = []

    def on_drill_screen_answered(self, message: DrillScreen.Answered) -> None:
        self.answered.append((message.card_id, message.rating, message.verdict))

    def on_drill_screen_undone(self, message: DrillScreen.Undone) -> None:
        self.undone.append(message.card_id)


async def answer_right(pilot, screen) -> None:
    """Answer the current card correctly: type it, or reveal and grade Good."""
    if screen.prompt["typed"]:
        await type_text(pilot, screen.prompt["answer"])
        await pilot.press("enter")
        await pilot.press("enter")
    else:
        await pilot.press("space")
        await pilot.press("3")
    await pilot.pause()


def test_a_whole_session_typed_reveal_cloze_wrong_and_undo(store):
    maria = add_contact(store, "María López", title="CTO", company="Acme Robotics",
                        event=ACME, role="panel interviewer", pronunciation="ma-REE-a LO-pez",
                        mnemonic="Mario with a lopsided hat")
    add_note(store, maria, "- leads the {{ROS 2}} migration\n- sails on weekends")
    total = len(queue(store, now=NOW))
    assert total == 5  # name, who-is, a cloze, who said "sails on weekends", name both points

    async def scenario():
        app = RecordingApp(store, start="drill", now=NOW)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            seen = set()
            while screen.prompt is not None:
                p = screen.prompt
                seen.add(p["kind"] + ("-cloze" if p.get("cloze") else ""))
                if p["kind"] == "name":
                    await type_text(pilot, "María López")
                    await pilot.press("enter")
                    await pilot.pause()
                    result = str(screen.query_one("#spelling").render())
                    assert "Say it:" in result and "Mario with a lopsided hat" in result
                    await pilot.press("enter")
                elif p.get("cloze"):
                    assert "leads the […] migration" in str(screen.query_one("#cue").render())
                    await type_text(pilot, "ROS 1")  # one edit: Hard, spelling shown
                    await pilot.press("enter")
                    await pilot.pause()
                    assert app.answered[-1][1:] == (2, "near")
                    await pilot.press("enter")
                elif p["kind"] == "who-is":
                    await pilot.press("space")
                    await pilot.pause()
                    assert "met at Acme Robotics" in str(screen.query_one("#spelling").render())
                    await pilot.press("2")
                elif p.get("quote"):  # who said it: one answer, the person, typed
                    assert p["question"] == "Who told you this?"
                    assert "“sails on weekends”" in str(screen.query_one("#cue").render())
                    await type_text(pilot, "María López")
                    await pilot.press("enter")
                    await pilot.pause()
                    assert app.answered[-1][1:] == (3, "exact")
                    await pilot.press("enter")
                else:  # name both points: recalled none, take it back, recalled both
                    assert p["kind"] == "points" and p["count"] == 2
                    card_id = p["card_id"]
                    await pilot.press("space", "0")
                    await pilot.pause()
                    assert reviews(store)[-1]["rating"] == 1
                    assert reviews(store)[-1]["verdict"] == "0 of 2"
                    await pilot.press("u")
                    await pilot.pause()
                    assert screen.prompt["card_id"] == card_id and app.undone == [card_id]
                    assert store.db["drill_cards"].get(card_id)["fsrs_state"] is None
                    await pilot.press("space", "2")
                await pilot.pause()
            assert "Done for now" in str(screen.query_one("#question").render())
            await pilot.press("q")
        return app

    app = run(scenario())
    assert seen_kinds(app) == 5
    rows = reviews(store)
    assert [(r["card_id"], r["rating"], r["verdict"]) for r in rows] == [
        a for a in app.answered if a[0] != app.undone[0] or a[1] != 1]
    by_kind = {store.db["drill_cards"].get(r["card_id"])["kind"]: r for r in rows}
    assert by_kind["name"]["rating"] == 3 and by_kind["who-is"]["rating"] == 2
    assert all(r["state_after"] for r in rows) and all(r["cram"] == 0 for r in rows)


def seen_kinds(app) -> int:
    return len({card_id for card_id, _, _ in app.answered})


def test_wrong_answer_is_again_with_the_diff(store):
    add_contact(store, "Siobhán Ní Bhriain", company="Initech")

    async def scenario():
        app = RecordingApp(store, start="drill", now=NOW)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            await until_name_card(pilot, screen)
            await type_text(pilot, "Joanne Brian")
            await pilot.press("enter")
            await pilot.pause()
            assert app.answered[-1][1:] == (1, "wrong")
            assert "Not quite" in str(screen.query_one("#result").render())
            assert screen.query_one("#spelling").has_class("miss")
            await pilot.press("2")  # "I knew it, I mistyped": override to Hard
            await pilot.pause()
            await pilot.press("q")
        return app

    app = run(scenario())
    [row] = [r for r in reviews(store) if r["typed"]]
    assert (row["rating"], row["verdict"], row["typed"]) == (2, "wrong", "Joanne Brian")
    assert [a[1] for a in app.answered] == [1, 2]


def learnt_event(store, event_date: str, learnt_at, people=("María López", "Jürgen Groß")):
    add_event(store, ACME, date=event_date, company="Acme Robotics")
    for name in people:
        add_contact(store, name, company="Acme Robotics", event=ACME)
    add_contact(store, "Akira Tanaka", company="Globex")  # not at the event
    for card in deck.load_cards(store, event_id=get_event(store, ACME)["id"]):
        deck.answer_card(store, card["id"], rating=3, now=learnt_at)
        deck.answer_card(store, card["id"], rating=3, now=learnt_at + timedelta(minutes=15))
    return get_event(store, ACME)


def test_cram_before_the_event_rebuilds_the_queue_until_it_is_empty(store):
    # Learnt yesterday; the interview is tomorrow morning: every card is below 95% there.
    event = learnt_event(store, "2026-11-27T09:30", NOW - timedelta(days=1))
    event_cards = {c["id"] for c in deck.load_cards(store, event_id=event["id"])}

    async def scenario():
        app = RecordingApp(store, start="drill", event=event, now=NOW)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            assert screen.mode == "cram"
            assert "cram for Acme" in str(screen.query_one("#progress").render())
            assert {c["id"] for c in screen.cards} == event_cards
            for _ in range(60):
                if screen.prompt is None:
                    break
                await answer_right(pilot, screen)
            assert screen.prompt is None and screen.rounds >= 1
            await pilot.press("q")
        return app

    app = run(scenario())
    crammed = [r for r in reviews(store) if r["cram"] == deck.CRAM_PULL]
    assert {r["card_id"] for r in crammed} == event_cards  # the other contact is left alone
    assert len(crammed) == len(app.answered)
    # Every card reaches the target at the event, or gains nothing more from another review.
    assert deck.queue(store, event=event, now=NOW) == []


def test_warm_up_on_the_event_day_goes_over_everyone_once(store):
    morning = datetime(2026, 11, 27, 7, 0, tzinfo=timezone.utc)
    event = learnt_event(store, "2026-11-27T15:00", NOW - timedelta(days=1))
    n = len(deck.load_cards(store, event_id=event["id"]))

    async def scenario():
        app = RecordingApp(store, start="drill", event=event, now=morning)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            # The cram pulls come first; then the offer stands on the empty screen.
            while screen.prompt is not None:
                await answer_right(pilot, screen)
            assert f"warm-up pass over all {n} cards" in str(screen.query_one("#cue").render())
            before = len(reviews(store))
            await pilot.press("w")
            await pilot.pause()
            assert screen.mode == "warm-up" and len(screen.cards) == n
            for _ in range(n):
                await answer_right(pilot, screen)
            warm = [r for r in reviews(store)[before:] if r["cram"] == deck.CRAM_WARM_UP]
            assert len(warm) == n and len({r["card_id"] for r in warm}) == n
            await pilot.press("q")

    run(scenario())
    assert deck.warm_up_offer(store, event, morning + timedelta(hours=1)) == 0


def test_resuming_after_quitting_continues_with_the_rest(store):
    for name in ("Jürgen Groß", "Zoë Ó Briain"):
        add_contact(store, name, company="Globex")

    async def session(answers):
        app = RecordingApp(store, start="drill", now=NOW)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            for _ in range(answers):
                await answer_right(pilot, screen)
            shown = screen.prompt["card_id"] if screen.prompt else None
            await pilot.press("q")
        return app, shown

    first, _ = run(session(2))
    second, _ = run(session(2))
    answered = [a[0] for a in first.answered] + [a[0] for a in second.answered]
    assert len(set(answered)) == 4 == len(reviews(store))
    assert queue(store, now=NOW) == []
