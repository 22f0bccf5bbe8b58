"""Properties every format shares: accented names survive, sparse contacts do not crash."""

import copy
import csv
import datetime as dt
import email
import email.policy
import io
import json
from pathlib import Path

import icalendar
import pytest
import vobject

from namecards.domain.letters import (
    letter_to_eml,
    letter_to_markdown,
    list_templates,
    render_letter,
)
from namecards.formats.anki import build_apkg
from namecards.formats.csvfmt import contacts_to_csv, parse_csv
from namecards.formats.ics import followups_to_ics
from namecards.formats.jsonfmt import contacts_to_json, parse_json
from namecards.formats.markdown import contact_talking_points_markdown, talking_points_markdown
from namecards.formats.vcard import contacts_to_vcard, parse_vcards

NAMES = [
    "Zoë Müller-Łukasiewicz",
    "José Ángel de la Vega",
    "Nguyễn Thị Minh Khai",
    "Ólafur Þórðarson",
    "Søren Kierkegård",
    "山田 太郎",
    "Αλέξανδρος Παπαδόπουλος",
    "O'Brien, Siobhán",
]


def _person(name: str) -> dict:
    return {
        "id": 1,
        "uid": "u-1",
        "full_name": name,
        "company": "Société Générale",
        "emails": [{"value": "p@example.org", "label": None}],
        "phones": [{"value": "+33612345678", "label": "mobile"}],
        "talking_points": [
            {"id": 1, "text": f"{name} likes {{{{crème brûlée}}}}", "event_id": None}
        ],
    }


@pytest.mark.parametrize("name", NAMES)
def test_accented_names_survive_every_format(name, tmp_path):
    c = _person(name)
    [back], errors = parse_vcards(contacts_to_vcard([c]).encode("utf-8"))
    assert back["full_name"] == name and not errors
    [back], errors = parse_vcards(contacts_to_vcard([c], version="4.0").encode("utf-8"))
    assert back["full_name"] == name and not errors
    assert next(vobject.readComponents(contacts_to_vcard([c], version="4.0"))).fn.value == name
    [back], _ = parse_csv(contacts_to_csv([c]).encode("utf-8-sig"))
    assert back["full_name"] == name
    assert next(csv.DictReader(io.StringIO(contacts_to_csv([c]))))["Name"] == name
    [back], _ = parse_json(contacts_to_json([c]))
    assert back["full_name"] == name
    assert f"## {name}" in contact_talking_points_markdown(c).replace("\\", "")
    assert name in talking_points_markdown([{"event": None, "people": [c]}]).replace("\\", "")
    cal = icalendar.Calendar.from_ical(
        followups_to_ics([{"contact": c, "event": None, "due": dt.date(2024, 5, 1)}])
    )
    assert name in str(next(iter(cal.walk("VTODO")))["SUMMARY"])
    for template in list_templates():
        letter = render_letter(c, template=template, points=[])
        assert name in letter.body
        assert name in letter_to_markdown(letter)
    letter = render_letter(c)
    msg = email.message_from_bytes(
        letter_to_eml(letter, c, {"name": "Åsa Öberg", "email": "a@b.se"}),
        policy=email.policy.default,
    )
    assert msg["To"].addresses[0].display_name == name
    assert msg["From"].addresses[0].display_name == "Åsa Öberg"
    assert build_apkg([c], tmp_path / "x.apkg")["notes"] == 3  # name, who-is, cloze point


def test_sparse_contacts_with_none_everywhere(tmp_path):
    sparse = {
        "full_name": "Ngozi Okonjo",
        "emails": None,
        "phones": None,
        "urls": None,
        "tags": None,
        "events": None,
        "notes": None,
        "talking_points": None,
        "title": None,
        "company": None,
        "uid": None,
        "updated": None,
    }
    nameless = {"company": "Acme Robotics", "emails": [{"value": "info@acme.example"}]}
    contacts = [sparse, nameless]
    assert contacts_to_vcard(contacts).count("UID:") == 2
    parsed, errors = parse_vcards(contacts_to_vcard(contacts, version="4.0"))
    assert [c["full_name"] for c in parsed] == ["Ngozi Okonjo", "Acme Robotics"] and not errors
    assert len(parse_csv(contacts_to_csv(contacts))[0]) == 2
    assert len(json.loads(contacts_to_json(contacts))["contacts"]) == 2
    assert "Ngozi Okonjo" in talking_points_markdown([{"event": None, "people": contacts}])
    followups_to_ics(
        [{"contact": copy.deepcopy(sparse), "event": None, "due": dt.date(2024, 1, 2)}]
    )
    for template in list_templates():
        render_letter(sparse, template=template)
    build_apkg(contacts, Path(tmp_path) / "sparse.apkg")
