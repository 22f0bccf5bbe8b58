"""One fold everywhere: a name written with ø, đ or ß is found, resolved, graded and
recognised as a duplicate the same way, whichever spelling the user types."""

import json

import pytest

from namecards.drilling import grade_answer
from namecards.store.migrations import FTS_TOKENIZE
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


@pytest.fixture
def ana(cli):
    r = cli("add", "--name", "Ana Lima", "--company", "Initech", "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)["id"]


def found(cli, query):
    r = cli("search", query, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


@pytest.mark.parametrize("query", ["sorensen", "Sørensen", "SØRENSEN", "orsted", "sore"])
def test_search_finds_a_note_by_every_spelling_and_shows_it_as_written(cli, ana, query):
    assert cli("note", "ana", "Worked with Knut Sørensen at Ørsted").exit_code == 0
    [row] = found(cli, query)
    assert (row["id"], row["field"]) == (ana, "note")
    assert "Sørensen" in row["snippet"] and "Ørsted" in row["snippet"]
    assert "[Sørensen]" in row["snippet"] or "[Ørsted]" in row["snippet"]


def test_search_finds_a_talking_point_by_its_plain_spelling(cli, ana):
    assert cli("note", "ana", "- plays bass in Đorđe's band in Łódź, Groß-Gerau").exit_code == 0
    for query in ("dorde", "lodz", "gross gerau", "łódź"):
        [row] = found(cli, query)
        # the note and its talking point both match
        assert (row["id"], row["hits"]) == (ana, 2), query
        assert row["snippet"].replace("[", "").replace("]", "") == (
            "- plays bass in Đorđe's band in Łódź, Groß-Gerau"), row["snippet"]
    assert found(cli, "lodzz") == []


def test_an_index_of_the_old_kind_is_rebuilt_folded_and_plain_sqlite_keeps_it(cli, ana, home):
    import sqlite3

    from sqlite_utils import Database

    assert cli("note", "ana", "- grew up in Tromsø").exit_code == 0
    # The index as stores before m016 have it: sqlite-utils' own, over the unfolded text.
    db = Database(home / "namecards.db")
    for table in ("contacts", "notes", "talking_points"):
        db.execute(f"drop table {table}_fts")
        for trigger in ("ai", "ad", "au"):
            db.execute(f"drop trigger {table}_{trigger}")
    db["notes"].enable_fts(["text"], create_triggers=True, tokenize=FTS_TOKENIZE)
    db["talking_points"].enable_fts(["text"], create_triggers=True, tokenize=FTS_TOKENIZE)
    db["contacts"].enable_fts(["full_name", "company", "title"], create_triggers=True,
                              tokenize=FTS_TOKENIZE)
    db.execute("delete from _sqlite_migrations where name = 'm016_search_index_by_the_one_fold'")
    db.conn.commit()
    assert [r["rowid"] for r in db.query(
        "select rowid from notes_fts where notes_fts match 'tromso'")] == []
    db.close()
    assert [r["id"] for r in found(cli, "tromso")] == [ana]
    # A note written by plain sqlite3 (no function of ours) is indexed folded too.
    conn = sqlite3.connect(home / "namecards.db")
    with conn:
        conn.execute("insert into notes (contact_id, text, created) values (?, ?, ?)",
                     [ana, "Fan of Brøndby IF", "2026-01-01T00:00:00+00:00"])
    conn.close()
    assert [(r["id"], r["field"]) for r in found(cli, "brondby")] == [(ana, "note")]
