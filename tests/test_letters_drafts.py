"""Letters worth sending: shorthand made into sentences, dates in the right tense, the points
the user picks, a word to the writer when there is nothing to cite, previews not recorded,
edited drafts never overwritten, bounded user templates, and the composer's editor."""

import asyncio
import email
import email.policy
from datetime import datetime, timezone

import pytest

from namecards import NamecardsError
from namecards.clock import FixedClock
from namecards.domain.contacts import add_contact, add_note, get_contact
from namecards.domain.events import add_event
from namecards.domain.letters import LetterError, cite_point, render_letter
from namecards.services.followup import prepare_letter, write_event_letters, write_letter
from tui.app import make_app

ACME = "Acme Robotics — second interview"
DEC2 = datetime(2026, 12, 2, 18, 0, tzinfo=timezone.utc)
DEC5 = datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("point, cited", [
    ("ROS 2 migration next quarter", ("about", "the ROS 2 migration next quarter")),
    ("she will send the offer timeline by Friday",
     ("promise", "you will send the offer timeline by Friday")),
    ("grew up in Hamburg, supports St. Pauli",
     ("about", "how you grew up in Hamburg and support St. Pauli")),
    ("ex-Toyota Research Institute", ("about", "your time at Toyota Research Institute")),
    ("leads the {{ROS 2}} migration", ("about", "how you lead the ROS 2 migration")),
    ("sails on weekends", ("about", "how you sail on weekends")),
    ("her team is hiring (2 roles)", ("about", "how your team is hiring (2 roles)")),
    ("Kubernetes at scale", ("about", "Kubernetes at scale")),
    # Cannot be a clause: cited in a form that is always grammatical.
    ("likes, hates, and loves", ("about", "what you said about “likes, hates, and loves”")),
])
def test_shorthand_becomes_sentences_addressed_to_the_person(point, cited):
    assert cite_point(point) == cited


def acme_day(store, when=DEC2):
    store.clock = FixedClock(when)
    add_event(store, ACME, date="2026-12-03T09:30", company="Acme Robotics", kind="interview")
    maria = add_contact(store, "María López", company="Acme Robotics",
                        emails=["maria@acme.example"], event=ACME)
    add_note(store, maria, "- ROS 2 migration next quarter\n"
                           "- she will send the offer timeline by Friday\n"
                           "- grew up in Hamburg, supports St. Pauli\n"
                           "- ex-Toyota Research Institute")
    aisha = add_contact(store, "Aisha Okafor", company="Acme Robotics", event=ACME)
    return maria, aisha


def test_the_meeting_date_is_when_the_person_was_met_in_the_right_tense(store):
    maria, _ = acme_day(store)  # met on 2 December; the interview is on the calendar for the 3rd
    body = prepare_letter(store, str(maria)).letter.body
    assert "3 December" not in body and "speak with me today." in body
    store.clock = FixedClock(DEC5)
    assert "speak with me on 3 December." in prepare_letter(store, str(maria)).letter.body


def test_chosen_points_are_cited_as_sentences(store):
    maria, _ = acme_day(store)
    ids = [p["id"] for p in get_contact(store, maria)["talking_points"]]
    body = prepare_letter(store, str(maria), points=ids).letter.body
    assert ("I especially enjoyed hearing about the ROS 2 migration next quarter, how you "
            "grew up in Hamburg and support St. Pauli, and your time at Toyota Research "
            "Institute. You mentioned you will send the offer timeline by Friday; I look "
            "forward to it.") in " ".join(body.split())
    only = prepare_letter(store, str(maria), points=[ids[2]]).letter.body
    assert "Hamburg" in only and "ROS 2" not in only
    with pytest.raises(NamecardsError, match="talking point #999 is not one of María López's"):
        prepare_letter(store, str(maria), points=[999])


def test_no_points_gives_the_writer_a_note(store, cli):
    _, aisha = acme_day(store)
    draft = prepare_letter(store, str(aisha))
    assert draft.letter.body.startswith(
        "[No talking points for Aisha Okafor: add some with `namecards note aisha -`")
    r = cli("letter", "aisha")
    assert r.exit_code == 0 and "No talking points for Aisha Okafor" in r.output


def test_a_preview_is_not_recorded_and_point_ids_pick_what_is_cited(store, cli, tmp_path):
    maria, _ = acme_day(store)
    ids = [p["id"] for p in get_contact(store, maria)["talking_points"]]
    for _ in range(3):
        assert cli("letter", "maria").exit_code == 0
    assert store.db["letters"].count == 0
    r = cli("letter", "maria", "--point", str(ids[1]), "-o", str(tmp_path / "m.txt"))
    assert r.exit_code == 0, r.output
    text = (tmp_path / "m.txt").read_text()
    assert "You mentioned you will send the offer timeline by Friday" in text
    assert "ROS 2" not in text
    assert f"x #{ids[1]} she will send" in r.output and f"  #{ids[0]} ROS 2" in r.output
    assert store.db["letters"].count == 1
    r = cli("letter", "maria", "--point", "999")
    assert r.exit_code == 1 and len(r.output.strip().splitlines()) == 1


def test_letters_to_a_folder_keep_an_edited_draft(store, tmp_path):
    acme_day(store)
    add_contact(store, "team/alice", event=ACME)
    add_contact(store, "team:alice", event=ACME)
    long = "Maximiliane " + "von Hohenzollern-Sigmaringen " * 6  # cut for length
    add_contact(store, long + "A", event=ACME, force=True)
    add_contact(store, long + "B", event=ACME, force=True)
    out = tmp_path / "drafts"
    first = write_event_letters(store, ACME, str(out), fmt="eml")
    paths = [item["path"] for item in first]
    assert len(set(paths)) == 6 and all(item["status"] == "written" for item in first)
    assert len(list(out.iterdir())) == 6  # no file written over another
    maria = next(p for p in paths if "María" in p)
    data = open(maria, "rb").read()
    message = email.message_from_bytes(data, policy=email.policy.default)
    message.set_content(message.get_content() + "\nP.S. My edit.\n")
    open(maria, "wb").write(message.as_bytes())
    again = {i["path"]: i["status"] for i in write_event_letters(store, ACME, str(out), fmt="eml")}
    assert again[maria] == "kept" and "P.S. My edit." in open(maria, encoding="utf-8").read()
    assert sorted(again.values()) == ["kept"] + ["unchanged"] * 5
    with pytest.raises(NamecardsError, match="kept as it is"):
        write_letter(store, "maria", fmt="eml", output=maria)
    assert "P.S. My edit." in open(maria, encoding="utf-8").read()


def test_a_template_that_runs_for_ever_is_stopped_with_a_clear_message(tmp_path):
    user = tmp_path / "templates"
    user.mkdir()
    (user / "loop.j2").write_text(
        "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}")
    (user / "flood.j2").write_text(
        "{% for i in range(99999) %}{{ 'x' * 999 }}{% endfor %}")
    contact = {"id": 1, "full_name": "Ann Lee", "talking_points": []}
    with pytest.raises(LetterError, match="'loop' ran for more than 2 s and was stopped"):
        render_letter(contact, template="loop", user_dir=user)
    with pytest.raises(LetterError, match="'flood' wrote more than 100,000 characters"):
        render_letter(contact, template="flood", user_dir=user)


def test_the_composer_keeps_edits(store):
    maria, _ = acme_day(store, DEC5)

    async def scenario():
        app = make_app(store, now=DEC5)
        async with app.run_test(size=(110, 34)) as pilot:
            app.open("letter", contact_id=maria)
            await pilot.pause()
            screen = app.screen
            editor = screen.query_one("#draft")
            assert "the ROS 2 migration next quarter" in editor.text
            editor.focus()
            editor.move_cursor((0, 0))
            await pilot.press(*"Hello! ")
            await pilot.pause()
            assert screen.edited and editor.text.startswith("Hello! ")
            screen.query_one("#points").focus()
            await pilot.press("space")  # untick a point: the edited draft is not rewritten
            await pilot.pause()
            assert editor.text.startswith("Hello! ") and "ROS 2" in editor.text
            await pilot.press("escape")  # leave: the edit is kept
            await pilot.pause()
            app.open("letter", contact_id=maria)
            await pilot.pause()
            assert app.screen.query_one("#draft").text.startswith("Hello! ")
            await pilot.press("ctrl+r")  # a new draft, on request
            await pilot.pause()
            assert not app.screen.query_one("#draft").text.startswith("Hello! ")

    asyncio.run(scenario())
