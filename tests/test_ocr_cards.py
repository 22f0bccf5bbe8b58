"""The real engines (RapidOCR and Tesseract) on sample cards, scans and photos, checked against
sample_cards/truth.jsonl."""

import json
import unicodedata
from pathlib import Path

import pytest

import ocr

SAMPLES = Path(__file__).resolve().parent.parent / "sample_cards"
TRUTH = {
    t["id"]: t for t in map(json.loads, (SAMPLES / "truth.jsonl").read_text("utf-8").splitlines())
}


def folded(s: str | None) -> str:
    s = (s or "").replace("ß", "ss")
    return "".join(
        c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)
    ).casefold()


def check(card_id: str, kind: str, fields=("emails", "phones", "website", "company", "title")):
    t = TRUTH[card_id]
    r = ocr.read_card(SAMPLES / kind / f"{card_id}.jpg")
    f = r.fields
    for k in fields:
        if k in ("emails", "phones", "faxes"):
            assert set(f[k]) == set(t[k]), (k, f[k], t[k])
        elif k == "website":
            assert f[k].removeprefix("www.") == t[k].removeprefix("www."), (f[k], t[k])
        else:
            assert f[k] == t[k], (k, f[k], t[k])
    assert folded(f["full_name"]) == folded(t["full_name"])
    return r, t


def test_scan_interview_card():
    r, t = check("card_001", "scans")
    assert r.fields["full_name"] == t["full_name"] == "María López"  # accents from the image
    assert r.engine.startswith("rapidocr ") and " + tesseract " in r.engine
    assert 0 < r.seconds < 60
    assert all(0.0 <= v <= 1.0 for v in r.confidence.values())
    assert r.confidence["emails"] > 0.5


def test_photo_two_columns_with_fax():
    r, t = check(
        "card_005", "photos", fields=("emails", "phones", "faxes", "website", "company", "title")
    )
    assert r.passes[0] == "warp"  # the card was found in the photo and flattened


def test_name_boxes_cover_the_name_on_the_card_image():
    r = ocr.read_card(SAMPLES / "photos" / "card_014.jpg")
    assert r.name_boxes
    w, h = r.card_image.size
    assert w > h  # flattened card, landscape like the original
    boxed = []
    for left, top, bw, bh in r.name_boxes:
        assert 0 <= left and 0 <= top and left + bw <= w and top + bh <= h
        boxed += [
            x["text"]
            for x in r.words
            if [x["left"], x["top"], x["width"], x["height"]] == [left, top, bw, bh]
        ]
    assert "Harry" in boxed and any(b.startswith("Hughes") for b in boxed)


@pytest.mark.slow
@pytest.mark.parametrize("card_id", ["card_014", "card_021", "card_040"])
def test_more_scans(card_id):
    check(card_id, "scans")


@pytest.mark.slow
@pytest.mark.parametrize("card_id", ["card_003", "card_017", "card_050"])
def test_more_photos(card_id):
    check(card_id, "photos", fields=("emails", "phones", "website"))


@pytest.mark.slow
def test_upside_down_photo_is_turned():
    card_id = next(k for k, t in TRUTH.items() if t["photo_upside_down"])
    r, _ = check(card_id, "photos", fields=("emails",))
    assert "rotate180" in r.passes


def test_read_cards_keeps_order_and_returns_errors(tmp_path):
    bad = tmp_path / "card_99.jpg"
    bad.write_bytes(b"%PDF-1.7\n")
    paths = [SAMPLES / "scans" / "card_004.jpg", bad, SAMPLES / "scans" / "card_012.jpg"]
    seen = []
    out = list(ocr.read_cards(paths, jobs=2, progress=lambda d, n: seen.append((d, n))))
    assert [p for p, _ in out] == paths
    assert isinstance(out[1][1], ocr.CardImageError)
    assert str(out[1][1]) == "card_99.jpg: not an image (it is a PDF)"
    assert out[0][1].fields["emails"] == TRUTH["card_004"]["emails"]
    assert out[2][1].fields["emails"] == TRUTH["card_012"]["emails"]
    assert seen == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.slow
@pytest.mark.parametrize("card_id", ["card_003", "card_009"])
def test_accented_names_on_scans(card_id):
    r = ocr.read_card(SAMPLES / "scans" / f"{card_id}.jpg")
    assert r.fields["full_name"] == TRUTH[card_id]["full_name"]
    assert r.fields["family_name"] == TRUTH[card_id]["family_name"]
