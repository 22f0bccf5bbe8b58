"""Companies: records of their own, matched to contacts by name, domain, event and explicit link,
and a page listing everyone known there by relation."""

import json

import pytest

from namecards import UsageError
from namecards.domain.companies import (
    add_company,
    company_key,
    company_people,
    find_company,
    infer_relation,
    link_contact_to_company,
)
from namecards.domain.contacts import add_contact
from namecards.domain.dossier import show_company
from namecards.domain.events import add_event


def test_company_key_ignores_case_accents_punctuation_and_legal_form():
    assert company_key("Acme Robotics GmbH") == company_key("ACME robotics") == "acme robotics"
    assert company_key("Société Générale S.A.") == "societe generale"
    assert company_key("Inc") == "inc"  # a name that is only a legal form stays


@pytest.mark.parametrize("role, title, kind, at_event, expected", [
    ("panel interviewer", None, "interview", True, "interviewer"),
    (None, "Senior Talent Partner", None, False, "recruiter"),
    ("lunch", "Engineer", "interview", True, "colleague"),
    (None, "Engineer", "interview", True, "interviewer"),
    (None, "Engineer", "fair", False, "insider"),
    (None, None, None, False, "insider"),
])
def test_relation_is_guessed_from_role_title_and_event(role, title, kind, at_event, expected):
    assert infer_relation(role=role, title=title, event_kind=kind,
                          at_company_event=at_event) == expected


def test_people_at_a_company_by_name_domain_event_and_link(store):
    add_event(store, "Acme Robotics — second interview", date="2026-12-03T09:30",
              company="Acme Robotics")
    add_company(store, "Acme Robotics", domains=["https://www.acme.example/jobs"])
    maria = add_contact(store, "María López", company="Acme Robotics GmbH",
                        event="Acme Robotics — second interview", role="panel interviewer")
    jo = add_contact(store, "Jo Park", emails=["jo@acme.example"], title="Recruiter")
    tom = add_contact(store, "Tom Ng", company="Globex", event="RoboCon fair")
    lena = add_contact(store, "Lena Berg", company="Initech")  # knows nothing of Acme

    link_contact_to_company(store, "acme", "tom", relation="insider")
    people = {p["id"]: p for p in company_people(store, find_company(store, "acme robotics"))}
    assert set(people) == {maria, jo, tom}
    assert people[maria]["relation"] == "interviewer"
    assert people[jo]["relation"] == "recruiter"
    assert people[tom]["relation"] == "insider" and people[tom]["explicit"]
    assert lena not in people
    assert find_company(store, "acme.example")["name"] == "Acme Robotics"


def test_company_commands(cli, store):
    r = cli("company", "add", "Acme Robotics", "--domain", "acme.example", "--industry", "robots")
    assert r.exit_code == 0, r.output
    assert "Acme Robotics" in r.output
    cli("company", "add", "Acme Robotics", "--domain", "acme.dev")  # fills in, no duplicate
    cli("add", "--name", "María López", "--company", "Acme Robotics", "--title", "CTO")
    cli("add", "--name", "Ines Ruiz", "--title", "Engineer")
    r = cli("company", "link", "acme", "ines", "--relation", "insider")
    assert r.exit_code == 0 and "Ines Ruiz is at Acme Robotics (insider)" in r.output

    rows = json.loads(cli("company", "list", "--json").output)
    assert [(c["name"], c["domains"], c["people"]) for c in rows] == [
        ("Acme Robotics", ["acme.example", "acme.dev"], 2)]
    assert "Acme Robotics  (2 people, 0 facts)" in cli("company", "list").output

    r = cli("company", "show", "acme")
    assert r.exit_code == 0
    assert "María López" in r.output and "insider" in r.output and "Ines Ruiz" in r.output
    assert "someone to ask, not someone who will interview you" in r.output
    page = json.loads(cli("company", "show", "acme", "--json").output)
    assert {p["full_name"]: p["relation"] for p in page["people"]} == {
        "María López": "insider", "Ines Ruiz": "insider"}


def test_company_errors_are_one_line(cli):
    r = cli("company", "show", "nope")
    assert r.exit_code == 1
    assert r.output.strip().startswith("namecards: no company matches 'nope'")
    assert "Traceback" not in r.output
    r = cli("company", "link", "acme", "nobody", "--relation", "boss")
    assert r.exit_code == 2


def test_ambiguous_company_fragment_is_a_usage_error(store):
    add_company(store, "Acme Robotics")
    add_company(store, "Acme Foods")
    with pytest.raises(UsageError, match="ambiguous"):
        find_company(store, "acme")
    assert show_company(store, "acme foods")["name"] == "Acme Foods"
