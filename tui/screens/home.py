"""The first screen: what is due, and how to start."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from namecards.stats import collect_stats


class HomeScreen(Screen):
    BINDINGS = [Binding("d", "drill", "Drill", id="home.drill")]
    DEFAULT_CSS = """
    HomeScreen #summary { padding: 1 2; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_summary()

    def on_screen_resume(self) -> None:
        self.refresh_summary()

    def refresh_summary(self) -> None:
        s = collect_stats(self.app.store)
        if not s["contacts"]:
            text = ("[b]Welcome to namecards.[/b]\n\nNo contacts yet. Scan the bundled sample cards:\n\n"
                    "  namecards scan sample_cards/scans --event \"Acme Robotics — second interview\"\n\n"
                    "then come back here and press [b]d[/b] to drill their names.")
        else:
            text = (f"[b]{s['contacts']}[/b] contacts · [b]{s['due_now']}[/b] cards due now · "
                    f"{s['reviews']} reviews so far\n\nPress [b]d[/b] to drill.")
        self.query_one("#summary", Static).update(text)

    def action_drill(self) -> None:
        self.app.push_screen(self.app.drill_screen())
