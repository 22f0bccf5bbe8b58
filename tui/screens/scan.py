"""Scan: pick card photos or a folder, read them in a thread worker, see each card as it is read;
or watch a folder (a phone's synced camera folder) and see each card as it arrives."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, DirectoryTree, Footer, Header, Input, ProgressBar, Static

from namecards.services.scanning import IMAGE_SUFFIXES, scan_summary
from tui.screens._base import NamecardsScreen

LOW = 0.8
# The cards bundled with namecards, reachable from any folder (the welcome screen's step 1).
SAMPLE_CARDS = Path(__file__).resolve().parents[2] / "sample_cards" / "interview"


class CardTree(DirectoryTree):
    """Folders and image files only; hidden files stay hidden."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in IMAGE_SUFFIXES)]


class ScanScreen(NamecardsScreen):
    CSS_PATH = "scan.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_to_batch", "Add to batch", id="scan.add"),
        Binding("ctrl+s", "scan", "Scan", id="scan.start"),
        Binding("backspace", "clear_batch", "Clear batch", id="scan.clear", show=False),
        Binding("r", "review", "Review", id="scan.review"),
        # "Watch" alone: the footer has room for one word at 100 columns.
        Binding("w", "watch", "Watch", id="scan.watch",
                tooltip="Watch this folder: scan each new image as it arrives"),
        # Folders: up to the parent, the home folder, the bundled sample cards.
        Binding("ctrl+u", "folder('..')", "Up a folder", id="scan.up"),
        Binding("ctrl+h,ctrl+o", "folder('~')", "Home folder", id="scan.home", show=False),
        Binding("ctrl+e", "folder('samples')", "Sample cards", id="scan.samples"),
    ]

    @dataclass
    class Progress(Message):
        """Images read of those chosen; `cards` found in them so far (a table photo holds
        several)."""
        done: int
        total: int
        cards: int = 0

    @dataclass
    class CardRead(Message):
        """One image is done: the scan result dict (file, status, contact_id, fields, ...)."""
        result: dict

    @dataclass
    class Finished(Message):
        counts: dict

    @dataclass
    class Watching(Message):
        """The folder watch started: what it found there ('Watching DIR (…)')."""
        line: str

    @dataclass
    class WatchNote(Message):
        """Something the watch wants said (the database busy, the folder gone)."""
        text: str

    @dataclass
    class WatchStopped(Message):
        counts: dict

    def __init__(self, root: str | Path | None = None) -> None:
        super().__init__()
        self.root = Path(root) if root else None
        self.batch: list[Path] = []
        self.counts: dict[str, int] = {}
        self.scan_worker = None
        self.watch_worker = None
        self.watch_stop: threading.Event | None = None
        # Set when the watch has really ended (its thread outlives a cancelled worker).
        self.watch_ended = threading.Event()
        self.watch_line = ""
        self.progress_text = ""

    def compose(self) -> ComposeResult:
        root = self.root or Path(self.app.scan_root or Path.cwd())
        yield Header()
        with Horizontal(id="scan-body"):
            tree = CardTree(root, id="tree", classes="pane")
            tree.border_title = "Pick cards"
            tree.border_subtitle = "a adds · Ctrl+S scans"
            yield tree
            with Vertical(id="scan-side"):
                with Horizontal(id="scan-options"):
                    yield Input(placeholder="Event, e.g. Acme — second interview", id="event")
                    yield Input(placeholder="Region", id="region")
                    yield Input(placeholder="eng", id="lang")
                yield Static(id="batch", classes="pane")
                yield ProgressBar(id="progress", show_eta=False)
                yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
                yield Static(id="summary", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Scan cards"
        tree = self.query_one("#tree", CardTree)
        tree.root.set_label(f"{tree.path.name or tree.path}/")
        table = self.query_one("#results", DataTable)
        table.add_columns("File", "Status", "Name", "Company", "Check")
        self.query_one("#batch").border_title = "Batch"
        self.query_one("#progress").display = False  # until a scan starts
        self.show_batch()
        tree.focus()

    # ------------------------------------------------------------ choosing

    def action_folder(self, where: str) -> None:
        tree = self.query_one("#tree", CardTree)
        if where == "..":
            target = tree.path.resolve().parent
        elif where == "~":
            target = Path.home()
        elif SAMPLE_CARDS.is_dir():
            target = SAMPLE_CARDS
        else:
            self.notify("The sample cards are not installed with this copy of namecards.",
                        severity="warning")
            return
        tree.path = target
        tree.root.set_label(f"{target.name or target}/")
        tree.focus()

    def action_review(self) -> None:
        """r reviews; in the text boxes it is a letter, so it is typed there (an event name
        has r's) — check_action keeps the key for the box then."""
        self.app.action_go("review")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("review", "watch") and isinstance(self.focused, Input):
            return False
        return super().check_action(action, parameters)

    def highlighted_path(self) -> Path | None:
        node = self.query_one("#tree", CardTree).cursor_node
        return node.data.path if node is not None and node.data is not None else None

    def action_add_to_batch(self) -> None:
        path = self.highlighted_path()
        if path is not None and path not in self.batch:
            self.batch.append(path)
            self.show_batch()

    def action_clear_batch(self) -> None:
        self.batch.clear()
        self.show_batch()

    @on(DirectoryTree.FileSelected)
    def file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        if event.path not in self.batch:
            self.batch.append(event.path)
            self.show_batch()

    def show_batch(self) -> None:
        widget = self.query_one("#batch", Static)
        if not self.batch:
            widget.update("[dim]Nothing chosen: Ctrl+S scans the highlighted file or folder.\n"
                          "Enter or a adds files and folders here.[/dim]")
            return
        shown = [f"{'📁' if p.is_dir() else '🖼'} {p.name}" for p in self.batch[:6]]
        more = len(self.batch) - 6
        widget.update(Text("\n".join(shown) + (f"\n… and {more} more" if more > 0 else "")))

    # ------------------------------------------------------------ scanning

    def action_scan(self) -> None:
        paths = list(self.batch) or [p for p in [self.highlighted_path()] if p]
        if not paths:
            self.notify("Choose a card photo or a folder first.", severity="warning")
            return
        event = self.query_one("#event", Input).value.strip() or None
        region = self.query_one("#region", Input).value.strip().upper() or None
        lang = self.query_one("#lang", Input).value.strip() or "eng"
        self.counts = {}
        self.progress_text = ""
        self.query_one("#results", DataTable).clear()
        progress = self.query_one("#progress", ProgressBar)
        progress.display = True
        progress.update(total=None, progress=0)
        self.query_one("#summary", Static).update(f"Reading {len(paths)} path(s)…")
        self.scan_worker = self.read_cards(paths, event, region, lang)

    @work(thread=True, exclusive=True, exit_on_error=False, group="scan")
    def read_cards(self, paths: list[Path], event: str | None, region: str | None,
                   lang: str) -> None:
        # SQLite connections belong to one thread: the worker opens its own.
        from namecards.services.scanning import expand_paths, scan
        from namecards.store import open_store

        files, missing = expand_paths(paths)
        total = len(files) + len(missing)
        self.post_message(self.Progress(0, total))
        store = open_store(self.app.store.home)
        counts: dict[str, int] = {}
        # Progress counts images, not results: a photo of six cards gives six results but is
        # one image of `total`; the cards are counted beside it.
        images: set[str] = set()
        cards = 0
        try:
            for result in scan(store, paths, event=event, region=region, lang=lang):
                counts[result["status"]] = counts.get(result["status"], 0) + 1
                images.add(result["file"])
                cards += result["status"] != "error"
                self.post_message(self.CardRead(result))
                self.post_message(self.Progress(min(len(images), total), total, cards))
        finally:
            store.close()
            self.post_message(self.Finished(counts))

    def on_scan_screen_progress(self, message: Progress) -> None:
        self.query_one("#progress", ProgressBar).update(total=max(message.total, 1),
                                                         progress=message.done)
        cards = f", {message.cards} card{'s' if message.cards != 1 else ''}" \
            if message.cards else ""
        self.progress_text = (f"{message.done} of {message.total} "
                              f"image{'s' if message.total != 1 else ''} read{cards}")
        self.show_counts()

    def on_scan_screen_card_read(self, message: CardRead) -> None:
        r = message.result
        self.counts[r["status"]] = self.counts.get(r["status"], 0) + 1
        fields = r.get("fields") or {}
        low = [k for k, v in (r.get("confidence") or {}).items() if v < LOW]
        colour = {"added": "green", "updated": "cyan", "duplicate": "dim", "error": "red"}
        status = Text(r["status"], style=colour.get(r["status"], ""))
        name = fields.get("full_name") or (r.get("error") or "")
        table = self.query_one("#results", DataTable)
        table.add_row(
            Text(Path(r["file"]).name), status, Text(name or ""),
            Text(fields.get("company") or ""),
            Text(", ".join(low), style="dark_orange") if low else "")
        table.scroll_end(animate=False)  # follow the newest card
        self.show_counts()

    def on_scan_screen_finished(self, message: Finished) -> None:
        self.show_counts(final=True)
        # Out of the event box: r now reviews, as the summary says.
        self.query_one("#results", DataTable).focus()

    def show_counts(self, final: bool = False) -> None:
        text = scan_summary(self.counts).replace(", ", " · ") if self.counts else ""
        if self.watch_stop is not None:
            # Data (the folder's name) is shown as Text, never as markup.
            line = Text(self.watch_line or "Watching…")
            line.append(" · w stops", style="dim")
            if text:
                line.append(f"\n{text}")
            self.query_one("#summary", Static).update(line)
            return
        if final:
            text = (f"Done: {text or 'nothing read'}. Press [b]r[/b] to review what OCR read."
                    if self.counts else "Nothing was read.")
        elif self.progress_text:
            text = f"{self.progress_text} · {text}" if text else self.progress_text
        self.query_one("#summary", Static).update(text)

    # ------------------------------------------------------------ watching

    def watch_folder_choice(self) -> Path | None:
        """The folder to watch: the one folder in the batch, else the highlighted one (or
        the highlighted photo's folder)."""
        if len(self.batch) == 1 and self.batch[0].is_dir():
            return self.batch[0]
        path = self.highlighted_path()
        if path is None:
            return None
        return path if path.is_dir() else path.parent

    def action_watch(self) -> None:
        """w: watch the chosen folder, scanning each new image as it arrives; w again (or
        leaving the screen) stops."""
        if self.watch_stop is not None:
            self.stop_watching()
            return
        folder = self.watch_folder_choice()
        if folder is None:
            self.notify("Highlight a folder to watch first.", severity="warning")
            return
        event = self.query_one("#event", Input).value.strip() or None
        region = self.query_one("#region", Input).value.strip().upper() or None
        lang = self.query_one("#lang", Input).value.strip() or "eng"
        self.counts = {}
        self.watch_line = ""
        self.progress_text = ""
        self.query_one("#results", DataTable).clear()
        self.query_one("#progress", ProgressBar).display = False
        self.watch_stop, self.watch_ended = threading.Event(), threading.Event()
        self.show_counts()
        self.watch_worker = self.watch_folder(folder, event, region, lang, self.watch_stop,
                                              self.watch_ended)

    def stop_watching(self) -> None:
        if self.watch_stop is not None:
            self.watch_stop.set()

    def on_unmount(self) -> None:
        # The screen closed: the watch must not go on filing cards unseen.
        self.stop_watching()

    @work(thread=True, exit_on_error=False, group="watch")
    def watch_folder(self, folder: Path, event: str | None, region: str | None, lang: str,
                     stop: threading.Event, ended: threading.Event) -> None:
        from namecards.services.watching import watch
        from namecards.store import open_store

        store = open_store(self.app.store.home)
        store.clock = self.app.store.clock
        counts: dict[str, int] = {}
        try:
            for result in watch(store, folder, event=event, region=region, lang=lang,
                                stop=stop,
                                on_start=lambda start: self.post_message(
                                    self.Watching(start.line())),
                                on_note=lambda text: self.post_message(self.WatchNote(text))):
                counts[result["status"]] = counts.get(result["status"], 0) + 1
                self.post_message(self.CardRead(result))
        finally:
            store.close()
            ended.set()
            self.post_message(self.WatchStopped(counts))

    def on_scan_screen_watching(self, message: Watching) -> None:
        self.watch_line = message.line
        self.show_counts()

    def on_scan_screen_watch_note(self, message: WatchNote) -> None:
        self.notify(message.text, title="Watching", timeout=8, markup=False)

    def on_scan_screen_watch_stopped(self, message: WatchStopped) -> None:
        self.watch_stop = None
        text = scan_summary(message.counts) if message.counts else "nothing new"
        self.query_one("#summary", Static).update(Text(f"Stopped watching: {text}."))
