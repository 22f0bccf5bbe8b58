"""Questions to ask: kept per event, company or position, ticked off when asked; an answer from
a contact becomes their talking point, which the follow-up letter cites."""

import json

import pytest

from namecards import UsageError
from namecards.domain.contacts import add_contact, get_contact
from namecards.domain.events import add_event
from namecards.domain.questions import add_question, list_questions, mark_asked

EVENT = "Acme Robotics — second interview"


@pytest.fixture
def acme(store):
    add_event(store, EVENT, date="2026-12-03T09:30", company="Acme Robotics")
    add_contact(store, "María López", title="CTO", company="Acme Robotics", event=EVENT,
                role="panel interviewer", emails=["maria@acme.example"])
    return store


def test_questions_for_an_event_include_those_for_its_company(acme):
    q1 = add_question(acme, "How is on-call organised?", event="acme")
    q2 = add_question(acme, "  What  does success look like? ", company="Acme Robotics")
    q3 = add_question(acme, "Remote days?", position="Platform engineer")
    assert q1["event"] == EVENT and q1["company"] == "Acme Robotics"
    assert q2["text"] == "What does success look like?"
    assert [q["id"] for q in list_questions(acme, event="acme")] == [q1["id"], q2["id"]]
    assert len(list_questions(acme)) == 3
    assert [q["id"] for q in list_questions(acme, position="platform")] == [q3["id"]]
    with pytest.raises(UsageError):
        add_question(acme, "Where?")  # no event, company or position
    with pytest.raises(UsageError):
        add_question(acme, "   ", event="acme")


def test_an_answer_becomes_a_talking_point_of_who_gave_it(acme):
    q = add_question(acme, "How is on-call organised?", event="acme")
    done = mark_asked(acme, q["id"], answer="the on-call rotation is two weeks", contact="maria")
    assert done["asked"] and done["answered_by"] == "María López"
    maria = get_contact(acme, done["contact_id"])
    assert [p["text"] for p in maria["talking_points"]] == ["the on-call rotation is two weeks"]
    assert maria["talking_points"][0]["id"] == done["talking_point_id"]
    # The point is drillable like any other talking point.
    assert acme.db["drill_cards"].count_where(
        "kind = 'point' and talking_point_id = ?", [done["talking_point_id"]]) == 1
    assert list_questions(acme, event="acme", open_only=True) == []
    with pytest.raises(UsageError, match="needs the answer") as raised:
        mark_asked(acme, q["id"], contact="maria")
    assert raised.value.option == "answer"


def test_the_thank_you_letter_cites_the_answer(acme):
    from namecards.services.followup import write_letter

    q = add_question(acme, "How is on-call organised?", event="acme")
    mark_asked(acme, q["id"], answer="the on-call rotation is two weeks", contact="maria")
    letter = write_letter(acme, "maria", event="acme")
    assert "the on-call rotation is two weeks" in letter


def test_ask_commands(cli, acme):
    r = cli("ask", "add", "--event", "acme", "How is on-call organised?")
    assert r.exit_code == 0, r.output
    assert f"Question #1 for {EVENT}" in r.output
    cli("ask", "add", "--event", "acme", "What would success look like after six months?")
    r = cli("ask", "list", "--event", "acme")
    assert "#1    [ ] How is on-call organised?" in r.output
    r = cli("ask", "done", "1", "--answer", "two-week rotations", "--contact", "maria")
    assert r.exit_code == 0 and "talking point for María López" in r.output
    rows = json.loads(cli("ask", "list", "--event", "acme", "--json").output)
    assert [(q["id"], bool(q["asked"]), q["answer"]) for q in rows] == [
        (1, True, "two-week rotations"), (2, False, None)]
    assert [q["id"] for q in json.loads(cli("ask", "list", "--open", "--json").output)] == [2]
    assert "two-week rotations" in cli("show", "maria").output
    r = cli("ask", "done", "99")
    assert r.exit_code == 2 and "no question #99" in r.output


def test_merging_or_deleting_who_answered_keeps_the_store_consistent(acme):
    from namecards.domain.contacts import delete_contact
    from namecards.domain.merging import merge_contacts

    add_contact(acme, "Maria Lopes", event=EVENT)  # the same person, typed again
    add_contact(acme, "Tom Ng", event=EVENT)
    q1 = add_question(acme, "How is on-call organised?", event="acme")
    q2 = add_question(acme, "How big is the team?", event="acme")
    mark_asked(acme, q1["id"], answer="two-week rotations", contact="maria lopes")
    mark_asked(acme, q2["id"], answer="twelve people", contact="tom")
    kept = merge_contacts(acme, "María López", "Maria Lopes")["kept"]
    assert get_question_row(acme, q1["id"])["contact_id"] == kept

    delete_contact(acme, "tom")  # used to fail: its talking point was still referenced
    assert not acme.db.execute("PRAGMA foreign_key_check").fetchall()
    assert acme.db["talking_points"].count_where("text = 'twelve people'") == 0


def get_question_row(store, question_id):
    return store.db["questions"].get(question_id)
