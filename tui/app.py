"""The namecards app: one factory used by the CLI and by the tests.

The app only knows how to open screens; each screen lives in its own module under tui/screens.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from namecards import NamecardsError
from namecards.clock import FixedClock
from namecards.drilling.settings import DrillSettings
from namecards.store import Store
from tui import exchange
from tui.commands import ContactCommands
from tui.keymap import load_keymap

# Screens reachable from anywhere: name -> (title, help, key, binding id)
PLACES = {
    "dashboard": ("Dashboard", "What is due: drills, scans to review, letters", "f2"),
    "contacts": ("Contacts", "Search, add, edit, tag and delete people", "f3"),
    "scan": ("Scan cards", "Pick card photos or a folder and read them", "f4"),
    "review": ("Review scans", "Fix what OCR misread, beside the card image", "f5"),
    "drill": ("Drill", "Names and talking points that are due", "f6"),
    "stats": ("Stats", "Reviews per day, retention, hardest cards", "f7"),
}


class NamecardsApp(App):
    TITLE = "namecards"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ContactCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        *[Binding(key, f"go('{name}')", title, id=f"app.{name}", show=False)
          for name, (title, _, key) in PLACES.items()],
    ]

    def __init__(self, store: Store, *, start: str = "home", event: dict | None = None,
                 limit: int | None = None, cram: bool = False, now=None, scan_root=None,
                 drill_settings: DrillSettings | None = None):
        super().__init__()
        self.store = store
        # The drill's settings as the command gave them (`drill --retention`); None: config.json.
        self.drill_settings = drill_settings
        self.start = start
        self.event = event
        self.limit = limit
        self.cram = cram
        if now is not None:
            # Tests and snapshots: the whole app and everything it asks the store tells this
            # time (namecards.clock).
            store.clock = FixedClock(now)
        self.scan_root = scan_root

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Notifications carry names, notes and file names: always plain text (data is never
        markup; `Widget.notify` passes markup=True by default, so it is not followed)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def clock(self):
        """Now, by the store's clock: the one clock every screen asks."""
        return self.store.now()

    def on_mount(self) -> None:
        keymap, problem = load_keymap()
        if keymap:
            self.set_keymap(keymap)
        if problem:
            self.notify(problem, title="Keymap", severity="warning")
        if self.start == "drill":
            self.push_screen(self.drill_screen())
            return
        from tui.screens.dashboard import DashboardScreen

        self.push_screen(DashboardScreen())
        if self.start not in ("home", "dashboard") and self.start in PLACES:
            self.action_go(self.start)

    # ------------------------------------------------------------ navigation

    def drill_screen(self, event: dict | None = None):
        from tui.screens.drill import DrillScreen

        return DrillScreen(self.store, event=event or self.event, limit=self.limit,
                           cram=self.cram, settings=self.drill_settings)

    def make_screen(self, name: str, **kwargs) -> Screen:
        if name == "drill":
            return self.drill_screen(**kwargs)
        if name == "contacts":
            from tui.screens.contacts import ContactsScreen as factory
        elif name == "scan":
            from tui.screens.scan import ScanScreen as factory
        elif name == "review":
            from tui.screens.scan_review import ScanReviewScreen as factory
        elif name == "stats":
            from tui.screens.stats import StatsScreen as factory
        elif name == "note":
            from tui.screens.note import NoteScreen as factory
        elif name == "letter":
            from tui.screens.letter import LetterScreen as factory
        else:
            raise ValueError(f"no screen {name!r}")
        return factory(**kwargs)

    def action_go(self, name: str, **kwargs) -> None:
        """Open a main screen on top of the dashboard (never deeper than one level)."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if name != "dashboard":
            self.push_screen(self.make_screen(name, **kwargs))

    def open(self, name: str, **kwargs) -> None:
        """Open a screen on top of the current one (Escape comes back)."""
        self.push_screen(self.make_screen(name, **kwargs))

    def open_contact(self, contact_id: int) -> None:
        self.action_go("contacts", select=contact_id)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for name, (title, help_text, key) in PLACES.items():
            yield SystemCommand(title, f"{help_text} ({key})", lambda n=name: self.action_go(n))
        yield SystemCommand("Add contact", "Type in someone's details by hand",
                            self.add_contact)
        yield SystemCommand("New event", "Name an interview or fair, with its date",
                            lambda: exchange.ask_event(self))
        for fmt in exchange.EXPORTS:
            yield SystemCommand(f"Export {fmt}", f"Write contacts as {fmt} (a file you name)",
                                lambda f=fmt: exchange.ask_export(self, f))
        yield SystemCommand("Import contacts", "vCard, CSV or LinkedIn Connections.csv",
                            lambda: exchange.ask_import(self))
        yield SystemCommand("Help", "Every key of this screen (?)", self.action_help)
        yield from super().get_system_commands(screen)

    def add_contact(self) -> None:
        self.action_go("contacts", add=True)

    def on_exchange_done(self, message: exchange.ExchangeDone) -> None:
        self.notify(message.summary, title=message.kind.capitalize())
        # The screen on show may be listing what just changed.
        for name in ("refresh_agenda", "refresh_filters", "refresh_table", "refresh_stats"):
            method = getattr(self.screen, name, None)
            if method is not None:
                method()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Workers the app runs itself (imports, exports): errors become notifications.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(str(event.worker.error), title="Something went wrong",
                        severity="error", timeout=10)


def make_app(store: Store, **kwargs) -> NamecardsApp:
    return NamecardsApp(store, **kwargs)


def check_terminal_size() -> None:
    """A terminal that reports a size of 0 columns or rows (a pseudo-terminal nobody sized,
    as `script` makes without a window) cannot hold the app; say so rather than crash (it
    also made textual-image divide by zero while asking for the cell size)."""
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno())
    except (OSError, ValueError, AttributeError):
        return  # not a terminal: Textual says what it says about that
    if size.columns == 0 or size.lines == 0:
        raise NamecardsError(
            f"the terminal reports a size of {size.columns}×{size.lines}: give it one "
            "(stty cols 80 rows 24) or open namecards in a terminal window")


def run_app(store: Store, **kwargs) -> list[tuple[str, str | None]]:
    """Run the app; returns the names missed in the drill (name, what was typed), so the
    command can leave them on the terminal after the screen is gone."""
    check_terminal_size()
    # textual-image asks the terminal about its graphics support; that is only possible
    # before Textual takes the terminal over, so import it here.
    import textual_image.widget  # noqa: F401

    app = make_app(store, **kwargs)
    app.run()
    return getattr(app, "drill_missed", [])
