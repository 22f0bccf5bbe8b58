"""read_cards: many images through a process pool, results in input order, errors as values.
A photo of several cards yields a PhotoReading (ocr/table.py) instead of a CardReading."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .errors import OcrError
from .reading import CardReading
from .table import PhotoReading, read_photo

MAX_DEFAULT_JOBS = 8


def _exit_with_parent(parent: int) -> None:
    # A worker whose scan was killed (kill -9, a closed laptop lid) must not live on idle.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _init_worker() -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    # Each worker is one OCR at a time; Tesseract's own threads would only compete (RapidOCR's
    # ONNX Runtime gets one thread per process in ocr/rapid.py).
    os.environ["OMP_THREAD_LIMIT"] = "1"


def _read_one(path: str, region: str | None, lang: str) -> CardReading | PhotoReading | OcrError:
    try:
        return read_photo(path, region=region, lang=lang)
    except OcrError as e:
        return e
    except Exception as e:  # a bug or an odd file must not sink the whole batch
        return OcrError(f"{Path(path).name}: {type(e).__name__}: {e}")


def read_cards(
    paths: Iterable[str | Path],
    *,
    region: str | None = None,
    lang: str = "eng",
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[Path, CardReading | PhotoReading | OcrError]]:
    """Yield (path, CardReading, PhotoReading or OcrError) for each path, in input order.

    ``progress(done, total)`` counts cards: a photo of six cards adds six to ``done`` and
    five to ``total`` once it is read (a photo's cards are known only then)."""
    paths = [Path(p) for p in paths]
    total = len(paths)
    if not total:
        return
    # Each worker holds its own RapidOCR models (~0.5 GB resident): by default one per core,
    # but no more than MAX_DEFAULT_JOBS.
    jobs = max(1, min(jobs or min(os.cpu_count() or 1, MAX_DEFAULT_JOBS), total))
    os.environ["OMP_THREAD_LIMIT"] = "1"
    done = 0

    def count(res) -> None:
        nonlocal done, total
        cards = len(res.cards) if isinstance(res, PhotoReading) else 1
        done += cards
        total += cards - 1
        if progress:
            progress(done, total)

    if jobs == 1:
        for p in paths:
            res = _read_one(str(p), region, lang)
            count(res)
            yield p, res
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker) as ex:
        futures = [ex.submit(_read_one, str(p), region, lang) for p in paths]
        for p, fut in zip(paths, futures, strict=True):
            try:
                res = fut.result()
            except Exception as e:  # the worker died (out of memory, killed)
                res = OcrError(f"{p.name}: worker failed ({type(e).__name__})")
            count(res)
            yield p, res
