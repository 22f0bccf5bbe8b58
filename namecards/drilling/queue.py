"""Today's drill queue: due reviews (and cram pulls), then new cards, siblings spread apart."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from itertools import pairwise

from fsrs import Scheduler

from namecards.drilling.cram import (
    DEFAULT_TARGET,
    can_wait_for_window,
    cards_to_cram_now,
    recall_at,
)
from namecards.drilling.scheduling import default_scheduler, state_due, to_utc


def _due(card: dict) -> datetime:
    due = card.get("due")
    if due is None:
        due = state_due(card.get("fsrs_state"))
    if isinstance(due, str):
        due = datetime.fromisoformat(due)
    return to_utc(due, f"due of card {card.get('id')}")


def _is_new(card: dict) -> bool:
    state = card.get("fsrs_state")
    return state is None or state.get("last_review") is None


def build_queue(
    cards: list[dict],
    now: datetime,
    *,
    new_limit: int = 20,
    review_limit: int = 200,
    event_time: datetime | None = None,
    cram: bool = False,
    target: float = DEFAULT_TARGET,
    scheduler: Scheduler | None = None,
) -> list[dict]:
    """Order the cards to drill now.

    Each card is a dict with at least `id`, `contact_id`, `fsrs_state` (None when new) and
    `due` (aware datetime or ISO string). Due reviews come first, lowest predicted recall
    first (the most overdue relative to their stability); with `cram` and an `event_time`,
    due cards whose cram window opens within a day wait for it (`can_wait_for_window`), and
    cards pulled forward for the event follow, lowest recall at the event first; the total
    of both is capped by `review_limit`. New cards (in the given order) come last, at most
    `new_limit` of them - except in cram mode, where every new card of the event is kept,
    since `cards` are then the event's cards. Once the event has started, cram mode is plain
    mode. Cards of the same contact are never back to
    back when another order avoids it.
    """
    scheduler = scheduler or default_scheduler()
    now = to_utc(now, "now")
    reviewed = [c for c in cards if not _is_new(c)]
    new = [c for c in cards if _is_new(c)]

    due_at = {id(c): _due(c) for c in reviewed}
    due = [c for c in reviewed if due_at[id(c)] <= now]
    due.sort(key=lambda c: (recall_at(c, now, scheduler), due_at[id(c)]))
    cramming = cram and event_time is not None and to_utc(event_time, "event_time") > now
    if cramming:
        due = [c for c in due if not can_wait_for_window(c, now, event_time, target, scheduler)]
        due_ids = {c["id"] for c in due}
        pulled = cards_to_cram_now(
            [c for c in reviewed if c["id"] not in due_ids], now, event_time, target, scheduler
        )
        due += pulled
    reviews = due[:review_limit]
    fresh = new if cramming else new[:new_limit]
    ordered = separate_siblings(reviews)
    previous = ordered[-1]["contact_id"] if ordered else None
    return ordered + spread_siblings(fresh, previous=previous)


def spread_siblings(cards: list[dict], previous=None) -> list[dict]:
    """Spread each person's cards through the session, as Anki buries siblings: the cards
    are dealt in rounds (every person's first card, then every person's second...), so a
    person's who-is card never follows their name card and their points come back later;
    then no two cards of one person are left adjacent (`separate_siblings`)."""
    groups: dict = {}
    for card in cards:
        groups.setdefault(card.get("contact_id"), []).append(card)
    dealt: list[dict] = []
    depth = max((len(g) for g in groups.values()), default=0)
    for round_ in range(depth):
        dealt += [g[round_] for g in groups.values() if round_ < len(g)]
    return separate_siblings(dealt, previous=previous)


def separate_siblings(cards: list[dict], previous=None) -> list[dict]:
    """Reorder so that no two cards of the same contact are adjacent, when that is possible.

    Keeps the given priority order as far as it can: at each position it takes the first
    remaining card of another contact whose choice still leaves a valid arrangement.
    `previous` is the contact of the card shown just before these (None: no constraint).
    """
    contacts = [c["contact_id"] for c in cards]
    if (not contacts or contacts[0] != previous) and all(a != b for a, b in pairwise(contacts)):
        return list(cards)  # already fine: the greedy below would keep this order anyway
    remaining = list(cards)
    counts = Counter(c["contact_id"] for c in remaining)
    result: list[dict] = []
    if previous is None:
        previous = object()
    while remaining:
        n = len(remaining)
        top = counts.most_common(2)
        chosen = None
        for index, card in enumerate(remaining):
            contact = card["contact_id"]
            if contact == previous:
                continue
            if _feasible_after(contact, counts, top, n - 1):
                chosen = index
                break
        if chosen is None:  # no arrangement avoids it: take the best card of another contact
            chosen = next((i for i, c in enumerate(remaining) if c["contact_id"] != previous), 0)
        card = remaining.pop(chosen)
        counts[card["contact_id"]] -= 1
        if counts[card["contact_id"]] == 0:
            del counts[card["contact_id"]]
        result.append(card)
        previous = card["contact_id"]
    return result


def _feasible_after(contact, counts: Counter, top: list, n: int) -> bool:
    """Can the n cards left after taking one of `contact` be arranged without siblings adjacent
    and without starting with `contact`?"""
    if n == 0:
        return True
    own = counts[contact] - 1
    # largest count among the others
    others_max = next((c for k, c in top if k != contact), 0)
    limit = (n + 1) // 2
    if others_max > limit or own > limit:
        return False
    # the next card may not be `contact`, so it fits only in the n - 1 later slots
    return own <= n // 2
