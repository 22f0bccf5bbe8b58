"""The errors ocr raises; every message is one line a user can act on."""


class OcrError(Exception):
    """Base class: anything that stops one card from being read."""


class CardImageError(OcrError):
    """The file is not a usable card image (not an image, truncated, too large, no text)."""


class TesseractMissing(OcrError):
    """The tesseract binary is not installed or not on PATH."""
