"""Terminal escapes in data never reach the terminal: every command's stdout and stderr are
cleaned in one place (namecards.terminal), JSON stays valid and exact, binary `-o -` output is
untouched in a pipe and refused on a terminal.

The data is what an older import, a hand edit in Datasette or another tool could have left in
the file: raw ESC/BEL/C1 in names, companies, notes, points and event names. Real processes of
the installed entry point; output read as bytes.
"""

from __future__ import annotations

import io
import json
import os
import pty
import re
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest
from fixtures.hostile import corpus

TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
CLEAR = "\x1b[2J"  # clears the screen
CSI8 = "\x9b31m"  # C1 CSI: red text on terminals that take 8-bit controls
OBEYED = corpus.OBEYED


@pytest.fixture
def tainted(tmp_path) -> Path:
    """A home holding one person whose every field carries terminal escapes."""
    from namecards.domain.contacts import add_contact, add_note
    from namecards.domain.events import add_event
    from namecards.store import open_store

    home = tmp_path / "home"
    with open_store(home) as store:
        add_event(store, "Fair", date="2026-11-20")
        c = add_contact(store, "Eve Escape", company="Acme", title="CTO",
                        emails=["eve@acme.example"], event="Fair")
        add_note(store, c, "- likes escapes", event="Fair")
    db = sqlite3.connect(home / "namecards.db")
    with db:
        db.execute("update contacts set full_name = ?, company = ?, title = ? where id = 1",
                   [f"{TITLE}Eve Escape", f"Acme{CLEAR}", f"CTO{CSI8}"])
        db.execute("update notes set text = ?", [f"- likes {CLEAR}escapes\r"])
        db.execute("update talking_points set text = ?", [f"likes {CLEAR}escapes"])
        db.execute("update events set name = ?", [f"Fair{TITLE}"])
    db.close()
    return home


def assert_clean(r: subprocess.CompletedProcess) -> None:
    for name, out in (("stdout", r.stdout), ("stderr", r.stderr)):
        hit = OBEYED.search(out or b"")
        assert hit is None, f"{name} carries {hit.group()!r}: {out[:400]!r}"
    assert b"Traceback" not in r.stderr and b"internal error" not in r.stderr, r.stderr


@pytest.mark.parametrize("args", [
    ["list"], ["show", "eve"], ["search", "likes"], ["due"], ["event", "show", "fair"],
    ["export", "markdown"], ["letter", "eve"],
], ids=" ".join)
def test_listings_show_escapes_as_replacement_characters(tainted, args):
    r = corpus.run_installed(tainted, *args, env={"NAMECARDS_CONFIG": str(tainted / "cfg")})
    assert r.returncode == 0, r.stderr
    assert_clean(r)
    if args[0] in ("list", "show"):
        assert "\ufffd]0;pwned\ufffdEve Escape" in r.stdout.decode()


def strings_in(data) -> set[str]:
    if isinstance(data, dict):
        return set().union(*map(strings_in, data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*map(strings_in, data)) if data else set()
    return {data} if isinstance(data, str) else set()


@pytest.mark.parametrize("args", [["list", "--json"], ["show", "eve", "--json"]],
                         ids=" ".join)
def test_json_keeps_the_exact_data_and_stays_valid(tainted, args):
    r = corpus.run_installed(tainted, *args)
    assert r.returncode == 0, r.stderr
    assert_clean(r)
    found = strings_in(json.loads(r.stdout))
    assert f"{TITLE}Eve Escape" in found  # exactly the stored name, escapes included
    assert f"CTO{CSI8}" in found


def test_error_lines_and_usage_errors_are_clean(tainted, tmp_path):
    missing = tmp_path / f"{TITLE}contacts.vcf"
    for args in (["import", missing], [f"{TITLE}nocommand"], ["scan", f"{TITLE}.jpg"]):
        r = corpus.run_installed(tainted, *args)
        assert r.returncode in (1, 2), (args, r.stderr)
        assert_clean(r)
        assert r.stderr.decode().startswith(("namecards: ", "Usage:")), r.stderr


def test_a_scanned_file_name_with_escapes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    corpus.write_card(folder / f"{TITLE}card.png", corpus.person(1))
    (folder / f"{CLEAR}broken.jpg").write_bytes(b"not a picture")
    home = tmp_path / "home"
    r = corpus.run_cli(home, "scan", folder)
    assert r.returncode == 1, r.stderr
    for text in (r.stdout, r.stderr):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), repr(text)
    assert "\ufffd]0;pwned\ufffdcard.png: added" in r.stdout
    assert "broken.jpg: not an image" in r.stderr
    # Scripts get the exact names from --json.
    r = corpus.run_cli(tmp_path / "home2", "scan", "--json", folder)
    names = {Path(json.loads(line)["file"]).name for line in r.stdout.splitlines()}
    assert names == {f"{TITLE}card.png", f"{CLEAR}broken.jpg"}


def on_a_terminal(home: Path, *args) -> tuple[int, bytes, bytes]:
    """Run with standard output on a pseudo-terminal; (exit code, what the terminal got,
    stderr)."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([*corpus.entry_point(), "--home", str(home), *args],
                                stdout=follower, stderr=subprocess.PIPE)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        err = proc.stderr.read()
        proc.wait(timeout=60)
        return proc.returncode, b"".join(chunks), err
    finally:
        os.close(leader)


def test_dash_output_cleans_text_and_refuses_binary_on_a_terminal(tainted):
    code, seen, err = on_a_terminal(tainted, "export", "markdown", "-o", "-")
    assert code == 0, err
    assert OBEYED.search(seen) is None, seen
    assert "Eve Escape".encode() in seen
    code, seen, err = on_a_terminal(tainted, "export", "anki", "-o", "-")
    assert code == 1 and seen == b""
    assert err.decode().strip() == ("namecards: standard output is a terminal and this file is "
                                    "binary: redirect it (> FILE) or give -o FILE")


def test_binary_and_file_outputs_are_untouched_in_a_pipe(tainted):
    r = corpus.run_installed(tainted, "export", "anki", "-o", "-")
    assert r.returncode == 0, r.stderr
    assert zipfile.ZipFile(io.BytesIO(r.stdout)).testzip() is None  # every member's CRC holds
    r = corpus.run_installed(tainted, "export", "json", "-o", "-")
    assert TITLE.encode() in r.stdout or json.dumps(TITLE)[1:-1].encode() in r.stdout
    r = corpus.run_installed(tainted, "export", "vcard")
    assert r.stdout.startswith(b"BEGIN:VCARD\r\n")  # a CRLF line end is kept: it moves nothing


def test_an_encoding_without_the_letters_prints_replacements(tmp_path):
    from namecards.domain.contacts import add_contact
    from namecards.store import open_store

    home = tmp_path / "home"
    with open_store(home) as store:
        add_contact(store, "Łukasz Żółkiewski", company="Kraków Robotics")
        add_contact(store, "María López", company="Acme")
    r = corpus.run_installed(home, "list", env={"PYTHONIOENCODING": "latin-1"})
    assert r.returncode == 0, r.stderr
    assert b"Traceback" not in r.stderr and r.stderr == b""
    lines = r.stdout.decode("latin-1").splitlines()
    assert lines[0] == "#1     ?ukasz ?\xf3?kiewski  ? Krak\xf3w Robotics"
    assert lines[1] == "#2     Mar\xeda L\xf3pez  ? Acme"  # what latin-1 has, it shows


def test_a_terminal_of_size_zero_gets_one_line_not_a_crash(tmp_path):
    # A pseudo-terminal nobody sized (`script` without a window) reports 0x0; textual-image
    # divided by it ("internal error: ZeroDivisionError").
    code, seen, err = on_a_terminal(tmp_path / "home")
    assert code == 1, (seen, err)
    assert err.decode().strip().splitlines() == [
        "namecards: the terminal reports a size of 0×0: give it one (stty cols 80 rows 24) "
        "or open namecards in a terminal window"]
