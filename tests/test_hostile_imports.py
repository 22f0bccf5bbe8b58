"""Hostile imports: huge photos and files, wrong JSON, foreign charsets, a full disk, Ctrl-C,
and another process writing at the same time. Real files, a real store, real processes."""

import base64
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import namecards_command

from namecards.services.exchange import ImportStopped, import_contacts


def contacts_in(home: Path) -> int:
    db = sqlite3.connect(home / "namecards.db")
    try:
        return db.execute("select count(*) from contacts").fetchone()[0]
    finally:
        db.close()


def committed(home: Path) -> bool:
    """Whether the store holds a contact yet (it may not even have its tables)."""
    try:
        return (home / "namecards.db").exists() and contacts_in(home) > 0
    except sqlite3.OperationalError:
        return False


def test_a_vcard_with_a_20_mb_photo_is_read_at_once_without_the_photo(run_installed, tmp_path,
                                                                      home):
    photo = base64.b64encode(os.urandom(15_000_000)).decode()
    folded = "\r\n ".join(photo[i:i + 74] for i in range(0, len(photo), 74))
    path = tmp_path / "big-photo.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Silva\r\nPHOTO;ENCODING=b;TYPE=JPEG:"
                    f"{folded}\r\nEMAIL:ana@x.example\r\nEND:VCARD\r\n", newline="")
    assert path.stat().st_size > 20_000_000
    r = run_installed("import", str(path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("1 added")
    assert "warning: big-photo.vcf: line 4: a photo of 15 MB left out" in r.stderr
    shown = json.loads(run_installed("show", "ana", "--json").stdout)
    assert shown["emails"][0]["value"] == "ana@x.example"


def test_a_file_over_the_limit_is_refused_before_it_is_read(run_installed, tmp_path, home):
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.write(b"Name,Email\n")
        f.truncate(200_000_000)  # sparse: nothing is written, the size is real
    r = run_installed("import", str(path))
    assert r.returncode == 1
    assert r.stderr.strip() == (f"namecards: {path}: too large to import (200 MB; the limit is "
                                "100 MB): split it into smaller files")


def test_a_large_csv_is_streamed_not_held(tmp_path, home):
    """60 MB of rows in a process whose peak memory stays far below the file's size."""
    path = tmp_path / "big.csv"
    row = "," + "Acme " * 20_000 + "\n"  # no name: every row is skipped
    with path.open("w") as f:
        f.write("Name,Company\n")
        f.write(row * (60_000_000 // len(row)))
    # The peak is read from /proc (VmHWM): getrusage's maxrss would include the parent's,
    # inherited across exec.
    code = ("import re, sys\nfrom pathlib import Path\nfrom namecards.cli import main\n"
            f"sys.argv = ['namecards', '--home', {str(home)!r}, 'import', {str(path)!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "status = Path('/proc/self/status').read_text()\n"
            "print(int(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)) // 1024, "
            "file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.stdout.startswith("0 added, 0 updated, 0 unchanged, 599 skipped"), r.stdout[:300]
    peak_mb = int(r.stderr.strip().splitlines()[-1])
    # Reading the file whole would take its 60 MB as bytes and again as text.
    assert peak_mb < 110, peak_mb


@pytest.mark.parametrize("content, message", [
    ('{"format": "namecards", "version": 2, "contacts": [{"full_name": ["Ana"]}]}',
     "namecards: people.json: record 1: 'full_name' should be text, not a list"),
    ('{"format": "namecards", "version": 2, "contacts": [{"full_name": "Ana", '
     '"notes": [{"text": {"deep": [[[1]]]}}]}]}',
     "namecards: people.json: record 1: 'notes' item 1: 'text' should be text, not an object"),
    ('{"format": "namecards", "version": "two", "contacts": []}',
     "namecards: people.json: the format version should be a number, not 'two'"),
    ("[" * 100_000 + "]" * 100_000,
     "namecards: people.json: nested too deeply to be a namecards export"),
    ('{"format": "namecards", "version": 9, "contacts": []}',
     "namecards: people.json: written by a newer namecards (format version 9; this one reads "
     "up to 2): upgrade namecards to import it"),
], ids=["wrong-type", "object-for-text", "bad-version", "deep-nesting", "newer-version"])
def test_json_of_the_wrong_shape_is_one_clear_line(run_installed, tmp_path, home, content,
                                                   message):
    path = tmp_path / "people.json"
    path.write_text(content)
    r = run_installed("import", str(path))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert [line for line in r.stderr.splitlines() if line.startswith("namecards:")] == [message]
    assert contacts_in(home) == 0


def test_koi8r_vcards_are_read_by_their_charset_or_flagged(run_installed, tmp_path, home):
    declared = tmp_path / "declared.vcf"
    declared.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=KOI8-R:" + "Петров;Иван".encode("koi8-r")
        + b"\r\nFN;CHARSET=KOI8-R:" + "Иван Петров".encode("koi8-r")
        + b"\r\nTEL;CELL:+79161234567\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=KOI8-R;ENCODING=QUOTED-PRINTABLE:"
        b"=EF=CC=D8=C7=C1 =F3=CD=C9=D2=CE=CF=D7=C1\r\nEND:VCARD\r\n")
    r = run_installed("import", str(declared))
    assert r.returncode == 0 and r.stderr == "", r.stderr
    names = sorted(c["full_name"] for c in json.loads(run_installed("list", "--json").stdout))
    assert names == ["Иван Петров", "Ольга Смирнова"]

    undeclared = tmp_path / "undeclared.vcf"
    undeclared.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + "Анна Кузнецова".encode("koi8-r")
                           + b"\r\nEND:VCARD\r\n")
    r = run_installed("import", str(undeclared))
    assert r.returncode == 0
    assert ("namecards: warning: undeclared.vcf: not UTF-8, and it declares no character set: "
            "read as Windows-1252") in r.stderr


def test_a_full_disk_part_way_reports_exactly_what_was_saved(store, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Notes\n" + "".join(
        f"Person {i:05d},p{i:05d}@x.example,\"- met at booth {i}\n- {'likes sailing ' * 20}\"\n"
        for i in range(3000)), encoding="utf-8")
    pages = store.db.execute("pragma page_count").fetchone()[0]
    # The database may grow by 400 pages (1.6 MB), then SQLite says the disk is full.
    store.db.execute(f"pragma max_page_count = {pages + 400}")
    with pytest.raises(ImportStopped) as stop:
        import_contacts(store, str(path), batch_seconds=0.05)
    report = stop.value.report
    saved = report["counts"]["added"]
    assert 0 < saved < 3000 and len(report["added"]) == saved
    assert store.db["contacts"].count == saved
    message = str(stop.value)
    assert message.startswith(f"the disk is full: saved {saved:,} contact(s) from people.csv "
                              f"({saved:,} added, 0 updated, 0 unchanged), everything up to line ")
    assert "Run the same import again to finish" in message
    store.db.execute("pragma max_page_count = 1073741823")
    again = import_contacts(store, str(path))
    assert again["counts"]["unchanged"] == saved and again["counts"]["added"] == 3000 - saved


def test_ctrl_c_and_a_concurrent_add_during_a_30000_row_import(tmp_path, home):
    path = tmp_path / "big.csv"
    path.write_text("Name,Company,Email\n" + "".join(
        f"Person {i:05d},Big Corp,p{i:05d}@big.example\n" for i in range(30_000)),
        encoding="utf-8")
    command = [*namecards_command(), "--home", str(home)]
    importer = subprocess.Popen([*command, "import", str(path)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    try:
        # Wait for the first batch to be committed.
        deadline = time.monotonic() + 120
        while not committed(home):
            assert importer.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        # Another process writes while the import goes on: it waits a moment, not the import.
        add = subprocess.run([*command, "add", "--name", "Zed Concurrent", "--json"],
                             capture_output=True, text=True, timeout=120)
        assert add.returncode == 0, add.stderr
        assert importer.poll() is None, "the import ended before the add: make the file longer"
        importer.send_signal(signal.SIGINT)
        out, err = importer.communicate(timeout=120)
    finally:
        if importer.poll() is None:
            importer.kill()
    assert importer.returncode == 130, err
    saved = contacts_in(home) - 1  # Zed
    assert 0 < saved < 30_000
    assert f"namecards: interrupted: saved {saved:,} contact(s) from big.csv ({saved:,} added" in err
    assert "everything answered so far" not in err
    assert out.startswith(f"{saved} added, 0 updated")
