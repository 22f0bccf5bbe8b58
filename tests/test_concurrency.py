"""A scan and a drill in two processes at once, and two scans of the same folder at once:
no "database is locked" reaches the user, nothing is filed twice, every answer is kept."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from fixtures.hostile import corpus
from test_crash_drill import make_people, reviews, start_driver
from test_crash_scan import check_store, make_batch


@pytest.mark.parametrize("mode", ["api", "tui"])
def test_scan_while_drilling_in_another_process(tmp_path, mode):
    home = tmp_path / "home"
    make_people(home, 12)
    folder = tmp_path / "cards"
    make_batch(folder, 14)
    scan = corpus.run_cli(home, "scan", "--json", folder, popen=True,
                          env={"FAKE_OCR_DELAY": "0.02"})
    drill = start_driver(home, mode)
    scan_out, scan_err = scan.communicate(timeout=120)
    drill_out, drill_err = drill.communicate(timeout=120)
    for err in (scan_err, drill_err):
        assert "locked" not in err and "Traceback" not in err, err
    assert scan.returncode == 0 and drill.returncode == 0
    statuses = [json.loads(line)["status"] for line in scan_out.splitlines()]
    assert statuses == ["added"] * 14
    answered = [int(line.split()[1]) for line in drill_out.splitlines()
                if line.startswith("answered")]
    assert answered and reviews(home) == answered


def test_two_scans_of_the_same_cards_at_once_file_each_card_once(tmp_path):
    home = tmp_path / "home"
    folder = tmp_path / "cards"
    people = make_batch(folder, 10)
    corpus.run_cli(home, "list")  # the home exists before the race
    runs = [corpus.run_cli(home, "scan", "--json", folder, popen=True,
                           env={"FAKE_OCR_DELAY": "0.01"}) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in runs]
    for p, (out, err) in zip(runs, outs):
        assert p.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
    seen: dict[str, list[str]] = {}
    for out, _ in outs:
        for line in out.splitlines():
            x = json.loads(line)
            seen.setdefault(Path(x["file"]).name, []).append(x["status"])
    for name, statuses in seen.items():
        assert sorted(statuses) in (["added", "duplicate"], ["duplicate", "updated"],
                                    ["added", "updated"]), (name, statuses)
    state = check_store(home)
    assert state["contacts"] == len(people)


def test_a_reader_holding_a_transaction_does_not_block_writers(tmp_path):
    """Datasette or sqlite3 reading the file while namecards writes (WAL)."""
    home = tmp_path / "home"
    make_people(home, 2)
    reader = sqlite3.connect(home / "namecards.db")
    reader.execute("begin")
    reader.execute("select count(*) from contacts").fetchone()
    try:
        proc = start_driver(home, "api", 3)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    finally:
        reader.rollback()
        reader.close()
    assert len(reviews(home)) == 3
