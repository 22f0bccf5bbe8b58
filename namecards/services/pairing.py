"""Both sides of a card: a back filed with its front as one contact.

Two ways in: `scan --two-sided` pairs the images in order (front, back, front, back: the order
a phone saves them), and a plain scan takes an image for the back of the card just before it
when the two carry the same person's e-mail or mobile, or the second names nobody (a logo side)
and shares the first's website or phone (see `namecards.domain.sides`). Both images are kept,
each with its own scan record (`side` "front" or "back"); the front stays the drill's and the
review's cue; the contact takes each field from the side that read it more confidently.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from namecards import NamecardsError
from namecards.domain.contacts import add_methods, split_name, update_contact
from namecards.domain.matching import Identity
from namecards.domain.sides import (
    NAME_KEYS,
    SCALAR_KEYS,
    back_evidence,
    merge_sides,
    same_side,
)
from namecards.store import Store

# This module files; services/scanning.py (which calls it) builds the result lines, so it
# imports nothing from there.


def readable(reading) -> object | None:
    """The CardReading of a result from `ocr.read_cards`: the reading itself, or what a
    NotACard error read (a logo side: text, but no name or e-mail); None otherwise."""
    if hasattr(reading, "fields") and hasattr(reading, "confidence"):
        return reading
    inner = getattr(reading, "reading", None)
    return inner if inner is not None and hasattr(inner, "fields") else None


def is_photo(reading) -> bool:
    return hasattr(reading, "cards") and hasattr(reading, "corners")  # ocr.PhotoReading


def attach_back(store: Store, contact_id: int, front_key: str, front: dict, front_conf: dict,
                reading, back: dict, *, data: bytes, sha: str, suffix: str, source: str) -> dict:
    """File `reading` (its fields cleaned: `back`; None for a side with no text at all) as
    the back of the card whose scan is keyed `front_key` and filed as `contact_id`; `data` is
    the image (`sha` its SHA-256, `suffix` its stored extension, `source` where it was).
    The contact takes each field the back reads more confidently, unless that field no longer
    holds what the front read (the user's own edit, or an older card's value: those stay); the
    back's e-mails and phones are added; a name in another script is kept as `alt_name`.
    Raises NamecardsError when the image was filed meanwhile (another scan). Returns the merged
    fields (`"fields"`, `"confidence"`) as the contact now holds them and its `"name"`."""
    from namecards.privacy import strip_location
    from namecards.store import write_private_file

    back_conf = dict(reading.confidence) if reading is not None else {}
    merged = merge_sides(front, front_conf, back, back_conf)
    _, original_rel = store.save_image(strip_location(data), suffix)
    card_rel = None
    if reading is not None and getattr(reading, "card_image", None) is not None:
        buf = io.BytesIO()
        reading.card_image.convert("RGB").save(buf, "JPEG", quality=88)
        card_rel = f"cards/{sha}.card.jpg"
        write_private_file(store.home / card_rel, buf.getvalue())
    db = store.db
    with db.atomic():
        if next(db.query("select 1 from scans where sha256 = ?", [sha]), None):
            raise NamecardsError("scanned before, in another scan")
        current = db["contacts"].get(contact_id)
        changes: dict = {}
        name_from_back = merged.origin.get("full_name") == "back"
        if name_from_back and _replaceable(current["full_name"], front.get("full_name"),
                                           placeholder=True,
                                           emails=list(front.get("emails") or [])):
            changes.update({k: merged.fields.get(k) for k in NAME_KEYS})
            if not (changes["given_name"] or changes["family_name"]):
                changes["given_name"], changes["family_name"] = split_name(changes["full_name"])
        for key in SCALAR_KEYS:
            if merged.origin.get(key) == "back" and _replaceable(current.get(key),
                                                                 front.get(key)):
                changes[key] = merged.fields[key]
        if merged.alt_name and not current.get("alt_name"):
            changes["alt_name"] = merged.alt_name
        if changes:
            update_contact(store, contact_id, changes)
        add_methods(store, contact_id, {
            "email": list(back.get("emails") or []), "phone": list(back.get("phones") or []),
            "url": [back["website"]] if back.get("website") else []})
        db.execute("update scans set side = 'front' where sha256 = ?", [front_key])
        db["scans"].insert({
            "sha256": sha, "path": original_rel, "card_path": card_rel, "source": source,
            "ocr_text": reading.raw_text if reading is not None else "",
            "words": json.dumps(reading.words if reading is not None else []),
            "name_boxes": json.dumps(reading.name_boxes if reading is not None else []),
            "fields": json.dumps({**back, "sources": getattr(reading, "sources", {}) or {}}),
            "confidence": json.dumps(back_conf),
            "engine": reading.engine if reading is not None else None,
            "seconds": getattr(reading, "seconds", None), "contact_id": contact_id,
            "reviewed": 0, "created": store.now_iso(), "side": "back",
        })
    row = db["contacts"].get(contact_id)
    fields = dict(merged.fields)
    for key in (*NAME_KEYS, *SCALAR_KEYS):
        fields[key] = row.get(key)
    return {"fields": fields, "confidence": merged.confidence, "name": row["full_name"]}


def _replaceable(current: str | None, front_read: str | None, *, placeholder: bool = False,
                 emails: list[str] = ()) -> bool:
    """Whether a contact's field may take the back's reading: it is empty, holds what the front
    read, or (for a name) is the stand-in for a name not read ("Unknown (card.jpg)")."""
    if not current:
        return True
    if front_read and current == front_read:
        return True
    if placeholder and not front_read:
        # The front read no name: the contact's name is a stand-in ("Unknown (card.jpg)", an
        # e-mail's local part), unless the front was filed with someone known before.
        return Identity(name=current, emails=emails).placeholder_name
    return False


class BackTracker:
    """For a plain scan: remembers the card filed just before, so the next image can be taken
    as its back (`namecards.domain.sides.back_evidence`). Only an image that comes right after
    a card filed alone in the same run counts (by its place in the scan's file list)."""

    def __init__(self, files: list[Path]):
        self.position: dict[Path, int] = {}
        for i, path in enumerate(files):
            self.position.setdefault(path, i)
        self.previous: dict | None = None

    def filed(self, path: Path, key: str, fields: dict, confidence: dict, contact_id: int,
              text: str = "") -> None:
        """A card (its cleaned `fields`, its OCR `text`) was just filed as `contact_id` under
        scan key `key`: the next image may be its back."""
        self.previous = {"at": self.position.get(path), "key": key, "contact_id": contact_id,
                         "fields": fields, "confidence": dict(confidence), "text": text}

    def front_of(self, path: Path, back: dict | None, text: str = "") -> dict | None:
        """The card filed just before `path` when `back` (the cleaned fields read from `path`,
        None when nothing was; `text` its OCR text) is its other side: {"contact_id", "key",
        "fields", "confidence"}; else None. The same side photographed again is not a back (it
        files as usual: a duplicate person is updated). Either way the remembered card is
        forgotten: a card has one back, and only the image right after it may be that."""
        prev, self.previous = self.previous, None
        if prev is None or back is None or prev["at"] is None \
                or self.position.get(path) != prev["at"] + 1 or same_side(prev["text"], text):
            return None
        return prev if back_evidence(prev["fields"], back) else None
