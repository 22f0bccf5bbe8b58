"""The walking skeleton end to end: the installed CLI scans real sample cards with real
Tesseract into a temporary home; a note, a letter, then the drill screen via Pilot."""

import asyncio
import json

import pytest
from conftest import SAMPLES, truth

from namecards.domain.events import get_event
from namecards.store import open_store
from namecards.text import fold
from tui.app import make_app

CARDS = [SAMPLES / "scans" / "card_001.jpg", SAMPLES / "scans" / "card_002.jpg"]
EVENT = "Acme Robotics — second interview"


def test_scan_note_letter_drill(run_installed, home):
    r = run_installed("scan", *map(str, CARDS), "--event", EVENT, "--date", "2026-12-03T09:30",
                      "--json")
    assert r.returncode == 0, r.stderr
    results = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["status"] for x in results] == ["added", "added"]
    expected = truth()["card_001"]
    first = results[0]
    assert set(first) == {"file", "status", "contact_id", "fields", "confidence", "source",
                          "error"}
    assert first["fields"]["emails"] == expected["emails"]
    assert set(first["fields"]["phones"]) >= set(expected["phones"])
    # Accents are OCR's hardest part; their exact rate is in the benchmark, not asserted here.
    assert fold(first["fields"]["full_name"]) == fold(expected["full_name"])
    cid = first["contact_id"]

    r = run_installed("note", str(cid), "-", input="Panel at 10.\n- leads the ROS 2 migration\n"
                      "- wants to hire two more people in Lyon\n")
    assert r.returncode == 0, r.stderr
    assert "2 talking points" in r.stdout

    r = run_installed("letter", str(cid))
    assert r.returncode == 0, r.stderr
    assert f"Dear {first['fields']['given_name']}," in r.stdout  # the name as stored
    assert "ROS 2 migration" in r.stdout

    r = run_installed("scan", str(CARDS[0]), "--json")
    assert [json.loads(line)["status"] for line in r.stdout.splitlines()] == ["duplicate"]

    store = open_store(home)
    try:
        assert store.db["contacts"].count == 2
        event = get_event(store, "acme")

        async def drill():
            app = make_app(store, start="drill", event=event)
            async with app.run_test(size=(100, 32)) as pilot:
                screen = app.screen
                while screen.prompt and screen.prompt["kind"] != "name":
                    await pilot.press("space")
                    await pilot.press("3")
                    await pilot.pause()
                # The cue: the card's picture, or in a terminal without graphics (this one)
                # its text replica, the name blanked.
                assert screen.query(".card-image") or screen.query(".card-text")
                for ch in screen.prompt["answer"]:
                    await pilot.press("space" if ch == " " else ch)
                await pilot.press("enter")
                await pilot.pause()
                await pilot.press("q")
            return screen.prompt

        prompt = asyncio.run(drill())
        last = next(store.db.query("select * from reviews order by id desc limit 1"))
        assert last["typed"] == prompt["answer"] and last["rating"] == 3
    finally:
        store.close()


@pytest.mark.parametrize("make_bad", ["missing", "empty", "pdf"])
def test_bad_files_give_one_line_and_exit_1_while_the_rest_is_scanned(run_installed, tmp_path,
                                                                     make_bad):
    bad = tmp_path / "bad.jpg"
    if make_bad == "empty":
        bad.write_bytes(b"")
    elif make_bad == "pdf":
        bad.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    r = run_installed("scan", str(bad), str(CARDS[1]))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("namecards:")]
    assert len(errors) == 1 and "bad.jpg" in errors[0]
    assert "added" in r.stdout


def test_missing_tesseract_is_a_clear_error(run_installed, tmp_path):
    r = run_installed("scan", str(CARDS[0]), env={"PATH": str(tmp_path)})
    assert r.returncode == 1
    assert "Tesseract is not installed: apt-get install tesseract-ocr" in r.stderr
    assert "Traceback" not in r.stderr
