"""The readiness check: per person, the weakest predicted recall at the event time; questions
prepared; thank-you notes ready; and the next steps when not ready."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, State

from namecards.config import set_config
from namecards.domain.contacts import add_contact, add_note
from namecards.domain.events import add_event
from namecards.domain.questions import add_question
from namecards.services.readiness import check_readiness, shell_arg

EVENT = "Acme Robotics — second interview"
AT = datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc)
NOW = AT - timedelta(days=2)


def learnt(store, contact_id: int, *, stability: float, days_before: float = 1.0) -> None:
    """Give every card of a person a review state as if drilled `days_before` the event."""
    last = AT - timedelta(days=days_before)
    state = Card(card_id=1, state=State.Review, stability=stability, difficulty=5.0,
                 due=last + timedelta(days=stability), last_review=last).to_dict()
    store.db.execute("update drill_cards set fsrs_state = ? where contact_id = ?",
                     [json.dumps(state), contact_id])


@pytest.fixture
def acme(store):
    add_event(store, EVENT, date="2026-12-03T09:30+00:00", company="Acme Robotics")
    ids = {
        "maria": add_contact(store, "María López", title="CTO", event=EVENT,
                             role="panel interviewer", emails=["maria@acme.example"]),
        "jurgen": add_contact(store, "Jürgen Groß", event=EVENT, role="lunch",
                              emails=["jurgen@acme.example"]),
        "akira": add_contact(store, "Akira Tanaka", event=EVENT, role="team tour",
                             emails=["akira@acme.example"]),
    }
    add_note(store, "maria", "- leads the ROS 2 migration")
    return ids


def test_names_and_points_are_measured_apart_at_the_event_time(store, acme):
    learnt(store, acme["maria"], stability=200)
    learnt(store, acme["jurgen"], stability=200)
    learnt(store, acme["akira"], stability=200)
    # A point not drilled yet leaves the name's readiness alone; it is measured apart.
    point = next(store.db.query("select id from drill_cards where kind = 'point'"))["id"]
    store.db.execute("update drill_cards set fsrs_state = null where id = ?", [point])
    learnt_short = Card(card_id=2, state=State.Review, stability=2.0, difficulty=5.0,
                        due=AT, last_review=AT - timedelta(days=6)).to_dict()
    store.db.execute("update drill_cards set fsrs_state = ? where contact_id = ? and kind = 'name'",
                     [json.dumps(learnt_short), acme["jurgen"]])

    r = check_readiness(store, "acme", now=NOW)
    people = {p["full_name"]: p for p in r["people"]}
    assert r["at"] == "2026-12-03T09:30+00:00" and r["event_time_known"]
    assert people["Akira Tanaka"]["ready"] and people["Akira Tanaka"]["recall"] > 0.99
    maria = people["María López"]
    assert maria["ready"] and maria["recall"] > 0.99
    assert not maria["points_ready"] and maria["points_recall"] == 0.0
    assert not people["Jürgen Groß"]["ready"] and 0.5 < people["Jürgen Groß"]["recall"] < 0.95
    assert people["Jürgen Groß"]["weakest"] == "name"
    assert r["names"] == {"ok": False, "total": 3, "below": 1, "target": 0.95}
    assert r["points"]["below"] == 1 and not r["points"]["ok"]
    assert "drill: namecards drill --event acme (1 name below 0.95)" in r["next"]
    assert not r["ready"]


def test_ready_when_names_questions_and_thank_you_are_ready(store, acme):
    for cid in acme.values():
        learnt(store, cid, stability=300)
    for text in ("On-call?", "Success after six months?", "The Lyon contract?"):
        add_question(store, text, event="acme")
    set_config("name", "Ana Souza")
    r = check_readiness(store, "acme", now=NOW)
    assert r["names"]["ok"] and r["questions"]["ok"] and r["thank_you"]["ok"]
    assert r["ready"]
    assert not any(step.startswith("drill") for step in r["next"])

    # The same drilling is not enough for an interview a year later: recall is at event time.
    store.db["events"].update(1, {"date": "2027-12-03T09:30+00:00"})
    assert not check_readiness(store, "acme", now=NOW)["names"]["ok"]


def test_after_the_event_thank_you_notes_must_be_drafted(store, acme):
    set_config("name", "Ana Souza")
    after = AT + timedelta(hours=3)
    r = check_readiness(store, "acme", now=after)
    assert r["thank_you"]["after_event"] and not r["thank_you"]["ok"]
    assert any(s.startswith("write the thank-you notes: namecards letters --event acme")
               for s in r["next"])
    from namecards.services.followup import write_letter

    for name in ("maria", "jurgen", "akira"):
        write_letter(store, name, event="acme", record=True)  # a letter, not a preview
    assert check_readiness(store, "acme", now=after)["thank_you"]["ok"]


def test_missing_pieces_each_have_a_next_step(store):
    add_event(store, "Initech chat", company="Initech")
    r = check_readiness(store, "initech", now=NOW)
    assert not r["event_time_known"] and not r["ready"]
    steps = "\n".join(r["next"])
    assert "namecards add --name NAME --event initech" in steps
    assert 'namecards ask add --event initech "..."' in steps
    assert 'namecards config set name "Your Name"' in steps
    assert "namecards dossier Initech -" in steps
    assert shell_arg("Acme Robotics") == "\"Acme Robotics\""
    assert "namecards practice adopt --starter" in steps


def test_ready_command(cli, store, acme):
    r = cli("ready", "--event", "acme")
    assert r.exit_code == 0, r.output
    out = r.output
    assert "✗ Names      0/3 people at ≥ 95% predicted recall at the event time" in out
    for name in ("María López", "Jürgen Groß", "Akira Tanaka"):
        assert name in out
    assert "Not ready yet. Next:" in out and "1. drill: namecards drill --event acme" in out
    data = json.loads(cli("ready", "--event", "acme", "--json").output)
    assert set(data) >= {"event", "at", "ready", "names", "people", "questions", "thank_you",
                         "facts", "practice", "next"}
    # Without --event: the next upcoming event.
    r = cli("ready")
    assert r.exit_code == 0 and r.output.startswith("Acme") and "Points" in r.output
    r = cli("ready", "--event", "nope")
    assert r.exit_code == 1 and r.output.startswith("namecards: no event matches 'nope'")
