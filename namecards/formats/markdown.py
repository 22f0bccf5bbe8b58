"""Talking points as Markdown, to read before a meeting or paste into notes.

Input for :func:`talking_points_markdown` is a list of groups::

    [{"event": {"id", "name", "date", "company", "kind"} or None,
      "people": [contact dict, optionally with "role" (their role at that event)]}]

Each person's points are those linked to that event (all their points when the event is None or
has no id).  Cloze markers ``{{key phrase}}`` are shown in bold.
"""

from __future__ import annotations

import re

from namecards.formats import CLOZE_RE, contact_display_name

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _esc(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _point(text: str) -> str:
    text = " ".join(str(text).split())
    parts, last = [], 0
    for m in CLOZE_RE.finditer(text):
        parts.append(_MD_SPECIAL.sub(r"\\\1", text[last : m.start()]))
        parts.append("**" + _esc(m.group(1)) + "**")
        last = m.end()
    parts.append(_MD_SPECIAL.sub(r"\\\1", text[last:]))
    return "".join(parts).strip()


def _role(contact: dict, event: dict | None) -> str | None:
    if contact.get("role"):
        return contact["role"]
    if event and event.get("id") is not None:
        for e in contact.get("events") or []:
            if isinstance(e, dict) and e.get("id") == event.get("id"):
                return e.get("role")
    return None


def _points_for(contact: dict, event: dict | None) -> list[str]:
    points = [
        p for p in contact.get("talking_points") or [] if isinstance(p, dict) and p.get("text")
    ]
    if event and event.get("id") is not None:
        points = [p for p in points if p.get("event_id") == event.get("id")]
    points.sort(key=lambda p: (p.get("position") is None, p.get("position") or 0))
    return [p["text"] for p in points]


def _person_block(contact: dict, event: dict | None, level: int) -> list[str]:
    name = contact_display_name(contact) or "(no name)"
    details = [
        x for x in (_role(contact, event), contact.get("title"), contact.get("company")) if x
    ]
    lines = ["#" * level + " " + _esc(name)]
    if details:
        lines += ["", "*" + _esc(", ".join(details)) + "*"]
    if contact.get("pronunciation"):
        lines += ["", "Pronounced: " + _esc(contact["pronunciation"])]
    points = _points_for(contact, event)
    lines.append("")
    lines += ["- " + _point(p) for p in points] if points else ["- (no talking points yet)"]
    lines.append("")
    return lines


def _event_heading(event: dict | None) -> str:
    if not event:
        return "Other contacts"
    heading = _esc(event.get("name") or "(unnamed event)")
    if event.get("date"):
        heading += f" ({_esc(event['date'])})"
    return heading


def talking_points_markdown(events_with_people: list[dict], title: str = "Talking points") -> str:
    """Markdown grouped by event (## heading) then person (### heading with role and company)."""
    lines = [f"# {_esc(title)}", ""]
    for group in events_with_people:
        event = group.get("event")
        lines += ["## " + _event_heading(event), ""]
        people = group.get("people") or []
        if not people:
            lines += ["(nobody yet)", ""]
        for contact in people:
            lines += _person_block(contact, event, 3)
    return "\n".join(lines).rstrip("\n") + "\n"


def contact_talking_points_markdown(contact: dict, event: dict | None = None) -> str:
    """One person's talking points (for that event, or all of them)."""
    return "\n".join(_person_block(contact, event, 2)).rstrip("\n") + "\n"


__all__ = ["contact_talking_points_markdown", "talking_points_markdown"]
