"""read_card: one image file to a CardReading (fields, confidences, word boxes, flat card)."""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import phonenumbers
from PIL import Image

from . import accents, engine, geometry
from .errors import CardImageError, OcrError
from . import fields as fieldmod
from .fields import OcrLine, extract_with_sources
from .image import load_image

# One card per core (read_cards' pool) beats OpenCV's own threads, as with Tesseract's
# OMP_THREAD_LIMIT=1. Set at import, before any OpenCV call: a process that forks the pool's
# workers must not have started OpenCV's thread pool (a forked child would wait on it forever).
cv2.setNumThreads(1)

TARGET_TEXT_PX = 30  # median glyph height after scaling: puts the x-height at ~20 px
MAX_SCALE = 3.5
MAX_SIDE = 3600  # never feed Tesseract more than this (time grows with pixels)
LATIN = "Latin"  # Tesseract's Latin-script model (Debian: tesseract-ocr-script-latn)
# Where names on cards are written in plain unaccented letters. A card from here whose name
# and company read as confident ASCII skips the Latin re-read (a whole Tesseract start-up,
# ~0.15 CPU s, most of it fixed cost). Canada, Ireland, South Africa are left out: é, Ó, ë.
PLAIN_NAME_PLACES = frozenset(
    "US GB AU NZ IN PK BD SG MY PH TH ID JP CN KR HK TW NG KE GH AE SA IL".split()
)
SURE_CONF = 85  # eng word confidence above which an ASCII reading is taken as it is
_FOLD = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "æ": "ae", "Æ": "AE"})


@dataclass
class CardReading:
    """What one card image yielded. Boxes are [left, top, width, height] in ``card_image``."""

    fields: dict
    confidence: dict
    raw_text: str
    words: list[dict]
    name_boxes: list[list[int]]
    card_image: Image.Image
    engine: str
    seconds: float
    lines: list[OcrLine] = field(default_factory=list)
    passes: list[str] = field(default_factory=list)  # what was tried, for debugging and docs


def _prepare(card: np.ndarray) -> tuple[np.ndarray, float]:
    """Grey, dark-on-light, evenly lit, scaled so text is big enough. Returns (image, scale)."""
    gray = cv2.cvtColor(card, cv2.COLOR_RGB2GRAY)
    if geometry.is_dark(gray):
        gray = 255 - gray
    th = geometry.text_height(gray)
    gray = geometry.flatten_light(gray, th or 20)
    scale = 1.0
    if th > 0:
        scale = TARGET_TEXT_PX / th
        scale = min(MAX_SCALE, max(0.5, scale))
        if 0.85 < scale < 1.15:
            scale = 1.0
    h, w = gray.shape[:2]
    if max(h, w) * scale > MAX_SIDE:
        scale = MAX_SIDE / max(h, w)
    if scale != 1.0:
        interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        gray = cv2.resize(gray, (int(w * scale), int(h * scale)), interpolation=interp)
    return gray, scale


def _quality(words: list[dict]) -> float:
    """A pass's worth: confident characters (so more real text wins, junk does not)."""
    return sum(max(0.0, w["conf"] - 40) / 60 * len(w["text"]) for w in words)


def _poor(words: list[dict]) -> bool:
    good = [w for w in words if w["conf"] >= 60]
    if len(good) < 8:
        return True
    mean = sum(w["conf"] for w in words) / len(words)
    return mean < 70


def _is_logo_junk(w: dict, others: list[dict]) -> bool:
    """A logo read as a letter or two: much taller than the words beside it."""
    if not others or len(w["text"]) > 3:
        return False
    h = float(np.median([o["height"] for o in others]))
    return w["height"] > 1.8 * h or (w["conf"] < 40 and not any(c.isalnum() for c in w["text"]))


def _group_lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped by Tesseract's line, split where a wide gap separates two columns."""
    groups: dict[tuple, list[dict]] = {}
    for w in words:
        if w["conf"] < 50 and not any(c.isalnum() or c in "@&+¢" for c in w["text"]):
            continue  # specks and rules read as "-", "|", "«" (but "¢:" is a blurred "F:")
        groups.setdefault((w["block"], w["par"], w["line"]), []).append(w)
    lines = []
    for key in sorted(groups, key=lambda k: (min(w["top"] for w in groups[k]), k)):
        ws = sorted(groups[key], key=lambda w: w["left"])
        while len(ws) > 1 and _is_logo_junk(ws[0], ws[1:]):
            ws.pop(0)
        while len(ws) > 1 and _is_logo_junk(ws[-1], ws[:-1]):
            ws.pop()
        cur = [ws[0]]
        for w in ws[1:]:
            prev = cur[-1]
            gap = w["left"] - (prev["left"] + prev["width"])
            # Word spaces are about half a small glyph height; a column gap is wider than a
            # glyph, and Tesseract sometimes joins a big name with a small line beside it.
            hs = sorted((w["height"], prev["height"]))
            if gap > 2.5 * hs[1] or (gap > 1.1 * hs[0] and hs[1] > 1.3 * hs[0]):
                lines.append(cur)
                cur = [w]
            else:
                cur.append(w)
        lines.append(cur)
    lines = [ln for ln in lines if any(any(c.isalnum() for c in w["text"]) for w in ln)]
    return _split_at_columns(lines)


def _is_mark(w: dict) -> bool:
    """An icon or a rule read as punctuation ("=", "—", "|"); "&" and "+" are text."""
    return not any(c.isalnum() or c in "&+@¢" for c in w["text"])


def _split_at_columns(lines: list[list[dict]]) -> list[list[dict]]:
    """Split a line where a word starts at another line's left edge after a wide gap.

    On two-column cards Tesseract often joins the big name on the left with the e-mail or a
    phone of the right column ("Sergio Sánchez sergio@…"). The right column shows itself by
    its left edge, shared by the lines that start there; a word space in a name is about half
    a glyph height, the gap before a column at least three quarters of one. Icons between the
    two ("=", "—") are ignored when measuring the gap and dropped at the ends of the parts.
    """
    starts = [ln[0]["left"] for ln in lines]
    out: list[list[dict]] = []
    for li, ln in enumerate(lines):
        cur: list[dict] = [ln[0]]
        for w in ln[1:]:
            prev = next((x for x in reversed(cur) if not _is_mark(x)), cur[-1])
            gap = w["left"] - (prev["left"] + prev["width"])
            h = min(w["height"], prev["height"])
            tol = max(6, 0.35 * h)
            aligned = any(abs(s - w["left"]) <= tol for lj, s in enumerate(starts) if lj != li)
            if not _is_mark(w) and aligned and gap > 0.75 * h:
                out.append(cur)
                cur = [w]
            else:
                cur.append(w)
        out.append(cur)
    trimmed = []
    for part in out:
        while len(part) > 1 and _is_mark(part[-1]):
            part = part[:-1]
        while len(part) > 1 and _is_mark(part[0]):
            part = part[1:]
        trimmed.append(part)
    return trimmed


def _merge(base: list[dict], extra: list[dict]) -> list[dict]:
    """Words of ``extra`` that lie outside every word of ``base`` (as their own blocks)."""
    out = list(base)
    for w in extra:
        cx, cy = w["left"] + w["width"] / 2, w["top"] + w["height"] / 2
        if any(
            b["left"] - 2 <= cx <= b["left"] + b["width"] + 2
            and b["top"] - 2 <= cy <= b["top"] + b["height"] + 2
            for b in base
        ):
            continue
        out.append({**w, "block": w["block"] + 1000})
    return out


def _reread_number_lines(lines: list[OcrLine], card: np.ndarray, lang: str, regions) -> bool:
    """Re-read, as a single line, lines full of digits in which no phone number was found.

    Page layout analysis sometimes garbles "+52 200 168 3143 | +52 222 153 3725" into
    "…31439|-4-52)222…"; the same crop read with --psm 7 is usually clean. Changes ``lines``.
    """
    changed = False
    regs = [r for r in dict.fromkeys(regions) if r]
    for ln in lines:
        digits = sum(c.isdigit() for c in ln.text)
        if digits < 9 or "@" in ln.text or not ln.box or fieldmod.find_phones(ln.text, regs):
            continue
        if fieldmod._is_address(ln.text) and not re.search(r"(?i)\b(tel|phone|fax|mob)", ln.text):
            continue
        left, top, w, h = ln.box
        pad = max(4, h // 3)
        crop = card[max(0, top - pad) : top + h + pad, max(0, left - 2 * pad) : left + w + 2 * pad]
        if crop.size == 0:
            continue
        text = engine.image_line(Image.fromarray(crop), lang=lang)
        if len(fieldmod.find_phones(text, regs)) > 0:
            ln.text = text
            changed = True
    return changed


def fold(s: str) -> str:
    """Accents dropped, case folded: "Jürgen Groß" and "JURGEN GROSS" fold alike."""
    s = unicodedata.normalize("NFKD", s.translate(_FOLD))
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).casefold().split())


def _edits(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def same_name(eng: str, latin: str) -> bool:
    """The Latin reading spells the same words as eng's, up to accents and a slip or two
    ("Jiirgen Grok" / "Jürgen Groß": eng reads ü as "ii" and ß as "k")."""
    a, b = fold(eng).split(), fold(latin).split()
    if not a or len(a) != len(b):
        return False
    # Per word: exact for one or two letters, one slip for three, two for longer words.
    return all(_edits(x, y, 2) <= min(2, max(0, len(x) - 2)) for x, y in zip(a, b, strict=True))


def _marked(s: str) -> int:
    """Letters that fold to something else (é, ß, ø…)."""
    return sum(fold(c) != c.casefold() for c in s)


def _latin_reread(
    targets: list[OcrLine], words: list[dict], out_words: list[dict], prep: np.ndarray
) -> bool:
    """Re-read a few lines (the name, the company) with the Latin model in one Tesseract run;
    True when some word took its Latin spelling.

    Each crop is the union of the line's word boxes in ``prep`` (upright, grey, evenly lit),
    padded; the crops are stacked on one white page and each word read goes back to the crop
    its centre lies in. A word takes the Latin spelling only when it spells the same letters
    folded (see ``same_name``); boxes stay eng's, so ``name_boxes`` are unchanged.
    """
    crops, groups = [], []
    for line in targets:
        ws = [words[i] for i in line.words]
        if not ws:
            continue
        left = min(w["left"] for w in ws)
        top = min(w["top"] for w in ws)
        right = max(w["left"] + w["width"] for w in ws)
        bottom = max(w["top"] + w["height"] for w in ws)
        pad = max(6, (bottom - top) // 3)
        crop = prep[max(0, top - pad) : bottom + pad, max(0, left - 2 * pad) : right + 2 * pad]
        if crop.size:
            crops.append(crop)
            groups.append((line, ws))
    if not crops:
        return False
    gap = max(c.shape[0] for c in crops) // 2
    page = np.full(
        (sum(c.shape[0] for c in crops) + gap * (len(crops) - 1), max(c.shape[1] for c in crops)),
        255,
        np.uint8,
    )
    bands, y = [], 0
    for c in crops:
        page[y : y + c.shape[0], : c.shape[1]] = c
        bands.append((y, y + c.shape[0]))
        y += c.shape[0] + gap
    try:
        read = engine.line_words_light(
            Image.fromarray(page), lang=LATIN, psm=7 if len(crops) == 1 else 6
        )
    except OcrError:  # a broken model must not cost the card: eng's reading stands
        return False
    changed = False
    for (line, ws), (y0, y1) in zip(groups, bands, strict=True):
        got = sorted(
            (
                w
                for w in read
                if y0 <= w["top"] + w["height"] / 2 < y1 and any(c.isalnum() for c in w["text"])
            ),
            key=lambda w: w["left"],
        )
        eng_text = " ".join(w["text"] for w in ws)
        if len(got) != len(ws) or not same_name(eng_text, " ".join(w["text"] for w in got)):
            continue
        for i, e, w in zip(line.words, ws, got, strict=True):
            # The same letters but for accents: Latin's spelling, unless it is unsure
            # ("Skärgārd" at 62) or has fewer marks than the accent step found. A letter more
            # or less ("Jiirgen", "Grok" for Jürgen Groß): Latin's only when it is fairly sure
            # (it, too, slips: "ÍÑNIGO" for ÍÑIGO at 54).
            if w["text"] == e["text"]:
                continue
            alike = fold(w["text"]) == fold(e["text"])
            if (alike and w["conf"] >= 65 and _marked(w["text"]) >= _marked(e["text"])) or (
                not alike and w["conf"] >= 70
            ):
                out_words[i]["text"] = w["text"]
                line.text = " ".join(out_words[j]["text"] for j in line.words)
                changed = True
    return changed


def card_places(fields: dict, region: str | None) -> set[str]:
    """Countries the card itself names: the --region given, its phones' country codes, the
    top-level domains of its e-mails and website. Empty when it names none."""
    places = {region.upper()} if region else set()
    for p in fields.get("phones") or []:
        try:
            r = phonenumbers.region_code_for_number(phonenumbers.parse(p))
        except phonenumbers.NumberParseException:
            r = None
        if r and r != "ZZ":
            places.add(r)
    doms = [e.partition("@")[2] for e in fields.get("emails") or []]
    for d in doms + ([fields["website"]] if fields.get("website") else []):
        r = fieldmod.region_from_domain(d)
        if r:
            places.add(r)
    return places


def needs_latin(targets: list[OcrLine], words: list[dict], places: set[str]) -> bool:
    """Whether the Latin re-read can change these lines: not when the card is from a place of
    plain-lettered names and eng read every word as confident ASCII. (Confident ASCII alone is
    not enough: eng reads "Małgorzata" as "Malgorzata" at 95.)"""
    if not places or not places <= PLAIN_NAME_PLACES:
        return True
    ws = [words[i] for ln in targets for i in ln.words]
    return not ws or any(not w["text"].isascii() or w["conf"] < SURE_CONF for w in ws)


def _ocr(img: np.ndarray, lang: str, psm: int) -> list[dict]:
    return engine.image_words(Image.fromarray(img), lang=lang, psm=psm)


def read_card(path: str | Path, *, region: str | None = None, lang: str = "eng") -> CardReading:
    """Read one business-card image (scan or photo). See docs/ocr.md for the pipeline."""
    t0 = time.perf_counter()
    engine.check_tesseract()
    engine.check_lang(lang)
    name = Path(path).name
    img = load_image(path)
    rgb = np.asarray(img)
    passes = []
    corners = geometry.find_card(rgb)
    card = geometry.warp(rgb, corners) if corners is not None else rgb
    passes.append("warp" if corners is not None else "whole")
    prep, scale = _prepare(card)
    words = _ocr(prep, lang, 3)
    passes.append("psm3")
    if _poor(words):
        rot, oconf = engine.orientation(Image.fromarray(prep))
        if rot and oconf >= 1.0:
            k = {90: 3, 180: 2, 270: 1}[rot]  # np.rot90 turns counter-clockwise
            rcard, rprep = (
                np.ascontiguousarray(np.rot90(card, k)),
                np.ascontiguousarray(np.rot90(prep, k)),
            )
            rwords = _ocr(rprep, lang, 3)
            passes.append(f"rotate{rot}")
            if _quality(rwords) > _quality(words):
                card, prep, words = rcard, rprep, rwords
        if _poor(words):
            w11 = _ocr(prep, lang, 11)
            passes.append("psm11")
            if _quality(w11) > _quality(words) * 1.05:
                words = w11
    if "psm11" not in passes and geometry.uncovered_glyphs(prep, words) >= 8:
        # psm 3's layout analysis sometimes drops a whole line of a column; sparse-text mode
        # finds it, and its extra words are merged in.
        words = _merge(words, _ocr(prep, lang, 11))
        passes.append("psm11-merge")
    if _poor(words) and corners is not None:
        # The warp may have cut the card: read the whole photo too and keep the better.
        whole, wscale = _prepare(rgb)
        ww = _ocr(whole, lang, 3)
        passes.append("whole")
        if _quality(ww) > _quality(words) * 1.2:
            card, prep, words, scale = rgb, whole, ww, wscale
    real = [w for w in words if w["conf"] > 30 and any(c.isalnum() for c in w["text"])]
    if len(real) < 2 or sum(len(w["text"]) for w in real) < 6:
        raise CardImageError(f"{name}: no text found — is this a business card?")

    # Tesseract's eng model has no accented letters but é: read them off the image instead.
    for w in words if set(lang.split("+")) <= {"eng"} else []:
        text, marks = accents.restore_word(
            prep, (w["left"], w["top"], w["width"], w["height"]), w["text"]
        )
        w["text"] = accents.restore_eszett(text)

    # Back to card_image coordinates.
    out_words = []
    for w in words:
        out_words.append(
            {
                "text": w["text"],
                "left": int(round(w["left"] / scale)),
                "top": int(round(w["top"] / scale)),
                "width": max(1, int(round(w["width"] / scale))),
                "height": max(1, int(round(w["height"] / scale))),
                "conf": round(w["conf"], 1),
                "line": -1,
                "block": w["block"],
                "par": w["par"],
                "_line": w["line"],
            }
        )
    idx = {id(w): i for i, w in enumerate(words)}
    lines: list[OcrLine] = []
    for li, group in enumerate(_group_lines(words)):
        ids = [idx[id(w)] for w in group]
        for i in ids:
            out_words[i]["line"] = li
        ws = [out_words[i] for i in ids]
        left = min(w["left"] for w in ws)
        top = min(w["top"] for w in ws)
        right = max(w["left"] + w["width"] for w in ws)
        bottom = max(w["top"] + w["height"] for w in ws)
        lines.append(
            OcrLine(
                text=" ".join(w["text"] for w in ws),
                box=[left, top, right - left, bottom - top],
                height=float(np.median([w["height"] for w in ws])),
                conf=float(np.mean([w["conf"] for w in ws])),
                words=ids,
            )
        )
    for w in out_words:
        for k in ("block", "par", "_line"):
            w.pop(k, None)
    fields, conf, sources = extract_with_sources(lines, region=region)
    if _reread_number_lines(lines, card, lang, [region, fields.get("region"), "US"]):
        fields, conf, sources = extract_with_sources(lines, region=region)
        passes.append("psm7-lines")
    # eng has almost no accented letters; the Latin model has them all but costs ~1.6x on a
    # whole card, so only the name and company lines are read again with it (if installed).
    plain_eng = set(lang.split("+")) <= {"eng"}
    if plain_eng and sources.get("full_name") and LATIN in engine.installed_languages():
        ids = dict.fromkeys(sources["full_name"][:1] + sources.get("company", [])[:1])
        targets = [lines[li] for li in ids]
        if not needs_latin(targets, words, card_places(fields, region)):
            passes.append("latin-skipped")
        else:
            passes.append("latin-name")
            if _latin_reread(targets, words, out_words, prep):
                fields, conf, sources = extract_with_sources(lines, region=region)
    name_boxes = []
    for li in sources.get("full_name", []):
        ln = lines[li]
        for i in ln.words:
            w = out_words[i]
            name_boxes.append([w["left"], w["top"], w["width"], w["height"]])
    raw_text = "\n".join(ln.text for ln in lines)
    return CardReading(
        fields=fields,
        confidence=conf,
        raw_text=raw_text,
        words=out_words,
        name_boxes=name_boxes,
        card_image=Image.fromarray(np.ascontiguousarray(card)),
        engine=engine.engine_version(),
        seconds=round(time.perf_counter() - t0, 3),
        lines=lines,
        passes=passes,
    )
