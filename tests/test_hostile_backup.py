"""`namecards backup DEST` onto a disk that is too small or fills up half way: one line, no
partial folder left under DEST or beside it, and an earlier backup at DEST stays whole.
Real processes of the installed entry point; the small disks are tmpfs mounts."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from fixtures.hostile import corpus


@pytest.fixture
def home(tmp_path) -> Path:
    """Two contacts and three 150 KB card images (random: they do not compress)."""
    from namecards.domain.contacts import add_contact
    from namecards.store import open_store

    home = tmp_path / "home"
    with open_store(home) as store:
        for i, name in enumerate(("Ana Souza", "Bo Berg")):
            cid = add_contact(store, name)
            sha, rel = store.save_image(os.urandom(150_000), ".jpg")
            store.db["scans"].insert({"sha256": sha, "path": rel, "contact_id": cid,
                                      "created": "2026-11-20"})
        store.save_image(os.urandom(150_000), ".card.jpg")
    return home


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its SHA-256 (the database as its rows: the file's bytes
    change when SQLite merely opens it)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != "namecards.db":
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    db = sqlite3.connect(f"file:{folder / 'namecards.db'}?mode=ro", uri=True)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    out["contacts"] = repr(list(db.execute("select id, full_name from contacts order by id")))
    db.close()
    return out


def backup(home: Path, dest: Path):
    return corpus.run_installed(home, "backup", dest)


def test_not_enough_space_is_said_before_writing(home, make_small_fs):
    mount = make_small_fs("256k")
    r = backup(home, mount / "backup")
    assert r.returncode == 1
    err = r.stderr.decode()
    assert err.startswith(f"namecards: not enough space for a backup in {mount}: it needs about "
                          ), err
    assert err.endswith(" is free; nothing was written\n") and err.count("\n") == 1
    assert list(mount.iterdir()) == []


def test_a_disk_that_fills_up_half_way_leaves_nothing(home, make_small_fs):
    # Room for the bytes, but only a handful of files: the third image cannot be created.
    mount = make_small_fs("8m,nr_inodes=6")
    r = backup(home, mount / "backup")
    assert r.returncode == 1
    assert r.stderr.decode() == (f"namecards: backup to {mount / 'backup'} failed: the disk is "
                                 "full; nothing was written\n")
    assert list(mount.iterdir()) == []


@pytest.mark.parametrize("disk,extra,said", [
    ("2m", 600_000, "not enough space for a backup in"),  # refused before writing
    # Room for the bytes, not for the fourth image's file: fails half way.
    ("8m,nr_inodes=13", 1000, "backup to {dest} failed: the disk is full"),
], ids=["too small", "fills up half way"])
def test_an_earlier_backup_survives_a_failed_one_and_is_replaced_by_a_good_one(
        home, make_small_fs, disk, extra, said):
    from namecards.store import open_store

    mount = make_small_fs(disk)
    dest = mount / "backup"
    r = backup(home, dest)
    assert r.returncode == 0, r.stderr
    earlier = tree(dest)
    assert len(earlier) == 4  # three images and the rows
    assert "namecards.db-wal" not in os.listdir(dest)
    corpus.run_installed(home, "add", "--name", "Cy Chen")
    with open_store(home) as store:
        _, big = store.save_image(os.urandom(extra), ".jpg")
    r = backup(home, dest)
    assert r.returncode == 1
    assert r.stderr.decode().startswith("namecards: " + said.format(dest=dest)), r.stderr
    assert r.stderr.decode().endswith("; nothing was written (the earlier backup there is "
                                      "untouched)\n"), r.stderr
    assert tree(dest) == earlier
    assert sorted(os.listdir(mount)) == ["backup"]
    # With room again, the new backup replaces the earlier one in one step.
    (home / big).unlink()
    r = backup(home, dest)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().rstrip().endswith(", replacing the earlier backup")
    now = tree(dest)
    assert "Cy Chen" in now["contacts"] and now != earlier
    assert sorted(os.listdir(mount)) == ["backup"]


def test_a_folder_that_is_not_a_backup_is_never_replaced(home, tmp_path):
    dest = tmp_path / "photos"
    dest.mkdir()
    (dest / "holiday.jpg").write_bytes(b"mine")
    r = backup(home, dest)
    assert r.returncode == 1
    assert r.stderr.decode() == (f"namecards: {dest}: not empty and not a namecards backup; give "
                                 "a new or empty folder, or an earlier backup to replace\n")
    assert os.listdir(dest) == ["holiday.jpg"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
