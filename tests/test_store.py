import os
import stat

from namecards.store import open_store, schema_version
from namecards.store.migrations import migrations

DESIGN_TABLES = {"contacts", "contact_methods", "events", "meetings", "notes", "talking_points",
                 "scans", "drill_cards", "reviews", "letters", "tags", "contact_tags"}


def test_migrations_create_the_schema_on_an_empty_file(home):
    store = open_store(home)
    assert DESIGN_TABLES <= set(store.db.table_names())
    assert {"contacts_fts", "notes_fts", "talking_points_fts"} <= set(store.db.table_names())
    assert schema_version(store.db) == [m.name for m in migrations._migrations]
    assert store.db.journal_mode == "wal"
    assert next(store.db.query("pragma foreign_keys"))["foreign_keys"] == 1
    store.close()


def test_a_second_open_applies_nothing_and_keeps_data(home):
    store = open_store(home)
    store.db["events"].insert({"name": "Fair", "created": "2026-11-01"})
    applied = [(m.name, m.applied_at) for m in migrations.applied(store.db)]
    store.close()
    store = open_store(home)
    assert [(m.name, m.applied_at) for m in migrations.applied(store.db)] == applied
    assert migrations.pending(store.db) == []
    assert store.db["events"].count == 1
    store.close()


def test_home_and_database_are_private(home):
    store = open_store(home)
    store.close()
    assert stat.S_IMODE(os.stat(home).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(home / "namecards.db").st_mode) == 0o600


def test_saved_images_are_named_by_content(store):
    sha, rel = store.save_image(b"\x89PNG fake bytes", ".png")
    assert rel == f"cards/{sha}.png"
    assert (store.home / rel).read_bytes() == b"\x89PNG fake bytes"
    assert stat.S_IMODE(os.stat(store.home / rel).st_mode) == 0o600
    assert not [p for p in (store.home / "cards").iterdir() if p.name.startswith(".tmp")]


def test_a_file_that_is_not_a_database_is_a_clear_error(home):
    import pytest

    from namecards import NamecardsError

    home.mkdir(parents=True)
    (home / "namecards.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(NamecardsError, match="not a usable namecards database"):
        open_store(home)
