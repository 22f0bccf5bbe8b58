"""vCard 3.0/4.0 export (via vobject, with UID and REV as khard needs) and a tolerant importer."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import vobject

from namecards.clock import SYSTEM
from namecards.formats import FormatError, Record, contact_display_name, decode_text, strip_cloze

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


def _note_texts(contact: dict) -> list[str]:
    """The NOTE properties of a contact: each note as written, and the talking points that
    belong to no note as "- " bullets. Cloze marks ({{...}}) are the drill's, not the reader's."""
    notes = [strip_cloze(str(n["text"])).strip() for n in contact.get("notes") or []
             if isinstance(n, dict) and n.get("text") and str(n["text"]).strip()]
    bullets = {  # note id -> the points its text holds
        n.get("id"): {" ".join(b.split()) for b in _bullets(strip_cloze(str(n["text"])))}
        for n in contact.get("notes") or [] if isinstance(n, dict) and n.get("text")}
    points = [
        p for p in contact.get("talking_points") or [] if isinstance(p, dict) and p.get("text")
        and " ".join(strip_cloze(str(p["text"])).split()) not in bullets.get(p.get("note_id"), ())
    ]
    points.sort(key=lambda p: (p.get("event_id") or 0, p.get("position") or 0))
    loose = "\n".join("- " + " ".join(strip_cloze(str(p["text"])).split()) for p in points)
    return notes + ([loose] if loose else [])


def _bullets(text: str) -> list[str]:
    return [line.strip()[2:].strip() for line in text.splitlines()
            if line.strip()[:2] in ("- ", "* ", "• ") and line.strip()[2:].strip()]


def _same_url(a: str, b: str) -> bool:
    def bare(url: str) -> str:
        url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().lower())
        return url.removeprefix("www.").rstrip("/")

    return bare(a) == bare(b)


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
    urls: list[tuple[str, str | None]] = []
    if contact.get("website"):
        urls.append((str(contact["website"]).strip(), None))
    for url in _items(contact.get("urls")):
        if not any(_same_url(url[0], x[0]) for x in urls):
            urls.append(url)
    for value, label in urls:
        line = card.add("url")
        line.value = value
        if label:
            line.type_param = label.lower() if v4 else label.upper()
    for note in _note_texts(contact):
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
    """A file name for a vdir (one card per file): the UID when it is a safe name already
    (``3f2a….vcf``); otherwise the UID made safe and cut to length, followed by a hash of the
    whole UID, so two UIDs that differ only in what was replaced or cut ("team/alice",
    "team:alice") never share a file."""
    uid = _uid(contact)
    if uid.lower().startswith("urn:uuid:"):
        uid = uid[9:]
    safe = re.sub(r"[^A-Za-z0-9_.@-]", "_", uid).strip("._")
    safe = re.sub(r"\.{2,}", "_", safe)
    if safe == uid and 0 < len(safe) <= 100:
        return safe + ".vcf"
    digest = hashlib.sha256(uid.encode("utf-8")).hexdigest()[:12]
    return (f"{safe[:100]}-{digest}" if safe else digest) + ".vcf"


# ---------------------------------------------------------------------------------------------
# Import
#
# Read with our own content-line parser (RFC 6350 §3.3, with vCard 2.1's bare TYPE parameters,
# QUOTED-PRINTABLE and CHARSET): it is linear in the input (vobject's unfolding is quadratic:
# a 20 MB PHOTO took minutes), about twenty times faster per card, and reads a card line by
# line, so a file is streamed rather than held in memory.

# A PHOTO longer than this (base64 text, about 1.5 MB of image) is left out with a warning;
# imports never store a photo anyway, they only need to get past it.
MAX_PHOTO_CHARS = 2_000_000
# A card with more text than this (photo aside) is not a business card.
MAX_CARD_CHARS = 1_000_000

_BEGIN = re.compile(r"^BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END\s*:\s*VCARD\s*$", re.IGNORECASE)
_NAME = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)$")


@dataclass
class _Property:
    name: str
    params: dict[str, list[str]]
    value: str


def _split_params(head: str) -> tuple[str, dict[str, list[str]]] | None:
    """'EMAIL;TYPE=INTERNET,WORK;PREF' -> ('EMAIL', {'TYPE': ['internet', 'work', 'pref']})."""
    if '"' not in head:  # nothing quoted: every ";" separates (the common case, in C)
        parts = head.split(";")
    else:
        parts, current, quoted = [], [], False
        for ch in head:
            if ch == '"':
                quoted = not quoted
            elif ch == ";" and not quoted:
                parts.append("".join(current))
                current = []
                continue
            current.append(ch)
        parts.append("".join(current))
    m = _NAME.match(parts[0].strip())
    if not m:
        return None
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        part = part.strip()
        if not part:
            continue
        if "=" in part:
            key, _, value = part.partition("=")
        else:  # vCard 2.1: "TEL;CELL;VOICE:" means TYPE=CELL,VOICE
            key, value = "TYPE", part
        key = key.strip().upper()
        values = [v.strip().strip('"') for v in value.split(",")]
        if key != "CHARSET":
            values = [v.lower() for v in values]
        params.setdefault(key, []).extend(v for v in values if v)
    return m.group(1).upper(), params


def _split_value(line: str) -> tuple[str, str] | None:
    """Cut a content line at the colon that ends its name and parameters (not one in quotes)."""
    first = line.find(":")
    if first >= 0 and '"' not in line[:first]:
        return line[:first], line[first + 1:]
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return line[:i], line[i + 1:]
    return None


_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _components(text: str, sep: str = ";") -> list[str]:
    """Split a structured value on unescaped separators, then unescape each part."""
    if "\\" not in text:
        return [part.strip() for part in text.split(sep)]
    parts, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append(_unescape("".join(current)).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append(_unescape("".join(current)).strip())
    return parts


def _quoted_printable(text: str, charset: str | None, warnings: list[str], where: str) -> str:
    import quopri

    raw = quopri.decodestring(text.encode("latin-1", errors="replace"))
    for codec in (charset or "utf-8", "cp1252"):
        try:
            return raw.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    warnings.append(f"{where}: text in an unknown character set {charset!r}; check it")
    return raw.decode("utf-8", errors="replace")


def _card_properties(lines: list[tuple[int, str]], source: str, warnings: list[str]
                     ) -> list[_Property]:
    """The properties of one card (BEGIN/END excluded), unfolded; raises ValueError naming the
    line of a line that is not a property. A PHOTO past MAX_PHOTO_CHARS is left out."""
    props: list[_Property] = []
    pending: list[str] = []  # the current logical line, in pieces (joined once: linear)
    pending_no = 0
    pending_size = 0
    photo = False  # the current logical line is a PHOTO
    dropped = 0  # characters of the photo being left out
    size = 0

    def finish() -> None:
        nonlocal pending, dropped
        if dropped:
            warnings.append(f"{source}: line {pending_no}: a photo of "
                            f"{max(1, dropped * 3 // 4 // 1_000_000)} MB left out "
                            "(imports keep no photos)")
            dropped = 0
        if not pending:
            return
        line = "".join(pending)
        pending = []
        if not line.strip():
            return
        cut = _split_value(line)
        head = _split_params(cut[0]) if cut else None
        if head is None:
            raise ValueError(f"line {pending_no}: not a vCard property ({line[:40]!r})")
        name, params = head
        value = cut[1]
        if "quoted-printable" in params.get("ENCODING", []):
            value = _quoted_printable(value, (params.get("CHARSET") or [None])[0], warnings,
                                      f"{source}: line {pending_no}")
        props.append(_Property(name, params, value))

    for number, raw in lines:
        continued = raw[:1] in (" ", "\t") and (pending or dropped)
        soft_break = (pending and not continued and pending[-1].endswith("=")
                      and _is_qp(pending[0]))  # a quoted-printable soft line break (2.1)
        if continued or soft_break:
            piece = raw[1:] if continued else raw
        else:
            finish()
            piece, pending_no, pending_size = raw, number, 0
            photo = bool(re.match(r"^(?:[A-Za-z0-9-]+\.)?PHOTO[;:]", raw, re.IGNORECASE))
        if dropped:
            dropped += len(piece)
            continue
        pending_size += len(piece)
        if photo and pending_size > MAX_PHOTO_CHARS:
            pending, dropped = [], pending_size
            continue
        pending.append(piece)
        if not photo:
            size += len(piece)
            if size > MAX_CARD_CHARS:
                raise ValueError(f"line {number}: the card holds over "
                                 f"{MAX_CARD_CHARS // 1000} kB of text: not a business card")
    finish()
    return props


def _is_qp(first_piece: str) -> bool:
    head = first_piece.split(":", 1)[0].upper()
    return "QUOTED-PRINTABLE" in head


def _label(types: list[str]) -> str | None:
    for t in types:
        if t in _LABELS_BACK:
            if _LABELS_BACK[t]:
                return _LABELS_BACK[t]
        elif t:
            return t
    return None


def _photo(prop: _Property) -> bytes | None:
    value = prop.value.strip()
    m = re.match(r"^data:[^,]*;base64,(.*)$", value, re.IGNORECASE | re.DOTALL)
    encoded = m.group(1) if m else value
    if not m and not {"b", "base64"} & {v.lower() for v in prop.params.get("ENCODING", [])}:
        return None  # a URL, not image data
    try:
        return base64.b64decode("".join(encoded.split()), validate=False) or None
    except (binascii.Error, ValueError):
        return None


def contact_from_properties(props: list[_Property]) -> dict:
    """A contact dict from a card's properties (the shape every importer returns)."""
    contact: dict = {
        "uid": None, "full_name": None, "given_name": None, "family_name": None, "title": None,
        "company": None, "website": None, "address": None, "emails": [], "phones": [],
        "urls": [], "tags": [], "notes": [], "talking_points": [],
    }

    def text(prop: _Property) -> str:
        return " ".join(_unescape(prop.value).split()) if prop.name not in ("NOTE", "ADR") \
            else _unescape(prop.value).strip()

    addresses = []
    for prop in props:
        name = prop.name
        types = prop.params.get("TYPE", [])
        if name == "UID" and not contact["uid"]:
            contact["uid"] = text(prop) or None
        elif name == "FN" and not contact["full_name"]:
            contact["full_name"] = text(prop) or None
        elif name == "N" and not (contact["given_name"] or contact["family_name"]):
            parts = _components(prop.value) + ["", ""]
            contact["family_name"] = " ".join(parts[0].split()) or None
            contact["given_name"] = " ".join(" ".join(parts[1:3]).split()) or None
        elif name == "ORG" and not contact["company"]:
            contact["company"] = ", ".join(p for p in _components(prop.value) if p) or None
        elif name == "TITLE" and not contact["title"]:
            contact["title"] = text(prop) or None
        elif name == "TEL":
            value = text(prop)
            if value.lower().startswith("tel:"):
                value = value[4:]
            if value:
                contact["phones"].append({"value": value, "label": _label(types)})
        elif name == "EMAIL":
            value = text(prop)
            if value.lower().startswith("mailto:"):
                value = value[7:]
            if value:
                contact["emails"].append({"value": value, "label": _label(types)})
        elif name in ("URL", "X-SOCIALPROFILE"):
            value = text(prop)
            if not value:
                continue
            label = _label(types)
            if "linkedin.com/" in value.lower():
                label = "linkedin"
            if contact["website"] is None and label != "linkedin":
                contact["website"] = value
            elif value not in {u["value"] for u in contact["urls"]}:
                contact["urls"].append({"value": value, "label": label})
        elif name == "ADR":
            parts = _components(prop.value)
            joined = ", ".join(" ".join(p.split()) for p in parts if p.strip())
            if joined:
                addresses.append(joined)
        elif name == "CATEGORIES":
            contact["tags"] += [t for t in _components(prop.value, ",") if t]
        elif name == "NOTE":
            body = text(prop).replace("\r\n", "\n").replace("\r", "\n")
            if body.strip():
                index = len(contact["notes"])
                contact["notes"].append({"text": body})
                for row in body.splitlines():
                    row = row.strip()
                    if row[:2] in ("- ", "* ", "• ") and row[2:].strip():
                        contact["talking_points"].append({"text": row[2:].strip(), "note": index})
        elif name == "NICKNAME" and text(prop):
            contact["nickname"] = text(prop)
        elif name == "PHOTO" and "photo_bytes" not in contact:
            data = _photo(prop)
            if data:
                contact["photo_bytes"] = data
    if not contact["full_name"]:
        joined = " ".join(x for x in (contact["given_name"], contact["family_name"]) if x)
        contact["full_name"] = joined or None
    contact["address"] = addresses[0] if addresses else None
    return contact


def iter_vcards(lines: Iterable[str], source: str = "vCard") -> Iterator[Record]:
    """Read the cards of a stream of text lines (any line ends), one Record per card,
    in order: a broken or truncated card yields its error and the reading goes on. Lines
    outside a card are ignored."""
    start: int | None = None
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if _BEGIN.match(line.strip()) and not line[:1].isspace():
            if start is not None:
                yield Record(start, error=f"{source}: line {start}: vCard is truncated "
                                               "(no END:VCARD before the next card)")
            start, current = number, []
        elif start is not None:
            if _END.match(line.strip()) and not line[:1].isspace():
                yield _record(start, current, source)
                start, current = None, []
            else:
                current.append((number, line))
    if start is not None:
        yield Record(start, error=f"{source}: line {start}: vCard is truncated "
                                       "(the file ends before END:VCARD)")


def _record(start: int, lines: list[tuple[int, str]], source: str) -> Record:
    record = Record(start)
    try:
        props = _card_properties(lines, source, record.warnings)
    except ValueError as exc:
        record.error = f"{source}: {exc}; card skipped"
        return record
    contact = contact_from_properties(props)
    if not (contact["full_name"] or contact["company"] or contact["emails"]
            or contact["phones"]):
        record.error = f"{source}: line {start}: vCard has no name, organisation, e-mail or phone"
        return record
    record.contact = contact
    return record


def parse_vcards(data: bytes | str, source: str = "vCard") -> tuple[list[dict], list[str]]:
    """Read every vCard (2.1/3.0/4.0) in ``data``.

    Returns ``(contacts, errors)``: a broken or truncated card yields one error naming its line and
    is left out; the others are still returned.  Raises FormatError when there is no vCard at all.
    """
    text = decode_text(data, source)
    contacts, errors, seen = [], [], False
    for record in iter_vcards(text.splitlines(), source):
        seen = True
        if record.contact is not None:
            contacts.append(record.contact)
        else:
            errors.append(record.error)
    if not seen:
        raise FormatError(f"{source}: not a vCard file (no BEGIN:VCARD found)")
    return contacts, errors


__all__ = ["contact_to_vcard", "contact_to_vcf_filename", "contacts_to_vcard",
           "iter_vcards", "parse_vcards"]
