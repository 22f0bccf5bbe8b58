"""`scan --two-sided`: images taken as the two sides of cards, in order (front, back, front,
back: the order a phone saves them); each pair filed as one contact (services/pairing.py)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from namecards import NamecardsError
from namecards.domain.events import event_for, link_contact
from namecards.domain.sides import merge_sides, two_people
from namecards.services.pairing import attach_back, is_photo, readable
from namecards.services.scanning import (
    IMAGE_SUFFIXES,
    back_result,
    check_languages,
    clean_fields,
    expand_paths,
    file_one,
    file_reading,
    load_image,
    scan_result,
    scanned_before,
    shown,
)
from namecards.store import Store


def scan_two_sided(
    store: Store | None,
    paths: list[str | os.PathLike],
    *,
    event: str | None = None,
    date: str | None = None,
    region: str | None = None,
    lang: str = "eng",
    dry_run: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[dict]:
    """Scan images as the two sides of cards: the 1st and 2nd image are one card, the 3rd
    and 4th the next, in the order `scan` takes them (folders sorted by file name). Each pair
    is one contact: the side that names the person is its front (the first, unless only the
    second has a name), the other its back. An odd image out is scanned as a one-sided card,
    its line carrying a `note` that says so. Two images that name two different people are
    filed as two contacts, with a note to check the order."""
    from ocr import read_cards

    check_languages(lang)
    files, errors = expand_paths(paths)
    yield from errors
    ev = event_for(store, event, date=date) if (store is not None and not dry_run) else None
    loaded: dict[int, tuple[bytes, str]] = {}
    early: dict[int, list[dict]] = {}  # results known before any OCR: errors, duplicates
    for i, path in enumerate(files):
        data, error = load_image(path)
        if error is not None:
            early[i] = [error]
            continue
        sha = hashlib.sha256(data).hexdigest()
        if store is not None and not dry_run:
            seen = scanned_before(store, sha)
            if seen:
                for row in seen:
                    if ev and row["contact_id"]:
                        link_contact(store, row["contact_id"], ev["id"])
                early[i] = [scan_result(path, "duplicate", contact_id=row["contact_id"])
                            for row in seen]
                continue
        loaded[i] = (data, sha)
    order = sorted(loaded)
    readings: dict[int, object] = {}
    if order:
        for i, (_, reading) in zip(order, read_cards([files[i] for i in order], region=region,
                                                     lang=lang, jobs=jobs, progress=progress)):
            readings[i] = reading
    for start in range(0, len(files), 2):
        pair = [i for i in (start, start + 1) if i < len(files)]
        if len(pair) == 1:
            i = pair[0]
            note = (f"{len(files)} images: {shown(files[i].name)} has no back to pair it "
                    "with; scanned as a one-sided card")
            for out in _single(store, files[i], loaded.get(i), readings.get(i), early.get(i),
                               ev, region, dry_run):
                yield {**out, "note": note}
            continue
        yield from _pair(store, files, pair, loaded, readings, early, ev, region, dry_run)


def _single(store, path: Path, loaded, reading, early, ev, region, dry_run) -> Iterator[dict]:
    """One image filed alone, as `scan` files it."""
    if early is not None:
        yield from early
        return
    data, sha = loaded
    yield from file_one(store, path, data, sha, reading, ev, region, dry_run)


def blank(reading) -> bool:
    """An image that is a picture with no text at all (a side with only a logo on it)."""
    from ocr import CardImageError

    return isinstance(reading, CardImageError) and "no text found" in str(reading)


def _pair(store, files, pair, loaded, readings, early, ev, region, dry_run) -> Iterator[dict]:
    from ocr import OcrError

    a, b = pair
    ra, rb = readable(readings.get(a)), readable(readings.get(b))
    photo = is_photo(readings.get(a)) or is_photo(readings.get(b))
    if photo or (a in early and b in early):
        # A photo of several cards, or nothing new on either side: each image as `scan` does.
        for i in pair:
            yield from _single(store, files[i], loaded.get(i), readings.get(i), early.get(i),
                               ev, region, dry_run)
        return
    if a in early or b in early:
        # One side scanned before (or unreadable as a file): the other joins that contact as
        # its back when it is one; otherwise it is filed alone.
        known, new = (a, b) if a in early else (b, a)
        yield from early[known]
        contact = next((r["contact_id"] for r in early[known] if r["status"] == "duplicate"),
                       None)
        side = readable(readings.get(new))
        if contact is not None and side is not None and not dry_run and store is not None:
            front = _scan_fields(store, contact)
            if front is not None and not two_people(front[1], clean_fields(side.fields)):
                data, sha = loaded[new]
                try:
                    merged = _attach(store, contact, front[0], front[1], front[2], files[new],
                                     data, sha, side)
                    yield back_result(files[new], contact, merged, side)
                    return
                except NamecardsError:
                    pass
        yield from _single(store, files[new], loaded.get(new), readings.get(new), None, ev,
                           region, dry_run)
        return
    # The front is the side that names the person: the first, unless only the second does.
    def named(r) -> bool:
        return r is not None and bool(r.fields.get("full_name") or r.fields.get("emails"))

    front, back = (a, b) if named(ra) or not named(rb) else (b, a)
    rf, rback = readable(readings.get(front)), readable(readings.get(back))
    if not named(rf):
        # Neither side names anyone: nothing to file; each image's own error.
        for i in pair:
            reading = readings.get(i)
            msg = str(reading) if isinstance(reading, OcrError) else \
                f"{shown(files[i])}: no name or e-mail on either side of this card"
            yield scan_result(files[i], "error", error=msg)
        return
    if rback is None and not blank(readings.get(back)):
        # The other image is not a card side we can keep (not an image, truncated): the
        # front is filed alone, and that image reports its own error.
        yield from _single(store, files[front], loaded.get(front), readings.get(front), None,
                           ev, region, dry_run)
        yield scan_result(files[back], "error", error=str(readings.get(back)))
        return
    fa = clean_fields(rf.fields)
    fb = clean_fields(rback.fields) if rback is not None else {}
    differ = two_people(fa, fb) if rback is not None else None
    if differ:
        note = (f"{shown(files[a].name)} and {shown(files[b].name)} are two people's cards "
                f"({differ}): filed as two contacts; check the order of the images")
        for i in pair:
            for out in _single(store, files[i], loaded.get(i), readings.get(i), None, ev,
                               region, dry_run):
                yield {**out, "note": note}
        return
    merged = merge_sides(fa, rf.confidence, fb, rback.confidence if rback is not None else {})
    if dry_run or store is None:
        yield scan_result(files[front], "parsed", fields=merged.fields, confidence=merged.confidence,
                      sources=getattr(rf, "sources", None))
        out = scan_result(files[back], "parsed", fields=merged.fields, confidence=merged.confidence)
        out["back_of"] = None
        yield out
        return
    data, sha = loaded[front]
    try:
        status, contact_id = file_reading(store, files[front], data, sha, rf, ev, region)
    except (NamecardsError, OSError) as e:
        reason = e.strerror if isinstance(e, OSError) else e
        for i in pair:
            yield scan_result(files[i], "error", error=f"{shown(files[i])}: {reason}")
        return
    if status == "duplicate":  # another process filed it meanwhile
        yield scan_result(files[front], status, contact_id=contact_id)
        return
    bdata, bsha = loaded[back]
    try:
        result = _attach(store, contact_id, sha, fa, rf.confidence, files[back], bdata, bsha,
                         rback)
    except (NamecardsError, OSError) as e:
        yield scan_result(files[front], status, contact_id=contact_id, fields=fa,
                      confidence=rf.confidence, sources=getattr(rf, "sources", None))
        reason = e.strerror if isinstance(e, OSError) else e
        yield scan_result(files[back], "error", error=f"{shown(files[back])}: {reason}")
        return
    yield scan_result(files[front], status, contact_id=contact_id, fields=result["fields"],
                  confidence=result["confidence"], sources=getattr(rf, "sources", None))
    yield back_result(files[back], contact_id, result, rback)


def _scan_fields(store: Store, contact_id: int) -> tuple[str, dict, dict] | None:
    """(key, fields, confidence) of the contact's latest front scan, or None."""
    row = next(store.db.query(
        "select sha256, fields, confidence from scans where contact_id = ? "
        "and coalesce(side, 'front') = 'front' order by id desc limit 1", [contact_id]), None)
    if row is None:
        return None
    try:
        return row["sha256"], json.loads(row["fields"] or "{}"), json.loads(
            row["confidence"] or "{}")
    except ValueError:
        return None


def _attach(store: Store, contact_id: int, front_key: str, front: dict, front_conf: dict,
            path: Path, data: bytes, sha: str, reading) -> dict:
    suffix = path.suffix.lower() if path.suffix.lower() in IMAGE_SUFFIXES else ".img"
    back = clean_fields(reading.fields) if reading is not None else {}
    return attach_back(store, contact_id, front_key, front, front_conf, reading, back, data=data,
                       sha=sha, suffix=suffix, source=shown(path))
