"""Both sides of a card (issue 17): a back filed with its front as one contact, by
`scan --two-sided` (images in pairs) and by a plain scan (an image that is the card before it's
other side). Real OCR on the committed sample cards and backs drawn for them
(sample_cards/backs.py); one scan run per mode, shared by the tests of that mode."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import SAMPLES, namecards_command

sys.path.insert(0, str(SAMPLES))
import backs  # noqa: E402

SCANS = SAMPLES / "scans"


def _run(home, *args):
    return subprocess.run([*namecards_command(), "--home", str(home), *args],
                          capture_output=True, text=True, timeout=300, env=dict(os.environ))


def _open(home):
    from namecards.store import open_store

    return open_store(home)


def _scan_folder(root, files: list[tuple[str, str, str | None]], *args):
    """Copy committed cards (kind None) and draw backs ("logo", "email") of them into a
    folder, in the order given, and scan it; returns (home, folder, the process result)."""
    folder = root / "cards"
    folder.mkdir()
    for name, card, kind in files:
        if kind is None:
            shutil.copy(SCANS / f"{card}.jpg", folder / name)
        else:
            backs.write_back(card, kind, folder / name)
    home = root / "home"
    return home, folder, _run(home, "scan", *args, str(folder))


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# One OCR run per mode (each test below is one scan, checked from every side), so that the
# suite's two workers never read the same cards twice.


def test_a_plain_scan_files_a_back_with_the_card_before_it_never_a_colleague(tmp_path):
    """Jürgen Groß, then his colleague María López (the same company website), María's logo
    side (no name, the same website), Zoë Ó Briain, then a back with Zoë's e-mail, no name."""
    from namecards.cli.scan import _scan_line
    from namecards.domain.contacts import get_contact
    from namecards.domain.deck import card_prompt, load_cards

    home, folder, res = _scan_folder(tmp_path, [
        ("a1.jpg", "card_002", None), ("a2.jpg", "card_001", None),
        ("a3.jpg", "card_001", "logo"), ("a4.jpg", "card_003", None),
        ("a5.jpg", "card_003", "email")], "--json")
    assert res.returncode == 0, res.stderr
    lines = {os.path.basename(x["file"]): x for x in map(json.loads, res.stdout.splitlines())}
    jurgen, maria, logo, zoe, back = (lines[f"a{i}.jpg"] for i in range(1, 6))
    store = _open(home)

    # Two colleagues scanned one after the other, sharing the company's website: two people.
    assert (jurgen["status"], maria["status"]) == ("added", "added")
    assert jurgen["fields"]["website"] == maria["fields"]["website"]
    assert jurgen["contact_id"] != maria["contact_id"] and "back_of" not in maria
    names = sorted(r["full_name"] for r in store.db.query("select full_name from contacts"))
    assert names == ["Jürgen Groß", "María López", "Zoë Ó Briain"]

    # The logo side: filed as María's back, said so, both images kept (front first).
    assert (logo["status"], logo["back_of"], logo["contact_id"]) == \
        ("back", maria["contact_id"], maria["contact_id"])
    assert _scan_line(logo) == (f"a3.jpg: back of María López  #{maria['contact_id']}", False)
    contact = get_contact(store, maria["contact_id"])
    assert contact["full_name"] == "María López"
    assert [(s["sha256"], s["side"]) for s in contact["scans"]] == \
        [(_sha(folder / "a2.jpg"), "front"), (_sha(folder / "a3.jpg"), "back")]
    for scan in contact["scans"]:
        assert (store.home / scan["path"]).is_file() and (store.home / scan["card_path"]).is_file()

    # The back with Zoë's e-mail joins Zoë; her e-mail is not doubled.
    assert (back["status"], back["back_of"]) == ("back", zoe["contact_id"])
    assert back["fields"]["full_name"] == "Zoë Ó Briain"  # the fields both sides make
    assert [r[0] for r in store.db.execute(
        "select value from contact_methods where contact_id = ? and kind = 'email'",
        [zoe["contact_id"]])] == ["zoe@acme-robotics.com"]

    # The drill's cue is still the front, its name blanked.
    card = next(c for c in load_cards(store) if c["contact_id"] == maria["contact_id"])
    prompt = card_prompt(store, card)
    assert prompt["card_image"] == str(store.home / contact["scans"][0]["card_path"])
    assert prompt["name_boxes"]

    # The back scanned again is a duplicate of its contact, never a new person.
    again = _run(home, "scan", str(folder / "a3.jpg"), "--json")
    assert [(x["status"], x["contact_id"]) for x in map(json.loads, again.stdout.splitlines())] \
        == [("duplicate", maria["contact_id"])]


def test_two_sided_files_each_pair_as_one_contact_and_says_so_for_an_odd_one(tmp_path):
    """A phone's folder of five: Priya Raman and the back with her e-mail, Takeshi Yamamoto
    and his logo side, then Jean-Luc Béranger with no back (the odd one out)."""
    from namecards.domain.contacts import get_contact

    home, folder, res = _scan_folder(tmp_path, [
        ("IMG_0001.jpg", "card_004", None), ("IMG_0002.jpg", "card_004", "email"),
        ("IMG_0003.jpg", "card_005", None), ("IMG_0004.jpg", "card_005", "logo"),
        ("IMG_0005.jpg", "card_006", None)], "--two-sided")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].startswith("IMG_0001.jpg: added Priya Raman")
    assert lines[1] == "IMG_0002.jpg: back of Priya Raman  #1"
    assert lines[2].startswith("IMG_0003.jpg: added Takeshi Yamamoto")
    assert lines[3] == "IMG_0004.jpg: back of Takeshi Yamamoto  #2"
    assert lines[4].startswith("IMG_0005.jpg: added Jean-Luc Béranger")
    assert lines[5] == ("namecards: 5 images: IMG_0005.jpg has no back to pair it with; "
                        "scanned as a one-sided card")
    assert len(lines) == 6
    assert "Done: 3 added, 2 backs." in res.stderr
    store = _open(home)
    assert store.db.execute("select count(*) from contacts").fetchone()[0] == 3
    for contact_id, files in ((1, ("IMG_0001.jpg", "IMG_0002.jpg")),
                              (2, ("IMG_0003.jpg", "IMG_0004.jpg"))):
        contact = get_contact(store, contact_id)
        assert [(s["sha256"], s["side"]) for s in contact["scans"]] == \
            [(_sha(folder / files[0]), "front"), (_sha(folder / files[1]), "back")]
        assert all((store.home / s["path"]).is_file() for s in contact["scans"])
    assert [s["side"] for s in get_contact(store, 3)["scans"]] == [None]  # one-sided

    # Scanned again: every image is known, nothing is read or filed twice.
    again = _run(home, "scan", "--two-sided", str(folder), "--json")
    assert [(x["status"], x["contact_id"]) for x in map(json.loads, again.stdout.splitlines())] \
        == [("duplicate", 1), ("duplicate", 1), ("duplicate", 2), ("duplicate", 2),
            ("duplicate", 3)]


# ---------------------------------------------------------------- the evidence, field by field


MARIA = {"full_name": "María López", "company": "Acme Robotics", "website": "www.acme-robotics.com",
         "emails": ["maria@acme-robotics.com"], "phones": ["+13125077148"]}


@pytest.mark.parametrize("back, is_back", [
    ({"company": "Acme Robotics", "website": "acme-robotics.com"}, True),  # logo side
    ({"emails": ["maria@acme-robotics.com"]}, True),
    ({"full_name": "Maria Lopez", "emails": ["maria@acme-robotics.com"]}, True),
    ({"full_name": "ロペス マリア", "website": "www.acme-robotics.com"}, True),
    # Colleagues: the company's website, switchboard or shared mailbox is no evidence.
    ({"full_name": "Jürgen Groß", "website": "www.acme-robotics.com"}, False),
    ({"full_name": "Jürgen Groß", "phones": ["+13125077148"]}, False),
    ({"full_name": "Jürgen Groß", "emails": ["info@acme-robotics.com"]}, False),
    # A nameless side with another person's own e-mail is that person's card.
    ({"emails": ["jurgen.gross@acme-robotics.com"], "website": "www.acme-robotics.com"}, False),
    ({"company": "Other Co", "website": "www.other.example"}, False),
    # The same person's card from another job (the same mobile, another company).
    ({"full_name": "María López", "company": "Brightline Labs", "phones": ["+34612345678"]},
     False),
    ({"full_name": "María López", "company": "Acme Robotlcs", "phones": ["+34612345678"]}, True),
])
def test_back_evidence(back, is_back):
    from namecards.domain.sides import back_evidence

    front = dict(MARIA, emails=MARIA["emails"] + (["info@acme-robotics.com"]
                                                   if "info@acme-robotics.com" in str(back)
                                                   else []),
                 phones=MARIA["phones"] + (["+34612345678"] if "+346" in str(back) else []))
    assert bool(back_evidence(front, back)) is is_back


def test_a_name_in_another_script_is_kept_beside_the_latin_one(store):
    """RapidOCR and Tesseract here read no Japanese (no jpn model, no CJK font to draw a
    card with): the Japanese side is the real reading of Takeshi Yamamoto's card with its
    name replaced by 山本 武; the Latin side is that real reading."""
    from namecards.domain.contacts import get_contact
    from namecards.services.pairing import attach_back
    from namecards.services.scanning import clean_fields, file_reading
    from ocr import read_card

    path = SCANS / "card_005.jpg"
    latin = read_card(path)
    assert latin.fields["full_name"] == "Takeshi Yamamoto"
    japanese = dataclasses.replace(latin, fields={
        **latin.fields, "full_name": "山本 武", "given_name": "武", "family_name": "山本"},
        confidence={**latin.confidence, "full_name": 0.99})
    front_data = path.read_bytes()
    front_sha = hashlib.sha256(front_data).hexdigest()
    status, contact_id = file_reading(store, path, front_data, front_sha, japanese, None, None)
    assert status == "added"
    assert get_contact(store, contact_id)["full_name"] == "山本 武"
    back_data = front_data + b"\0"  # a distinct image file (bytes after a JPEG's end)
    merged = attach_back(store, contact_id, front_sha, clean_fields(japanese.fields),
                         japanese.confidence, latin, clean_fields(latin.fields),
                         data=back_data, sha=hashlib.sha256(back_data).hexdigest(),
                         suffix=".jpg", source="back.jpg")
    contact = get_contact(store, contact_id)
    assert (contact["full_name"], contact["given_name"], contact["family_name"]) == \
        ("Takeshi Yamamoto", "Takeshi", "Yamamoto")
    assert contact["alt_name"] == "山本 武"
    assert merged["name"] == "Takeshi Yamamoto"
    assert [s["side"] for s in contact["scans"]] == ["front", "back"]

    # Scan review: accepting the Japanese side as read keeps the Latin name; a fix still counts.
    from namecards.services.review_queue import accept_scan, get_scan

    front_scan = contact["scans"][0]["id"]
    accept_scan(store, front_scan, dict(get_scan(store, front_scan)["fields"]))
    assert get_contact(store, contact_id)["full_name"] == "Takeshi Yamamoto"
    fixed = dict(get_scan(store, front_scan)["fields"], title="Principal Engineer")
    accept_scan(store, front_scan, fixed)
    assert get_contact(store, contact_id)["title"] == "Principal Engineer"


def test_each_field_comes_from_the_side_that_reads_it_more_confidently():
    from namecards.domain.sides import merge_sides

    front = {"full_name": "María López", "title": "Head of Engineerlng", "company": "Acme",
             "emails": ["maria@acme-robotics.com"], "phones": []}
    back = {"full_name": "Maria Lopez", "title": "Head of Engineering",
            "company": "Acme Robotics", "emails": ["maria@acme-robotics.com"],
            "phones": ["+13125077148"]}
    merged = merge_sides(front, {"full_name": 0.99, "title": 0.5, "company": 0.9},
                         back, {"full_name": 0.8, "title": 0.95, "company": 0.9})
    assert merged.fields["full_name"] == "María López"  # front more confident
    assert merged.fields["title"] == "Head of Engineering"  # back more confident
    assert merged.fields["company"] == "Acme"  # a tie keeps the front
    assert merged.fields["phones"] == ["+13125077148"]
    assert merged.origin["title"] == "back" and merged.alt_name is None


def test_two_images_given_as_one_card_that_name_two_people_are_not_merged():
    from namecards.domain.sides import two_people

    assert two_people(MARIA, {"full_name": "Jürgen Groß"}) == \
        "different names: María López, Jürgen Groß"
    assert two_people(MARIA, {"emails": ["jurgen.gross@acme-robotics.com"]}) == \
        "different personal e-mails"
    assert two_people(MARIA, {"full_name": "ロペス マリア", "website": "acme-robotics.com"}) is None
    assert two_people(MARIA, {}) is None  # a side with nothing on it


def test_the_same_side_photographed_twice_is_not_a_back():
    from namecards.domain.sides import same_side

    front = ("María López\nHead of Engineering\nAcme Robotics\nmaria@acme-robotics.com\n"
             "+1 312 507 7148\nwww.acme-robotics.com")
    retake = front.replace("Engineering", "Englneering").replace("\n", " \n")
    back = "Acme Robotics\nmaria@acme-robotics.com\nwww.acme-robotics.com"
    assert same_side(front, retake)
    assert not same_side(front, back)
    assert not same_side(front, "")
