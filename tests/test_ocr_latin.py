"""Name lines re-read with Tesseract's Latin-script model (tesseract-ocr-script-latn)."""

import json
from pathlib import Path

import pytest

import ocr
from ocr import engine
from ocr.fields import OcrLine
from ocr.reading import card_places, fold, same_name
from ocr.reading import needs_latin as latin_needed

SAMPLES = Path(__file__).resolve().parent.parent / "sample_cards"
TRUTH = {
    t["id"]: t for t in map(json.loads, (SAMPLES / "truth.jsonl").read_text("utf-8").splitlines())
}
HAVE_LATIN = "Latin" in engine.installed_languages()
needs_latin = pytest.mark.skipif(
    not HAVE_LATIN, reason="Tesseract's Latin model is not installed (tesseract-ocr-script-latn)"
)


def test_installed_languages_lists_script_models_too():
    # pytesseract.get_languages keeps only lowercase codes and so never reported "Latin".
    assert "eng" in engine.installed_languages()
    assert all(code == code.strip() and code for code in engine.installed_languages())


def test_fold_and_same_name():
    assert fold("Jürgen Groß") == fold("JURGEN GROSS") == "jurgen gross"
    assert fold("Ole Sørensen") == "ole sorensen" and fold("Małgorzata") == "malgorzata"
    assert fold("Ærø") == "aero"
    assert same_name("Jiirgen Grok", "Jürgen Groß")  # eng's slips: ü → "ii", ß → "k"
    assert same_name("Maria Lopez", "María López")
    assert same_name("Ole Sorensen", "Ole Sørensen")
    assert not same_name("Maria Lopez", "Mario Perez")
    assert not same_name("Jo Lee", "Ja Lee")  # two-letter words must match exactly
    assert not same_name("Ole Sorensen", "Ole Sorensen Ltd")


@needs_latin
@pytest.mark.parametrize(
    "card_id,kind",
    [
        ("card_001", "scans"),  # María López
        ("card_002", "scans"),  # Jürgen Groß
        ("card_010", "scans"),  # Ole Sørensen: eng cannot read ø at all
        ("card_002", "photos"),
        ("card_010", "photos"),
    ],
)
def test_exact_name_with_latin(card_id, kind):
    t = TRUTH[card_id]
    r = ocr.read_card(SAMPLES / kind / f"{card_id}.jpg")
    assert "latin-name" in r.passes
    assert r.fields["full_name"] == t["full_name"]
    assert r.fields["family_name"] == t["family_name"]
    # name_boxes still point at the name's words, now spelled the Latin way
    boxed = [
        w["text"]
        for box in r.name_boxes
        for w in r.words
        if [w["left"], w["top"], w["width"], w["height"]] == box
    ]
    assert " ".join(boxed) == t["full_name"]


@needs_latin
def test_company_line_read_with_latin_in_the_same_run():
    t = TRUTH["card_033"]
    r = ocr.read_card(SAMPLES / "scans" / "card_033.jpg")
    assert r.fields["company"] == t["company"] == "Wisła Software Sp. z o.o."  # eng: "Wista"
    assert r.fields["full_name"] == t["full_name"]


def test_without_latin_the_accent_step_still_works(monkeypatch):
    monkeypatch.setattr(engine, "installed_languages", lambda: frozenset({"eng", "osd"}))
    r = ocr.read_card(SAMPLES / "scans" / "card_002.jpg")
    assert "latin-name" not in r.passes
    # The ü's dots are read off the image; eng's ß ("B", "fs", "k") only Latin spells surely.
    assert r.fields["full_name"].split()[0] == "Jürgen"
    r = ocr.read_card(SAMPLES / "scans" / "card_010.jpg")
    assert "latin-name" not in r.passes
    assert fold(r.fields["full_name"]) == "ole sorensen"


@needs_latin
def test_light_model_leaves_out_the_word_list():
    d = engine.light_model("Latin")
    assert d is not None
    light = Path(d) / "Latin.traineddata"
    assert light.stat().st_size < 5_000_000  # the installed file is ~89 MB, mostly word list


@needs_latin
def test_a_failing_latin_read_keeps_the_eng_reading(monkeypatch):
    def broken(*a, **k):
        raise ocr.OcrError("tesseract failed: bad model")

    monkeypatch.setattr(engine, "line_words_light", broken)
    r = ocr.read_card(SAMPLES / "scans" / "card_002.jpg")
    assert "latin-name" in r.passes
    assert r.fields["full_name"].split()[0] == "Jürgen"  # the accent step's reading


def _line(words):
    return OcrLine(text=" ".join(w["text"] for w in words), box=None, height=20, conf=90,
                   words=list(range(len(words))))


def test_card_places_come_from_the_card_itself():
    assert card_places({"phones": ["+48221234567"], "emails": []}, None) == {"PL"}
    assert card_places({"phones": [], "emails": ["a@firma.de"], "website": "x.co.uk"}, None) == {
        "DE",
        "GB",
    }
    assert card_places({"phones": [], "emails": ["a@acme.com"]}, "se") == {"SE"}
    assert card_places({"phones": [], "emails": []}, None) == set()  # nothing to go on


def test_latin_is_skipped_only_for_confident_ascii_from_plain_name_places():
    words = [{"text": "Priya", "conf": 96.0}, {"text": "Raman", "conf": 95.0}]
    assert not latin_needed([_line(words)], words, {"US"})
    assert latin_needed([_line(words)], words, {"US", "PL"})  # one place with accented names
    assert latin_needed([_line(words)], words, set())  # the card says nowhere
    shaky = [{"text": "Priya", "conf": 96.0}, {"text": "Rarnan", "conf": 71.0}]
    assert latin_needed([_line(shaky)], shaky, {"US"})
    marked = [{"text": "Zoë", "conf": 96.0}, {"text": "Briain", "conf": 95.0}]
    assert latin_needed([_line(marked)], marked, {"US"})  # the accent step found a mark


@needs_latin
def test_a_plain_us_card_skips_the_latin_run_and_keeps_its_name():
    t = TRUTH["card_004"]
    r = ocr.read_card(SAMPLES / "scans" / "card_004.jpg")
    assert "latin-skipped" in r.passes and "latin-name" not in r.passes
    assert r.fields["full_name"] == t["full_name"] == "Priya Raman"


def _w(text, left, width, top=100, height=40):
    return {"text": text, "left": left, "width": width, "top": top, "height": height, "conf": 95}


def test_a_name_joined_with_the_right_column_is_split_at_the_columns_edge():
    from ocr.reading import _split_at_columns

    name = [_w("Sergio", 107, 173), _w("Sánchez", 302, 224), _w("sergio@iberia.es", 566, 416)]
    web = [_w("https://www.iberia.es", 568, 481, top=160)]
    tel = [_w("T:", 560, 30, top=40, height=22), _w("810 02 65 37", 600, 200, top=40, height=22)]
    parts = _split_at_columns([tel, name, web])
    texts = [" ".join(w["text"] for w in p) for p in parts]
    assert texts == ["T: 810 02 65 37", "Sergio Sánchez", "sergio@iberia.es", "https://www.iberia.es"]
    # An icon between the two columns does not bridge them, and is dropped.
    icon = [_w("Ananya", 193, 192), _w("Nair", 410, 107), _w("=", 533, 13, height=50),
            _w("+91", 566, 56, height=21), _w("81235", 634, 88, height=21)]
    texts = [" ".join(w["text"] for w in p) for p in _split_at_columns([icon, web])]
    assert texts[0] == "Ananya Nair" and texts[1] == "+91 81235"
    # Without a column edge to split at, a wide word space stays a word space.
    alone = [_w("Sergio", 107, 173), _w("Sánchez", 330, 224)]
    assert len(_split_at_columns([alone])) == 1
