"""Tesseract calls (through pytesseract): availability checks, word boxes, orientation."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess

import pytesseract
from PIL import Image

from .errors import OcrError, TesseractMissing

MISSING = "Tesseract is not installed: apt-get install tesseract-ocr"


@functools.lru_cache(maxsize=1)
def _binary() -> str:
    cmd = pytesseract.pytesseract.tesseract_cmd
    found = shutil.which(cmd)
    if not found:
        raise TesseractMissing(MISSING)
    return found


def check_tesseract() -> None:
    """Raise TesseractMissing unless the binary is on PATH."""
    _binary()


@functools.lru_cache(maxsize=1)
def engine_version() -> str:
    _binary()
    try:
        return f"tesseract {pytesseract.get_tesseract_version()}"
    except pytesseract.TesseractNotFoundError:
        raise TesseractMissing(MISSING) from None


_LANG_LINE = re.compile(r"^[A-Za-z0-9_/.-]+$")


@functools.lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    """Language codes of the installed traineddata, as ``tesseract --list-langs`` prints them.

    Not pytesseract.get_languages: it keeps only lowercase codes, so it drops the script
    models ("Latin", "script/Latin").
    """
    try:
        out = subprocess.run(
            [_binary(), "--list-langs"], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        raise TesseractMissing(MISSING) from None
    lines = out.splitlines()[1:]  # the first line is 'List of available languages in "…" (n):'
    return frozenset(ln.strip() for ln in lines if _LANG_LINE.match(ln.strip()))


def check_lang(lang: str) -> None:
    """Raise OcrError naming each requested language whose traineddata is not installed."""
    have = installed_languages()
    missing = [code for code in lang.split("+") if code and code not in have]
    if missing:
        pkgs = " ".join("tesseract-ocr-" + m.lower().replace("_", "-") for m in missing)
        names = ", ".join(missing)
        raise OcrError(f"Tesseract language data not installed: {names} (apt-get install {pkgs})")


def _env_threads() -> None:
    # One OCR process per core is faster than Tesseract's OpenMP threads fighting each other.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _uncompressed(img: Image.Image) -> Image.Image:
    """Hand Tesseract a PNM file: pytesseract writes a PNG otherwise, and zlib-compressing a
    3000-pixel page costs ~0.2 CPU seconds per call, more than a line read."""
    if img.format is None and img.mode in ("L", "RGB"):
        img.format = "PPM"  # Pillow writes P5 (grey) or P6 (colour); Leptonica reads both
    return img


def image_words(img: Image.Image, *, lang: str, psm: int) -> list[dict]:
    """Words with boxes and confidence.

    Dicts with text, left, top, width, height, conf, block, par, line.
    """
    _env_threads()
    _binary()
    img = _uncompressed(img)
    try:
        d = pytesseract.image_to_data(
            img, lang=lang, config=f"--dpi 300 --psm {psm}", output_type=pytesseract.Output.DICT
        )
    except pytesseract.TesseractNotFoundError:
        raise TesseractMissing(MISSING) from None
    except pytesseract.TesseractError as e:
        raise OcrError(
            f"tesseract failed: {str(e.message).strip().splitlines()[-1] if e.message else e}"
        ) from None
    words = []
    for i, text in enumerate(d["text"]):
        text = (text or "").strip()
        conf = float(d["conf"][i])
        if not text or conf < 0:
            continue
        words.append(
            {
                "text": text,
                "left": int(d["left"][i]),
                "top": int(d["top"][i]),
                "width": int(d["width"][i]),
                "height": int(d["height"][i]),
                "conf": conf,
                "block": int(d["block_num"][i]),
                "par": int(d["par_num"][i]),
                "line": int(d["line_num"][i]),
            }
        )
    return words


def image_line(img: Image.Image, *, lang: str) -> str:
    """One line of text read with --psm 7 (for re-reading a garbled line crop)."""
    _env_threads()
    _binary()
    img = _uncompressed(img)
    try:
        out = pytesseract.image_to_string(img, lang=lang, config="--dpi 300 --psm 7")
    except pytesseract.TesseractNotFoundError:
        raise TesseractMissing(MISSING) from None
    except pytesseract.TesseractError:
        return ""
    return " ".join(out.split())


_ROT = re.compile(r"Rotate:\s*(\d+)")
_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


def orientation(img: Image.Image) -> tuple[int, float]:
    """Degrees to rotate (clockwise) to make the text upright, and OSD's confidence."""
    _env_threads()
    _binary()
    img = _uncompressed(img)
    try:
        out = pytesseract.image_to_osd(img, config="--dpi 300 --psm 0")
    except pytesseract.TesseractNotFoundError:
        raise TesseractMissing(MISSING) from None
    except pytesseract.TesseractError:
        return 0, 0.0  # too little text for OSD
    rot = _ROT.search(out)
    conf = _CONF.search(out)
    return (int(rot.group(1)) if rot else 0), (float(conf.group(1)) if conf else 0.0)
