"""The user's deck: drill cards kept in the store, today's queue, answers and undo.

The scheduling and grading themselves are pure functions in `namecards.drilling`; this module
keeps their state in SQLite and commits every answer at once, so quitting loses nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from namecards import NamecardsError
from namecards import drilling
from namecards.store import Store, now_iso, utcnow

# fact (a company dossier fact) and answer (a practised interview answer) belong to no contact.
CARD_KINDS = ("name", "who-is", "point", "fact", "answer")


def sync_cards(store: Store, contact_id: int) -> None:
    """Make sure a contact has its name and who-is cards and one card per talking point.

    Existing cards keep their schedule; cards of deleted talking points go with them.
    """
    db = store.db
    stamp = now_iso()
    existing = {
        (r["kind"], r["talking_point_id"])
        for r in db.query(
            "select kind, talking_point_id from drill_cards where contact_id = ?", [contact_id]
        )
    }
    wanted = [("name", None), ("who-is", None)] + [
        ("point", r["id"])
        for r in db.query("select id from talking_points where contact_id = ?", [contact_id])
    ]
    for kind, point_id in wanted:
        if (kind, point_id) not in existing:
            db["drill_cards"].insert(
                {"kind": kind, "contact_id": contact_id, "talking_point_id": point_id,
                 "fsrs_state": None, "due": stamp, "created": stamp}
            )


def _parse_due(text: str) -> datetime:
    due = datetime.fromisoformat(text)
    return due if due.tzinfo else due.replace(tzinfo=timezone.utc)


def _iso(when: datetime) -> str:
    # One text format for every `due`, so SQL compares them as text correctly.
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


def _card_row(row: dict) -> dict:
    card = dict(row)
    card["fsrs_state"] = json.loads(row["fsrs_state"]) if row["fsrs_state"] else None
    card["due"] = _parse_due(row["due"])
    return card


def load_cards(store: Store, *, event_id: int | None = None, kinds=CARD_KINDS) -> list[dict]:
    where = ["suspended = 0", f"kind in ({', '.join('?' for _ in kinds)})"]
    params: list = list(kinds)
    if event_id is not None:
        from namecards.dossier import event_card_filter

        # The event's people, plus the facts of its company and (for interviews) the answers.
        extra_sql, extra_params = event_card_filter(store, event_id)
        where.append(
            f"(contact_id in (select contact_id from meetings where event_id = ?) or {extra_sql})"
        )
        params += [event_id, *extra_params]
        where.append(
            "(talking_point_id is null or talking_point_id in "
            "(select id from talking_points where event_id = ? or event_id is null))"
        )
        params.append(event_id)
    rows = store.db.query(f"select * from drill_cards where {' and '.join(where)}", params)
    return [_card_row(r) for r in rows]


def event_time(event: dict | None) -> datetime | None:
    """An event's date as an aware datetime (a bare date means 09:00 local time that day)."""
    if not event or not event.get("date"):
        return None
    value = event["date"]
    if "T" not in value:
        value += "T09:00"
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.astimezone()  # the user's local zone
    return when.astimezone(timezone.utc)


def queue(
    store: Store,
    *,
    event: dict | None = None,
    limit: int | None = None,
    cram: bool = False,
    now: datetime | None = None,
    new_limit: int = 20,
) -> list[dict]:
    """Today's drill queue: due reviews first, then new cards; with an event, only its people.

    Cram (before the event's date) adds every card of the event whose predicted recall at the
    event time is below the target, lowest first.
    """
    now = now or utcnow()
    cards = load_cards(store, event_id=event["id"] if event else None)
    when = event_time(event)
    if event is not None and when is not None and when > now:
        cram = True
    ordered = drilling.build_queue(
        cards, now, new_limit=new_limit, event_time=when if cram else None, cram=cram
    )
    return ordered[:limit] if limit else ordered


def card_prompt(store: Store, card: dict) -> dict:
    """What the drill shows for a card: the cue and the expected answer."""
    if card["kind"] == "fact":
        from namecards.dossier import fact_prompt

        return fact_prompt(store, card)
    if card["kind"] == "answer":
        from namecards.practice import answer_prompt

        return answer_prompt(store, card)
    db = store.db
    contact = db["contacts"].get(card["contact_id"])
    meeting = next(
        db.query(
            "select events.name, events.date, meetings.role from meetings "
            "join events on events.id = meetings.event_id where meetings.contact_id = ? "
            "order by meetings.id desc limit 1",
            [card["contact_id"]],
        ),
        None,
    )
    where = meeting["name"] if meeting else None
    role = (meeting or {}).get("role")
    points = [
        r["text"]
        for r in db.query(
            "select text from talking_points where contact_id = ? order by id", [card["contact_id"]]
        )
    ]
    scan = next(
        db.query(
            "select card_path, name_boxes from scans where contact_id = ? and card_path is not null "
            "order by id desc limit 1",
            [card["contact_id"]],
        ),
        None,
    )
    prompt = {
        "card_id": card["id"],
        "kind": card["kind"],
        "contact_id": contact["id"],
        "full_name": contact["full_name"],
        "title": contact["title"],
        "company": contact["company"],
        "event": where,
        "role": role,
        "pronunciation": contact["pronunciation"],
        "mnemonic": contact["mnemonic"],
        "card_image": str(store.home / scan["card_path"]) if scan else None,
        "name_boxes": json.loads(scan["name_boxes"] or "[]") if scan else [],
        "hint": points[0] if points else None,
        "typed": card["kind"] == "name",
    }
    if card["kind"] == "name":
        prompt["question"] = "Who is this?"
        prompt["answer"] = contact["full_name"]
    elif card["kind"] == "who-is":
        prompt["question"] = f"Who is {contact['full_name']}?"
        parts = [p for p in (contact["title"], contact["company"]) if p]
        answer = ", ".join(parts) or "(no title or company yet)"
        if where:
            answer += f" — met at {where}" + (f" ({role})" if role else "")
        prompt["answer"] = answer
    else:
        point = db["talking_points"].get(card["talking_point_id"])
        prompt["question"] = f"What did {contact['full_name']} talk about?"
        prompt["answer"] = point["text"]
        prompt["hint"] = None
    return prompt


@dataclass
class Answer:
    review_id: int
    card_id: int
    rating: int
    verdict: str
    due: datetime


def answer_card(
    store: Store,
    card_id: int,
    *,
    rating: int | None = None,
    typed: str | None = None,
    duration_ms: int | None = None,
    now: datetime | None = None,
    cram: bool = False,
) -> Answer:
    """Grade an answer (typed, or a 1–4 rating), schedule the card with FSRS and log the review.

    The review row and the card's new state are one transaction, committed before returning.
    """
    now = now or utcnow()
    db = store.db
    row = db["drill_cards"].get(card_id)
    verdict = "rated"
    if rating is None:
        if typed is None:
            raise NamecardsError("an answer needs a rating (1-4) or a typed answer")
        expected = card_prompt(store, _card_row(row))["answer"]
        grade = drilling.grade_answer(typed, expected)
        rating, verdict = int(grade.rating), grade.verdict
    if rating not in (1, 2, 3, 4):
        raise NamecardsError(f"a rating is 1 (again) to 4 (easy), not {rating}")
    before = json.loads(row["fsrs_state"]) if row["fsrs_state"] else None
    after, _log = drilling.review(before, rating, now, duration_ms=duration_ms)
    lapses = (row["lapses"] or 0) + (1 if rating == 1 and before is not None else 0)
    with db.atomic():
        db["drill_cards"].update(
            card_id,
            {"fsrs_state": json.dumps(after), "due": _iso(_parse_due(after["due"])), "lapses": lapses,
             "leech": 1 if lapses >= 8 else 0},
        )
        review_id = db["reviews"].insert(
            {"card_id": card_id, "rating": rating, "typed": typed, "verdict": verdict,
             "duration_ms": duration_ms, "reviewed_at": now.isoformat(timespec="seconds"),
             "state_before": json.dumps(before) if before else None,
             "state_after": json.dumps(after), "cram": int(cram)}
        ).last_pk
    return Answer(review_id, card_id, rating, verdict, _parse_due(after["due"]))


def undo_last(store: Store) -> int | None:
    """Take back the latest review: the card gets its previous schedule, the review row goes."""
    db = store.db
    last = next(db.query("select * from reviews order by id desc limit 1"), None)
    if last is None:
        return None
    card = db["drill_cards"].get(last["card_id"])
    before = json.loads(last["state_before"]) if last["state_before"] else None
    lapses = max(0, (card["lapses"] or 0) - (1 if last["rating"] == 1 and before else 0))
    with db.atomic():
        db["drill_cards"].update(
            last["card_id"],
            {"fsrs_state": json.dumps(before) if before else None,
             "due": _iso(_parse_due(before["due"])) if before else card["created"], "lapses": lapses,
             "leech": 1 if lapses >= 8 else 0},
        )
        db["reviews"].delete(last["id"])
    return last["card_id"]


def masked_card_image(store: Store, prompt: dict):
    """The card image with the name painted over, or None when there is no card image."""
    if not prompt.get("card_image"):
        return None
    return mask_image(Path(prompt["card_image"]), prompt.get("name_boxes") or [])


def mask_image(path: Path, boxes: list):
    """An image with each box painted over (a little wider than the box), or None if missing."""
    from PIL import Image, ImageDraw

    if not path.exists():
        return None
    with Image.open(path) as source:
        image = source.convert("RGB")
    draw = ImageDraw.Draw(image)
    for left, top, width, height in boxes:
        pad = max(4, height // 4)
        draw.rectangle(
            [left - pad, top - pad, left + width + pad, top + height + pad], fill=(60, 60, 60)
        )
    return image


def review_count(store: Store) -> int:
    return store.db["reviews"].count
