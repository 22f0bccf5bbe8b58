"""The namecards app: one factory used by the CLI and by the tests."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from namecards.store import Store


class NamecardsApp(App):
    TITLE = "namecards"
    CSS = "Screen { background: $background; }"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
    ]

    def __init__(self, store: Store, *, start: str = "home", event: dict | None = None,
                 limit: int | None = None, cram: bool = False, now=None):
        super().__init__()
        self.store = store
        self.start = start
        self.event = event
        self.limit = limit
        self.cram = cram
        self.now = now  # fixed clock for tests and snapshots

    def on_mount(self) -> None:
        if self.start == "drill":
            self.push_screen(self.drill_screen())
        else:
            from tui.screens.home import HomeScreen

            self.push_screen(HomeScreen())

    def drill_screen(self, event: dict | None = None):
        from tui.screens.drill import DrillScreen

        return DrillScreen(self.store, event=event or self.event, limit=self.limit,
                           cram=self.cram, now=self.now)

    def action_help(self) -> None:
        self.action_show_help_panel()


def make_app(store: Store, **kwargs) -> NamecardsApp:
    return NamecardsApp(store, **kwargs)


def run_app(store: Store, **kwargs) -> None:
    # textual-image asks the terminal about its graphics support; that is only possible
    # before Textual takes the terminal over, so import it here.
    import textual_image.widget  # noqa: F401

    make_app(store, **kwargs).run()
