"""Safe loading of card images: any mode, any orientation, one-line errors for bad files."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import CardImageError

HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1",
               b"msf1", b"avif")
HEIC_HELP = "convert it to JPEG first (heif-convert, or Preview/Photos: Export as JPEG)"


def is_heif(head: bytes) -> bool:
    """An iPhone photo (HEIC) or another HEIF/AVIF file, from its first bytes."""
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def _register_heif() -> bool:
    """Teach Pillow HEIF (pillow-heif), only when a HEIF file is met: the plugin costs start-up
    time that no other image needs."""
    try:
        import pillow_heif  # type: ignore
    except Exception:
        return False
    pillow_heif.register_heif_opener()
    return True


def _sniff(head: bytes) -> str:
    """Name what a non-image file is, from its first bytes."""
    if head.startswith(b"%PDF"):
        return "it is a PDF"
    if head.startswith(b"PK\x03\x04"):
        return "it is a ZIP or Office file"
    low = head.lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html")):
        return "it is an HTML page"
    if low.startswith(b"<?xml") or low.startswith(b"<svg"):
        return "it is XML/SVG"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "unrecognised format"
    if all(c.isprintable() or c in "\r\n\t" for c in text[:400]):
        return "it is a text file"
    return "unrecognised format"


def _bomb_size(path: Path) -> str:
    """Width×height of an image Pillow refused to open, read from its header."""
    try:
        with open(path, "rb") as fp:
            prefix = fp.read(16)
            for fmt in Image.ID:
                factory, accept = Image.OPEN[fmt]
                if accept and not accept(prefix):
                    continue
                fp.seek(0)
                try:
                    im = factory(fp, str(path))
                except Exception:
                    continue
                return f"{im.size[0]}×{im.size[1]} pixels"
    except Exception:
        pass
    return "more pixels than the safety limit"


def to_rgb(im: Image.Image) -> Image.Image:
    """Any Pillow mode to 8-bit RGB; transparency is flattened onto white."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        a = np.asarray(im, dtype=np.float64)
        top = 65535.0 if a.max() > 255 else 255.0
        im = Image.fromarray(np.clip(a * 255.0 / top, 0, 255).astype(np.uint8), "L")
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("LA", "La", "PA"):
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "RGBa"):
        white = Image.new("RGB", im.size, (255, 255, 255))
        white.paste(im, mask=im.getchannel("A"))
        return white
    if im.mode != "RGB":
        im = im.convert("RGB")
    return im


def load_image(path: str | Path) -> Image.Image:
    """Open ``path`` as an upright RGB image or raise CardImageError naming the file."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CardImageError(f"{name}: file not found") from None
    except OSError as e:
        raise CardImageError(f"{name}: cannot read ({e.strerror})") from None
    if path.is_dir():
        raise CardImageError(f"{name}: is a folder, not an image")
    if size == 0:
        raise CardImageError(f"{name}: empty file (0 bytes)")
    try:
        with open(path, "rb") as fp:
            head = fp.read(512)
    except OSError as e:
        raise CardImageError(f"{name}: cannot read ({e.strerror})") from None
    if is_heif(head) and not _register_heif():
        raise CardImageError(f"{name}: HEIC photo, but HEIC support (pillow-heif) is not "
                             f"installed: {HEIC_HELP}")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x its pixel limit; a card never needs that many.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                im.load()
                im = ImageOps.exif_transpose(im) or im
                return to_rgb(im)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise CardImageError(f"{name}: image too large ({_bomb_size(path)})") from None
    except UnidentifiedImageError:
        if is_heif(head):
            raise CardImageError(f"{name}: this HEIC photo cannot be decoded: {HEIC_HELP}") \
                from None
        raise CardImageError(f"{name}: not an image ({_sniff(head)})") from None
    except (OSError, SyntaxError, ValueError) as e:
        msg = str(e)
        if "truncated" in msg or "broken data stream" in msg or "premature end" in msg.lower():
            raise CardImageError(f"{name}: truncated image (the file ends early)") from None
        raise CardImageError(
            f"{name}: cannot decode image ({msg.splitlines()[0] if msg else type(e).__name__})"
        ) from None


def from_bytes(data: bytes) -> Image.Image:
    """Helper for tests and callers holding image bytes."""
    return to_rgb(Image.open(io.BytesIO(data)))
