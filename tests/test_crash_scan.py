"""kill -9 a batch scan at random moments: the database stays sound, nothing printed as added
is lost, no contact without its scan or scan without its image, and running the same command
again finishes the batch without duplicates."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from fixtures.hostile import corpus

CARDS = 12
SEEDS = range(4)


def make_batch(folder: Path, n: int = CARDS) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    people = [corpus.person(i) for i in range(n)]
    for i, p in enumerate(people):
        corpus.write_card(folder / f"card_{i:03d}.png", p)
    return people


def check_store(home: Path) -> dict:
    """The crash invariants; returns counts for the caller's own checks."""
    db = sqlite3.connect(home / "namecards.db")
    try:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert db.execute("pragma foreign_key_check").fetchall() == []
        tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
        if "scans" not in tables:  # killed before the first migration committed: empty, fine
            assert "contacts" not in tables
            return {"contacts": 0, "scans": 0, "ids": set()}
        for path, card_path in db.execute("select path, card_path from scans"):
            assert path and (home / path).is_file(), f"scan without its image {path}"
            assert card_path is None or (home / card_path).is_file(), card_path
        lonely = db.execute("select id from contacts where id not in "
                            "(select contact_id from scans where contact_id is not null)")
        assert lonely.fetchall() == [], "a contact without its scan"
        no_contact = db.execute("select id from scans where contact_id is null").fetchall()
        assert no_contact == [], "a scan without its contact"
        dupes = db.execute("select value, count(distinct contact_id) from contact_methods "
                           "where kind = 'email' group by value having count(distinct contact_id) > 1")
        assert dupes.fetchall() == [], "the same person filed twice"
        return {
            "contacts": db.execute("select count(*) from contacts").fetchone()[0],
            "scans": db.execute("select count(*) from scans").fetchone()[0],
            "ids": {r[0] for r in db.execute("select id from contacts")},
        }
    finally:
        db.close()


def kill_scan(home: Path, folder: Path, rng: random.Random, *, fake: bool = True) -> list[dict]:
    """Start a scan, kill -9 it at a random moment; return the results it printed."""
    proc = corpus.run_cli(home, "scan", "--json", folder, fake_ocr=fake, popen=True,
                          env={"FAKE_OCR_DELAY": "0.01"})
    try:
        return _kill_at_random(proc, rng)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=60)


def _kill_at_random(proc, rng: random.Random) -> list[dict]:
    printed: list[dict] = []
    if rng.random() < 0.3:
        time.sleep(rng.uniform(0.0, 1.2))  # anywhere, start-up and migrations included
    else:
        wait_for = rng.randrange(0, CARDS - 1)
        while len(printed) < wait_for:
            line = proc.stdout.readline()
            if not line:
                break
            printed.append(json.loads(line))
        time.sleep(rng.uniform(0.0, 0.03))  # mid-card: saving images or committing
    os.killpg(proc.pid, signal.SIGKILL)
    out, _ = proc.communicate(timeout=60)
    # A line cut off by the kill was never a promise: only complete lines count.
    for line in out.splitlines(keepends=True):
        if line.endswith("\n"):
            printed.append(json.loads(line))
    return printed


@pytest.mark.parametrize("seed", SEEDS)
def test_kill_9_during_a_batch_scan_loses_nothing(tmp_path, seed):
    rng = random.Random(seed)
    folder = tmp_path / "cards"
    people = make_batch(folder)
    home = tmp_path / "home"
    kills = 0
    promised: set[int] = set()
    for _ in range(3):
        printed = kill_scan(home, folder, rng)
        kills += 1
        promised |= {r["contact_id"] for r in printed if r["status"] in ("added", "updated")}
        if (home / "namecards.db").exists():
            state = check_store(home)
            lost = promised - state["ids"]
            assert not lost, f"printed as added, gone after the kill: {lost}"
    r = corpus.run_cli(home, "scan", "--json", folder)
    assert r.returncode == 0, r.stderr
    assert "locked" not in r.stderr and "Traceback" not in r.stderr
    state = check_store(home)
    assert state["contacts"] == len(people) and state["scans"] == len(people)
    assert promised <= state["ids"]
    statuses = [json.loads(line)["status"] for line in r.stdout.splitlines()]
    assert len(statuses) == len(people) and set(statuses) <= {"added", "duplicate"}
    assert kills == 3


@pytest.mark.skipif(not corpus.real_ocr_available(), reason="the ocr package is not merged yet")
@pytest.mark.slow
@pytest.mark.parametrize("seed", [101])
def test_kill_9_during_a_real_ocr_scan(tmp_path, seed):
    rng = random.Random(seed)
    folder = tmp_path / "cards"
    folder.mkdir()
    people = [corpus.person(i) for i in range(3)]
    for i, p in enumerate(people):
        corpus.write_card(folder / f"card_{i:03d}.jpg", p)
    home = tmp_path / "home"
    proc = corpus.run_cli(home, "scan", "--json", "--jobs", "2", folder, fake_ocr=False,
                          popen=True)
    try:
        want = rng.randrange(1, 3)
        printed = [json.loads(proc.stdout.readline()) for _ in range(want)]
        time.sleep(rng.uniform(0, 0.2))
    finally:  # the scan and its OCR workers, as a power cut would; never leave them behind
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
    state = check_store(home)
    assert {r["contact_id"] for r in printed} <= state["ids"]
    r = corpus.run_cli(home, "scan", "--json", "--jobs", "2", folder, fake_ocr=False)
    assert r.returncode == 0, r.stderr
    state = check_store(home)
    assert state["scans"] == len(people)


def _session_pids(sid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == sid:
                    pids.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                pass
    return pids


@pytest.mark.slow
@pytest.mark.skipif(not corpus.real_ocr_available(), reason="the ocr package is not merged yet")
def test_ocr_workers_exit_when_the_scan_is_killed(tmp_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    for i in range(3):
        corpus.write_card(folder / f"card_{i}.jpg", corpus.person(i))
    proc = corpus.run_cli(tmp_path / "home", "scan", "--json", "--jobs", "2", folder,
                          fake_ocr=False, popen=True)
    try:
        proc.stdout.readline()
        proc.send_signal(signal.SIGKILL)  # the parent only, as the OOM killer would
        proc.wait(timeout=30)
        deadline = time.monotonic() + 8
        while _session_pids(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _session_pids(proc.pid) == [], "OCR workers outlived their scan"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate(timeout=30)
