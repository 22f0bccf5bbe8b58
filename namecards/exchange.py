"""Export and import: the store's contacts to and from vCard, CSV, JSON, LinkedIn, Anki, iCalendar.

The formats themselves are pure functions in `namecards.formats`; this module picks the
contacts, feeds the card images, files what comes in (deduplicated), and writes files safely.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from namecards import NamecardsError, UsageError
from namecards.contacts import (
    _add_methods,
    add_contact,
    find_duplicates,
    get_contact,
    list_contacts,
    tag_contact,
    update_contact,
)
from namecards.events import event_for, get_event, link_contact
from namecards.outputs import STDOUT, write_output
from namecards.privacy import safe_filename
from namecards.store import Store
from namecards.text import fold, normalise_email, normalise_phone

EXPORT_FORMATS = ("markdown", "vcard", "csv", "json", "anki", "ics")
IMPORT_FORMATS = ("auto", "vcard", "csv", "linkedin", "json")


def selected_contacts(store: Store, *, event: str | None = None, tag: str | None = None) -> list[dict]:
    return [get_contact(store, row["id"]) for row in list_contacts(store, event=event, tag=tag)]


def masked_card_bytes(store: Store, contact: dict) -> bytes | None:
    """The contact's latest card image with the name painted over, as PNG bytes: the same
    mask as the drill's (`deck.masked_card_bytes`)."""
    from namecards.deck import masked_card_bytes as drill_mask

    return drill_mask(store, contact)


def card_photo_bytes(store: Store, contact: dict) -> bytes | None:
    scans = [s for s in contact.get("scans") or [] if s.get("card_path")]
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
            for c in contacts:
                name = contact_to_vcf_filename(c)
                target = folder / Path(name).name
                write_output(target, contact_to_vcard(c, vcard_version, photo=photo))
            return result
        data = contacts_to_vcard(contacts, vcard_version, photo=photo).encode("utf-8")
    elif fmt == "csv":
        from namecards.formats.csvfmt import contacts_to_csv

        data = contacts_to_csv(contacts).encode("utf-8-sig")
    elif fmt == "json":
        from namecards.formats.jsonfmt import contacts_to_json

        data = contacts_to_json(contacts).encode("utf-8")
    elif fmt == "markdown":
        from namecards.formats.markdown import talking_points_markdown

        data = talking_points_markdown(_groups(store, contacts, ev)).encode("utf-8")
    elif fmt == "ics":
        from namecards.formats.ics import followups_to_ics

        data = followups_to_ics(_followups(store, contacts, ev), now=store.now())
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
    """A follow-up reminder per person and event: the meeting's due date, else the day after."""
    items = []
    for c in contacts:
        for e in c["events"]:
            if ev is not None and e["id"] != ev["id"]:
                continue
            row = next(store.db.query(
                "select follow_up_due from meetings where contact_id = ? and event_id = ?",
                [c["id"], e["id"]]), {})
            due = row.get("follow_up_due")
            if due:
                when = date.fromisoformat(due[:10])
            elif e.get("date"):
                when = date.fromisoformat(e["date"][:10]) + timedelta(days=1)
            else:
                continue
            items.append({"contact": c, "event": e, "due": when,
                          "summary": f"Follow up with {c['full_name']}"})
    return items


# ---------------------------------------------------------------- import


def import_contacts(
    store: Store,
    path: str,
    *,
    fmt: str = "auto",
    event: str | None = None,
    dry_run: bool = False,
    mapping: dict[str, str] | None = None,
) -> dict:
    """Read contacts from a file and file them, deduplicated against the store.

    Returns a report: {"added": [...], "updated": [...], "skipped": [{"name", "reason"}],
    "errors": [str]}. A file that cannot be read at all raises NamecardsError and writes nothing.
    """
    from namecards.formats import FormatError
    from namecards.formats.linkedin import sniff_format

    if fmt not in IMPORT_FORMATS:
        raise UsageError(f"import format must be one of {', '.join(IMPORT_FORMATS)}, not {fmt!r}")
    file = Path(path)
    if file.exists() and not file.is_file() and not file.is_dir():
        raise NamecardsError(f"{path}: not a regular file")
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise NamecardsError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise NamecardsError(f"{path}: is a folder, not a file") from None
    except OSError as e:
        raise NamecardsError(f"{path}: cannot read it ({e.strerror})") from None
    if not data.strip():
        raise NamecardsError(f"{path}: the file is empty")
    try:
        kind = sniff_format(file, data) if fmt == "auto" else fmt
        contacts, errors = _parse(kind, data, file.name, mapping)
    except FormatError as e:
        raise NamecardsError(str(e)) from None
    report = {"format": kind, "added": [], "updated": [], "skipped": [], "errors": list(errors),
              "dry_run": dry_run}
    ev = None if dry_run else event_for(store, event)
    seen_uids: set[str] = set()
    with store.db.atomic():
        for incoming in contacts:
            _file_one(store, incoming, ev, dry_run, report, seen_uids)
    return report


def _parse(kind: str, data: bytes, source: str, mapping) -> tuple[list[dict], list[str]]:
    if kind == "vcard":
        from namecards.formats.vcard import parse_vcards

        return parse_vcards(data, source)
    if kind == "linkedin":
        from namecards.formats.linkedin import parse_linkedin_connections

        return parse_linkedin_connections(data, source)
    if kind == "json":
        from namecards.formats.jsonfmt import parse_json

        return parse_json(data, source)
    from namecards.formats.csvfmt import parse_csv

    return parse_csv(data, mapping, source=source)


def _same_person(store: Store, name: str, company: str | None, urls: list[str]) -> int | None:
    """A known contact with the same profile URL, or the same name at the same company."""
    for url in urls:
        row = next(store.db.query(
            "select contact_id from contact_methods where kind in ('url', 'linkedin') and value = ?",
            [url]), None)
        if row:
            return row["contact_id"]
    for row in store.db.query("select id, company from contacts where name_key = ?", [fold(name)]):
        if fold(row["company"]) == fold(company):
            return row["id"]
    return None


def _values(items) -> list[str]:
    out = []
    for item in items or []:
        value = item.get("value") if isinstance(item, dict) else item
        if value:
            out.append(str(value).strip())
    return out


def _file_one(store: Store, c: dict, ev: dict | None, dry_run: bool, report: dict,
              seen_uids: set[str]) -> None:
    name = (c.get("full_name") or " ".join(
        x for x in (c.get("given_name"), c.get("family_name")) if x)).strip()
    emails, phones, bad = [], [], []
    for raw in _values(c.get("emails")):
        try:
            emails.append(normalise_email(raw))
        except ValueError:
            bad.append(raw)
    for raw in _values(c.get("phones")):
        try:
            phones.append(normalise_phone(raw))
        except ValueError:
            bad.append(raw)
    urls = _values(c.get("urls"))
    if not name:
        name = emails[0] if emails else ""
    if not name:
        report["skipped"].append({"name": None, "reason": "no name and no e-mail"})
        return
    uid = c.get("uid")
    if uid and uid in seen_uids:
        report["skipped"].append({"name": name, "reason": "the same card twice in the file"})
        return
    if uid:
        seen_uids.add(uid)
    existing = None
    if uid:
        row = next(store.db.query("select id from contacts where uid = ?", [uid]), None)
        existing = row["id"] if row else None
    if existing is None:
        dupes = find_duplicates(store, emails=emails, phones=phones)
        existing = dupes[0] if dupes else _same_person(store, name, c.get("company"), urls)
    entry = {"name": name, "id": existing}
    if bad:
        entry["ignored"] = bad
    if existing is not None:
        report["updated"].append(entry)
        if dry_run:
            return
        update_contact(store, existing, {**c, "full_name": None}, fill_only=True)
        _add_methods(store, existing, {"email": emails, "phone": phones, "url": urls})
        contact_id = existing
    else:
        report["added"].append(entry)
        if dry_run:
            return
        contact_id = add_contact(
            store, name, title=c.get("title"), company=c.get("company"), emails=emails,
            phones=phones, urls=urls, website=c.get("website"), address=c.get("address"),
            given_name=c.get("given_name"), family_name=c.get("family_name"), force=True,
        )
        if uid:
            store.db["contacts"].update(contact_id, {"uid": uid})
        entry["id"] = contact_id
    for tag in c.get("tags") or []:
        tag_contact(store, contact_id, tag)
    if ev:
        link_contact(store, contact_id, ev["id"])


def write_event_letters(store: Store, event: str, outdir: str, *, template: str = "thank-you",
                        fmt: str = "eml") -> list[dict]:
    """One letter per person met at the event, each in its own file under `outdir`."""
    from namecards.followup import write_letter

    ev = get_event(store, event)
    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for row in list_contacts(store, event=str(ev["id"])):
        target = folder / safe_filename(f"{row['full_name']}-{row['id']}", f".{fmt}")
        try:
            write_letter(store, str(row["id"]), template=template, event=str(ev["id"]), fmt=fmt,
                         output=str(target))
        except NamecardsError as e:
            written.append({"id": row["id"], "name": row["full_name"], "error": str(e)})
            continue
        written.append({"id": row["id"], "name": row["full_name"], "path": str(target)})
    return written
