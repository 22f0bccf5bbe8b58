"""The errors ocr raises; every message is one line a user can act on."""


class OcrError(Exception):
    """Base class: anything that stops one card from being read."""


class CardImageError(OcrError):
    """The file is not a usable card image (not an image, truncated, too large, no text)."""


class NotACard(CardImageError):
    """Text was read, but neither a name nor an e-mail: a photo of something else, or the logo
    side of a card. `reading` is what was read (a CardReading), when there was text."""

    def __init__(self, message: str, reading=None):
        super().__init__(message)
        self.reading = reading

    def __reduce__(self):  # crosses the process pool with its reading
        return (type(self), (str(self), self.reading))


class TesseractMissing(OcrError):
    """The tesseract binary is not installed or not on PATH."""
