"""The store layer: the SQLite file (open_store, Store, connect), its migrations and schema
helpers. Everything above talks to the database through a `Store`."""

from namecards.store.database import (
    BUSY_TIMEOUT_MS,
    DB_NAME,
    DatabaseDamaged,
    Store,
    StoreError,
    connect,
    database_error_message,
    free_space,
    open_store,
    os_reason,
    schema_version,
    write_private_file,
)

__all__ = [
    "BUSY_TIMEOUT_MS", "DB_NAME", "DatabaseDamaged", "Store", "StoreError", "connect",
    "database_error_message", "free_space", "open_store", "os_reason", "schema_version",
    "write_private_file",
]
