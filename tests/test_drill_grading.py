"""Grading typed answers: verdicts, ratings, the character diff and its markup."""

import pytest
from fsrs import Rating
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text

from namecards.drilling import fold_accents, grade_answer, render_diff_markup


def expected_from_diff(grade):
    return "".join(text for op, text in grade.diff if op != "extra")


def test_exact_is_good():
    grade = grade_answer("María López", "María López")
    assert (grade.rating, grade.verdict, grade.distance) == (Rating.Good, "exact", 0)
    assert grade.diff == [("equal", "María López")]


def test_case_and_spacing_do_not_matter():
    grade = grade_answer("  maría   LÓPEZ ", "María López")
    assert grade.rating == Rating.Good
    assert grade.verdict == "exact"
    assert grade.diff == [("equal", "María López")]


def test_decomposed_accents_are_still_exact():
    decomposed = "Mari\u0301a Lo\u0301pez"
    assert decomposed != "María López"
    grade = grade_answer(decomposed, "María López")
    assert (grade.rating, grade.verdict) == (Rating.Good, "exact")
    assert grade.diff == [("equal", "María López")]


def test_accents_only_is_hard():
    grade = grade_answer("Maria Lopez", "María López")
    assert (grade.rating, grade.verdict, grade.distance) == (Rating.Hard, "accents", 0)
    assert grade.diff == [
        ("equal", "Mar"),
        ("wrong", "í"),
        ("equal", "a L"),
        ("wrong", "ó"),
        ("equal", "pez"),
    ]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Lukasz Walesa", "Łukasz Wałęsa"),
        ("Soren Jorgensen", "Søren Jørgensen"),
        ("Francois Muller", "François Müller"),
    ],
)
def test_letters_without_decomposition_fold_too(typed, expected):
    assert grade_answer(typed, expected).verdict == "accents"


def test_one_edit_is_near():
    grade = grade_answer("Jon Smith", "John Smith")
    assert (grade.rating, grade.verdict, grade.distance) == (Rating.Hard, "near", 1)
    assert grade.diff == [("equal", "Jo"), ("missing", "h"), ("equal", "n Smith")]


def test_transposition_counts_as_one_edit():
    grade = grade_answer("Jonh Smith", "John Smith")
    assert (grade.verdict, grade.distance) == ("near", 1)
    assert expected_from_diff(grade) == "John Smith"


def test_two_edits_is_near_and_accents_do_not_count_as_edits():
    grade = grade_answer("Katarina Novak", "Katharina Nowák")
    assert (grade.rating, grade.verdict, grade.distance) == (Rating.Hard, "near", 2)


def test_three_edits_is_wrong():
    grade = grade_answer("Catarina Nowac", "Katharina Nowak")
    assert (grade.rating, grade.verdict, grade.distance) == (Rating.Again, "wrong", 3)


def test_different_name_is_wrong():
    grade = grade_answer("Peter Brown", "María López")
    assert (grade.rating, grade.verdict) == (Rating.Again, "wrong")


def test_two_edits_on_a_short_name_is_wrong():
    assert grade_answer("Wu", "Li").verdict == "wrong"
    assert grade_answer("Lu", "Li").verdict == "wrong"
    assert grade_answer("Bo", "Bob").verdict == "near"


@pytest.mark.parametrize("typed", ["", "   ", "\t\n"])
def test_empty_answer_is_again(typed):
    grade = grade_answer(typed, "María López")
    assert (grade.rating, grade.verdict) == (Rating.Again, "wrong")
    assert grade.diff == [("missing", "María López")]


def test_extra_and_wrong_characters():
    grade = grade_answer("Annna Smyth", "Anna Smith")
    assert grade.verdict == "near"
    ops = [op for op, _ in grade.diff]
    assert "extra" in ops and "wrong" in ops
    assert ("wrong", "i") in grade.diff
    assert expected_from_diff(grade) == "Anna Smith"
    assert sum(len(t) for op, t in grade.diff if op == "extra") == 1


@settings(deadline=None)  # no timing in tests: machines under load are slow
@given(st.text(max_size=30), st.text(min_size=1, max_size=30))
def test_diff_rebuilds_both_strings(typed, expected):
    grade = grade_answer(typed, expected)
    assert expected_from_diff(grade) == grade.expected
    typed_len = sum(len(t) for op, t in grade.diff if op in ("equal", "extra", "wrong"))
    # every typed character is accounted for once: equal, extra, or replaced in a wrong block
    assert typed_len == len(grade.typed)
    assert all(op in ("equal", "missing", "wrong", "extra") for op, _ in grade.diff)
    assert all(text for _, text in grade.diff)


@settings(deadline=None)
@given(st.text(max_size=20))
def test_identical_answers_are_always_good(text):
    if text.strip():
        assert grade_answer(text, text).rating == Rating.Good


def test_fold_accents():
    assert fold_accents("Ångström Øre Straße") == "angstrom ore strasse"


def test_markup_colours_the_diff():
    markup = render_diff_markup(grade_answer("Jon Smith", "John Smith"))
    assert markup == "[green]Jo[/][reverse red]h[/][green]n Smith[/]"
    assert Text.from_markup(markup).plain == "John Smith"


def test_markup_escapes_names():
    grade = grade_answer("[bold]Ann", "[bold]Anne\\")
    markup = render_diff_markup(grade)
    text = Text.from_markup(markup)
    assert text.plain == "[bold]Anne\\"
    assert "bold" not in {str(span.style) for span in text.spans}


def test_markup_strikes_extra_characters():
    markup = render_diff_markup(grade_answer("Annna", "Anna"))
    assert "[strike]n[/]" in markup
    assert Text.from_markup(markup).plain == "Annna"
