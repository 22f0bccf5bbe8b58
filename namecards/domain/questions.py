"""Questions to ask at an interview, per event or position, ticked off when asked.

An answer you got, with the person who gave it, becomes one of their talking points, so the
follow-up letter can cite it.
"""

from __future__ import annotations

from namecards import UsageError
from namecards.domain.companies import company_for, company_of_event
from namecards.domain.events import get_event
from namecards.store import Store


def add_question(
    store: Store,
    text: str,
    *,
    event: str | None = None,
    company: str | None = None,
    position: str | None = None,
) -> dict:
    """Keep a question to ask; it belongs to an event, a company or a position (one at least)."""
    text = " ".join((text or "").split())
    if not text:
        raise UsageError("the question is empty")
    if not (event or company or position):
        raise UsageError("say where you will ask it: at an event, of a company or for a position",
                         option=("event", "company", "position"))
    ev = get_event(store, event) if event else None
    comp = (company_for(store, company, create=True) if company
            else company_of_event(store, ev, create=True))
    question_id = store.db["questions"].insert(
        {"event_id": ev["id"] if ev else None, "company_id": comp["id"] if comp else None,
         "position": position, "text": text, "created": store.now_iso()}
    ).last_pk
    return get_question(store, question_id)


def get_question(store: Store, question_id: int) -> dict:
    row = next(store.db.query(_SELECT + " where questions.id = ?", [question_id]), None)
    if row is None:
        raise UsageError(f"no question #{question_id}", kind="question")
    return dict(row)


_SELECT = (
    "select questions.id, questions.text, questions.position, questions.asked, questions.answer, "
    "questions.event_id, events.name as event, questions.company_id, companies.name as company, "
    "questions.contact_id, contacts.full_name as answered_by, questions.talking_point_id, "
    "questions.created from questions "
    "left join events on events.id = questions.event_id "
    "left join companies on companies.id = questions.company_id "
    "left join contacts on contacts.id = questions.contact_id"
)


def list_questions(
    store: Store,
    *,
    event: str | dict | None = None,
    company: str | None = None,
    position: str | None = None,
    open_only: bool = False,
) -> list[dict]:
    """Questions for an event (and those for its company with no event), oldest first."""
    where, params = [], []
    if event is not None:
        ev = event if isinstance(event, dict) else get_event(store, event)
        comp = company_of_event(store, ev)
        if comp:
            where.append("(questions.event_id = ? or (questions.event_id is null and "
                         "questions.company_id = ?))")
            params += [ev["id"], comp["id"]]
        else:
            where.append("questions.event_id = ?")
            params.append(ev["id"])
    if company:
        where.append("questions.company_id = ?")
        params.append(company_for(store, company)["id"])
    if position:
        where.append("questions.position like ?")
        params.append(f"%{position}%")
    if open_only:
        where.append("questions.asked is null")
    sql = _SELECT + (" where " + " and ".join(where) if where else "") + " order by questions.id"
    return [dict(r) for r in store.db.query(sql, params)]


def mark_asked(
    store: Store,
    question_id: int,
    *,
    answer: str | None = None,
    contact: str | None = None,
) -> dict:
    """Tick a question off; an answer given by a contact becomes their talking point."""
    from namecards.domain.contacts import add_note, resolve_contact

    q = get_question(store, question_id)
    answer = " ".join((answer or "").split()) or None
    if contact and not answer:
        raise UsageError("a question answered by a contact needs the answer: it becomes their "
                         "talking point", option="answer")
    changes: dict = {"asked": q["asked"] or store.now_iso()}
    if answer:
        changes["answer"] = answer
    db = store.db
    with db.atomic():
        if contact:
            contact_id = resolve_contact(store, contact)
            note = add_note(store, contact_id, f"Asked: {q['text']}\n- {answer}",
                            event=q["event"])
            point = next(db.query("select id from talking_points where note_id = ? "
                                  "order by position limit 1", [note["note_id"]]))
            changes.update({"contact_id": contact_id, "talking_point_id": point["id"]})
        db["questions"].update(question_id, changes)
    return get_question(store, question_id)
