"""Export and import: the store's contacts to and from vCard, CSV, JSON, LinkedIn, Anki, iCalendar.

The formats themselves are pure functions in `namecards.formats`; this module picks the
contacts, feeds the card images, files what comes in (deduplicated), and writes files safely.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from namecards import NamecardsError, UsageError
from namecards.domain.cards import INSERT_CARD_SQL, new_card_rows, sync_cards
from namecards.domain.contacts import (
    CONTACT_FIELDS,
    add_methods,
    clean_field,
    clean_text,
    get_contact,
    insert_contact_row,
    list_contacts,
    normalise_url,
    tag_contact,
    update_contact,
)
from namecards.domain.events import event_for, find_event, get_event
from namecards.errors import FormatError, InvalidValue
from namecards.outputs import STDOUT, write_output
from namecards.store import Store
from namecards.text import fold, normalise_email, normalise_phone, split_bullets

EXPORT_FORMATS = ("markdown", "vcard", "csv", "json", "anki", "ics")
IMPORT_FORMATS = ("auto", "vcard", "csv", "linkedin", "json")


def selected_contacts(store: Store, *, event: str | None = None, tag: str | None = None) -> list[dict]:
    return [get_contact(store, row["id"]) for row in list_contacts(store, event=event, tag=tag)]


def masked_card_bytes(store: Store, contact: dict) -> bytes | None:
    """The contact's latest card image with the name painted over, as PNG bytes: the same
    mask as the drill's (`deck.masked_card_bytes`)."""
    from namecards.domain.deck import masked_card_bytes as drill_mask

    return drill_mask(store, contact)


def card_photo_bytes(store: Store, contact: dict) -> bytes | None:
    scans = [s for s in contact.get("scans") or []
             if s.get("card_path") and s.get("side") != "back"]
    path = store.home / scans[-1]["card_path"] if scans else None
    return path.read_bytes() if path and path.exists() else None


def export_contacts(
    store: Store,
    fmt: str,
    *,
    output: str | None = None,
    event: str | None = None,
    tag: str | None = None,
    vcard_version: str = "3.0",
    vdir: str | None = None,
    photos: bool = False,
    drill: bool = False,
) -> dict:
    """Export contacts (all, or those met at `event` / tagged `tag`) in `fmt`.

    Returns {"format", "contacts", "output", "text"}: `text` is the export itself when no
    output file is given (not possible for the binary Anki package).
    """
    from namecards import formats  # noqa: F401 (FormatError)

    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"export format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    ev = get_event(store, event) if event else None
    contacts = selected_contacts(store, event=event, tag=tag)
    result = {"format": fmt, "contacts": len(contacts), "output": output or vdir, "text": None}
    data: bytes
    if fmt == "vcard":
        from namecards.formats.vcard import (
            contact_to_vcard,
            contact_to_vcf_filename,
            contacts_to_vcard,
        )

        photo = (lambda c: card_photo_bytes(store, c)) if photos else None
        if vdir:
            folder = Path(vdir)
            folder.mkdir(parents=True, exist_ok=True)
            taken: set[str] = set()
            for c in contacts:
                name = Path(contact_to_vcf_filename(c)).name
                if name.casefold() in taken:  # UIDs that differ only in case, on macOS/Windows
                    name = f"{Path(name).stem}-{c['id']}.vcf"
                taken.add(name.casefold())
                write_output(folder / name, contact_to_vcard(c, vcard_version, photo=photo))
            return result
        data = contacts_to_vcard(contacts, vcard_version, photo=photo).encode("utf-8")
    elif fmt == "csv":
        from namecards.formats.csvfmt import contacts_to_csv

        data = contacts_to_csv(contacts).encode("utf-8-sig")
    elif fmt == "json":
        from namecards.formats.jsonfmt import contacts_to_json

        data = contacts_to_json([json_record(store, c, drill=drill) for c in contacts]
                                ).encode("utf-8")
    elif fmt == "markdown":
        from namecards.formats.markdown import talking_points_markdown

        data = talking_points_markdown(_groups(store, contacts, ev)).encode("utf-8")
    elif fmt == "ics":
        from namecards.formats.ics import followups_to_ics

        items = _followups(store, contacts, ev)
        result["items"] = len(items)
        data = followups_to_ics(items, now=store.now())
    else:  # anki
        from namecards.formats.anki import build_apkg

        if not output:
            raise UsageError("an Anki package is a file: give it a name with -o deck.apkg")
        summary = build_apkg(contacts, output, media=lambda c: masked_card_bytes(store, c))
        result.update(summary)
        return result
    if output and output != STDOUT:
        write_output(output, data)
    else:
        result["text"] = data.decode("utf-8-sig")
    return result


def json_record(store: Store, contact: dict, *, drill: bool = False) -> dict:
    """A contact as our JSON export holds it: `get_contact`'s dict, with the event named
    beside every event id (ids mean nothing in another store), letter bodies, and with
    `drill`, `drill_history`: each card's schedule and every review."""
    import json

    db = store.db
    record = dict(contact)
    names = {e["id"]: e["name"] for e in contact["events"]}
    for key in ("notes", "talking_points", "removed_points", "letters"):
        record[key] = [{**item, "event": names.get(item.get("event_id"))}
                       for item in contact.get(key) or []]
    bodies = {r["id"]: r["body"] for r in db.query(
        "select id, body from letters where contact_id = ?", [contact["id"]])}
    for letter in record["letters"]:
        letter["body"] = bodies.get(letter["id"])
    if drill:
        texts = {r["id"]: r["text"] for r in db.query(
            "select id, text from talking_points where contact_id = ?", [contact["id"]])}
        history = []
        for card in db.query("select * from drill_cards where contact_id = ? order by id",
                             [contact["id"]]):
            reviews = [
                {**dict(r), **{k: json.loads(r[k]) if r[k] else None
                               for k in ("state_before", "state_after")}}
                for r in db.query("select rating, typed, verdict, duration_ms, reviewed_at, "
                                  "state_before, state_after, cram from reviews "
                                  "where card_id = ? order by reviewed_at, id", [card["id"]])]
            history.append({
                "kind": card["kind"], "point": texts.get(card["talking_point_id"]),
                "fsrs_state": json.loads(card["fsrs_state"]) if card["fsrs_state"] else None,
                "due": card["due"], "lapses": card["lapses"], "leech": card["leech"],
                "suspended": card["suspended"], "created": card["created"], "reviews": reviews})
        record["drill_history"] = history
    return record


def _groups(store: Store, contacts: list[dict], ev: dict | None) -> list[dict]:
    """Contacts grouped by the events they were met at, for the Markdown talking points."""
    if ev is not None:
        people = []
        for c in contacts:
            role = next((e["role"] for e in c["events"] if e["id"] == ev["id"]), None)
            people.append({**c, "role": role})
        return [{"event": ev, "people": people}]
    groups: dict[int | None, dict] = {}
    for c in contacts:
        for e in c["events"] or [None]:
            key = e["id"] if e else None
            group = groups.setdefault(key, {"event": e, "people": []})
            group["people"].append({**c, "role": e["role"] if e else None})
    return sorted(groups.values(), key=lambda g: (g["event"] or {}).get("date") or "", reverse=True)


def _followups(store: Store, contacts: list[dict], ev: dict | None) -> list[dict]:
    """A follow-up reminder per person and event, on the meeting's due date (set, or the day
    after the event; for an event without a date, the day after the person was added to it:
    the day they were added is the day they were met)."""
    items = []
    for c in contacts:
        for e in c["events"]:
            if ev is not None and e["id"] != ev["id"]:
                continue
            if not e.get("follow_up_due"):
                continue
            items.append({"contact": c, "event": e,
                          "due": date.fromisoformat(e["follow_up_due"][:10]),
                          "summary": f"Follow up with {c['full_name']}"})
    return items


# ---------------------------------------------------------------- import

# A file larger than this is refused before it is read: it is not an address book (the
# largest plausible one, 100,000 contacts with notes, is some 50 MB) and reading it would cost
# memory. CSV, LinkedIn and vCard files are streamed; our JSON is read whole.
MAX_IMPORT_BYTES = 100_000_000
MAX_JSON_BYTES = 50_000_000
# A batch holds the write lock about this long; then it commits, so `add`, a scan or a drill
# answer in another process waits a moment, never the whole import.
BATCH_SECONDS = 0.5
# Between batches the next records are read and checked without the lock; when that takes
# less than this, the import waits the rest, so a writer waiting in SQLite's busy handler
# (which retries every 1 to 100 ms) soon gets its turn.
MIN_GAP_SECONDS = 0.05
# Reports keep this many skipped records, errors and warnings in detail (all are counted).
MAX_DETAILS = 1000


# A phone dropped for want of a country: the CLI says which option gives one.
NEEDS_REGION = "numbers without +CC need a country"


class TooLargeForJson(FormatError):
    """A JSON file past MAX_JSON_BYTES (`source`, `size` in bytes): it takes exporting in
    parts, which the CLI says how to do."""

    def __init__(self, source: str, size: int):
        super().__init__(f"{source}: too large for a JSON import ({size / 1e6:,.0f} MB; the "
                         f"limit is {MAX_JSON_BYTES // 1_000_000} MB): export it in parts "
                         "(by event or by tag) or make a backup instead")
        self.source, self.size = source, size


class ImportStopped(NamecardsError):
    """An import that stopped part-way (disk full, Ctrl-C): `report` says exactly what was
    saved; the message says what was not and how to finish."""

    def __init__(self, message: str, report: dict, interrupted: bool = False):
        super().__init__(message)
        self.report = report
        self.interrupted = interrupted


def import_contacts(
    store: Store,
    path: str,
    *,
    fmt: str = "auto",
    event: str | None = None,
    dry_run: bool = False,
    mapping: dict[str, str] | None = None,
    region: str | None = None,
    batch_seconds: float = BATCH_SECONDS,
    progress=None,
) -> dict:
    """Read contacts from a file and file them: a record of someone already stored (same UID,
    personal e-mail, phone or LinkedIn profile, or the same name at the same company with
    nothing personal differing; see namecards.domain.matching) updates that contact, anyone else is
    added. Our own JSON brings back notes, talking points, events with roles, tags, letters
    and drill history; vCard and CSV bring back notes.

    Returns a report: {"format", "added", "updated", "unchanged": [{"name", "id", ...}],
    "skipped": [{"name", "reason"}], "errors", "warnings": [str], "counts", "dry_run"}.
    Entries may carry "dropped" (values that could not be read, with why) and
    "possible_duplicates" (contacts to ask the user about). A file that cannot be read at all
    raises NamecardsError and writes nothing. Records are written in batches of at most
    `batch_seconds` each (0: one commit per record); a stop part-way (disk full, Ctrl-C)
    raises ImportStopped, whose report holds exactly what was saved."""
    from namecards.formats import FormatError
    from namecards.formats.linkedin import sniff_format

    if fmt not in IMPORT_FORMATS:
        raise UsageError(f"import format must be one of {', '.join(IMPORT_FORMATS)}, not {fmt!r}")
    if region is not None:
        region = _check_region(region)
    file = Path(path)
    head = _read_head(file, path)
    try:
        kind = sniff_format(file, head) if fmt == "auto" else fmt
        if fmt == "auto" and kind == "csv" and _looks_like_json(head):
            kind = "json"
        records, warnings = _records(kind, file, path, mapping)
        report = {"format": kind, "added": [], "updated": [], "unchanged": [], "skipped": [],
                  "errors": [], "warnings": list(warnings), "dry_run": dry_run,
                  "counts": {"added": 0, "updated": 0, "unchanged": 0, "skipped": 0,
                             "errors": 0, "records": 0}}
        ev = event_for(store, event) if (event and not dry_run) else (
            find_event(store, event) if event else None)
        _file_all(store, records, kind, ev, region, dry_run, report, batch_seconds, progress,
                  file.name)
    except TooLargeForJson:
        raise
    except FormatError as e:
        raise NamecardsError(str(e)) from None
    return report


def _check_region(region: str) -> str:
    import phonenumbers

    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidValue(f"not a two-letter country code like BR or DE: {region!r}", region)
    return code


def _read_head(file: Path, path: str) -> bytes:
    """The first 64 kB of a file we may import, after the checks that need no reading."""
    try:
        info = file.stat()
    except FileNotFoundError:
        raise NamecardsError(f"{path}: no such file") from None
    except OSError as e:
        raise NamecardsError(f"{path}: cannot read it ({e.strerror})") from None
    import stat

    if stat.S_ISDIR(info.st_mode):
        raise NamecardsError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise NamecardsError(f"{path}: not a regular file")
    if info.st_size > MAX_IMPORT_BYTES:
        raise NamecardsError(
            f"{path}: too large to import ({info.st_size / 1e6:,.0f} MB; the limit is "
            f"{MAX_IMPORT_BYTES // 1_000_000} MB): split it into smaller files")
    try:
        with file.open("rb") as f:
            head = f.read(65536)
    except OSError as e:
        raise NamecardsError(f"{path}: cannot read it ({e.strerror})") from None
    if not head.strip():
        raise NamecardsError(f"{path}: the file is empty")
    return head


def _looks_like_json(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text[:1] in (b"{", b"[")


_CHARSET = re.compile(rb"CHARSET=\"?([A-Za-z0-9_.-]+)", re.IGNORECASE)


def _encoding(file: Path, source: str, kind: str) -> tuple[str, str, list[str]]:
    """(encoding, errors, warnings) to read a text file by: UTF-8 (with or without BOM) or
    UTF-16 by its BOM; else the one CHARSET its vCards declare; else Windows-1252, with a
    warning that names were read by a guess. Checked in a first pass over the file, in
    pieces, so a large file is never held whole."""
    import codecs

    with file.open("rb") as f:
        first = f.read(4)
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", "strict", []
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        declared: set[bytes] = set()
        valid, tail = True, b""
        while chunk := f.read(1 << 20):
            if b"\x00" in chunk:
                raise NamecardsError(f"{source}: not a text file (it contains binary data)")
            if kind == "vcard":
                declared.update(m.lower() for m in _CHARSET.findall(tail + chunk))
                tail = chunk[-40:]
            if valid:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    valid = False
                    if kind != "vcard":
                        break
        if valid:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                valid = False
    if valid:
        return "utf-8-sig", "strict", []
    declared -= {b"utf-8", b"utf8", b"us-ascii", b"ascii"}
    if len(declared) == 1:
        name = declared.pop().decode("ascii")
        try:
            codecs.lookup(name)
            return name, "replace", []
        except LookupError:
            pass
    return "cp1252", "replace", [
        f"{source}: not UTF-8, and it declares no character set: read as Windows-1252 "
        "(Western European). If names look wrong, convert the file to UTF-8 first, e.g. "
        "iconv -f KOI8-R -t UTF-8"]


def _records(kind: str, file: Path, source: str, mapping):
    """(an iterator of formats.Record, warnings about the file as a whole)."""
    from namecards.formats import FormatError

    name = file.name
    if kind == "json":
        from namecards.formats.jsonfmt import iter_json

        size = file.stat().st_size
        if size > MAX_JSON_BYTES:
            raise TooLargeForJson(source, size)
        return iter_json(file.read_bytes(), name), []
    encoding, errors, warnings = _encoding(file, name, kind)

    def lines():
        try:
            with file.open("r", encoding=encoding, errors=errors, newline="") as f:
                yield from f
        except UnicodeDecodeError:
            raise FormatError(f"{source}: not readable as {encoding} text") from None

    if kind == "vcard":
        from namecards.formats.vcard import iter_vcards

        return _vcards_or_nothing(iter_vcards(lines(), name), name), warnings
    if kind == "linkedin":
        from namecards.formats.linkedin import iter_linkedin_connections

        return iter_linkedin_connections(lines(), name), warnings
    from namecards.formats.csvfmt import iter_csv

    return iter_csv(lines(), mapping, name), warnings


def _vcards_or_nothing(records, source: str):
    from namecards.formats import FormatError

    seen = False
    for record in records:
        seen = True
        yield record
    if not seen:
        raise FormatError(f"{source}: not a vCard file (no BEGIN:VCARD found)")


# Where an imported name's spelling comes from, for namecards.domain.matching.NAME_EVIDENCE.
_NAME_SOURCE = {"vcard": "vcard", "csv": "csv", "linkedin": "linkedin", "json": "json"}


@dataclass
class _Incoming:
    """One record read and checked, ready to file (made outside the write lock)."""

    number: int
    contact: dict
    name: str
    emails: list[str]
    phones: list[tuple[str, str | None]]
    urls: list[str]
    linkedin: list[str]
    dropped: list[str]
    warnings: list[str]


def _prepare(record, kind: str, region: str | None) -> _Incoming | dict:
    """Normalise a record's e-mails, phones and URLs; a dict for a record to skip."""
    from namecards.formats import contact_display_name

    c = record.contact
    emails, phones, urls, linkedin, dropped = [], [], [], [], []
    for item in c.get("emails") or []:
        raw, label = _item(item)
        if not raw:
            continue
        try:
            emails.append(normalise_email(raw))
        except ValueError:
            dropped.append(f"e-mail {raw!r} (not a valid address)")
    for item in c.get("phones") or []:
        raw, label = _item(item)
        if not raw:
            continue
        try:
            phones.append((normalise_phone(raw, region), label))
        except ValueError:
            hint = "" if region or raw.strip().startswith(("+", "00")) else \
                f"; {NEEDS_REGION}"
            dropped.append(f"phone {raw!r} (not a phone number{hint})")
    values = [_item(u)[0] for u in c.get("urls") or []] + [
        u for u in c.get("linkedin") or [] if isinstance(u, str)]
    for raw in values:
        if not raw:
            continue
        try:
            kind_, value = normalise_url(raw)
        except ValueError:
            dropped.append(f"web address {raw!r} (not a web address)")
            continue
        target = linkedin if kind_ == "linkedin" else urls
        if value not in target:
            target.append(value)
    name = contact_display_name({**c, "company": None}) or (emails[0] if emails else "")
    if not name:
        return {"name": None, "reason": f"record {record.number}: no name or e-mail"}
    return _Incoming(record.number, c, clean_field(name), emails, phones, urls, linkedin,
                     dropped, list(record.warnings))


class _Deferred:
    """Notes, talking points and drill cards of the contacts a batch adds, written in a few
    multi-row statements before the batch commits (or before a record that may read them).

    Every statement that feeds a full-text index makes FTS5 write its pending entries out as
    a new segment and merge segments: one statement per note and point was a third of a large
    import's time. Ids are taken as SQLite takes them (the largest + 1; these tables have no
    AUTOINCREMENT), so the rows come out the same as written one by one."""

    NOTE_COLUMNS = ("id", "contact_id", "event_id", "text", "created", "updated")
    POINT_COLUMNS = ("id", "contact_id", "event_id", "note_id", "position", "text", "created",
                     "removed")

    def __init__(self, db) -> None:
        self.db = db
        self.rows: dict[str, list[tuple]] = {"notes": [], "talking_points": []}
        self.cards: list[tuple] = []
        self.next_id: dict[str, int] = {}

    def add(self, table: str, row: tuple) -> int:
        """Queue a row (without its id) of `notes` or `talking_points`; returns its id."""
        if table not in self.next_id:
            self.next_id[table] = self.db.conn.execute(
                f"select coalesce(max(id), 0) + 1 from {table}").fetchone()[0]
        row_id = self.next_id[table]
        self.next_id[table] += 1
        self.rows[table].append((row_id, *row))
        return row_id

    def flush(self) -> None:
        for table, columns in (("notes", self.NOTE_COLUMNS),
                               ("talking_points", self.POINT_COLUMNS)):
            rows = self.rows[table]
            marks = "(" + ", ".join("?" * len(columns)) + ")"
            for start in range(0, len(rows), 500):
                part = rows[start:start + 500]
                self.db.conn.execute(
                    f"insert into {table} ({', '.join(columns)}) values "
                    + ", ".join([marks] * len(part)), [v for row in part for v in row])
        self.db.conn.executemany(INSERT_CARD_SQL, self.cards)
        self.clear()

    def clear(self) -> None:
        self.rows = {"notes": [], "talking_points": []}
        self.cards = []
        self.next_id = {}


def _item(item) -> tuple[str, str | None]:
    if isinstance(item, dict):
        value, label = item.get("value"), item.get("label")
        return (str(value).strip() if value is not None else ""), (
            str(label).strip() or None if isinstance(label, str) else None)
    return (str(item).strip() if item is not None else ""), None


def _file_all(store: Store, records, kind: str, ev, region, dry_run: bool, report: dict,
              batch_seconds: float, progress, source: str) -> None:
    """File the records batch by batch: each batch is read and checked without the write lock,
    then written in one transaction of at most `batch_seconds`."""
    import sqlite3
    import time

    db = store.db
    counts = report["counts"]
    seen_uids: set[str] = set()
    pending: list[tuple[str, dict]] = []
    deferred = _Deferred(db)
    batch_size = 50
    saved_upto = 0
    records = iter(records)
    try:
        while True:
            started = time.monotonic()
            batch: list[_Incoming] = []
            while len(batch) < batch_size:
                record = next(records, None)
                if record is None:
                    break
                counts["records"] += 1
                _note_list(report, "warnings", record.warnings)
                if record.error:
                    _note_list(report, "errors", [record.error])
                    counts["errors"] += 1
                    continue
                if record.skipped:
                    _note_list(report, "skipped", [{"name": None, "reason": record.skipped}])
                    counts["skipped"] += 1
                    continue
                prepared = _prepare(record, kind, region)
                if isinstance(prepared, dict):
                    _note_list(report, "skipped", [prepared])
                    counts["skipped"] += 1
                    continue
                batch.append(prepared)
                if batch_seconds == 0:
                    break
            if not batch:
                if record is None:
                    break
                continue
            gap = time.monotonic() - started
            if batch_seconds and gap < MIN_GAP_SECONDS and saved_upto:
                time.sleep(MIN_GAP_SECONDS - gap)
            written = time.monotonic()
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                for incoming in batch:
                    _file_one(store, incoming, kind, ev, region, pending, seen_uids, deferred)
                deferred.flush()
            except BaseException:
                if db.conn.in_transaction:  # SQLite may have rolled it back itself
                    db.conn.execute("ROLLBACK")
                pending.clear()
                deferred.clear()
                raise
            with _no_interrupt():
                try:
                    db.conn.execute("ROLLBACK" if dry_run else "COMMIT")
                except BaseException:
                    if db.conn.in_transaction:
                        db.conn.execute("ROLLBACK")
                    pending.clear()
                    raise
                saved_upto = batch[-1].number
                for status, entry in pending:
                    report[status].append(entry)
                    counts[status] += 1
                pending.clear()
            if progress:
                progress(counts["records"])
            if batch_seconds:
                # Aim each batch's write at `batch_seconds`.
                took = max(time.monotonic() - written, 1e-4)
                batch_size = max(1, min(5000, int(batch_size * batch_seconds / took)))
            if record is None:
                break
    except KeyboardInterrupt:
        raise ImportStopped(_stopped_message(report, source, saved_upto, "interrupted"),
                            report, interrupted=True) from None
    except sqlite3.OperationalError as e:
        if "full" not in str(e):
            raise
        raise ImportStopped(_stopped_message(report, source, saved_upto, "the disk is full"),
                            report) from None
    except OSError as e:
        raise ImportStopped(_stopped_message(report, source, saved_upto,
                                             f"stopped ({e.strerror or e})"), report) from None


def _note_list(report: dict, key: str, items: list) -> None:
    room = MAX_DETAILS - len(report[key])
    if room > 0:
        report[key] += items[:room]


def _stopped_message(report: dict, source: str, last_saved: int, why: str) -> str:
    c = report["counts"]
    saved = c["added"] + c["updated"] + c["unchanged"]
    if not last_saved:
        return f"{why}: nothing from {source} was imported. Run the same import again."
    unit = "record" if report["format"] == "json" else "line"
    return (f"{why}: saved {saved:,} contact(s) from {source} ({c['added']:,} added, "
            f"{c['updated']:,} updated, {c['unchanged']:,} unchanged), everything up to {unit} "
            f"{last_saved:,}; nothing after it. Run the same import again to finish: what is "
            "saved comes back unchanged.")


@contextlib.contextmanager
def _no_interrupt():
    """Hold Ctrl-C back while a commit and its bookkeeping run, so the report says exactly
    what was committed (KeyboardInterrupt is raised right after).

    A Python-level handler, not a blocked signal: a Ctrl-C that the C handler caught just
    before the block is run by Python later, inside the block, and blocking the signal then
    would not stop it from raising between the COMMIT and the counting."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and callable(previous):
        previous(signal.SIGINT, None)  # Python's default raises KeyboardInterrupt
    elif caught and previous == signal.SIG_DFL:
        raise KeyboardInterrupt


def _file_one(store: Store, inc: _Incoming, kind: str, ev, region, pending: list,
              seen_uids: set[str], deferred: _Deferred | None = None) -> None:
    """File one prepared record (inside the batch's transaction). The notes, points and cards
    of a contact it adds from a vCard, CSV or LinkedIn file wait in `deferred`."""
    from namecards.domain.matching import Identity, find_person

    db = store.db
    c = inc.contact
    uid = c.get("uid") if isinstance(c.get("uid"), str) and c.get("uid").strip() else None
    entry: dict = {"name": inc.name, "id": None, "record": inc.number}
    if inc.dropped:
        entry["dropped"] = inc.dropped
    if uid and uid in seen_uids:
        pending.append(("skipped", {"name": inc.name,
                                    "reason": f"record {inc.number}: the same card twice in "
                                              "the file"}))
        return
    if uid:
        seen_uids.add(uid)
    incoming = Identity(name=inc.name, company=c.get("company"), emails=inc.emails,
                        phones=inc.phones, linkedin=inc.linkedin, uid=uid)
    match = find_person(store, incoming, close_names=False)
    if match.candidates:
        entry["possible_duplicates"] = match.candidates
    source = c.get("name_source") if kind == "json" and c.get("name_source") in (
        "card", "typed", "vcard", "csv", "linkedin", "json") else _NAME_SOURCE[kind]
    labels = {("phone", p): label for p, label in inc.phones if label}
    labels.update({("email", _safe_email(v)): lbl for v, lbl in map(_item, c.get("emails") or [])
                   if lbl and _safe_email(v)})
    methods = {"email": inc.emails, "phone": [p for p, _ in inc.phones],
               "url": inc.urls, "linkedin": inc.linkedin}
    # No savepoint per record: a failure here rolls the whole batch back anyway, and each
    # savepoint made FTS5 flush its index (most of a large import's time).
    if deferred is not None and (match.id is not None or kind == "json"):
        deferred.flush()  # what follows reads the notes, points and cards of earlier records
        deferred = None
    if match.id is not None:
        contact_id = match.id
        entry["id"] = contact_id
        fields = {k: c.get(k) for k in CONTACT_FIELDS if k != "photo"}  # a path elsewhere
        changed = update_contact(store, contact_id, {**fields, "full_name": inc.name},
                                 fill_only=True, name_source=source)
        changed = bool(changed) | bool(add_methods(store, contact_id, methods, labels))
    else:
        fields = {k: c.get(k) if isinstance(c.get(k), str) else None
                  for k in CONTACT_FIELDS if k != "photo"}
        # The card's UID when no one holds it yet, in the insert itself: an update after it
        # would rewrite the contact's search index entry.
        free = uid and not db.conn.execute("select 1 from contacts where uid = ?",
                                           [uid]).fetchone()
        contact_id = insert_contact_row(store, {**fields, "full_name": inc.name}, source,
                                        uid=uid if free else None)
        add_methods(store, contact_id, methods, labels)
        entry["id"] = contact_id
        changed = True
    changed |= _file_extras(store, contact_id, c, kind, ev,
                            deferred=deferred if match.id is None else None)
    if match.id is None and kind == "json":
        # A contact restored from our JSON keeps its dates.
        keep = {k: c[k] for k in ("created", "updated", "last_contacted")
                if isinstance(c.get(k), str) and c[k]}
        if keep:
            db.execute(f"update contacts set {', '.join(f'{k} = ?' for k in keep)} "
                       "where id = ?", [*keep.values(), contact_id])
    status = "updated" if match.id is not None and changed else (
        "unchanged" if match.id is not None else "added")
    pending.append((status, entry))


def _safe_email(value: str) -> str | None:
    try:
        return normalise_email(value) if value else None
    except ValueError:
        return None


def _file_extras(store: Store, contact_id: int, c: dict, kind: str, ev, *,
                 deferred: _Deferred | None = None) -> bool:
    """Tags, events, notes, talking points, letters and drill history of a record, added where
    the contact lacks them. With `deferred` (a contact just inserted, which lacks everything)
    its notes, points and cards are queued there. Returns whether anything was added."""
    from namecards.domain.events import parse_event_date

    db = store.db
    changed = False
    for tag in c.get("tags") or []:
        if isinstance(tag, str) and tag.strip():
            before = db.execute("select total_changes()").fetchone()[0]
            tag_contact(store, contact_id, tag)
            changed |= db.execute("select total_changes()").fetchone()[0] > before
    events = {}  # event name -> id, for the notes and points that name one
    for e in c.get("events") or []:
        e = {"name": e} if isinstance(e, str) else e
        name = clean_field(e.get("name") or "")
        if not name:
            continue
        row = next(db.query("select * from events where name = ?", [name]), None)
        if row is None:
            try:
                date = parse_event_date(e.get("date")) if isinstance(e.get("date"), str) else None
            except NamecardsError:
                date = None
            event_id = db.execute(
                "insert into events (name, date, company, kind, created) values (?, ?, ?, ?, ?)",
                [name, date, e.get("company") if isinstance(e.get("company"), str) else None,
                 e.get("kind") if e.get("kind") in ("interview", "fair", "meeting", "other")
                 else "interview", store.now_iso()]).lastrowid
            changed = True
        else:
            event_id = row["id"]
        events[name] = event_id
        if isinstance(e.get("id"), int):
            events[e["id"]] = event_id
        changed |= _link(store, contact_id, event_id, e)
    if ev is not None:
        changed |= _link(store, contact_id, ev["id"], {})
    live_points: list[int] = []
    changed |= _file_notes(store, contact_id, c, events, deferred=deferred,
                           live_points=live_points)
    if kind == "json":
        changed |= _file_letters(store, contact_id, c, events)
    if deferred is not None:
        deferred.cards += new_card_rows(contact_id, live_points, store.now_iso())
    else:
        sync_cards(store, contact_id)
    if kind == "json" and c.get("drill_history"):
        changed |= _file_drill_history(store, contact_id, c)
    return changed


def _link(store: Store, contact_id: int, event_id: int, e: dict) -> bool:
    db = store.db
    row = next(db.query("select * from meetings where contact_id = ? and event_id = ?",
                        [contact_id, event_id]), None)
    extra = {k: e[k] for k in ("role", "follow_up_due", "followed_up")
             if isinstance(e.get(k), str) and e[k]}
    if row is None:
        db.execute("insert into meetings (contact_id, event_id, role, follow_up_due, followed_up,"
                   " created) values (?, ?, ?, ?, ?, ?)",
                   [contact_id, event_id, extra.get("role"), extra.get("follow_up_due"),
                    extra.get("followed_up"), store.now_iso()])
        return True
    fill = {k: v for k, v in extra.items() if not row[k]}
    if "follow_up_due" in fill:
        from namecards.domain.events import FOLLOW_UP_DUE_SQL

        due = next(db.execute(f"select {FOLLOW_UP_DUE_SQL} from meetings join events on "
                              "events.id = meetings.event_id where meetings.id = ?",
                              [row["id"]]))[0]
        if due == fill["follow_up_due"]:
            del fill["follow_up_due"]  # the day it falls due already
    if fill:
        db.execute(f"update meetings set {', '.join(f'{k} = ?' for k in fill)} where id = ?",
                   [*fill.values(), row["id"]])
    return bool(fill)


def _same_text(text: str) -> str:
    from namecards.formats import strip_cloze

    return fold(strip_cloze(text))


def _file_notes(store: Store, contact_id: int, c: dict, events: dict, *,
                deferred: _Deferred | None = None, live_points: list | None = None) -> bool:
    """Notes and talking points the contact lacks (compared as text, cloze marks and case
    aside): a note's points stay with it; positions, dates and removals are kept. With
    `deferred` (a contact just inserted, which has neither notes nor cards) the rows are
    queued there and `live_points` gets the ids of the points not removed."""
    new = deferred is not None
    db = store.db
    changed = False
    have_notes = {} if new else {_same_text(r[1]): r[0] for r in db.execute(
        "select id, text from notes where contact_id = ?", [contact_id])}
    have_points = set() if new else {_same_text(r[0]) for r in db.execute(
        "select text from talking_points where contact_id = ?", [contact_id])}
    note_ids: dict = {}  # the record's note id or index -> the stored note's id
    stamp = store.now_iso()

    def event_of(item: dict):
        ev = item.get("event")
        if isinstance(ev, str):
            return events.get(clean_field(ev))
        return events.get(item.get("event_id")) if isinstance(item.get("event_id"), int) \
            else None

    points = [({"text": p} if isinstance(p, str) else p)
              for p in (c.get("talking_points") or []) + (c.get("removed_points") or [])]
    listed = None  # the folded texts of `points`, once a note needs them
    for index, note in enumerate(c.get("notes") or []):
        note = {"text": note} if isinstance(note, str) else note
        text = clean_text(note.get("text") or "").strip()
        if not text:
            continue
        key = _same_text(text)
        if key in have_notes:
            note_id = have_notes[key]
        else:
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            bullets = [line[2:] for line in lines if line[:2] in ("- ", "* ", "• ")]
            if len(bullets) == len(lines) and all(_same_text(b) in have_points for b in bullets):
                continue  # only points stored already (as a vCard carries note-less points)
            row = (contact_id, event_of(note), text, _text_or(note.get("created"), stamp),
                   _text_or(note.get("updated"), stamp))
            note_id = deferred.add("notes", row) if new else db.execute(
                "insert into notes (contact_id, event_id, text, created, updated) "
                "values (?, ?, ?, ?, ?)", row).lastrowid
            have_notes[key] = note_id
            changed = True
            if listed is None:
                listed = {_same_text(p.get("text") or "") for p in points}
            fresh = [(b, _same_text(b)) for b in split_bullets(text)]
            fresh = [(b, k) for b, k in fresh if k not in listed]
            points += [{"text": b, "note": index, "note_id": note.get("id")} for b, _ in fresh]
            listed.update(k for _, k in fresh)
        if "id" in note:
            note_ids[("id", note["id"])] = note_id
        note_ids[("index", index)] = note_id
    positions: dict = {}
    for p in points:
        text = clean_field(p.get("text") or "")
        key = _same_text(text) if text else ""
        if not text or key in have_points:
            continue
        note_id = note_ids.get(("id", p.get("note_id"))) if p.get("note_id") is not None else \
            note_ids.get(("index", p.get("note"))) if p.get("note") is not None else None
        position = p.get("position") if isinstance(p.get("position"), int) else None
        if position is None:
            positions[note_id] = positions.get(note_id, 0) + 1
            position = positions[note_id]
        removed = p.get("removed") if isinstance(p.get("removed"), str) else None
        row = (contact_id, event_of(p), note_id, position, text,
               _text_or(p.get("created"), stamp), removed)
        if new:
            point_id = deferred.add("talking_points", row)
            if removed is None:
                live_points.append(point_id)
        else:
            db.execute("insert into talking_points (contact_id, event_id, note_id, position, "
                       "text, created, removed) values (?, ?, ?, ?, ?, ?, ?)", row)
        have_points.add(key)
        changed = True
    if changed and not new:  # a new contact has no cards yet
        # Cards of removed points are suspended, as editing a note leaves them.
        db.execute("update drill_cards set suspended = 1 where talking_point_id in "
                   "(select id from talking_points where contact_id = ? and removed is not null)",
                   [contact_id])
    return changed


def _text_or(value, default: str) -> str:
    return value if isinstance(value, str) and value else default


def _file_letters(store: Store, contact_id: int, c: dict, events: dict) -> bool:
    db = store.db
    changed = False
    for letter in c.get("letters") or []:
        if not isinstance(letter, dict) or not isinstance(letter.get("body"), str):
            continue
        created = _text_or(letter.get("created"), store.now_iso())
        if next(db.query("select 1 from letters where contact_id = ? and created = ? and "
                         "body = ?", [contact_id, created, letter["body"]]), None):
            continue
        ev = letter.get("event")
        db.execute(
            "insert into letters (contact_id, event_id, template, format, subject, body, path, "
            "created, sent) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [contact_id, events.get(ev) if isinstance(ev, str) else None,
             *(letter.get(k) if isinstance(letter.get(k), str) else None
               for k in ("template", "format", "subject")),
             letter["body"], letter.get("path") if isinstance(letter.get("path"), str) else None,
             created, letter.get("sent") if isinstance(letter.get("sent"), str) else None])
        changed = True
    return changed


def _file_drill_history(store: Store, contact_id: int, c: dict) -> bool:
    """Each drill card's schedule and reviews, onto the contact's matching card (name, who-is,
    or the point with the same text): reviews it lacks are added; the schedule is taken when
    the file's last review is the later one."""
    import json

    db = store.db
    changed = False
    points = {_same_text(r[1]): r[0] for r in db.execute(
        "select id, text from talking_points where contact_id = ?", [contact_id])}
    for item in c.get("drill_history") or []:
        if not isinstance(item, dict):
            continue
        kind = item.get("kind")
        if kind == "point":
            point = points.get(_same_text(item.get("point") or ""))
            if point is None:
                continue
            row = next(db.query("select * from drill_cards where talking_point_id = ?", [point]),
                       None)
        else:
            row = next(db.query("select * from drill_cards where contact_id = ? and kind = ? and "
                                "talking_point_id is null order by id limit 1",
                                [contact_id, kind]), None)
        if row is None:
            continue
        have = {r[0] for r in db.execute("select reviewed_at from reviews where card_id = ?",
                                         [row["id"]])}
        latest_here = max(have) if have else ""
        latest_file = ""
        for review in item.get("reviews") or []:
            if not isinstance(review, dict) or not isinstance(review.get("reviewed_at"), str):
                continue
            if not isinstance(review.get("rating"), int):
                continue
            latest_file = max(latest_file, review["reviewed_at"])
            if review["reviewed_at"] in have:
                continue
            db.execute(
                "insert into reviews (card_id, rating, typed, verdict, duration_ms, reviewed_at, "
                "state_before, state_after, cram) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [row["id"], review["rating"], *(review.get(k) for k in ("typed", "verdict")),
                 review.get("duration_ms") if isinstance(review.get("duration_ms"), int) else None,
                 review["reviewed_at"],
                 *(json.dumps(review[k]) if isinstance(review.get(k), dict) else None
                   for k in ("state_before", "state_after")),
                 1 if review.get("cram") else 0])
            have.add(review["reviewed_at"])
            changed = True
        if latest_file > latest_here and isinstance(item.get("due"), str):
            state = item.get("fsrs_state")
            db.execute("update drill_cards set fsrs_state = ?, due = ?, lapses = ?, leech = ?, "
                       "suspended = ? where id = ?",
                       [json.dumps(state) if isinstance(state, dict) else None, item["due"],
                        item.get("lapses") if isinstance(item.get("lapses"), int) else 0,
                        1 if item.get("leech") else 0, 1 if item.get("suspended") else 0,
                        row["id"]])
            changed = True
    return changed
