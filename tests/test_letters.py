import copy
import email
import email.policy
import json
from pathlib import Path

import pytest

from namecards.domain.letters import (
    Letter,
    LetterError,
    letter_to_eml,
    letter_to_markdown,
    list_templates,
    render_letter,
)

_SAMPLES = json.loads((Path(__file__).parent / "fixtures/formats/contacts.json").read_text("utf-8"))
ZOE, RAJ, BARE, SENDER = (_SAMPLES[k] for k in ("zoe", "raj", "bare", "sender"))


def sample(contact: dict) -> dict:
    return copy.deepcopy(contact)


def test_shipped_templates_listed():
    assert {"thank-you", "handwritten", "connection"} <= set(list_templates())


def test_thank_you_cites_points_and_spells_name_as_stored():
    letter = render_letter(sample(ZOE), sender=SENDER)
    assert isinstance(letter, Letter)
    assert letter.template == "thank-you"
    assert letter.contact_id == 3 and letter.event_id == 7
    assert letter.body.startswith(
        "Dear Zoë,\n\nThank you for taking the time to speak with me on 12 March."
    )
    assert (
        "I especially enjoyed hearing about how the team moved the test rig to simulation"
        in letter.body
    )
    assert "sailing on the Baltic every summer" in letter.body
    assert "{{" not in letter.body
    assert "Acme Robotics" in letter.subject
    assert letter.body.rstrip().endswith("Alex Doe\n+1 555 0100")


def test_name_kept_exactly_even_in_odd_case():
    c = sample(BARE)
    c["full_name"] = "dANIEL mcDonald-ÉTIENNE"
    letter = render_letter(c, template="connection", sender=SENDER)
    assert "Hi dANIEL mcDonald-ÉTIENNE," in letter.body


def test_choose_points_by_id_text_and_dict():
    c = sample(ZOE)
    assert "Sailing" not in render_letter(c, points=[11]).body
    body = render_letter(
        c, points=["Their Kubernetes migration", {"text": "the Lisbon office"}]
    ).body
    assert "hearing about their Kubernetes migration, and about the Lisbon office." in body
    with pytest.raises(LetterError, match="talking point 999"):
        render_letter(c, points=[999])


def test_event_by_name_and_missing_everything():
    letter = render_letter(sample(ZOE), event="acme robotics — second interview")
    assert letter.event_id == 7
    assert render_letter(sample(ZOE), event="7").event_id == 7
    # an event dict from the store (no role) picks up the contact's role at that event
    assert render_letter(sample(ZOE), event={"id": 7, "name": "x", "kind": None}).event_id == 7
    with pytest.raises(LetterError, match="event 99"):
        render_letter(sample(ZOE), event="99")
    bare = render_letter(sample(BARE))
    assert bare.body.startswith("Dear Ngozi Okonjo,")
    assert bare.subject == "Thank you for your time"
    for name in ("handwritten", "connection"):
        assert "Ngozi Okonjo" in render_letter(sample(BARE), template=name).body


def test_template_syntax_in_data_prints_literally():
    c = sample(ZOE)
    c["talking_points"] = [
        {"id": 1, "text": "{{ ''.__class__.__mro__ }} and {% for x in y %}", "event_id": 7}
    ]
    c["given_name"] = "{{ 7*7 }}"
    letter = render_letter(c)
    assert "{{ ''.__class__.__mro__ }} and {% for x in y %}" in letter.body
    assert "Dear {{ 7*7 }}," in letter.body
    assert "<class" not in letter.body and "49" not in letter.body


def test_handwritten_word_limit():
    c = sample(ZOE)
    letter = render_letter(c, template="handwritten", sender=SENDER)
    assert len(letter.body.split()) <= 90
    long_points = ["the long history of the company and " + "very " * 30 + "detailed things"] * 2
    with pytest.raises(LetterError, match=r"words, over its limit of 90"):
        render_letter(c, template="handwritten", points=long_points)


def test_connection_character_limit():
    c = sample(ZOE)
    letter = render_letter(c, template="connection", sender=SENDER)
    assert len(letter.body.rstrip("\n")) <= 300
    assert letter.subject == ""
    points = [p["text"] for p in ZOE["talking_points"]] + [
        "the robotics meetup in Kreuzberg",
        "their plans for a Lisbon office",
    ] * 3
    with pytest.raises(LetterError) as info:
        render_letter(c, template="connection", points=points)
    msg = str(info.value)
    assert "characters, over its limit of 300" in msg and "fewer" in msg
    assert "\n" not in msg


def test_user_templates_add_and_override(tmp_path: Path):
    (tmp_path / "short.j2").write_text(
        "Subject: Hi {{ contact.full_name }}\n\nThanks, {{ sender.name }}!\n"
    )
    (tmp_path / "thank-you.j2").write_text("Custom for {{ contact.greeting_name }}\n")
    assert "short" in list_templates(tmp_path)
    letter = render_letter(sample(ZOE), template="short", sender=SENDER, user_dir=tmp_path)
    assert letter.subject == "Hi Zoë Müller-Łukasiewicz"
    assert letter.body == "Thanks, Alex Doe!\n"
    assert render_letter(sample(ZOE), user_dir=tmp_path).body == "Custom for Zoë\n"


def test_user_template_errors_are_one_line(tmp_path: Path):
    (tmp_path / "typo.j2").write_text("Dear {{ contact.nmae }}\n")
    (tmp_path / "bad.j2").write_text("{% if %}\n")
    (tmp_path / "evil.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    (tmp_path / "crash.j2").write_text("{{ 1 / 0 }} {{ contact.emails|long_date(1, 2, 3) }}\n")
    for name in ("typo", "bad", "evil", "crash", "missing", "../etc/passwd"):
        with pytest.raises(LetterError) as info:
            render_letter(sample(ZOE), template=name, user_dir=tmp_path)
        assert "\n" not in str(info.value)


def test_eml_draft_parses_back():
    c = sample(ZOE)
    letter = render_letter(c, sender=SENDER)
    raw = letter_to_eml(letter, c, SENDER)
    assert b"\r\n" in raw and b"\nX-Unsent: 1\r\n" in raw
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["X-Unsent"] == "1"
    assert msg["To"].addresses[0].addr_spec == "zoe@acme.example"
    assert msg["To"].addresses[0].display_name == "Zoë Müller-Łukasiewicz"
    assert msg["From"].addresses[0].addr_spec == "alex@example.org"
    assert msg["Subject"] == letter.subject
    assert msg["Message-ID"] and msg["Date"]
    assert msg.get_content().replace("\r\n", "\n") == letter.body
    assert raw.isascii()  # headers encoded, body quoted-printable


def test_eml_without_email_or_sender():
    c = sample(BARE)
    letter = render_letter(c)
    msg = email.message_from_bytes(letter_to_eml(letter, c, None), policy=email.policy.default)
    assert msg["To"] is None and msg["X-Unsent"] == "1"
    assert "Ngozi Okonjo" in msg.get_content()


def test_markdown():
    letter = render_letter(sample(RAJ), sender=SENDER)
    md = letter_to_markdown(letter)
    assert md.startswith("# " + letter.subject + "\n\n")
    assert "the new office in Lisbon" in md


def test_shorthand_points_read_as_sentences_after_hearing_about():
    from namecards.domain.letters import _point_phrase

    assert _point_phrase("leads the {{ROS 2}} migration") == "how you lead the ROS 2 migration"
    assert _point_phrase("moved from Lyon last year") == "how you moved from Lyon last year"
    assert _point_phrase("has a dog named Pixel") == "how you have a dog named Pixel"
    assert _point_phrase("the Rust rewrite of the planner") == "the Rust rewrite of the planner"
    assert _point_phrase("Kubernetes at scale") == "Kubernetes at scale"
