"""Generic CSV: one row per contact for spreadsheets, and an importer that guesses the columns."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator

from namecards.formats import FormatError, Record, contact_display_name, decode_text, strip_cloze

# Spreadsheet apps run a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

EXPORT_COLUMNS = [
    ("Name", "full_name"),
    ("Given name", "given_name"),
    ("Family name", "family_name"),
    ("Title", "title"),
    ("Company", "company"),
    ("Email", "emails"),
    ("Phone", "phones"),
    ("Website", "website"),
    ("URLs", "urls"),
    ("Address", "address"),
    ("Tags", "tags"),
    ("Events", "events"),
    ("Talking points", "talking_points"),
    ("Notes", "notes"),
    ("UID", "uid"),
]

# Header (casefolded, spaces/underscores/hyphens removed) -> field.
_HEADER_FIELDS = {
    "name": "full_name",
    "fullname": "full_name",
    "displayname": "full_name",
    "contact": "full_name",
    "contactname": "full_name",
    "firstname": "given_name",
    "givenname": "given_name",
    "first": "given_name",
    "lastname": "family_name",
    "familyname": "family_name",
    "surname": "family_name",
    "last": "family_name",
    "email": "emails",
    "emails": "emails",
    "emailaddress": "emails",
    "mail": "emails",
    "emailaddresses": "emails",
    "workemail": "emails",
    "phone": "phones",
    "phones": "phones",
    "mobile": "phones",
    "tel": "phones",
    "telephone": "phones",
    "phonenumber": "phones",
    "mobilephone": "phones",
    "cell": "phones",
    "workphone": "phones",
    "company": "company",
    "organization": "company",
    "organisation": "company",
    "org": "company",
    "employer": "company",
    "title": "title",
    "position": "title",
    "jobtitle": "title",
    "role": "title",
    "website": "website",
    "url": "website",
    "web": "website",
    "homepage": "website",
    "urls": "urls",
    "linkedin": "urls",
    "linkedinurl": "urls",
    "profileurl": "urls",
    "address": "address",
    "postaladdress": "address",
    "workaddress": "address",
    "notes": "notes",
    "note": "notes",
    "comments": "notes",
    "talkingpoints": "talking_points",
    "tags": "tags",
    "tag": "tags",
    "categories": "tags",
    "groups": "tags",
    "labels": "tags",
    "uid": "uid",
    "events": "events",
    "event": "events",
}
FIELDS = sorted(set(_HEADER_FIELDS.values()))


def _safe_cell(value: str) -> str:
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _values(items: Iterable) -> list[str]:
    out = []
    for item in items or []:
        value = item.get("value") if isinstance(item, dict) else item
        if value is not None and str(value).strip():
            out.append(str(value).strip())
    return out


def _cell(contact: dict, field: str) -> str:
    if field == "full_name":
        return contact_display_name(contact)
    if field in ("emails", "phones", "urls"):
        return "; ".join(_values(contact.get(field)))
    if field == "tags":
        return "; ".join(str(t) for t in contact.get("tags") or [] if str(t).strip())
    if field == "events":
        return "; ".join(
            str(e.get("name"))
            for e in contact.get("events") or []
            if isinstance(e, dict) and e.get("name")
        )
    if field == "talking_points":
        points = [p.get("text") for p in contact.get("talking_points") or [] if isinstance(p, dict)]
        # One point per line, no "- " bullet: a cell starting with "-" would be taken for a formula.
        return "\n".join(" ".join(strip_cloze(str(p)).split()) for p in points if p)
    if field == "notes":
        # Each note as written (its "- " bullets included), a blank line between notes.
        return "\n\n".join(strip_cloze(str(n.get("text")).strip())
                            for n in contact.get("notes") or []
                            if isinstance(n, dict) and n.get("text") and str(n["text"]).strip())
    value = contact.get(field)
    return "" if value is None else str(value)


def contacts_to_csv(contacts: list[dict]) -> str:
    """All contacts as CSV text, one row each; lists joined with "; ".

    Cells that a spreadsheet would run as a formula get a leading apostrophe (so a phone reads
    ``'+4915…``).  The caller writes the text with ``encoding="utf-8-sig"`` so that Excel sees the
    BOM and reads UTF-8.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([h for h, _ in EXPORT_COLUMNS])
    for contact in contacts:
        writer.writerow([_safe_cell(_cell(contact, f)) for _, f in EXPORT_COLUMNS])
    return buf.getvalue()


def _key(header: str) -> str:
    return re.sub(r"[\s_\-.:]+", "", header.strip().casefold())


def _unneutralise(value: str) -> str:
    # Undo our own injection guard: "'+4915…" -> "+4915…".
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _split(value: str, seps: str = ";") -> list[str]:
    return [p.strip() for p in re.split(f"[{re.escape(seps)}\n]", value) if p.strip()]


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    # The sniffer's cost grows fast with the sample: 20 lines of at most 8 kB tell enough.
    sample = "\n".join(text[:8192].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def contact_from_row(row: dict[str, str]) -> dict:
    """Build a contact dict from {field: cell text}; fields are those of FIELDS."""
    get = lambda f: _unneutralise((row.get(f) or "").strip())
    contact: dict = {
        "uid": get("uid") or None,
        "full_name": get("full_name") or None,
        "given_name": get("given_name") or None,
        "family_name": get("family_name") or None,
        "title": get("title") or None,
        "company": get("company") or None,
        "website": get("website") or None,
        "address": get("address") or None,
        "emails": [{"value": v, "label": None} for v in _split(get("emails"), ";,")],
        "phones": [{"value": _unneutralise(v), "label": None} for v in _split(get("phones"))],
        "urls": [],
        "tags": _split(get("tags"), ";,"),
        "notes": [],
        "talking_points": [],
    }
    for url in _split(get("urls"), ";,"):
        label = "linkedin" if "linkedin.com/" in url.lower() else None
        contact["urls"].append({"value": url, "label": label})
    if not contact["full_name"]:
        joined = " ".join(x for x in (contact["given_name"], contact["family_name"]) if x)
        contact["full_name"] = joined or None
    notes = get("notes").replace("\r\n", "\n").replace("\r", "\n")
    for index, text in enumerate(t for t in re.split(r"\n\s*\n", notes) if t.strip()):
        contact["notes"].append({"text": text.strip()})
        for line in text.splitlines():
            line = line.strip()
            if line[:2] in ("- ", "* ", "• ") and line[2:].strip():
                contact["talking_points"].append({"text": line[2:].strip(), "note": index})
    from namecards.text import fold

    in_notes = {fold(p["text"]) for p in contact["talking_points"]}
    for line in get("talking_points").splitlines():
        point = line.strip().lstrip("-*• ").strip()
        if point and fold(point) not in in_notes:
            contact["talking_points"].append({"text": point})
    contact["events"] = _split(get("events"), ";")
    return contact


def has_identity(contact: dict) -> bool:
    return bool(
        contact.get("full_name")
        or contact.get("company")
        or contact.get("emails")
        or contact.get("phones")
    )


def iter_csv(lines: Iterable[str], mapping: dict[str, str] | None = None,
             source: str = "CSV") -> Iterator[Record]:
    """Read contacts from the lines of a CSV file with a header row, one Record per row, as a
    stream (the file is never held whole).

    Columns are recognised case-insensitively (Name / Full name / First name + Last name, Email,
    Phone / Mobile / Tel, Company / Organization, Title / Position / Job title, Website / URL,
    Address, Notes, Talking points, Events, Tags).  ``mapping`` maps header text to a field name
    (one of ``FIELDS``) or to None to ignore a column, and wins over the guesses.  A row with
    no name or e-mail is skipped.  Raises FormatError when the header is missing."""
    overrides = {_key(k): v for k, v in (mapping or {}).items()}
    for field in overrides.values():
        if field is not None and field not in FIELDS:
            raise FormatError(
                f"{source}: unknown field {field!r} in the column mapping "
                f"(use one of {', '.join(FIELDS)})"
            )
    lines = iter(lines)
    head = list(itertools.islice(lines, 20))
    reader = csv.reader(itertools.chain(head, lines), _dialect("".join(head)))
    header = None
    number = 0
    try:
        for row in reader:
            number = reader.line_num
            if header is None:
                if any(c.strip() for c in row):
                    header = row
                    columns = _columns(header, overrides, source)
                continue
            if not any(c.strip() for c in row):
                continue
            fields: dict[str, str] = {}
            for field, cell in zip(columns, row):
                if field is None or not cell.strip():
                    continue
                fields[field] = (fields[field] + "; " + cell) if field in fields else cell
            contact = contact_from_row(fields)
            if not has_identity(contact):
                yield Record(number, error=f"{source}: row {number}: no name, e-mail, phone or "
                                           "company")
            elif not (contact["full_name"] or contact["emails"]):
                yield Record(number, skipped=f"row {number}: no name or e-mail")
            else:
                yield Record(number, contact=contact)
    except csv.Error as exc:
        raise FormatError(f"{source}: row {number + 1}: not readable as CSV ({exc})") from None
    if header is None:
        raise FormatError(f"{source}: the file is empty")


def _columns(header: list[str], overrides: dict, source: str) -> list[str | None]:
    columns: list[str | None] = []
    for cell in header:
        key = _key(cell)
        columns.append(overrides[key] if key in overrides else _HEADER_FIELDS.get(key))
    if not any(columns):
        raise FormatError(
            f"{source}: no header row found (the first row should name the columns, e.g. "
            "Name,Email,Phone,Company)"
        )
    if not any(
        c in ("full_name", "given_name", "family_name", "emails", "phones", "company")
        for c in columns
    ):
        raise FormatError(f"{source}: the header has no name, e-mail, phone or company column")
    return columns


def parse_csv(
    data: bytes | str, mapping: dict[str, str] | None = None, source: str = "CSV"
) -> tuple[list[dict], list[str]]:
    """Read contacts from a CSV file with a header row (see `iter_csv`).  Returns
    ``(contacts, errors)`` (a skipped row is an error here); raises FormatError when the file
    is empty, binary or has no recognisable header."""
    text = decode_text(data, source)
    contacts, errors = [], []
    for record in iter_csv(io.StringIO(text, newline=""), mapping, source):
        if record.contact is not None:
            contacts.append(record.contact)
        else:
            errors.append(record.error or f"{source}: {record.skipped}")
    return contacts, errors


__all__ = ["EXPORT_COLUMNS", "FIELDS", "contact_from_row", "contacts_to_csv", "iter_csv",
           "parse_csv"]
