"""Schema helpers that read the database's own structure (foreign keys), shared by deletes
and merges."""

from __future__ import annotations

import sqlite_utils


def referencing_columns(db: sqlite_utils.Database, table: str) -> list[tuple[str, str]]:
    """(table, column) pairs with a foreign key to `table`.id."""
    found = []
    for name in db.table_names():
        for fk in db.execute(f"pragma foreign_key_list([{name}])").fetchall():
            # (id, seq, table, from, to, on_update, on_delete, match)
            if fk[2] == table:
                found.append((name, fk[3]))
    return found
