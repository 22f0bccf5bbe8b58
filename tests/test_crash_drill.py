"""Kill the drill mid-session with SIGKILL: every answer given before the kill is in `reviews`."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.hostile import corpus

FIRST = ["Ana", "Bruno", "Chiara", "Dmitri", "Emeka", "Farah", "Goran", "Hana"]
LAST = ["Okafor", "Lindqvist", "Tanaka", "Moreau", "Kowalski"]
DRIVER = Path(__file__).parent / "fixtures" / "hostile" / "drill_driver.py"


def make_people(home: Path, n: int) -> None:
    from namecards.domain.contacts import add_contact, add_note
    from namecards.store import open_store

    store = open_store(home)
    try:
        for i in range(n):
            cid = add_contact(store, f"{FIRST[i % len(FIRST)]} {LAST[i // len(FIRST)]}",
                              title="Engineer", company="Acme",
                              emails=[f"person{i:02d}@acme.example"], force=True)
            add_note(store, cid, f"- likes topic {i}")
    finally:
        store.close()


def start_driver(home: Path, mode: str, limit: int | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(corpus.ROOT)}
    args = [sys.executable, str(DRIVER), str(home), mode] + ([str(limit)] if limit else [])
    return subprocess.Popen(args, cwd=corpus.ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def reviews(home: Path) -> list[int]:
    db = sqlite3.connect(home / "namecards.db")
    try:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        return [r[0] for r in db.execute("select card_id from reviews order by id")]
    finally:
        db.close()


@pytest.mark.parametrize("mode,answers", [("tui", 7), ("api", 25)])
def test_kill_9_mid_drill_keeps_every_answer(tmp_path, mode, answers):
    home = tmp_path / "home"
    make_people(home, 12)
    proc = start_driver(home, mode)
    given = []
    try:
        while len(given) < answers:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            given.append(int(line.split()[1]))
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        # Read through the text buffer: communicate(timeout=...) reads the raw pipe and would
        # skip lines readline() had already buffered.
        rest = proc.stdout.read()
        proc.wait(timeout=30)
        proc.stderr.close()
    # Answers it printed while we stopped reading were given too (only whole lines count).
    given += [int(line.split()[1]) for line in rest.splitlines(keepends=True)
              if line.startswith("answered") and line.endswith("\n")]
    saved = reviews(home)
    # Every answer printed is saved, in order; the one being given at the kill may be too.
    assert saved[: len(given)] == given, (given, saved)
    assert len(saved) - len(given) <= 1, (given, saved)

    # After the crash, drilling resumes where it stopped: the answered cards are not due again.
    proc = start_driver(home, "api", 3)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    again = [int(line.split()[1]) for line in out.splitlines() if line.startswith("answered")]
    assert not set(again) & set(saved), (again, saved)
