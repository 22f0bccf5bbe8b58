import json

import pytest

from namecards import NamecardsError
from namecards.domain.contacts import (
    AmbiguousContact,
    add_contact,
    add_note,
    get_contact,
    resolve_contact,
    search_contacts,
)


@pytest.fixture
def people(store):
    ids = {
        "maria": add_contact(store, "María José Núñez", title="CTO", company="Acme Robotics",
                             emails=["MJ@acme.example"], phones=["+49 30 1234567"],
                             event="Acme — second interview", role="panel"),
        "mario": add_contact(store, "Mario Rossi", company="Acme Robotics"),
        "jurgen": add_contact(store, "Jürgen Groß", title="Head of Platform", company="Initech"),
    }
    return ids


def test_a_contact_keeps_normalised_methods_and_its_event(store, people):
    c = get_contact(store, people["maria"])
    assert c["full_name"] == "María José Núñez"
    assert c["given_name"] == "María José" and c["family_name"] == "Núñez"
    assert [m["value"] for m in c["emails"]] == ["mj@acme.example"]
    assert [m["value"] for m in c["phones"]] == ["+49301234567"]
    assert [(e["name"], e["role"]) for e in c["events"]] == [("Acme — second interview", "panel")]
    assert c["uid"]


def test_contacts_resolve_by_id_or_any_unambiguous_fragment(store, people):
    assert resolve_contact(store, str(people["jurgen"])) == people["jurgen"]
    assert resolve_contact(store, "maria jose") == people["maria"]
    assert resolve_contact(store, "GROSS") == people["jurgen"]
    with pytest.raises(AmbiguousContact, match="matches 2 contacts: .*María José Núñez.*Mario Rossi"):
        resolve_contact(store, "mari")
    with pytest.raises(NamecardsError, match="no contact matches 'Marla Nunez'; closest: María"):
        resolve_contact(store, "Marla Nunez")


def test_same_email_is_refused_as_a_duplicate_unless_forced(store, people):
    with pytest.raises(NamecardsError, match="looks like #1 María José Núñez"):
        add_contact(store, "M. J. Núñez", emails=["mj@ACME.example"])
    assert add_contact(store, "M. J. Núñez", emails=["mj@acme.example"], force=True)


def test_invalid_email_names_the_value(store):
    with pytest.raises(NamecardsError, match="'bob@acme,com'"):
        add_contact(store, "Bob", emails=["bob@acme,com"])


def test_note_bullets_become_talking_points_with_drill_cards(store, people):
    result = add_note(store, "maria", "Panel, 10:00.\n- leads the ROS 2 migration\n- has a dog, Pixel")
    assert result["points"] == ["leads the ROS 2 migration", "has a dog, Pixel"]
    c = get_contact(store, people["maria"])
    assert [p["text"] for p in c["talking_points"]] == result["points"]
    assert c["talking_points"][0]["event_id"] == c["events"][0]["id"]
    kinds = sorted(r["kind"] for r in store.db["drill_cards"].rows_where(
        "contact_id = ?", [people["maria"]]))
    # Two points: also "name all 2 things" (one card for the person).
    assert kinds == ["name", "point", "point", "points", "who-is"]


def test_search_finds_names_without_accents_and_talking_points(store, people):
    add_note(store, "jurgen", "- migrating everything to Kubernetes")
    assert [r["full_name"] for r in search_contacts(store, "nunez")] == ["María José Núñez"]
    assert [r["full_name"] for r in search_contacts(store, "kubern")] == ["Jürgen Groß"]
    assert search_contacts(store, '"; drop table contacts; --') == []
    assert store.db["contacts"].count == 3


def test_hostile_names_are_stored_verbatim(store):
    name = "Robert'); DROP TABLE contacts;-- 🤖 \u05e9\u05dc\u05d5\u05dd"
    cid = add_contact(store, name)
    assert get_contact(store, cid)["full_name"] == name


def test_cli_add_list_show_json(cli):
    r = cli("add", "--name", "Zoë Ó Briain", "--company", "Globex", "--email", "zoe@globex.example",
            "--event", "Fair 2026")
    assert r.exit_code == 0, r.output
    rows = json.loads(cli("list", "--json").output)
    assert [(x["full_name"], x["email"]) for x in rows] == [("Zoë Ó Briain", "zoe@globex.example")]
    shown = json.loads(cli("show", "zoe", "--json").output)
    assert shown["events"][0]["name"] == "Fair 2026"
    r = cli("note", "zoe", "-", input="- wants a Rust rewrite\n")
    assert r.exit_code == 0 and "1 talking point" in r.output
    assert "wants a Rust rewrite" in cli("show", "zoe").output


def test_cli_errors_are_one_line_with_exit_codes(cli):
    r = cli("show", "nobody")
    assert r.exit_code == 1
    assert r.output.strip().splitlines() == ["namecards: no contact matches 'nobody'"]
    r = cli("add", "--name", "X", "--email", "not-an-email")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert cli("list", "--bogus").exit_code == 2


def test_events_have_dates(cli):
    r = cli("event", "add", "Acme Robotics — second interview", "--date", "2026-12-03T09:30",
            "--company", "Acme Robotics")
    assert r.exit_code == 0 and "2026-12-03T09:30" in r.output
    rows = json.loads(cli("event", "list", "--json").output)
    assert rows[0]["date"] == "2026-12-03T09:30"
    assert cli("event", "add", "Bad", "--date", "next tuesday").exit_code == 1
