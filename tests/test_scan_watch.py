"""`namecards scan --watch DIR` and the Scan screen's "Watch this folder": each new image is
scanned once, whole, when it is completely written; never twice; Ctrl-C stops it cleanly."""

from __future__ import annotations

import asyncio
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from conftest import SAMPLES, namecards_command
from PIL import Image

from namecards.services.watching import FolderWatch, WatchStart, completeness

CARD = SAMPLES / "interview" / "card_001.jpg"  # María López, Acme Robotics
TIMEOUT = 120


class Ticks:
    """A monotonic clock the test moves by hand, so settling times cost no waiting."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def poll(watch: FolderWatch, ticks: Ticks, seconds: float = 0.5) -> list[str]:
    ticks.now += seconds
    return [p.name for p in watch.poll(lambda text: None)]


def test_a_half_written_photo_is_never_ready_and_the_whole_one_is_ready_once(tmp_path):
    data = CARD.read_bytes()
    target = tmp_path / "IMG_0001.jpg"
    target.write_bytes(data[: len(data) // 2])
    (tmp_path / "notes.txt").write_text("not a photo")
    (tmp_path / ".IMG_0002.jpg.part").write_bytes(data)  # a sync tool's partial file
    ticks = Ticks()
    watch = FolderWatch(tmp_path, monotonic=ticks)
    # Half a JPEG, unchanged for a minute (a stalled sync): still waiting, never scanned.
    assert [poll(watch, ticks, 10) for _ in range(6)] == [[]] * 6
    assert completeness(target) == "partial"
    with target.open("ab") as fp:
        fp.write(data[len(data) // 2:])
    os.utime(target, ns=(time.time_ns(), time.time_ns() + 1))  # a new mtime, whatever the fs
    assert poll(watch, ticks) == []  # changed since the last poll: not settled yet
    assert poll(watch, ticks) == ["IMG_0001.jpg"]
    watch.finish(target, watch.waiting[target].sig)
    assert poll(watch, ticks) == [] and poll(watch, ticks, 60) == []


def test_a_file_that_cannot_be_checked_is_taken_once_it_settles(tmp_path):
    (tmp_path / "scan.jpg").write_text("a text file named like a photo")
    ticks = Ticks()
    watch = FolderWatch(tmp_path, monotonic=ticks, settle=3.0)
    assert poll(watch, ticks) == [] and poll(watch, ticks) == []  # unsure: not before 3 s
    assert poll(watch, ticks, 3.0) == ["scan.jpg"]


def test_a_changed_file_is_offered_again_and_a_png_needs_no_end_marker(tmp_path):
    ticks = Ticks()
    (tmp_path / "sub").mkdir()
    card = tmp_path / "sub" / "card.png"
    Image.new("RGB", (60, 40), "white").save(card)
    watch = FolderWatch(tmp_path, monotonic=ticks)
    assert poll(watch, ticks) == [] and poll(watch, ticks) == ["card.png"]
    watch.finish(card, watch.waiting[card].sig)
    Image.new("RGB", (80, 40), "white").save(card)  # edited: new bytes, maybe a new card
    assert poll(watch, ticks) == [] and poll(watch, ticks) == ["card.png"]


def test_the_first_line_says_what_was_already_there():
    folder = Path("/photos")
    assert WatchStart(folder, 0, 0).line() == "Watching /photos (no images there yet)"
    assert WatchStart(folder, 3, 3).line() == "Watching /photos (3 images already there: scanned before)"
    assert WatchStart(folder, 1, 0).line() == "Watching /photos (1 image already there: scanning it now)"
    assert WatchStart(folder, 5, 2).line() == ("Watching /photos (5 images already there: "
                                               "2 scanned before, 3 to scan now)")


class Watcher:
    """`namecards scan --watch` in a subprocess; its stdout and stderr lines as they come.

    Read with select(): the test wakes when the watcher writes, not on a poll. (Not a pump
    thread with a timed queue.get or Event.wait: under libfaketime, as in CI's second pass,
    a timed lock wait never ends; select's timeout is relative and unaffected.)"""

    def __init__(self, home: Path, folder: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [*namecards_command(), "--home", str(home), "scan", "--watch", str(folder), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.seen: dict[str, list[str]] = {"out": [], "err": []}
        self._open = {self.proc.stdout.fileno(): "out", self.proc.stderr.fileno(): "err"}
        self._partial = {"out": b"", "err": b""}

    def _read(self, timeout: float) -> None:
        """Take in whatever either stream has written within `timeout` seconds."""
        ready, _, _ = select.select(list(self._open), [], [], max(timeout, 0))
        for fd in ready:
            name = self._open[fd]
            chunk = os.read(fd, 65536)
            if not chunk:  # the stream closed: keep a last unterminated line
                del self._open[fd]
                chunk = b"\n" if self._partial[name] else b""
            *lines, self._partial[name] = (self._partial[name] + chunk).split(b"\n")
            self.seen[name] += [line.decode() for line in lines]

    def drain(self) -> None:
        """Take in everything written so far, without waiting."""
        while self._open and select.select(list(self._open), [], [], 0)[0]:
            self._read(0)

    def wait_for(self, stream: str, text: str) -> str:
        """The first line on `stream` containing `text`, waiting up to TIMEOUT for it."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for line in self.seen[stream]:
                if text in line:
                    return line
            left = deadline - time.monotonic()
            if left <= 0 or not self._open:
                raise AssertionError(f"no {text!r} on std{stream}; saw {self.seen}")
            self._read(left)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + TIMEOUT
        while self._open and time.monotonic() < deadline:  # every line is in at EOF
            self._read(deadline - time.monotonic())
        return self.proc.wait(timeout=TIMEOUT)


def copy_in_chunks(source: Path, target: Path, chunks: int = 4, pause: float = 1.2) -> None:
    """A phone's sync writing a photo slowly: each part flushed to disk, then a pause longer
    than two of the watcher's polls, so it sees every half-written state as settled."""
    data = source.read_bytes()
    step = -(-len(data) // chunks)
    with target.open("wb") as fp:
        for start in range(0, len(data), step):
            if start:
                time.sleep(pause)  # the slow writer itself, not a wait for an outcome
            fp.write(data[start:start + step])
            fp.flush()
            os.fsync(fp.fileno())


def test_watch_scans_a_slowly_written_card_once_queues_it_while_busy_and_stops_on_ctrl_c(
        home, tmp_path):
    folder = tmp_path / "Camera"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a card")
    Image.new("RGB", (700, 400), "white").save(folder / "blank.png")  # an image, no card
    watcher = Watcher(home, folder, "--event", "Career fair")
    try:
        first = watcher.wait_for("err", "Watching")
        assert first == (f"Watching {folder} (1 image already there: scanning it now). "
                         "Ctrl-C stops.")
        # An unreadable image is one error line; the watcher goes on.
        assert "blank.png" in watcher.wait_for("err", "namecards: blank.png")

        # Another program holds the write lock while the card arrives, slowly.
        lock = sqlite3.connect(home / "namecards.db", isolation_level=None)
        lock.execute("begin immediate")
        copy_in_chunks(CARD, folder / "IMG_0001.jpg")
        watcher.wait_for("err", "the database is busy")
        watcher.drain()
        assert watcher.seen["out"] == []  # read, queued, not lost and not filed yet
        lock.execute("rollback")
        lock.close()
        added = watcher.wait_for("out", "IMG_0001.jpg: added")
        assert "María López" in added

        # The same photo again under another name: not read again.
        shutil.copy(CARD, folder / "IMG_0001 (1).jpg")
        assert "already scanned (contact #1)" in watcher.wait_for("out", "IMG_0001 (1).jpg")
    finally:
        code = watcher.stop()
    assert code == 130
    assert watcher.seen["err"][-1] == (f"Stopped watching {folder}: 1 added, 1 duplicate, "
                                       "1 error.")
    assert len(watcher.seen["out"]) == 2
    assert not any("notes.txt" in line for lines in watcher.seen.values() for line in lines)
    assert not any("Traceback" in line for line in watcher.seen["err"])
    db = sqlite3.connect(home / "namecards.db")
    assert db.execute("select count(*) from contacts").fetchone()[0] == 1
    assert db.execute("select count(*) from scans").fetchone()[0] == 1
    met = db.execute("select count(*) from meetings join events on events.id = event_id "
                     "where events.name = 'Career fair'").fetchone()[0]
    assert met == 1
    db.close()

    # A restart scans nothing again: what is there was scanned before.
    (folder / "blank.png").unlink()  # (it holds no card: it would be tried again)
    again = Watcher(home, folder, "--json")
    try:
        assert again.wait_for("err", "Watching") == (
            f"Watching {folder} (2 images already there: scanned before). Ctrl-C stops.")
    finally:
        assert again.stop() == 130
    assert again.seen == {"out": [], "err": [first.replace("1 image already there: scanning it now", "2 images already there: scanned before"), f"Stopped watching {folder}: nothing new."]}


def test_watch_refuses_other_paths_and_dry_run(run_installed, tmp_path):
    r = run_installed("scan", "--watch", str(tmp_path), str(CARD))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--watch" in r.stderr
    r = run_installed("scan", "--watch", str(tmp_path / "nowhere"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    r = run_installed("scan")
    assert r.returncode == 2 and "--watch DIR" in r.stderr


def test_the_scan_screen_watches_a_folder_and_stops_when_it_closes(store, tmp_path,
                                                                    monkeypatch):
    from tui_sample import NOW, steady_terminal

    from namecards.domain.contacts import list_contacts
    from tui.app import make_app
    from tui.screens.scan import ScanScreen

    steady_terminal(monkeypatch)
    folder = tmp_path / "photos" / "phone"
    folder.mkdir(parents=True)
    app = make_app(store, now=NOW, start="scan", scan_root=tmp_path / "photos")
    messages: list = []

    async def until(pilot, condition) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            assert time.monotonic() < deadline, "timed out"
            await pilot.pause(0.05)

    async def main() -> None:
        async with app.run_test(size=(100, 32), message_hook=messages.append) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ScanScreen)
            await pilot.press("down")  # the "phone" folder
            screen.query_one("#event").value = "Hooli fair"
            await pilot.press("w")
            await until(pilot, lambda: any(isinstance(m, ScanScreen.Watching) for m in messages))
            assert "Watching" in str(screen.query_one("#summary").render())
            shutil.copy(CARD, folder / "IMG_0001.jpg")
            await until(pilot, lambda: screen.query_one("#results").row_count == 1)
            assert "1 added" in str(screen.query_one("#summary").render())
            ended = screen.watch_ended
            await pilot.press("escape")  # closing the screen stops the watch
            assert not isinstance(app.screen, ScanScreen)
            await until(pilot, ended.is_set)

    asyncio.run(main())
    # A bubbling message reaches the hook once per node: each message counts once.
    read = [m.result for m in {id(m): m for m in messages
                               if isinstance(m, ScanScreen.CardRead)}.values()]
    assert [(r["file"].rsplit("/", 1)[-1], r["status"]) for r in read] == [("IMG_0001.jpg",
                                                                            "added")]
    assert [c["full_name"] for c in list_contacts(store, event="Hooli fair")] == ["María López"]
