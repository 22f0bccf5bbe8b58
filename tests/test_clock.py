"""One clock: what is due, new or overdue is counted by the store's clock, never the wall's."""

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from namecards.clock import FixedClock
from namecards.domain import deck
from namecards.domain.contacts import add_contact
from namecards.domain.events import add_event
from namecards.services.due import due as due_items
from namecards.services.stats import collect_stats

ROOT = Path(__file__).resolve().parent.parent

# Calls that read the wall clock. Elapsed time (time.monotonic) is not "now" and is allowed.
WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
              ("date", "today"), ("time", "time")}
# The one place each that may read it, and why.
ALLOWED = {
    "namecards/clock.py",  # the system clock itself
    "namecards/services/doctor.py",  # a temp file's age falls back to time.time() on a read-only home
}


def wall_clock_calls(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.func.attr) in WALL_CLOCK:
                lines.append(node.lineno)
    return lines


def test_nothing_but_the_clock_module_reads_the_wall_clock():
    found = {}
    for package in ("namecards", "tui", "ocr"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel not in ALLOWED and (lines := wall_clock_calls(path)):
                found[rel] = lines
    assert found == {}


@pytest.mark.parametrize("when", [datetime(2019, 3, 1, 12, tzinfo=UTC),
                                  datetime(2041, 7, 9, 8, tzinfo=UTC)])
def test_due_counts_follow_the_store_clock_on_any_date(store, when):
    clock = FixedClock(when)
    store.clock = clock
    add_event(store, "Panel", date=(when + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    add_contact(store, "Ana Silva", company="Acme", event="Panel")
    add_contact(store, "Ben Okafor", company="Acme", event="Panel")
    # New cards are due the moment they are made, by the store's clock.
    assert collect_stats(store)["due_now"] == collect_stats(store, when)["due_now"] > 0
    assert len(deck.queue(store)) == collect_stats(store)["due_now"]
    # An hour earlier, nothing was due yet: the cards did not exist.
    assert collect_stats(store, when - timedelta(hours=1))["due_now"] == 0
    # After the event, both thank-you notes are due, counted from the event's date.
    clock.advance(timedelta(days=3))
    follow = [f for g in due_items(store)["events"] for f in g["follow_ups"]]
    assert len(follow) == 2


def test_a_fixed_clock_refuses_a_naive_time():
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 12, 2))


def test_the_clock_free_tests_reach_only_ocr():
    """CI's faketime pass leaves out the `clockfree` tests (conftest.CLOCK_FREE_MODULES): that
    is only sound while those modules test `ocr` alone, which reads no clock (checked above)."""
    from conftest import CLOCK_FREE_MODULES

    for module in CLOCK_FREE_MODULES:
        tree = ast.parse((ROOT / "tests" / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in {"namecards", "tui"}, (module, name)
