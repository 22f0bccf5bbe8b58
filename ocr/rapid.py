"""RapidOCR: text lines with word boxes from the PP-OCR ONNX models shipped in its wheel.

Only the three bundled models are used, named by path: given no path, rapidocr looks a model
up by name and downloads it when the file is missing or its checksum differs, and we never go
on the network. One ONNX runtime thread per process: a batch runs one process per core.
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

import numpy as np

from .errors import OcrError

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"
MAX_SIDE = 2000  # rapidocr's own bound; our images are scaled below it before they get here

_lock = threading.Lock()


class RapidUnavailable(OcrError):
    """RapidOCR or its ONNX runtime cannot be loaded (the reading goes on with Tesseract)."""


def _models_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


@functools.lru_cache(maxsize=1)
def _engine():
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        from rapidocr import RapidOCR
    except Exception as e:  # a broken install must not cost the card: Tesseract still reads
        raise RapidUnavailable(f"RapidOCR cannot be loaded ({type(e).__name__}: {e})") from None
    models = _models_dir()
    paths = {k: models / name for k, name in (("Det", DET_MODEL), ("Rec", REC_MODEL),
                                                  ("Cls", CLS_MODEL))}
    missing = [p.name for p in paths.values() if not p.is_file()]
    if missing:
        raise RapidUnavailable(f"RapidOCR's bundled models are missing: {', '.join(missing)}")
    params = {
        "Global.log_level": "error",
        "Global.use_cls": False,  # orientation is decided for the whole card, not per line
        "Global.return_word_box": True,
        "Global.text_score": 0.0,  # keep every line; weak ones are judged by the caller
        "Global.max_side_len": MAX_SIDE,
        "Det.limit_type": "max",  # the caller has scaled the image: never enlarge it again
        "Det.limit_side_len": MAX_SIDE,
        # One line at a time: a batch is padded to its widest line, and on one thread that
        # padding costs more than it saves (card_004: 1.08 vs 1.48 CPU s a card with 6).
        "Rec.rec_batch_num": 1,
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    for key, path in paths.items():
        params[f"{key}.model_path"] = str(path)
    try:
        engine = RapidOCR(params=params)
    except Exception as e:
        raise RapidUnavailable(f"RapidOCR cannot start ({type(e).__name__}: {e})") from None
    return engine


def available() -> bool:
    """Whether RapidOCR and its bundled models can be loaded in this process."""
    try:
        _engine()
    except RapidUnavailable:
        return False
    return True


@functools.lru_cache(maxsize=1)
def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return f"rapidocr {dist_version('rapidocr')}"
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "rapidocr"


def _box(points) -> list[int]:
    a = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    x0, y0 = a.min(axis=0)
    x1, y1 = a.max(axis=0)
    return [int(round(x0)), int(round(y0)), max(1, int(round(x1 - x0))), max(1, int(round(y1 - y0)))]


def read_lines(rgb: np.ndarray) -> list[dict]:
    """Text lines of an RGB image, top to bottom.

    Each line: text, conf (0..100), box [left, top, width, height], quad (4 points), angle
    (degrees, the line's slope) and words (text, conf, left, top, width, height). The words
    are rapidocr's own split; the line text is rebuilt from them, because its recogniser
    sometimes leaves out the space between two words it boxes apart ("WESLEYYAN").
    """
    engine = _engine()
    # One engine per process; use_* are stored on it by each call, so always pass them all.
    with _lock:
        try:
            res = engine(np.ascontiguousarray(rgb), use_det=True, use_rec=True)
        except Exception as e:
            raise OcrError(f"RapidOCR failed ({type(e).__name__}: {e})") from None
    txts = list(res.txts or [])
    if not txts:
        return []
    boxes = list(res.boxes) if res.boxes is not None else []
    scores = list(res.scores or [])
    words_all = list(res.word_results or [])
    aligned = len(words_all) == len(txts)  # rapidocr drops empty word lists, shifting them
    lines = []
    for i, text in enumerate(txts):
        quad = np.asarray(boxes[i], dtype=np.float64).reshape(-1, 2)
        box = _box(quad)
        conf = float(scores[i]) * 100 if i < len(scores) else 0.0
        words = []
        for item in (words_all[i] if aligned else ()) or ():
            wtext, wconf, wbox = item[0], item[1], item[2]
            if not str(wtext).strip() or wbox is None:
                continue
            left, top, width, height = _box(wbox)
            words.append({"text": str(wtext).strip(), "conf": float(wconf) * 100,
                          "left": left, "top": top, "width": width, "height": height})
        if not words or "".join(w["text"] for w in words).replace(" ", "") != text.replace(" ", ""):
            words = _split_evenly(text, box, conf)
        dx, dy = quad[1] - quad[0]
        # The text's own height is the quad's short side: a line set upright has a tall box.
        height = float(min(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[3] - quad[0])))
        lines.append({"text": " ".join(w["text"] for w in words), "conf": conf, "box": box,
                      "quad": quad.tolist(), "angle": float(np.degrees(np.arctan2(dy, dx))),
                      "height": height, "words": words})
    lines.sort(key=lambda ln: (ln["box"][1] + ln["box"][3] / 2, ln["box"][0]))
    return lines


def detect_quads(rgb: np.ndarray) -> list[np.ndarray]:
    """Where text lines are (4 corner points each), without reading them: the cheap half."""
    engine = _engine()
    with _lock:
        try:
            res = engine(np.ascontiguousarray(rgb), use_det=True, use_rec=False)
        except Exception as e:
            raise OcrError(f"RapidOCR failed ({type(e).__name__}: {e})") from None
    boxes = getattr(res, "boxes", None)
    return [] if boxes is None else [np.asarray(b, dtype=np.float64).reshape(4, 2) for b in boxes]


def _split_evenly(text: str, box: list[int], conf: float) -> list[dict]:
    """Word boxes for a line whose word boxes are missing: its width shared by characters."""
    parts = text.split()
    if not parts:
        return []
    left, top, width, height = box
    per_char = width / max(1, len(text))
    out, pos = [], 0
    for p in parts:
        start = text.index(p, pos)
        out.append({"text": p, "conf": conf, "left": int(left + start * per_char), "top": top,
                    "width": max(1, int(len(p) * per_char)), "height": height})
        pos = start + len(p)
    return out
