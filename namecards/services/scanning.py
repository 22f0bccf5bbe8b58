"""Scanning: card photos in, contacts out. OCR is `ocr`'s job; this module files the results."""

from __future__ import annotations

import hashlib
import io
import json
import os
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from namecards import NamecardsError, UsageError
from namecards.domain.contacts import add_contact, add_methods, claim_reading, update_contact
from namecards.domain.events import event_for, link_contact
from namecards.services.pairing import is_photo
from namecards.store import Store

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".heic", ".heif"}
MAX_IMAGE_BYTES = 100_000_000
FIELD_KEYS = ("full_name", "given_name", "family_name", "title", "company", "emails", "phones",
              "website", "address")


def shown(path: str | os.PathLike) -> str:
    """A path as we print and store it: a file name that is not UTF-8 (Latin-1 bytes from an
    old camera or a zip) comes from the OS with surrogates, which no terminal, JSON line or
    SQLite text can carry; each undecodable byte becomes U+FFFD."""
    text = os.fspath(path)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def expand_paths(paths: list[str | os.PathLike]) -> tuple[list[Path], list[dict]]:
    """Files named, and image files found in folders (sorted); an error for each path that
    isn't there and each folder that cannot be opened (its cards would be missed unseen)."""
    files: list[Path] = []
    errors: list[dict] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []

            def unreadable(e: OSError) -> None:
                where = e.filename if e.filename is not None else path
                errors.append(scan_result(where, "error", error=f"{shown(where)}: cannot open this "
                                      f"folder ({e.strerror or e}); nothing in it was scanned"))

            for root, dirs, names in os.walk(path, followlinks=False, onerror=unreadable):
                dirs.sort()
                found += [Path(root) / n for n in names
                          if Path(n).suffix.lower() in IMAGE_SUFFIXES and not n.startswith(".")]
            files += sorted(found)
        elif path.exists():
            files.append(path)
        else:
            errors.append(scan_result(path, "error", error=f"{shown(path)}: no such file or folder"))
    return files, errors


COUNT_WORDS = {  # status -> (one, many), as the summary line says them
    "added": ("added", "added"),
    "updated": ("updated", "updated"),
    "back": ("back", "backs"),
    "duplicate": ("duplicate", "duplicates"),
    "parsed": ("parsed", "parsed"),
    "error": ("error", "errors"),
}


def scan_summary(counts: dict[str, int]) -> str:
    """'2 added, 1 duplicate, 3 errors' (statuses in a fixed order), or 'no images'."""
    order = list(COUNT_WORDS) + sorted(set(counts) - set(COUNT_WORDS))
    parts = []
    for status in order:
        n = counts.get(status, 0)
        if n:
            one, many = COUNT_WORDS.get(status, (status, status))
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts) or "no images"


def scan_result(path, status, *, contact_id=None, fields=None, confidence=None, error=None,
            sources=None, card=None) -> dict:
    out = {
        "file": shown(path),
        "status": status,
        "contact_id": contact_id,
        "fields": {k: (fields or {}).get(k, [] if k in ("emails", "phones") else None)
                   for k in FIELD_KEYS} if fields is not None else None,
        "confidence": confidence or {},
        # The engine(s) behind each field: "rapidocr", "tesseract", or both when they agreed.
        "source": {k: v for k, v in (sources or {}).items() if k in FIELD_KEYS},
        "error": shown(error) if error is not None else None,
    }
    if card is not None:  # one card of a photo of several: (k, n), k None for a photo's problem
        out["card"], out["of"] = card
    return out


def file_one(store: Store | None, path: Path, data: bytes, sha: str, reading, ev, region,
             dry_run: bool = False) -> Iterator[dict]:
    """One image's reading filed as `scan` files it (or only parsed, on a dry run): its
    result lines, one per card for a photo of several. `scan`, `scan --two-sided` and the
    folder watcher all file through here."""
    from ocr import OcrError

    if isinstance(reading, OcrError):
        yield scan_result(path, "error", error=str(reading))
        return
    if is_photo(reading):
        yield from file_photo(store, path, data, sha, reading, ev, region, dry_run)
        return
    fields = clean_fields(reading.fields)
    sources = getattr(reading, "sources", None)
    if dry_run or store is None:
        yield scan_result(path, "parsed", fields=fields, confidence=reading.confidence,
                          sources=sources)
        return
    try:
        status, contact_id = file_reading(store, path, data, sha, reading, ev, region)
    except NamecardsError as e:
        yield scan_result(path, "error", fields=fields, confidence=reading.confidence,
                          error=f"{shown(path)}: {e}")
        return
    except OSError as e:  # disk full, home gone read-only: nothing was filed for this card
        yield scan_result(path, "error", fields=fields, confidence=reading.confidence,
                          error=f"{shown(path)}: cannot store it in {store.home} "
                          f"({e.strerror or e})")
        return
    yield scan_result(path, status, contact_id=contact_id, fields=fields,
                      confidence=reading.confidence, sources=sources)


def check_languages(lang: str) -> None:
    """A bad language is one usage error before any file is read, not the same error per file;
    Tesseract's models not found (TESSDATA_PREFIX) is one error too."""
    import ocr

    check = getattr(ocr, "check_lang", None)
    if check is None:
        return
    try:
        check(lang)
    except ocr.OcrError as e:
        if type(e).__name__ == "LanguageError":
            raise UsageError(str(e), option="lang") from None
        raise NamecardsError(str(e)) from None


def load_image(path: Path) -> tuple[bytes | None, dict | None]:
    """The file's bytes, or its one-line error result: a FIFO or device named card.jpg would
    block the read forever, a huge file would fill memory; neither is a card photo."""
    try:
        if not path.is_file():
            what = "a broken link" if path.is_symlink() and not path.exists() else \
                "not a regular file"
            return None, scan_result(path, "error", error=f"{shown(path)}: {what}")
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            return None, scan_result(path, "error", error=f"{shown(path)}: too large to be a card "
                                 f"photo ({size // 1_000_000} MB)")
        return path.read_bytes(), None
    except OSError as e:
        return None, scan_result(path, "error", error=f"{shown(path)}: cannot read it ({e.strerror})")


def scan(
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
    """Read card images and file each as a contact; yield one result dict per image.

    Statuses: added, updated (same e-mail or phone as a known contact), back (the other side
    of the card just before it, filed with it: `back_of`, see services/pairing.py), duplicate
    (an image scanned before), parsed (under dry_run, which writes nothing), error (with a
    one-line reason).
    """
    from ocr import OcrError, read_cards

    check_languages(lang)
    files, errors = expand_paths(paths)
    yield from errors
    ev = event_for(store, event, date=date) if (store is not None and not dry_run) else None
    pending: list[tuple[Path, bytes, str]] = []
    for path in files:
        data, error = load_image(path)
        if error is not None:
            yield error
            continue
        sha = hashlib.sha256(data).hexdigest()
        if store is not None and not dry_run:
            seen = scanned_before(store, sha)
            if seen:
                for k, row in enumerate(seen, 1):
                    if ev and row["contact_id"]:
                        link_contact(store, row["contact_id"], ev["id"])
                    yield scan_result(path, "duplicate", contact_id=row["contact_id"],
                                  card=(k, len(seen)) if len(seen) > 1 else None)
                continue
        pending.append((path, data, sha))
    if not pending:
        return
    readings = read_cards([p for p, _, _ in pending], region=region, lang=lang, jobs=jobs,
                          progress=progress)
    backs = None
    if store is not None and not dry_run:
        from namecards.services.pairing import BackTracker

        backs = BackTracker(files)
    for (path, data, sha), (_, reading) in zip(pending, readings):
        back = _file_back(store, backs, path, data, sha, reading) if backs else None
        if back is not None:
            yield back
            continue
        for result in file_one(store, path, data, sha, reading, ev, region, dry_run):
            if (backs and result["status"] in ("added", "updated")
                    and not isinstance(reading, OcrError) and not is_photo(reading)):
                backs.filed(path, sha, clean_fields(reading.fields), reading.confidence,
                            result["contact_id"], reading.raw_text)
            yield result


def scanned_before(store: Store, sha: str) -> list[dict]:
    """The scan records of an image scanned before: one, or one per card of a photo of
    several (keyed "<sha>#<k>")."""
    rows = list(store.db.query(
        "select sha256, contact_id from scans where sha256 = ? or sha256 like ? "
        "order by id", [sha, f"{sha}#%"]))
    return rows


def file_photo(store, path: Path, data: bytes, sha: str, photo, ev, region,
                dry_run: bool) -> Iterator[dict]:
    """One result per card of a photo of several (``"card": k, "of": n``), each filed as
    its own contact with its own flat card image and a scan record saying where in the photo
    it lay; then one error per card that was cut off or too small."""
    from ocr import OcrError

    n = len(photo.cards)
    for k, (reading, corners) in enumerate(zip(photo.cards, photo.corners, strict=True), 1):
        where = (k, n)
        if isinstance(reading, OcrError):
            yield scan_result(path, "error", error=f"{shown(path)}: card {k} of {n}: "
                          f"{str(reading).split(': ', 1)[-1]}", card=where)
            continue
        fields = clean_fields(reading.fields)
        sources = getattr(reading, "sources", None)
        if dry_run or store is None:
            yield scan_result(path, "parsed", fields=fields, confidence=reading.confidence,
                          sources=sources, card=where)
            continue
        place = {"card": k, "of": n, "corners": corners}
        try:
            status, contact_id = file_reading(store, path, data, sha, reading, ev, region,
                                              place=place)
        except NamecardsError as e:
            yield scan_result(path, "error", fields=fields, confidence=reading.confidence,
                          error=f"{shown(path)}: card {k} of {n}: {e}", card=where)
            continue
        except OSError as e:
            yield scan_result(path, "error", fields=fields, confidence=reading.confidence,
                          error=f"{shown(path)}: card {k} of {n}: cannot store it in "
                          f"{store.home} ({e.strerror or e})", card=where)
            continue
        yield scan_result(path, status, contact_id=contact_id, fields=fields,
                      confidence=reading.confidence, sources=sources, card=where)
    for problem in photo.problems:
        yield scan_result(path, "error", error=f"{shown(path)}: {problem}", card=(None, n))


def file_reading(store: Store, path: Path, data: bytes, sha: str, reading, ev, region,
                 place: dict | None = None) -> tuple[str, int]:
    """Store one card reading: images first (atomically), then contact and scan in one commit.

    ``place``: the card is one of several in the photo (``{"card": k, "of": n, "corners"}``);
    its scan record is keyed "<sha>#<k>", keeps its own flat card image, and notes its place
    in the fields JSON under "photo"."""
    from namecards.privacy import strip_location

    fields = clean_fields(reading.fields)
    suffix = path.suffix.lower() if path.suffix.lower() in IMAGE_SUFFIXES else ".img"
    # The stored copy leaves out where the photo was taken; `sha` stays the original's, so
    # scanning the same file again is still recognised as a duplicate.
    _, original_rel = store.save_image(strip_location(data), suffix)
    card_rel = None
    if getattr(reading, "card_image", None) is not None:
        buf = io.BytesIO()
        reading.card_image.convert("RGB").save(buf, "JPEG", quality=88)
        card_rel = f"cards/{sha}.{place['card']}.card.jpg" if place else f"cards/{sha}.card.jpg"
        from namecards.store import write_private_file

        write_private_file(store.home / card_rel, buf.getvalue())
    emails, phones = fields.get("emails") or [], fields.get("phones") or []
    key = f"{sha}#{place['card']}" if place else sha
    db = store.db
    with db.atomic():
        # Another scan (another process) may have filed this image since we looked.
        seen = next(db.query("select contact_id from scans where sha256 = ?", [key]), None)
        if seen:
            if ev and seen["contact_id"]:
                link_contact(store, seen["contact_id"], ev["id"])
            return "duplicate", seen["contact_id"]
        dupes = claim_reading(store, fields)
        if dupes:
            contact_id, status = dupes[0], "updated"
            update_contact(store, contact_id, fields, fill_only=True)
            add_methods(store, contact_id, {"email": emails, "phone": phones,
                                             "url": [fields["website"]] if fields.get("website") else []})
            if ev:
                link_contact(store, contact_id, ev["id"])
        else:
            name = fields.get("full_name") or _placeholder_name(fields, path)
            contact_id = add_contact(
                store, name, title=fields.get("title"), company=fields.get("company"),
                emails=emails, phones=phones, website=fields.get("website"),
                urls=[fields["website"]] if fields.get("website") else [],
                address=fields.get("address"), given_name=fields.get("given_name"),
                family_name=fields.get("family_name"), event=ev["name"] if ev else None,
                region=region, force=True,
            )
            status = "added"
        db["scans"].insert(
            {
                "sha256": key, "path": original_rel, "card_path": card_rel, "source": shown(path),
                "ocr_text": reading.raw_text, "words": json.dumps(reading.words),
                "name_boxes": json.dumps(reading.name_boxes),
                # Which engine read each field rides along in the fields JSON ("sources").
                "fields": json.dumps({**fields, "sources": getattr(reading, "sources", {}),
                                      **({"photo": place} if place else {})}),
                "confidence": json.dumps(reading.confidence), "engine": reading.engine,
                "seconds": getattr(reading, "seconds", None), "contact_id": contact_id,
                "reviewed": 0, "created": store.now_iso(),
            }
        )
    return status, contact_id


def clean_fields(fields: dict) -> dict:
    """OCR output is untrusted text: drop control characters (a terminal escape in a "name"
    would reach every listing) and collapse the whitespace they leave; addresses keep lines."""

    def clean(value, keep_lines=False):
        if isinstance(value, list):
            return [v for v in (clean(x) for x in value) if v]
        if not isinstance(value, str):
            return value
        lines = value.split("\n") if keep_lines else [value]
        out = []
        for line in lines:
            line = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in line)
            out.append(" ".join(line.split()))
        return "\n".join(x for x in out if x) or None

    return {k: clean(v, keep_lines=(k == "address")) for k, v in fields.items()}


def _placeholder_name(fields: dict, path: Path) -> str:
    # No name read: keep the contact under something recognisable, to be fixed in scan review.
    if fields.get("emails"):
        return fields["emails"][0].split("@")[0]
    return f"Unknown ({shown(path.name)})"


def _file_back(store: Store, backs, path: Path, data: bytes, sha: str, reading) -> dict | None:
    """The result line for `reading` (read from `path`) filed as the back of the card filed
    just before it (see services/pairing.py), or None when it is not that card's back."""
    from namecards.services.pairing import attach_back, readable

    side = readable(reading)
    back = clean_fields(side.fields) if side is not None else None
    front = backs.front_of(path, back, side.raw_text if side is not None else "")
    if front is None:
        return None
    suffix = path.suffix.lower() if path.suffix.lower() in IMAGE_SUFFIXES else ".img"
    try:
        merged = attach_back(store, front["contact_id"], front["key"], front["fields"],
                             front["confidence"], side, back, data=data, sha=sha, suffix=suffix,
                             source=shown(path))
    except NamecardsError:
        return None  # filed meanwhile by another scan: the usual path says "duplicate"
    except OSError as e:
        return scan_result(path, "error", error=f"{shown(path)}: cannot store it in {store.home} "
                       f"({e.strerror or e})")
    return back_result(path, front["contact_id"], merged, side)


def back_result(path: Path, contact_id: int, merged: dict, reading) -> dict:
    """A back's result line: status "back", `back_of` the contact's id, `back_of_name` its
    name, and the fields both sides make together (as the contact now holds them)."""
    out = scan_result(path, "back", contact_id=contact_id, fields=merged["fields"],
                  confidence=merged["confidence"],
                  sources=getattr(reading, "sources", None) if reading is not None else None)
    out["back_of"] = contact_id
    out["back_of_name"] = merged["name"]
    return out
