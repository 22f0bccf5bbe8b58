"""Numbers about the store and the drills, for `namecards stats` and the dashboard."""

from __future__ import annotations

from datetime import datetime, timedelta

from fsrs import Rating, State

from namecards.clock import utc_text
from namecards.store import Store

FORECAST_DAYS = 7
# fsrs' enums as stored in reviews (a rating above Again is a recall).
AGAIN, REVIEW = int(Rating.Again), int(State.Review)
READY_TARGET = 0.95  # the cram target: an event is ready when every card reaches it


def collect_stats(store: Store, now: datetime | None = None) -> dict:
    """Counts, reviews and retention, the due forecast, readiness per upcoming event, leeches.

    `retention` is the share of all answers that were not Again; `true_retention` the same over
    the last 30 days' reviews of cards in the Review state (what FSRS's desired retention is
    about). `due_forecast` counts cards (reviews, not new ones) due on each of the next 7 days
    in the user's zone, the first day including the overdue ones. `event_readiness` gives, for
    each upcoming event, the mean and lowest predicted recall of its cards at the event time,
    and the cram plan (cards per day until the event, `plan_cram`) with the weakest recall
    expected once it is followed.
    """
    from namecards.domain.card_kinds import deck

    db = store.db
    now = now or store.now()
    one = lambda sql, params=(): next(db.query(sql, params))["n"]  # noqa: E731
    reviews = db["reviews"].count
    good = one(f"select count(*) as n from reviews where rating > {AGAIN}")
    month = utc_text(now - timedelta(days=30))
    mature = next(db.query(
        f"select count(*) as n, sum(rating > {AGAIN}) as good from reviews where reviewed_at >= ? "
        f"and json_extract(state_before, '$.state') = {REVIEW}", [month]))
    today = deck.done_today(store, now)
    return {
        "contacts": db["contacts"].count,
        "events": db["events"].count,
        "talking_points": db["talking_points"].count,
        "drill_cards": db["drill_cards"].count,
        "due_now": deck.due_now(store, now),
        "reviews": reviews,
        "retention": round(good / reviews, 3) if reviews else None,
        "leeches": one("select count(*) as n from drill_cards where leech = 1"),
        "letters": db["letters"].count,
        "reviews_today": one("select count(*) as n from reviews where reviewed_at >= ?",
                             [utc_text(deck.day_start(now))]),
        "new_today": today["new"],
        "true_retention": round(mature["good"] / mature["n"], 3) if mature["n"] else None,
        "new_cards": one("select count(*) as n from drill_cards where suspended = 0 and "
                         "fsrs_state is null"),
        "due_forecast": due_forecast(store, now),
        "event_readiness": event_readiness(store, now),
        "leech_cards": leech_cards(store),
    }


def due_forecast(store: Store, now: datetime | None = None, days: int = FORECAST_DAYS) -> list:
    """[{date, due}] for today and the next days (user's zone); today includes the overdue."""
    from namecards.domain.card_kinds import deck

    now = now or store.now()
    start = deck.day_start(now)
    zone = deck.local_zone()
    out = []
    for i in range(days):
        day_begin = (start.astimezone(zone) + timedelta(days=i)).replace(
            hour=0, minute=0, second=0, microsecond=0)
        day_end = day_begin + timedelta(days=1)
        lower = "" if i == 0 else "and due >= ?"
        params = [utc_text(day_end)] + ([] if i == 0 else [utc_text(day_begin)])
        n = next(store.db.query(
            f"select count(*) as n from drill_cards where suspended = 0 and fsrs_state is not null "
            f"and due < ? {lower}", params))["n"]
        out.append({"date": day_begin.date().isoformat(), "due": n})
    return out


def event_readiness(store: Store, now: datetime | None = None) -> list[dict]:
    """Upcoming events, soonest first: mean and lowest predicted recall of their cards at the
    event time (`retrievability_at`, fractional days), and how many are below the target."""
    from namecards import drilling
    from namecards.domain.card_kinds import deck
    from namecards.domain.events import list_events

    now = now or store.now()
    settings = deck.drill_settings()
    out = []
    for event in list_events(store):
        when = deck.event_time(event)
        if when is None or when <= now:
            continue
        cards = deck.load_cards(store, event_id=event["id"])
        recalls = [drilling.retrievability_at(c["fsrs_state"], when, settings.scheduler)
                   for c in cards]
        # The cram plan, day by day in the user's zone (plan_cram groups days in the zone of
        # the time it is given; event_time is UTC).
        plan = drilling.plan_cram(cards, now, when.astimezone(deck.local_zone()),
                                  daily_limit=settings.reviews_per_day,
                                  scheduler=settings.scheduler)
        out.append({
            "event": event["name"],
            "when": when.isoformat(timespec="minutes"),
            "people": event["people"],
            "cards": len(cards),
            "new": sum(1 for c in cards if c["fsrs_state"] is None),
            "mean_recall": round(sum(recalls) / len(recalls), 3) if recalls else None,
            "min_recall": round(min(recalls), 3) if recalls else None,
            "below_target": sum(1 for r in recalls if r < READY_TARGET),
            "cram_plan": [{"date": day.isoformat(), "cards": len(ids)} for day, ids in plan.days],
            "planned_min_recall": round(plan.weakest, 3) if cards else None,
        })
    out.sort(key=lambda e: e["when"])
    return out


def leech_cards(store: Store) -> list[dict]:
    """Cards forgotten 8 times or more once learnt: worth a mnemonic, a photo, or a rewrite."""
    rows = store.db.query(
        "select drill_cards.id, drill_cards.kind, drill_cards.lapses, drill_cards.contact_id, "
        "contacts.full_name, talking_points.text as point from drill_cards "
        "left join contacts on contacts.id = drill_cards.contact_id "
        "left join talking_points on talking_points.id = drill_cards.talking_point_id "
        "where drill_cards.leech = 1 order by drill_cards.lapses desc, drill_cards.id")
    return [{"card_id": r["id"], "kind": r["kind"], "contact_id": r["contact_id"],
             "name": r["full_name"], "point": r["point"], "lapses": r["lapses"]} for r in rows]


def format_stats(data: dict) -> str:
    """The text `namecards stats` prints."""
    def pct(value):
        return "-" if value is None else f"{value:.0%}"

    lines = [
        f"Contacts: {data['contacts']}   Events: {data['events']}   "
        f"Talking points: {data['talking_points']}   Letters: {data['letters']}",
        f"Drill cards: {data['drill_cards']} ({data['new_cards']} new)   "
        f"Due now: {data['due_now']}   Leeches: {data['leeches']}",
        f"Reviews: {data['reviews']} ({data['reviews_today']} today, {data['new_today']} new "
        f"cards today)   Retention: {pct(data['retention'])}   "
        f"Mature retention (30 days): {pct(data['true_retention'])}",
        "",
        "Due in the next 7 days (reviews):",
        "  " + "  ".join(f"{d['date'][5:]}: {d['due']}" for d in data["due_forecast"]),
    ]
    if data["event_readiness"]:
        lines += ["", "Readiness for upcoming events (predicted recall at the event time):"]
        for e in data["event_readiness"]:
            lines.append(
                f"  {e['event']} ({e['when'].replace('T', ' ')[:16]} UTC): "
                f"mean {pct(e['mean_recall'])}, weakest {pct(e['min_recall'])}, "
                f"{e['below_target']} of {e['cards']} cards below 95%"
                + (f" ({e['new']} never drilled)" if e["new"] else ""))
            days = ", ".join(f"{d['date'][5:]}: {d['cards']}" for d in e["cram_plan"] if d["cards"])
            if days:
                lines.append(f"    cram plan (cards per day): {days}; weakest after it "
                             f"{pct(e['planned_min_recall'])}")
    if data["leech_cards"]:
        lines += ["", "Leeches (forgotten 8+ times; add a mnemonic or rewrite them):"]
        for c in data["leech_cards"]:
            what = c["point"] or c["kind"]
            lines.append(f"  #{c['card_id']} {c['name'] or ''} — {what} ({c['lapses']} lapses)")
    return "\n".join(lines)
