"""The drill screen, driven through the real app with Pilot; assertions on the database."""

import asyncio
from datetime import datetime, timezone

from namecards.contacts import add_contact, add_note
from namecards.deck import queue
from tui.app import make_app
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
            assert (rows[-1]["rating"], rows[-1]["verdict"], rows[-1]["typed"]) == (2, "accents", "Maria Lopez")
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
