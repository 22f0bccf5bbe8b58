"""The readiness check before an interview: are all names drilled to the target recall at the
event time, are questions prepared, can the thank-you notes go out after it; what to do next."""

from __future__ import annotations

import math
from datetime import datetime

from namecards import drilling
from namecards.domain import card_kinds  # noqa: F401 (an event's cards include facts, answers)
from namecards.domain.companies import company_of_event
from namecards.domain.deck import event_time, load_cards
from namecards.domain.events import get_event
from namecards.store import Store
from namecards.text import shell_arg

TARGET_RECALL = 0.95
MIN_QUESTIONS = 3
PERSON_KINDS = ("name", "who-is", "point", "points")
# Names (the name and who-is cards) and points are measured apart: a talking point noted
# today must not make a well-drilled name "0%".
NAME_KINDS = ("name", "who-is")
POINT_KINDS = ("point", "points")


def _recall(cards: list[dict], when: datetime) -> float | None:
    """The weakest predicted recall among cards at `when` (None without cards)."""
    if not cards:
        return None
    return min(drilling.retrievability_at(c["fsrs_state"], when) for c in cards)


def expected_people(store: Store, event: dict) -> list[dict]:
    """Everyone linked to the event, with their role there, in the order they were added."""
    return [
        dict(r)
        for r in store.db.query(
            "select contacts.id, contacts.full_name, contacts.pronunciation, contacts.mnemonic, "
            "contacts.title, contacts.company, meetings.role from meetings "
            "join contacts on contacts.id = meetings.contact_id where meetings.event_id = ? "
            "order by meetings.id",
            [event["id"]],
        )
    ]


def people_recall(store: Store, event: dict, when: datetime) -> list[dict]:
    """Per expected person: predicted recall of their name at `when` (the minimum over their
    name and who-is cards), and apart from it `points_recall` over their point cards."""
    cards = load_cards(store, event_id=event["id"], kinds=PERSON_KINDS)
    by_person: dict[int, list[dict]] = {}
    for card in cards:
        by_person.setdefault(card["contact_id"], []).append(card)
    out = []
    for person in expected_people(store, event):
        every = by_person.get(person["id"], [])
        mine = [c for c in every if c["kind"] in NAME_KINDS]
        points = [c for c in every if c["kind"] in POINT_KINDS]
        recall = _recall(mine, when)
        points_recall = _recall(points, when)
        weakest = min(mine, key=lambda c: drilling.retrievability_at(c["fsrs_state"], when),
                      default=None)
        out.append({
            **person,
            "recall": round(recall, 4) if recall is not None else None,
            "cards": len(mine),
            "reviewed": sum(1 for c in mine if c["fsrs_state"]),
            "weakest": weakest["kind"] if weakest else None,
            "ready": recall is not None and recall >= TARGET_RECALL,
            "points": len(points),
            "points_reviewed": sum(1 for c in points if c["fsrs_state"]),
            "points_recall": round(points_recall, 4) if points_recall is not None else None,
            "points_ready": not points or (points_recall is not None
                                           and points_recall >= TARGET_RECALL),
        })
    return out


def _has_email(store: Store, contact_id: int) -> bool:
    return bool(store.db["contact_methods"].count_where(
        "contact_id = ? and kind = 'email'", [contact_id]))


def check_readiness(
    store: Store, event_ref: str | int, *, now: datetime | None = None
) -> dict:
    """Everything `namecards ready` reports, as a dict (the `--json` output)."""
    from namecards.domain.practice import list_practice
    from namecards.domain.questions import list_questions
    from namecards.services.followup import sender_profile

    now = now or store.now()
    event = resolve_event(store, event_ref)
    when = event_time(event)
    timed = when is not None
    at = when or now
    ref = shell_arg(event_ref if isinstance(event_ref, str) else event["name"])
    people = people_recall(store, event, at)
    below = [p for p in people if not p["ready"]]
    steps: list[str] = []

    names = {"ok": bool(people) and not below, "total": len(people), "below": len(below),
             "target": TARGET_RECALL}
    if not people:
        steps.append("say who you will meet: namecards add --name NAME --event "
                     f"{ref} --role interviewer")
    elif below:
        steps.append(f"drill: namecards drill --event {ref} ({len(below)} "
                     f"{'name' if len(below) == 1 else 'names'} below {TARGET_RECALL:.2f})")
    with_points = [p for p in people if p["points"]]
    weak_points = [p for p in with_points if not p["points_ready"]]
    points = {"ok": not weak_points, "total": len(with_points), "below": len(weak_points),
              "target": TARGET_RECALL}
    if weak_points and not below:
        steps.append(f"drill the talking points: namecards drill --event {ref} "
                     f"({len(weak_points)} {'person' if len(weak_points) == 1 else 'people'}'s "
                     f"points below {TARGET_RECALL:.2f})")

    questions = list_questions(store, event=event)
    open_q = [q for q in questions if not q["asked"]]
    q_ok = len(open_q) >= MIN_QUESTIONS or (len(questions) >= MIN_QUESTIONS and now > at)
    q_block = {"ok": q_ok, "open": len(open_q), "asked": len(questions) - len(open_q),
               "needed": MIN_QUESTIONS}
    if not q_ok:
        steps.append(f'prepare questions to ask: namecards ask add --event {ref} "..." '
                     f"({len(open_q)} of {MIN_QUESTIONS})")

    sender = sender_profile()
    drafted = {r["contact_id"] for r in store.db.query(
        "select contact_id from letters where event_id = ?", [event["id"]])}
    no_letter = [p for p in people if p["id"] not in drafted]
    no_email = [p["full_name"] for p in no_letter if not _has_email(store, p["id"])]
    after = now >= at if timed else False
    if after:
        ty_ok = bool(people) and not no_letter
    else:
        ty_ok = bool(sender.get("name")) and not no_email
    thank_you = {"ok": ty_ok, "drafted": len(people) - len(no_letter),
                 "total": len(people), "missing_email": no_email,
                 "sender_name": bool(sender.get("name")), "after_event": after}
    if not sender.get("name"):
        steps.append('sign your letters: namecards config set name "Your Name"')
    if no_email:
        shown = ", ".join(no_email[:3]) + (f" and {len(no_email) - 3} more" if len(no_email) > 3
                                           else "")
        steps.append(f"find an e-mail address for the thank-you notes: {shown}")
    if after and no_letter:
        steps.append(f"write the thank-you notes: namecards letters --event {ref} -o drafts/ "
                     f"({len(no_letter)} to write)")

    company = company_of_event(store, event)
    fact_cards = load_cards(store, event_id=event["id"], kinds=("fact",))
    answers = list_practice(store)
    answer_cards = load_cards(store, kinds=("answer",))
    facts = {"company": company["name"] if company else event.get("company"),
             "count": len(fact_cards), "recall": _rounded(_recall(fact_cards, at)),
             "reviewed": sum(1 for c in fact_cards if c["fsrs_state"])}
    practice = {"count": len(answers), "recall": _rounded(_recall(answer_cards, at)),
                "reviewed": sum(1 for c in answer_cards if c["fsrs_state"]),
                "starter_hints": [a["id"] for a in answers if a["starter"] and not a["own_words"]]}
    if facts["company"] and not fact_cards:
        steps.append(f"research {facts['company']}: namecards dossier "
                     f"{shell_arg(facts['company'])} - (one '- ' line per fact)")
    if not answers:
        steps.append("practise answers: namecards practice adopt --starter")
    elif practice["starter_hints"]:
        first = practice["starter_hints"][0]
        steps.append(f"put {len(practice['starter_hints'])} practised answers in your own words: "
                     f"namecards practice edit {first} -")

    return {
        "event": {"id": event["id"], "name": event["name"], "date": event["date"],
                  "company": event.get("company"), "kind": event.get("kind")},
        "at": at.isoformat(timespec="minutes"),
        "event_time_known": timed,
        "ready": names["ok"] and q_block["ok"] and thank_you["ok"],
        "names": names,
        "points": points,
        "people": people,
        "questions": q_block,
        "thank_you": thank_you,
        "facts": facts,
        "practice": practice,
        "next": steps,
    }


def resolve_event(store: Store, event_ref: str | int | dict) -> dict:
    """An event from what a command or screen names it by: an event dict, an id, or a name."""
    if isinstance(event_ref, dict):
        return get_event(store, event_ref["id"])
    return get_event(store, event_ref)


def _rounded(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def upcoming_event(store: Store, now: datetime | None = None) -> dict | None:
    """The event to prepare for: the next one by date (one that started in the last 12 hours
    still counts), else the latest one; None when there are no events."""
    from datetime import timedelta

    now = now or store.now()
    events = [dict(r) for r in store.db.query("select * from events order by id")]
    if not events:
        return None
    timed = [(event_time(e), e) for e in events if event_time(e) is not None]
    ahead = [(t, e) for t, e in timed if t >= now - timedelta(hours=12)]
    if ahead:
        return min(ahead, key=lambda te: te[0])[1]
    if timed:
        return max(timed, key=lambda te: te[0])[1]
    return events[-1]


def format_recall(value: float | None) -> str:
    """A recall as a percentage, rounded down so 0.9489 never reads as the 95% target."""
    if value is None:
        return "—"
    pct = value * 100
    if 90 <= pct < 100:
        return f"{math.floor(pct * 10) / 10:.1f}%"
    return f"{math.floor(pct):.0f}%"
