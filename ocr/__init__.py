"""ocr: business-card images to text with word boxes to contact fields (Tesseract, offline).

Imports nothing from namecards or the TUI. Public API: read_card, read_cards, extract_fields.
"""

from .batch import read_cards
from .errors import CardImageError, OcrError, TesseractMissing
from .fields import OcrLine, extract_fields
from .reading import CardReading, read_card

__all__ = [
    "CardImageError",
    "CardReading",
    "OcrError",
    "OcrLine",
    "TesseractMissing",
    "extract_fields",
    "read_card",
    "read_cards",
]
