"""One fold everywhere: a name written with ø, đ or ß is found, resolved, graded and
recognised as a duplicate the same way, whichever spelling the user types."""

import json

import pytest

from namecards.drilling import grade_answer
from namecards.text import fold

PEOPLE = {"Ole Sørensen": ("Sørensen", "sorensen", "SØRENSEN"),
          "Đorđe Petrović": ("Đorđe", "dorde", "DORDE"),
          "Hans Groß": ("Groß", "gross", "GROSS")}


def test_fold_makes_the_special_letters_plain():
    assert fold("Đorđe  Groß") == "dorde gross"
    assert fold("ØLE") == fold("øle") == "ole"


@pytest.fixture
def people(cli):
    ids = {}
    for name in PEOPLE:
        r = cli("add", "--name", name, "--company", "Acme", "--json")
        assert r.exit_code == 0, r.output
        ids[name] = json.loads(r.output)["id"]
    return ids


@pytest.mark.parametrize("name", PEOPLE)
def test_search_and_show_find_the_same_person_by_every_spelling(cli, people, name):
    for spelling in PEOPLE[name]:
        shown = cli("show", spelling, "--json")
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.output)["id"] == people[name]
        found = cli("search", spelling, "--json")
        assert found.exit_code == 0, found.output
        assert [r["id"] for r in json.loads(found.output)] == [people[name]], spelling


def test_search_with_a_name_and_an_unfinished_word(cli, people):
    for query in ("ole sør", "ole sor", "hans gro"):
        rows = json.loads(cli("search", query, "--json").output)
        assert [r["full_name"] for r in rows] in (["Ole Sørensen"], ["Hans Groß"]), query


@pytest.mark.parametrize("name", PEOPLE)
def test_adding_a_plain_spelling_is_recognised_as_a_duplicate(cli, people, name):
    plain = name.replace("ø", "o").replace("Đ", "D").replace("đ", "d").replace("ć", "c")
    plain = plain.replace("ß", "ss")
    r = cli("add", "--name", plain, "--company", "Acme")
    assert r.exit_code == 1
    assert f"looks like #{people[name]} {name}" in r.output and "--force" in r.output


# "Gross" is "Groß" case-folded (Unicode's own rule), so it is exact; ø and đ are accents.
@pytest.mark.parametrize("name, verdict", [("Ole Sørensen", "accents"),
                                           ("Đorđe Petrović", "accents"), ("Hans Groß", "exact")])
def test_the_drill_grades_a_plain_spelling_like_the_rest_of_the_program(name, verdict):
    plain = fold(name).title()
    assert grade_answer(plain, name).verdict == verdict
    assert grade_answer("Ole Hansen", name).verdict == "wrong"


def test_keys_stored_by_the_old_fold_are_folded_again(tmp_path):
    from namecards.domain.contacts import add_contact, resolve_contact
    from namecards.store import open_store

    store = open_store(tmp_path)
    cid = add_contact(store, "Đorđe Petrović")
    # What the old fold stored ("Đ" was kept, then lower-cased), and the migration not yet run.
    store.db.execute("update contacts set name_key = 'đorde petrovic' where id = ?", [cid])
    store.db.execute("delete from _sqlite_migrations where name = 'm014_name_keys_by_the_one_fold'")
    store.close()
    store = open_store(tmp_path)
    assert resolve_contact(store, "dorde") == cid
