"""LinkedIn's Connections.csv (the data export), and sniffing which importer a file needs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from namecards.formats import FormatError, Record, decode_text

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_REQUIRED = ("first name", "last name")


def _connected_on(value: str) -> str | None:
    """ "12 Mar 2024" -> "2024-03-12" (also "12-Mar-24", "3/12/24" from older exports)."""
    value = value.strip()
    m = re.match(r"^(\d{1,2})[\s-]+([A-Za-z]{3})[a-z]*\.?[\s-]+(\d{2}|\d{4})$", value)
    if m:
        day, month, year = int(m.group(1)), _MONTHS.get(m.group(2).lower()), int(m.group(3))
    else:
        m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$", value)  # US order in old exports
        if not m:
            return None
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if year < 100:
        year += 2000
    if not month or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _find_header(rows: list[list[str]]) -> int | None:
    for i, row in enumerate(rows[:50]):
        cells = [c.strip().lower() for c in row]
        if all(r in cells for r in _REQUIRED):
            return i
    return None


def iter_linkedin_connections(lines: Iterable[str], source: str = "Connections.csv"
                              ) -> Iterator[Record]:
    """Read LinkedIn's Connections.csv as a stream of lines: skip its "Notes:" preamble, find
    the header row (``First Name,Last Name,URL,Email Address,Company,Position,Connected On``;
    older exports have no URL) and yield one Record per row.  Each contact carries
    ``connected_on`` (ISO date) and its profile URL in ``urls`` with label ``linkedin``; a row
    without a name is skipped."""
    lines = iter(lines)
    head = list(itertools.islice(lines, 50))
    try:
        header_index = _find_header(list(csv.reader(head)))
    except csv.Error as exc:
        raise FormatError(f"{source}: not a readable CSV file ({exc})") from None
    if header_index is None:
        raise FormatError(
            f"{source}: not a LinkedIn connections export (no 'First Name,Last Name,…' header row)"
        )
    reader = csv.reader(itertools.chain(head, lines))
    header: list[str] | None = None
    col: dict[str, int] = {}

    def cell(row: list[str], name: str) -> str:
        i = col.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    try:
        for index, row in enumerate(reader):
            if index < header_index:
                continue
            if header is None:
                header = [c.strip().lower() for c in row]
                col = {name: header.index(name) for name in header}
                continue
            number = reader.line_num
            if not any(c.strip() for c in row):
                continue
            given, family = cell(row, "first name"), cell(row, "last name")
            full = " ".join(x for x in (given, family) if x)
            if not full:
                yield Record(number, skipped=f"row {number}: no name")
                continue
            url = cell(row, "url") or cell(row, "profile url")
            email = cell(row, "email address") or cell(row, "email")
            connected_raw = cell(row, "connected on")
            yield Record(number, contact={
                "uid": None,
                "full_name": full,
                "given_name": given or None,
                "family_name": family or None,
                "title": cell(row, "position") or None,
                "company": cell(row, "company") or None,
                "website": None,
                "address": None,
                "emails": [{"value": email, "label": None}] if email else [],
                "phones": [],
                "urls": [{"value": url, "label": "linkedin"}] if url else [],
                "tags": ["linkedin"],
                "notes": [],
                "talking_points": [],
                "connected_on": _connected_on(connected_raw) if connected_raw else None,
            })
    except csv.Error as exc:
        raise FormatError(f"{source}: row {reader.line_num}: not readable as CSV ({exc})") from None


def parse_linkedin_connections(
    data: bytes | str, source: str = "Connections.csv"
) -> tuple[list[dict], list[str]]:
    """Read LinkedIn's Connections.csv (see `iter_linkedin_connections`) and return
    ``(contacts, errors)``; a row without a name is an error here."""
    text = decode_text(data, source)
    contacts, errors = [], []
    for record in iter_linkedin_connections(io.StringIO(text, newline=""), source):
        if record.contact is not None:
            contacts.append(record.contact)
        else:
            errors.append(f"{source}: {record.skipped or record.error}")
    return contacts, errors


def sniff_format(path: str | Path | None, data: bytes) -> str:
    """Guess the importer for ``--format auto``: "vcard", "linkedin" or "csv"."""
    suffix = Path(str(path)).suffix.lower() if path else ""
    head = bytes(data[:20000])
    text = head.decode("utf-8-sig", errors="replace").lstrip("\ufeff")
    if suffix in (".vcf", ".vcard") or re.match(r"^\s*BEGIN\s*:\s*VCARD", text, re.IGNORECASE):
        return "vcard"
    lines = [line.strip().lower() for line in text.splitlines()[:50]]
    for line in lines:
        plain = line.replace('"', "")
        if plain.startswith("first name,last name") and (
            "connected on" in plain or "position" in plain
        ):
            return "linkedin"
    if lines and lines[0].startswith("notes:") and any("linkedin" in line for line in lines[:5]):
        return "linkedin"
    return "csv"


__all__ = ["iter_linkedin_connections", "parse_linkedin_connections", "sniff_format"]
