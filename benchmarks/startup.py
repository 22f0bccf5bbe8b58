"""Start-up time of the everyday commands, against the same machine's `python -c pass` and
`sqlite-utils query` on the same database, in the same run.

A read-only command (`show`, `list`, `search`, `due`) is one process that imports what it
needs, opens the database and prints; `sqlite-utils query` is the floor for "open this SQLite
file from Python and print a row". The target (issue 16: at most 1.2x `sqlite-utils query`) is
judged like for like: each command against `sqlite-utils query` fetching and printing the
rows that command reads (one contact for `show`; every contact with its e-mail for `list`;
the full-text matches for `search`; the due counts for `due`); the one-contact query is kept
as a second column. Each command runs ROUNDS times, interleaved with the baselines so machine
load hits all alike; the table gives medians and the ratios.

Before/after: the same commands of the tree before the restructure into layers (`--before`,
default 2ee6159, the commit before the merge of branch `core`), extracted with `git archive`
into a temporary folder, and of this tree, both started by the same small launcher
(`python -c "...; from namecards.cli import main; main()"` with the tree first on sys.path)
on the same database, interleaved with the rest.

    python benchmarks/startup.py [--contacts 2000] [--rounds 9] [--before REF] [--no-write]

Prints a Markdown table and writes it into docs/benchmarks.md between the
`<!-- startup:start -->` and `<!-- startup:end -->` markers.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GIVEN = ["Maria", "Ole", "Đorđe", "Hans", "Aiko", "Carla", "Jonas", "Priya", "Tomás", "Lena"]
FAMILY = ["Keller", "Sørensen", "Petrović", "Groß", "Tanaka", "Dias", "Berg", "Nair", "Ruiz"]


def make_home(home: Path, contacts: int) -> None:
    from namecards.domain.contacts import add_contact, add_note
    from namecards.domain.events import add_event
    from namecards.store import open_store

    rng = random.Random(16)
    store = open_store(home)
    add_event(store, "Acme Robotics — second interview", date="2026-12-01", kind="interview")
    with store.db.atomic():
        for i in range(contacts):
            name = "Maria Keller" if i == 0 else f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {i}"
            cid = add_contact(store, name, company=f"Company {i % 40}", title="Engineer",
                              emails=[f"person{i}@example.org"], force=True,
                              event="Acme" if i < 8 else None)
            if i % 4 == 0:
                add_note(store, cid, "- leads the ROS 2 migration\n- likes Rust")
    store.close()


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is not installed in this environment")
    return found


def time_once(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


# Runs one tree's CLI: the tree's folder first on sys.path, this checkout's editable install
# out of the way, so `namecards` is that tree's code.
_LAUNCHER = """
import sys
tree = sys.argv.pop(1)
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, tree)
sys.argv[0] = "namecards"
from namecards.cli import main
sys.exit(main())
"""


def extract(ref: str, into: Path) -> Path | None:
    """The tree of `ref` (namecards, ocr, tui) in `into`; None without git or the commit."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "namecards", "ocr",
                                  "tui"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    into.mkdir()
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def measure(contacts: int, rounds: int, before: str | None = None) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        old = extract(before, Path(tmp) / "before") if before else None
        make_home(home, contacts)
        db = home / "namecards.db"
        env = {**os.environ, "NAMECARDS_HOME": str(home), "TZ": "UTC"}
        namecards = tool("namecards")
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "sqlite-utils query (one contact)": [
                tool("sqlite-utils"), "query", str(db),
                "select id, full_name, company from contacts where name_key like 'maria%' "
                "limit 1"],
            # Like for like: the rows each command reads, fetched and printed by sqlite-utils.
            "sqlite-utils query (the rows of list)": [
                tool("sqlite-utils"), "query", str(db),
                "select c.id, c.full_name, c.title, c.company, m.value from contacts c "
                "left join contact_methods m on m.contact_id = c.id and m.kind = 'email' "
                "order by c.full_name"],
            "sqlite-utils query (the rows of search)": [
                tool("sqlite-utils"), "query", str(db),
                "select rowid, text from talking_points_fts where talking_points_fts match 'rust' "
                "union all select rowid, text from notes_fts where notes_fts match 'rust' "
                "union all select rowid, full_name from contacts_fts "
                "where contacts_fts match 'rust' limit 50"],
            "sqlite-utils query (the counts of due)": [
                tool("sqlite-utils"), "query", str(db),
                "select kind, count(*) from drill_cards where not suspended "
                "and due <= datetime('now') group by kind"],
            "namecards --help": [namecards, "--help"],
            "namecards show maria keller": [namecards, "show", "maria keller"],
            "namecards list": [namecards, "list"],
            "namecards search rust": [namecards, "search", "rust"],
            "namecards due": [namecards, "due"],
        }
        compared = [name for name in commands if name.split()[:2] in (
            ["namecards", c] for c in ("show", "list", "search", "due"))]
        if old is not None:
            for name in compared:
                args = commands[name][1:]
                commands[f"before: {name}"] = [sys.executable, "-c", _LAUNCHER, str(old), *args]
                commands[f"after: {name}"] = [sys.executable, "-c", _LAUNCHER, str(ROOT), *args]
        for argv in commands.values():  # warm the file cache and .pyc files
            time_once(argv, env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, argv in commands.items():
                samples[name].append(time_once(argv, env))
    median = {name: statistics.median(s) for name, s in samples.items()}
    floor, query = median["python -c pass"], median["sqlite-utils query (one contact)"]
    like = {"namecards show maria keller": "sqlite-utils query (one contact)",
            "namecards list": "sqlite-utils query (the rows of list)",
            "namecards search rust": "sqlite-utils query (the rows of search)",
            "namecards due": "sqlite-utils query (the counts of due)"}
    rows = ["| command | median s | × python -c pass | × sqlite-utils query (one contact) "
            "| × sqlite-utils query (same rows) | target |",
            "|---|---:|---:|---:|---:|---|"]
    for name, value in median.items():
        if name.startswith(("before: ", "after: ")):
            continue
        target = same = ""
        if name in like:
            ratio = value / median[like[name]]
            same = f"{ratio:.2f}×"
            target = "≤ 1.2× sqlite-utils query: " + ("meets" if ratio <= 1.2 else "misses")
        rows.append(f"| `{name}` | {value:.3f} | {value / floor:.1f}× | "
                    f"{value / query:.2f}× | {same} | {target} |")
    if old is not None:
        rows += ["", f"Before ({before}, the tree before the layers) and after (this tree), the "
                 "same launcher, same database:", "",
                 "| command | before s | after s | after/before |", "|---|---:|---:|---:|"]
        for name in compared:
            b, a = median[f"before: {name}"], median[f"after: {name}"]
            rows.append(f"| `{name}` | {b:.3f} | {a:.3f} | {a / b:.2f}× |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{contacts:,} contacts; each command run {rounds} times, interleaved with the "
        f"baselines; medians. CPython {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, {os.cpu_count()} cores, load average {load:.1f} when "
        f"measured (the machine is shared: absolute times are inflated, ratios less so).\n\n"
        + "\n".join(rows)
        + "\n\nGenerated by `python benchmarks/startup.py`."
    )


def write_docs(text: str) -> None:
    docs = ROOT / "docs" / "benchmarks.md"
    content = docs.read_text(encoding="utf-8")
    start, end = "<!-- startup:start -->", "<!-- startup:end -->"
    block = f"{start}\n{text}\n{end}"
    if start in content and end in content:
        head, rest = content.split(start, 1)
        content = head + block + rest.split(end, 1)[1]
    else:
        content = (content.rstrip() + "\n\n## Start-up (`benchmarks/startup.py`)\n\n"
                   + block + "\n")
    docs.write_text(content, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--before", default="2ee6159",
                        help="Git commit to compare with ('' for none); default: the tree "
                             "before the restructure into layers.")
    parser.add_argument("--no-write", action="store_true", help="Do not update docs/benchmarks.md.")
    args = parser.parse_args()
    text = measure(args.contacts, args.rounds, args.before or None)
    print(text)
    if not args.no_write:
        write_docs(text)


if __name__ == "__main__":
    main()
