"""The letter composer: template, talking points to cite, live preview; save, copy, mark sent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Label, Select, SelectionList, Static

from namecards import NamecardsError, tui_api
from namecards.contacts import get_contact
from namecards.followup import sender_profile, write_letter
from namecards.home import config_dir
from namecards.letters import LetterError, list_templates, render_letter
from tui.screens._base import NamecardsScreen

FORMATS = [("Plain text (.txt)", "txt"), ("Markdown (.md)", "md"), ("E-mail draft (.eml)", "eml")]


class LetterScreen(NamecardsScreen):
    CSS_PATH = "letter.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save as…", id="letter.save"),
        Binding("c", "copy", "Copy", id="letter.copy"),
        Binding("m", "mark_sent", "Mark sent", id="letter.sent"),
    ]

    @dataclass
    class Saved(Message):
        contact_id: int
        path: str
        fmt: str

    @dataclass
    class Sent(Message):
        contact_id: int
        letter_id: int

    def __init__(self, contact_id: int, event_id: int | None = None) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.event_id = event_id
        self.body = ""
        self.recorded = False

    def compose(self) -> ComposeResult:
        c = self.contact = get_contact(self.app.store, self.contact_id)
        events = c["events"]
        self.event = next((e for e in events if e["id"] == self.event_id), None) or (
            events[-1] if events else None)
        # The same points, in the same order, that write_letter numbers.
        points = c["talking_points"]
        if self.event is not None:
            points = [p for p in points if p["event_id"] in (self.event["id"], None)] or points
        self.points = points
        at_event = [i for i, p in enumerate(points, 1)][:2]
        templates = list_templates(config_dir() / "templates")
        yield Header()
        with Horizontal(id="letter-body"):
            with Vertical(id="letter-options", classes="pane"):
                yield Label("Template")
                yield Select([(t, t) for t in templates], allow_blank=False,
                             value="thank-you" if "thank-you" in templates else templates[0],
                             id="template")
                yield Label("Format")
                yield Select(FORMATS, allow_blank=False, value="txt", id="format")
                yield Label("Talking points to cite (space ticks)")
                yield SelectionList(*[(escape(p["text"]), i, i in at_event)
                                      for i, p in enumerate(points, 1)], id="points")
                if not sender_profile()["name"]:
                    yield Static("Your sign-off: put your \"name\" in "
                                 f"{escape(str(config_dir() / 'config.json'))}", classes="hint")
            with VerticalScroll(id="preview", classes="pane"):
                yield Static(id="preview-text")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Letter to {self.contact['full_name']}"
        self.query_one("#letter-options").border_title = "Letter"
        if not self.points:
            self.query_one("#points", SelectionList).display = False
        self.render_preview()
        self.query_one("#points" if self.points else "#template").focus()

    def chosen(self) -> list[int]:
        return sorted(self.query_one("#points", SelectionList).selected)

    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def options_changed(self) -> None:
        self.render_preview()

    def render_preview(self) -> None:
        preview = self.query_one("#preview")
        text = self.query_one("#preview-text", Static)
        template = self.query_one("#template", Select).value
        try:
            letter = render_letter(
                self.contact, event=self.event, template=template,
                points=[self.points[i - 1]["text"] for i in self.chosen()],
                sender=sender_profile(), user_dir=config_dir() / "templates")
        except (LetterError, NamecardsError) as e:
            self.body = ""
            preview.border_title = "Preview"
            text.update(f"[$error]{escape(str(e))}[/]")
            return
        self.body = letter.body
        preview.border_title = f"Subject: {escape(letter.subject)}" if letter.subject else "Preview"
        words = len(letter.body.split())
        preview.border_subtitle = f"{words} words · {len(letter.body.rstrip())} characters"
        text.update(escape(letter.body))

    def write(self, output: str | None) -> None:
        write_letter(self.store, str(self.contact_id),
                     template=self.query_one("#template", Select).value,
                     event=str(self.event["id"]) if self.event else None,
                     points=self.chosen() or None, fmt=self.query_one("#format", Select).value,
                     output=output)
        self.recorded = True

    def action_save(self) -> None:
        from tui.screens.dialogs import PromptScreen

        fmt = self.query_one("#format", Select).value
        slug = re.sub(r"[^a-z0-9]+", "-", self.contact["full_name"].lower()).strip("-") or "letter"
        default = str(Path.cwd() / f"{slug}.{fmt}")

        def done(path: str | None) -> None:
            if not path:
                return
            path = str(Path(path).expanduser())
            try:
                self.write(path)
            except (NamecardsError, OSError) as e:
                self.notify(str(e), title="Not saved", severity="error")
                return
            self.notify(f"Saved {path}")
            self.post_message(self.Saved(self.contact_id, path, fmt))

        self.app.push_screen(PromptScreen("Save the letter as", value=default,
                                          hint="Enter saves · Esc cancels"), done)

    def action_copy(self) -> None:
        if not self.body:
            self.notify("Nothing to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(self.body)
        self.notify("Copied the letter (where your terminal allows it).")

    def action_mark_sent(self) -> None:
        try:
            if not self.recorded:
                self.write(None)
            letter = tui_api.latest_letter(self.store, self.contact_id)
            tui_api.mark_letter_sent(self.store, letter["id"], self.clock())
        except NamecardsError as e:
            self.notify(str(e), severity="error")
            return
        self.notify(f"Marked the letter to {self.contact['full_name']} as sent.")
        self.post_message(self.Sent(self.contact_id, letter["id"]))
