"""Migrations from an empty file and from the walking skeleton's schema (m001 only)."""

from namecards.store import connect, open_store, schema_version
from namecards.store.migrations import migrations


def test_an_empty_file_gets_every_migration(home):
    store = open_store(home)
    assert schema_version(store.db) == [m.name for m in migrations._migrations]
    assert "merges" in store.db.table_names()
    assert "removed" in store.db["talking_points"].columns_dict
    assert "followed_up" in store.db["meetings"].columns_dict
    store.close()


def test_a_skeleton_database_is_upgraded_and_keeps_its_data(home):
    home.mkdir(parents=True)
    db = connect(home / "namecards.db")
    db.enable_wal()
    migrations.apply(db, stop_before="m010_contacts_model")
    assert [m.name for m in migrations.applied(db)] == ["m001_initial"]
    db["contacts"].insert({"id": 1, "uid": "u-1", "full_name": "Ana Souza", "name_key": "ana souza",
                           "company": "Initech", "created": "2026-01-01", "updated": "2026-01-01"})
    db["notes"].insert({"id": 1, "contact_id": 1, "text": "- likes Rust", "created": "2026-01-01"})
    db["talking_points"].insert({"id": 1, "contact_id": 1, "note_id": 1, "position": 1,
                                 "text": "likes Rust", "created": "2026-01-01"})
    db["drill_cards"].insert({"id": 1, "kind": "point", "contact_id": 1, "talking_point_id": 1,
                              "due": "2026-01-01T00:00:00+00:00", "created": "2026-01-01"})
    db["reviews"].insert({"card_id": 1, "rating": 3, "reviewed_at": "2026-01-01T00:00:00+00:00"})
    db.close()

    store = open_store(home)
    assert migrations.pending(store.db) == []
    from namecards.domain.contacts import edit_note, get_contact, search_contacts

    c = get_contact(store, 1)
    assert c["full_name"] == "Ana Souza" and c["talking_points"][0]["text"] == "likes Rust"
    assert [r["id"] for r in search_contacts(store, "rust")] == [1]
    edit_note(store, 1, "- likes Go")
    assert store.db["reviews"].count == 1
    assert store.db["drill_cards"].get(1)["suspended"] == 1
    store.close()


def test_lookup_indexes_exist(store):
    indexes = {tuple(i.columns) for t in ("drill_cards", "contact_tags", "meetings")
               for i in store.db[t].indexes}
    assert ("tag_id",) in indexes and ("follow_up_due",) in indexes
    plan = " ".join(r[3] for r in store.db.execute(
        "explain query plan select id from contacts where company = ? collate nocase", ["x"]))
    assert "idx_contacts_company_nocase" in plan


def test_todays_queue_reads_use_the_partial_indexes(store):
    now = "2026-11-26T00:00:00+00:00"
    due = " ".join(r[3] for r in store.db.execute(
        "explain query plan select * from drill_cards where suspended = 0 and fsrs_state is not "
        "null and due <= ? order by due limit 200", [now]))
    new = " ".join(r[3] for r in store.db.execute(
        "explain query plan select * from drill_cards where suspended = 0 and fsrs_state is null "
        "order by id limit 20"))
    assert "idx_drill_cards_reviewed_due" in due and "idx_drill_cards_new" in new
    per_contact = " ".join(r[3] for r in store.db.execute(
        "explain query plan select contact_id from drill_cards where suspended = 0 "
        "and fsrs_state is null"))
    assert "idx_drill_cards_new_contact" in per_contact
