"""The dossier: research notes on a company, one fact per "- " bullet, each drillable.

A fact may mark its key phrase as a cloze: "- biggest customer is {{the city of Lyon}}" is
drilled as "biggest customer is […]" with "the city of Lyon" as the answer.
"""

from __future__ import annotations

from datetime import date

from namecards import UsageError
from namecards.domain.companies import (
    company_for,
    company_key,
    company_of_event,
    company_people,
    get_company,
)
from namecards.domain.deck import CardKind, register_card_kind
from namecards.formats import CLOZE_GAP, CLOZE_RE, cloze, strip_cloze  # noqa: F401
from namecards.store import Store
from namecards.text import split_bullets


def parse_facts(text: str) -> tuple[list[str], str]:
    """The facts of a research note (its "- " bullets) and the rest of it as plain notes.

    A note without any bullet is one fact when it is a single line.
    """
    facts = split_bullets(text)
    rest = [
        line.strip() for line in text.splitlines()
        if line.strip() and line.strip()[:2] not in ("- ", "* ", "• ")
    ]
    if not facts and len(rest) == 1:
        return rest, ""
    return facts, "\n".join(rest)


def _noted(value: str | None, today: date) -> str:
    if not value:
        return today.isoformat()
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise UsageError(f"not a date: {value!r} (use YYYY-MM-DD)") from None


def add_dossier(
    store: Store,
    company_ref: str,
    text: str,
    *,
    source: str | None = None,
    noted: str | None = None,
) -> dict:
    """Keep research notes on a company (created if new); every bullet becomes a fact to drill."""
    if not text or not text.strip():
        raise UsageError("the research note is empty")
    facts, rest = parse_facts(text)
    if not facts:
        raise UsageError('no facts in the note: write one "- " line per fact')
    when = _noted(noted, store.now().astimezone().date())
    db = store.db
    stamp = store.now_iso()
    with db.atomic():
        company = company_for(store, company_ref, create=True)
        start = next(db.query("select coalesce(max(position), 0) as n from dossier_facts "
                              "where company_id = ?", [company["id"]]))["n"]
        ids = []
        for offset, fact in enumerate(facts, 1):
            ids.append(db["dossier_facts"].insert(
                {"company_id": company["id"], "text": fact, "source": source, "noted": when,
                 "position": start + offset, "created": stamp}
            ).last_pk)
        if rest:
            notes = f"{company['notes']}\n{rest}" if company.get("notes") else rest
            db["companies"].update(company["id"], {"notes": notes, "updated": stamp})
        sync_fact_cards(store, company["id"])
    return {"company": company, "fact_ids": ids, "facts": facts}


def list_facts(store: Store, company: dict) -> list[dict]:
    return [
        {**dict(r), "plain": strip_cloze(r["text"])}
        for r in store.db.query(
            "select id, text, source, noted, position from dossier_facts where company_id = ? "
            "order by position, id", [company["id"]]
        )
    ]


def remove_fact(store: Store, fact_id: int) -> None:
    db = store.db
    if not db["dossier_facts"].count_where("id = ?", [fact_id]):
        raise UsageError(f"no fact #{fact_id}")
    with db.atomic():
        card_ids = [r["id"] for r in db.query("select id from drill_cards where fact_id = ?",
                                               [fact_id])]
        for cid in card_ids:
            db.execute("delete from reviews where card_id = ?", [cid])
        db.execute("delete from drill_cards where fact_id = ?", [fact_id])
        db["dossier_facts"].delete(fact_id)


def sync_fact_cards(store: Store, company_id: int) -> None:
    """One `fact` drill card per dossier fact; existing cards keep their schedule."""
    db = store.db
    stamp = store.now_iso()
    have = {r["fact_id"] for r in db.query(
        "select fact_id from drill_cards where kind = 'fact' and company_id = ?", [company_id])}
    for r in db.query("select id from dossier_facts where company_id = ?", [company_id]):
        if r["id"] not in have:
            db["drill_cards"].insert(
                {"kind": "fact", "contact_id": None, "company_id": company_id,
                 "fact_id": r["id"], "fsrs_state": None, "due": stamp, "created": stamp}
            )


def fact_prompt(store: Store, card: dict) -> dict:
    """What the drill shows for a `fact` card: the company is the cue, the fact the answer.

    Same keys as `deck.card_prompt`, so the drill screen needs no special case.
    """
    db = store.db
    fact = db["dossier_facts"].get(card["fact_id"])
    company = db["companies"].get(fact["company_id"])
    gapped, phrases = cloze(fact["text"])
    source = " · ".join(x for x in (fact["source"], fact["noted"]) if x)
    if phrases:
        question = f"{company['name']}: {gapped}"
        answer = "; ".join(phrases)
    else:
        question = f"What is worth bringing up about {company['name']}?"
        answer = fact["text"]
    return {
        "card_id": card["id"], "kind": "fact", "contact_id": None,
        "full_name": company["name"], "title": company["industry"], "company": None,
        "event": None, "role": None, "pronunciation": None, "mnemonic": None,
        "card_image": None, "name_boxes": [], "hint": None, "typed": False,
        "question": question, "answer": answer,
        "context": strip_cloze(fact["text"]), "source": source or None,
    }


def show_company(store: Store, ref: str) -> dict:
    """A company's page: its record, everyone known there, its dossier, its events."""
    company = get_company(store, ref)
    row = store.db["companies"].get(company["id"])
    company["people"] = company_people(store, {**company, "name_key": row["name_key"]})
    company["facts"] = list_facts(store, company)
    company["events"] = [
        {"id": e["id"], "name": e["name"], "date": e["date"], "kind": e["kind"]}
        for e in store.db.query("select * from events order by coalesce(date, created)")
        if company_key(e["company"]) == row["name_key"]
    ]
    return company


def _event_facts(store: Store, event: dict) -> tuple[str, list] | None:
    """The fact cards of the event's company, which an event's drill includes."""
    company = company_of_event(store, event)
    return ("(kind = 'fact' and company_id = ?)", [company["id"]]) if company else None


register_card_kind(CardKind("fact", fact_prompt, _event_facts))
