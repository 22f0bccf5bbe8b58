"""read_card: one image file to a CardReading (fields with confidence and source engines, word
boxes, the flat card). See docs/ocr.md for the pipeline and the measurements behind it."""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from . import engine, geometry, rapid
from .combine import TESSERACT, combine
from .errors import CardImageError, NotACard
from .fields import OcrLine, extract_with_sources
from .fields.layout import word_gaps
from .image import load_image

# One card per core (read_cards' pool) beats OpenCV's own threads, as with Tesseract's
# OMP_THREAD_LIMIT=1. Set at import, before any OpenCV call: a process that forks the pool's
# workers must not have started OpenCV's thread pool (a forked child would wait on it forever).
cv2.setNumThreads(1)

# RapidOCR's detector costs time in proportion to pixels. Measured on the 62 real dev cards:
# glyphs ~18 px high and at most 1280 px a side read as well as 28 px / 1600 px (name 76% vs
# 74%, e-mail 91% vs 91% on photos) at two thirds of the cost.
RAPID_TEXT_PX = 18
RAPID_MAX_SIDE = 1280
TESS_LINE_PX = 44  # each line crop handed to Tesseract is this high (x-height ~20 px)
TESS_MAX_SIDE = 3600  # the Tesseract-only fallback never reads a bigger page


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
    sources: dict[str, list[str]] = field(default_factory=dict)  # field -> engines that read it
    lines: list[OcrLine] = field(default_factory=list)
    passes: list[str] = field(default_factory=list)  # what was tried, for debugging and docs


def _grey_upright_text(card: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(card, cv2.COLOR_RGB2GRAY)
    return 255 - gray if geometry.is_dark(gray) else gray


def _scaled(img: np.ndarray, factor: float) -> np.ndarray:
    if abs(factor - 1.0) < 0.03:
        return img
    h, w = img.shape[:2]
    interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(img, (max(1, int(w * factor)), max(1, int(h * factor))), interpolation=interp)


def _rapid_scale(card: np.ndarray) -> float:
    th = geometry.text_height(_grey_upright_text(_scaled(card, min(1.0, 1600 / max(card.shape[:2])))))
    th_full = th / min(1.0, 1600 / max(card.shape[:2])) if th else 0.0
    factor = RAPID_TEXT_PX / th_full if th_full >= 4 else 1.0
    return min(factor, 2.5, RAPID_MAX_SIDE / max(card.shape[:2]))


def _rapid_read(card: np.ndarray) -> list[dict]:
    """RapidOCR's lines of ``card``, in ``card``'s own coordinates."""
    factor = _rapid_scale(card)
    lines = rapid.read_lines(_scaled(card, factor))
    for ln in lines:
        ln["box"] = [int(round(v / factor)) for v in ln["box"]]
        ln["quad"] = (np.asarray(ln["quad"]) / factor).tolist()
        ln["height"] = ln.get("height", ln["box"][3] * factor) / factor
        for w in ln["words"]:
            for k in ("left", "top", "width", "height"):
                w[k] = int(round(w[k] / factor))
    return lines


def _strength(lines: list[dict]) -> float:
    """A reading's worth: confident characters (more real text wins, junk does not)."""
    return sum(max(0.0, ln["conf"] - 50) / 50 * len(ln["text"]) for ln in lines)


def _looks_wrong_way(lines: list[dict]) -> bool:
    """Too little confident text, or lines standing upright: the card may be turned."""
    if not lines:
        return True
    tall = sum(ln["box"][3] > 1.5 * ln["box"][2] for ln in lines if len(ln["text"]) >= 3)
    good = [ln for ln in lines if ln["conf"] >= 85 and len(ln["text"]) >= 4]
    return tall > len(lines) / 2 or len(good) < 3


def _rotate(card: np.ndarray, degrees: int) -> np.ndarray:
    k = {90: 3, 180: 2, 270: 1}[degrees]  # np.rot90 turns counter-clockwise
    return np.ascontiguousarray(np.rot90(card, k))


LOCATE_SIDE = 800  # finding where the text is needs no more than this
SMALL_SIDE = 1400  # an image this small is read whole at once (a scan, a cropped photo)


def _level(rgb: np.ndarray, quads: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Turn the photo so its text lines run level (their median slope), quads with it."""
    angles = []
    for q in quads:
        dx, dy = q[1] - q[0]
        if abs(dx) > 3 * max(1.0, float(np.linalg.norm(q[3] - q[0]))):
            angles.append(np.degrees(np.arctan2(dy, dx)))
    if len(angles) < 2:
        return rgb, quads
    angle = float(np.median(angles))
    if abs(angle) < 1.5 or abs(angle) > 30:
        return rgb, quads
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    turned = [np.hstack([q, np.ones((4, 1))]) @ m.T for q in quads]
    return out, turned


def _shift(lines: list[dict], dx: int, dy: int) -> None:
    for ln in lines:
        ln["box"][0] -= dx
        ln["box"][1] -= dy
        ln["quad"] = (np.asarray(ln["quad"]) - [dx, dy]).tolist()
        for w in ln["words"]:
            w["left"] -= dx
            w["top"] -= dy


def _text_box(quads) -> list[list[int]]:
    return [[int(q[:, 0].min()), int(q[:, 1].min()), int(np.ptp(q[:, 0])), int(np.ptp(q[:, 1]))]
            for q in quads]


def _find_card(rgb: np.ndarray, passes: list[str]) -> tuple[np.ndarray, list[dict]]:
    """The card flat and upright, and RapidOCR's lines on it."""
    corners = geometry.find_card(rgb)
    lines = None
    if corners is not None:
        card = geometry.warp(rgb, corners)
        passes.append("warp")
    elif max(rgb.shape[:2]) <= SMALL_SIDE:
        # A scan or a small photo: read it whole, then keep the part around the text.
        card, lines = rgb, _rapid_read(rgb)
        box = geometry.text_region([ln["box"] for ln in lines], card.shape)
        if box:
            left, top, right, bottom = box
            card = np.ascontiguousarray(card[top:bottom, left:right])
            _shift(lines, left, top)
        passes.append("text-crop" if box else "whole")
    else:
        # No outline on a big photo (a light card on a light table): the card is where its
        # text is, found by RapidOCR's detector on a small copy, levelled by its lines.
        factor = min(1.0, LOCATE_SIDE / max(rgb.shape[:2]))
        quads = [q / factor for q in rapid.detect_quads(_scaled(rgb, factor))]
        card, quads = _level(rgb, quads)
        box = geometry.text_region(_text_box(quads), card.shape)
        if box:
            left, top, right, bottom = box
            card = np.ascontiguousarray(card[top:bottom, left:right])
        passes.append("text-crop" if box else "whole")
    if lines is None:
        lines = _rapid_read(card)
    return _upright(card, lines, passes)


def _upright(card: np.ndarray, lines: list[dict],
             passes: list[str]) -> tuple[np.ndarray, list[dict]]:
    """The card turned upright when its lines say it may not be, and RapidOCR's lines on it."""
    if _looks_wrong_way(lines):
        rot, oconf = engine.orientation(Image.fromarray(_grey_upright_text(card)))
        if rot and oconf >= 1.0:
            turned = _rotate(card, rot)
            tlines = _rapid_read(turned)
            passes.append(f"rotate{rot}")
            if _strength(tlines) > _strength(lines):
                card, lines = turned, tlines
    return card, lines


def _tesseract_lines(card: np.ndarray, lines: list[dict], lang: str) -> list[list[dict]]:
    """Tesseract's words for each RapidOCR line: the same line, cut out straight and read
    again (one Tesseract run for all of them), so the two engines' texts can be compared."""
    gray = cv2.cvtColor(card, cv2.COLOR_RGB2GRAY)
    crops = []
    for ln in lines:
        crop = geometry.crop_quad(gray, ln["quad"], TESS_LINE_PX)
        if crop.size:
            if float(np.median(crop)) < 110:
                crop = 255 - crop  # light text on a dark band of the card
            # The card's own tint to white: a grey band on the white page reads to Tesseract's
            # layout analysis as a picture, and its words are dropped.
            paper = max(1.0, float(np.percentile(crop, 90)))
            crop = np.clip(crop.astype(np.float32) * (255.0 / paper), 0, 255).astype(np.uint8)
        crops.append(crop)
    return engine.read_crops(crops, lang=lang)


_ONE_LETTER = str.maketrans({"ı": "i", "ß": "s", "ł": "l", "ø": "o", "æ": "a", "đ": "d"})


def _letters(s: str) -> str:
    """Letters and digits without marks, one for one ("ß" stays one letter), lowercase."""
    s = s.lower().translate(_ONE_LETTER)
    return "".join(c for c in unicodedata.normalize("NFKD", s)
                   if c.isalnum() and not unicodedata.combining(c))


def respace(text: str, other: str) -> str:
    """``text`` with the word breaks of ``other`` when both spell the same letters.

    RapidOCR's recogniser places word breaks by itself and misses or invents them on names
    set in capitals or spaced out ("WESLEYYAN", "ZOFIA KOW ALCZYK", "dejong"); Tesseract reads
    the same line crop with the breaks it sees in the pixels, and was right in every such case
    on the development cards. Only lines of words are changed (not numbers), and no break
    leaves a piece of one lowercase letter.
    """
    if text.count(" ") == other.count(" ") or _letters(text) != _letters(other):
        return text
    if sum(c.isalpha() for c in text) < 0.6 * len(text.replace(" ", "")):
        return text
    if any(len(_letters(w)) == 1 and w.islower() for w in other.split()):
        return text
    gaps = set()
    pos = 0
    for ch in other:
        if ch == " ":
            gaps.add(pos)
        elif _letters(ch):
            pos += 1
    out, pos = [], 0
    for ch in text:
        if ch == " ":
            continue
        if _letters(ch):
            if pos in gaps and out and out[-1] != " ":
                out.append(" ")
            pos += 1
        out.append(ch)
    return "".join(out)


def _ocr_lines(lines: list[dict], texts: list[str], confs: list[float],
               words: list[list[dict]] | None = None) -> list[OcrLine]:
    """OcrLines of the given texts over RapidOCR's line boxes; ``words``: the words each text
    was read as (default: RapidOCR's), whose wide blanks are marked when they match it."""
    out = []
    start = 0
    for li, (ln, text, conf) in enumerate(zip(lines, texts, confs, strict=True)):
        n = len(ln["words"])
        height = float(ln.get("height") or ln["box"][3])
        ws = ln["words"] if words is None else words[li]
        gaps = []
        if len(ws) == len(text.split()) and all("left" in w for w in ws):
            # Tesseract read the line from a crop scaled to TESS_LINE_PX high.
            gaps = word_gaps(ws, height if words is None else TESS_LINE_PX)
        out.append(
            OcrLine(text=text, box=list(ln["box"]), height=height, conf=conf,
                    words=list(range(start, start + n)), gaps=gaps)
        )
        start += n
    return out


def _tesseract_only(rgb: np.ndarray, lang: str, passes: list[str]):
    """The whole card read by Tesseract alone, when RapidOCR cannot be loaded."""
    corners = geometry.find_card(rgb)
    card = geometry.warp(rgb, corners) if corners is not None else rgb
    gray = _grey_upright_text(card)
    th = geometry.text_height(gray)
    factor = min(3.5, max(0.5, 30 / th)) if th else 1.0
    factor = min(factor, TESS_MAX_SIDE / max(gray.shape[:2]))
    page = _scaled(geometry.flatten_light(gray, th or 20), factor)
    words = engine.image_words(Image.fromarray(page), lang=lang, psm=3)
    passes += ["warp" if corners is not None else "whole", "tesseract-psm3"]
    groups: dict[tuple, list[dict]] = {}
    for w in words:
        if any(c.isalnum() for c in w["text"]):
            groups.setdefault((w["block"], w["par"], w["line"]), []).append(w)
    lines = []
    for ws in groups.values():
        ws.sort(key=lambda w: w["left"])
        for w in ws:
            for k in ("left", "top", "width", "height"):
                w[k] = int(round(w[k] / factor))
        left = min(w["left"] for w in ws)
        top = min(w["top"] for w in ws)
        right = max(w["left"] + w["width"] for w in ws)
        bottom = max(w["top"] + w["height"] for w in ws)
        conf = float(np.mean([w["conf"] for w in ws]))
        lines.append({"text": " ".join(w["text"] for w in ws), "conf": conf,
                      "box": [left, top, right - left, bottom - top],
                      "words": [{k: w[k] for k in ("text", "conf", "left", "top", "width",
                                                    "height")} for w in ws]})
    lines.sort(key=lambda ln: (ln["box"][1], ln["box"][0]))
    return card, lines


@dataclass
class EngineReading:
    """What the engines saw, before any field is extracted (kept apart so the field step can
    be re-run and measured on its own)."""

    card: np.ndarray
    lines: list[dict]  # RapidOCR's lines (or Tesseract's, when it reads alone)
    tesseract: list[list[dict]] | None  # Tesseract's words for each line; None: one engine
    passes: list[str]
    engine: str


def read_engines(path: str | Path, *, lang: str = "eng", image: np.ndarray | None = None,
                 flat: bool = False) -> EngineReading:
    """Load, find the card, read its lines with RapidOCR and each line again with Tesseract.

    ``image``: the photo already loaded (RGB array; ``path`` then only names it). ``flat``:
    ``image`` is a card already found and flattened (one card of a table photo): reading
    starts from there, as it does after ``_find_card`` has warped a card.
    """
    engine.check_tesseract()
    engine.check_lang(lang)
    name = Path(path).name
    rgb = image if image is not None else np.asarray(load_image(path))
    passes: list[str] = []
    try:
        if flat:
            passes.append("table-warp")
            card, lines = _upright(rgb, _rapid_read(rgb), passes)
        else:
            card, lines = _find_card(rgb, passes)
    except rapid.RapidUnavailable:
        card, lines = _tesseract_only(rgb, lang, passes)
        return EngineReading(card, lines, None, passes, engine.engine_version())
    real = [ln for ln in lines if ln["conf"] >= 50 and sum(c.isalnum() for c in ln["text"]) >= 2]
    if len(real) < 2 or sum(len(ln["text"]) for ln in real) < 6:
        raise CardImageError(f"{name}: no text found — is this a business card?")
    tess = _tesseract_lines(card, lines, lang)
    passes.append("tesseract-lines")
    return EngineReading(card, lines, tess, passes, f"{rapid.version()} + {engine.engine_version()}")


def read_fields(er: EngineReading, *, region: str | None = None):
    """(fields, confidence, sources, words, name_boxes, lines) from the engines' lines."""
    rlines = er.lines
    words: list[dict] = []
    for li, ln in enumerate(rlines):
        for w in ln["words"]:
            words.append({"text": w["text"], "left": max(0, w["left"]), "top": max(0, w["top"]),
                          "width": w["width"], "height": w["height"],
                          "conf": round(w["conf"], 1), "line": li})
    rtexts = [ln["text"] for ln in rlines]
    ttexts = [" ".join(w["text"] for w in ws) for ws in er.tesseract or []]
    if ttexts:
        rtexts = [respace(r, t) for r, t in zip(rtexts, ttexts, strict=True)]
    first = _ocr_lines(rlines, rtexts, [ln["conf"] for ln in rlines])
    fields, conf, line_sources = extract_with_sources(first, region=region)
    if er.tesseract is not None:
        tconfs = [float(np.mean([w["conf"] for w in ws])) if ws else 0.0 for ws in er.tesseract]
        second = _ocr_lines(rlines, ttexts, tconfs, er.tesseract)
        tfields, tconf, tline_sources = extract_with_sources(second, region=region)
        fields, conf, sources, line_sources = combine(
            (fields, conf, line_sources), (tfields, tconf, tline_sources)
        )
    else:
        sources = {k: [TESSERACT] for k, v in fields.items() if v and k in conf}
        conf = {k: min(v, 0.75) for k, v in conf.items()}  # one engine: nothing to confirm it
    name_boxes = []
    for i in line_sources.get("full_name_words") or [
        i for li in line_sources.get("full_name", []) for i in first[li].words
    ]:
        w = words[i]
        name_boxes.append([w["left"], w["top"], w["width"], w["height"]])
    return fields, conf, sources, words, name_boxes, first


def read_card(path: str | Path, *, region: str | None = None, lang: str = "eng",
              image: np.ndarray | None = None) -> CardReading:
    """Read one business-card image (scan or photo). See docs/ocr.md for the pipeline.
    ``image``: the file already loaded as an RGB array (``path`` then only names it)."""
    return _reading(path, region, lang, image, flat=False)


def read_flat_card(card: np.ndarray, name: str, *, region: str | None = None,
                   lang: str = "eng") -> CardReading:
    """Read a card already found and flattened (one card of a table photo) with the steps
    ``read_card`` runs after flattening a card. ``name`` names it in error messages."""
    return _reading(name, region, lang, card, flat=True)


def _reading(path, region, lang, image, *, flat: bool) -> CardReading:
    t0 = time.perf_counter()
    er = read_engines(path, lang=lang, image=image, flat=flat)
    fields, conf, sources, words, name_boxes, lines = read_fields(er, region=region)
    reading = CardReading(
        fields=fields,
        confidence=conf,
        raw_text="\n".join(ln["text"] for ln in er.lines),
        words=words,
        name_boxes=name_boxes,
        card_image=Image.fromarray(np.ascontiguousarray(er.card)),
        engine=er.engine,
        seconds=round(time.perf_counter() - t0, 3),
        sources=sources,
        lines=lines,
        passes=er.passes,
    )
    if not fields.get("full_name") and not fields.get("emails"):
        # What was read rides along: the logo side of a two-sided card has neither, and is
        # still the back of the card scanned before it.
        raise NotACard(f"{Path(path).name}: no card found: no name or e-mail could be read",
                       reading=reading)
    return reading
