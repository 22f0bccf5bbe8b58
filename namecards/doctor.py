"""`namecards doctor`: is Tesseract there, is the database sound, are the card images there."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

from namecards.store import Store, schema_version


def run_checks(store: Store) -> Iterator[tuple[bool, str]]:
    exe = shutil.which("tesseract")
    if exe is None:
        yield False, "Tesseract is not installed: apt-get install tesseract-ocr"
    else:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True).stdout
        names = [line for line in langs.splitlines()[1:] if line.strip()]
        yield True, f"{out.splitlines()[0] if out else 'tesseract'} (languages: {', '.join(names)})"
    result = next(store.db.query("pragma integrity_check"))
    status = list(result.values())[0]
    yield status == "ok", f"database {store.path}: integrity {status}"
    yield True, f"schema: {', '.join(schema_version(store.db))}"
    missing = [
        r["path"]
        for r in store.db.query("select path from scans union all select card_path from scans")
        if r["path"] and not (store.home / r["path"]).exists()
    ]
    yield not missing, (f"{len(missing)} card image(s) missing, e.g. {missing[0]}" if missing
                        else "card images: all present")
