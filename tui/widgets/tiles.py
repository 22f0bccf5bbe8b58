"""Number tiles for the dashboard and stats: a big figure with a caption."""

from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static


class Tile(Static):
    DEFAULT_CSS = """
    Tile {
        width: 1fr; height: 5; min-width: 16;
        border: round $panel-lighten-2; padding: 0 1; content-align: center middle;
        text-align: center;
    }
    Tile.good { border: round $success; }
    Tile.warn { border: round $warning; }
    Tile.bad  { border: round $error; }
    """

    def set(self, figure: str, caption: str, tone: str | None = None) -> None:
        self.set_classes("good" if tone == "good" else "warn" if tone == "warn" else
                         "bad" if tone == "bad" else "")
        self.update(f"[b]{escape(figure)}[/b]\n{escape(caption)}")
