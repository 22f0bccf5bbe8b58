"""Help (?): every key of the screen underneath, with the binding ids the keymap file uses."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from tui.keymap import keymap_path


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "dismiss", "Close", id="help.close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.target = screen

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static(id="help-title")
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield Static(
                Text.assemble("Remap a key by its id in ", (str(keymap_path()), "bold"),
                              ', e.g.\n  "contacts.add" = "plus"     ·  Ctrl+P lists every '
                              "command  ·  Esc closes"),
                id="help-hint")

    def on_mount(self) -> None:
        name = self.target.sub_title or type(self.target).__name__.removesuffix("Screen")
        self.query_one("#help-title", Static).update(Text(f"Keys — {name}", style="bold"))
        table = self.query_one("#keys", DataTable)
        table.add_columns("Key", "Does", "Id")
        rows: dict[str, tuple[Binding, list[str]]] = {}
        for active in self.target.active_bindings.values():
            binding = active.binding
            entry = rows.setdefault(binding.id or binding.action, (binding, []))
            entry[1].append(self.app.get_key_display(binding))
        for binding, keys in rows.values():
            table.add_row(Text(" ".join(keys)), Text(binding.description or binding.action),
                          Text(binding.id or ""))
        table.focus()

    def action_dismiss(self) -> None:
        self.dismiss(None)
