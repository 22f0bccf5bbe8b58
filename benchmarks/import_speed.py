"""Import speed and round-trip fidelity.

Speed: N generated contacts as one vCard file and one CSV file, imported into an empty store
through `namecards.services.exchange.import_contacts` (the API behind `namecards import`), then
imported again (every contact unchanged).

Fidelity: a store of 200 contacts with notes, talking points (some with cloze marks), events
with roles, tags, letters and drill reviews is exported as JSON (with --drill), vCard and CSV
and each file imported into an empty store; the table counts what came back.

Baselines in the same run: the same import with one commit per contact (`batch_seconds=0`),
and the importer of an earlier commit (`--baseline-ref`, default 37d64ea, the code before
issue 16's import work: one sqlite-utils insert per drill card, a savepoint per record and
per query, each of which made FTS5 flush its index), extracted with `git archive` and run in
a subprocess on the same files. Target (issue 16): 10,000 vCards in <= 10 s.

Usage:
    python benchmarks/import_speed.py [--contacts 10000] [--baseline-ref REF] [--no-write]

Prints a Markdown table and writes it into docs/benchmarks.md between the
`<!-- import_speed:start -->` and `<!-- import_speed:end -->` markers.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from namecards.clock import FixedClock  # noqa: E402
from namecards.services.exchange import import_contacts  # noqa: E402
from namecards.store import open_store  # noqa: E402

GIVEN = ["María", "José", "Ana", "Jürgen", "Zoë", "Li", "Wei", "Olga", "Pierre", "Aoife", "Søren",
         "Fatima", "Kwame", "Priya", "Diego", "Yuki", "Lars", "Chloé", "Mateus", "Ingrid"]
FAMILY = ["López", "Núñez", "Groß", "Ó Briain", "Zhang", "Kowalski", "Smith", "Okafor", "Sato",
          "Novak", "Rossi", "Dubois", "Haddad", "Silva", "Nguyen", "Müller", "Andersen", "Patel"]
COMPANIES = ["Acme Robotics", "Globex", "Initech", "Umbrella Labs", "Hooli", "Stark Industries",
             "Wayne Enterprises", "Tyrell", "Cyberdyne", "Soylent"]
TITLES = ["CTO", "Head of Platform", "Staff Engineer", "Recruiter", "VP Engineering"]
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def people(n: int, seed: int = 11) -> list[dict]:
    """People as an address book holds them: namesakes are rare (two family names, as many
    Spanish and Portuguese names have, from 20 × 18 × 18 combinations) and spread over 40
    companies."""
    rng = random.Random(seed)
    out = []
    companies = [f"{c} {s}" for c in COMPANIES for s in ("Labs", "Group", "GmbH", "Inc.")]
    for i in range(n):
        given = rng.choice(GIVEN)
        family = f"{rng.choice(FAMILY)} {rng.choice(FAMILY)}"
        company = rng.choice(companies)
        domain = company.split()[0].lower() + ".example"
        out.append({
            "name": f"{given} {family}", "given": given, "family": family,
            "company": company, "title": rng.choice(TITLES),
            "email": f"p{i}.{family.lower().replace(' ', '')}@{domain}",
            "phone": f"+1 312 {rng.randint(200, 999)} {i % 10000:04d}",
            "website": f"https://www.{domain}",
            "note": f"- met at booth {rng.randint(1, 99)}\n- asked about {rng.choice(TITLES)}",
        })
    return out


def write_vcards(rows: list[dict], path: Path) -> None:
    chunks = []
    for i, r in enumerate(rows):
        note = r["note"].replace("\n", "\\n")
        chunks.append(
            "BEGIN:VCARD\r\nVERSION:3.0\r\n"
            f"UID:bench-{i}\r\nFN:{r['name']}\r\nN:{r['family']};{r['given']};;;\r\n"
            f"ORG:{r['company']}\r\nTITLE:{r['title']}\r\n"
            f"EMAIL;TYPE=INTERNET:{r['email']}\r\nTEL;TYPE=WORK:{r['phone']}\r\n"
            f"URL:{r['website']}\r\nNOTE:{note}\r\nEND:VCARD\r\n")
    path.write_text("".join(chunks), encoding="utf-8")


def write_csv(rows: list[dict], path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Name", "Company", "Title", "Email", "Phone", "Website", "Notes"])
    for r in rows:
        w.writerow([r["name"], r["company"], r["title"], r["email"], r["phone"], r["website"],
                    r["note"]])
    path.write_text(buf.getvalue(), encoding="utf-8")


def timed_import(home: Path, file: Path, **kwargs) -> tuple[float, float, dict]:
    """(wall, CPU seconds, report) of one import."""
    store = open_store(home, clock=FixedClock(NOW))
    try:
        start, cpu = time.perf_counter(), time.process_time()
        report = import_contacts(store, str(file), **kwargs)
        return time.perf_counter() - start, time.process_time() - cpu, report
    finally:
        store.close()


def counts(report: dict) -> str:
    parts = [f"{len(report.get(k) or [])} {k}" for k in ("added", "updated", "unchanged")
             if k in report]
    return ", ".join(parts)


_BASELINE = """
import sys, time
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, sys.argv[3])
from namecards.store import open_store
from namecards.services.exchange import import_contacts
for home in (sys.argv[1], sys.argv[1]):
    store = open_store(home)
    start, cpu = time.perf_counter(), time.process_time()
    report = import_contacts(store, sys.argv[2])
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    store.close()
    print(took, cpu, len(report["added"]), len(report["updated"]))
"""


def baseline_tree(ref: str, into: Path) -> Path | None:
    """The namecards package of `ref`, extracted into `into` (None without git)."""
    import subprocess

    tree = into / f"baseline-{ref}"
    tree.mkdir()
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "namecards", "ocr"],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def baseline_import(tree: Path, home: Path, file: Path) -> list[tuple[float, float, str]]:
    import subprocess

    out = subprocess.run([sys.executable, "-c", _BASELINE, str(home), str(file), str(tree)],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    runs = []
    for line in out:
        if line.strip():
            took, cpu, added, updated = line.split()
            runs.append((float(took), float(cpu),
                         f"{int(added):,} added, {int(updated):,} updated"))
    return runs


def run(n: int, ref: str | None) -> tuple[list[list[str]], str]:
    rows = people(n)
    table = []
    with tempfile.TemporaryDirectory(prefix="namecards-import-bench-") as tmp:
        tmp = Path(tmp)
        tree = baseline_tree(ref, tmp) if ref else None
        files = {"vCard": tmp / "contacts.vcf", "CSV": tmp / "contacts.csv"}
        write_vcards(rows, files["vCard"])
        write_csv(rows, files["CSV"])
        for label, file in files.items():
            results = {}
            for mode, kwargs in (("this code, batched commits", {}),
                                 ("this code, one commit per contact", {"batch_seconds": 0})):
                home = tmp / f"home-{label}-{len(results)}"
                first, cpu, report = timed_import(home, file, **kwargs)
                again, cpu2, report2 = timed_import(home, file, **kwargs)
                results[mode] = (first, cpu)
                table.append([label, mode, f"{first:.1f}", f"{cpu:.1f}", f"{n / first:,.0f}",
                              counts(report), f"{again:.1f}", f"{cpu2:.1f}", counts(report2)])
            if tree is not None:
                (first, cpu, result), (again, cpu2, result2) = baseline_import(
                    tree, tmp / f"home-{label}-baseline", file)
                results["baseline"] = (first, cpu)
                table.append([label, f"{ref} (before)", f"{first:.1f}", f"{cpu:.1f}",
                              f"{n / first:,.0f}", result, f"{again:.1f}", f"{cpu2:.1f}",
                              result2])
            fast, fast_cpu = results["this code, batched commits"]
            slow, slow_cpu = results["this code, one commit per contact"]
            ratios = [f"{slow / fast:.1f}× (CPU {slow_cpu / fast_cpu:.1f}×) vs one commit per "
                      "contact"]
            per10k = 10_000 / n
            target = "" if label != "vCard" else (
                f"; per 10,000 vCards {fast * per10k:.1f} s wall ("
                + ("meets" if fast * per10k <= 10 else "misses") + f"), {fast_cpu * per10k:.1f}"
                " s CPU (" + ("meets" if fast_cpu * per10k <= 10 else "misses") + ") ≤ 10 s")
            if "baseline" in results:
                base, base_cpu = results["baseline"]
                ratios.append(f"{base / fast:.1f}× (CPU {base_cpu / fast_cpu:.1f}×) vs {ref}")
            table.append([label, "speed-up of this code", "; ".join(ratios) + target, "", "",
                          "", "", "", ""])
    meta = (f"{n:,} generated contacts (name, company, title, e-mail, phone, website, a two-point "
            f"note, stored with its points and their drill cards); CPython "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} "
            f"cores (load average {os.getloadavg()[0]:.1f} when measured: a shared machine, "
            f"so absolute times are inflated, ratios less so), "
            f"{datetime.now().date().isoformat()}.")
    return table, meta


FIDELITY_ITEMS = ("contacts", "e-mails", "phones", "LinkedIn", "tags", "meetings", "roles",
                  "notes", "points", "letters", "reviews")


def _census(store) -> dict[str, int]:
    q = lambda sql: store.db.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "contacts": q("select count(*) from contacts"),
        "e-mails": q("select count(*) from contact_methods where kind = 'email'"),
        "phones": q("select count(*) from contact_methods where kind = 'phone'"),
        "LinkedIn": q("select count(*) from contact_methods where kind = 'linkedin'"),
        "tags": q("select count(*) from contact_tags"),
        "meetings": q("select count(*) from meetings"),
        "roles": q("select count(*) from meetings where role is not null"),
        "notes": q("select count(*) from notes"),
        "points": q("select count(*) from talking_points where removed is null"),
        "letters": q("select count(*) from letters"),
        "reviews": q("select count(*) from reviews"),
    }


def fidelity(n: int = 200, seed: int = 12) -> tuple[list[list[str]], str]:
    from datetime import timedelta

    from namecards.domain.contacts import add_contact, add_note
    from namecards.domain.deck import answer_card
    from namecards.services.exchange import export_contacts

    rng = random.Random(seed)
    rows = people(n, seed)
    with tempfile.TemporaryDirectory(prefix="namecards-fidelity-") as tmp:
        tmp = Path(tmp)
        store = open_store(tmp / "source", clock=FixedClock(NOW))
        for i, r in enumerate(rows):
            cid = add_contact(store, r["name"], title=r["title"], company=r["company"],
                              emails=[r["email"]], phones=[r["phone"]],
                              urls=[f"linkedin.com/in/p{i}"], event=f"Fair {i % 5}",
                              role=rng.choice(["panel", "lunch", "booth"]),
                              tags=["fair", r["company"].split()[0].lower()], force=True)
            add_note(store, cid, f"Met at booth {i}.\n- asked about {{{{{r['title']}}}}}\n"
                                 f"- likes {rng.choice(['sailing', 'chess', 'rust'])}")
            add_note(store, cid, f"- follow up on the {rng.choice(['offer', 'demo'])}")
            store.db.execute("insert into letters (contact_id, body, created) values (?, ?, ?)",
                             [cid, f"Dear {r['given']}, thank you.", NOW.isoformat()])
            card = store.db.execute("select id from drill_cards where contact_id = ? and "
                                    "kind = 'name'", [cid]).fetchone()[0]
            for k in range(3):
                answer_card(store, card, rating=rng.choice([1, 3, 3, 4]),
                            now=NOW + timedelta(days=k))
        before = _census(store)
        table = [["source store", *[f"{before[k]:,}" for k in FIDELITY_ITEMS]]]
        for fmt, extra in (("json", {"drill": True}), ("vcard", {}), ("csv", {})):
            out = tmp / f"export.{fmt}"
            export_contacts(store, fmt, output=str(out), **extra)
            back = open_store(tmp / f"home-{fmt}", clock=FixedClock(NOW))
            import_contacts(back, str(out))
            after = _census(back)
            back.close()
            label = "JSON --drill" if fmt == "json" else fmt
            table.append([f"{label} → empty store",
                          *[("**" if after[k] == before[k] else "") + f"{after[k]:,}"
                            + ("**" if after[k] == before[k] else "") for k in FIDELITY_ITEMS]])
        store.close()
    note = ("Bold: all came back. vCard and CSV carry no roles, letters or reviews; CSV carries "
            "events by name only, as meetings without roles.")
    return table, note


def fidelity_markdown(table: list[list[str]], note: str) -> str:
    lines = ["| | " + " | ".join(FIDELITY_ITEMS) + " |",
             "|---|" + "---:|" * len(FIDELITY_ITEMS)]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    return "\n".join(lines + ["", note])


def markdown(table: list[list[str]], meta: str) -> str:
    head = ["file", "code", "import s", "CPU s", "contacts/s", "result", "again s", "CPU s",
            "again"]
    lines = [meta, "", "| " + " | ".join(head) + " |",
             "|---|---|---:|---:|---:|---|---:|---:|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    return "\n".join(lines)


def write_docs(text: str) -> None:
    docs = ROOT / "docs" / "benchmarks.md"
    content = docs.read_text(encoding="utf-8")
    start, end = "<!-- import_speed:start -->", "<!-- import_speed:end -->"
    block = f"{start}\n{text}\n{end}"
    if start in content and end in content:
        before, rest = content.split(start, 1)
        content = before + block + rest.split(end, 1)[1]
    else:
        content = content.rstrip("\n") + "\n\n## Import speed (`benchmarks/import_speed.py`)\n\n" \
            + block + "\n"
    docs.write_text(content, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--baseline-ref", default="37d64ea",
                        help="Git commit whose importer is the baseline ('' for none).")
    parser.add_argument("--no-write", action="store_true", help="Do not update docs/benchmarks.md.")
    parser.add_argument("--no-fidelity", action="store_true", help="Skip the round-trip table.")
    args = parser.parse_args()
    table, meta = run(args.contacts, args.baseline_ref or None)
    text = markdown(table, meta)
    if not args.no_fidelity:
        text += "\n\nRound trips (`export` then `import` into an empty store):\n\n" + \
            fidelity_markdown(*fidelity())
    print(text)
    if not args.no_write:
        write_docs(text)


if __name__ == "__main__":
    main()
