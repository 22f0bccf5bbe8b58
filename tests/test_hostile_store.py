"""The database in a hostile place: a read-only file (and -wal/-shm made 0444), a read-only
folder or file system, a full disk, a file from a newer namecards, two processes upgrading an
old file at once. Reading commands still work; writing commands are refused in one line that
says why, before they do anything; nothing in the file changes.

Real processes of the installed entry point. The tests run as root, who may write a 0444
file: those runs drop root's power over permissions (corpus.without_root_powers).
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from pathlib import Path

import pytest
from fixtures.hostile import corpus

# A reading command and what it must print.
READS = [(("list",), "Ana Souza"), (("show", "ana"), "likes Rust"),
         (("search", "rust"), "Ana Souza"), (("due",), "3 cards to drill")]


def make_home(home: Path, *, wal_content: bool = False) -> None:
    """Ana with a note and a point; with `wal_content`, her title sits only in the -wal (as
    when a copy was taken while namecards had the file open)."""
    from namecards.domain.contacts import add_contact, add_note
    from namecards.store import open_store

    with open_store(home) as store:
        add_contact(store, "Ana Souza", company="Initech", emails=["ana@initech.example"])
        add_note(store, "ana", "- likes Rust")
    if wal_content:
        db = sqlite3.connect(home / "namecards.db")
        db.execute("select count(*) from contacts").fetchone()
        db.execute("update contacts set title = 'CTO'")
        db.commit()
        kept = {s: (home / f"namecards.db{s}").read_bytes() for s in ("-wal", "-shm")}
        db.close()  # checkpoints and removes the -wal: put the copies back
        for suffix, data in kept.items():
            (home / f"namecards.db{suffix}").write_bytes(data)


def fingerprint(home: Path) -> dict[str, str]:
    """The database's content: the file and its -wal (an empty -wal holds nothing; -shm is
    an index SQLite rebuilds)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(home.glob("namecards.db*"))
            if p.name != "namecards.db-shm" and p.stat().st_size}


def assert_reads_work(home: Path, *, plain_user: bool = True, title: str | None = None,
                      reads=READS) -> None:
    for args, expected in reads:
        r = corpus.run_installed(home, *args, plain_user=plain_user)
        assert r.returncode == 0 and r.stderr == b"", (args, r.stderr)
        assert expected.encode() in r.stdout
        if title and args == ("list",):
            assert title.encode() in r.stdout


def assert_write_refused(home: Path, message: str, *, plain_user: bool = True,
                         writes=(("add", "--name", "Bo Berg"),)) -> None:
    for args in writes:
        r = corpus.run_installed(home, *args, plain_user=plain_user)
        assert r.returncode == 1, (args, r.stdout)
        assert r.stderr.decode() == f"namecards: {message}\n", r.stderr


@pytest.mark.parametrize("case", ["database", "database, -wal and -shm", "-wal and -shm"])
def test_read_only_files(tmp_path, case):
    home = tmp_path / "home"
    make_home(home, wal_content=True)
    names = {"database": ["namecards.db"], "-wal and -shm": ["namecards.db-wal", "namecards.db-shm"],
             "database, -wal and -shm": ["namecards.db", "namecards.db-wal",
                                         "namecards.db-shm"]}[case]
    for name in names:
        (home / name).chmod(0o444)
    before = fingerprint(home)
    assert_reads_work(home, title="CTO", reads=READS if case == "database" else READS[:1])
    first = home / names[0]  # what only the -wal holds (the title) is read too
    assert_write_refused(home, f"the database is read-only: {first} is not writable (mode 0444)",
                         writes=(("add", "--name", "Bo Berg"), ("note", "ana", "- a new point")))
    assert fingerprint(home) == before
    if case == "database":  # the one command that can mend it
        r = corpus.run_installed(home, "doctor", "--fix", plain_user=True)
        assert "fixed made" in r.stdout.decode(), r.stdout
        r = corpus.run_installed(home, "add", "--name", "Bo Berg", plain_user=True)
        assert r.returncode == 0, r.stderr


def test_read_only_folder(tmp_path):
    home = tmp_path / "home"
    make_home(home)
    home.chmod(0o555)
    assert_reads_work(home, reads=READS[:2])
    assert_write_refused(home, f"the database is read-only: the folder {home} is not writable "
                               "(SQLite keeps namecards.db-wal and -shm there)")
    assert oct(home.stat().st_mode & 0o777) == "0o555", "the user's choice of mode is kept"


def test_read_only_file_system(tmp_path, make_small_fs):
    mount = make_small_fs("1m")
    home = mount / "home"
    make_home(home)
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    assert_reads_work(home, plain_user=False, reads=READS[:2])
    assert_write_refused(home, f"the database is read-only: the file system holding {home} is "
                               "read-only", plain_user=False)
    r = corpus.run_installed(home, "doctor", plain_user=False)
    assert "warn  the database cannot be written: the file system holding" in r.stdout.decode()


def test_a_full_disk_is_a_full_disk(tmp_path, make_small_fs):
    mount = make_small_fs("1m")
    home = mount / "home"
    make_home(home)
    corpus.fill_up(mount)
    before = fingerprint(home)
    assert_reads_work(home, plain_user=False, reads=READS[:2])
    for args in (("add", "--name", "Bo Berg"), ("note", "ana", "- a new point")):
        r = corpus.run_installed(home, *args)
        assert r.returncode == 1
        err = r.stderr.decode()
        assert err.startswith(f"namecards: the disk holding {home} is full (") and err.endswith(
            " KB free): free some space and try again (the database itself is fine)\n"), err
        assert "not a usable" not in err and "backup" not in err
    r = corpus.run_installed(home, "doctor")
    assert "restore a backup" not in r.stdout.decode()
    assert fingerprint(home) == before
    (mount / "filler").unlink()
    r = corpus.run_installed(home, "add", "--name", "Bo Berg")
    assert r.returncode == 0, r.stderr
    db = sqlite3.connect(home / "namecards.db")
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert [n for (n,) in db.execute("select full_name from contacts order by id")] == [
        "Ana Souza", "Bo Berg"]
    db.close()


def test_a_database_from_a_newer_namecards_is_read_but_not_written(tmp_path):
    home = tmp_path / "home"
    make_home(home)
    db = sqlite3.connect(home / "namecards.db")
    with db:
        db.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                   "values ('namecards', 'm900_from_the_future', '2027-01-01')")
        db.execute("create table future_things (id integer primary key)")
    db.close()
    before = fingerprint(home)
    assert_reads_work(home, plain_user=False, reads=READS[:2])
    assert_write_refused(home, "this database was written by a newer namecards (migration "
                               "m900_from_the_future); upgrade namecards", plain_user=False)
    r = corpus.run_installed(home, "doctor")
    assert "m900_from_the_future" in r.stdout.decode() and r.returncode == 1
    assert fingerprint(home) == before


def test_an_old_database_upgraded_by_four_processes_at_once(tmp_path):
    from namecards.store import connect
    from namecards.store.migrations import migrations

    home = tmp_path / "home"
    home.mkdir()
    db = connect(home / "namecards.db")
    db.enable_wal()
    migrations.apply(db, stop_before="m010_contacts_model")
    db["contacts"].insert({"id": 1, "uid": "u-1", "full_name": "Ana Souza",
                           "name_key": "ana souza", "created": "2026-01-01",
                           "updated": "2026-01-01"})
    db.close()
    procs = [subprocess.Popen([*corpus.entry_point(), "--home", str(home), *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for args in (["list"], ["add", "--name", "Bo Berg"], ["show", "ana"],
                          ["add", "--name", "Cy Chen"])]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    db = sqlite3.connect(home / "namecards.db")
    names = [n for (n,) in db.execute("select name from _sqlite_migrations")]
    assert sorted(names) == sorted(m.name for m in migrations._migrations)  # each once
    assert db.execute("select count(*) from contacts").fetchone()[0] == 3
    db.close()


def test_a_readers_open_takes_no_write_lock(tmp_path):
    """Opening an up-to-date store only reads: with another process holding the write lock
    and no patience at all (busy timeout 0), every reading command still answers."""
    home = tmp_path / "home"
    make_home(home)
    with corpus.write_lock_held(home):
        for args, expected in (READS[0], READS[2]):
            r = corpus.run_installed(home, *args, env={"NAMECARDS_BUSY_TIMEOUT": "0"})
            assert r.returncode == 0, (args, r.stderr)
            assert expected.encode() in r.stdout


def test_a_writer_kept_waiting_says_busy_in_one_line(tmp_path):
    home = tmp_path / "home"
    make_home(home)
    with corpus.write_lock_held(home):
        r = corpus.run_installed(home, "add", "--name", "Bo Berg",
                                 env={"NAMECARDS_BUSY_TIMEOUT": "0.2"})
        assert r.returncode == 1
        assert r.stderr.decode() == ("namecards: the database is busy: another namecards is "
                                     "writing to it (an import or a scan?); try again in a "
                                     "moment\n")
    r = corpus.run_installed(home, "add", "--name", "Bo Berg")
    assert r.returncode == 0, r.stderr
    db = sqlite3.connect(home / "namecards.db")
    assert db.execute("select count(*) from contacts where full_name = 'Bo Berg'").fetchone() == (1,)
    db.close()


def test_a_damaged_file_is_still_called_damaged(tmp_path):
    home = tmp_path / "home"
    make_home(home)
    (home / "namecards.db").write_bytes(b"this is not a database" * 200)
    for suffix in ("-wal", "-shm"):
        (home / f"namecards.db{suffix}").unlink(missing_ok=True)
    r = corpus.run_installed(home, "list")
    assert r.returncode == 1
    assert r.stderr.decode().startswith(f"namecards: {home / 'namecards.db'}: not a usable "
                                        "namecards database (file is not a database)")
