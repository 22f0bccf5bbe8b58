"""Backups: a consistent copy of the database (SQLite's online backup API) and the card images.

A backup folder is laid out like a data home, so restoring is `namecards --home BACKUP ...`
to look, or copying the folder back into place.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from namecards import NamecardsError
from namecards.home import ensure_private_dir
from namecards.store import DB_NAME, Store


def backup(store: Store, dest: str | os.PathLike) -> dict:
    """Copy the store into the folder `dest` (new or empty): namecards.db and cards/.

    The database is copied page by page while it stays usable (the copy is a snapshot of one
    moment, WAL content included), then checked with `pragma integrity_check`. Images are
    copied only when the copy lacks them, so backing up into a fresh folder each time is cheap
    to reason about and never half-overwrites an older backup.
    """
    dest_path = Path(dest).expanduser()
    if dest_path.resolve() == store.home.resolve():
        raise NamecardsError(f"{dest_path} is the data home itself; back up somewhere else")
    if dest_path.exists() and not dest_path.is_dir():
        raise NamecardsError(f"{dest_path}: exists and is not a folder")
    if dest_path.exists() and any(dest_path.iterdir()):
        raise NamecardsError(f"{dest_path}: not empty; give a new or empty folder")
    try:
        ensure_private_dir(dest_path)
        ensure_private_dir(dest_path / "cards")
    except OSError as e:
        raise NamecardsError(f"cannot create {dest_path}: {e.strerror}") from None
    db_copy = dest_path / DB_NAME
    tmp = dest_path / (DB_NAME + ".partial")
    try:
        target = sqlite3.connect(str(tmp))
        try:
            store.db.conn.backup(target, pages=1024)
            target.execute("pragma journal_mode = delete")  # one self-contained file
            check = target.execute("pragma integrity_check").fetchone()[0]
        finally:
            target.close()
        if check != "ok":
            raise NamecardsError(f"the backup copy failed its integrity check: {check}")
        os.chmod(tmp, 0o600)
        os.replace(tmp, db_copy)
    except (sqlite3.Error, OSError) as e:
        tmp.unlink(missing_ok=True)
        raise NamecardsError(f"backup to {dest_path} failed: {e}") from None
    images = 0
    size = db_copy.stat().st_size
    if store.cards_dir.exists():
        for src in sorted(store.cards_dir.rglob("*")):
            if not src.is_file() or src.name.startswith(".tmp-"):
                continue
            out = dest_path / "cards" / src.relative_to(store.cards_dir)
            ensure_private_dir(out.parent)
            if not out.exists():
                shutil.copy2(src, out)
                os.chmod(out, 0o600)
            images += 1
            size += src.stat().st_size
    return {"dest": str(dest_path), "database": str(db_copy), "images": images, "bytes": size,
            "created": store.now_iso()}
