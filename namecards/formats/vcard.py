"""vCard 3.0/4.0 export (via vobject, with UID and REV as khard needs) and a tolerant importer."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

import vobject

from namecards.clock import SYSTEM
from namecards.formats import FormatError, contact_display_name, decode_text

PhotoSource = Callable[[dict], "bytes | None"] | dict | None

_NAMESPACE = uuid.UUID("5b0c6a2e-6c53-4f0e-9a43-3c8d7f1e2a10")

# Our free-text labels -> vCard TYPE values (3.0 spelling; 4.0 lower-cases them).
_TEL_TYPES = {
    "mobile": "CELL",
    "cell": "CELL",
    "work": "WORK",
    "office": "WORK",
    "home": "HOME",
    "fax": "FAX",
    "pager": "PAGER",
    "main": "VOICE",
    "voice": "VOICE",
    "text": "TEXT",
}
_EMAIL_TYPES = {"work": "WORK", "office": "WORK", "home": "HOME", "personal": "HOME"}
_LABELS_BACK = {
    "cell": "mobile",
    "work": "work",
    "home": "home",
    "fax": "fax",
    "pager": "pager",
    "voice": None,
    "internet": None,
    "pref": None,
    "text": "text",
    "x-linkedin": "linkedin",
    "linkedin": "linkedin",
}


def _uid(contact: dict) -> str:
    uid = (contact.get("uid") or "").strip()
    if uid:
        return uid
    # No stored uid: derive a stable one so repeated exports of the same contact agree.
    seed = "|".join(
        str(x)
        for x in (
            contact.get("id"),
            contact_display_name(contact),
            [e.get("value") for e in contact.get("emails") or [] if isinstance(e, dict)],
        )
    )
    return str(uuid.uuid5(_NAMESPACE, seed))


def _rev(contact: dict) -> str:
    value = contact.get("updated") or contact.get("created")
    when: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, str) and value.strip():
        try:
            when = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            when = None
    if when is None:
        when = SYSTEM.now()
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _image_type(data: bytes) -> str:
    if data.startswith(b"\xff\xd8"):
        return "JPEG"
    if data.startswith(b"\x89PNG"):
        return "PNG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return "JPEG"


def _photo_bytes(contact: dict, photo: PhotoSource) -> bytes | None:
    if photo is None:
        data = contact.get("photo_bytes")
    elif callable(photo):
        data = photo(contact)
    else:
        data = photo.get(contact.get("uid")) or photo.get(contact.get("id"))
    return bytes(data) if data else None


def _items(values: Any) -> list[tuple[str, str | None]]:
    out = []
    for item in values or []:
        if isinstance(item, dict):
            value, label = item.get("value"), item.get("label")
        else:
            value, label = item, None
        if value is not None and str(value).strip():
            out.append((str(value).strip(), (str(label).strip() or None) if label else None))
    return out


def _note_text(contact: dict) -> str:
    points = [
        p for p in contact.get("talking_points") or [] if isinstance(p, dict) and p.get("text")
    ]
    points.sort(key=lambda p: (p.get("event_id") or 0, p.get("position") or 0))
    return "\n".join("- " + " ".join(str(p["text"]).split()) for p in points)


def _card(
    contact: dict, version: str, photo: PhotoSource
) -> tuple[vobject.base.Component, bytes | None]:
    v4 = version == "4.0"
    card = vobject.vCard()
    card.add("version").value = version
    name = contact_display_name(contact) or "(no name)"
    card.add("fn").value = name
    given = contact.get("given_name") or ""
    family = contact.get("family_name") or ""
    if not given and not family and contact.get("full_name"):
        # Unparsed name: put it all in the given part rather than inventing a split.
        given = contact["full_name"]
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    card.add("uid").value = _uid(contact)
    card.add("rev").value = _rev(contact)
    if contact.get("company"):
        card.add("org").value = [str(contact["company"])]
    if contact.get("title"):
        card.add("title").value = str(contact["title"])
    for value, label in _items(contact.get("phones")):
        line = card.add("tel")
        line.value = value
        kind = _TEL_TYPES.get((label or "").lower(), "VOICE")
        line.type_param = kind.lower() if v4 else kind
    for value, label in _items(contact.get("emails")):
        line = card.add("email")
        line.value = value
        kind = _EMAIL_TYPES.get((label or "").lower())
        if v4:
            if kind:
                line.type_param = kind.lower()
        else:
            line.type_paramlist = ["INTERNET"] + ([kind] if kind else [])
    address = (contact.get("address") or "").strip()
    if address:
        # Unstructured on purpose: OCR cannot split a street from a city reliably.
        street = ", ".join(p.strip() for p in address.splitlines() if p.strip())
        card.add("adr").value = vobject.vcard.Address(street=street)
    urls = []
    if contact.get("website"):
        urls.append((str(contact["website"]).strip(), None))
    urls += [u for u in _items(contact.get("urls")) if u[0] not in {x[0] for x in urls}]
    for value, label in urls:
        line = card.add("url")
        line.value = value
        if label:
            line.type_param = label.lower() if v4 else label.upper()
    note = _note_text(contact)
    if note:
        card.add("note").value = note
    tags = [str(t).strip() for t in contact.get("tags") or [] if str(t).strip()]
    if tags:
        card.add("categories").value = tags
    data = _photo_bytes(contact, photo)
    if data and not v4:
        line = card.add("photo")
        line.value = data
        line.encoding_param = "b"
        line.type_param = _image_type(data)
    return card, (data if v4 else None)


def _unfold(text: str) -> list[str]:
    return re.sub(r"\r?\n[ \t]", "", text.replace("\r\n", "\n")).split("\n")


def _fold(line: str, limit: int = 75) -> str:
    """Fold one content line at ``limit`` octets without splitting a UTF-8 sequence."""
    out, current, size = [], [], 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(ch)
        size += width
    out.append("".join(current))
    return "\r\n".join(out)


def _refold(serialized: str, photo: bytes | None = None) -> str:
    """Unfold vobject's output and fold every line again at 75 octets (vobject leaves PHOTO long);
    for 4.0, add the photo as a data: URI, which vobject cannot write unescaped."""
    lines = []
    for line in _unfold(serialized):
        if not line:
            continue
        if line.upper().startswith("END:VCARD") and photo:
            kind = _image_type(photo).lower()
            lines.append(
                f"PHOTO:data:image/{kind};base64,{base64.b64encode(photo).decode('ascii')}"
            )
        lines.append(line)
    return "".join(_fold(line) + "\r\n" for line in lines)


def contact_to_vcard(contact: dict, version: str = "3.0", *, photo: PhotoSource = None) -> str:
    """One contact as a vCard (CRLF line ends, folded at 75 octets)."""
    if version not in ("3.0", "4.0"):
        raise FormatError(f"unsupported vCard version {version!r} (use 3.0 or 4.0)")
    card, v4_photo = _card(contact, version, photo)
    return _refold(card.serialize(), v4_photo)


def contacts_to_vcard(
    contacts: list[dict], version: str = "3.0", *, photo: PhotoSource = None
) -> str:
    """Several contacts as one .vcf text.

    ``photo`` is a callback ``contact -> bytes | None`` or a dict keyed by uid or id; without it a
    contact's ``photo_bytes`` is used when present.
    """
    return "".join(contact_to_vcard(c, version, photo=photo) for c in contacts)


def contact_to_vcf_filename(contact: dict) -> str:
    """A file name for a vdir (one card per file): the UID made safe, e.g. ``3f2a….vcf``."""
    uid = _uid(contact)
    if uid.lower().startswith("urn:uuid:"):
        uid = uid[9:]
    safe = re.sub(r"[^A-Za-z0-9_.@-]", "_", uid).strip("._")
    safe = re.sub(r"\.{2,}", "_", safe)[:120]
    if not safe:
        safe = hashlib.sha256(uid.encode("utf-8")).hexdigest()[:32]
    return safe + ".vcf"


# ---------------------------------------------------------------------------------------------
# Import

logging.getLogger("vobject").setLevel(logging.CRITICAL)  # we report errors ourselves

_BEGIN = re.compile(r"^BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END\s*:\s*VCARD\s*$", re.IGNORECASE)


def _split_cards(text: str) -> tuple[list[tuple[int, str]], list[str]]:
    """Cut the text into (first line number, card text) chunks; report stray or truncated parts."""
    chunks: list[tuple[int, str]] = []
    errors: list[str] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start: int | None = None
    current: list[str] = []
    for number, line in enumerate(lines, 1):
        if _BEGIN.match(line.strip()) and not line[:1].isspace():
            if start is not None:
                errors.append(
                    f"line {start}: vCard is truncated (no END:VCARD before the next card)"
                )
            start, current = number, [line]
        elif start is not None:
            current.append(line)
            if _END.match(line.strip()) and not line[:1].isspace():
                chunks.append((start, "\r\n".join(current) + "\r\n"))
                start, current = None, []
    if start is not None:
        errors.append(f"line {start}: vCard is truncated (the file ends before END:VCARD)")
    return chunks, errors


def _param_values(line: Any, name: str = "TYPE") -> list[str]:
    values = []
    for key, vals in (getattr(line, "params", None) or {}).items():
        if key.upper() == name:
            for v in vals:
                values += [x.strip().strip('"').lower() for x in str(v).split(",") if x.strip()]
    for v in getattr(line, "singletonparams", None) or []:
        if name == "TYPE":
            values.append(str(v).lower())
    return values


def _label(types: list[str]) -> str | None:
    for t in types:
        if t in _LABELS_BACK:
            if _LABELS_BACK[t]:
                return _LABELS_BACK[t]
        elif t:
            return t
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value if _text(v)).strip()
    return str(value).strip()


def _decode_photo(line: Any, raw_lines: list[str]) -> bytes | None:
    value = line.value
    if isinstance(value, (bytes, bytearray)) and value:
        return bytes(value)
    # vCard 4.0 data URI: vobject splits it on the comma, so read the raw line instead.
    for raw in raw_lines:
        m = re.match(r"^(?:[\w.-]+\.)?PHOTO[^:]*:\s*data:[^,]*;base64,(.*)$", raw, re.IGNORECASE)
        if m:
            try:
                return base64.b64decode(m.group(1).strip(), validate=False) or None
            except (binascii.Error, ValueError):
                return None
    if isinstance(value, str) and value and "ENCODING" in {k.upper() for k in line.params}:
        try:
            return base64.b64decode(value) or None
        except (binascii.Error, ValueError):
            return None
    return None


def _contact_from_card(card: Any, raw: str) -> dict:
    contents = card.contents
    raw_lines = _unfold(raw)

    def first(name: str) -> Any:
        lines = contents.get(name) or []
        return lines[0] if lines else None

    contact: dict = {
        "uid": None,
        "full_name": None,
        "given_name": None,
        "family_name": None,
        "title": None,
        "company": None,
        "website": None,
        "address": None,
        "emails": [],
        "phones": [],
        "urls": [],
        "tags": [],
        "notes": [],
        "talking_points": [],
    }
    if first("uid") is not None:
        contact["uid"] = _text(first("uid").value) or None
    if first("fn") is not None:
        contact["full_name"] = _text(first("fn").value) or None
    n = first("n")
    if n is not None:
        value = n.value
        if isinstance(value, vobject.vcard.Name):
            contact["given_name"] = _text(value.given) or None
            contact["family_name"] = _text(value.family) or None
        elif isinstance(value, str):
            parts = value.split(";")
            contact["family_name"] = parts[0].strip() or None
            contact["given_name"] = (parts[1].strip() if len(parts) > 1 else "") or None
    if not contact["full_name"]:
        joined = " ".join(x for x in (contact["given_name"], contact["family_name"]) if x)
        contact["full_name"] = joined or None
    if first("org") is not None:
        org = first("org").value
        contact["company"] = (
            ", ".join(x for x in org if x) if isinstance(org, list) else _text(org)
        ) or None
    if first("title") is not None:
        contact["title"] = _text(first("title").value) or None
    for line in contents.get("tel") or []:
        value = _text(line.value)
        if value.lower().startswith("tel:"):
            value = value[4:]
        if value:
            contact["phones"].append({"value": value, "label": _label(_param_values(line))})
    for line in contents.get("email") or []:
        value = _text(line.value)
        if value.lower().startswith("mailto:"):
            value = value[7:]
        if value:
            contact["emails"].append({"value": value, "label": _label(_param_values(line))})
    for line in contents.get("url") or []:
        value = _text(line.value)
        if not value:
            continue
        label = _label(_param_values(line))
        if "linkedin.com/" in value.lower():
            label = "linkedin"
        if contact["website"] is None and label != "linkedin":
            contact["website"] = value
            continue
        contact["urls"].append({"value": value, "label": label})
    addresses = []
    for line in contents.get("adr") or []:
        value = line.value
        if isinstance(value, vobject.vcard.Address):
            parts = [
                value.box,
                value.extended,
                value.street,
                value.city,
                value.region,
                value.code,
                value.country,
            ]
            text = ", ".join(_text(p) for p in parts if _text(p))
        else:
            text = ", ".join(p.strip() for p in str(value).split(";") if p.strip())
        if text:
            addresses.append(text)
    contact["address"] = addresses[0] if addresses else None
    for line in contents.get("categories") or []:
        value = line.value if isinstance(line.value, list) else str(line.value).split(",")
        contact["tags"] += [str(t).strip() for t in value if str(t).strip()]
    notes = []
    for line in contents.get("note") or []:
        other = []
        for row in _text(line.value).splitlines():
            if row.startswith("- ") and row[2:].strip():
                contact["talking_points"].append({"text": row[2:].strip()})
            elif row.strip():
                other.append(row)
        if other:
            notes.append({"text": "\n".join(other)})
    contact["notes"] = notes
    for name in ("nickname",):
        if first(name) is not None and _text(first(name).value):
            contact["nickname"] = _text(first(name).value)
    if first("photo") is not None:
        data = _decode_photo(first("photo"), raw_lines)
        if data:
            contact["photo_bytes"] = data
    return contact


def parse_vcards(data: bytes | str, source: str = "vCard") -> tuple[list[dict], list[str]]:
    """Read every vCard (2.1/3.0/4.0) in ``data``.

    Returns ``(contacts, errors)``: a broken or truncated card yields one error naming its line and
    is left out; the others are still returned.  Raises FormatError when there is no vCard at all.
    """
    text = decode_text(data, source)
    chunks, errors = _split_cards(text)
    errors = [f"{source}: {e}" for e in errors]
    if not chunks and not errors:
        raise FormatError(f"{source}: not a vCard file (no BEGIN:VCARD found)")
    contacts: list[dict] = []
    for start, chunk in chunks:
        try:
            card = vobject.readOne(chunk, allowQP=True)
            contact = _contact_from_card(card, chunk)
        except Exception as exc:  # noqa: BLE001 - vobject raises many kinds; all mean "broken card"
            line = start
            if isinstance(getattr(exc, "lineNumber", None), int):
                line = start + exc.lineNumber - 1
            reason = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
            reason = re.sub(r"^At line \d+:\s*", "", " ".join(str(reason).split()))[:120]
            errors.append(f"{source}: line {line}: unreadable vCard, card skipped ({reason})")
            continue
        if (
            not contact["full_name"]
            and not contact["company"]
            and not contact["emails"]
            and not contact["phones"]
        ):
            errors.append(
                f"{source}: line {start}: vCard has no name, organisation, e-mail or phone"
            )
            continue
        contacts.append(contact)
    return contacts, errors


__all__ = ["contact_to_vcard", "contact_to_vcf_filename", "contacts_to_vcard", "parse_vcards"]
