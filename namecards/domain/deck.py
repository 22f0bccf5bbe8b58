"""The user's deck: drill cards kept in the store, today's queue, answers and undo.

The scheduling and grading themselves are pure functions in `namecards.drilling`; this module
keeps their state in SQLite and commits every answer at once, so quitting loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path

from fsrs import Rating, State

from namecards import NamecardsError, drilling
from namecards.clock import SYSTEM, parse_utc, utc_text
from namecards.config import drill_settings  # noqa: F401 (callers read it here)
from namecards.drilling.settings import (  # noqa: F401
    DEFAULT_NEW_PER_DAY,
    DEFAULT_RETENTION,
    DEFAULT_REVIEWS_PER_DAY,
    DrillSettings,
)
from namecards.formats import cloze, strip_cloze
from namecards.store import Store

# fact (a company dossier fact) and answer (a practised interview answer) belong to no contact.
CARD_KINDS = ("name", "who-is", "point", "points", "fact", "answer")
# The kinds about a person, shown by the deck itself; the others register (`CardKind`).
PERSON_KINDS = ("name", "who-is", "point", "points")
# "points": name all N things a person told you (a contact with at least this many points).

LEECH_LAPSES = 8
# reviews.cram: 0 an ordinary review, 1 pulled forward for an event, 2 the event-day warm-up.
CRAM_PULL, CRAM_WARM_UP = 1, 2


def _checked_rating(rating) -> int:
    """The rating as stored (an int), refused unless it is one of fsrs' four."""
    try:
        return int(Rating(rating))
    except ValueError:
        raise NamecardsError(f"a rating is 1 (again) to 4 (easy), not {rating}") from None


def _was_review(state: dict | None) -> bool:
    """A card in the Review state: forgetting it is a lapse."""
    return state is not None and int(state.get("state") or 0) == State.Review


def _card_row(row: dict) -> dict:
    card = dict(row)
    card["fsrs_state"] = json.loads(row["fsrs_state"]) if row["fsrs_state"] else None
    card["due"] = parse_utc(row["due"])
    return card


@dataclass(frozen=True)
class CardKind:
    """A kind of drill card that is not about a person (a company fact, a practised answer):
    how to show it, and which of its cards belong to an event's drill."""

    name: str
    prompt: Callable[[Store, dict], dict]
    # (SQL over drill_cards, params) for this kind's cards of an event, or None for none.
    event_cards: Callable[[Store, dict], tuple[str, list] | None] | None = None


_KINDS: dict[str, CardKind] = {}


def register_card_kind(kind: CardKind) -> None:
    """Let the deck show and filter cards of `kind` (called by the module that owns it)."""
    if kind.name not in CARD_KINDS or kind.name in PERSON_KINDS:
        raise ValueError(f"{kind.name!r} is not a card kind the drill_cards table holds")
    _KINDS[kind.name] = kind


def _event_extra(store: Store, event_id: int) -> tuple[str, list]:
    event = store.db["events"].get(event_id)
    parts, params = [], []
    for kind in _KINDS.values():
        found = kind.event_cards(store, event) if kind.event_cards else None
        if found:
            parts.append(found[0])
            params += found[1]
    return ("(" + " or ".join(parts) + ")" if parts else "0"), params


def _card_filter(store: Store, event_id: int | None, kinds) -> tuple[list[str], list]:
    where = ["suspended = 0", f"kind in ({', '.join('?' for _ in kinds)})"]
    params: list = list(kinds)
    if event_id is not None:
        # The event's people, plus the cards of other kinds that belong to the event (the
        # facts of its company, the practised answers for an interview).
        extra_sql, extra_params = _event_extra(store, event_id)
        where.append(
            f"(contact_id in (select contact_id from meetings where event_id = ?) or {extra_sql})"
        )
        params += [event_id, *extra_params]
        where.append(
            "(talking_point_id is null or talking_point_id in "
            "(select id from talking_points where event_id = ? or event_id is null))"
        )
        params.append(event_id)
    return where, params


def load_cards(store: Store, *, event_id: int | None = None, kinds=CARD_KINDS) -> list[dict]:
    where, params = _card_filter(store, event_id, kinds)
    rows = store.db.query(f"select * from drill_cards where {' and '.join(where)}", params)
    return [_card_row(r) for r in rows]


def get_card(store: Store, card_id: int) -> dict:
    return _card_row(store.db["drill_cards"].get(card_id))


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


def local_zone() -> tzinfo:
    """The user's zone: days (daily limits, the event's day) are the user's calendar days."""
    return SYSTEM.local_zone()


def day_start(now: datetime, zone: tzinfo | None = None) -> datetime:
    """Midnight of `now`'s calendar day in the user's zone, in UTC."""
    local = now.astimezone(zone or local_zone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def done_today(store: Store, now: datetime | None = None) -> dict:
    """Today's new cards introduced and reviews answered (ordinary reviews of Review cards;
    learning steps and cram pulls do not count against the daily review limit)."""
    now = now or store.now()
    start = utc_text(day_start(now))
    row = next(store.db.query(
        "select count(distinct case when state_before is null then card_id end) as new, "
        "sum(case when state_before is not null and cram = 0 and "
        "json_extract(state_before, '$.state') = ? then 1 else 0 end) as reviews "
        "from reviews where reviewed_at >= ? and reviewed_at <= ?",
        [int(State.Review), start, utc_text(now)]))
    return {"new": row["new"] or 0, "reviews": row["reviews"] or 0}


def _candidates(store: Store, event_id: int | None, now: datetime, new_cap: int,
                review_cap: int | None = None) -> list[dict]:
    """Only the cards that can be drilled now: the `review_cap` due reviews with the lowest
    predicted recall, and the first `new_cap` new cards.

    Loading every card of a large deck (and parsing its JSON state) is what made the drill
    slow to start. Predicted recall falls as (time since the last review) / stability grows
    (R = (1 + F·t/S)^-w20), so SQL can rank the due cards by that ratio and hand over only
    those that fit today's review limit; both halves are served by indexes (m030).
    """
    where, params = _card_filter(store, event_id, CARD_KINDS)
    base = " and ".join(where)
    stamp = utc_text(now)
    cards: list[dict] = []
    if review_cap is None or review_cap > 0:
        rank = ("coalesce((julianday(?) - julianday(json_extract(fsrs_state, '$.last_review')))"
                " / nullif(json_extract(fsrs_state, '$.stability'), 0), 1e9)")
        limit = "" if review_cap is None else " limit ?"
        # With a huge backlog, rank only the most overdue few thousand (read off the due
        # index) instead of computing recall for every overdue card.
        window = "" if review_cap is None else " order by due limit ?"
        due = store.db.query(
            f"select * from (select * from drill_cards where {base} and fsrs_state is not null "
            f"and due <= ?{window}) order by {rank} desc, due{limit}",
            [*params, stamp, *([] if review_cap is None else [max(2000, 10 * review_cap)]),
             stamp, *([] if review_cap is None else [review_cap])])
        cards += [_card_row(r) for r in due]
    if new_cap > 0:
        new = store.db.query(
            f"select * from drill_cards where {base} and fsrs_state is null order by id limit ?",
            [*params, new_cap])
        cards += [_card_row(r) for r in new]
    return cards


def is_cramming(event: dict | None, now: datetime) -> bool:
    """Cram mode: drilling for an event that is still ahead."""
    when = event_time(event)
    return when is not None and when > now


def queue(
    store: Store,
    *,
    event: dict | None = None,
    limit: int | None = None,
    cram: bool = False,
    now: datetime | None = None,
    new_limit: int | None = None,
    review_limit: int | None = None,
    settings: DrillSettings | None = None,
) -> list[dict]:
    """The drill queue now: due reviews first, then new cards; with an event, only its people.

    Daily limits (`settings.new_per_day`, `settings.reviews_per_day`, or the explicit
    `new_limit` / `review_limit`) count what was already done today. With an event still ahead,
    the queue is the event's cram (`drilling.build_queue(cram=True)`): every card whose
    predicted recall at the event time is below 0.95 and whose review now helps, lowest
    first, and all the event's new cards. Call it again when the queue runs out: in cram
    mode it may return fragile cards again (that is how they get their extra rounds).
    `cram=True` with an event is one pass over every card of the event, ready or not
    (`everyone`), whatever the date.
    """
    now = now or store.now()
    settings = settings or drill_settings()
    today = done_today(store, now)
    new_left = max(0, (settings.new_per_day if new_limit is None else new_limit) - today["new"])
    reviews_left = max(
        0, (settings.reviews_per_day if review_limit is None else review_limit) - today["reviews"])
    if cram and event is not None:
        ordered = everyone(store, event, now, settings)
        return ordered[:limit] if limit else ordered
    when = event_time(event)
    cramming = is_cramming(event, now)
    if cramming:
        cards = load_cards(store, event_id=event["id"])
    else:
        cards = _candidates(store, event["id"] if event else None, now, new_left, reviews_left)
    ordered = drilling.build_queue(
        cards, now, new_limit=new_left, review_limit=reviews_left,
        event_time=when if cramming else None, cram=cramming, scheduler=settings.scheduler,
    )
    return ordered[:limit] if limit else ordered


def warm_up_offer(store: Store, event: dict | None, now: datetime | None = None) -> int:
    """How many cards the event-day warm-up would show; 0 when it is not the event's day (in
    the user's zone), the event has started, or the warm-up was already done today."""
    now = now or store.now()
    when = event_time(event)
    if when is None or when <= now or day_start(when) != day_start(now):
        return 0
    done = next(store.db.query(
        "select count(*) as n from reviews where cram = ? and reviewed_at >= ?",
        [CRAM_WARM_UP, utc_text(day_start(now))]))["n"]
    if done:
        return 0
    return len(load_cards(store, event_id=event["id"]))


def warm_up_queue(store: Store, event: dict, now: datetime | None = None,
                  settings: DrillSettings | None = None) -> list[dict]:
    """The event-day warm-up: one pass over every card of the event, lowest predicted recall
    at the event first (`cards_to_cram_now(..., warm_up=True)`); empty once it started."""
    now = now or store.now()
    settings = settings or drill_settings()
    when = event_time(event)
    if when is None or when <= now:
        return []
    cards = load_cards(store, event_id=event["id"])
    pulled = drilling.cards_to_cram_now(cards, now, when, scheduler=settings.scheduler,
                                        warm_up=True)
    return drilling.spread_siblings(pulled)


def everyone(store: Store, event: dict, now: datetime | None = None,
             settings: DrillSettings | None = None) -> list[dict]:
    """Every card of the event once, ready or not, lowest predicted recall (at the event if
    it is ahead, else now) first: `namecards drill --event NAME --cram`."""
    now = now or store.now()
    settings = settings or drill_settings()
    when = event_time(event)
    at = when if when is not None and when > now else now
    cards = load_cards(store, event_id=event["id"])
    cards.sort(key=lambda c: (drilling.recall_at(c, at, settings.scheduler), c["id"]))
    return drilling.spread_siblings(cards)


def _contact_photo(store: Store, contact: dict) -> str | None:
    photo = contact.get("photo")
    if not photo:
        return None
    path = Path(photo) if Path(photo).is_absolute() else store.home / photo
    return str(path) if path.exists() else None


def _contact_names(contact: dict) -> list[str]:
    return [contact.get(k) or "" for k in ("full_name", "given_name", "family_name")]


def _scan_traces(scan: dict, contact: dict) -> tuple[list[dict], list]:
    """The scan's OCR words and the traces of the name among them (`cardtext.name_traces`)."""
    from namecards.drilling.cardtext import name_traces

    words = json.loads(scan.get("words") or "[]")
    boxes = scan.get("name_boxes")
    boxes = json.loads(boxes) if isinstance(boxes, str) else (boxes or [])
    return words, name_traces(words, _contact_names(contact), boxes)


def _name_boxes(scan: dict, contact: dict) -> list:
    """The boxes to blank on the card: the name as OCR found it, the rest of its line, and
    every other word that gives the name away: the mailbox of "jberanger@acme.example", the
    name in "linkedin.com/in/mlopez" (see `cardtext.name_traces`)."""
    from namecards.drilling.cardtext import trace_boxes

    boxes = scan.get("name_boxes")
    boxes = [list(b) for b in (json.loads(boxes) if isinstance(boxes, str) else (boxes or []))]
    words, traces = _scan_traces(scan, contact)
    for box in trace_boxes(words, traces):
        if box not in boxes:
            boxes.append(box)
    return boxes


def card_prompt(store: Store, card: dict) -> dict:
    """What the drill shows for a card: the cue and the expected answer.

    Keys: `question`, `answer`, `typed` (the answer is typed and graded with the diff; else
    reveal and grade 1-4), the contact's `full_name`, `title`, `company`, `event`, `role`,
    `pronunciation`, `mnemonic`, `hint` (a talking point, for name cards), `card_image` +
    `name_boxes` (the scanned card, the name to blank) or `photo`, and for cloze point cards
    `cloze` (the point with its key phrase blanked) and `context` (the whole point).
    """
    kind = _KINDS.get(card["kind"])
    if kind is not None:
        return kind.prompt(store, card)
    if card["kind"] not in PERSON_KINDS:
        raise NamecardsError(f"no drill card kind {card['kind']!r} is registered")
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
    points = list(db.query(
        "select id, text from talking_points where contact_id = ? and removed is null "
        "order by id", [card["contact_id"]]))
    scan = next(
        db.query(
            "select id, card_path, name_boxes, words from scans where contact_id = ? "
            "and card_path is not null and coalesce(side, '') != 'back' "
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
        "given_name": contact["given_name"],
        "family_name": contact["family_name"],
        "title": contact["title"],
        "company": contact["company"],
        "event": where,
        "role": role,
        "pronunciation": contact["pronunciation"],
        "mnemonic": contact["mnemonic"],
        "card_image": str(store.home / scan["card_path"]) if scan else None,
        "name_boxes": _name_boxes(scan, contact) if scan else [],
        "scan_id": scan["id"] if scan else None,
        "photo": _contact_photo(store, contact),
        "hint": _hint(points),
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
        prompt["hint"] = None
    elif card["kind"] == "points":
        texts = [strip_cloze(p["text"]) for p in points]
        prompt["question"] = (f"Name all {len(texts)} things {contact['full_name']} "
                              "told you.")
        prompt["answer"] = "\n".join(f"• {t}" for t in texts)
        prompt["count"] = len(texts)
        prompt["hint"] = None
    else:
        point = db["talking_points"].get(card["talking_point_id"])
        gapped, phrases = cloze(point["text"])
        prompt["hint"] = None
        if phrases:
            prompt["question"] = f"Fill the gap — what did {contact['full_name']} say?"
            prompt["cloze"] = gapped
            prompt["answer"] = "; ".join(phrases)
            prompt["context"] = strip_cloze(point["text"])
            prompt["typed"] = True
        else:
            # One answer: the person. It is what a letter writer needs ("who told me that?").
            prompt["question"] = "Who told you this?"
            prompt["quote"] = strip_cloze(point["text"])
            prompt["answer"] = contact["full_name"]
            prompt["typed"] = True
            prompt["context"] = " · ".join(x for x in (contact["title"], contact["company"])
                                           if x) or None
    return prompt


def _hint(points: list[dict]) -> str | None:
    """A talking point to jog the memory on the name card. A point with a key phrase is
    shown with the phrase blanked: its cloze card is in the same session, and the hint must
    not hand over that answer."""
    if not points:
        return None
    gapped, phrases = cloze(points[0]["text"])
    return gapped if phrases else points[0]["text"]


@dataclass
class Answer:
    review_id: int
    card_id: int
    rating: int
    verdict: str
    due: datetime
    leech: bool = False
    grade: drilling.Grade | None = None


def answer_card(
    store: Store,
    card_id: int,
    *,
    rating: int | None = None,
    typed: str | None = None,
    duration_ms: int | None = None,
    now: datetime | None = None,
    cram: int | bool = False,
    settings: DrillSettings | None = None,
    expected: str | None = None,
    verdict: str | None = None,
) -> Answer:
    """Grade an answer (typed, or a 1–4 rating), schedule the card with FSRS and log the review.

    A typed answer with a `rating` keeps the typed text and takes the rating (an override).
    The review row and the card's new state are one transaction, committed before returning.
    A lapse (Again on a card in the Review state) is counted; at 8 the card is a leech.
    """
    now = now or store.now()
    settings = settings or drill_settings()
    db = store.db
    row = db["drill_cards"].get(card_id)
    verdict = verdict or "rated"
    grade = None
    if typed is not None:
        if expected is None:
            expected = card_prompt(store, _card_row(row))["answer"]
        grade = drilling.grade_answer(typed, expected)
        verdict = grade.verdict
        if rating is None:
            rating = int(grade.rating)
    if rating is None:
        raise NamecardsError("an answer needs a rating (1-4) or a typed answer")
    rating = _checked_rating(rating)
    before = json.loads(row["fsrs_state"]) if row["fsrs_state"] else None
    after, _log = drilling.review(before, rating, now, duration_ms=duration_ms,
                                  scheduler=settings.scheduler)
    lapse = rating == Rating.Again and _was_review(before)
    lapses = (row["lapses"] or 0) + (1 if lapse else 0)
    with db.atomic():
        db["drill_cards"].update(
            card_id,
            {"fsrs_state": json.dumps(after), "due": utc_text(parse_utc(after["due"])),
             "lapses": lapses, "leech": 1 if lapses >= LEECH_LAPSES else 0},
        )
        review_id = db["reviews"].insert(
            {"card_id": card_id, "rating": rating, "typed": typed, "verdict": verdict,
             "duration_ms": duration_ms, "reviewed_at": utc_text(now),
             "state_before": json.dumps(before) if before else None,
             "state_after": json.dumps(after), "cram": int(cram)}
        ).last_pk
    return Answer(review_id, card_id, rating, verdict, parse_utc(after["due"]),
                  leech=lapses >= LEECH_LAPSES and lapse, grade=grade)


def regrade(store: Store, review_id: int, rating: int,
            settings: DrillSettings | None = None) -> Answer:
    """Change the rating of a review just given (the user overrides the diff's grade).

    The card is rescheduled from the state it had before that review, at the review's time,
    and the review row keeps its id and typed text: one transaction, like an answer.
    """
    rating = _checked_rating(rating)
    settings = settings or drill_settings()
    db = store.db
    old = db["reviews"].get(review_id)
    row = db["drill_cards"].get(old["card_id"])
    before = json.loads(old["state_before"]) if old["state_before"] else None
    when = parse_utc(old["reviewed_at"])
    after, _log = drilling.review(before, rating, when, duration_ms=old["duration_ms"],
                                  scheduler=settings.scheduler)
    was_review = _was_review(before)
    lapses = ((row["lapses"] or 0) - (1 if was_review and old["rating"] == Rating.Again else 0)
              + (1 if was_review and rating == Rating.Again else 0))
    with db.atomic():
        db["drill_cards"].update(
            row["id"],
            {"fsrs_state": json.dumps(after), "due": utc_text(parse_utc(after["due"])),
             "lapses": lapses, "leech": 1 if lapses >= LEECH_LAPSES else 0},
        )
        db["reviews"].update(review_id, {"rating": rating, "state_after": json.dumps(after)})
    return Answer(review_id, row["id"], rating, old["verdict"], parse_utc(after["due"]),
                  leech=lapses >= LEECH_LAPSES and was_review and rating == Rating.Again)


def undo_last(store: Store) -> int | None:
    """Take back the latest review: the card gets its previous schedule, the review row goes."""
    db = store.db
    last = next(db.query("select * from reviews order by id desc limit 1"), None)
    if last is None:
        return None
    card = db["drill_cards"].get(last["card_id"])
    before = json.loads(last["state_before"]) if last["state_before"] else None
    lapse = last["rating"] == Rating.Again and _was_review(before)
    lapses = max(0, (card["lapses"] or 0) - (1 if lapse else 0))
    with db.atomic():
        db["drill_cards"].update(
            last["card_id"],
            {"fsrs_state": json.dumps(before) if before else None,
             "due": utc_text(parse_utc(before["due"])) if before else card["created"],
             "lapses": lapses, "leech": 1 if lapses >= LEECH_LAPSES else 0},
        )
        db["reviews"].delete(last["id"])
    return last["card_id"]


def masked_card_image(store: Store, prompt: dict, *, reveal: bool = False):
    """The card image with the name painted over (`reveal`: as scanned); else the contact's
    photo; else None."""
    if prompt.get("card_image"):
        boxes = [] if reveal else prompt.get("name_boxes") or []
        image = mask_image(Path(prompt["card_image"]), boxes)
        if image is not None:
            return image
    if prompt.get("photo"):
        return mask_image(Path(prompt["photo"]), [])
    return None


def mask_image(path: Path, boxes: list):
    """An image with each box painted over (a little wider than the box), or None if missing."""
    from PIL import Image, ImageDraw

    if not path.exists():
        return None
    with Image.open(path) as source:
        width = source.size[0]
        # A JPEG decodes at 1/2, 1/4... of its size when that still leaves 560 pixels across:
        # several times quicker, and more than a terminal shows.
        source.draft("RGB", (560, 1))
        image = source.convert("RGB")
    scale = image.size[0] / width
    draw = ImageDraw.Draw(image)
    for left, top, width, height in boxes:
        left, top, width, height = (v * scale for v in (left, top, width, height))
        pad = max(4 * scale, height / 4)
        # Wider than tall: a capital just outside the box OCR drew must not survive.
        side = max(pad, height / 2)
        draw.rectangle(
            [left - side, top - pad, left + width + side, top + height + pad], fill=(60, 60, 60)
        )
    return image


def masked_card_bytes(store: Store, contact: dict) -> bytes | None:
    """The contact's latest card image with every trace of the name painted over, as PNG
    bytes: the Anki export's picture, blanked exactly as the drill blanks it."""
    import io

    scans = [s for s in contact.get("scans") or []
             if s.get("card_path") and s.get("side") != "back"]
    if not scans:
        return None
    scan = dict(scans[-1])
    if "words" not in scan and scan.get("id") is not None:
        row = store.db["scans"].get(scan["id"])
        scan["words"] = row["words"]
    image = mask_image(store.home / scan["card_path"], _name_boxes(scan, contact))
    if image is None:
        return None
    buf = io.BytesIO()
    image.thumbnail((800, 800))
    image.save(buf, "PNG")
    return buf.getvalue()


def _ink_colours(image, words: list[dict], scale: float) -> tuple[tuple, dict]:
    """The card's background colour and each word's ink (the pixels of its box that stand
    out most from the background), so the replica is drawn in the card's colours."""
    import numpy as np

    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    h, w = pixels.shape[:2]
    edge = np.concatenate([pixels[:4].reshape(-1, 3), pixels[-4:].reshape(-1, 3),
                           pixels[:, :4].reshape(-1, 3), pixels[:, -4:].reshape(-1, 3)])
    background = np.median(edge, axis=0)
    colours = {}
    for i, word in enumerate(words):
        left, top = int(word.get("left", 0) * scale), int(word.get("top", 0) * scale)
        right = min(w, left + max(1, int(word.get("width", 0) * scale)))
        bottom = min(h, top + max(1, int(word.get("height", 0) * scale)))
        box = pixels[max(0, top):bottom, max(0, left):right].reshape(-1, 3)
        if len(box) == 0:
            continue
        distance = np.abs(box - background).sum(axis=1)
        cut = np.partition(distance, len(distance) * 9 // 10)[len(distance) * 9 // 10]
        ink = box[distance >= cut]
        colours[i] = tuple(int(v) for v in ink.mean(axis=0))
    return tuple(int(v) for v in background), colours


@lru_cache(maxsize=64)
def _card_look(card_path: str, words_json: str):
    """(size, background, word colours) of a card image, kept: the cue and the card after
    the answer are drawn from it, and decoding the image is most of the cost."""
    from PIL import Image

    path = Path(card_path)
    if not path.exists():
        return None
    words = json.loads(words_json or "[]")
    with Image.open(path) as source:
        size = source.size
        # Colours need few pixels: decode small (a JPEG decodes at 1/2, 1/4, 1/8 cheaply).
        source.draft("RGB", (280, 1))
        image = source.convert("RGB")
    background, colours = _ink_colours(image, words, image.size[0] / size[0])
    return size, background, colours


def card_replica(store: Store, prompt: dict, *, columns: int = 44, reveal: bool = False):
    """The name cue as text (`cardtext.card_replica`): the card's OCR words where they were,
    the name blanked (`reveal`: in place), in the card's colours; None without OCR words."""

    from namecards.drilling import cardtext

    if not prompt.get("scan_id") or not prompt.get("card_image"):
        return None
    scan = store.db["scans"].get(prompt["scan_id"])
    contact = {"full_name": prompt.get("full_name"), "given_name": prompt.get("given_name"),
               "family_name": prompt.get("family_name")}
    words, traces = _scan_traces(scan, contact)
    if not words:
        return None
    look = _card_look(prompt["card_image"], scan["words"])
    if look is None:
        return None
    size, background, colours = look
    return cardtext.card_replica(words, size, traces, columns=columns, reveal=reveal,
                                 colours=colours, background=background)


def review_count(store: Store) -> int:
    return store.db["reviews"].count


class StoreBusy(NamecardsError):
    """Another process holds the write lock (a long import): the answer was not saved yet."""


def save_answer(store: Store, card_id: int, *, busy_ms: int = 250, **kwargs) -> Answer:
    """`answer_card`, waiting at most `busy_ms` for another writer; `StoreBusy` if it did not
    get the write lock, so the drill keeps the answer and tries again instead of freezing
    for the store's whole busy timeout (or crashing)."""
    import sqlite3

    from namecards.store import BUSY_TIMEOUT_MS

    db = store.db
    db.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    try:
        return answer_card(store, card_id, **kwargs)
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise StoreBusy("the database is busy: another namecards is writing to it") from None
        raise
    finally:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


@dataclass
class CramOutlook:
    """Where an event's cram stands: how many names and points, how many are below the
    target recall at the event time, and when the next spaced repeat opens."""

    event_time: datetime
    target: float
    names: int
    points: int
    below: int
    next_pass: datetime | None
    total: int = 0

    def sentence(self, now: datetime) -> str:
        when = plain_time(self.event_time, now)
        percent = f"{self.target:.0%}"
        counts = f"{self.names} name{'s' if self.names != 1 else ''}"
        if self.points:
            counts += f" and {self.points} point{'s' if self.points != 1 else ''}"
        if not self.below:
            come_back = self.event_time - timedelta(minutes=90)
            line = f"All {counts} at ≥ {percent} for {when}."
            if come_back > now + timedelta(hours=1):
                line += f" Come back {plain_time(come_back, now)} for one more pass."
            return line
        line = (f"{self.below} of {self.total} cards still below {percent} "
                f"for {when}.")
        if self.next_pass is not None:
            line += f" The next spaced repeat opens {plain_time(self.next_pass, now)}."
        return line


def plain_time(when: datetime, now: datetime) -> str:
    """ "today 21:40", "tomorrow 09:30", "Thu 3 Dec 09:30" in the user's zone."""
    zone = local_zone()
    local, today = when.astimezone(zone), now.astimezone(zone).date()
    days = (local.date() - today).days
    day = {0: "today", 1: "tomorrow"}.get(days, f"{local:%a} {local.day} {local:%b}")
    return f"{day} at {local:%H:%M}"


def cram_outlook(store: Store, event: dict, now: datetime | None = None,
                 settings: DrillSettings | None = None) -> CramOutlook | None:
    """The event's cards against the cram target at the event time; None if it is past."""
    now = now or store.now()
    settings = settings or drill_settings()
    when = event_time(event)
    if when is None or when <= now:
        return None
    cards = [c for c in load_cards(store, event_id=event["id"])
             if c["kind"] in ("name", "who-is", "point", "points")]
    target = drilling.cram.DEFAULT_TARGET
    below = [c for c in cards if drilling.recall_at(c, when, settings.scheduler) < target]
    resting = [drilling.cram.rests_until(c) for c in below if drilling.cram.resting(c, now)]
    next_pass = min(resting) if resting else None
    if next_pass is not None and next_pass <= now:
        next_pass = now + timedelta(minutes=1)
    return CramOutlook(when, target, sum(c["kind"] == "name" for c in cards),
                       sum(c["kind"] in ("point", "points") for c in cards), len(below),
                       next_pass, len(cards))


def due_now(store: Store, now: datetime | None = None,
            settings: DrillSettings | None = None) -> int:
    """The one "due now" number (dashboard, Stats, `due`, the drill's first queue): the cards
    the drill shows if opened now — reviews due by now and new cards, within what is left of
    today's limits. `len(queue(store, now=now))` without loading a card."""
    now = now or store.now()
    settings = settings or drill_settings()
    today = done_today(store, now)
    new_left = max(0, settings.new_per_day - today["new"])
    reviews_left = max(0, settings.reviews_per_day - today["reviews"])
    where, params = _card_filter(store, None, CARD_KINDS)
    row = next(store.db.query(
        # A new card is due from its creation (its `due`), so a card made later is not.
        "select sum(fsrs_state is not null and due <= ?) as reviews, "
        f"sum(fsrs_state is null and due <= ?) as new from drill_cards "
        f"where {' and '.join(where)}",
        [utc_text(now), utc_text(now), *params]))
    return min(row["reviews"] or 0, reviews_left) + min(row["new"] or 0, new_left)
