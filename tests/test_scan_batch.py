"""`namecards scan` over a folder the user did not tidy: file names that are not UTF-8 or hold
terminal escapes, a subfolder we may not open, the summary's words and the progress line.

Each test runs the installed `namecards` entry point as a real process on real image files,
with real Tesseract reading them.
"""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fixtures.hostile import corpus

NAMECARDS = Path(sys.executable).with_name("namecards")
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def run(home: Path, *args, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """The installed entry point; output kept as bytes, so a test sees exactly what was sent."""
    env = {k: v for k, v in os.environ.items() if k != "NAMECARDS_DEBUG"}
    return subprocess.run(
        [*prefix, str(NAMECARDS), "--home", str(home), *map(os.fsencode, args)],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_scan_summary_says_every_count_in_words():
    from namecards.services.scanning import scan_summary

    assert scan_summary({"duplicate": 2}) == "2 duplicates"
    assert scan_summary({"duplicate": 1}) == "1 duplicate"
    assert scan_summary({"error": 1, "added": 3}) == "3 added, 1 error"
    assert scan_summary({"error": 2, "updated": 1, "parsed": 2}) == "1 updated, 2 parsed, 2 errors"
    assert scan_summary({}) == "no images"


def test_a_latin1_file_name_is_read_and_printed_safely(tmp_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    corpus.write_card(folder / "good.jpg", corpus.person(1))
    # A name as an old camera or a zip from Windows writes it: 'é' as the one byte 0xE9.
    latin1 = os.path.join(os.fsencode(folder), b"caf\xe9-card.jpg")
    with open(latin1, "wb") as f:
        corpus.card_image(corpus.person(2)).save(f, "JPEG")
    home = tmp_path / "home"

    r = run(home, "scan", folder)
    out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")  # strict: valid UTF-8
    assert r.returncode == 0, err
    assert "caf\ufffd-card.jpg: added " in out
    assert "good.jpg: added " in out
    assert err.strip() == "Done: 2 added."

    # Again, for scripts: valid JSON naming the file, and both are known: "2 duplicates".
    r = run(home, "scan", "--json", folder)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.decode("utf-8").splitlines()]
    assert {Path(x["file"]).name: x["status"] for x in rows} == {
        "caf\ufffd-card.jpg": "duplicate",
        "good.jpg": "duplicate",
    }
    r = run(home, "scan", folder)
    assert r.stderr.decode("utf-8").strip().endswith("Done: 2 duplicates.")


def test_a_subfolder_that_cannot_be_opened_is_reported_in_one_line(tmp_path):
    """A real permission-denied folder. Root reads through `chmod 000`, so as root the scan
    runs without the capabilities that let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), as a
    user's process would."""
    folder = tmp_path / "cards"
    (folder / "locked").mkdir(parents=True)
    corpus.write_card(folder / "good.jpg", corpus.person(1))
    corpus.write_card(folder / "locked" / "hidden.jpg", corpus.person(2))
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if not setpriv:
            pytest.skip("running as root without setpriv: root opens any folder")
        prefix = (setpriv, "--bounding-set=-dac_override,-dac_read_search")
    (folder / "locked").chmod(0)
    try:
        r = run(tmp_path / "home", "scan", folder, prefix=prefix)
    finally:
        (folder / "locked").chmod(0o755)
    err = r.stderr.decode("utf-8").splitlines()
    assert r.returncode == 1, err
    problems = [line for line in err if line.startswith("namecards:")]
    assert problems == [
        f"namecards: {folder / 'locked'}: cannot open this folder "
        "(Permission denied); nothing in it was scanned"
    ]
    assert "good.jpg: added " in r.stdout.decode("utf-8")
    assert err[-1] == "Done: 1 added, 1 error."


def test_escape_sequences_in_file_names_never_reach_the_terminal(tmp_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    corpus.write_card(folder / "evil\x1b]0;pwned\x07\x1b[2J.jpg", corpus.person(1))
    (folder / "bad\x1b[31mred\x07.jpg").write_text("not an image")
    r = run(tmp_path / "home", "scan", folder)
    out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")
    assert r.returncode == 1, err
    assert not any(ch in out + err for ch in "\x1b\x07"), (out, err)
    assert "evil\ufffd]0;pwned\ufffd\ufffd[2J.jpg: added " in out
    assert "bad\ufffd[31mred\ufffd.jpg" in err


def read_all(fd: int, sink: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            return
        if not chunk:
            return
        sink.append(chunk)


def test_the_progress_line_fits_80_columns_and_keeps_the_count(tmp_path):
    import fcntl
    import termios

    folder = tmp_path / "cards"
    folder.mkdir()
    names = [
        f"IMG_{i}_exported_from_the_phone_camera_roll_{'with_a_very_long_name_' * 5}{i}.jpg"
        for i in (1, 2)
    ]
    for i, name in enumerate(names, 1):
        corpus.write_card(folder / name, corpus.person(i))
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("NAMECARDS_DEBUG", "COLUMNS")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen(
        [str(NAMECARDS), "--home", str(tmp_path / "home"), "scan", "--jobs", "1", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    screen: list[bytes] = []
    reader = threading.Thread(target=read_all, args=(master, screen))
    reader.start()
    out, _ = proc.communicate(timeout=300)
    reader.join(timeout=60)
    os.close(master)
    assert proc.returncode == 0
    text = ANSI.sub(b"", b"".join(screen)).decode("utf-8")
    frames = [f for f in re.split(r"[\r\n]", text) if f.startswith("Scanning")]
    assert frames, text
    for frame in frames:
        assert len(frame) <= 80, frame  # the bar's characters are one cell each
        assert re.search(r" [0-2]/2 ", frame), frame  # the count is never cut
    named = [f for f in frames if "…" in f]
    assert named and all(f.split()[1].startswith("IMG_") for f in named), frames
    # The result lines themselves are whole, on standard output.
    for name in names:
        assert f"{name}: added" in out.decode("utf-8")
    assert "Done: 2 added." in text
