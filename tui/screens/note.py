"""The note editor: free text about a contact; bullet lines become talking points as you type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Header, Select, Static, TextArea

from namecards import NamecardsError
from namecards.domain.contacts import add_note, get_contact
from namecards.text import split_bullets
from tui.screens._base import NamecardsScreen


class NoteScreen(NamecardsScreen):
    CSS_PATH = "note.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="note.save"),
        Binding("escape", "back", "Back", id="note.back"),
    ]

    @dataclass
    class Saved(Message):
        contact_id: int
        note_id: int
        points: list[str]

    def __init__(self, contact_id: int, event_id: int | None = None) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.event_id = event_id

    def compose(self) -> ComposeResult:
        c = self.contact = get_contact(self.app.store, self.contact_id)
        yield Header()
        with Horizontal(id="note-top"):
            yield Static(Text.assemble("Note about ", (c["full_name"], "bold")), id="note-who")
            options = [(Text(e["name"]), e["id"]) for e in c["events"]]
            default = self.event_id or (c["events"][-1]["id"] if c["events"] else Select.NULL)
            yield Select(options, prompt="No event", value=default, id="note-event")
        with Horizontal(id="note-body"):
            yield TextArea(id="note-text", classes="pane", soft_wrap=True)
            with Vertical(id="points", classes="pane"):
                yield Static(id="points-list")
        yield Static("Lines starting with [b]- [/b] become talking points you will drill and "
                     "can cite in letters.  [b]Ctrl+S[/b] saves.", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Note"
        self.query_one("#note-text").border_title = "Note"
        self.query_one("#points").border_title = "Talking points"
        self.show_points("")
        self.query_one("#note-text", TextArea).focus()

    @on(TextArea.Changed, "#note-text")
    def text_changed(self, event: TextArea.Changed) -> None:
        self.show_points(event.text_area.text)

    def show_points(self, text: str) -> None:
        points = split_bullets(text)
        self.query_one("#points").border_subtitle = str(len(points))
        listing = Text("\n").join(Text.assemble((f"{i}.", "bold"), " ", p)
                                   for i, p in enumerate(points, 1))
        self.query_one("#points-list", Static).update(
            listing if points else Text("None yet. Start a line with “- ”:\n\n- leads the "
                                        "ROS 2 migration\n- two kids, loves sailing",
                                        style="dim"))

    def action_save(self) -> None:
        text = self.query_one("#note-text", TextArea).text
        event = self.query_one("#note-event", Select).value
        try:
            saved = add_note(self.store, self.contact_id, text,
                             event=None if event is Select.NULL else str(event))
        except NamecardsError as e:
            self.notify(str(e), severity="error")
            return
        n = len(saved["points"])
        self.notify(f"Saved the note ({n} talking point{'s' if n != 1 else ''}).")
        # Posted to the app: this screen is about to close.
        self.app.post_message(self.Saved(self.contact_id, saved["note_id"], saved["points"]))
        self.app.pop_screen()

    def action_back(self) -> None:
        if not self.query_one("#note-text", TextArea).text.strip():
            self.app.pop_screen()
            return
        from tui.screens.dialogs import ConfirmScreen

        def done(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        self.app.push_screen(ConfirmScreen("Leave without saving this note?", yes="Discard"), done)
