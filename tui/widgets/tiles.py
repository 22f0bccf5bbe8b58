"""Number tiles for the dashboard and stats: a big figure with a caption."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class Tile(Widget):
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

    figure = ""
    caption = ""

    def set(self, figure: str, caption: str, tone: str | None = None) -> None:
        for name in ("good", "warn", "bad"):
            self.set_class(tone == name, name)
        self.figure, self.caption = figure, caption
        self.tooltip = f"{figure} {caption}"
        self.refresh(layout=True)

    def render(self) -> Text:
        # One line when the tile is short (80x24), figure above caption otherwise.
        sep = "\n" if self.content_size.height >= 2 else " "
        return Text.assemble((self.figure, "bold"), sep, self.caption)
