import pytest

from namecards.text import fold, normalise_email, normalise_phone, split_bullets


def test_fold_ignores_case_accents_and_spacing():
    assert fold("  María   José  Núñez ") == "maria jose nunez"
    assert fold("Jürgen Groß") == "jurgen gross"


def test_emails_are_lowercased_and_validated_offline():
    assert normalise_email(" Maria.Lopez@Acme.Example ") == "maria.lopez@acme.example"
    with pytest.raises(ValueError, match="not a valid e-mail address: 'maria@acme,com'"):
        normalise_email("maria@acme,com")


def test_phones_become_e164():
    assert normalise_phone("+49 30 1234567") == "+49301234567"
    assert normalise_phone("(11) 2747-8430", "BR") == "+551127478430"
    with pytest.raises(ValueError, match="not a phone number"):
        normalise_phone("call me")


def test_bullet_lines_are_talking_points():
    note = "Lunch with Maria.\n- leads the ROS 2 migration\n  * hates Jira\n-\nnot a point - really"
    assert split_bullets(note) == ["leads the ROS 2 migration", "hates Jira"]
