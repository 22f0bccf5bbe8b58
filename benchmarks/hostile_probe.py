"""The hostile-input probe of issue 13, before and after: every probe of
tests/fixtures/hostile/corpus.py run against a baseline tree (main, by default) and against
this tree, in the same run, as real processes.

    python benchmarks/hostile_probe.py [--baseline TREE]... [--light] [--no-write]

TREE is a checked-out tree (a git worktree of the commit to compare with; default
/work/main); several baselines give several "before" columns. Each tree is probed by a child
process whose PYTHONPATH puts that tree first, so the probes' own set-up (a seeded home) and
the `namecards` processes they start both run that tree's code.
Runs as root (the probes mount small tmpfs disks and drop root's power over permissions).
`--light` leaves out the heavy probes (a 20 MB vCard photo, a 200 MB CSV). Writes the table
into docs/safety.md between the hostile_probe markers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
DOCS = ROOT / "docs" / "safety.md"
START, END = "<!-- hostile_probe:start -->", "<!-- hostile_probe:end -->"


def probe_tree(tree: Path, light: bool) -> dict[str, dict]:
    """Run every probe against `tree` in a child process; {probe id: result}."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(TESTS)])}
    env.pop("NAMECARDS_HOME", None)
    cmd = [sys.executable, __file__, "--child"] + (["--light"] if light else [])
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True,
                         cwd=tempfile.gettempdir())
    return json.loads(out.stdout)


def child(light: bool) -> None:
    from fixtures.hostile import corpus

    results = {}
    for probe in corpus.PROBES:
        if light and probe.heavy:
            continue
        with tempfile.TemporaryDirectory(prefix="probe-") as tmp:
            work = Path(tmp)
            os.environ["NAMECARDS_CONFIG"] = str(work / "config")
            started = time.perf_counter()
            try:
                problems = probe.run(work)
            except Exception as e:  # noqa: BLE001 - a probe that cannot even set up failed
                problems = [f"the probe failed: {type(e).__name__}: {e}"]
            finally:
                for p in work.rglob("*"):  # a 0555 folder or 0000 subfolder would block cleanup
                    if p.is_dir() and not p.is_symlink():
                        p.chmod(0o755)
        results[probe.id] = {"problems": problems,
                             "seconds": round(time.perf_counter() - started, 2)}
        print(f"{'ok  ' if not problems else 'FAIL'} {probe.name}", file=sys.stderr)
    print(json.dumps(results))


def table(befores: list[tuple[str, dict]], after: dict) -> str:
    from fixtures.hostile import corpus

    probes = [p for p in corpus.PROBES if p.id in after]

    def cell(result: dict | None) -> str:
        if result is None:
            return "—"
        problems = result["problems"]
        return "ok" if not problems else "FAIL: " + problems[0].replace("|", "\\|")[:90]

    labels = [label for label, _ in befores]
    rows = ["| probe | fixed by | in issue | " + " | ".join(f"before ({x})" for x in labels)
            + " | after |", "|---|---|---|" + "---|" * len(labels) + "---|"]
    for p in probes:
        rows.append(f"| {p.name.replace('|', '/')} | {p.owner} | {'yes' if p.in_issue else ''} | "
                    + " | ".join(cell(b.get(p.id)) for _, b in befores)
                    + f" | {cell(after[p.id])} |")

    def fails(results: dict, owner: str | None = None) -> int:
        return sum(1 for p in probes if (owner is None or p.owner == owner)
                   and (results.get(p.id) or {}).get("problems"))

    owners = ["hostile", "main", "data", "drill", "ocr", "bench"]
    summary = ["", "| fixed by | probes | " + " | ".join(f"fail before ({x})" for x in labels)
               + " | fail after |", "|---|---|" + "---|" * len(labels) + "---|"]
    for owner in [*owners, None]:
        n = sum(1 for p in probes if owner is None or p.owner == owner)
        summary.append(f"| {owner or 'all'} | {n} | "
                       + " | ".join(str(fails(b, owner)) for _, b in befores)
                       + f" | {fails(after, owner)} |")
    named = [p for p in probes if p.in_issue]
    first_label, first = befores[0]
    reproduced = sum(1 for p in named if (first.get(p.id) or {}).get("problems"))
    head = (f"{len(probes)} probes, {len(named)} of them inputs the issue names; {reproduced} of "
            f"those fail at {first_label} (reproduced). Before: "
            + ", ".join(labels) + "; after: this tree.")
    return "\n".join([head, *summary, "", *rows])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", action="append")
    parser.add_argument("--light", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.light)
        return
    sys.path.insert(0, str(TESTS))
    befores = []
    for tree in map(Path, args.baseline or ["/work/main"]):
        commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        befores.append((commit or str(tree), probe_tree(tree, args.light)))
    after = probe_tree(ROOT, args.light)
    text = table(befores, after)
    print(text)
    if not args.no_write:
        doc = DOCS.read_text()
        if START in doc and END in doc:
            head, rest = doc.split(START, 1)
            DOCS.write_text(head + START + "\n" + text + "\n" + END + rest.split(END, 1)[1])


if __name__ == "__main__":
    main()
