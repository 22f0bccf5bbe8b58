"""The day after the interview in the TUI: the dashboard names the event and the next steps,
one "due now" number everywhere, the scan and review fixes, a duplicate in the contact form,
and the card image for every contact that has one. Real store, real app through Pilot."""

import asyncio
from pathlib import Path

import pytest
from textual.widgets import Input
from tui_sample import NOW, add_scan, populate, steady_terminal

from namecards.domain import deck
from namecards.domain.contacts import get_contact, list_contacts
from namecards.services.due import day_plan, due
from namecards.services.stats import collect_stats
from tui.app import make_app
from tui.screens.contacts import card_image_path
from tui.screens.scan import SAMPLE_CARDS

SIZE = (110, 34)


@pytest.fixture(autouse=True)
def _steady(monkeypatch):
    steady_terminal(monkeypatch)


@pytest.fixture
def sample(store, tmp_path):
    return populate(store, tmp_path / "cards")


def run(app, scenario):
    async def main():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


def test_the_dashboard_names_the_event_and_the_next_steps_in_order(store, sample):
    plan = day_plan(store, NOW)
    assert plan["event"]["name"] == "Acme Robotics — second interview"
    assert [s["what"] for s in plan["steps"]] == ["review", "notes", "drill", "letters"]

    async def scenario(pilot):
        line = str(pilot.app.screen.query_one("#today").render())
        assert line.startswith("Acme Robotics — second interview (Thu 3 Dec 09:30): "
                               "2 cards to review · 1 person without notes · ")
        assert "thank-you notes due by Fri 4 Dec" in line
        await pilot.press("enter")  # the first step: review
        await pilot.pause()
        assert pilot.app.screen.sub_title == "Review scans"

    run(make_app(store, now=NOW), scenario)


def test_one_due_now_number_everywhere(store, sample):
    n = deck.due_now(store, NOW)
    assert n == len(deck.queue(store, now=NOW)) == collect_stats(store, NOW)["due_now"]
    assert due(store, now=NOW)["due_now"] == n

    async def scenario(pilot):
        assert str(pilot.app.screen.query_one("#tile-due").render()).startswith(str(n))
        pilot.app.action_go("stats")
        await pilot.pause()
        assert str(pilot.app.screen.query_one("#stat-due").render()).startswith(str(n))
        pilot.app.push_screen(pilot.app.drill_screen())
        await pilot.pause()
        assert len(pilot.app.screen.cards) == n

    run(make_app(store, now=NOW), scenario)


def test_review_accepts_the_sure_ones_in_one_key_and_keeps_the_card_shown(store, tmp_path):
    for i, conf in enumerate((0.99, 0.99, 0.5)):
        add_scan(store, tmp_path, f"p{i}", {
            "full_name": f"Person {i}", "company": "A very long company name Holdings "
            "International and Partners GmbH & Co. KG", "emails": [f"p{i}@x.example"]},
            {"full_name": conf, "company": 0.99, "emails": 0.99, "faxes": 0.1})

    async def scenario(pilot):
        app = pilot.app
        app.action_go("review")
        await pilot.pause()
        screen = app.screen
        status = str(screen.query_one("#review-status").render())
        assert status.startswith(" Scan 1 of 3 · ")
        company = screen.query_one("#r-company", Input)
        assert company.cursor_position == 0  # a long field shows its start
        # A "faxes" confidence the form does not show is not counted as a field to check.
        assert "read with confidence" in status
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert len(screen.queue) == 1 and "Person 2" in screen.query_one("#r-full_name").value
        status = str(screen.query_one("#review-status").render())
        assert status.startswith(" Scan 1 of 1 · 1 field to check ")
        outlined = [i for i in screen.query(Input) if i.has_class("low")]
        assert [i.id for i in outlined] == ["r-full_name"]
        pictures = screen.query(".card-picture")
        assert pictures and pictures.first().display  # the card is still shown

    run(make_app(store, now=NOW), scenario)
    assert store.db["scans"].count_where("reviewed = 1") == 2


def test_scan_folders_go_up_home_and_to_the_samples(store, tmp_path):
    (tmp_path / "inner").mkdir()

    async def scenario(pilot):
        app = pilot.app
        app.action_go("scan")
        await pilot.pause()
        tree = app.screen.query_one("#tree")
        await pilot.press("ctrl+u")
        assert Path(tree.path) == tmp_path
        await pilot.press("ctrl+e")
        assert Path(tree.path) == SAMPLE_CARDS and SAMPLE_CARDS.is_dir()
        app.screen.query_one("#event", Input).focus()
        await pilot.press("r")  # a letter in the event box, not "review"
        await pilot.pause()
        assert app.screen.query_one("#event", Input).value == "r"

    run(make_app(store, now=NOW, scan_root=tmp_path / "inner"), scenario)


def test_a_duplicate_in_the_contact_form_is_said_there_with_add_anyway(store, sample):
    async def scenario(pilot):
        app = pilot.app
        app.action_go("contacts")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-full_name", Input).value = "Maria Lopez"
        form.query_one("#f-emails", Input).value = "maria@acme.example"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.query_one("#duplicate").display
        text = str(form.query_one("#duplicate-text").render())
        assert f"#{sample['maria']} María López" in text and "--force" not in text
        await pilot.click("#add-anyway")
        await pilot.pause()

    run(make_app(store, now=NOW), scenario)
    assert [c["full_name"] for c in list_contacts(store)].count("Maria Lopez") == 1


def test_every_contact_with_a_card_shows_it(store, sample, tmp_path):
    with_cards = [c["id"] for c in list_contacts(store)
                  if get_contact(store, c["id"])["scans"]]
    assert with_cards and all(card_image_path(store, get_contact(store, i)) for i in with_cards)

    async def scenario(pilot):
        app = pilot.app
        for contact_id in with_cards:
            app.action_go("contacts", select=contact_id)
            await pilot.pause()
            card = app.screen.query_one("#card")
            assert card.display and card.query(".card-picture").first().display

    run(make_app(store, now=NOW), scenario)
