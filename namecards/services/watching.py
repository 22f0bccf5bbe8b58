"""Watching a folder (a phone's synced camera folder): scan each new card photo once it is
completely written, never the same image twice, until told to stop.

It polls with the standard library rather than inotify: synced folders often live on network
or FUSE file systems that send no events, and polling needs no extra package."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from namecards import UsageError
from namecards.domain.events import event_for, link_contact
from namecards.services.scanning import (
    IMAGE_SUFFIXES,
    MAX_IMAGE_BYTES,
    check_languages,
    file_one,
    scan_result,
    scanned_before,
    shown,
)
from namecards.store import Store

POLL_SECONDS = 0.5
# A file whose completeness cannot be checked (not an image we can decode, a JPEG with data
# after its end marker) is taken once it has not changed for this long.
SETTLE_SECONDS = 3.0
# A file that still ends early after this long unchanged is mentioned (once), never scanned
# half-written: a stalled sync finishes later, and the whole photo is scanned then.
STALLED_SECONDS = 30.0
# While another program holds the write lock, each try waits at most this long, so the
# watcher stays responsive to Ctrl-C and to the TUI closing the screen; it retries each poll.
BUSY_WAIT_MS = 1000

Signature = tuple[int, int]  # (size, mtime_ns): a file still being written changes it


@dataclass
class WatchStart:
    """What the watcher found in the folder when it started."""

    folder: Path
    already: int  # images in the folder
    scanned_before: int  # of those, images the store has scanned already (by SHA-256)

    def line(self) -> str:
        """'Watching DIR (3 images already there: 1 scanned before, 2 to scan now)'."""
        where = f"Watching {shown(self.folder)}"
        if not self.already:
            return f"{where} (no images there yet)"
        images = f"{self.already} image{'s' if self.already != 1 else ''} already there"
        new = self.already - self.scanned_before
        if not new:
            return f"{where} ({images}: scanned before)"
        if not self.scanned_before:
            return f"{where} ({images}: scanning {'it' if new == 1 else 'them'} now)"
        return f"{where} ({images}: {self.scanned_before} scanned before, {new} to scan now)"


@dataclass
class _Waiting:
    """A file seen but not scanned yet."""

    sig: Signature
    since: float  # monotonic time `sig` was first seen
    verdict: str | None = None  # completeness() for `sig`, once it was stable across two polls
    told: bool = False


def image_files(folder: Path, unreadable: Callable[[str], None] | None = None
                ) -> dict[Path, Signature]:
    """Regular image files under `folder` (subfolders too) with their signature. Hidden files
    and folders are left out: sync tools write their partial files there (.syncthing.*.tmp)."""
    found: dict[Path, Signature] = {}
    stack = [folder]
    while stack:
        here = stack.pop()
        try:
            entries = list(os.scandir(here))
        except OSError as e:
            if unreadable and here != folder:
                unreadable(f"{shown(here)}: cannot open this folder ({e.strerror or e}); "
                           "images in it are not scanned")
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                    continue
                if Path(entry.name).suffix.lower() not in IMAGE_SUFFIXES:
                    continue
                st = entry.stat()  # follows a link to a photo
            except OSError:
                continue  # gone since the listing, or a broken link
            # A FIFO or device named card.jpg would block the read forever: not a photo.
            if stat.S_ISREG(st.st_mode):
                found[Path(entry.path)] = (st.st_size, st.st_mtime_ns)
    return found


def completeness(path: Path) -> str:
    """'complete' (decodes whole; a JPEG also ends with its end marker), 'partial' (empty,
    or ends early: still being written) or 'unsure' (cannot be checked by decoding it: not an
    image, or a JPEG with data after its end, as some phones add)."""
    from ocr import CardImageError
    from ocr.image import load_image

    try:
        with open(path, "rb") as fp:
            head = fp.read(2)
            fp.seek(max(0, os.fstat(fp.fileno()).st_size - 2))
            tail = fp.read(2)
    except OSError:
        return "unsure"
    if not head:
        return "partial"
    try:
        load_image(path)
    except CardImageError as e:
        message = str(e)
        return "partial" if ("truncated" in message or "empty file" in message) else "unsure"
    if head == b"\xff\xd8" and tail != b"\xff\xd9":
        # The JPEG decoder does not need the end marker; the file may not be done yet.
        return "unsure"
    return "complete"


class FolderWatch:
    """Which files under a folder are new and completely written, poll by poll.

    A file is ready when its size and modification time are the same across two polls and it
    decodes whole; a file that cannot be checked by decoding is ready after SETTLE_SECONDS
    unchanged; a file that ends early is never ready (it is waiting for the rest)."""

    def __init__(self, folder: Path, *, settle: float = SETTLE_SECONDS,
                 stalled: float = STALLED_SECONDS,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.folder = folder
        self.settle = settle
        self.stalled = stalled
        self.monotonic = monotonic
        self.done: dict[Path, Signature] = {}
        self.waiting: dict[Path, _Waiting] = {}
        self.gone = False
        self.told_unreadable: set[str] = set()

    def poll(self, note: Callable[[str], None]) -> list[Path]:
        """The files that became ready since the last poll (in name order)."""
        if not self.folder.is_dir():
            if not self.gone:
                note(f"{shown(self.folder)} is not there any more; waiting for it to come back")
            self.gone = True
            return []
        if self.gone:
            note(f"{shown(self.folder)} is back; watching it again")
            self.gone = False

        def unreadable(message: str) -> None:
            if message not in self.told_unreadable:
                self.told_unreadable.add(message)
                note(message)

        files = image_files(self.folder, unreadable)
        now = self.monotonic()
        ready: list[Path] = []
        for path in set(self.done) - set(files):
            del self.done[path]
        for path in set(self.waiting) - set(files):
            del self.waiting[path]
        for path, sig in sorted(files.items()):
            if self.done.get(path) == sig:
                continue
            seen = self.waiting.get(path)
            if seen is None or seen.sig != sig:
                self.waiting[path] = _Waiting(sig, now)
                continue
            if seen.verdict is None:
                seen.verdict = completeness(path)
            unchanged = now - seen.since
            if seen.verdict == "complete" or (seen.verdict == "unsure"
                                              and unchanged >= self.settle):
                ready.append(path)
            elif seen.verdict == "partial" and unchanged >= self.stalled and not seen.told:
                seen.told = True
                note(f"{shown(path.name)} ends early and has not changed for "
                     f"{int(unchanged)} s; it is scanned once it is complete")
        return ready

    def finish(self, path: Path, sig: Signature) -> None:
        """`path` as it is now (`sig`) is dealt with: not offered again unless it changes."""
        self.waiting.pop(path, None)
        self.done[path] = sig


@dataclass
class _Job:
    """A ready image on its way into the store. Filing can be retried (the store busy): the
    results already reported are skipped when it is tried again."""

    path: Path
    data: bytes
    sha: str
    reading: object = None  # CardReading | PhotoReading | OcrError once read
    seen: list[dict] = field(default_factory=list)  # scanned before: its scan records
    reported: int = 0


def is_busy(error: sqlite3.Error) -> bool:
    """Another connection holds the write lock (SQLITE_BUSY or SQLITE_LOCKED)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)
    return "locked" in str(error) or "busy" in str(error)


def watch(
    store: Store,
    folder: str | os.PathLike,
    *,
    event: str | None = None,
    date: str | None = None,
    region: str | None = None,
    lang: str = "eng",
    jobs: int | None = None,
    stop: threading.Event | None = None,
    on_start: Callable[[WatchStart], None] | None = None,
    on_note: Callable[[str], None] | None = None,
    poll_seconds: float = POLL_SECONDS,
) -> Iterator[dict]:
    """Scan the images in `folder` not scanned before, then each new one once it is
    completely written; yield the same result dicts as `scanning.scan`, one per card, until
    `stop` is set (or the caller stops iterating; Ctrl-C raises KeyboardInterrupt as usual).

    Images whose SHA-256 the store has scanned before are not read again: those already in
    the folder at the start are counted in `on_start`'s WatchStart, a copy appearing later
    is reported as a duplicate. While another program holds the store's write lock, ready
    images wait in a queue (read already, filed when the lock is free), in order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{shown(folder)}: not a folder")
    check_languages(lang)
    note = on_note or (lambda text: None)
    stop = stop or threading.Event()
    ev = event_for(store, event, date=date)
    current = store.db.execute("pragma busy_timeout").fetchone()[0]
    store.db.execute(f"pragma busy_timeout = {min(current, BUSY_WAIT_MS)}")

    watcher = FolderWatch(folder)
    present = image_files(folder)
    before = 0
    for path, sig in present.items():
        sha = _sha(path, sig)
        if sha is not None and scanned_before(store, sha):
            watcher.finish(path, sig)
            before += 1
    if on_start:
        on_start(WatchStart(folder, len(present), before))

    queue: list[_Job] = []
    busy_told = False
    while not stop.is_set():
        fresh: list[_Job] = []
        for path in watcher.poll(note):
            sig = watcher.waiting[path].sig
            watcher.finish(path, sig)
            job, problem = _job(path, sig)
            if problem is not None:
                yield problem
            elif job is not None:
                fresh.append(job)
        _read(store, fresh, queue, region=region, lang=lang, jobs=jobs)
        queue += fresh
        while queue and not stop.is_set():
            job = queue[0]
            try:
                for n, result in enumerate(_file(store, job, ev, region, lang), 1):
                    if n > job.reported:
                        job.reported = n
                        yield result
            except sqlite3.OperationalError as e:
                if not is_busy(e):
                    raise
                if not busy_told:
                    waiting = len(queue)
                    note(f"the database is busy (another program is writing to it): "
                         f"{waiting} image{'s' if waiting != 1 else ''} waiting; "
                         "they are filed as soon as it is free")
                    busy_told = True
                break
            queue.pop(0)
            if not queue:
                busy_told = False
        if _pause(stop, poll_seconds):
            break


def _pause(stop: threading.Event, seconds: float) -> bool:
    """Wait `seconds`, or less if `stop` is set (then True). Short sleeps, not
    `stop.wait(seconds)`: a timed Event.wait never returns under libfaketime, which CI runs
    the suite under, and a sleep is interrupted by Ctrl-C at once."""
    end = time.monotonic() + seconds
    while not stop.is_set():
        left = end - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(left, 0.1))
    return True


def _sha(path: Path, sig: Signature) -> str | None:
    if sig[0] > MAX_IMAGE_BYTES:
        return None
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _job(path: Path, sig: Signature) -> tuple[_Job | None, dict | None]:
    """A ready file read into memory, or the one-line error saying why it cannot be."""
    if sig[0] > MAX_IMAGE_BYTES:
        return None, scan_result(path, "error", error=f"{shown(path)}: too large to be a card "
                             f"photo ({sig[0] // 1_000_000} MB)")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, None  # moved away between the poll and now: nothing to scan
    except OSError as e:
        return None, scan_result(path, "error", error=f"{shown(path)}: cannot read it ({e.strerror})")
    return _Job(path, data, hashlib.sha256(data).hexdigest()), None


def _read(store: Store, fresh: list[_Job], queue: list[_Job], *, region, lang, jobs) -> None:
    """OCR the fresh jobs that need it, all at once (a synced burst uses every core); an
    image scanned before, or the same bytes as one already queued, is not read again."""
    from ocr import read_cards

    queued = {job.sha for job in queue}
    to_read = []
    for job in fresh:
        job.seen = scanned_before(store, job.sha)
        if not job.seen and job.sha not in queued:
            to_read.append(job)
            queued.add(job.sha)
    if to_read:
        readings = read_cards([job.path for job in to_read], region=region, lang=lang, jobs=jobs)
        for job, (_, reading) in zip(to_read, readings, strict=True):
            job.reading = reading


def _file(store: Store, job: _Job, ev, region, lang) -> Iterator[dict]:
    """The results of filing one job (each card of a photo of several): filing again after a
    busy store gives the same results again, those already filed as their first outcome."""
    from ocr import read_cards

    if job.reading is None:
        # Not read: scanned before, or a copy of an image queued before it.
        seen = job.seen or scanned_before(store, job.sha)
        if not seen:  # the earlier copy failed: read this one after all
            job.reading = next(read_cards([job.path], region=region, lang=lang, jobs=1))[1]
            yield from _file(store, job, ev, region, lang)
            return
        for k, row in enumerate(seen, 1):
            if ev and row["contact_id"]:
                link_contact(store, row["contact_id"], ev["id"])
            yield scan_result(job.path, "duplicate", contact_id=row["contact_id"],
                          card=(k, len(seen)) if len(seen) > 1 else None)
        return
    # A card of a photo filed on an earlier try comes back "duplicate" (its scan record is
    # there): the caller skips results already reported by their position.
    yield from file_one(store, job.path, job.data, job.sha, job.reading, ev, region)
