"""A card image pane: the scanned card drawn in the terminal, or a quiet placeholder."""

from __future__ import annotations

from pathlib import Path

from textual.containers import Container
from textual.widgets import Static


class CardImage(Container):
    DEFAULT_CSS = """
    CardImage { height: auto; min-height: 3; align: center top; }
    CardImage > Static.placeholder { color: $text-muted; width: auto; }
    CardImage > .card-picture { width: 100%; height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.source = None

    def show(self, source, *, placeholder: str = "(no card image)") -> None:
        """Show an image file path or a PIL image; a placeholder when there is none."""
        self.source = source
        self.remove_children()
        if isinstance(source, (str, Path)) and not Path(source).exists():
            source = None
        if source is None:
            self.mount(Static(placeholder, classes="placeholder"))
            return
        try:
            # Imported here: it costs ~0.3 s and most screens never show an image.
            from textual_image.widget import Image

            if isinstance(source, (str, Path)):
                from PIL import Image as PILImage

                with PILImage.open(source) as opened:
                    source = opened.convert("RGB")
            self.mount(Image(source, classes="card-picture"))
        except Exception as e:  # noqa: BLE001 — a broken file must not take the screen down
            self.mount(Static(f"(cannot show the card: {e})", classes="placeholder"))
