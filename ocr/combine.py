"""Two engines' fields into one: what both read alike is trusted, what they read differently
goes to review.

RapidOCR finds and reads each line; Tesseract reads the same line again (see reading.py). The
fields are extracted from each engine's text alone and compared field by field. Two engines
that read the same value independently are rarely both wrong; when they differ, RapidOCR's
value is kept (it reads photos and accents better: see docs/ocr.md) but its confidence is cut
below the review threshold, so the user checks it.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

RAPID = "rapidocr"
TESSERACT = "tesseract"
REVIEW_BELOW = 0.8  # namecards' review threshold (review_queue.LOW_CONFIDENCE)
ALONE = 0.75  # the most a value read by one engine only may claim: under REVIEW_BELOW
BOTH_BONUS = 0.1  # what a second, independent reading adds...
SURE = 0.72  # ...to a value the field reader itself is sure of
SCALARS = ("title", "company", "website", "address")
NAME_KEYS = ("full_name", "given_name", "family_name")


def _fold(s: str) -> str:
    table = {"ß": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ı": "i", "æ": "ae"}
    s = "".join(table.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s)
    return re.sub(r"[^a-z0-9]+", " ", "".join(
        c for c in s if not unicodedata.combining(c)).casefold()).strip()


def _same(key: str, a, b) -> bool:
    if not a or not b:
        return False
    if key in ("emails", "phones", "faxes"):
        return {x.lower() for x in a} == {x.lower() for x in b}
    if key == "website":
        def bare(s):
            return re.sub(r"^(?:https?://)?(?:www\.)?", "", s.lower()).rstrip("/")

        return bare(a) == bare(b)
    fa, fb = _fold(a), _fold(b)
    if key == "full_name":
        return fa == fb
    # Titles, companies and addresses are long: a stray comma or dot is not a disagreement.
    return fa == fb or (min(len(fa), len(fb)) >= 12 and fuzz.ratio(fa, fb) >= 94)


def combine(first: tuple[dict, dict, dict], second: tuple[dict, dict, dict]):
    """(fields, confidence, sources, line_sources) from RapidOCR's and Tesseract's
    (fields, confidence, line_sources), both extracted from the same lines."""
    rf, rc, rs = first
    tf, tc, ts = second
    fields = dict(rf)
    conf = dict(rc)
    sources: dict[str, list[str]] = {}
    line_sources = dict(rs)
    keys = ("full_name", "emails", "phones", "faxes", *SCALARS)
    for key in keys:
        a, b = rf.get(key), tf.get(key)
        if a and _same(key, a, b):
            c = rc.get(key, 0.0)
            # A second reading confirms the letters, not the field reader's doubt about what
            # the line is (a leftover line taken as the company, two names on one card).
            if c >= SURE:
                c = min(0.99, max(c, tc.get(key, 0.0) * 0.9) + BOTH_BONUS)
            sources[key] = [RAPID, TESSERACT]
        elif a:
            c = min(rc.get(key, 0.0), ALONE)
            sources[key] = [RAPID]
        elif b:
            fields[key] = b
            c = min(tc.get(key, 0.0), ALONE)
            sources[key] = [TESSERACT]
            if key == "full_name":
                for k in ("given_name", "family_name", "honorific", "suffix"):
                    fields[k] = tf.get(k)
                for k in ("full_name", "full_name_words"):
                    if k in ts:
                        line_sources[k] = ts[k]
                    else:
                        line_sources.pop(k, None)
            elif key in ts:
                line_sources[key] = ts[key]
        else:
            continue
        conf[key] = round(c, 2)
    if "full_name" in conf:
        for k in NAME_KEYS[1:]:
            conf[k] = conf["full_name"]
            if fields.get(k):
                sources[k] = sources["full_name"]
    return fields, conf, sources, line_sources
