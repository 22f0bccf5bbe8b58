"""The SQLite store: one file under the data home, plus card images kept by SHA-256."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import sqlite3
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlite_utils

from namecards import NamecardsError
from namecards.clock import SYSTEM, Clock
from namecards.home import ensure_private_dir, resolve_home
from namecards.outputs import fsync_dir
from namecards.store.migrations import migrations

DB_NAME = "namecards.db"
BUSY_TIMEOUT_MS = 10_000


@dataclass
class Store:
    home: Path
    db: sqlite_utils.Database
    clock: Clock = field(default=SYSTEM)
    # Why this store may not be written (a read-only file or folder, a full disk, a newer
    # namecards' schema), as the end of a one-line message; None when it may.
    read_only: str | None = None

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
    # The rename is durable only once the folder is synced: do it before the database row
    # pointing at the file can be committed.
    fsync_dir(path.parent)


class Database(sqlite_utils.Database):
    """A sqlite-utils Database whose write transactions take the write lock up front.

    A deferred transaction that reads and then writes cannot wait for another writer: SQLite
    fails it at once with "database is locked". BEGIN IMMEDIATE waits on the busy timeout
    instead, so a scan and a drill in two processes take turns.
    """

    def query(self, sql: str, params=None):
        """Rows as dicts, like sqlite-utils' `query`, but a plain SELECT runs without the
        savepoint sqlite-utils wraps around every query: each savepoint makes FTS5 write its
        pending index entries out as a new segment, which made a 10,000-contact import spend
        most of its time merging one-row segments."""
        if not sql.lstrip()[:6].lower() == "select":
            return super().query(sql, params)
        from sqlite_utils.utils import dedupe_keys

        if self._tracer:
            self._tracer(sql, params)
        cursor = self.conn.execute(sql, params if params is not None else ())
        keys = dedupe_keys(d[0] for d in cursor.description)
        return (dict(zip(keys, row)) for row in cursor)

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


def busy_timeout_ms() -> int:
    """How long a writer waits for another one before giving up: 10 s, or
    $NAMECARDS_BUSY_TIMEOUT seconds (a slow network disk may want more, a test less)."""
    value = os.environ.get("NAMECARDS_BUSY_TIMEOUT", "").strip()
    try:
        return max(0, int(float(value) * 1000)) if value else BUSY_TIMEOUT_MS
    except ValueError:
        return BUSY_TIMEOUT_MS


def connect(path: Path, *, read_only: bool = False,
            immutable: bool = False) -> sqlite_utils.Database:
    """A connection to the file at `path`; `read_only` opens it with mode=ro, `immutable` also
    tells SQLite nobody changes it (no -shm needed: a read-only folder or a full disk)."""
    timeout = busy_timeout_ms()
    if read_only or immutable:
        flags = "immutable=1" if immutable else "mode=ro"
        target, uri = f"{path.absolute().as_uri()}?{flags}", True
    else:
        target, uri = str(path), False
    # Autocommit unless inside atomic(): a stray write never leaves a transaction (and the
    # write lock) open behind it.
    conn = sqlite3.connect(target, timeout=timeout / 1000, check_same_thread=False,
                           isolation_level=None, uri=uri)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {timeout}")
    db.execute("PRAGMA foreign_keys = ON")
    if not (read_only or immutable):
        db.execute("PRAGMA synchronous = NORMAL")
    return db


class StoreError(NamecardsError):
    """The database cannot be opened or written, and why (read-only, full disk, busy, newer)."""


class DatabaseDamaged(StoreError):
    """The file is not a SQLite database, or SQLite found it corrupt."""


def open_store(home: str | os.PathLike | None = None, clock: Clock | None = None, *,
               writable: bool = True) -> Store:
    """Open (creating and migrating as needed) the store under `home`, telling time by `clock`
    (the system clock unless given).

    With `writable=False` the caller only reads: a database that cannot be written (a
    read-only file, folder or file system, a full disk, a newer namecards' schema) is opened
    read-only and `Store.read_only` says why. With `writable=True` such a database is refused
    with that reason, before anything is done.
    """
    home_path = resolve_home(home)
    db_path = home_path / DB_NAME
    new = not db_path.exists()
    try:
        # A folder that exists keeps its mode: a user may have made it read-only on purpose
        # (`doctor` reports loose permissions).
        if not home_path.is_dir():
            ensure_private_dir(home_path)
        if not (home_path / "cards").is_dir() and (new or writable):
            ensure_private_dir(home_path / "cards")
    except OSError as e:
        raise StoreError(f"cannot create the data home {home_path}: {os_reason(e)}") from None
    if new:
        # Create the file private before SQLite opens it: -wal and -shm copy its mode.
        try:
            os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError as e:
            raise StoreError(f"cannot create {db_path}: {os_reason(e)}") from None
    why = None if new else why_read_only(db_path)
    if why and writable:
        raise StoreError(f"the database is read-only: {why}")
    try:
        db = _connect_checked(db_path, read_only=bool(why), fallback=not writable)
        if db is None:
            why = why or read_only_reason(db_path) or "it could not be opened for writing"
            db = _connect_checked(db_path, read_only=True, fallback=True)
        try:
            if new or (not why and db.journal_mode != "wal"):
                db.enable_wal()
            why = _check_schema(db, db_path, why, writable)
        except BaseException:
            db.close()
            raise
    except sqlite3.Error as e:
        error = DatabaseDamaged if _is_damage(e) else StoreError
        raise error(database_error_message(e, db_path)) from None
    if new:
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(db_path) + suffix)
            if p.exists():
                p.chmod(0o600)
    store = Store(home=home_path, db=db, clock=clock or SYSTEM)
    store.read_only = why
    return store


def _connect_checked(db_path: Path, *, read_only: bool, fallback: bool):
    """A connection that has read the schema (so -wal and -shm are open), or None when a
    read-write one fails and `fallback` allows trying read-only instead. Read-only tries
    mode=ro, then immutable when no -wal content would be missed."""
    attempts = ["ro", "immutable"] if read_only else ["rw"]
    first_error = None
    for how in attempts:
        db = None
        try:
            db = connect(db_path, read_only=how == "ro", immutable=how == "immutable")
            db.execute("select count(*) from sqlite_master").fetchone()
            return db
        except sqlite3.Error as e:
            if db is not None:
                db.close()
            if _is_damage(e):
                raise
            first_error = first_error or e
            if how == "rw" and fallback:
                return None
            if how == "ro" and _wal_has_content(db_path):
                break  # immutable would read the file without its newest changes
    raise first_error


def _wal_has_content(db_path: Path) -> bool:
    try:
        return os.path.getsize(str(db_path) + "-wal") > 0
    except OSError:
        return False


def _check_schema(db: sqlite_utils.Database, db_path: Path, why: str | None,
                  writable: bool) -> str | None:
    """Apply pending migrations; refuse writes to a schema from a newer namecards. Returns
    why the store is read-only (None: it is not)."""
    known = [m.name for m in migrations._migrations]
    applied = schema_version(db)
    unknown = [name for name in applied if name not in known]
    if unknown:
        newer = (f"this database was written by a newer namecards (migration {unknown[-1]}); "
                 "upgrade namecards")
        if writable:
            raise StoreError(newer)
        db.execute("PRAGMA query_only = ON")  # nothing this version does may write to it
        return why or newer
    pending = [name for name in known if name not in applied]
    if pending and why:
        raise StoreError(f"the database needs upgrading ({len(pending)} migration(s), latest "
                         f"{pending[-1]}) but is read-only: {why}")
    if pending:
        _apply_migrations(db)
    return why


def _apply_migrations(db: sqlite_utils.Database) -> None:
    """Apply what is pending, all in one transaction that holds the write lock from before
    it looks at what is applied: two processes opening an old or new file at once take turns,
    and the second finds nothing left to do. (A reader never gets here: it only looks.)"""
    if any(not m.transactional for m in migrations.pending(db)):
        migrations.apply(db)  # e.g. a VACUUM: cannot run inside a transaction
        return
    with db.atomic():
        migrations.apply(db)


# SQLite's primary result codes (the low byte of sqlite_errorcode).
SQLITE_NOMEM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 7, 8, 10, 11
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL, SQLITE_CANTOPEN = 5, 6, 13, 14
SQLITE_TOOBIG, SQLITE_NOTADB = 18, 26
# Below this much free space, an I/O error is the disk being full (tmpfs and some others
# report a full disk as a plain I/O error when the -shm file cannot grow).
NEARLY_FULL = 1 << 20


def _primary_code(e: sqlite3.Error) -> int | None:
    code = getattr(e, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _is_damage(e: sqlite3.Error) -> bool:
    return _primary_code(e) in (SQLITE_CORRUPT, SQLITE_NOTADB)


def os_reason(e: OSError) -> str:
    """An OSError in words a user can act on."""
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if e.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied ({e.filename})" if e.filename else "permission denied"
    if e.errno == errno.EROFS:
        return "the file system is read-only"
    return e.strerror or str(e)


def free_space(path: Path) -> int | None:
    """Free bytes on the file system holding `path` (its nearest existing folder)."""
    for folder in (path, *path.parents):
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            continue
    return None


def disk_is_full(path: Path) -> bool:
    free = free_space(path)
    return free is not None and free < NEARLY_FULL


def full_disk_message(path: Path) -> str:
    free = free_space(path)
    left = f" ({free // 1024} KB free)" if free is not None else ""
    return (f"the disk holding {path.parent} is full{left}: free some space and try again "
            "(the database itself is fine)")


def why_read_only(db_path: Path) -> str | None:
    """Why the database at `db_path` cannot be written, or None when it can (as far as the
    file system says: root may write a 0444 file)."""
    home = db_path.parent
    try:
        if os.statvfs(home).f_flag & os.ST_RDONLY:
            return f"the file system holding {home} is read-only"
    except OSError:
        pass
    if db_path.exists() and not os.access(db_path, os.W_OK):
        return f"{db_path} is not writable (mode {stat.S_IMODE(db_path.stat().st_mode):04o})"
    missing = False
    for suffix in ("-wal", "-shm"):
        side = Path(str(db_path) + suffix)
        if not side.exists():
            missing = True
        elif not os.access(side, os.W_OK):
            return f"{side} is not writable (mode {stat.S_IMODE(side.stat().st_mode):04o})"
    if missing and not os.access(home, os.W_OK):
        return f"the folder {home} is not writable (SQLite keeps {DB_NAME}-wal and -shm there)"
    return None


def read_only_reason(db_path: Path) -> str | None:
    """Why a read-write connection failed, when the file system can say."""
    why = why_read_only(db_path)
    if why:
        return why
    if disk_is_full(db_path):
        return full_disk_message(db_path)
    return None


def database_error_message(e: sqlite3.Error, db_path: Path) -> str:
    """A SQLite error as one line that says what happened and what to do."""
    code = _primary_code(e)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return ("the database is busy: another namecards is writing to it (an import or a "
                "scan?); try again in a moment")
    if code == SQLITE_FULL or (code in (SQLITE_IOERR, SQLITE_CANTOPEN) and disk_is_full(db_path)):
        return full_disk_message(db_path)
    if code == SQLITE_READONLY:
        return f"the database is read-only: {why_read_only(db_path) or 'SQLite opened it so'}"
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return (f"{db_path}: not a usable namecards database ({e}); `namecards doctor` says "
                "more, or restore a backup")
    if code == SQLITE_CANTOPEN:
        return f"cannot open {db_path}: {why_read_only(db_path) or e}"
    if code == SQLITE_IOERR:
        return f"a disk error while using {db_path} ({e}); `namecards doctor` checks it"
    if code == SQLITE_NOMEM:
        return "out of memory"
    if code == SQLITE_TOOBIG:
        return "a value is too large to store"
    if "pattern too complex" in str(e):
        return "the text to match is too long (at most 50,000 characters)"
    return f"{db_path}: {e}"


def schema_version(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in migrations.applied(db)]
