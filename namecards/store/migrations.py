"""The schema, as a sequence of sqlite-utils migrations. Add a new function for every change,
at the end of this file; never edit, rename or move one that has shipped.

Numbers go by area (m00x-m01x contacts and the store, m02x before the interview, m03x the
drill); functions are registered in the order the areas landed (m020 before m011, m030 before
m012), not by name. Putting them in name order would rename nothing and give the same tables
and indexes, but a new store would create idx_drill_cards_new_contact (m012) before m030's
idx_drill_cards_new, and SQLite's planner, choosing between the two by creation order, would
then count new cards per contact with m030's index instead of m012's covering one
(tests/test_store_migrations.py shows the plan)."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from namecards.store.schema import SEARCH_INDEXES, build_folded_search_index
from namecards.text import company_key, fold

migrations = Migrations("namecards")

FTS_TOKENIZE = "unicode61 remove_diacritics 2"


@migrations()
def m001_initial(db: Database) -> None:
    db["contacts"].create(
        {
            "id": int,
            "uid": str,
            "full_name": str,
            "given_name": str,
            "family_name": str,
            "name_key": str,  # accent- and case-folded full name, for fragment look-ups
            "pronunciation": str,
            "mnemonic": str,
            "title": str,
            "company": str,
            "website": str,
            "address": str,
            "photo": str,
            "created": str,
            "updated": str,
            "last_contacted": str,
        },
        pk="id",
        not_null={"uid", "full_name", "created", "updated"},
    )
    db["contacts"].create_index(["uid"], unique=True)
    db["contacts"].create_index(["name_key"])
    db["contacts"].create_index(["company"])

    db["contact_methods"].create(
        {"id": int, "contact_id": int, "kind": str, "value": str, "label": str},
        pk="id",
        foreign_keys=[("contact_id", "contacts", "id")],
        not_null={"contact_id", "kind", "value"},
    )
    db["contact_methods"].create_index(["contact_id", "kind", "value"], unique=True)
    db["contact_methods"].create_index(["kind", "value"])

    db["events"].create(
        {"id": int, "name": str, "date": str, "company": str, "kind": str, "created": str},
        pk="id",
        not_null={"name", "created"},
    )
    db["events"].create_index(["name"], unique=True)

    db["meetings"].create(
        {
            "id": int,
            "contact_id": int,
            "event_id": int,
            "role": str,
            "follow_up_due": str,
            "created": str,
        },
        pk="id",
        foreign_keys=[("contact_id", "contacts", "id"), ("event_id", "events", "id")],
        not_null={"contact_id", "event_id"},
    )
    db["meetings"].create_index(["contact_id", "event_id"], unique=True)
    db["meetings"].create_index(["event_id"])

    db["notes"].create(
        {"id": int, "contact_id": int, "event_id": int, "text": str, "created": str, "updated": str},
        pk="id",
        foreign_keys=[("contact_id", "contacts", "id"), ("event_id", "events", "id")],
        not_null={"contact_id", "text", "created"},
    )
    db["notes"].create_index(["contact_id"])

    db["talking_points"].create(
        {
            "id": int,
            "contact_id": int,
            "event_id": int,
            "note_id": int,
            "position": int,
            "text": str,
            "created": str,
        },
        pk="id",
        foreign_keys=[
            ("contact_id", "contacts", "id"),
            ("event_id", "events", "id"),
            ("note_id", "notes", "id"),
        ],
        not_null={"contact_id", "text", "created"},
    )
    db["talking_points"].create_index(["contact_id"])
    db["talking_points"].create_index(["note_id"])

    db["scans"].create(
        {
            "id": int,
            "sha256": str,
            "path": str,  # the stored original, relative to the home
            "card_path": str,  # the flattened upright card, relative to the home
            "source": str,  # where the user's file was when scanned
            "ocr_text": str,
            "words": str,  # JSON
            "name_boxes": str,  # JSON, in card_path's coordinates
            "fields": str,  # JSON, as read
            "confidence": str,  # JSON
            "corrections": str,  # JSON, fields the user fixed in review
            "engine": str,
            "seconds": float,
            "contact_id": int,
            "reviewed": int,
            "created": str,
        },
        pk="id",
        foreign_keys=[("contact_id", "contacts", "id")],
        not_null={"sha256", "created"},
    )
    db["scans"].create_index(["sha256"], unique=True)
    db["scans"].create_index(["contact_id"])

    db["drill_cards"].create(
        {
            "id": int,
            "kind": str,  # name, who-is, point
            "contact_id": int,
            "talking_point_id": int,
            "fsrs_state": str,  # JSON of fsrs.Card.to_dict(); NULL while new
            "due": str,  # ISO UTC
            "lapses": int,
            "leech": int,
            "suspended": int,
            "created": str,
        },
        pk="id",
        foreign_keys=[
            ("contact_id", "contacts", "id"),
            ("talking_point_id", "talking_points", "id"),
        ],
        not_null={"kind", "contact_id", "due", "created"},
        defaults={"lapses": 0, "leech": 0, "suspended": 0},
    )
    db["drill_cards"].create_index(["due"])
    db["drill_cards"].create_index(["contact_id"])
    db["drill_cards"].create_index(["talking_point_id"])

    db["reviews"].create(
        {
            "id": int,
            "card_id": int,
            "rating": int,
            "typed": str,
            "verdict": str,
            "duration_ms": int,
            "reviewed_at": str,
            "state_before": str,  # JSON, so an undo restores the schedule exactly
            "state_after": str,
            "cram": int,
        },
        pk="id",
        foreign_keys=[("card_id", "drill_cards", "id")],
        not_null={"card_id", "rating", "reviewed_at"},
    )
    db["reviews"].create_index(["card_id"])
    db["reviews"].create_index(["reviewed_at"])

    db["letters"].create(
        {
            "id": int,
            "contact_id": int,
            "event_id": int,
            "template": str,
            "format": str,
            "subject": str,
            "body": str,
            "path": str,
            "created": str,
            "sent": str,
        },
        pk="id",
        foreign_keys=[("contact_id", "contacts", "id"), ("event_id", "events", "id")],
        not_null={"contact_id", "body", "created"},
    )
    db["letters"].create_index(["contact_id"])

    db["tags"].create({"id": int, "name": str}, pk="id", not_null={"name"})
    db["tags"].create_index(["name"], unique=True)
    db["contact_tags"].create(
        {"contact_id": int, "tag_id": int},
        pk=("contact_id", "tag_id"),
        foreign_keys=[("contact_id", "contacts", "id"), ("tag_id", "tags", "id")],
    )

    db["contacts"].enable_fts(
        ["full_name", "company", "title"], create_triggers=True, tokenize=FTS_TOKENIZE
    )
    db["notes"].enable_fts(["text"], create_triggers=True, tokenize=FTS_TOKENIZE)
    db["talking_points"].enable_fts(["text"], create_triggers=True, tokenize=FTS_TOKENIZE)


@migrations()
def m010_contacts_model(db: Database) -> None:
    """Address-book additions: retired talking points, follow-ups done, merges, look-up indexes."""
    # A point edited out of a note keeps its row (its drill card's reviews still say what was
    # asked) and is marked removed; its card is suspended rather than deleted.
    db["talking_points"].add_column("removed", str)
    # When the follow-up for a meeting was done (a letter sent, a call); NULL while pending.
    db["meetings"].add_column("followed_up", str)
    db["merges"].create(
        {
            "id": int,
            "kept_id": int,  # the contact that absorbed the other
            "merged_id": int,  # the id the absorbed contact had (its row is gone)
            "merged_uid": str,
            "merged_name": str,
            "snapshot": str,  # JSON of the absorbed contact as `show --json` printed it
            "created": str,
        },
        pk="id",
        not_null={"kept_id", "merged_id", "created"},
    )
    db["merges"].create_index(["kept_id"])
    db["contact_tags"].create_index(["tag_id"])
    db["meetings"].create_index(["follow_up_due"])
    db.execute("create index idx_contacts_company_nocase on contacts (company collate nocase)")


# ---------------------------------------------------------------- before the interview (issue 9)


@migrations()
def m020_brief_companies_dossier_questions(db: Database) -> None:
    """Companies and their dossier facts, questions to ask, practised answers."""
    db["companies"].create(
        {
            "id": int,
            "name": str,
            "name_key": str,  # folded name without legal suffixes, for matching contacts
            "domains": str,  # JSON list of web/e-mail domains, lower case
            "industry": str,
            "notes": str,
            "created": str,
            "updated": str,
        },
        pk="id",
        not_null={"name", "name_key", "created", "updated"},
    )
    db["companies"].create_index(["name_key"], unique=True)

    # An explicit link from a contact to a company; without one, a contact belongs to a company
    # when its `company` text or e-mail domain matches.
    db["company_contacts"].create(
        {"company_id": int, "contact_id": int, "relation": str, "created": str},
        pk=("company_id", "contact_id"),
        foreign_keys=[("company_id", "companies", "id"), ("contact_id", "contacts", "id")],
    )
    db["company_contacts"].create_index(["contact_id"])

    db["dossier_facts"].create(
        {
            "id": int,
            "company_id": int,
            "text": str,  # may hold a {{key phrase}} cloze
            "source": str,
            "noted": str,  # the date the fact is from (YYYY-MM-DD)
            "position": int,
            "created": str,
        },
        pk="id",
        foreign_keys=[("company_id", "companies", "id")],
        not_null={"company_id", "text", "created"},
    )
    db["dossier_facts"].create_index(["company_id"])

    db["questions"].create(
        {
            "id": int,
            "event_id": int,
            "company_id": int,
            "position": str,  # the job the question is about, when not tied to an event
            "text": str,
            "asked": str,  # when it was ticked off
            "answer": str,
            "contact_id": int,  # who answered
            "talking_point_id": int,  # the talking point the answer became
            "created": str,
        },
        pk="id",
        foreign_keys=[
            ("event_id", "events", "id"),
            ("company_id", "companies", "id"),
            ("contact_id", "contacts", "id"),
            ("talking_point_id", "talking_points", "id"),
        ],
        not_null={"text", "created"},
    )
    db["questions"].create_index(["event_id"])

    db["practice_answers"].create(
        {
            "id": int,
            "question": str,
            "key_points": str,  # "- " bullets
            "starter_key": str,  # set when adopted from the shipped starter list
            "created": str,
            "updated": str,
        },
        pk="id",
        not_null={"question", "created", "updated"},
    )
    db["practice_answers"].create_index(["starter_key"], unique=True)

    # Drill cards that belong to no person: `fact` (a dossier fact) and `answer` (a practised
    # answer). contact_id becomes nullable, which SQLite can only do by rebuilding the table.
    cards = db["drill_cards"]
    cards.add_column("company_id", int)
    cards.add_column("fact_id", int)
    cards.add_column("practice_id", int)
    cards.transform(
        not_null={"contact_id": False},
        add_foreign_keys=[
            ("company_id", "companies", "id"),
            ("fact_id", "dossier_facts", "id"),
            ("practice_id", "practice_answers", "id"),
        ],
    )
    cards.create_index(["fact_id"], if_not_exists=True)
    cards.create_index(["practice_id"], if_not_exists=True)
    db["dossier_facts"].enable_fts(["text"], create_triggers=True, tokenize=FTS_TOKENIZE)


@migrations()
def m011_contacts_queue_indexes(db: Database) -> None:
    """Partial indexes so today's drill queue is two short index range reads, not a full scan:
    reviewed cards by due date, and new cards in creation order (see docs/contacts.md)."""
    db.execute(
        "create index idx_drill_cards_due_reviewed on drill_cards (due) "
        "where suspended = 0 and fsrs_state is not null"
    )
    db.execute(
        "create index idx_drill_cards_new on drill_cards (id) "
        "where suspended = 0 and fsrs_state is null"
    )


@migrations()
def m021_brief_questions_outlive_answers(db: Database) -> None:
    """A question keeps its place when the talking point its answer became, or the contact who
    answered, is deleted: those links become NULL instead of blocking the delete."""
    from sqlite_utils.db import ForeignKey

    def fk(column: str, other: str, on_delete: str = "NO ACTION") -> ForeignKey:
        return ForeignKey(table="questions", column=column, other_table=other, other_column="id",
                          on_delete=on_delete)

    db["questions"].transform(
        foreign_keys=[
            fk("event_id", "events"),
            fk("company_id", "companies"),
            fk("contact_id", "contacts", "SET NULL"),
            fk("talking_point_id", "talking_points", "SET NULL"),
        ]
    )


# ---------------------------------------------------------------- the drill (issue 5)


@migrations()
def m030_drill_queue_indexes(db: Database) -> None:
    """Indexes for the drill queue, so it reads only the cards that can be drilled now:
    due reviews by due time, new cards in the order they were made (partial indexes).
    They replace m011's narrower pair, which the queue's SQL no longer matches."""
    db.execute("drop index if exists idx_drill_cards_due_reviewed")
    db.execute("drop index if exists idx_drill_cards_new")
    db.execute(
        "create index if not exists idx_drill_cards_reviewed_due on drill_cards (suspended, due) "
        "where fsrs_state is not null"
    )
    db.execute(
        "create index if not exists idx_drill_cards_new on drill_cards (suspended, id) "
        "where fsrs_state is null"
    )


@migrations()
def m012_contacts_due_new_cards_index(db: Database) -> None:
    """`due` counts new cards per contact: a partial index on contact_id lets it read them
    from the index alone (the drill's m030 indexes serve the queue)."""
    db.execute(
        "create index if not exists idx_drill_cards_new_contact on drill_cards "
        "(suspended, contact_id) where fsrs_state is null"
    )


@migrations()
def m013_contacts_name_source_and_merge_journal(db: Database) -> None:
    """Where each contact's name came from (so a merge keeps the better-evidenced spelling),
    and what every merge moved and overwrote (so `namecards merge --undo` splits it back)."""
    # card, typed, vcard, csv, linkedin, json; NULL for contacts from before (see matching.py).
    db["contacts"].add_column("name_source", str)
    # JSON: the kept contact's row before, the absorbed row, rows moved, deleted and changed.
    db["merges"].add_column("journal", str)
    db["merges"].add_column("undone", str)  # when the merge was undone; NULL while in force


@migrations()
def m014_name_keys_by_the_one_fold(db: Database) -> None:
    """Contacts' and companies' stored name keys, folded again with namecards.text.fold:
    before, "Đorđe" was stored as "đorde" while a look-up for "dorde" folded to "dorde"."""
    for row in db.query("select id, full_name, name_key from contacts"):
        key = fold(row["full_name"])
        if key != row["name_key"]:
            db.execute("update contacts set name_key = ? where id = ?", [key, row["id"]])
    if "companies" in db.table_names():
        taken = {r["name_key"] for r in db.query("select name_key from companies")}
        for row in db.query("select id, name, name_key from companies"):
            key = company_key(row["name"])
            if key != row["name_key"] and key not in taken:  # never merge two companies here
                db.execute("update companies set name_key = ? where id = ?", [key, row["id"]])
                taken.add(key)


@migrations()
def m016_search_index_by_the_one_fold(db: Database) -> None:
    """The search index of names, notes and talking points holds their text folded as
    `text.fold` folds (ø, đ, ß, ł … plain; the tokenizer does accents and case), so
    "sorensen" finds a note that says "Sørensen". Rebuilt from the stored rows."""
    for fts in SEARCH_INDEXES:
        build_folded_search_index(db, fts, FTS_TOKENIZE)


@migrations()
def m017_two_sided_cards(db: Database) -> None:
    """Both sides of a card: which side of its card a scan shows ("front", "back"; NULL for a
    card scanned on one side), so the drill and the review keep the front as the cue; and a
    name in another script read from the other side (山田 太郎 beside Taro Yamada)."""
    db["scans"].add_column("side", str)
    db["contacts"].add_column("alt_name", str)
