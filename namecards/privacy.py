"""Privacy helpers: strip location metadata from stored card images; build safe file names.

Card photos taken with a phone carry where they were taken (EXIF GPS, XMP, IPTC). namecards
keeps card images for the drill, not the user's whereabouts, so the stored copy drops them.
JPEG, PNG and WebP are edited in place, segment by segment, so the pixels are never re-encoded.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import warnings
import zlib
from pathlib import Path

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
# Tags in the Exif sub-IFD that can reveal where a photo was taken: a vendor MakerNote (some
# phones put GPS or cell data there) and the UTC offsets (a time zone is a coarse location).
EXIF_LOCATION_TAGS = (0x927C, 0x9010, 0x9011, 0x9012)

_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_XMP_JPEG = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_EXT_JPEG = b"http://ns.adobe.com/xmp/extension/\x00"
_PNG_SIG = b"\x89PNG\r\n\x1a\n"
_PNG_TEXT_KEYS = (b"XML:com.adobe.xmp", b"Raw profile type exif", b"Raw profile type APP1",
                  b"Raw profile type xmp", b"Raw profile type iptc", b"Raw profile type 8bim")


def strip_location(data: bytes) -> bytes:
    """The image bytes without GPS, XMP, IPTC or other location metadata.

    Orientation and the other harmless EXIF tags are kept (the drill needs the card upright).
    Bytes that are not a JPEG, PNG or WebP come back unchanged unless they carry GPS, in which
    case Pillow re-saves them (TIFF is lossless anyway). Data it cannot parse is returned as is:
    a broken image fails OCR first and is never stored.
    """
    try:
        if data.startswith(b"\xff\xd8"):
            return _strip_jpeg(data)
        if data.startswith(_PNG_SIG):
            return _strip_png(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _strip_webp(data)
        return _strip_other(data)
    except (ValueError, IndexError, struct.error, OSError, SyntaxError):
        pass
    # Segments we could not walk: let Pillow re-save it without the GPS (lossy, but private).
    try:
        return _strip_other(data)
    except Exception:  # noqa: BLE001 - not an image Pillow can read either: OCR refuses it too
        return data


def has_location(data: bytes) -> bool:
    """True when the image carries GPS tags, XMP or IPTC (what strip_location removes)."""
    if _XMP_JPEG in data or b"XML:com.adobe.xmp" in data or b"<x:xmpmeta" in data:
        return True
    if data.startswith(b"\xff\xd8") and b"\xff\xed" in data and b"Photoshop 3.0" in data:
        return True
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            exif = im.getexif()
            return GPS_IFD in exif and bool(exif.get_ifd(GPS_IFD))
    except Exception:  # noqa: BLE001 - not an image Pillow reads: no location to find
        return False


def _clean_exif(raw: bytes) -> bytes | None:
    """EXIF bytes (with or without the "Exif\\0\\0" header) minus location; None to drop them."""
    from PIL import Image

    header = raw.startswith(b"Exif\x00\x00")
    exif = Image.Exif()
    try:
        with warnings.catch_warnings():  # "Corrupt EXIF data": we drop it, no need to shout
            warnings.simplefilter("ignore")
            exif.load(raw if header else b"Exif\x00\x00" + raw)
            sub = exif.get_ifd(EXIF_IFD) if EXIF_IFD in exif else None
        exif.pop(GPS_IFD, None)
        if sub:
            for tag in EXIF_LOCATION_TAGS:
                sub.pop(tag, None)
        out = exif.tobytes()
    except Exception:  # noqa: BLE001 - unparseable EXIF: drop it whole, never keep it unchecked
        return None
    return out if header else out[6:]


def _strip_jpeg(data: bytes) -> bytes:
    out = bytearray(data[:2])
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise ValueError("not at a JPEG marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            out.append(0xFF)
            pos += 1
            continue
        if marker in _JPEG_STANDALONE:
            out += data[pos:pos + 2]
            pos += 2
            continue
        if marker == 0xDA or marker == 0xD9:  # start of scan or end: the rest is image data
            out += data[pos:]
            break
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        segment = data[pos:pos + 2 + length]
        payload = segment[4:]
        pos += 2 + length
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            cleaned = _clean_exif(payload)
            if cleaned is not None:
                out += b"\xff\xe1" + struct.pack(">H", len(cleaned) + 2) + cleaned
            continue
        if marker == 0xE1 and payload.startswith((_XMP_JPEG, _XMP_EXT_JPEG)):
            continue
        if marker == 0xED:  # APP13: Photoshop IRB / IPTC (city, country, sublocation)
            continue
        out += segment
    return bytes(out)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _strip_png(data: bytes) -> bytes:
    out = bytearray(_PNG_SIG)
    pos = len(_PNG_SIG)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        chunk = data[pos:pos + 12 + length]
        pos += 12 + length
        if kind == b"eXIf":
            cleaned = _clean_exif(body)
            if cleaned is not None:
                out += _png_chunk(kind, cleaned)
            continue
        if kind in (b"tEXt", b"zTXt", b"iTXt") and body.split(b"\x00", 1)[0] in _PNG_TEXT_KEYS:
            continue
        out += chunk
        if kind == b"IEND":
            break
    return bytes(out)


def _strip_webp(data: bytes) -> bytes:
    chunks = []
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos:pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 8 + length + (length & 1)
        if kind == b"EXIF":
            cleaned = _clean_exif(body)
            if cleaned is None:
                continue
            body = cleaned
        elif kind == b"XMP ":
            continue
        chunks.append([kind, body])
    kinds = {k for k, _ in chunks}
    for chunk in chunks:
        if chunk[0] == b"VP8X":  # feature flags: say there is no XMP, and EXIF only if kept
            flags = chunk[1][0] & ~0x04
            flags = flags | 0x08 if b"EXIF" in kinds else flags & ~0x08
            chunk[1] = bytes([flags]) + chunk[1][1:]
    body = b"".join(
        k + struct.pack("<I", len(b)) + b + (b"\x00" if len(b) & 1 else b"") for k, b in chunks
    )
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


def _strip_other(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        exif = im.getexif()
        if not (GPS_IFD in exif and exif.get_ifd(GPS_IFD)):
            return data
        fmt = im.format
        cleaned = Image.Exif()
        cleaned.load(_clean_exif(exif.tobytes()) or b"")
        buf = io.BytesIO()
        im.save(buf, fmt, exif=cleaned, **({"quality": 95} if fmt == "JPEG" else {}))
        return buf.getvalue()


# ---------------------------------------------------------------- file names from contact data

_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}


def safe_filename(text: str | None, suffix: str = "", *, fallback: str = "contact",
                  max_length: int = 80) -> str:
    """A file name made from contact data that cannot leave its folder or upset a file system.

    Path separators, `..`, control characters and shell-hostile characters become `-`; the
    result is never empty, hidden, or a reserved device name. Accents are kept.
    """
    name = unicodedata.normalize("NFC", str(text or ""))
    name = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in name)
    name = _UNSAFE.sub("-", name)
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"-{2,}", "-", name)
    name = re.sub(r"\.{2,}", ".", name).strip(" .-_")
    name = name[:max_length].rstrip(" .-_")
    if not name or name.lower().split(".")[0] in _WINDOWS_RESERVED:
        name = f"{fallback}-{name}" if name else fallback
    return name + suffix


def safe_child(folder: str | Path, name: str) -> Path:
    """`folder / name` for a name from untrusted data, guaranteed to stay inside `folder`."""
    base = Path(folder).resolve()
    m = re.search(r"\.[A-Za-z0-9]{1,5}$", str(name))
    stem, suffix = (str(name)[:m.start()], m.group()) if m else (str(name), "")
    path = (base / safe_filename(stem, suffix)).resolve()
    if path.parent != base:
        raise ValueError(f"{name!r} would leave {base}")
    return path
