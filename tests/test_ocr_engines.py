"""The two engines: RapidOCR runs offline on its bundled models with one thread, Tesseract reads
each of its lines again, and the fields both read alike are trusted while the others go to
review."""

import json
from pathlib import Path

import pytest

import ocr
from ocr import rapid
from ocr.combine import ALONE, RAPID, TESSERACT, combine
from ocr.reading import respace

SAMPLES = Path(__file__).resolve().parent.parent / "sample_cards"
TRUTH = {
    t["id"]: t for t in map(json.loads, (SAMPLES / "truth.jsonl").read_text("utf-8").splitlines())
}
LOW_CONFIDENCE = 0.8  # namecards.services.review_queue.LOW_CONFIDENCE (ocr may not import namecards)


def test_rapidocr_uses_only_its_bundled_models_and_one_thread():
    engine = rapid._engine()
    cfg = engine.cfg
    models = Path(rapid._models_dir())
    for part in ("Det", "Rec", "Cls"):
        path = Path(cfg[part]["model_path"])
        assert path.parent == models and path.is_file()  # named by path: nothing to download
    ort = cfg["EngineConfig"]["onnxruntime"]
    assert ort["intra_op_num_threads"] == 1 and ort["inter_op_num_threads"] == 1
    assert cfg["Global"]["log_level"] == "error"


def test_rapidocr_lines_have_words_with_boxes():
    import numpy as np
    from PIL import Image

    lines = rapid.read_lines(np.asarray(Image.open(SAMPLES / "scans" / "card_004.jpg")))
    text = "\n".join(ln["text"] for ln in lines)
    assert TRUTH["card_004"]["emails"][0] in text
    for ln in lines:
        assert ln["words"] and " ".join(w["text"] for w in ln["words"]) == ln["text"]
        left, top, width, height = ln["box"]
        for w in ln["words"]:
            assert left - 3 <= w["left"] and w["left"] + w["width"] <= left + width + 3


def test_agreement_is_trusted_and_disagreement_goes_to_review():
    r = ({"full_name": "María López", "given_name": "María", "family_name": "López",
          "emails": ["maria@acme.com"], "title": "Head of Engineering", "company": "Acme",
          "website": None, "phones": []},
         {"full_name": 0.9, "emails": 0.97, "title": 0.9, "company": 0.8},
         {"full_name": [0], "full_name_words": [0, 1]})
    t = ({"full_name": "Maria Lopez", "emails": ["maria@acme.corn"], "title": "Head of Engineering",
          "company": None, "website": "www.acme.com", "phones": []},
         {"full_name": 0.85, "emails": 0.9, "title": 0.9, "website": 0.9},
         {"full_name": [0], "website": [5]})
    fields, conf, sources, lines = combine(r, t)
    # Both read the name (accents aside): RapidOCR's spelling, trusted.
    assert fields["full_name"] == "María López" and sources["full_name"] == [RAPID, TESSERACT]
    assert conf["full_name"] >= LOW_CONFIDENCE and conf["given_name"] == conf["full_name"]
    assert sources["title"] == [RAPID, TESSERACT] and conf["title"] >= LOW_CONFIDENCE
    # They differ on the e-mail: RapidOCR's, to be checked.
    assert fields["emails"] == ["maria@acme.com"] and sources["emails"] == [RAPID]
    assert conf["emails"] <= ALONE < LOW_CONFIDENCE
    assert sources["company"] == [RAPID] and conf["company"] < LOW_CONFIDENCE
    # Only Tesseract saw the website: taken, to be checked.
    assert fields["website"] == "www.acme.com" and sources["website"] == [TESSERACT]
    assert conf["website"] < LOW_CONFIDENCE and lines["website"] == [5]
    assert lines["full_name_words"] == [0, 1]


def test_respace_takes_word_breaks_from_the_other_engine():
    assert respace("WESLEYYAN", "WESLEY YAN") == "WESLEY YAN"
    assert respace("Barışcan", "Baris can") == "Barış can"  # letters stay RapidOCR's
    assert respace("ACME", "ACNE CO") == "ACME"  # not the same letters: unchanged
    assert respace("ZOFIA KOW ALCZYK", "ZOFIA KOWALCZYK") == "ZOFIA KOWALCZYK"
    assert respace("ZoëÓ Briain", "Zoé O Briain") == "Zoë Ó Briain"
    assert respace("+31 6 30 38 48 91", "+31 6 30 38 4891") == "+31 6 30 38 48 91"  # numbers
    assert respace("Anna Berg", "Ann a Berg") == "Anna Berg"  # no one-letter lowercase piece


@pytest.mark.parametrize("card_id,kind", [("card_002", "scans"), ("card_010", "photos")])
def test_accented_names_read_exactly(card_id, kind):
    # ü, ß, ø: Tesseract's English model has none of them; RapidOCR reads them.
    t = TRUTH[card_id]
    r = ocr.read_card(SAMPLES / kind / f"{card_id}.jpg")
    assert r.fields["full_name"] == t["full_name"]
    assert RAPID in r.sources["full_name"]
    boxed = [w["text"] for box in r.name_boxes for w in r.words
             if [w["left"], w["top"], w["width"], w["height"]] == box]
    assert " ".join(boxed) == t["full_name"]  # name boxes cover every word of the name
