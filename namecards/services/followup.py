"""Follow-up letters from the store: pick the contact, event and points, render, record.

A draft is the user's once written: a file that was edited since we wrote it is never
overwritten, and a letter printed only to look at it (a preview) is not recorded as written.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field
from pathlib import Path

from namecards import NamecardsError
from namecards.domain.contacts import get_contact, resolve_contact
from namecards.domain.events import get_event
from namecards.errors import NotFound
from namecards.home import config_dir
from namecards.outputs import STDOUT, write_output
from namecards.store import Store


def sender_profile() -> dict:
    """The user's own name and signature (namecards config set name ...)."""
    from namecards.config import load_config

    data = load_config()
    return {"name": data.get("name"), "signature": data.get("signature") or data.get("name"),
            "email": data.get("email")}


@dataclass
class Draft:
    """A rendered letter and what went into it."""

    contact: dict
    event: dict | None
    points: list[dict]  # the talking points cited, as stored ({"id", "text", ...})
    letter: object  # letters.Letter
    note: str | None = None  # a word to the writer (no talking points to cite)
    candidates: list[dict] = field(default_factory=list)  # the points one could cite


def event_points(contact: dict, ev: dict | None) -> list[dict]:
    """The talking points a letter about `ev` may cite: those noted at it (or at no event)."""
    points = contact["talking_points"]
    if ev is not None:
        points = [p for p in points if p["event_id"] in (ev["id"], None)] or points
    return points


def _short_ref(contact: dict) -> str:
    from namecards.text import shell_arg

    given = (contact.get("given_name") or contact.get("full_name") or "").split()
    return shell_arg(given[0].lower()) if given else str(contact["id"])


def _met_event(store: Store, contact: dict, ev: dict | None) -> dict | None:
    """The event with `met`: the day the person was met — the event's date once it has
    come, else the day they were linked to it (a card scanned the day before the interview
    on the calendar)."""
    if ev is None:
        return None
    ev = dict(ev)
    today = store.now().astimezone().date().isoformat()
    date = (ev.get("date") or "")[:10]
    if not date or date > today:
        row = next(store.db.query(
            "select created from meetings where contact_id = ? and event_id = ?",
            [contact["id"], ev["id"]]), None)
        ev["met"] = (row["created"] or "")[:10] if row and row["created"] else None
    return ev


def prepare_letter(store: Store, contact_ref: str, *, template: str = "thank-you",
                   event: str | None = None, points: list[int] | None = None) -> Draft:
    """Render the letter for one contact: `points` are talking-point ids (None: the first
    two noted at the event); nothing is written or recorded."""
    from namecards.domain import letters

    contact = get_contact(store, resolve_contact(store, contact_ref))
    ev = get_event(store, event) if event else (contact["events"][-1] if contact["events"] else None)
    candidates = event_points(contact, ev)
    if points:
        by_id = {p["id"]: p for p in contact["talking_points"]}
        missing = [str(i) for i in points if i not in by_id]
        if missing:
            ids = ", ".join(f"#{p['id']}" for p in contact["talking_points"]) or "none yet"
            raise NotFound(
                f"talking point {', '.join('#' + m for m in missing)} is not one of "
                f"{contact['full_name']}'s (theirs: {ids})", kind="talking point",
                ref=str(contact["id"]))
        chosen = [by_id[i] for i in points]
    else:
        chosen = candidates[:letters.DEFAULT_POINTS]
    sender = sender_profile()
    try:
        letter = letters.render_letter(
            contact, event=_met_event(store, contact, ev), points=[p["text"] for p in chosen],
            template=template, sender=sender, user_dir=config_dir() / "templates",
            today=store.now().astimezone().date())
    except letters.LetterError as e:
        raise NamecardsError(str(e)) from None
    note = None
    if not contact["talking_points"]:
        note = (f"No talking points for {contact['full_name']}: add some with "
                f"`namecards note {_short_ref(contact)} -` and write this letter again.")
        letter.body = f"[{note}]\n\n{letter.body}"
    return Draft(contact, ev, chosen, letter, note, candidates)


def draft_bytes(draft: Draft, fmt: str, store: Store) -> bytes:
    from namecards.domain import letters

    if fmt == "eml":
        return letters.letter_to_eml(draft.letter, draft.contact, sender_profile(),
                                     date=store.now().astimezone())
    text = letters.letter_to_markdown(draft.letter) if fmt == "md" else draft.letter.body
    return text.encode("utf-8")


def body_of(path: Path, fmt: str) -> str | None:
    """The letter text in a draft file we wrote (the body of an .eml, a .md without its
    heading); None if it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if fmt == "eml":
        message = email.message_from_bytes(data, policy=email.policy.default)
        part = message.get_body(("plain",)) if message.is_multipart() else message
        try:
            return part.get_content().replace("\r\n", "\n") if part is not None else None
        except (LookupError, ValueError):
            return None
    text = data.decode("utf-8", errors="replace")
    if fmt == "md" and text.startswith("# "):
        text = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    return text


def edited_since_written(store: Store, path: Path, fmt: str) -> bool:
    """Is there a draft at `path` that differs from the letter we last wrote there (the user
    edited it, or it is not ours)?"""
    if not path.exists():
        return False
    row = next(store.db.query(
        "select body from letters where path = ? order by id desc limit 1", [str(path)]), None)
    if row is None:
        return True  # not written by us: someone's file
    body = body_of(path, fmt)
    return body is None or body.rstrip("\n") != (row["body"] or "").rstrip("\n")


class DraftKept(NamecardsError):
    """The draft at the path was edited since it was written: it is kept as it is."""


def record_letter(store: Store, draft: Draft, *, template: str, fmt: str,
                  path: str | None, body: str | None = None) -> int:
    return store.db["letters"].insert(
        {"contact_id": draft.contact["id"], "event_id": draft.event["id"] if draft.event else None,
         "template": template, "format": fmt, "subject": draft.letter.subject,
         "body": body if body is not None else draft.letter.body, "path": path,
         "created": store.now_iso()}
    ).last_pk


def write_letter(
    store: Store,
    contact_ref: str,
    *,
    template: str = "thank-you",
    event: str | None = None,
    points: list[int] | None = None,
    fmt: str = "txt",
    output: str | None = None,
    record: bool | None = None,
):
    """Render a letter for one contact; write it to `output` and record it when given.

    Printing it (no output, or `-`) is a preview: not recorded, unless `record`. A file at
    `output` that was edited since we wrote it is kept: `DraftKept`.
    """
    draft = prepare_letter(store, contact_ref, template=template, event=event, points=points)
    data = draft_bytes(draft, fmt, store)
    to_file = bool(output) and output != STDOUT
    if to_file:
        if edited_since_written(store, Path(output), fmt):
            raise DraftKept(f"{output}: kept as it is (edited since it was written); "
                            "delete or rename it to write a new draft")
        write_output(output, data)
    if record if record is not None else to_file:
        record_letter(store, draft, template=template, fmt=fmt,
                      path=str(output) if to_file else None)
    return data.decode("utf-8") if fmt != "eml" else data


def write_event_letters(store: Store, event: str, outdir: str, *, template: str = "thank-you",
                        fmt: str = "eml", points: list[int] | None = None) -> list[dict]:
    """One letter per person met at the event, each in its own file under `outdir`.

    File names come from the names and ids; two that still come out the same (names cut
    for length, or alike once made safe) get a number, never the same file. An edited
    draft is kept (`"kept"`), and so is an unchanged one (`"unchanged"`).
    """
    from namecards.domain.contacts import list_contacts
    from namecards.privacy import safe_filename

    ev = get_event(store, event)
    folder = Path(outdir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise NamecardsError(f"{outdir}: cannot create the folder ({e.strerror})") from None
    written, used = [], set()
    for row in list_contacts(store, event=str(ev["id"])):
        stem = safe_filename(f"{row['full_name']}-{row['id']}")
        name, n = f"{stem}.{fmt}", 1
        while name.casefold() in used:
            n += 1
            name = f"{stem}-{n}.{fmt}"
        used.add(name.casefold())
        target = folder / name
        item = {"id": row["id"], "name": row["full_name"], "path": str(target)}
        try:
            mine = [p for p in (points or []) if p in {
                t["id"] for t in get_contact(store, row["id"])["talking_points"]}]
            draft = prepare_letter(store, str(row["id"]), template=template,
                                   event=str(ev["id"]), points=mine or None)
            data = draft_bytes(draft, fmt, store)
            if edited_since_written(store, target, fmt):
                item["status"] = "kept"
            elif target.exists() and (body_of(target, fmt) or "").rstrip("\n") == \
                    draft.letter.body.rstrip("\n"):
                item["status"] = "unchanged"
            else:
                write_output(str(target), data)
                record_letter(store, draft, template=template, fmt=fmt, path=str(target))
                item["status"] = "written"
            item["note"] = draft.note
        except NamecardsError as e:
            item = {"id": row["id"], "name": row["full_name"], "error": str(e)}
        written.append(item)
    return written
