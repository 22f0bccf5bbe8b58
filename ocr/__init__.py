"""ocr: business-card images to text with word boxes to contact fields (RapidOCR and
Tesseract, offline).

Imports nothing from namecards or the TUI. Public API: read_card, read_photo (one or several cards), read_cards,
extract_fields.
"""

from .batch import read_cards
from .engine import LanguageError, check_lang
from .errors import CardImageError, NotACard, OcrError, TesseractMissing
from .fields import OcrLine, extract_fields
from .reading import CardReading, read_card
from .table import PhotoReading, find_cards, read_photo

__all__ = [
    "CardImageError",
    "CardReading",
    "LanguageError",
    "NotACard",
    "OcrError",
    "OcrLine",
    "PhotoReading",
    "TesseractMissing",
    "check_lang",
    "extract_fields",
    "find_cards",
    "read_card",
    "read_cards",
    "read_photo",
]
