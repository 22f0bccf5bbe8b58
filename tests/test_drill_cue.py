"""The drill's name cue, answers and session: the text replica of the card with every trace of
the name blanked, typed answers as typed, user data that looks like markup, a second process
holding the write lock, cram spacing, siblings spread. Real store, real app through Pilot."""

import asyncio
import io
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image
from tui_sample import add_scan

from namecards import drilling
from namecards.domain import deck
from namecards.domain.contacts import add_contact, add_note, get_contact
from namecards.domain.events import add_event, get_event
from namecards.drilling.cardtext import card_replica, name_traces
from namecards.services.exchange import masked_card_bytes
from tui.app import make_app
from tui.screens import drill
from tui.screens.drill import DrillScreen

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=timezone.utc)
ACME = "Acme Robotics — second interview"


def word(text, left, top, line, width=None, height=20):
    return {"text": text, "left": left, "top": top, "width": width or 12 * len(text),
            "height": height, "conf": 90.0, "line": line}


BERANGER = [
    word("J", 40, 40, 0, width=60, height=60),  # the logo, read as a letter
    word("Acme", 120, 50, 1), word("Robotics", 180, 50, 1),
    word("Jean-Luc", 40, 200, 2), word("éranger", 150, 200, 2), word("B", 138, 200, 2, 10),
    word("President", 40, 240, 3),
    word("jberanger@acme-robotics.com", 40, 300, 4),
    word("jb@acme-robotics.com", 40, 330, 5),
    word("info@acme-robotics.com", 40, 360, 6),
    word("linkedin.com/in/jlberanger", 40, 390, 7),
    word("www.acme-robotics.com", 40, 420, 8),
]
NAMES = ["Jean-Luc Béranger", "Jean-Luc", "Béranger"]


def plain(replica) -> str:
    return "\n".join("".join(seg[0] for seg in row) for row in replica.rows)


def test_every_trace_of_the_name_is_blanked_and_the_rest_is_kept():
    # OCR boxed "Jean-Luc" and "éranger": the "B" it left outside is on the same line.
    traces = name_traces(BERANGER, NAMES, [[40, 200, 96, 20], [150, 200, 84, 20]])
    text = plain(card_replica(BERANGER, (600, 480), traces, columns=44))
    for trace in ("Jean", "Luc", "éranger", " B", "jberanger", "jb@", "jlberanger"):
        assert trace not in text, trace
    # The company's domain, a role mailbox and the company site are fair cues.
    for kept in ("Acme Robotics", "President", "@acme-robotics.com", "info@acme-robotics.com",
                 "linkedin.com/in/", "www.acme-robotics.com"):
        assert kept in text, kept
    # The blank is as long as what it hides, and the layout keeps the card's order.
    assert "________ _ _______" in text or "________ _______ _" in text
    assert text.index("Acme") < text.index("President") < text.index("info@")
    assert text.index("▆") < text.index("President")  # the logo, in its corner
    revealed = plain(card_replica(BERANGER, (600, 480), traces, columns=44, reveal=True))
    assert "Jean-Luc" in revealed and "jberanger@acme-robotics.com" in revealed


def test_a_real_scan_cue_hides_the_name_and_anki_paints_the_same_boxes(store):
    """Real Tesseract on a sample card: the replica shows the card without the name, and the
    Anki image is painted over the personal mailbox the drill blanks."""
    from namecards.services.scanning import scan

    card = Path(__file__).parents[1] / "sample_cards" / "interview" / "card_006.jpg"
    list(scan(store, [card], jobs=1))
    [contact_id] = [r["id"] for r in store.db["contacts"].rows]
    contact = get_contact(store, contact_id)
    name_card = next(c for c in deck.load_cards(store) if c["kind"] == "name")
    prompt = deck.card_prompt(store, name_card)
    text = plain(deck.card_replica(store, prompt, columns=44))
    folded = drilling.fold_accents(text)
    assert "beranger" not in folded and "jean" not in folded
    assert "acme-robotics.com" in text and "President" in text
    assert "Béranger" in plain(deck.card_replica(store, prompt, columns=44, reveal=True))
    image = Image.open(io.BytesIO(masked_card_bytes(store, contact))).convert("RGB")
    scan = store.db["scans"].get(prompt["scan_id"])
    words, traces = deck._scan_traces(scan, contact)
    mailbox = next(t for t in traces if "@" in words[t.index]["text"])
    w = words[mailbox.index]
    scale = image.size[0] / Image.open(store.home / scan["card_path"]).size[0]
    x = (w["left"] + w["width"] * mailbox.end / len(w["text"]) / 2) * scale
    y = (w["top"] + w["height"] / 2) * scale
    assert image.getpixel((int(x), int(y))) == (60, 60, 60)


def run(coro):
    return asyncio.run(coro)


@pytest.fixture
def text_cue(monkeypatch):
    monkeypatch.setattr(drill, "CUE", "text")


def test_the_drill_shows_the_replica_then_the_name_in_place(store, tmp_path, text_cue):
    add_scan(store, tmp_path, "akira", {"full_name": "Akira Tanaka", "title": "Recruiter",
                                        "company": "Globex", "emails": ["akira@globex.example"]},
             {"full_name": 0.97})

    async def scenario():
        app = make_app(store, start="drill", now=NOW)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert screen.prompt["kind"] == "name"
            cue = str(screen.query_one(".card-text").render())
            assert "Akira" not in cue and "Tanaka" not in cue and "akira@" not in cue
            assert "Recruiter" in cue and "@globex.example" in cue and "_____ ______" in cue
            for ch in "Akira Tanak":
                await pilot.press("space" if ch == " " else ch)
            await pilot.press("enter")
            await pilot.pause()
            shown = str(screen.query_one(".card-text").render())
            assert "Akira Tanaka" in shown and "akira@globex.example" in shown
            result = screen.query_one("#result").render()
            assert "You typed:  Akira Tanak-" in str(result)
            assert "Correct:    Akira Tanaka" in str(result)
            await pilot.press("q")

    run(scenario())


def test_a_missing_space_is_visible_and_the_typed_text_is_kept():
    from tui.widgets.card_text import answer_lines

    lines = str(answer_lines("MariaLopes", "María López")).splitlines()
    assert lines == ["You typed:  Maria-Lopes", "Correct:    María␣López"]
    assert str(answer_lines("María  López", "María López")).splitlines()[0] == (
        "You typed:  María ␣López")


HOSTILE = "Acme [/q"


def test_data_that_looks_like_markup_never_crashes_a_screen(store, tmp_path, text_cue):
    add_event(store, "[b]Day[/", date="2026-12-03T09:30")
    add_scan(store, tmp_path, "x", {"full_name": "Mia [/] Wu", "title": "[red]CTO",
                                     "company": HOSTILE, "emails": ["mia@x.example"]},
             {"full_name": 0.9}, event="[b]Day[/")
    add_note(store, "mia", "- ships [/q every {{[/b] day}}\n- [link=x]sails")

    async def scenario():
        app = make_app(store, start="drill", now=NOW)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            seen = set()
            while screen.prompt is not None and len(seen) < 12:
                p = screen.prompt
                seen.add(p["kind"])
                if p["typed"]:
                    for ch in "x[/":
                        await pilot.press(ch)
                    await pilot.press("enter")
                    await pilot.pause()
                    await pilot.press("enter")
                elif p["kind"] == "points":
                    await pilot.press("space", "1")
                else:
                    await pilot.press("space", "3")
                await pilot.pause()
            assert {"name", "who-is", "point", "points"} <= seen
            assert "Mia [/] Wu" in str(screen.query_one("#cue").render())  # missed names
            await pilot.press("q")

    run(scenario())


HOLD_LOCK = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("create table if not exists import_in_progress (x)")
print("locked", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
"""


def test_an_answer_given_while_another_process_writes_is_kept_and_saved(store):
    add_contact(store, "María López", company="Acme Robotics")
    writer = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(store.home / "namecards.db")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    async def scenario():
        app = make_app(store, start="drill", now=NOW)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            assert writer.stdout.readline().strip() == "locked"
            assert screen.prompt["kind"] == "name"
            for ch in "Maria Lopez":
                await pilot.press("space" if ch == " " else ch)
            await pilot.press("enter")
            await pilot.pause()
            assert len(screen.pending) == 1  # kept, not saved yet
            assert "Correct:" in str(screen.query_one("#result").render())
            await pilot.press("enter", "space", "3")  # the next card, while the lock is held
            await pilot.pause()
            assert len(screen.pending) == 2
            assert any("busy" in n.message for n in app._notifications)
            await pilot.press("q")  # refuses to leave while answers wait
            assert app.is_running and isinstance(app.screen, DrillScreen)
            writer.stdin.write("\n")
            writer.stdin.flush()
            assert writer.wait(timeout=30) == 0
            for _ in range(100):  # the retry timer saves them once the lock is free
                if not screen.pending:
                    break
                await pilot.pause(0.05)
            assert not screen.pending
            await pilot.press("q")

    run(scenario())
    rows = list(store.db.query("select typed, rating from reviews order by id"))
    assert rows == [{"typed": "Maria Lopez", "rating": 2}, {"typed": None, "rating": 3}]


def test_cram_spaces_a_good_answer_and_says_when_every_card_is_ready(store):
    add_event(store, ACME, date="2026-11-27T09:30", company="Acme Robotics")
    add_contact(store, "María López", company="Acme Robotics", event=ACME)
    event = get_event(store, ACME)
    [name] = [c for c in deck.load_cards(store) if c["kind"] == "name"]
    deck.answer_card(store, name["id"], rating=3, now=NOW)
    # Answered Good a moment ago: it waits for its learning step, not "Card 1 of 1" again.
    queue = deck.queue(store, event=event, now=NOW + timedelta(minutes=1))
    assert name["id"] not in [c["id"] for c in queue]
    outlook = deck.cram_outlook(store, event, NOW + timedelta(minutes=1))
    assert outlook.below == 1  # the who-is card, still new
    assert outlook.sentence(NOW).startswith("1 of 2 cards still below 95% for tomorrow at 09:30")
    # Learnt well, days earlier: every card above target, and the drill says so.
    for card in deck.load_cards(store, event_id=event["id"]):
        for days in (9, 6, 3):
            deck.answer_card(store, card["id"], rating=3, now=NOW - timedelta(days=days))
    outlook = deck.cram_outlook(store, event, NOW)
    assert outlook.below == 0
    assert outlook.sentence(NOW) == ("All 1 name at ≥ 95% for tomorrow at 09:30. "
                                     "Come back tomorrow at 08:00 for one more pass.")


def test_a_persons_cards_are_spread_through_the_session(store):
    for name in ("María López", "Jürgen Groß", "Akira Tanaka"):
        cid = add_contact(store, name, company="Acme Robotics")
        add_note(store, cid, "- one thing\n- another")
    order = deck.queue(store, now=NOW)
    people = [c["contact_id"] for c in order]
    assert all(a != b for a, b in zip(people, people[1:]))
    assert [c["kind"] for c in order[:3]] == ["name"] * 3  # every name before any who-is
    for contact in set(people):
        kinds = [c["kind"] for c in order if c["contact_id"] == contact]
        first_name, first_who = kinds.index("name"), kinds.index("who-is")
        positions = [i for i, c in enumerate(order) if c["contact_id"] == contact]
        assert positions[first_who] - positions[first_name] >= 3 and first_name < first_who
