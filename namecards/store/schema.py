"""Schema helpers that read the database's own structure (foreign keys), shared by deletes
and merges."""

from __future__ import annotations

import sqlite_utils

from namecards.text import PLAIN_LETTERS


def referencing_columns(db: sqlite_utils.Database, table: str) -> list[tuple[str, str]]:
    """(table, column) pairs with a foreign key to `table`.id."""
    found = []
    for name in db.table_names():
        for fk in db.execute(f"pragma foreign_key_list([{name}])").fetchall():
            # (id, seq, table, from, to, on_update, on_delete, match)
            if fk[2] == table:
                found.append((name, fk[3]))
    return found


def fold_sql(expression: str) -> str:
    """SQL for `expression` with the letters `text.fold` makes plain (ø, đ, ß, ł, æ …)
    replaced, by SQLite's own replace(): triggers that use it need no custom function, so
    plain sqlite3 and sqlite-utils keep the search index in step. The full-text tokenizer
    (remove_diacritics 2) folds accents and case, the rest of the fold."""
    for letter, plain in PLAIN_LETTERS.items():
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


# The full-text tables: the table each indexes and its columns (rowid = the row's id).
SEARCH_INDEXES = {"contacts_fts": ("contacts", ("full_name", "company", "title")),
                  "notes_fts": ("notes", ("text",)),
                  "talking_points_fts": ("talking_points", ("text",))}


def build_folded_search_index(db: sqlite_utils.Database, fts: str, tokenize: str) -> None:
    """(Re)build `fts` as a full-text table of its own holding the folded text, filled from
    its table and kept in step by triggers (insert, delete, an update of an indexed column).

    Its own copy, not an external-content index over the table: FTS5's 'rebuild' (which
    `sqlite-utils rebuild-fts` runs) would re-read the table's unfolded text into an external
    index, and its deletes must be given exactly the indexed text. The table keeps the
    original spelling for snippets."""
    table, columns = SEARCH_INDEXES[fts]
    names = ", ".join(f'"{c}"' for c in columns)
    for suffix in ("ai", "ad", "au"):
        db.execute(f'drop trigger if exists "{table}_{suffix}"')
    db.execute(f'drop table if exists "{fts}"')
    db.execute(f'create virtual table "{fts}" using fts5({names}, tokenize=\'{tokenize}\')')

    def folded(row: str) -> str:
        return ", ".join(fold_sql(f'{row}"{c}"') for c in columns)

    db.execute(f'insert into "{fts}" (rowid, {names}) select id, {folded("")} from "{table}"')
    insert = f'insert into "{fts}" (rowid, {names}) values (new.id, {folded("new.")});'
    delete = f'delete from "{fts}" where rowid = old.id;'
    db.execute(f'create trigger "{table}_ai" after insert on "{table}" begin {insert} end')
    db.execute(f'create trigger "{table}_ad" after delete on "{table}" begin {delete} end')
    db.execute(f'create trigger "{table}_au" after update of {names} on "{table}" '
               f'begin {delete} {insert} end')
