"""Hostile images through `namecards scan`: one clear line per bad file, the rest of the batch
still filed, exit 1, no traceback, nothing half-written.

Runs twice: with the stand-in OCR (tests namecards' side: batching, errors, filing) and with
the real `ocr` package and Tesseract when it is there (tests each case's verdict).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from fixtures.hostile import corpus

ENGINES = ["fake", pytest.param("real", marks=[pytest.mark.slow, pytest.mark.skipif(
    not corpus.real_ocr_available(), reason="the ocr package is not merged yet")])]


def scan_results(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def assert_store_consistent(home: Path) -> None:
    db = sqlite3.connect(home / "namecards.db")
    try:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        for path, card_path in db.execute("select path, card_path from scans"):
            for rel in (path, card_path):
                assert rel is None or (home / rel).is_file(), rel
        lonely = db.execute("select count(*) from contacts where id not in "
                            "(select contact_id from scans where contact_id is not null)")
        assert lonely.fetchone()[0] == 0, "a scan-created contact without its scan"
    finally:
        db.close()
    assert not [p for p in (home / "cards").iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_images_in_one_batch(tmp_path, engine):
    folder = tmp_path / "cards"
    cases = corpus.hostile_images(folder)
    corpus.symlink_loop(folder / "links")
    os.mkfifo(folder / "pipe.jpg")  # would block a naive read forever
    home = tmp_path / "home"
    r = corpus.run_cli(home, "scan", "--json", folder, fake_ocr=engine == "fake", timeout=600)
    assert "Traceback" not in r.stderr
    assert r.returncode == 1, r.stderr
    results = {Path(x["file"]).name: x for x in scan_results(r.stdout)}
    expected_files = {p.name for p, _ in cases.values()} | {"good.jpg", "pipe.jpg", "gone.jpg"}
    assert set(results) == expected_files, "every file gets exactly one result"
    errors = [line for line in r.stderr.splitlines() if line.strip()]
    assert all("\n" not in (x["error"] or "") for x in results.values())
    for name, x in results.items():
        if x["status"] == "error":
            assert name in x["error"], x["error"]  # the line names the file
            assert len(x["error"]) < 300
    assert results["good.jpg"]["status"] == "added"
    assert results["pipe.jpg"]["error"].endswith("not a regular file")
    assert "broken link" in results["gone.jpg"]["error"]
    for label in ("0-byte file", "pdf named .jpg", "text named .jpg", "20000x20000 png"):
        path, _ = cases[label]
        assert results[path.name]["status"] == "error", label
    if engine == "real":
        for label, (path, expect) in cases.items():
            got = results[path.name]["status"]
            if expect == "ok":  # the same person on several cards: the later ones update
                assert got in ("added", "updated"), (label, results[path.name])
            elif expect == "error":
                assert got == "error", (label, results[path.name])
        rotated = results["rotated.jpg"]["fields"]
        assert rotated["emails"] == corpus.person(2)["emails"]
    assert not [e for e in errors if "Traceback" in e or "internal error" in e]
    assert_store_consistent(home)

    if engine == "real":
        return  # the rerun below tests namecards' side only; Tesseract time is dear
    # Scanning the same folder again: every good card is a duplicate, nothing is added twice.
    again = corpus.run_cli(home, "scan", "--json", folder, fake_ocr=engine == "fake", timeout=600)
    statuses = {Path(x["file"]).name: x["status"] for x in scan_results(again.stdout)}
    added = {name for name, x in results.items() if x["status"] in ("added", "updated")}
    assert {statuses[name] for name in added} <= {"duplicate"}
    assert_store_consistent(home)


def test_unreadable_file_is_one_line_and_the_rest_is_scanned(tmp_path, monkeypatch):
    folder = tmp_path / "cards"
    folder.mkdir()
    corpus.write_card(folder / "a.png", corpus.person(1))
    locked = corpus.write_card(folder / "b.png", corpus.person(2))
    if os.geteuid() != 0:
        locked.chmod(0)
        r = corpus.run_cli(tmp_path / "home", "scan", folder)
        assert r.returncode == 1 and "Traceback" not in r.stderr
        lines = [line for line in r.stderr.splitlines() if line.startswith("namecards:")]
        assert len(lines) == 1 and "b.png" in lines[0]
        assert "a.png: added" in r.stdout
        return
    # root reads through chmod 000: make the read fail the way it would for a user.
    from click.testing import CliRunner

    from namecards.cli import cli

    corpus.use_fake_ocr(monkeypatch)
    real_read = Path.read_bytes

    def read_bytes(self):
        if self.name == "b.png":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    r = CliRunner().invoke(cli, ["--home", str(tmp_path / "home"), "scan", str(folder)])
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    assert "b.png: cannot read it (Permission denied)" in r.stderr
    assert "a.png: added" in r.stdout


def test_huge_file_is_refused_without_reading_it(tmp_path):
    huge = tmp_path / "huge.jpg"
    with open(huge, "wb") as f:
        f.truncate(3_000_000_000)  # sparse: costs nothing on disk, would cost 3 GB in memory
    good = corpus.write_card(tmp_path / "good.png", corpus.person(1))
    r = corpus.run_cli(tmp_path / "home", "scan", "--json", huge, good)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    results = {Path(x["file"]).name: x for x in scan_results(r.stdout)}
    assert "too large" in results["huge.jpg"]["error"]
    assert results["good.png"]["status"] == "added"


def test_named_symlink_loop_and_missing_path(tmp_path):
    folder = corpus.symlink_loop(tmp_path / "loopy")
    corpus.write_card(folder / "one.png", corpus.person(1))
    r = corpus.run_cli(tmp_path / "home", "scan", "--json", folder / "loop", tmp_path / "nope.jpg",
                       timeout=60)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    results = scan_results(r.stdout)
    names = sorted(Path(x["file"]).name for x in results)
    assert names == ["gone.jpg", "nope.jpg", "one.png"]  # each once: the loop is not followed


def test_control_characters_in_a_read_name_never_reach_the_terminal(tmp_path):
    from PIL import PngImagePlugin

    fields = {"full_name": "Mallory \x1b[2J\x1b]0;pwned\x07Evil\x00", "emails": ["m@evil.example"],
              "phones": [], "company": "Evil\rCorp"}
    path = tmp_path / "evil.png"
    info = PngImagePlugin.PngInfo()
    info.add_text("card", json.dumps(fields))
    corpus.card_image({"full_name": "Mallory"}).save(path, pnginfo=info)
    home = tmp_path / "home"
    r = corpus.run_cli(home, "scan", path)
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout + r.stderr and "Mallory" in r.stdout
    r = corpus.run_cli(home, "list")
    assert "\x1b" not in r.stdout + r.stderr and "\x07" not in r.stdout and "\x00" not in r.stdout
    assert "Mallory" in r.stdout


def test_control_characters_in_a_typed_name_never_reach_the_terminal(cli):
    r = cli("add", "--name", "Eve\x07Bell\rOver", "--company", "A\x1b[31mB")
    assert r.exit_code == 0, r.output
    out = cli("list").output + cli("show", "1").output
    assert not any(ch in out for ch in "\x07\r\x1b")


# --- OCR-level hostile inputs (issue 13 §4, issue 14): the real engines, real processes -------
def _contacts(home: Path) -> int:
    if not (home / "namecards.db").exists():
        return 0
    db = sqlite3.connect(home / "namecards.db")
    try:
        return db.execute("select count(*) from contacts").fetchone()[0]
    finally:
        db.close()


def test_iphone_heic_photo_is_read(tmp_path):
    import pillow_heif

    pillow_heif.register_heif_opener()
    path = tmp_path / "IMG_0001.HEIC"
    corpus.card_image(corpus.person(7)).save(path, format="HEIF")
    assert path.read_bytes()[4:12] == b"ftypheic"
    r = corpus.run_cli(tmp_path / "home", "scan", "--json", path, fake_ocr=False)
    assert r.returncode == 0, r.stderr
    (result,) = scan_results(r.stdout)
    assert result["status"] == "added"
    assert result["fields"]["emails"] == corpus.person(7)["emails"]


@pytest.mark.parametrize("lang,says", [("", "not a Tesseract language list"),
                                       ("eng+", "not a Tesseract language list"),
                                       ("klingon", "unknown Tesseract language: klingon"),
                                       ("xyz", "not installed: xyz")])
def test_a_bad_lang_is_one_usage_line_before_any_file_is_read(tmp_path, lang, says):
    good = corpus.write_card(tmp_path / "good.jpg", corpus.person(1))
    home = tmp_path / "home"
    r = corpus.run_cli(home, "scan", "--lang", lang, good, fake_ocr=False)
    assert r.returncode == 2, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and says in lines[0] and "--lang" in lines[0], r.stderr
    assert _contacts(home) == 0


def test_tessdata_prefix_without_models_is_named(tmp_path):
    empty = tmp_path / "tessdata"
    empty.mkdir()
    good = corpus.write_card(tmp_path / "good.jpg", corpus.person(1))
    home = tmp_path / "home"
    r = corpus.run_cli(home, "scan", good, fake_ocr=False, env={"TESSDATA_PREFIX": str(empty)})
    assert r.returncode == 1, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert "TESSDATA_PREFIX" in lines[0] and str(empty) in lines[0] and "eng" in lines[0]
    assert _contacts(home) == 0


def test_a_photo_with_text_but_no_name_or_email_adds_nobody(tmp_path):
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (1200, 800), (250, 250, 245))
    draw = ImageDraw.Draw(page)
    for i, text in enumerate(["QUARTERLY FIGURES", "Total 1.234,00 EUR", "Page 3 of 12",
                              "Printed 2024-11-02"]):
        draw.text((80, 80 + 150 * i), text, fill="black", font=corpus.font(60))
    path = tmp_path / "receipt.jpg"
    page.save(path, quality=90)
    noise = tmp_path / "noise.png"
    rng = __import__("numpy").random.default_rng(3)
    Image.fromarray(rng.integers(0, 255, (600, 900, 3), dtype="uint8")).save(noise)
    home = tmp_path / "home"
    r = corpus.run_cli(home, "scan", path, noise, fake_ocr=False)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("namecards:")]
    assert len(errors) == 2
    assert "receipt.jpg: no card found: no name or e-mail could be read" in errors[0]
    assert "noise.png" in errors[1] and "(no name read)" not in r.stdout
    assert _contacts(home) == 0
