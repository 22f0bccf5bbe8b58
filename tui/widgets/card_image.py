"""A card image pane: the scanned card drawn in the terminal, or a quiet placeholder."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
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
        """Show an image file path or a PIL image; a placeholder when there is none.

        One picture widget is kept and given each new image: removing it and mounting a new
        one raced with the next card (accept, skip) and left the pane blank.
        """
        self.source = source
        if isinstance(source, (str, Path)) and not Path(source).exists():
            source = None
        message = placeholder
        if source is not None:
            try:
                if isinstance(source, (str, Path)):
                    from PIL import Image as PILImage

                    with PILImage.open(source) as opened:
                        source = opened.convert("RGB")
            except Exception as e:  # noqa: BLE001 — a broken file must not take the screen down
                source, message = None, f"(cannot show the card: {e})"
        pictures = self.query(".card-picture")
        notes = self.query(Static).filter(".placeholder")
        if source is None:
            for picture in pictures:
                picture.display = False
            if notes:
                notes.first().update(Text(message))
                notes.first().display = True
            else:
                self.mount(Static(Text(message), classes="placeholder"))
            return
        for note in notes:
            note.display = False
        if pictures:
            pictures.first().image = source
            pictures.first().display = True
            return
        # Imported here: it costs ~0.3 s and most screens never show an image.
        from textual_image.widget import Image

        self.mount(Image(source, classes="card-picture"))
