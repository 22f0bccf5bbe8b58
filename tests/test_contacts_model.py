"""The address book's API: methods, duplicates, edits, notes and their points, tags, delete."""

from datetime import datetime, timedelta, timezone

import pytest

from namecards import NamecardsError
from namecards.domain.contacts import (
    DuplicateContact,
    add_contact,
    add_note,
    delete_contact,
    delete_note,
    edit_contact,
    edit_note,
    get_contact,
    list_contacts,
    normalise_url,
    resolve_contact,
    search_contacts,
    tag,
)
from namecards.domain.deck import answer_card
from namecards.errors import InvalidValue

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)


def point_card(store, point_id):
    return next(store.db.query("select * from drill_cards where talking_point_id = ?", [point_id]))


def review_point(store, point_id, rating=3, when=T0):
    return answer_card(store, point_card(store, point_id)["id"], rating=rating, now=when)


@pytest.mark.parametrize("raw,expected", [
    ("linkedin.com/in/Maria-Lopez/?trk=abc", ("linkedin", "https://www.linkedin.com/in/maria-lopez")),
    ("https://de.linkedin.com/in/jurgen-gross", ("linkedin", "https://www.linkedin.com/in/jurgen-gross")),
    ("acme.example/team", ("url", "https://acme.example/team")),
    ("http://acme.example", ("url", "http://acme.example")),
])
def test_urls_are_normalised_and_linkedin_gets_its_kind(raw, expected):
    assert normalise_url(raw) == expected


def test_several_methods_are_kept_normalised(store):
    cid = add_contact(store, "Ana Souza", emails=["Ana@Acme.Example", "ana.souza@gmail.com"],
                      phones=["(11) 2747-8430", "+55 11 98765-4321"], region="BR",
                      urls=["linkedin.com/in/AnaSouza", "anasouza.example"])
    c = get_contact(store, cid)
    assert [m["value"] for m in c["emails"]] == ["ana@acme.example", "ana.souza@gmail.com"]
    assert [m["value"] for m in c["phones"]] == ["+551127478430", "+5511987654321"]
    assert c["linkedin"] == ["https://www.linkedin.com/in/anasouza"]
    assert [m["value"] for m in c["urls"]] == ["https://anasouza.example",
                                               "https://www.linkedin.com/in/anasouza"]


def test_invalid_phone_names_the_value_unless_forced(store):
    # The library names the value; which flag overrides it is the CLI's to say (it does:
    # test_contacts_cli), never the library's (the TUI has no flags).
    with pytest.raises(InvalidValue, match=r"'12'") as caught:
        add_contact(store, "Bob", phones=["12"])
    assert caught.value.storable and caught.value.value == "12"
    assert "--" not in str(caught.value)
    cid = add_contact(store, "Bob", phones=["12"], force=True)
    assert get_contact(store, cid)["phones"][0]["value"] == "12"


def test_a_close_name_at_the_same_company_is_a_likely_duplicate(store):
    first = add_contact(store, "María López", company="Acme Robotics")
    with pytest.raises(DuplicateContact, match="same name at the same company") as e:
        add_contact(store, "Maria Lopez", company="acme robotics")
    assert e.value.candidates[0]["id"] == first
    # the same name elsewhere is another person
    assert add_contact(store, "Maria Lopez", company="Globex")
    with pytest.raises(DuplicateContact, match="same LinkedIn profile"):
        add_contact(store, "Someone", urls=["https://www.linkedin.com/in/x"]) and add_contact(
            store, "Someone Else", urls=["linkedin.com/in/X/"])


def test_edit_sets_clears_and_changes_methods(store):
    cid = add_contact(store, "Jon Smith", title="Dev", emails=["jon@a.example"], mnemonic="hook")
    result = edit_contact(store, "jon", {"full_name": "John Smith", "title": "CTO"},
                          clear=["mnemonic"], add_emails=["JOHN@b.example"],
                          remove_emails=["jon@a.example"], add_phones=["+49 30 1234567"])
    assert set(result["changed"]) >= {"full_name", "title", "mnemonic", "+email", "-email", "+phone"}
    c = get_contact(store, cid)
    assert (c["full_name"], c["given_name"], c["family_name"]) == ("John Smith", "John", "Smith")
    assert c["title"] == "CTO" and c["mnemonic"] is None
    assert [m["value"] for m in c["emails"]] == ["john@b.example"]
    assert resolve_contact(store, "john") == cid
    with pytest.raises(NamecardsError, match="no email 'x@y.example'"):
        edit_contact(store, cid, remove_emails=["x@y.example"])
    with pytest.raises(NamecardsError, match="cannot be"):
        edit_contact(store, cid, {"full_name": "  "})


def test_tags_add_remove_and_filter(store):
    a = add_contact(store, "Ana", tags=["robotics"])
    add_contact(store, "Bea")
    assert tag(store, "bea", ["robotics", "hiring"]) == ["hiring", "robotics"]
    assert [r["full_name"] for r in list_contacts(store, tag="robotics")] == ["Ana", "Bea"]
    assert tag(store, "bea", ["robotics"], remove=True) == ["hiring"]
    assert [r["id"] for r in list_contacts(store, tag="robotics")] == [a]
    assert list_contacts(store, tag="hiring")[0]["tags"] == ["hiring"]
    tag(store, "bea", ["hiring"], remove=True)
    assert [t["name"] for t in store.db["tags"].rows] == ["robotics"]


def test_editing_a_note_keeps_the_history_of_unchanged_points(store):
    cid = add_contact(store, "Ana Souza", event="Fair")
    n = add_note(store, "ana", "Met at the booth.\n- likes Rust\n- runs marathons\n- has a cat")
    points = {p["text"]: p["id"] for p in get_contact(store, cid)["talking_points"]}
    for pid in points.values():
        review_point(store, pid)
    kept_card = point_card(store, points["likes Rust"])

    result = edit_note(store, n["note_id"], "Met at the booth.\n- runs marathons\n- likes Rust\n"
                                            "- has two dogs")
    assert sorted(result["kept"]) == sorted([points["likes Rust"], points["runs marathons"]])
    assert result["removed"] == [points["has a cat"]] and len(result["added"]) == 1
    c = get_contact(store, cid)
    assert [p["text"] for p in c["talking_points"]] == ["runs marathons", "likes Rust", "has two dogs"]
    # the unchanged point has the same card, schedule and review
    again = point_card(store, points["likes Rust"])
    assert again["id"] == kept_card["id"] and again["fsrs_state"] == kept_card["fsrs_state"]
    assert store.db["reviews"].count_where("card_id = ?", [kept_card["id"]]) == 1
    # the removed point's card leaves the drill, its review stays with the point's text
    gone = point_card(store, points["has a cat"])
    assert gone["suspended"] == 1
    assert store.db["reviews"].count_where("card_id = ?", [gone["id"]]) == 1
    assert [p["text"] for p in c["removed_points"]] == ["has a cat"]
    assert search_contacts(store, "cat") == []  # removed points are not found
    assert [r["id"] for r in search_contacts(store, "two dogs")] == [cid]
    # the new point got a fresh card
    new_card = point_card(store, result["added"][0])
    assert new_card["fsrs_state"] is None and new_card["suspended"] == 0

    # bringing the old text back revives its row, card and history
    back = edit_note(store, n["note_id"], "- has a cat\n- likes Rust")
    assert back["revived"] == [points["has a cat"]]
    assert point_card(store, points["has a cat"])["suspended"] == 0


def test_a_point_changed_only_in_case_or_accents_is_the_same_point(store):
    add_contact(store, "Ana")
    n = add_note(store, "ana", "- likes cafe")
    pid = get_contact(store, resolve_contact(store, "ana"))["talking_points"][0]["id"]
    result = edit_note(store, n["note_id"], "- Likes café")
    assert result["kept"] == [pid]
    assert store.db["talking_points"].get(pid)["text"] == "Likes café"


def test_deleting_a_note_takes_its_points_cards_and_reviews(store):
    cid = add_contact(store, "Ana")
    n = add_note(store, "ana", "- one\n- two")
    for p in get_contact(store, cid)["talking_points"]:
        review_point(store, p["id"])
    delete_note(store, n["note_id"], contact_ref="ana")
    c = get_contact(store, cid)
    assert c["notes"] == [] and c["talking_points"] == [] and c["removed_points"] == []
    assert store.db["reviews"].count == 0
    assert search_contacts(store, "two") == []
    with pytest.raises(NamecardsError, match="no note #999"):
        delete_note(store, 999)


def test_fts_stays_in_sync_after_edits_and_deletes(store):
    a = add_contact(store, "Ana Souza", company="Initech", title="Platform lead")
    b = add_contact(store, "Bea Lima", company="Globex")
    n = add_note(store, "bea", "Talked about quantum sensors\n- builds kayaks")
    assert [r["id"] for r in search_contacts(store, "initech")] == [a]
    edit_contact(store, a, {"company": "Hooli", "title": "SRE"})
    assert search_contacts(store, "initech") == [] and search_contacts(store, "platform") == []
    assert [r["id"] for r in search_contacts(store, "hooli")] == [a]
    edit_note(store, n["note_id"], "Talked about lidar\n- paints")
    assert search_contacts(store, "quantum") == [] and search_contacts(store, "kayaks") == []
    assert [r["id"] for r in search_contacts(store, "lidar")] == [b]
    delete_contact(store, "bea")
    assert search_contacts(store, "lidar") == [] and search_contacts(store, "lima") == []
    for fts in ("contacts_fts", "notes_fts", "talking_points_fts"):
        base = fts[:-4]
        assert store.db[fts].count == store.db[base].count
    assert store.db.execute("insert into contacts_fts(contacts_fts) values('integrity-check')")


def test_search_ranks_names_first_and_gives_snippets(store):
    a = add_contact(store, "Rust Cohle", company="Carcosa")
    b = add_contact(store, "Bea Lima")
    add_note(store, "bea", "- wants everything rewritten in Rust")
    rows = search_contacts(store, "rust")
    assert [r["id"] for r in rows] == [a, b]
    assert rows[0]["field"] == "contact" and "[Rust]" in rows[0]["snippet"]
    assert rows[1]["field"] in ("note", "talking point") and "[Rust]" in rows[1]["snippet"]
    search_contacts(store, 'AND OR NOT ( * ^ "NEAR"')  # FTS syntax in a query is never an error
    assert search_contacts(store, "   ") == []


def test_delete_removes_everything_about_the_contact(store):
    cid = add_contact(store, "Ana", emails=["ana@x.example"], tags=["t"], event="Fair", role="x")
    add_note(store, "ana", "- a point")
    for card in store.db["drill_cards"].rows_where("contact_id = ?", [cid]):
        answer_card(store, card["id"], rating=3, now=T0)
    store.db["letters"].insert({"contact_id": cid, "body": "hi", "created": "2026-11-21"})
    sha, rel = store.save_image(b"fake image", ".png")
    store.db["scans"].insert({"sha256": sha, "path": rel, "contact_id": cid, "created": "x"})
    other = add_contact(store, "Bea", tags=["t"])
    assert delete_contact(store, "ana") == {"id": cid, "full_name": "Ana"}
    for table in ("contact_methods", "meetings", "notes", "talking_points", "drill_cards",
                  "letters", "scans", "contact_tags"):
        assert store.db[table].count_where("contact_id = ?", [cid]) == 0, table
    assert store.db["reviews"].count == 0
    assert not (store.home / rel).exists()
    assert get_contact(store, other)["tags"] == ["t"]
    assert store.db.execute("pragma foreign_key_check").fetchall() == []


@pytest.mark.parametrize("text", [
    'Renée "the Hammer" O\'Neil',
    "Robert'); DROP TABLE contacts;--",
    "张伟 🤖",
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05dc\u05d9\u05db\u05dd",  # Hebrew, right to left
    "محمد بن سلمان",
    "50% off_sale \\ back",
])
def test_hostile_text_is_stored_shown_and_found_verbatim(store, text):
    cid = add_contact(store, text, company=text)
    long_note = ("x" * 9_990) + "\n- " + text
    add_note(store, cid, long_note)
    c = get_contact(store, cid)
    assert c["full_name"] == text and c["company"] == text
    assert c["notes"][0]["text"] == long_note
    assert c["talking_points"][0]["text"] == text
    assert resolve_contact(store, text) == cid
    assert store.db["contacts"].count == 1


def test_like_wildcards_in_a_fragment_are_literal(store):
    a = add_contact(store, "Ana 50%")
    add_contact(store, "Ana 500")
    assert resolve_contact(store, "50%") == a


def test_unknown_contact_names_the_closest_with_ids(store):
    add_contact(store, "Jürgen Groß")
    with pytest.raises(NamecardsError, match=r"closest: Jürgen Groß \(#1\)"):
        resolve_contact(store, "jurgan")


def test_last_contacted_is_a_date(store):
    cid = add_contact(store, "Ana")
    edit_contact(store, cid, last_contacted="2026-11-21")
    assert get_contact(store, cid)["last_contacted"] == "2026-11-21"
    with pytest.raises(NamecardsError, match="not a date"):
        edit_contact(store, cid, last_contacted="yesterday")


def test_show_includes_drill_summary_and_letters(store):
    cid = add_contact(store, "Ana", event="Fair")
    add_note(store, "ana", "- a point")
    card = next(store.db["drill_cards"].rows_where("contact_id = ? and kind = 'name'", [cid]))
    answer_card(store, card["id"], rating=3, now=T0 - timedelta(days=30))
    store.db["letters"].insert({"contact_id": cid, "body": "hi", "template": "thank-you",
                                "created": "2026-11-21T10:00:00+00:00"})
    c = get_contact(store, cid)
    assert c["drill"]["cards"] == 3 and c["drill"]["new"] == 2 and c["drill"]["reviews"] == 1
    assert c["drill"]["due_now"] == 1
    assert c["letters"][0]["template"] == "thank-you"


def test_control_characters_never_reach_the_store_or_the_terminal(store, cli):
    cid = add_contact(store, "Eve\x07Bell\rOver", company="A\x1b[31mB", title="x\x00y",
                      emails=["eve@x.example\x07"], tags=["t\x1bag"])
    c = get_contact(store, cid)
    assert (c["full_name"], c["company"], c["title"]) == ("Eve Bell Over", "A [31mB", "x y")
    assert c["emails"][0]["value"] == "eve@x.example" and c["tags"] == ["t ag"]
    add_note(store, cid, "line one\r\nline\x1b two\r- a \x07point\tkept")
    c = get_contact(store, cid)
    assert c["notes"][0]["text"] == "line one\nline two\n- a point\tkept"
    assert c["talking_points"][0]["text"] == "a point\tkept"
    edit_contact(store, cid, {"title": "T\x9bitle"})
    assert get_contact(store, cid)["title"] == "T itle"
    # text stored by an older version or another tool is shown harmlessly
    store.db["contacts"].update(cid, {"mnemonic": "bell\x07\x1b[2J"})
    store.close()
    out = cli("show", str(cid)).output + cli("list").output + cli("search", "eve").output
    assert not any(ch in out for ch in "\x07\r\x1b\x00") and "bell\ufffd\ufffd[2J" in out


def test_deleting_keeps_other_areas_rows_without_the_reference(store):
    cid = add_contact(store, "Ana", company="Initech")
    n = add_note(store, cid, "- hires in March")
    point = get_contact(store, cid)["talking_points"][0]["id"]
    qid = store.db["questions"].insert({"text": "When do you hire?", "contact_id": cid,
                                        "talking_point_id": point, "created": "x"}).last_pk
    delete_note(store, n["note_id"])
    assert store.db["questions"].get(qid)["talking_point_id"] is None
    delete_contact(store, cid)
    q = store.db["questions"].get(qid)
    assert q["text"] == "When do you hire?" and q["contact_id"] is None
    assert store.db.execute("pragma foreign_key_check").fetchall() == []


def test_errors_are_typed_and_carry_what_a_caller_needs(store):
    from namecards.domain.contacts import resolve_contact
    from namecards.errors import Ambiguous, Duplicate, NotFound

    first = add_contact(store, "Ole Sørensen", company="Acme", emails=["ole@acme.example"])
    add_contact(store, "Ole Hansen")
    with pytest.raises(Duplicate) as dup:
        add_contact(store, "Ole Sorensen", emails=["ole@acme.example"])
    assert dup.value.existing["id"] == first and "--" not in str(dup.value)
    with pytest.raises(Ambiguous) as amb:
        resolve_contact(store, "ole")
    assert {c["id"] for c in amb.value.candidates} == {first, first + 1}
    with pytest.raises(NotFound):
        resolve_contact(store, "nobody at all")
    assert issubclass(NotFound, NamecardsError)
