"""The SQLite store: one file under the data home, plus card images kept by SHA-256."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlite_utils

from namecards import NamecardsError
from namecards.clock import SYSTEM, Clock
from namecards.home import ensure_private_dir, resolve_home
from namecards.migrations import migrations

DB_NAME = "namecards.db"
BUSY_TIMEOUT_MS = 10_000


@dataclass
class Store:
    home: Path
    db: sqlite_utils.Database
    clock: Clock = field(default=SYSTEM)

    def now(self) -> datetime:
        """Now, by this store's clock (see namecards.clock)."""
        return self.clock.now()

    def now_iso(self) -> str:
        return self.clock.now_iso()

    @property
    def cards_dir(self) -> Path:
        return self.home / "cards"

    @property
    def path(self) -> Path:
        return self.home / DB_NAME

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def save_image(self, data: bytes, suffix: str) -> tuple[str, str]:
        """Keep image bytes under cards/ named by their SHA-256; return (sha256, relative path).

        Written to a temporary name and renamed, so the database never points at half a file.
        """
        sha = hashlib.sha256(data).hexdigest()
        rel = f"cards/{sha}{suffix}"
        write_private_file(self.home / rel, data)
        return sha, rel


def write_private_file(path: Path, data: bytes) -> None:
    """Atomically write a file readable by its owner only.

    A folder that does not exist yet is created private; an existing one (say, where the user
    asked a letter to go) keeps its permissions.
    """
    if not path.parent.is_dir():
        ensure_private_dir(path.parent)
    if path.exists():
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the folder is synced: do it before the database row
    # pointing at the file can be committed.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Database(sqlite_utils.Database):
    """A sqlite-utils Database whose write transactions take the write lock up front.

    A deferred transaction that reads and then writes cannot wait for another writer: SQLite
    fails it at once with "database is locked". BEGIN IMMEDIATE waits on the busy timeout
    instead, so a scan and a drill in two processes take turns.
    """

    @contextlib.contextmanager
    def atomic(self):
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise


def connect(path: Path) -> sqlite_utils.Database:
    # Autocommit unless inside atomic(): a stray write never leaves a transaction (and the
    # write lock) open behind it.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                           isolation_level=None)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def open_store(home: str | os.PathLike | None = None, clock: Clock | None = None) -> Store:
    """Open (creating and migrating as needed) the store under `home`, telling time by `clock`
    (the system clock unless given)."""
    home_path = resolve_home(home)
    try:
        ensure_private_dir(home_path)
        ensure_private_dir(home_path / "cards")
    except OSError as e:
        raise NamecardsError(f"cannot create the data home {home_path}: {e.strerror}") from None
    db_path = home_path / DB_NAME
    new = not db_path.exists()
    if new:
        # Create the file private before SQLite opens it: -wal and -shm copy its mode.
        try:
            os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError as e:
            raise NamecardsError(f"cannot create {db_path}: {e.strerror}") from None
    try:
        db = connect(db_path)
        if new or db.journal_mode != "wal":
            db.enable_wal()
        _apply_migrations(db)
    except sqlite3.DatabaseError as e:
        raise NamecardsError(f"{db_path}: not a usable namecards database ({e})") from None
    if new:
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(db_path) + suffix)
            if p.exists():
                p.chmod(0o600)
    return Store(home=home_path, db=db, clock=clock or SYSTEM)


def _apply_migrations(db: sqlite_utils.Database) -> None:
    # Two processes opening a new home at once both see a migration pending; the second to
    # get the write lock then finds its tables made. Looking again skips what is applied.
    for attempt in range(3):
        try:
            migrations.apply(db)
            return
        except sqlite3.OperationalError as e:
            if "already exists" not in str(e) or attempt == 2:
                raise


def schema_version(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in migrations.applied(db)]
