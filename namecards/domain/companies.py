"""Companies as records of their own, and everyone you know there, marked by relation.

A contact belongs to a company by an explicit link (`company link`), or when the contact's
`company` text or e-mail/web domain matches, or when you met them at an event held by it.
"""

from __future__ import annotations

import json
import re

from namecards import UsageError
from namecards.errors import NotFound
from namecards.store import Store
from namecards.text import company_key, fold  # noqa: F401 (company_key: callers use it here)

RELATIONS = ("interviewer", "colleague", "insider", "recruiter")
RELATION_LABELS = {
    "interviewer": "interviewer",
    "colleague": "future colleague",
    "insider": "insider (someone to ask, not an interviewer)",
    "recruiter": "recruiter",
}
_ROLE_HINTS = (
    ("recruiter", re.compile(r"recruit|talent|\bhr\b|human resources|people partner|sourcer")),
    ("interviewer", re.compile(r"interview|panel|hiring manager|assessor")),
    ("colleague", re.compile(r"colleague|team ?mate|\bteam\b|\bpeer\b|lunch|tour|buddy")),
    ("insider", re.compile(r"insider|network|fair|meetup|conference|referr|alumn|friend")),
)


def _domain(value: str) -> str:
    value = value.strip().lower()
    value = re.sub(r"^[a-z]+://", "", value).split("/")[0]
    value = value.split("@")[-1]
    return value.removeprefix("www.")


def _row(row: dict) -> dict:
    company = dict(row)
    company.pop("name_key", None)
    company["domains"] = json.loads(row["domains"] or "[]")
    return company


def add_company(
    store: Store,
    name: str,
    *,
    domains=(),
    industry: str | None = None,
    notes: str | None = None,
) -> dict:
    """Create a company, or fill in the domains, industry and notes of the one by that name."""
    name = (name or "").strip()
    key = company_key(name)
    if not key:
        raise UsageError("a company needs a name")
    new_domains = [d for d in (_domain(x) for x in domains or ()) if d]
    db = store.db
    stamp = store.now_iso()
    existing = next(db["companies"].rows_where("name_key = ?", [key]), None)
    with db.atomic():
        if existing:
            merged = json.loads(existing["domains"] or "[]")
            merged += [d for d in new_domains if d not in merged]
            changes = {"domains": json.dumps(merged), "updated": stamp}
            if industry:
                changes["industry"] = industry
            if notes:
                changes["notes"] = (
                    f"{existing['notes']}\n{notes}" if existing["notes"] else notes
                )
            db["companies"].update(existing["id"], changes)
            company_id = existing["id"]
        else:
            company_id = db["companies"].insert(
                {"name": name, "name_key": key, "domains": json.dumps(new_domains),
                 "industry": industry, "notes": notes, "created": stamp, "updated": stamp}
            ).last_pk
    return _row(db["companies"].get(company_id))


def find_company(store: Store, ref: str | int) -> dict | None:
    """A company by id, name (legal form ignored), domain, or unambiguous part of its name."""
    db = store.db
    text = str(ref).strip()
    if text.isdigit():
        row = next(db["companies"].rows_where("id = ?", [int(text)]), None)
        if row:
            return _row(row)
    key = company_key(text)
    if not key:
        return None
    row = next(db["companies"].rows_where("name_key = ?", [key]), None)
    if row:
        return _row(row)
    rows = list(db["companies"].rows)
    domain = _domain(text)
    by_domain = [r for r in rows if domain in json.loads(r["domains"] or "[]")]
    if len(by_domain) == 1:
        return _row(by_domain[0])
    matches = [r for r in rows if key in r["name_key"]]
    if len(matches) > 1:
        names = "; ".join(f"#{r['id']} {r['name']}" for r in matches[:8])
        raise UsageError(f"company {text!r} is ambiguous: {names}")
    return _row(matches[0]) if matches else None


def get_company(store: Store, ref: str | int) -> dict:
    company = find_company(store, ref)
    if company is None:
        raise NotFound(f"no company matches {str(ref)!r}", kind="company", ref=str(ref))
    return company


def company_for(store: Store, ref: str, *, create: bool = False) -> dict:
    """The company a command names; with `create`, a new one by that name if none matches."""
    company = find_company(store, ref)
    if company is None:
        if not create:
            return get_company(store, ref)
        company = add_company(store, ref)
    return company


def company_of_event(store: Store, event: dict | None, *, create: bool = False) -> dict | None:
    """The company an event is with, by the event's `company` text."""
    if not event or not event.get("company"):
        return None
    row = next(store.db["companies"].rows_where("name_key = ?", [company_key(event["company"])]),
               None)
    if row:
        return _row(row)
    return add_company(store, event["company"]) if create else None


def list_companies(store: Store) -> list[dict]:
    """Every company with how many people you know there and how many facts you keep."""
    out = []
    for row in store.db.query("select * from companies order by name_key"):
        company = _row(row)
        company["people"] = len(company_people(store, company))
        company["facts"] = store.db["dossier_facts"].count_where("company_id = ?", [company["id"]])
        out.append(company)
    return out


def link_contact_to_company(
    store: Store, company_ref: str, contact_ref: str, *, relation: str | None = None
) -> dict:
    """Say explicitly that a contact is at a company, and how you know them."""
    from namecards.domain.contacts import resolve_contact

    if relation is not None and relation not in RELATIONS:
        raise UsageError(f"relation must be one of {', '.join(RELATIONS)}, not {relation!r}")
    company = company_for(store, company_ref, create=True)
    contact_id = resolve_contact(store, contact_ref)
    store.db["company_contacts"].upsert(
        {"company_id": company["id"], "contact_id": contact_id, "relation": relation,
         "created": store.now_iso()},
        pk=("company_id", "contact_id"),
    )
    return {"company": company, "contact_id": contact_id, "relation": relation}


def infer_relation(*, role: str | None, title: str | None, event_kind: str | None,
                   at_company_event: bool) -> str:
    """How you know someone at a company, guessed from their role at an event and their title."""
    for text in (role, title):
        folded = fold(text)
        for relation, pattern in _ROLE_HINTS:
            if folded and pattern.search(folded):
                return relation
    if at_company_event and event_kind == "interview":
        return "interviewer"
    return "insider"


def company_people(store: Store, company: dict) -> list[dict]:
    """Everyone known at a company, each with `relation` and why they are on the list."""
    db = store.db
    key = company["name_key"] if "name_key" in company else company_key(company["name"])
    domains = set(company.get("domains") or [])
    explicit = {
        r["contact_id"]: r["relation"]
        for r in db.query("select contact_id, relation from company_contacts where company_id = ?",
                          [company["id"]])
    }
    event_ids = [e["id"] for e in db.query("select id, company from events")
                 if company_key(e["company"]) == key] if key else []
    met = {}
    for eid in event_ids:
        for m in db.query(
            "select meetings.contact_id, meetings.role, events.kind, events.name from meetings "
            "join events on events.id = meetings.event_id where event_id = ?", [eid]
        ):
            met.setdefault(m["contact_id"], dict(m))
    people = []
    for c in db.query("select id, full_name, title, company, pronunciation from contacts "
                      "order by name_key"):
        cid = c["id"]
        by_name = bool(key) and company_key(c["company"]) == key
        by_domain = False
        if domains and not by_name:
            by_domain = any(
                _domain(r["value"]) in domains
                for r in db.query("select value from contact_methods where contact_id = ? "
                                  "and kind in ('email', 'url')", [cid])
            )
        if not (cid in explicit or by_name or by_domain or cid in met):
            continue
        meeting = met.get(cid)
        if meeting is None:
            meeting = next(db.query(
                "select meetings.role, events.kind, events.name from meetings join events on "
                "events.id = meetings.event_id where contact_id = ? order by meetings.id desc "
                "limit 1", [cid]), None)
        relation = explicit.get(cid) or infer_relation(
            role=(meeting or {}).get("role"), title=c["title"],
            event_kind=(meeting or {}).get("kind"), at_company_event=cid in met,
        )
        people.append({
            "id": cid, "full_name": c["full_name"], "title": c["title"],
            "pronunciation": c["pronunciation"], "relation": relation,
            "relation_label": RELATION_LABELS[relation],
            "explicit": cid in explicit and explicit[cid] is not None,
            "met_at": (meeting or {}).get("name"), "role": (meeting or {}).get("role"),
        })
    order = {r: i for i, r in enumerate(RELATIONS)}
    people.sort(key=lambda p: order[p["relation"]])
    return people
