"""Anki export, checked by importing into a real headless Anki collection."""

import copy
import json
from pathlib import Path

import pytest

from namecards.formats.anki import build_apkg

anki_collection = pytest.importorskip("anki.collection")

FIX = Path(__file__).parent / "fixtures/formats"
_SAMPLES = json.loads((FIX / "contacts.json").read_text("utf-8"))
ZOE, RAJ, BARE = (_SAMPLES[k] for k in ("zoe", "raj", "bare"))
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154"
    "78da63f8cfc0f01f0005000201e2219bc10000000049454e44ae426082"
)


def _import(col, path):
    col.import_anki_package(
        anki_collection.ImportAnkiPackageRequest(
            package_path=str(path),
            options=anki_collection.ImportAnkiPackageOptions(with_scheduling=False),
        )
    )


def test_apkg_imports_into_anki_without_duplicates(tmp_path):
    image = tmp_path / "masked.png"
    image.write_bytes(PNG)
    out = tmp_path / "namecards.apkg"
    summary = build_apkg([ZOE, RAJ, BARE], out, media={3: image})
    # Zoë: name, who-is, cloze point, points list; Raj: name, who-is, points; Ngozi: who-is only
    assert summary == {
        "notes": 8,
        "media": 1,
        "decks": ["namecards", "namecards::Acme Robotics — second interview"],
    }
    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        _import(col, out)
        assert col.note_count() == 8
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert "namecards::Acme Robotics — second interview" in names
        cloze = [col.get_note(n) for n in col.find_notes('"note:namecards cloze"')]
        assert [n["Text"] for n in cloze] == [
            "how the team moved the test rig to {{c1::simulation}}"
        ]
        name_notes = [col.get_note(n) for n in col.find_notes("tag:name")]
        zoe = next(n for n in name_notes if n["Back"] == "Zoë Müller-Łukasiewicz")
        assert '<img src="namecards-' in zoe["Front"]
        assert len(list(Path(col.media.dir()).iterdir())) == 1

        # a later export of the same contacts, one point edited, updates instead of duplicating
        changed = copy.deepcopy(ZOE)
        changed["talking_points"][1]["text"] = "Sailing on the Baltic and the North Sea"
        out2 = tmp_path / "again.apkg"
        build_apkg([changed, RAJ, BARE], out2, media={3: PNG})
        _import(col, out2)
        _import(col, out)
        assert col.note_count() == 8
        assert col.card_count() == 8
    finally:
        col.close()


def test_apkg_ids_are_stable(tmp_path):
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    build_apkg([ZOE], a, timestamp=1_700_000_000)
    build_apkg([copy.deepcopy(ZOE)], b, timestamp=1_700_000_000)
    col_a = anki_collection.Collection(str(tmp_path / "a.anki2"))
    col_b = anki_collection.Collection(str(tmp_path / "b.anki2"))
    try:
        _import(col_a, a)
        _import(col_b, b)
        guids = lambda col: sorted(col.get_note(n).guid for n in col.find_notes(""))
        assert guids(col_a) == guids(col_b)
        ours = lambda col: sorted(
            m["id"] for m in col.models.all() if m["name"].startswith("namecards")
        )
        assert ours(col_a) == ours(col_b) and len(ours(col_a)) == 2
    finally:
        col_a.close()
        col_b.close()


def test_empty_export_is_still_a_valid_package(tmp_path):
    out = tmp_path / "empty.apkg"
    assert build_apkg([], out)["notes"] == 0
    assert out.stat().st_size > 0
