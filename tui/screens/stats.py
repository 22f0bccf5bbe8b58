"""Stats: reviews per day, retention, what is due, and the cards that keep slipping."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Sparkline, Static

from namecards.services import tui_api
from namecards.services.stats import collect_stats
from tui.screens._base import NamecardsScreen
from tui.widgets.tiles import Tile

DAYS = 30


class StatsScreen(NamecardsScreen):
    CSS_PATH = "stats.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "drill", "Drill", id="stats.drill"),
        Binding("f5", "refresh", "Refresh", id="stats.refresh", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="stat-tiles"):
            for name in ("contacts", "reviews", "retention", "due", "leeches"):
                yield Tile(id=f"stat-{name}")
        with Vertical(id="per-day", classes="pane"):
            yield Sparkline([], id="sparkline")
            yield Static(id="per-day-axis", classes="muted")
        yield DataTable(id="hardest", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Stats"
        self.query_one("#per-day").border_title = f"Reviews per day, last {DAYS} days"
        table = self.query_one("#hardest", DataTable)
        table.border_title = "Hardest cards"
        table.add_columns("Person", "Card", "Reviews", "Again", "Lapses", "")
        self.refresh_stats()

    def on_screen_resume(self) -> None:
        self.refresh_stats()

    def action_refresh(self) -> None:
        self.refresh_stats()

    def action_drill(self) -> None:
        self.app.push_screen(self.app.drill_screen())

    def refresh_stats(self) -> None:
        store, now = self.store, self.clock()
        s = collect_stats(store, now)
        due = s["due_now"]
        retention = s["retention"]
        self.query_one("#stat-contacts", Tile).set(str(s["contacts"]),
                                                   "contacts")
        self.query_one("#stat-reviews", Tile).set(str(s["reviews"]), "reviews")
        self.query_one("#stat-retention", Tile).set(
            "—" if retention is None else f"{retention * 100:.0f}%", "answers right",
            None if retention is None else "good" if retention >= 0.85 else "warn")
        self.query_one("#stat-due", Tile).set(str(due), "due now", "warn" if due else "good")
        self.query_one("#stat-leeches", Tile).set(str(s["leeches"]), "leeches",
                                                  "bad" if s["leeches"] else "good")
        per_day = tui_api.reviews_per_day(store, days=DAYS, now=now)
        self.query_one("#sparkline", Sparkline).data = per_day
        today, busiest = per_day[-1], max(per_day)
        forecast = " ".join(str(d["due"]) for d in s["due_forecast"])
        self.query_one("#per-day-axis", Static).update(
            f"busiest day {busiest} · today {today} · {sum(per_day)} in {DAYS} days · "
            f"due the next 7 days: {forecast}")
        table = self.query_one("#hardest", DataTable)
        table.clear()
        hardest = tui_api.hardest_cards(store)
        for r in hardest:
            what = r["kind"] if r["kind"] != "point" else f"point: {r['point'] or ''}"
            table.add_row(Text(r["full_name"] or ""), Text(what[:40]), r["reviews"], r["again"],
                          r["lapses"], Text("leech", style="red") if r["leech"] else "")
        if not hardest:
            table.add_row(Text("No slips yet", style="dim"), "", "", "", "", "")
