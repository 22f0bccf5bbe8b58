"""The preparation commands explain themselves, and run as real processes (walkthrough steps 3
and 8: `namecards brief --event acme`, `namecards ready --event acme`)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = (["company"], ["company", "add"], ["company", "list"], ["company", "show"],
            ["company", "link"], ["dossier"], ["ask"], ["ask", "add"], ["ask", "list"],
            ["ask", "done"], ["practice"], ["practice", "add"], ["practice", "edit"],
            ["practice", "adopt"], ["practice", "list"], ["brief"], ["ready"])


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_explains_itself_with_an_example(cli, args):
    r = cli(*args, "--help")
    assert r.exit_code == 0, r.output
    assert "Usage:" in r.output and "Example" in r.output
    assert "namecards " + args[0] in r.output.split("Example", 1)[1]


def run_module(home, *args, input=None):
    # `python -m namecards` from the worktree root picks up this tree before the installed one.
    return subprocess.run(
        [sys.executable, "-m", "namecards", "--home", str(home), *args],
        input=input, capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_the_day_before_and_the_morning_of_as_processes(home, tmp_path):
    event = "Acme Robotics — second interview"
    assert run_module(home, "event", "add", event, "--date", "2026-12-03T09:30",
                      "--company", "Acme Robotics").returncode == 0
    assert run_module(home, "add", "--name", "María López", "--title", "CTO", "--company",
                      "Acme Robotics", "--event", "acme", "--role", "panel interviewer"
                      ).returncode == 0
    r = run_module(home, "dossier", "Acme Robotics", "-", "--source", "Le Monde",
                   input="- biggest customer is {{the city of Lyon}}\n")
    assert r.returncode == 0 and "Saved 1 fact about Acme Robotics." in r.stdout, r.stderr
    r = run_module(home, "ask", "add", "--event", "acme", "How is on-call organised?")
    assert r.returncode == 0, r.stderr

    r = run_module(home, "brief", "--event", "acme")
    assert r.returncode == 0, r.stderr
    for text in ("# Briefing — " + event, "### María López", "the city of Lyon",
                 "How is on-call organised?"):
        assert text in r.stdout
    page = tmp_path / "acme.html"
    r = run_module(home, "brief", "--event", "acme", "-o", str(page))
    assert r.returncode == 0 and r.stderr.strip() == f"Wrote {page}"
    assert "María López" in page.read_text(encoding="utf-8")

    r = run_module(home, "ready", "--event", "acme")
    assert r.returncode == 0, r.stderr
    assert "María López" in r.stdout and "namecards drill --event acme" in r.stdout
    data = json.loads(run_module(home, "ready", "--event", "acme", "--json").stdout)
    assert data["people"][0]["full_name"] == "María López" and not data["ready"]

    r = run_module(home, "ready", "--event", "nothing")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip() == "namecards: no event matches 'nothing' (see: namecards event list)"
