"""SVG snapshots of the drill: the cue with the masked card, the answer with a diff, nothing due.

Deterministic: fixed clock and zone, card images drawn by the test, 100x32, no blinking
cursor, half-block pictures whatever terminal runs the tests.
"""

import time

import pytest
from textual.widgets import Input
from tui_sample import NOW, add_scan

from namecards.domain.contacts import add_note
from tui.app import make_app
from tui.screens import drill

SIZE = (100, 32)


@pytest.fixture(autouse=True)
def _fixed(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(drill, "IMAGE_RENDERER", "halfcell")
    yield
    monkeypatch.undo()
    time.tzset()


def one_scanned_person(store, tmp_path):
    (tmp_path / "cards").mkdir()
    akira = add_scan(store, tmp_path / "cards", "akira", {
        "full_name": "Akira Tanaka", "title": "Recruiter", "company": "Globex",
        "emails": ["hiring@globex.example"]},
        {"full_name": 0.97, "title": 0.91, "company": 0.9, "emails": 0.99})
    add_note(store, akira, "- moving the team to {{Osaka}} next spring")
    return akira


async def no_blink(pilot):
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def test_snapshot_cue_with_the_masked_card(store, tmp_path, snap_compare):
    one_scanned_person(store, tmp_path)
    app = make_app(store, start="drill", now=NOW)
    assert snap_compare(app, terminal_size=SIZE, run_before=no_blink)


def test_snapshot_answer_with_a_diff(store, tmp_path, snap_compare):
    one_scanned_person(store, tmp_path)
    app = make_app(store, start="drill", now=NOW)
    keys = [*"Akria", "space", *"Tanaka", "enter"]
    assert snap_compare(app, press=keys, terminal_size=SIZE, run_before=no_blink)


def test_snapshot_nothing_due(store, snap_compare):
    app = make_app(store, start="drill", now=NOW)
    assert snap_compare(app, terminal_size=SIZE, run_before=no_blink)


def test_snapshot_text_cue_at_80x24(store, tmp_path, snap_compare):
    """The name cue in a terminal without graphics, at 80×24: the card's words where they
    were, the name blanked, every line of the screen still readable."""
    one_scanned_person(store, tmp_path)
    app = make_app(store, start="drill", now=NOW)
    assert snap_compare(app, terminal_size=(80, 24), run_before=no_blink)


def test_snapshot_name_in_place_after_the_answer(store, tmp_path, snap_compare):
    one_scanned_person(store, tmp_path)
    app = make_app(store, start="drill", now=NOW)
    keys = [*"Akira", "space", *"Tanaka", "enter"]
    assert snap_compare(app, press=keys, terminal_size=(80, 24), run_before=no_blink)
