"""The one-page briefing for the morning of an interview: schedule, who you will meet (with
pronunciation, role, card thumbnail and what you talked about before), company facts to bring
up, questions to ask, and readiness."""

from __future__ import annotations

import base64
import io
from datetime import datetime
from pathlib import Path

from namecards import UsageError
from namecards.domain.companies import company_key, company_of_event, company_people
from namecards.domain.deck import event_time
from namecards.outputs import STDOUT, write_output
from namecards.services.readiness import resolve_event
from namecards.store import Store

# Not in templates/: every .j2 there is a letter template.
TEMPLATES = Path(__file__).parents[1] / "data"
FORMATS = ("md", "html")
THUMB_WIDTH = 240
MAX_POINTS = 4


def _when_text(event: dict) -> str | None:
    """'Thursday 3 December 2026, 09:30' from the event's date (local time as entered)."""
    value = event.get("date")
    if not value:
        return None
    parsed = datetime.fromisoformat(value if "T" in value else value + "T00:00")
    day = f"{parsed:%A} {parsed.day} {parsed:%B %Y}"
    return day + (f", {parsed:%H:%M}" if "T" in value else "")


def card_thumbnail(store: Store, contact_id: int, width: int = THUMB_WIDTH) -> str | None:
    """The contact's latest card image as a small JPEG data: URI, or None."""
    from PIL import Image

    row = next(store.db.query(
        "select card_path, path from scans where contact_id = ? and coalesce(card_path, path) "
        "is not null and coalesce(side, '') != 'back' order by id desc limit 1", [contact_id]), None)
    if row is None:
        return None
    path = store.home / (row["card_path"] or row["path"])
    try:
        with Image.open(path) as image:
            image = image.convert("RGB")
            if image.width > width:
                image = image.resize((width, max(1, round(image.height * width / image.width))))
            buf = io.BytesIO()
            image.save(buf, "JPEG", quality=80)
    except (OSError, ValueError):
        return None  # a missing or unreadable image leaves a blank, not a failed briefing
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def build_briefing(
    store: Store,
    event_ref: str | int,
    *,
    now: datetime | None = None,
    thumbnails: bool = False,
) -> dict:
    """Everything the briefing shows, as plain data (also what the TUI screen renders)."""
    from namecards.domain.dossier import list_facts
    from namecards.domain.practice import list_practice
    from namecards.domain.questions import list_questions
    from namecards.services.readiness import check_readiness

    now = now or store.now()
    event = resolve_event(store, event_ref)
    ready = check_readiness(store, event_ref, now=now)
    recall = {p["id"]: p for p in ready["people"]}
    company = company_of_event(store, event)
    relations = {}
    others = []
    # Without a company record yet, the event's company text still finds who you know there
    # (say, LinkedIn connections imported the day before).
    lookup = company or ({"id": None, "name": event["company"], "domains": []}
                         if event.get("company") else None)
    if lookup:
        known = company_people(store, {**lookup, "name_key": company_key(lookup["name"])})
        relations = {p["id"]: p for p in known}
        expected = set(recall)
        others = [p for p in known if p["id"] not in expected]
    people = []
    db = store.db
    for person in ready["people"]:
        points = [
            dict(r) for r in db.query(
                "select talking_points.text, events.name as event from talking_points "
                "left join events on events.id = talking_points.event_id "
                "where contact_id = ? order by talking_points.id desc limit ?",
                [person["id"], MAX_POINTS])
        ]
        from namecards.formats import strip_cloze

        rel = relations.get(person["id"])
        people.append({
            "id": person["id"],
            "full_name": person["full_name"],
            "pronunciation": person["pronunciation"],
            "mnemonic": person["mnemonic"],
            "title": person["title"],
            "company": person["company"],
            "role": person["role"],
            "relation": rel["relation_label"] if rel else None,
            "points": [strip_cloze(p["text"]) for p in points],
            "recall": person["recall"],
            "reviewed": person["reviewed"],
            "ready": person["ready"],
            "thumbnail": card_thumbnail(store, person["id"]) if thumbnails else None,
        })
    facts = list_facts(store, company) if company else []
    questions = list_questions(store, event=event)
    return {
        "event": {**ready["event"], "when": _when_text(event),
                  "time_utc": (event_time(event) or now).isoformat(timespec="minutes")},
        "company": ({"name": company["name"], "industry": company["industry"],
                     "domains": company["domains"], "notes": company["notes"]}
                    if company else ({"name": event["company"], "industry": None, "domains": [],
                                      "notes": None} if event.get("company") else None)),
        "people": people,
        "others": [{"full_name": p["full_name"], "title": p["title"],
                    "relation": p["relation_label"]} for p in others],
        "facts": [{"text": f["plain"], "source": f["source"], "noted": f["noted"]}
                  for f in facts],
        "questions": [{"id": q["id"], "text": q["text"], "asked": bool(q["asked"]),
                       "answer": q["answer"], "answered_by": q["answered_by"]}
                      for q in questions],
        "practice": [{"question": a["question"], "points": a["points"]}
                     for a in list_practice(store)],
        "readiness": ready,
        "generated": now.isoformat(timespec="minutes"),
    }


def _environment():
    import jinja2

    from namecards.services.readiness import format_recall

    def pct(value):
        return "not drilled yet" if value is None else format_recall(value)

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html.j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    def recall(person):
        return "not drilled yet" if not person.get("reviewed") else pct(person["recall"])

    env.filters["pct"] = pct
    env.filters["recall"] = recall
    return env


def render_briefing(data: dict, fmt: str = "md") -> str:
    """The briefing as Markdown or as a self-contained HTML page (images inlined)."""
    if fmt not in FORMATS:
        raise UsageError(f"a briefing is md or html, not {fmt!r}")
    return _environment().get_template(f"brief.{fmt}.j2").render(b=data)


def write_briefing(
    store: Store,
    event_ref: str | int,
    *,
    fmt: str = "md",
    output: str | None = None,
    now: datetime | None = None,
) -> str:
    """Build and render the briefing; write it to `output` when given. Returns the text."""
    data = build_briefing(store, event_ref, now=now, thumbnails=fmt == "html")
    text = render_briefing(data, fmt)
    if output and output != STDOUT:
        write_output(output, text)
    return text
