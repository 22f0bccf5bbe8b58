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


def line_words_light(img: Image.Image, *, lang: str, psm: int = 7) -> list[dict]:
    """Words of a line (--psm 7) or a few (--psm 6) read with ``lang`` but no word lists.

    For re-reading a short crop with a big model: its word list (copied away, see
    light_model) and the punctuation and number lists (not loaded) cost more CPU than the
    reading itself, and they do not help with names.
    """
    tessdata = light_model(lang)
    config = "-c load_punc_dawg=0 -c load_number_dawg=0"
    if tessdata:
        config = f"--tessdata-dir {shlex.quote(tessdata)} {config}"
    return image_words(img, lang=lang, psm=psm, config=config)


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
