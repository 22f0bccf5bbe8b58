"""Bad and unusual input files: each gives a one-line CardImageError, or loads as upright RGB."""

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import ocr
from ocr.image import load_image

SAMPLES = Path(__file__).resolve().parent.parent / "sample_cards"
SCAN = SAMPLES / "scans" / "card_001.jpg"


def error_of(path: Path) -> str:
    with pytest.raises(ocr.CardImageError) as e:
        ocr.read_card(path)
    msg = str(e.value)
    assert "\n" not in msg
    return msg


def test_zero_bytes(tmp_path):
    p = tmp_path / "card_00.jpg"
    p.write_bytes(b"")
    assert error_of(p) == "card_00.jpg: empty file (0 bytes)"


def test_truncated_jpeg(tmp_path):
    p = tmp_path / "card_01.jpg"
    p.write_bytes(SCAN.read_bytes()[:4000])
    assert error_of(p) == "card_01.jpg: truncated image (the file ends early)"


def test_pdf_named_jpg(tmp_path):
    p = tmp_path / "card_07.jpg"
    p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    assert error_of(p) == "card_07.jpg: not an image (it is a PDF)"


def test_text_named_jpg(tmp_path):
    p = tmp_path / "notes.jpg"
    p.write_text("Maria Lopez, Acme Robotics\n", encoding="utf-8")
    assert error_of(p) == "notes.jpg: not an image (it is a text file)"


def test_missing_file(tmp_path):
    assert error_of(tmp_path / "nope.jpg") == "nope.jpg: file not found"


def _png_header_only(w: int, h: int) -> bytes:
    """A valid PNG header claiming w×h pixels with a tiny body (Pillow stops at the header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb(tmp_path):
    # 20000×20000 one-bit PNG: a few kB on disk, 400 megapixels once decoded.
    p = tmp_path / "x.png"
    p.write_bytes(_png_header_only(20000, 20000))
    assert error_of(p) == "x.png: image too large (20000×20000 pixels)"


def test_blank_photo_has_no_text(tmp_path):
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:600, 0:800]
    wood = np.sin(xx / 9.0 + np.sin(yy / 40.0)) * 20 + 120 + rng.normal(0, 3, (600, 800))
    img = np.stack([wood, wood * 0.7, wood * 0.45], axis=2).clip(0, 255).astype(np.uint8)
    p = tmp_path / "table.jpg"
    Image.fromarray(img).save(p)
    assert error_of(p) == "table.jpg: no text found — is this a business card?"


def test_missing_language_names_the_package():
    with pytest.raises(ocr.LanguageError) as e:
        ocr.read_card(SCAN, lang="eng+xyz")
    assert "xyz" in str(e.value) and "apt-get install tesseract-ocr-xyz" in str(e.value)
    for bad in ("", "eng+", "eng;rm"):
        with pytest.raises(ocr.LanguageError, match="not a Tesseract language list"):
            ocr.check_lang(bad)


def test_missing_tesseract_binary(monkeypatch):
    import pytesseract

    from ocr import engine

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    engine._binary.cache_clear()
    try:
        with pytest.raises(ocr.TesseractMissing) as e:
            ocr.read_card(SCAN)
        assert str(e.value) == "Tesseract is not installed: apt-get install tesseract-ocr"
    finally:
        engine._binary.cache_clear()


# --- unusual but valid images load as upright 8-bit RGB --------------------------------------
def _card() -> Image.Image:
    return Image.open(SCAN).convert("RGB")


def test_cmyk(tmp_path):
    p = tmp_path / "cmyk.jpg"
    _card().convert("CMYK").save(p)
    im = load_image(p)
    assert im.mode == "RGB" and im.size == _card().size


def test_palette_with_transparency(tmp_path):
    p = tmp_path / "pal.png"
    pal = _card().convert("P", palette=Image.Palette.ADAPTIVE, colors=32)
    pal.info["transparency"] = 0
    pal.save(p, transparency=0)
    im = load_image(p)
    assert im.mode == "RGB"


def test_sixteen_bit_grey(tmp_path):
    p = tmp_path / "g16.png"
    a = np.asarray(_card().convert("L")).astype(np.uint16) * 257
    Image.fromarray(a).save(p)  # uint16 -> mode I;16
    im = load_image(p)
    assert im.mode == "RGB"
    g = np.asarray(im.convert("L")).astype(int)
    ref = np.asarray(_card().convert("L")).astype(int)
    assert abs(g.mean() - ref.mean()) < 3  # scaled, not clipped to white


def test_alpha_flattened_on_white(tmp_path):
    p = tmp_path / "alpha.png"
    rgba = _card().convert("RGBA")
    a = np.asarray(rgba).copy()
    a[:40, :40, 3] = 0
    Image.fromarray(a).save(p)
    im = load_image(p)
    assert im.mode == "RGB" and im.getpixel((5, 5)) == (255, 255, 255)


def test_exif_rotation_applied(tmp_path):
    p = tmp_path / "rot.jpg"
    card = _card()
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    card.rotate(90, expand=True).save(p, exif=exif)
    im = load_image(p)
    assert im.size == card.size


@pytest.mark.slow
def test_cmyk_and_exif_rotated_card_read_end_to_end(tmp_path):
    card = _card()
    p1 = tmp_path / "cmyk.jpg"
    card.convert("CMYK").save(p1, quality=92)
    p2 = tmp_path / "rot.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    card.rotate(90, expand=True).save(p2, exif=exif, quality=92)
    for p in (p1, p2):
        r = ocr.read_card(p)
        assert r.fields["emails"] == ["maria@acme-robotics.com"]


def test_import_ocr_loads_neither_namecards_nor_textual():
    code = (
        "import sys, ocr; bad = [m for m in sys.modules if m.split('.')[0] in "
        "('namecards', 'textual', 'tui')]; print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
