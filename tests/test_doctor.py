"""`namecards doctor`: what it finds, how it says to fix it, and what --fix repairs."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from fixtures.hostile import corpus


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def scanned(home, tmp_path, monkeypatch, store):
    """A home with two scanned cards (stand-in OCR)."""
    from namecards.services.scanning import scan

    corpus.use_fake_ocr(monkeypatch)
    cards = [corpus.write_card(tmp_path / f"card_{i}.png", corpus.person(i)) for i in range(2)]
    assert [r["status"] for r in scan(store, cards)] == ["added", "added"]
    return store


def test_a_healthy_home_is_all_ok(cli, scanned):
    r = cli("doctor")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert all(line.startswith(("ok", "warn", "      ")) for line in lines), r.output
    for what in ("tesseract", "integrity ok", "schema", "card images", "permissions"):
        assert what in r.output.lower()


def test_missing_images_are_reported_and_fix_clears_their_paths(cli, scanned, home):
    row = next(scanned.db.query("select id, path, card_path, contact_id from scans"))
    (home / row["path"]).unlink()
    (home / row["card_path"]).unlink()
    r = cli("doctor")
    assert r.exit_code == 1
    assert "2 database row(s) name a card image that is missing" in r.output
    assert ("      fix: namecards doctor --fix clears those paths (scan the card again to get "
            "its image back)\n") in r.output
    r = cli("doctor", "--fix")
    assert r.exit_code == 0, r.output
    assert "fixed cleared 2 path(s)" in r.output
    fixed = scanned.db["scans"].get(row["id"])
    assert fixed["path"] is None and fixed["card_path"] is None
    assert fixed["ocr_text"] and fixed["contact_id"] == row["contact_id"], "the rest is kept"
    assert scanned.db["contacts"].count == 2
    assert cli("doctor").exit_code == 0
    # and the drill copes with a contact whose card image is gone
    from namecards.domain import deck

    card = next(c for c in deck.load_cards(scanned) if c["contact_id"] == row["contact_id"]
                and c["kind"] == "name")
    assert deck.card_prompt(scanned, card)["card_image"] is None


def test_loose_permissions_are_reported_and_fixed(cli, scanned, home):
    image = next((home / "cards").iterdir())
    image.chmod(0o644)
    (home / "namecards.db").chmod(0o664)
    r = cli("doctor")
    assert r.exit_code == 1 and "readable by others" in r.output
    assert f"      fix: namecards doctor --fix, or chmod -R go-rwx {home}\n" in r.output
    r = cli("doctor", "--fix")
    assert r.exit_code == 0 and "private again" in r.output
    assert mode(image) == 0o600 and mode(home / "namecards.db") == 0o600
    assert mode(home) == 0o700


def test_stale_temp_files_are_removed_fresh_ones_left(cli, scanned, home):
    fresh = home / "cards" / ".tmp-def.jpg"
    fresh.write_bytes(b"being written right now")
    stale = home / "cards" / ".tmp-abc.jpg"
    stale.write_bytes(b"half a card")
    # Two hours older than the fresh one, by the file system's clock (which faketime does not
    # move).
    old = fresh.stat().st_mtime - 7200
    os.utime(stale, (old, old))
    r = cli("doctor", "--fix")
    assert r.exit_code == 0, r.output
    assert not stale.exists() and fresh.exists()
    assert "removed 1 temporary file" in r.output


def test_orphan_images_are_mentioned_not_deleted(cli, scanned, home):
    orphan = home / "cards" / ("0" * 64 + ".jpg")
    orphan.write_bytes(b"x")
    orphan.chmod(0o600)
    r = cli("doctor", "--fix")
    assert r.exit_code == 0 and "belong to no scan" in r.output
    assert orphan.exists()


def test_damaged_database_is_one_clear_failure(cli, home, store):
    store.close()
    db = home / "namecards.db"
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    data = bytearray(db.read_bytes())
    data[100:4096 * 3] = os.urandom(4096 * 3 - 100)  # scribble over the schema pages
    db.write_bytes(bytes(data))
    r = cli("doctor")
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert any(line.startswith("FAIL") for line in r.output.splitlines())
    assert "fix:" in r.output


def test_missing_tesseract_says_how_to_install(cli, home, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    r = cli("doctor")
    assert r.exit_code == 1
    assert "FAIL  Tesseract is not installed" in r.output
    assert "apt-get install tesseract-ocr" in r.output


def test_a_database_from_a_newer_version_is_flagged(cli, store):
    store.db["_sqlite_migrations"].insert(
        {"migration_set": "namecards", "name": "m999_from_the_future",
         "applied_at": "2030-01-01 00:00:00"}, alter=True)
    r = cli("doctor")
    assert r.exit_code == 1 and "newer version" in r.output
