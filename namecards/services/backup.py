"""Backups: a consistent copy of the database (SQLite's online backup API) and the card images.

A backup folder is laid out like a data home, so restoring is `namecards --home BACKUP ...`
to look, or copying the folder back into place.

The copy is made in a temporary folder beside DEST and checked (the database's integrity, the
number of images and each one's SHA-256) before it is renamed into place, so a full disk, a
pulled USB stick or a killed process never leaves a half backup under DEST's name, and an
older backup already at DEST stays whole until the new one has replaced it in one step.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from namecards import NamecardsError
from namecards.home import ensure_private_dir
from namecards.outputs import fsync_dir
from namecards.store import DB_NAME, Store, free_space, os_reason

PARTIAL = ".namecards-partial-"
# What a disk needs beyond the data itself: each file rounded up to a block, and the folders.
BLOCK = 4096
SLACK = 64 * 1024


class BackupError(NamecardsError):
    pass


def backup(store: Store, dest: str | os.PathLike) -> dict:
    """Copy the store into the folder `dest`: namecards.db and cards/.

    `dest` may be new, an empty folder, or an earlier namecards backup (which is replaced only
    once the new copy is complete and verified). The database is copied page by page while it
    stays usable (a snapshot of one moment, WAL content included).
    """
    dest_path = Path(dest).expanduser().absolute()
    if dest_path.resolve() == store.home.resolve():
        raise BackupError(f"{dest_path} is the data home itself; back up somewhere else")
    if dest_path.exists() and not dest_path.is_dir():
        raise BackupError(f"{dest_path}: exists and is not a folder")
    replacing = dest_path.is_dir() and any(dest_path.iterdir())
    if replacing and not _is_backup(dest_path):
        raise BackupError(f"{dest_path}: not empty and not a namecards backup; give a new or "
                          "empty folder, or an earlier backup to replace")
    images = _images(store)
    needed = _database_bytes(store) + sum(-(-size // BLOCK) * BLOCK for _, size in images) + SLACK
    parent = dest_path.parent
    try:
        if not parent.is_dir():
            ensure_private_dir(parent)
        tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{dest_path.name}{PARTIAL}"))
    except OSError as e:
        raise BackupError(f"cannot back up to {dest_path}: {os_reason(e)}") from None
    free = free_space(tmp)
    kept = " (the earlier backup there is untouched)" if replacing else ""
    try:
        if free is not None and free < needed:
            raise BackupError(f"not enough space for a backup in {parent}: it needs about "
                              f"{_mb(needed)}, {_mb(free)} is free; nothing was written{kept}")
        size = _copy_database(store, tmp)
        size += _copy_images(store, images, tmp)
        _fsync_tree(tmp)
        _put_in_place(tmp, dest_path, replacing)
    except BaseException as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(e, BackupError):
            raise
        if isinstance(e, sqlite3.Error | OSError):
            reason = _failure(e, parent)
            raise BackupError(f"backup to {dest_path} failed: {reason}; nothing was written"
                              f"{kept}") from None
        raise
    return {"dest": str(dest_path), "database": str(dest_path / DB_NAME), "images": len(images),
            "bytes": size, "created": store.now_iso(), "replaced": replacing}


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _failure(e: BaseException, where: Path) -> str:
    if isinstance(e, OSError):
        return os_reason(e)
    code = getattr(e, "sqlite_errorcode", 0) & 0xFF
    if code == 13 or (code == 10 and (free_space(where) or 0) < SLACK):  # FULL, IOERR
        return "the disk is full"
    return str(e)


def _is_backup(folder: Path) -> bool:
    """A folder this function made: namecards.db and perhaps cards/, nothing else."""
    names = {p.name for p in folder.iterdir()}
    return DB_NAME in names and names <= {DB_NAME, "cards"}


def _images(store: Store) -> list[tuple[Path, int]]:
    if not store.cards_dir.is_dir():
        return []
    return [(p, p.stat().st_size) for p in sorted(store.cards_dir.rglob("*"))
            if p.is_file() and not p.name.startswith(".tmp-")]


def _database_bytes(store: Store) -> int:
    pages = store.db.execute("pragma page_count").fetchone()[0]
    return pages * store.db.execute("pragma page_size").fetchone()[0]


def _copy_database(store: Store, folder: Path) -> int:
    path = folder / DB_NAME
    target = sqlite3.connect(str(path))
    try:
        store.db.conn.backup(target, pages=1024)
        target.execute("pragma journal_mode = delete")  # one self-contained file
        check = target.execute("pragma integrity_check").fetchone()[0]
    finally:
        target.close()
    if check != "ok":
        raise BackupError(f"the backup copy failed its integrity check ({check}); nothing was "
                          "written; `namecards doctor` checks the database itself")
    os.chmod(path, 0o600)
    return path.stat().st_size


def _copy_images(store: Store, images: list[tuple[Path, int]], folder: Path) -> int:
    """Copy each image and check the copy: same SHA-256 as the original read."""
    total = 0
    ensure_private_dir(folder / "cards")
    for src, _ in images:
        out = folder / "cards" / src.relative_to(store.cards_dir)
        ensure_private_dir(out.parent)
        data = src.read_bytes()
        with open(out, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(out, 0o600)
        if hashlib.sha256(out.read_bytes()).digest() != hashlib.sha256(data).digest():
            raise BackupError(f"the copy of {src.name} differs from the original; nothing was "
                              "written (is the disk failing?)")
        total += len(data)
    copied = sum(1 for p in (folder / "cards").rglob("*") if p.is_file())
    if copied != len(images):
        raise BackupError(f"{copied} of {len(images)} card images were copied; nothing was written")
    return total


def _fsync_tree(folder: Path) -> None:
    for path in [*sorted(folder.rglob("*")), folder]:
        if path.is_dir():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _put_in_place(tmp: Path, dest: Path, replacing: bool) -> None:
    """Rename the finished copy to DEST: over a missing or empty folder in one rename; over an
    earlier backup by exchanging the two in one step (Linux renameat2), then removing the old
    one; where that is not possible, the old one is moved aside first and removed last."""
    if not replacing:
        os.rename(tmp, dest)  # an empty folder at DEST is replaced; a non-empty one is refused
        fsync_dir(dest.parent)
        return
    if _exchange(tmp, dest):
        fsync_dir(dest.parent)
        shutil.rmtree(tmp)  # now the earlier backup
        return
    aside = tmp.with_name(tmp.name + "-old")
    os.rename(dest, aside)
    try:
        os.rename(tmp, dest)
    except OSError:
        os.rename(aside, dest)
        raise
    fsync_dir(dest.parent)
    shutil.rmtree(aside)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))
