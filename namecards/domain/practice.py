"""Practised answers: a situational question and the key points of your answer, drilled with
reveal-and-grade (say your answer aloud, reveal the key points, grade yourself).

A starter list of common second-interview questions ships in `data/starter_questions.json`.
"""

from __future__ import annotations

import json
from importlib import resources

from namecards import UsageError
from namecards.domain.deck import CardKind, register_card_kind
from namecards.store import Store
from namecards.text import split_bullets


def starter_questions() -> list[dict]:
    data = resources.files("namecards").joinpath("data/starter_questions.json").read_text("utf-8")
    return json.loads(data)["questions"]


def _bullets(text: str) -> str:
    """Key points as "- " lines; a text without bullets counts one point per line."""
    points = split_bullets(text) or [line.strip() for line in text.splitlines() if line.strip()]
    if not points:
        raise UsageError("give at least one key point, e.g. \"- what I did\"")
    return "\n".join(f"- {p}" for p in points)


def _row(row: dict) -> dict:
    answer = dict(row)
    answer["points"] = split_bullets(row["key_points"] or "")
    answer["starter"] = row["starter_key"] is not None
    answer["own_words"] = not _is_starter_text(row)
    return answer


def _is_starter_text(row: dict) -> bool:
    if row["starter_key"] is None:
        return False
    for q in starter_questions():
        if q["key"] == row["starter_key"]:
            return row["key_points"] == _bullets("\n".join(f"- {h}" for h in q["hints"]))
    return False


def add_practice(store: Store, question: str, key_points: str) -> dict:
    """Keep a question you may be asked and the key points of your answer; drill it."""
    question = " ".join((question or "").split())
    if not question:
        raise UsageError("the question is empty")
    stamp = store.now_iso()
    with store.db.atomic():
        practice_id = store.db["practice_answers"].insert(
            {"question": question, "key_points": _bullets(key_points or ""), "created": stamp,
             "updated": stamp}
        ).last_pk
        sync_answer_cards(store)
    return get_practice(store, practice_id)


def edit_practice(store: Store, practice_id: int, key_points: str) -> dict:
    """Replace the key points of an answer (its drill card keeps its schedule)."""
    get_practice(store, practice_id)
    store.db["practice_answers"].update(
        practice_id, {"key_points": _bullets(key_points or ""), "updated": store.now_iso()}
    )
    return get_practice(store, practice_id)


def adopt_starter(store: Store) -> dict:
    """Adopt the shipped starter questions (again: only the ones not adopted yet)."""
    db = store.db
    have = {r["starter_key"] for r in db.query(
        "select starter_key from practice_answers where starter_key is not null")}
    added = []
    stamp = store.now_iso()
    with db.atomic():
        for q in starter_questions():
            if q["key"] in have:
                continue
            added.append(db["practice_answers"].insert(
                {"question": q["question"],
                 "key_points": _bullets("\n".join(f"- {h}" for h in q["hints"])),
                 "starter_key": q["key"], "created": stamp, "updated": stamp}
            ).last_pk)
        sync_answer_cards(store)
    return {"added": len(added), "already": len(have), "ids": added}


def get_practice(store: Store, practice_id: int) -> dict:
    row = next(store.db["practice_answers"].rows_where("id = ?", [practice_id]), None)
    if row is None:
        raise UsageError(f"no practised answer #{practice_id}", kind="practice")
    return _row(row)


def list_practice(store: Store) -> list[dict]:
    return [_row(r) for r in store.db.query("select * from practice_answers order by id")]


def sync_answer_cards(store: Store) -> None:
    """One `answer` drill card per practised answer; existing cards keep their schedule."""
    db = store.db
    stamp = store.now_iso()
    have = {r["practice_id"] for r in db.query(
        "select practice_id from drill_cards where kind = 'answer'")}
    for r in db.query("select id from practice_answers"):
        if r["id"] not in have:
            db["drill_cards"].insert(
                {"kind": "answer", "contact_id": None, "practice_id": r["id"],
                 "fsrs_state": None, "due": stamp, "created": stamp}
            )


def answer_prompt(store: Store, card: dict) -> dict:
    """What the drill shows for an `answer` card: the question; reveal the key points.

    Same keys as `deck.card_prompt`, so the drill screen needs no special case.
    """
    row = store.db["practice_answers"].get(card["practice_id"])
    return {
        "card_id": card["id"], "kind": "answer", "contact_id": None,
        "full_name": "Practise out loud, then reveal your key points", "title": None,
        "company": None, "event": None, "role": None, "pronunciation": None, "mnemonic": None,
        "card_image": None, "name_boxes": [], "hint": None, "typed": False,
        "question": row["question"], "answer": row["key_points"],
    }


def _event_answers(store: Store, event: dict) -> tuple[str, list] | None:
    """An interview's drill includes the practised answers."""
    return ("kind = 'answer'", []) if event["kind"] == "interview" else None


register_card_kind(CardKind("answer", answer_prompt, _event_answers))
