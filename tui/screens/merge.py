"""Merge two contacts: both side by side, choose per field which value stays.

Every e-mail, phone, note, talking point, scan, letter and drill history moves to the kept
contact (namecards.domain.merging does that); this screen only decides the fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from namecards import NamecardsError
from namecards.domain.contacts import edit_contact, get_contact
from namecards.domain.merging import merge_contacts
from tui.screens._base import NamecardsScreen

FIELDS = [("full_name", "Name"), ("title", "Title"), ("company", "Company"),
          ("website", "Website"), ("address", "Address"), ("pronunciation", "Say it"),
          ("mnemonic", "Remember")]


class MergeScreen(NamecardsScreen):
    CSS_PATH = "merge.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,a", "choose('a')", "Take left", id="merge.left"),
        Binding("right,b", "choose('b')", "Take right", id="merge.right"),
        Binding("ctrl+s", "merge", "Merge", id="merge.merge"),
    ]

    @dataclass
    class Merged(Message):
        kept: int
        merged: int

    def __init__(self, a: int, b: int) -> None:
        super().__init__()
        self.ids = {"a": a, "b": b}
        self.choice: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="merge-help", classes="hint")
        yield DataTable(id="merge-table", cursor_type="row")
        yield Static(id="merge-methods", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Merge contacts"
        self.people = {k: get_contact(self.store, v) for k, v in self.ids.items()}
        a, b = self.people["a"], self.people["b"]
        for key, _ in FIELDS:
            # The fuller value by default; the left one when both have one.
            self.choice[key] = "a" if a.get(key) or not b.get(key) else "b"
        table = self.query_one("#merge-table", DataTable)
        table.add_column("Field", key="field")
        table.add_column(f"#{a['id']} (left)", key="a")  # ids: no user text
        table.add_column(f"#{b['id']} (right)", key="b")
        for key, label in FIELDS:
            table.add_row(label, "", "", key=key)
        self.query_one("#merge-help", Static).update(
            "For each field, [b]←[/b]/[b]→[/b] picks the value to keep (marked ●). "
            "[b]Ctrl+S[/b] merges the right-hand contact into the left-hand one.")
        methods = sorted({m["value"] for p in (a, b) for k in ("emails", "phones", "urls")
                          for m in p[k]})
        self.query_one("#merge-methods", Static).update(
            Text("Kept from both: " + (", ".join(methods) or "no e-mails or phones")
                 + f" · notes, talking points, scans, letters and drill history of "
                   f"{b['full_name']}"))
        self.show_choices()
        table.focus()

    def show_choices(self) -> None:
        table = self.query_one("#merge-table", DataTable)
        for key, _ in FIELDS:
            for side in ("a", "b"):
                value = self.people[side].get(key) or ""
                mark = "●" if self.choice[key] == side else "○"
                text = Text(f"{mark} {value}") if value else Text.assemble(
                    f"{mark} ", ("—", "dim"))
                if self.choice[key] == side:
                    text.stylize("bold")
                table.update_cell(key, side, text)

    def action_choose(self, side: str) -> None:
        table = self.query_one("#merge-table", DataTable)
        key = FIELDS[table.cursor_row][0]
        self.choice[key] = side
        self.show_choices()

    def action_merge(self) -> None:
        from tui.screens.dialogs import ConfirmScreen

        a, b = self.people["a"], self.people["b"]

        def done(yes: bool | None) -> None:
            if not yes:
                return
            keep = {key: self.people[self.choice[key]].get(key) for key, _ in FIELDS}
            try:
                result = merge_contacts(self.store, a["id"], b["id"], into=a["id"])
                merged = get_contact(self.store, result["kept"])
                changes = {k: v for k, v in keep.items() if v and v != merged.get(k)}
                clear = [k for k, v in keep.items() if not v and merged.get(k)
                         and k != "full_name"]
                if changes or clear:
                    edit_contact(self.store, result["kept"], changes, clear=clear)
            except NamecardsError as e:
                self.notify(str(e), title="Not merged", severity="error")
                return
            self.notify(f"Merged {b['full_name']} into {keep['full_name']}.")
            self.app.post_message(self.Merged(result["kept"], result["merged"]))
            self.app.pop_screen()

        self.app.push_screen(ConfirmScreen(
            Text.assemble("Merge ", (b["full_name"], "bold"), " into ",
                          (a["full_name"], "bold"), "? The right-hand contact disappears; "
                          "everything about them moves over."),
            yes="Merge"), done)
