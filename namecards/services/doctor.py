"""`namecards doctor`: is Tesseract there, is the database sound, are the card images there and
private. Each check says what it found and how to fix it; `fix=True` repairs what is safe.

Safe repairs: permissions back to 0700/0600, database rows pointing at a card image that is
gone get their path cleared (the contact and its OCR text stay), and temporary files left by
an interrupted scan are removed once they are an hour old. Nothing else is ever deleted.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from namecards.store import DB_NAME, Store, schema_version

TMP_PREFIX = ".tmp-"
STALE_TMP_SECONDS = 3600


@dataclass
class Finding:
    ok: bool
    message: str
    fix: str | None = None  # what the user can do about it
    # What the doctor's own repair (run_checks(fix=True)) would do about it ("" when it goes
    # without saying); the CLI words how to ask for it.
    repair: str | None = None
    fixed: bool = False
    warning: bool = False  # worth knowing, not a failure

    @property
    def label(self) -> str:
        if self.fixed:
            return "fixed"
        if self.ok:
            return "ok"
        return "warn" if self.warning else "FAIL"


def run_checks(store: Store, *, fix: bool = False) -> Iterator[Finding]:
    """Every check in turn; with `fix`, safe repairs are made and reported as fixed."""
    yield from check_tesseract()
    yield from check_database(store)
    yield from check_images(store, fix=fix)
    yield from check_leftovers(store, fix=fix)
    yield from check_permissions(store, fix=fix)


def check_tesseract() -> Iterator[Finding]:
    exe = shutil.which("tesseract")
    if exe is None:
        yield Finding(False, "Tesseract is not installed",
                      "apt-get install tesseract-ocr (or brew install tesseract)")
        return
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30,
                             check=False)
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True,
                               timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as e:
        yield Finding(False, f"Tesseract at {exe} does not run: {e}",
                      "reinstall it: apt-get install --reinstall tesseract-ocr")
        return
    version = ((out.stdout or out.stderr).splitlines() or ["tesseract"])[0].strip()
    names = [line.strip() for line in langs.stdout.splitlines()[1:] if line.strip()]
    yield Finding(True, f"{version} at {exe}")
    if "eng" not in names:
        yield Finding(False, f"Tesseract has no English data (languages: {', '.join(names) or 'none'})",
                      "apt-get install tesseract-ocr-eng")
    else:
        yield Finding(True, f"Tesseract languages: {', '.join(names)}")
    if "osd" not in names:
        yield Finding(False, "Tesseract has no orientation data (osd): sideways cards read worse",
                      "apt-get install tesseract-ocr-osd", warning=True)


def check_database(store: Store) -> Iterator[Finding]:
    from namecards.store.migrations import migrations

    db = store.db
    try:
        rows = [next(iter(r.values())) for r in db.query("pragma integrity_check")]
    except Exception as e:  # noqa: BLE001 - a damaged file can fail the check itself
        rows = [str(e)]
    if rows == ["ok"]:
        yield Finding(True, f"database {store.path}: integrity ok")
    else:
        yield Finding(False, f"database {store.path}: integrity check failed: {rows[0]}"
                      + (f" (and {len(rows) - 1} more)" if len(rows) > 1 else ""),
                      f"restore a backup, or recover: sqlite3 {store.path} .recover | "
                      "sqlite3 recovered.db")
    if store.read_only and "newer namecards" not in store.read_only:
        full = "is full" in store.read_only
        yield Finding(False, f"the database cannot be written: {store.read_only}",
                      None if full else "commands that only read (list, show, search, due, "
                      "export, backup) work; make it writable to change anything", warning=True)
    fk = list(db.query("pragma foreign_key_check"))
    if fk:
        tables = sorted({r["table"] for r in fk})
        yield Finding(False, f"{len(fk)} row(s) point at rows that no longer exist "
                      f"(in {', '.join(tables)})", "report this as a bug; the rows are kept")
    applied = schema_version(db)
    known = [m.name for m in migrations._migrations]
    unknown = [name for name in applied if name not in known]
    pending = [name for name in known if name not in applied]
    if unknown:
        yield Finding(False, f"schema has {len(unknown)} migration(s) this namecards does not know "
                      f"({', '.join(unknown)}): the database was written by a newer version",
                      "upgrade namecards: pip install -U namecards")
    elif pending:
        yield Finding(False, f"schema: {len(pending)} migration(s) pending",
                      "run any namecards command to apply them")
    else:
        yield Finding(True, f"schema: up to date ({len(applied)} migrations, latest {applied[-1]})"
                      if applied else "schema: empty")


def _missing(home: Path, rel: str | None) -> bool:
    return bool(rel) and not (home / rel).is_file()


def check_images(store: Store, *, fix: bool = False) -> Iterator[Finding]:
    """Rows pointing at card images that are gone, and images that no row points at."""
    db, home = store.db, store.home
    dangling: list[tuple[str, str, int, str]] = []  # (table, column, id, path)
    for r in db.query("select id, path, card_path from scans"):
        for column in ("path", "card_path"):
            if _missing(home, r[column]):
                dangling.append(("scans", column, r["id"], r[column]))
    for r in db.query("select id, photo from contacts where photo is not null and photo != ''"):
        photo = r["photo"]
        # Photos stored under the home are relative; an absolute one is the user's own file.
        if not os.path.isabs(photo) and _missing(home, photo):
            dangling.append(("contacts", "photo", r["id"], photo))
    if not dangling:
        yield Finding(True, "card images: every one the database names is there")
    elif fix:
        with db.atomic():
            for table, column, row_id, _ in dangling:
                db[table].update(row_id, {column: None})
        yield Finding(False, f"cleared {len(dangling)} path(s) to missing card images "
                      f"(e.g. {dangling[0][3]}); the contacts and OCR text are kept", fixed=True)
    else:
        yield Finding(False, f"{len(dangling)} database row(s) name a card image that is missing, "
                      f"e.g. {dangling[0][3]} ({dangling[0][0]} #{dangling[0][2]})",
                      repair="clears those paths (scan the card again to get its image back)")
    named = set()
    for r in db.query("select path, card_path from scans"):
        named.update(p for p in (r["path"], r["card_path"]) if p)
    cards = store.cards_dir
    orphans = sorted(
        p.name for p in (cards.iterdir() if cards.is_dir() else [])
        if p.is_file() and not p.name.startswith(TMP_PREFIX) and f"cards/{p.name}" not in named
    )
    if orphans:
        yield Finding(True, f"{len(orphans)} image(s) in {cards} belong to no scan (an "
                      "interrupted scan leaves them; scanning those cards again reuses them)",
                      warning=True)


def _filesystem_now(folder) -> float:
    """The time the file system stamps a file written now.

    A file's age is a difference between two file-system stamps, not against our clock: the
    two can disagree (a clock moved for a test, a network share with its own clock).
    """
    try:
        with tempfile.TemporaryFile(dir=folder) as probe:
            return os.fstat(probe.fileno()).st_mtime
    except OSError:
        return time.time()


def check_leftovers(store: Store, *, fix: bool = False) -> Iterator[Finding]:
    """Temporary files of an interrupted write (never referenced by the database)."""
    now = _filesystem_now(store.home)
    found = [p for folder in (store.home, store.cards_dir) if folder.is_dir()
             for p in folder.iterdir() if p.name.startswith(TMP_PREFIX) and p.is_file()]
    stale = [p for p in found if now - p.stat().st_mtime > STALE_TMP_SECONDS]
    if not found:
        return
    if fix and stale:
        for p in stale:
            p.unlink(missing_ok=True)
        yield Finding(False, f"removed {len(stale)} temporary file(s) left by an interrupted "
                      "scan", fixed=True)
        found = [p for p in found if p not in stale]
        stale = []
    if found:
        yield Finding(True, f"{len(found)} temporary file(s) in {store.home} from an interrupted "
                      "or running scan", repair="removes them once an hour old" if stale else None,
                      warning=True)


def _private_mode(path: Path) -> int:
    return 0o700 if path.is_dir() else 0o600


def check_permissions(store: Store, *, fix: bool = False) -> Iterator[Finding]:
    """The home and cards/ are 0700; the database, its -wal/-shm and the images are 0600."""
    home = store.home
    paths = [home, store.cards_dir]
    paths += [Path(str(home / DB_NAME) + s) for s in ("", "-wal", "-shm", "-journal")]
    if store.cards_dir.is_dir():
        paths += sorted(store.cards_dir.iterdir())
    wrong = []
    for p in paths:
        try:
            st = p.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(st.st_mode):
            continue
        if stat.S_IMODE(st.st_mode) & 0o077:
            wrong.append((p, stat.S_IMODE(st.st_mode)))
    if not wrong:
        yield Finding(True, f"permissions: {home} and everything in it is private to you")
        return
    example = f"{wrong[0][0]} is {wrong[0][1]:04o}"
    if fix:
        failed = []
        for p, _ in wrong:
            try:
                p.chmod(_private_mode(p))
            except OSError:
                failed.append(p)
        if not failed:
            yield Finding(False, f"made {len(wrong)} file(s) private again ({example}, now "
                          f"{_private_mode(wrong[0][0]):04o})", fixed=True)
            return
        wrong = [w for w in wrong if w[0] in failed]
        example = f"{wrong[0][0]} is {wrong[0][1]:04o}"
    yield Finding(False, f"{len(wrong)} file(s) readable by others, e.g. {example}",
                  f"chmod -R go-rwx {home}", repair="")
