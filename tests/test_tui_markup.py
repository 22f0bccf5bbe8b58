"""User data that looks like Textual/Rich markup ("Acme [/q", "[b]", "[link=x]") is shown as
text on every screen, and never crashes one (issue 13, §4)."""

import asyncio

from tui_sample import NOW, add_scan

from namecards.domain.contacts import add_contact, add_note
from namecards.domain.events import add_event
from tui.app import make_app

HOSTILE = "Acme [/q"


def hostile_people(store, tmp_path):
    add_event(store, "[b]Day[/", date="2026-11-27T09:30", company=HOSTILE)
    mia = add_scan(store, tmp_path, "mia", {"full_name": "Mia [/] Wu", "title": "[red]CTO",
                                             "company": HOSTILE, "emails": ["mia@x.example"]},
                   {"full_name": 0.5, "company": 0.4}, event="[b]Day[/")
    add_note(store, mia, "Met at [/b] lunch.\n- ships [/q every {{[/b] day}}\n- [link=x]sails")
    other = add_contact(store, "Bob [@click=app.quit]", company="[bold]", event="[b]Day[/",
                        title="$x [/]")
    add_note(store, other, "- [on red]things")
    return mia, other


def test_every_screen_shows_markup_like_data_as_text(store, tmp_path):
    mia, other = hostile_people(store, tmp_path)

    async def scenario():
        app = make_app(store, now=NOW)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert app.is_running
            for place in ("contacts", "review", "stats", "scan", "dashboard"):
                app.action_go(place)
                await pilot.pause()
                await pilot.pause()
                assert app.is_running, place
            app.action_go("contacts", select=mia)
            await pilot.pause()
            info = str(app.screen.query_one("#info").render())
            assert "Mia [/] Wu" in info and HOSTILE in info and "ships [/q every" in info
            for row in range(3):
                await pilot.press("down")
                await pilot.pause()
            app.open("note", contact_id=mia)
            await pilot.pause()
            await pilot.press("escape")
            app.open("letter", contact_id=mia)
            await pilot.pause()
            assert "Dear Mia [/]," in app.screen.query_one("#draft").text
            await pilot.press("escape")
            await pilot.pause()
            app.action_go("dashboard")
            await pilot.pause()
            assert "[b]Day[/" in str(app.screen.query_one("#today").render())
            assert app.is_running

    asyncio.run(scenario())
