"""Scan review: each new or doubtful scan, the card image beside its fields; Enter accepts.

Low-confidence fields are highlighted. Accepted corrections are stored with the scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Input, Label, Static

from namecards import NamecardsError
from namecards.services.review_queue import accept_scan, scans_to_review
from tui.screens._base import NamecardsScreen
from tui.widgets.card_image import CardImage

FIELDS = [("full_name", "Name"), ("title", "Title"), ("company", "Company"),
          ("emails", "E-mails"), ("phones", "Phones"), ("website", "Website"),
          ("address", "Address")]


def _text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value or "")


class ScanReviewScreen(NamecardsScreen):
    CSS_PATH = "scan_review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "accept", "Accept", id="review.accept"),
        Binding("ctrl+n", "skip", "Skip", id="review.skip"),
        Binding("ctrl+g", "accept_confident", "Accept all sure ones",
                id="review.accept_confident"),
        Binding("ctrl+r", "rescan", "Rescan…", id="review.rescan"),
    ]

    @dataclass
    class Accepted(Message):
        scan_id: int
        contact_id: int | None
        corrections: dict

    @dataclass
    class Rescanned(Message):
        scan: dict

    def __init__(self) -> None:
        super().__init__()
        self.queue: list[dict] = []
        self.position = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="review-status")
        with Horizontal(id="review-body"):
            yield CardImage(id="review-card", classes="pane")
            with VerticalScroll(id="review-form", classes="pane"):
                for key, label in FIELDS:
                    with Horizontal(classes="field-row", id=f"row-{key}"):
                        yield Label(label, classes="field-label")
                        yield Input(id=f"r-{key}")
                        yield Label("", classes="confidence", id=f"c-{key}")
        yield Static(id="review-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Review scans"
        self.query_one("#review-card").border_title = "Card"
        self.query_one("#review-form").border_title = "What OCR read"
        self.reload()

    def reload(self) -> None:
        self.queue = scans_to_review(self.store)
        self.position = 0
        self.show()

    @property
    def current(self) -> dict | None:
        return self.queue[self.position] if self.position < len(self.queue) else None

    def show(self) -> None:
        scan = self.current
        body, empty = self.query_one("#review-body"), self.query_one("#review-empty", Static)
        body.display = scan is not None
        empty.display = scan is None
        status = self.query_one("#review-status", Static)
        if scan is None:
            status.update("")
            empty.update("[b]Nothing to review.[/b]\n\nEvery scan has been checked. "
                         "Press [b]F4[/b] to scan more cards, [b]Esc[/b] to go back.")
            self.refresh_bindings()
            return
        source = Path(scan["source"] or scan["original"] or "").name
        # Only the fields this form shows (and outlines) are counted.
        shown = {key for key, _ in FIELDS}
        low_fields = [k for k in scan["low_fields"] if k in shown]
        low = len(low_fields)
        width = len(str(len(self.queue)))
        status.update(Text.assemble(
            # Fixed widths: the line does not shift from one card to the next.
            " Scan ", (f"{self.position + 1:>{width}}", "bold"), f" of {len(self.queue)} · ",
            (f"{low} field{'s' if low != 1 else ''} to check".ljust(20), "yellow") if low else
            ("read with confidence", "green"), " · ", ("Enter", "bold"), " accepts · ",
            ("Ctrl+G", "bold"), " accepts all sure ones · ", source))
        self.query_one("#review-card", CardImage).show(scan["image"])
        values = {**scan["fields"], **scan["corrections"]}
        for key, _ in FIELDS:
            field = self.query_one(f"#r-{key}", Input)
            field.value = _text(values.get(key))
            field.cursor_position = 0  # a long field shows its start
            field.set_class(key in low_fields, "low")
            confidence = scan["confidence"].get(key)
            label = self.query_one(f"#c-{key}", Label)
            label.update("" if confidence is None else f"{confidence * 100:.0f}%")
            label.set_class(key in low_fields, "low-text")
        first = next((k for k, _ in FIELDS if k in low_fields), "full_name")
        self.query_one(f"#r-{first}", Input).focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("accept", "skip", "rescan", "accept_confident") and self.current is None:
            return False
        return super().check_action(action, parameters)

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_accept()

    def action_accept(self) -> None:
        scan = self.current
        if scan is None:
            return
        fields = {key: self.query_one(f"#r-{key}", Input).value for key, _ in FIELDS}
        try:
            corrections = accept_scan(self.store, scan["id"], fields)
        except NamecardsError as e:
            self.notify(str(e), title="Not accepted", severity="error")
            return
        self.post_message(self.Accepted(scan["id"], scan["contact_id"], corrections))
        fixed = len(corrections)
        self.notify(f"Accepted{f' with {fixed} correction' + ('s' if fixed != 1 else '') if fixed else ''}.")
        del self.queue[self.position]
        if self.position >= len(self.queue):
            self.position = 0
        self.show()

    def action_accept_confident(self) -> None:
        """Accept, as read, every scan in the queue with no field to check."""
        shown = {key for key, _ in FIELDS}
        sure = [s for s in self.queue if not [k for k in s["low_fields"] if k in shown]]
        for scan in sure:
            try:
                accept_scan(self.store, scan["id"], {})
            except NamecardsError as e:
                self.notify(str(e), title="Not accepted", severity="error")
                return
            self.post_message(self.Accepted(scan["id"], scan["contact_id"], {}))
        self.queue = [s for s in self.queue if s not in sure]
        self.position = 0
        left = len(self.queue)
        self.notify(f"Accepted {len(sure)} read with confidence; {left} to check.")
        self.show()

    def action_skip(self) -> None:
        if self.queue:
            self.position = (self.position + 1) % len(self.queue)
            self.show()

    def action_rescan(self) -> None:
        scan = self.current
        if scan is None:
            return
        from tui.screens.dialogs import PromptScreen

        def done(answer: str | None) -> None:
            if answer is None:
                return
            parts = answer.split()
            region = next((p.upper() for p in parts if len(p) == 2 and p.isalpha()), None)
            lang = next((p for p in parts if len(p) != 2), "eng")
            self.notify("Reading the card again…")
            self.rescan(scan["id"], region, lang)

        self.app.push_screen(PromptScreen(
            "Read this card again with", placeholder="BR por+eng",
            hint="A two-letter region for phone numbers and/or Tesseract languages (deu+eng)."),
            done)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rescan")
    def rescan(self, scan_id: int, region: str | None, lang: str) -> None:
        from namecards.services.review_queue import rescan
        from namecards.store import open_store

        store = open_store(self.app.store.home)
        try:
            self.post_message(self.Rescanned(rescan(store, scan_id, region=region, lang=lang)))
        finally:
            store.close()

    def on_scan_review_screen_rescanned(self, message: Rescanned) -> None:
        for i, scan in enumerate(self.queue):
            if scan["id"] == message.scan["id"]:
                self.queue[i] = message.scan
        self.show()
