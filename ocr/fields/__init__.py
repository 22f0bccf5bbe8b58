"""Card fields from OCR lines: pure functions, position-aware when lines carry boxes.

``extract_fields(lines, region=None)`` returns ``(fields, confidence)``. Lines are ``OcrLine``
(text, box, height, conf) or plain strings (then the order stands in for position and every
line counts as the same size). The parts: ``lexicon`` (word lists as data), ``repair`` (OCR
slips), one recogniser per field (``emails``, ``phones``, ``web``, ``addresses``, ``names``,
``titles``, ``companies``), ``layout`` (line geometry) and ``page`` (the steps).
"""

from __future__ import annotations

from .layout import OcrLine
from .names import NameParts, nice_case, split_name
from .page import FIELD_KEYS, extract


def extract_fields(lines, *, region: str | None = None) -> tuple[dict, dict]:
    """Fields and per-field confidence (0..1) from OCR lines (see the module docstring)."""
    page = extract(lines, region=region)
    return page.fields, page.conf


def extract_with_sources(lines, *, region: str | None = None) -> tuple[dict, dict, dict]:
    """Like extract_fields, plus which input lines each field came from, and under
    ``full_name_words`` the indices of the name's own words (for name boxes)."""
    page = extract(lines, region=region)
    return page.fields, page.conf, page.sources


__all__ = ["FIELD_KEYS", "NameParts", "OcrLine", "extract_fields", "extract_with_sources",
           "nice_case", "split_name"]
