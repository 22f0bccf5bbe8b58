"""Event cram: pull cards forward so that predicted recall at the event reaches the target.

The reviews it asks for are ordinary FSRS reviews (`review()`), so the schedule stays
consistent. The idea: a review raises stability, and predicted recall at the event then
depends on how long before the event the *last* review was. A card is pulled when its
predicted recall at the event is below target and a Good review now would bring it to the
target (its "window" is open), or when the event is close enough that there may be no later
session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from fsrs import Card, Rating, Scheduler

from namecards.drilling.scheduling import (
    card_from_state,
    default_scheduler,
    fractional_retrievability,
    interval_for_recall,
    retrievability_at,
    retrievability_of_card,
    to_utc,
)

DEFAULT_TARGET = 0.95
# Within this much of the event, a session may be the last one: pull everything below target.
LAST_CALL = timedelta(hours=24)
# In the last day, a card already reviewed is pulled again only while a review still gains this
# much predicted recall at the event (it keeps a fragile card coming back, and ends).
MIN_GAIN = 0.005
# A due card of the event may wait this long for its window to open (the next daily session).
MAX_WAIT = timedelta(hours=24)
# The warm-up pass on the event's day is planned this long before the event at the latest.
WARM_UP_LEAD = timedelta(hours=2)


# A card just answered rests at least this long before cram asks it again, and a card in
# its learning steps (1 min, 10 min) until its step is due: repeats are spaced, never back
# to back ("Card 1 of 1" eight times in a row).
MIN_SPACING = timedelta(minutes=10)
_LEARNING_STATES = (1, 3)  # fsrs.State.Learning, fsrs.State.Relearning


def rests_until(card: dict) -> datetime | None:
    """When a card answered in cram may be asked again: the end of its learning step, and
    at least MIN_SPACING after its last answer; None for a new card."""
    state = card.get("fsrs_state")
    if not state or not state.get("last_review"):
        return None
    until = to_utc(datetime.fromisoformat(state["last_review"]), "last_review") + MIN_SPACING
    if int(state.get("state") or 0) in _LEARNING_STATES and state.get("due"):
        until = max(until, to_utc(datetime.fromisoformat(state["due"]), "due"))
    return until


def resting(card: dict, now: datetime) -> bool:
    """Is the card between two spaced repeats (in a learning step, or just answered)?"""
    until = rests_until(card)
    return until is not None and until > now


def recall_at(card: dict, when: datetime, scheduler: Scheduler | None = None) -> float:
    """Predicted recall of a queue card (a dict with `fsrs_state`) at `when`; 0.0 if new."""
    return retrievability_at(card.get("fsrs_state"), when, scheduler)


def _stability_after_good(card: dict, now: datetime, scheduler: Scheduler) -> float | None:
    state = card.get("fsrs_state")
    if state is None or state.get("last_review") is None:
        return None
    reviewed, _ = scheduler.review_card(card_from_state(state), Rating.Good, now)
    return reviewed.stability


def window_opens(
    card: dict, now: datetime, event_time: datetime, target: float, scheduler: Scheduler
) -> datetime:
    """Earliest time from which one Good review keeps recall >= target until the event.

    The stability after a Good review is taken as if the review happened `now`; reviewing
    later only raises it, so the estimate errs on the late (safe) side.
    """
    stability = _stability_after_good(card, now, scheduler)
    if stability is None:
        return now  # a new card: learn it as soon as possible
    window = interval_for_recall(stability, target, scheduler)
    return event_time - timedelta(days=window)


def recall_after_good(
    card: dict, now: datetime, event_time: datetime, scheduler: Scheduler
) -> float:
    """Predicted recall at the event if the card is answered Good at `now`."""
    stability = _stability_after_good(card, now, scheduler)
    if stability is None:
        return 0.0
    days = max(0.0, (event_time - now).total_seconds() / 86400.0)
    return fractional_retrievability(stability, days, scheduler)


def can_wait_for_window(
    card: dict,
    now: datetime,
    event_time: datetime,
    target: float = DEFAULT_TARGET,
    scheduler: Scheduler | None = None,
) -> bool:
    """Should a due card of the event wait for its cram window rather than be reviewed now?

    Reviewing it now would leave it below target at the event, so it would need a second
    review anyway; if the window opens within `MAX_WAIT` (the next daily session) and the event
    is more than a day away, one later review does both jobs. Cards in their (re)learning
    steps never wait.
    """
    scheduler = scheduler or default_scheduler()
    now = to_utc(now, "now")
    event_time = to_utc(event_time, "event_time")
    state = card.get("fsrs_state")
    if state is None or state.get("last_review") is None or state.get("step") is not None:
        return False
    if event_time - now <= LAST_CALL:
        return False
    opens = window_opens(card, now, event_time, target, scheduler)
    return now < opens <= now + MAX_WAIT


def cards_to_cram_now(
    cards: list[dict],
    now: datetime,
    event_time: datetime,
    target: float = DEFAULT_TARGET,
    scheduler: Scheduler | None = None,
    *,
    warm_up: bool = False,
) -> list[dict]:
    """Cards to review now so the event finds them at `target` recall, lowest recall first.

    A card is pulled when its predicted recall at `event_time` is below `target` and either
    its window is open (a Good review now reaches the target) or the event is within a day
    (this session may be the last) and a Good review now still raises its recall at the
    event by `MIN_GAIN` - so rebuilding the queue when it runs out gives a fragile card
    another go, and stops. New cards are included (recall 0). With `warm_up`, on the
    event's day every card is pulled. Nothing is pulled once the event has started.
    """
    scheduler = scheduler or default_scheduler()
    now = to_utc(now, "now")
    event_time = to_utc(event_time, "event_time")
    if now >= event_time:
        return []
    last_call = event_time - now <= LAST_CALL
    pulled = []
    for card in cards:
        recall = recall_at(card, event_time, scheduler)
        if warm_up and last_call:
            pulled.append((recall, card))
        elif resting(card, now):
            continue
        elif recall < target:
            state = card.get("fsrs_state")
            if state is None or state.get("last_review") is None:
                pulled.append((recall, card))
                continue
            after = recall_after_good(card, now, event_time, scheduler)
            if after >= target or (last_call and after - recall >= MIN_GAIN):
                pulled.append((recall, card))
    pulled.sort(key=lambda pair: pair[0])
    return [card for _, card in pulled]


@dataclass
class CramPlan:
    """A day-by-day cram plan; `days` lists card ids per calendar day in the event's zone."""

    event_time: datetime
    target: float
    days: list[tuple[date, list]] = field(default_factory=list)
    readiness: float = 0.0  # mean predicted recall at the event if every planned review is Good
    weakest: float = 0.0  # lowest predicted recall at the event under the same assumption
    recall_now: dict = field(default_factory=dict)  # card id -> predicted recall at the event today
    recall_planned: dict = field(default_factory=dict)  # card id -> after following the plan
    warm_up: list = field(default_factory=list)  # card ids in the event-day warm-up pass


def plan_cram(
    cards: list[dict],
    now: datetime,
    event_time: datetime,
    *,
    target: float = DEFAULT_TARGET,
    daily_limit: int = 100,
    scheduler: Scheduler | None = None,
    warm_up: bool = True,
    zone: tzinfo | None = None,
) -> CramPlan:
    """Plan the cram reviews from `now` to the event, day by day.

    Every card below `target` at the event gets one review at the time its window opens
    (today if already open, new cards today). Days over `daily_limit` move their overflow
    (cards with the widest windows first) to earlier days that have room; the event's own day
    also holds the warm-up pass over everyone when `warm_up` is on. Days are calendar days
    in `zone` (default: the zone of `event_time`, so pass it in the user's local zone).
    """
    scheduler = scheduler or default_scheduler()
    zone = zone or event_time.tzinfo
    now_utc = to_utc(now, "now")
    event_utc = to_utc(event_time, "event_time")
    plan = CramPlan(event_time=event_time, target=target)
    plan.recall_now = {c["id"]: recall_at(c, event_utc, scheduler) for c in cards}
    if now_utc >= event_utc:
        plan.recall_planned = dict(plan.recall_now)
        _summarise(plan)
        return plan

    first_day = now_utc.astimezone(zone).date()
    event_day = event_utc.astimezone(zone).date()
    day_list = [first_day + timedelta(days=i) for i in range((event_day - first_day).days + 1)]
    warm_up_time = max(now_utc, event_utc - WARM_UP_LEAD)

    planned: dict[date, list[tuple[float, datetime, dict]]] = {d: [] for d in day_list}
    for card in cards:
        recall = plan.recall_now[card["id"]]
        if recall >= target:
            continue
        opens = window_opens(card, now_utc, event_utc, target, scheduler)
        when = min(max(now_utc, opens), warm_up_time)
        planned[when.astimezone(zone).date()].append((recall, when, card))

    # Spread: a day over the limit hands the cards that tolerate an earlier review best
    # (earliest window) to the nearest earlier day with room.
    for index in range(len(day_list) - 1, 0, -1):
        day = day_list[index]
        entries = sorted(planned[day], key=lambda e: e[1])
        while len(entries) > daily_limit:
            target_day = next(
                (d for d in reversed(day_list[:index]) if len(planned[d]) < daily_limit), None
            )
            if target_day is None:
                break
            recall, _, card = entries.pop(0)
            moved = _end_of_day(target_day, zone, now_utc)
            planned[target_day].append((recall, moved, card))
        planned[day] = entries

    reviews: dict = {}  # card id -> list of planned review times
    for day in day_list:
        planned[day].sort(key=lambda e: e[0])
        for _, when, card in planned[day]:
            reviews.setdefault(card["id"], []).append(when)
    if warm_up:
        plan.warm_up = [c["id"] for c in sorted(cards, key=lambda c: plan.recall_now[c["id"]])]
        for card in cards:
            times = reviews.setdefault(card["id"], [])
            if not times or max(times) < warm_up_time:
                times.append(warm_up_time)

    plan.days = [(day, [card["id"] for _, _, card in planned[day]]) for day in day_list]
    if warm_up:
        event_entry = plan.days[-1][1]
        event_entry.extend(i for i in plan.warm_up if i not in event_entry)

    for card in cards:
        plan.recall_planned[card["id"]] = _recall_after(
            card, sorted(reviews.get(card["id"], [])), event_utc, scheduler
        )
    _summarise(plan)
    return plan


def _end_of_day(day: date, zone: tzinfo, not_before: datetime) -> datetime:
    moment = datetime.combine(day, datetime.min.time(), zone) + timedelta(hours=20)
    return max(to_utc(moment), not_before)


def _recall_after(
    card: dict, times: list[datetime], event_time: datetime, scheduler: Scheduler
) -> float:
    """Predicted recall at the event if every planned review is answered Good.

    A new card goes through its learning steps in the same sitting (Good at each step).
    """
    state = card.get("fsrs_state")
    fsrs_card = card_from_state(state) if state is not None else None
    for when in times:
        if fsrs_card is None:
            fsrs_card = Card(card_id=0, due=when)
        fsrs_card, _ = scheduler.review_card(fsrs_card, Rating.Good, when)
        # Learning steps are minutes apart: the learner finishes them in the same sitting.
        while fsrs_card.step is not None and fsrs_card.due - when < timedelta(hours=1):
            when = fsrs_card.due
            fsrs_card, _ = scheduler.review_card(fsrs_card, Rating.Good, when)
    if fsrs_card is None:
        return 0.0
    return retrievability_of_card(fsrs_card, event_time, scheduler)


def _summarise(plan: CramPlan) -> None:
    values = list(plan.recall_planned.values())
    plan.readiness = sum(values) / len(values) if values else 0.0
    plan.weakest = min(values) if values else 0.0
