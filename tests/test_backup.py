"""Backups copy the database with SQLite's backup API plus the images, and restore."""

import os
import shutil
import stat

import pytest

from namecards import NamecardsError
from namecards.domain.contacts import add_contact, add_note, get_contact
from namecards.services.backup import backup
from namecards.store import open_store


def test_backup_restores_everything(store, tmp_path):
    cid = add_contact(store, "María José Núñez", emails=["mj@acme.example"], event="Fair")
    add_note(store, cid, "- leads the ROS 2 migration")
    sha, rel = store.save_image(b"\x89PNG card bytes", ".png")
    store.db["scans"].insert({"sha256": sha, "path": rel, "contact_id": cid, "created": "x"})
    dest = tmp_path / "backup"
    result = backup(store, dest)
    assert result["images"] == 1 and result["bytes"] > 0
    assert stat.S_IMODE(os.stat(dest / "namecards.db").st_mode) == 0o600
    assert not (dest / "namecards.db-wal").exists()
    # writes after the backup are not in it
    add_contact(store, "Later Person")

    # restore: put the backup in place of a lost home
    restored_home = tmp_path / "restored"
    shutil.copytree(dest, restored_home)
    restored = open_store(restored_home)
    try:
        assert restored.db["contacts"].count == 1
        c = get_contact(restored, cid)
        assert c["full_name"] == "María José Núñez"
        assert c["talking_points"][0]["text"] == "leads the ROS 2 migration"
        assert (restored_home / c["scans"][0]["path"]).read_bytes() == b"\x89PNG card bytes"
        assert restored.db.execute("pragma integrity_check").fetchone()[0] == "ok"
    finally:
        restored.close()


def test_backup_refuses_a_non_empty_folder_and_the_home_itself(store, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    with pytest.raises(NamecardsError, match="not empty"):
        backup(store, tmp_path / "full")
    with pytest.raises(NamecardsError, match="data home itself"):
        backup(store, store.home)
    (tmp_path / "file").write_text("x")
    with pytest.raises(NamecardsError, match="not a folder"):
        backup(store, tmp_path / "file")


def test_cli_backup(cli, tmp_path):
    cli("add", "--name", "Ana")
    r = cli("backup", str(tmp_path / "b"))
    assert r.exit_code == 0, r.output
    assert "Backed up" in r.output
    r = cli("--home", str(tmp_path / "b"), "list", "--json")
    assert '"Ana"' in r.output
