"""Scan review: the queue of scans nobody has checked yet, and storing the user's corrections.

A scan is waiting for review until the user accepts it. Accepted corrections are kept in
`scans.corrections` (only the fields that differ from what OCR read) and applied to the contact.
"""

from __future__ import annotations

import json
from pathlib import Path

from namecards.errors import NamecardsError, NotFound
from namecards.store import Store
from namecards.text import fold, normalise_email, normalise_phone

LOW_CONFIDENCE = 0.8
SCALAR_FIELDS = ("full_name", "title", "company", "website", "address")


def _scan_dict(store: Store, row: dict, threshold: float) -> dict:
    fields = json.loads(row["fields"] or "{}")
    confidence = json.loads(row["confidence"] or "{}")
    corrections = json.loads(row["corrections"] or "{}")
    low = sorted(k for k, v in confidence.items() if isinstance(v, (int, float)) and v < threshold)
    card = row["card_path"] or row["path"]
    return {
        "id": row["id"],
        "contact_id": row["contact_id"],
        "full_name": row["full_name"],
        "side": row.get("side"),  # "back": the other side of a card scanned on both
        "source": row["source"],
        "image": str(store.home / card) if card else None,
        "original": str(store.home / row["path"]) if row["path"] else None,
        "fields": fields,
        "confidence": confidence,
        "corrections": corrections,
        "low_fields": low,
        "min_confidence": min((confidence[k] for k in low), default=1.0),
        "reviewed": bool(row["reviewed"]),
        "engine": row["engine"],
        "created": row["created"],
    }


def scans_to_review(store: Store, *, threshold: float = LOW_CONFIDENCE) -> list[dict]:
    """Scans not yet accepted, least confident first (then oldest first)."""
    rows = store.db.query(
        "select scans.*, contacts.full_name from scans left join contacts "
        "on contacts.id = scans.contact_id where coalesce(scans.reviewed, 0) = 0 order by scans.id"
    )
    queue = [_scan_dict(store, r, threshold) for r in rows]
    queue.sort(key=lambda s: (s["min_confidence"], s["id"]))
    return queue


def review_count(store: Store) -> int:
    return next(store.db.query(
        "select count(*) as n from scans where coalesce(reviewed, 0) = 0"))["n"]


def get_scan(store: Store, scan_id: int, *, threshold: float = LOW_CONFIDENCE) -> dict:
    rows = list(store.db.query(
        "select scans.*, contacts.full_name from scans left join contacts "
        "on contacts.id = scans.contact_id where scans.id = ?", [scan_id]))
    if not rows:
        raise NotFound(f"no scan #{scan_id}")
    return _scan_dict(store, rows[0], threshold)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    return [str(v).strip() for v in value if str(v).strip()]


def accept_scan(store: Store, scan_id: int, fields: dict, *, region: str | None = None) -> dict:
    """Accept a scan with the user's fields: store what changed, update the contact, mark reviewed.

    `fields` uses the scan keys; `emails` and `phones` may be lists or comma-separated text.
    Returns the corrections stored (field -> corrected value).
    """
    scan = get_scan(store, scan_id)
    read = scan["fields"]
    corrections: dict = {}
    for key in SCALAR_FIELDS:
        if key not in fields:
            continue
        new = (fields.get(key) or "").strip() or None
        if new != ((read.get(key) or "").strip() or None):
            corrections[key] = new
    methods: dict[str, list[str]] = {}
    for key, normalise in (("emails", normalise_email), ("phones", normalise_phone)):
        if key not in fields:
            continue
        values = []
        for raw in _as_list(fields.get(key)):
            try:
                values.append(normalise(raw) if key == "emails" else normalise(raw, region))
            except ValueError as e:
                raise NamecardsError(str(e)) from None
        methods[key] = values
        if values != _as_list(read.get(key)):
            corrections[key] = values
    db = store.db
    contact_id = scan["contact_id"]
    with db.atomic():
        if contact_id is not None:
            # Against the contact as stored, not the reading: after a rescan the reading may
            # already say what the user accepts while the contact still has the old value.
            current = db["contacts"].get(contact_id)
            changes = {}
            for key in SCALAR_FIELDS:
                value = (fields.get(key) or "").strip() if key in fields else ""
                if scan.get("side") and key not in corrections:
                    # One side of a two-sided card: the contact took each field from the side
                    # that read it better (services/pairing.py); accepting this side as read
                    # must not put back what the other side read better (or the name in
                    # another script beside the Latin one).
                    continue
                if value and value != (current.get(key) or ""):
                    changes[key] = value
            if "full_name" in changes:
                from nameparser import HumanName

                parsed = HumanName(changes["full_name"])
                changes["given_name"] = " ".join(p for p in (parsed.first, parsed.middle) if p) or None
                changes["family_name"] = parsed.last or None
                changes["name_key"] = fold(changes["full_name"])
            if changes:
                changes["updated"] = store.now_iso()
                db["contacts"].update(contact_id, changes)
            for key, kind in (("emails", "email"), ("phones", "phone")):
                if key not in methods:
                    continue
                # Drop what OCR misread, keep anything added by hand since, add the fixes.
                for wrong in set(_as_list(read.get(key))) - set(methods[key]):
                    db.execute("delete from contact_methods where contact_id = ? and kind = ? "
                               "and value = ?", [contact_id, kind, wrong])
                for value in methods[key]:
                    db.execute("insert or ignore into contact_methods (contact_id, kind, value) "
                               "values (?, ?, ?)", [contact_id, kind, value])
        db["scans"].update(scan_id, {"corrections": json.dumps(corrections, ensure_ascii=False),
                                     "reviewed": 1})
    return corrections


def rescan(store: Store, scan_id: int, *, region: str | None = None, lang: str = "eng") -> dict:
    """Read the stored original again (another region or language); keep the new reading."""
    from ocr import read_card

    scan = get_scan(store, scan_id)
    if not scan["original"] or not Path(scan["original"]).exists():
        raise NamecardsError(f"scan #{scan_id}: the stored image is missing")
    # One card of a photo of several: read that card again, not the whole photo.
    place = _photo_place(store, scan_id)
    if place:
        from ocr.table import read_card_at

        reading = read_card_at(scan["original"], place["corners"], region=region, lang=lang)
    else:
        reading = read_card(scan["original"], region=region, lang=lang)
    store.db["scans"].update(scan_id, {
        "fields": json.dumps({**reading.fields, **({"photo": place} if place else {})},
                             ensure_ascii=False),
        "confidence": json.dumps(reading.confidence),
        "ocr_text": reading.raw_text,
        "words": json.dumps(reading.words),
        "name_boxes": json.dumps(reading.name_boxes),
        "engine": reading.engine,
    })
    return get_scan(store, scan_id)


def _photo_place(store: Store, scan_id: int) -> dict | None:
    row = next(store.db.query("select fields from scans where id = ?", [scan_id]), None)
    try:
        place = json.loads(row["fields"] or "{}").get("photo") if row else None
    except (ValueError, AttributeError):
        return None
    return place if isinstance(place, dict) and place.get("corners") else None
