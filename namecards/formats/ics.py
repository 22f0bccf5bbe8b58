"""Follow-up reminders as iCalendar: a VTODO for task apps plus a VEVENT with an alarm, because
many calendar apps ignore VTODO."""

from __future__ import annotations

import datetime as dt
import hashlib

import icalendar

from namecards.clock import SYSTEM
from namecards.formats import FormatError, contact_display_name, strip_cloze

PRODID = "-//namecards//follow-ups//EN"


def _key(item: dict) -> str:
    contact = item.get("contact") or {}
    event = item.get("event") or {}
    parts = [
        str(contact.get("uid") or contact.get("id") or contact_display_name(contact)),
        str(event.get("id") or event.get("name") or ""),
        str(item.get("kind") or "follow-up"),
    ]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:24]


def _description(contact: dict, event: dict | None) -> str:
    lines = []
    details = [x for x in (contact.get("title"), contact.get("company")) if x]
    if details:
        lines.append(", ".join(details))
    for e in contact.get("emails") or []:
        value = e.get("value") if isinstance(e, dict) else e
        if value:
            lines.append(f"E-mail: {value}")
            break
    if event and event.get("name"):
        lines.append(
            f"Met at: {event['name']}" + (f" ({event['date']})" if event.get("date") else "")
        )
    points = [
        p.get("text")
        for p in contact.get("talking_points") or []
        if isinstance(p, dict)
        and p.get("text")
        and (not event or event.get("id") is None or p.get("event_id") == event.get("id"))
    ]
    if points:
        lines.append("Talking points:")
        lines += ["- " + " ".join(strip_cloze(str(p)).split()) for p in points]
    return "\n".join(lines)


def followups_to_ics(items: list[dict], *, now: dt.datetime | None = None) -> bytes:
    """One VTODO (with DUE) and one VEVENT (with a VALARM) per item.

    Each item: ``{"contact": contact dict, "event": event dict or None, "due": date or aware
    datetime, "summary": str or None}``.  UIDs derive from the contact's uid and the event, so a
    re-export updates the same entries instead of adding new ones.
    """
    stamp = (now or SYSTEM.now()).astimezone(dt.UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    for number, item in enumerate(items, 1):
        contact = item.get("contact") or {}
        event = item.get("event")
        due = item.get("due")
        if isinstance(due, str):
            try:
                due = dt.datetime.fromisoformat(due) if "T" in due else dt.date.fromisoformat(due)
            except ValueError:
                raise FormatError(f"follow-up {number}: due {due!r} is not an ISO date") from None
        if isinstance(due, dt.datetime):
            if due.tzinfo is None:
                raise FormatError(f"follow-up {number}: due datetime must carry a time zone")
            # Written in UTC: a TZID without a VTIMEZONE block is read back as floating time.
            due = due.astimezone(dt.UTC)
        elif not isinstance(due, dt.date):
            raise FormatError(f"follow-up {number}: no due date")
        name = contact_display_name(contact) or "contact"
        summary = item.get("summary") or f"Follow up with {name}"
        description = _description(contact, event)
        key = _key(item)

        todo = icalendar.Todo()
        todo.add("uid", f"{key}-todo@namecards")
        todo.add("dtstamp", stamp)
        todo.add("summary", summary)
        todo.add("due", due)
        todo.add("status", "NEEDS-ACTION")
        if description:
            todo.add("description", description)
        cal.add_component(todo)

        ev = icalendar.Event()
        ev.add("uid", f"{key}-event@namecards")
        ev.add("dtstamp", stamp)
        ev.add("summary", summary)
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        if isinstance(due, dt.datetime):
            ev.add("dtstart", due)
            ev.add("dtend", due + dt.timedelta(minutes=15))
            alarm.add("trigger", dt.timedelta(minutes=-15))
        else:
            ev.add("dtstart", due)
            ev.add("dtend", due + dt.timedelta(days=1))
            ev.add("transp", "TRANSPARENT")
            alarm.add("trigger", dt.timedelta(hours=9))  # 09:00 on the day of an all-day event
        if description:
            ev.add("description", description)
        ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()


__all__ = ["followups_to_ics"]
