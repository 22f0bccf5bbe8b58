"""Kill the drill mid-session (SIGKILL, no chance to clean up): every answer given is stored."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from namecards.domain.contacts import add_contact
from namecards.store import open_store

ROOT = Path(__file__).resolve().parent.parent

# The app, driven headless in a child process; it reports each answer once the screen has
# moved on, i.e. once the answer has been handed to the store.
CHILD = r'''
import asyncio, sys
from datetime import datetime, timezone
from namecards.store import open_store
from tui.app import make_app

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=timezone.utc)
store = open_store(sys.argv[1])

async def main():
    app = make_app(store, start="drill", now=NOW)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        while screen.prompt is not None:
            card, typed = screen.prompt["card_id"], screen.prompt["typed"]
            if typed:
                for ch in "Somebody":
                    await pilot.press(ch)
                await pilot.press("enter")
                await pilot.pause()
                print(f"answered {card} 1", flush=True)
                await pilot.press("enter")
            else:
                await pilot.press("space", "2")
                await pilot.pause()
                print(f"answered {card} 2", flush=True)
        print("empty", flush=True)
        sys.stdin.read()  # stay in the middle of the session until killed

asyncio.run(main())
'''


def test_sigkill_mid_session_loses_no_answer(home, tmp_path):
    store = open_store(home)
    for name in ("Jürgen Groß", "Zoë Ó Briain", "Akira Tanaka", "Priya Raman"):
        add_contact(store, name, company="Globex")
    store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TZ": "UTC",
           "NAMECARDS_CONFIG": str(tmp_path / "config")}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(home)], cwd=ROOT, env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    given = []
    try:
        for line in child.stdout:
            if line.startswith("answered"):
                _, card, rating = line.split()
                given.append((int(card), int(rating)))
            if len(given) == 3 or line.startswith("empty"):
                break
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
        child.stdin.close()
        stderr = child.stderr.read()
        child.stderr.close()
    assert len(given) == 3, stderr
    assert child.returncode == -signal.SIGKILL

    store = open_store(home)
    try:
        assert next(store.db.query("pragma integrity_check"))["integrity_check"] == "ok"
        rows = list(store.db.query("select card_id, rating, state_after from reviews order by id"))
        stored = [(r["card_id"], r["rating"]) for r in rows]
        assert stored[: len(given)] == given
        for card_id, _ in given:  # the schedule moved with the review, in the same transaction
            assert store.db["drill_cards"].get(card_id)["fsrs_state"] is not None
    finally:
        store.close()
