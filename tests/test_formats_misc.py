"""JSON, Markdown talking points and iCalendar follow-ups."""

import copy
import datetime as dt
import json
from pathlib import Path

import icalendar
import pytest

from namecards.formats import FormatError
from namecards.formats.ics import followups_to_ics
from namecards.formats.jsonfmt import contacts_to_json, parse_json
from namecards.formats.markdown import contact_talking_points_markdown, talking_points_markdown

FIX = Path(__file__).parent / "fixtures/formats"
_SAMPLES = json.loads((FIX / "contacts.json").read_text("utf-8"))
ZOE, RAJ, BARE = (_SAMPLES[k] for k in ("zoe", "raj", "bare"))
EVENT = ZOE["events"][0]


def test_json_round_trip_keeps_everything():
    zoe = copy.deepcopy(ZOE)
    zoe["photo_bytes"] = b"\x89PNG\x00\xff"
    zoe["created"] = dt.datetime(2024, 3, 12, 9, tzinfo=dt.UTC)
    text = contacts_to_json([zoe, RAJ, BARE])
    assert "Zoë Müller-Łukasiewicz" in text  # ensure_ascii=False
    doc = json.loads(text)
    assert doc["format"] == "namecards" and len(doc["contacts"]) == 3
    contacts, errors = parse_json(text.encode("utf-8"))
    assert errors == []
    assert contacts[0]["photo_bytes"] == b"\x89PNG\x00\xff"
    assert contacts[0]["created"] == "2024-03-12T09:00:00+00:00"
    for key in ("uid", "full_name", "emails", "phones", "talking_points", "events", "tags"):
        assert contacts[0][key] == ZOE[key]
    assert contacts[2]["full_name"] == "Ngozi Okonjo" and contacts[2]["emails"] == []


def test_json_bad_inputs():
    for data in (b"", b"{", b'{"a": 1}', b"42", (FIX / "binary_junk.bin").read_bytes()):
        with pytest.raises(FormatError):
            parse_json(data)
    contacts, errors = parse_json(b'[{"full_name": "A"}, 3, {"emails": "x"}, {}]')
    assert [c["full_name"] for c in contacts] == ["A"]
    assert len(errors) == 3 and errors[0].startswith("JSON: record 2")


def test_markdown_grouped_by_event_then_person():
    md = talking_points_markdown(
        [{"event": EVENT, "people": [ZOE, RAJ]}, {"event": None, "people": [BARE]}]
    )
    assert md.startswith("# Talking points\n")
    assert "## Acme Robotics — second interview (2024-03-12)" in md
    assert "### Zoë Müller-Łukasiewicz" in md
    assert "*panel interviewer, Head of Test Engineering, Acme Robotics, Inc.*" in md
    assert "- how the team moved the test rig to **simulation**" in md
    assert "*lunch, Recruiter, Acme Robotics, Inc.*" in md
    assert md.index("Zoë") < md.index("Raj") < md.index("## Other contacts") < md.index("Ngozi")


def test_markdown_role_given_and_escaping():
    person = copy.deepcopy(BARE)
    person["role"] = "career fair booth"
    person["talking_points"] = [{"text": "uses *stars* and [links] and {{ ''.__class__ }}"}]
    md = contact_talking_points_markdown(person)
    assert md.startswith("## Ngozi Okonjo\n")
    assert "*career fair booth*" in md
    assert r"uses \*stars\* and \[links\] and {{ ''.\_\_class\_\_ }}" in md


def test_ics_vtodo_and_vevent_with_alarm_parse_back():
    now = dt.datetime(2024, 3, 12, 18, tzinfo=dt.UTC)
    items = [
        {"contact": ZOE, "event": EVENT, "due": dt.date(2024, 3, 13), "summary": None},
        {
            "contact": RAJ,
            "event": EVENT,
            "summary": "Thank Raj for lunch",
            "due": dt.datetime(2024, 3, 13, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        },
    ]
    raw = followups_to_ics(items, now=now)
    assert raw == followups_to_ics(items, now=now)  # stable
    cal = icalendar.Calendar.from_ical(raw)
    todos = list(cal.walk("VTODO"))
    events = list(cal.walk("VEVENT"))
    assert len(todos) == 2 and len(events) == 2
    assert todos[0]["SUMMARY"] == "Follow up with Zoë Müller-Łukasiewicz"
    assert todos[0].decoded("DUE") == dt.date(2024, 3, 13)
    assert "how the team moved the test rig to simulation" in todos[0]["DESCRIPTION"]
    assert events[1].decoded("DTSTART") == items[1]["due"]
    alarms = [a for e in events for a in e.walk("VALARM")]
    assert len(alarms) == 2 and all(a["ACTION"] == "DISPLAY" for a in alarms)
    assert alarms[1].decoded("TRIGGER") == dt.timedelta(minutes=-15)
    uids = [c["UID"] for c in todos + events]
    assert len(set(uids)) == 4
    # the same follow-up exported later keeps its UIDs
    again = icalendar.Calendar.from_ical(followups_to_ics(items[:1]))
    assert [c["UID"] for c in again.walk("VTODO")] == [uids[0]]


def test_ics_rejects_bad_due():
    with pytest.raises(FormatError, match="time zone"):
        followups_to_ics([{"contact": ZOE, "event": None, "due": dt.datetime(2024, 3, 13, 9)}])
    with pytest.raises(FormatError, match="no due date"):
        followups_to_ics([{"contact": ZOE, "event": None, "due": None}])
