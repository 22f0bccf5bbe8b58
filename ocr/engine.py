"""Tesseract calls (through pytesseract): availability checks, word boxes, orientation."""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import stat
import struct
import subprocess
import tempfile

import numpy as np
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
    lines = out.splitlines()
    m = re.search(r'"(.+)"', lines[0]) if lines else None  # List of … languages in "DIR" (n):
    if m:
        _tessdata_dir.append(m.group(1))
    return frozenset(ln.strip() for ln in lines[1:] if _LANG_LINE.match(ln.strip()))


_tessdata_dir: list[str] = []  # where --list-langs found the traineddata (set by the above)

# Components of a traineddata file (tesseract's tessdatamanager.h), LSTM-only models.
_TESSDATA_LSTM_SYSTEM_DAWG = 19  # "lstm-word-dawg": the word list
_MAX_ENTRIES = 64


def _without_word_list(src: str, dst: str) -> None:
    """Copy a traineddata file leaving out its LSTM word list.

    Tesseract reads the whole file on every start. Latin.traineddata is 89 MB, 88 MB of it the
    word list, which costs ~0.5 CPU seconds per process (more than reading a name line) and
    does not help with names. The format: int32 n, n int64 offsets (-1 = absent), data.
    """
    with open(src, "rb") as f:
        n = struct.unpack("<i", f.read(4))[0]
        if not 0 < n <= _MAX_ENTRIES or n <= _TESSDATA_LSTM_SYSTEM_DAWG:
            raise ValueError("unexpected traineddata header")
        offsets = struct.unpack(f"<{n}q", f.read(8 * n))
        size = os.fstat(f.fileno()).st_size
        present = sorted((o, i) for i, o in enumerate(offsets) if o >= 0)
        if _TESSDATA_LSTM_SYSTEM_DAWG not in {i for _, i in present}:
            raise ValueError("no word list")
        parts: dict[int, bytes] = {}
        for k, (o, i) in enumerate(present):
            end = present[k + 1][0] if k + 1 < len(present) else size
            if i != _TESSDATA_LSTM_SYSTEM_DAWG:
                f.seek(o)
                parts[i] = f.read(end - o)
    pos = 4 + 8 * n
    new = [-1] * n
    for i in sorted(parts):
        new[i] = pos
        pos += len(parts[i])
    with open(dst, "wb") as out:
        out.write(struct.pack("<i", n) + struct.pack(f"<{n}q", *new))
        for i in sorted(parts):
            out.write(parts[i])


@functools.lru_cache(maxsize=8)
def light_model(lang: str) -> str | None:
    """A --tessdata-dir holding ``lang`` without its word list; None when that cannot be made
    (then the installed model is used as it is).

    One private folder per user and source file (``ocr-tessdata-<uid>-<size>-<mtime>`` in the
    temporary directory, mode 0700, checked to be ours), shared by all processes and runs:
    worker processes end without atexit handlers, so per-process folders would be left behind.
    """
    installed_languages()
    if not _tessdata_dir or "/" in lang or "+" in lang:
        return None
    src = os.path.join(_tessdata_dir[0], f"{lang}.traineddata")
    try:
        st = os.stat(src)
        uid = os.getuid() if hasattr(os, "getuid") else 0
        tmp = os.path.join(
            tempfile.gettempdir(), f"ocr-tessdata-{uid}-{st.st_size}-{int(st.st_mtime)}"
        )
        try:
            os.mkdir(tmp, 0o700)
        except FileExistsError:
            pass
        own = os.lstat(tmp)
        if (
            not stat.S_ISDIR(own.st_mode)
            or own.st_mode & 0o077
            or (hasattr(os, "getuid") and own.st_uid != uid)
        ):
            return None  # not a private folder of ours: do not trust what is in it
        dst = os.path.join(tmp, f"{lang}.traineddata")
        if not os.path.exists(dst):
            part = f"{dst}.{os.getpid()}.part"
            _without_word_list(src, part)
            os.replace(part, dst)  # atomic: a concurrent process sees the whole file or none
    except (OSError, ValueError, struct.error):
        return None
    return tmp


class LanguageError(OcrError):
    """The languages asked for are not a valid Tesseract language list (a usage error)."""


_LANG_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:/[A-Za-z][A-Za-z0-9_]*)?$")


def check_lang(lang: str) -> None:
    """Raise LanguageError for an empty or malformed list, and OcrError naming each requested
    language whose traineddata Tesseract cannot find (and TESSDATA_PREFIX when it is set:
    then that folder is where Tesseract looked)."""
    codes = lang.split("+") if lang else []
    if not codes or not all(_LANG_CODE.match(c) for c in codes):
        raise LanguageError(
            f"not a Tesseract language list: {lang!r} (use codes such as eng or eng+deu; "
            "tesseract --list-langs shows what is installed)"
        )
    have = installed_languages()
    missing = [code for code in codes if code not in have]
    if not missing:
        return
    names = ", ".join(missing)
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix:
        where = _tessdata_dir[0] if _tessdata_dir else prefix
        raise OcrError(
            f"Tesseract finds no {names} model in {where} (TESSDATA_PREFIX={prefix}): point "
            "TESSDATA_PREFIX at the folder holding the .traineddata files, or unset it"
        )
    if not have:
        raise OcrError("Tesseract has no language data at all: apt-get install tesseract-ocr-eng")
    installed = ", ".join(sorted(have - {"osd"}))
    if all(re.fullmatch(r"[a-z]{3}(?:_[a-z]+)?", m) for m in missing):
        pkgs = " ".join("tesseract-ocr-" + m.replace("_", "-") for m in missing)
        raise LanguageError(
            f"Tesseract language not installed: {names} (apt-get install {pkgs}; "
            f"installed: {installed})"
        )
    raise LanguageError(f"unknown Tesseract language: {names} (installed: {installed})")


def _env_threads() -> None:
    # One OCR process per core is faster than Tesseract's OpenMP threads fighting each other.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _uncompressed(img: Image.Image) -> Image.Image:
    """Hand Tesseract a PNM file: pytesseract writes a PNG otherwise, and zlib-compressing a
    3000-pixel page costs ~0.2 CPU seconds per call, more than a line read."""
    if img.format is None and img.mode in ("L", "RGB"):
        img.format = "PPM"  # Pillow writes P5 (grey) or P6 (colour); Leptonica reads both
    return img


def image_words(img: Image.Image, *, lang: str, psm: int, config: str = "") -> list[dict]:
    """Words with boxes and confidence.

    Dicts with text, left, top, width, height, conf, block, par, line.
    """
    _env_threads()
    _binary()
    img = _uncompressed(img)
    config = f"{config} --dpi 300 --psm {psm}".strip()
    try:
        d = pytesseract.image_to_data(
            img, lang=lang, config=config, output_type=pytesseract.Output.DICT
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


def read_crops(crops: list[np.ndarray], *, lang: str) -> list[list[dict]]:
    """Words of each line crop (grey, dark on light, all of one height), read in one Tesseract
    run: the crops are stacked on a white page and each word goes back to the crop its centre
    lies in. One process start instead of one per line; --psm 6 reads the page as one block of
    uniform text, which the stacked crops are."""
    out: list[list[dict]] = [[] for _ in crops]
    keep = [i for i, c in enumerate(crops) if c.size and c.shape[0] > 4 and c.shape[1] > 4]
    if not keep:
        return out
    gap = max(crops[i].shape[0] for i in keep) // 2
    width = max(crops[i].shape[1] for i in keep) + 2 * gap
    height = sum(crops[i].shape[0] for i in keep) + gap * (len(keep) + 1)
    page = np.full((height, width), 255, np.uint8)
    bands = []
    y = gap
    for i in keep:
        c = crops[i]
        page[y : y + c.shape[0], gap : gap + c.shape[1]] = c
        bands.append((i, y, y + c.shape[0]))
        y += c.shape[0] + gap
    tessdata = light_model(lang) if lang == "Latin" else None
    config = f"--tessdata-dir {shlex.quote(tessdata)}" if tessdata else ""
    for w in image_words(Image.fromarray(page), lang=lang, psm=6, config=config):
        cy = w["top"] + w["height"] / 2
        for i, y0, y1 in bands:
            if y0 - gap / 2 <= cy < y1 + gap / 2:
                out[i].append({**w, "left": w["left"] - gap, "top": w["top"] - y0})
                break
    for words in out:
        words.sort(key=lambda w: w["left"])
    return out


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
