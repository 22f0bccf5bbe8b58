"""The letter composer: template, talking points to cite, and the draft in an editor.

The generated draft opens in a text area; once the user edits it, the edits are theirs:
changing the template or the points no longer rewrites it (ctrl+r does, on request), saving
writes what is in the editor, and leaving keeps an edited draft, which opens here next time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Header, Label, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from namecards import NamecardsError
from namecards.domain.contacts import get_contact
from namecards.domain.letters import list_templates
from namecards.home import config_dir
from namecards.outputs import write_output
from namecards.services import tui_api
from namecards.services.followup import (
    DraftKept,
    draft_bytes,
    edited_since_written,
    event_points,
    prepare_letter,
    record_letter,
    sender_profile,
)
from tui.screens._base import NamecardsScreen

FORMATS = [("Plain text (.txt)", "txt"), ("Markdown (.md)", "md"), ("E-mail draft (.eml)", "eml")]


class LetterScreen(NamecardsScreen):
    CSS_PATH = "letter.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save as…", id="letter.save"),
        Binding("ctrl+r", "regenerate", "New draft", id="letter.regenerate"),
        Binding("ctrl+t", "copy", "Copy", id="letter.copy"),
        Binding("ctrl+g", "mark_sent", "Mark sent", id="letter.sent"),
        # Where the editor has no focus, the single letters work too.
        Binding("c", "copy", "Copy", id="letter.copy_key", show=False),
        Binding("m", "mark_sent", "Mark sent", id="letter.sent_key", show=False),
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
        self.generated = ""  # the draft as the template wrote it
        self.subject = ""
        self.draft = None
        self.recorded_id: int | None = None
        self.kept_body: str | None = None  # an edited draft from an earlier visit

    @property
    def body(self) -> str:
        return self.query_one("#draft", TextArea).text

    @property
    def edited(self) -> bool:
        return self.body.rstrip("\n") != self.generated.rstrip("\n")

    def compose(self) -> ComposeResult:
        c = self.contact = get_contact(self.app.store, self.contact_id)
        events = c["events"]
        self.event = next((e for e in events if e["id"] == self.event_id), None) or (
            events[-1] if events else None)
        self.points = event_points(c, self.event)
        cited = {p["id"] for p in self.points[:2]}
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
                yield SelectionList(*[Selection(Text(p["text"]), p["id"], p["id"] in cited)
                                      for p in self.points], id="points")
                yield Static(id="letter-note", classes="hint")
            with Vertical(id="preview", classes="pane"):
                yield TextArea(id="draft", soft_wrap=True, show_line_numbers=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Letter to {self.contact['full_name']}"
        self.query_one("#letter-options").border_title = "Letter"
        if not self.points:
            self.query_one("#points", SelectionList).display = False
        kept = tui_api.kept_draft(self.store, self.contact_id)
        self.render_draft(force=True)
        if kept is not None and kept.rstrip("\n") != self.generated.rstrip("\n"):
            self.query_one("#draft", TextArea).load_text(kept)
            self.notify("Your edited draft, as you left it (ctrl+r: a new draft).")
        self.show_note()
        self.query_one("#points" if self.points else "#draft").focus()

    def chosen(self) -> list[int]:
        selected = set(self.query_one("#points", SelectionList).selected)
        return [p["id"] for p in self.points if p["id"] in selected]

    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def options_changed(self) -> None:
        if self.edited:
            self.notify("Your edits are kept. ctrl+r writes a new draft with these choices "
                        "(your edits go).", title="Draft edited")
            return
        self.render_draft()

    @on(TextArea.Changed, "#draft")
    def draft_changed(self) -> None:
        self.show_note()

    def action_regenerate(self) -> None:
        self.render_draft(force=True)
        self.show_note()

    def render_draft(self, force: bool = False) -> None:
        if not force and self.edited:
            return
        preview = self.query_one("#preview")
        editor = self.query_one("#draft", TextArea)
        try:
            self.draft = prepare_letter(
                self.store, str(self.contact_id), template=self.query_one("#template").value,
                event=str(self.event["id"]) if self.event else None,
                points=self.chosen() or None)
        except NamecardsError as e:
            self.draft = None
            self.generated = ""
            editor.load_text("")
            preview.border_title = "Draft"
            self.query_one("#letter-note", Static).update(Text(str(e), style="bold red"))
            return
        letter = self.draft.letter
        self.generated = letter.body
        self.subject = letter.subject
        editor.load_text(letter.body)
        preview.border_title = Text(f"Subject: {letter.subject}") if letter.subject else "Draft"

    def show_note(self) -> None:
        body = self.body
        words = len(body.split())
        preview = self.query_one("#preview")
        preview.border_subtitle = (f"{'edited · ' if self.edited else ''}{words} words · "
                                   f"{len(body.rstrip())} characters")
        note = self.query_one("#letter-note", Static)
        if self.draft is not None and self.draft.note:
            note.update(Text(self.draft.note, style="yellow"))
        elif not sender_profile()["name"]:
            note.update(Text("Your sign-off: put your \"name\" in "
                             f"{config_dir() / 'config.json'}"))
        else:
            note.update("")

    def write(self, output: str | None) -> int:
        """Record the letter as it is in the editor (and write it to `output`)."""
        if self.draft is None:
            raise NamecardsError("no letter to write: see the message on the left")
        fmt = self.query_one("#format", Select).value
        self.draft.letter.body = self.body.rstrip("\n") + "\n"
        if output:
            if edited_since_written(self.store, Path(output), fmt):
                raise DraftKept(f"{output}: kept as it is (edited since it was written); "
                                "choose another name")
            write_output(output, draft_bytes(self.draft, fmt, self.store))
        self.forget_kept()
        self.recorded_id = record_letter(
            self.store, self.draft, template=self.query_one("#template").value, fmt=fmt,
            path=output)
        return self.recorded_id

    def action_save(self) -> None:
        from tui.screens.dialogs import PromptScreen

        fmt = self.query_one("#format", Select).value
        slug = re.sub(r"[^\w]+", "-", self.contact["full_name"].lower()).strip("-") or "letter"
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
        if not self.body.strip():
            self.notify("Nothing to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(self.body)
        self.notify("Copied the letter (where your terminal allows it).")

    def action_mark_sent(self) -> None:
        try:
            letter_id = self.recorded_id or self.write(None)
            tui_api.mark_letter_sent(self.store, letter_id, self.clock())
        except NamecardsError as e:
            self.notify(str(e), severity="error")
            return
        self.notify(f"Marked the letter to {self.contact['full_name']} as sent.")
        self.post_message(self.Sent(self.contact_id, letter_id))

    def keep_edits(self) -> None:
        """Leaving with an edited draft that was not saved: keep it for next time."""
        if self.draft is None or not self.edited or self.recorded_id:
            return
        tui_api.keep_draft(self.store, self.contact_id,
                           event_id=self.event["id"] if self.event else None,
                           subject=self.subject, body=self.body)
        self.notify("Your edited draft is kept: it opens here next time.")

    def forget_kept(self) -> None:
        tui_api.forget_kept_draft(self.store, self.contact_id)

    def action_back(self) -> None:
        self.keep_edits()
        super().action_back()
