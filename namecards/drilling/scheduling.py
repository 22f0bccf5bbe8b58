"""FSRS scheduling over JSON-serialisable card states (what the store keeps), never hand-written.

A card state is `fsrs.Card.to_dict()`: `card_id, state, step, stability, difficulty, due,
last_review` with ISO-8601 UTC datetimes. `None` stands for a card never reviewed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from fsrs import Card, Rating, Scheduler, State

CardState = dict[str, Any]

LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
MAXIMUM_INTERVAL = 36500

_DEFAULT_SCHEDULER: Scheduler | None = None


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone reached the scheduler."""


def to_utc(when: datetime, what: str = "datetime") -> datetime:
    """Return `when` in UTC; refuse naive datetimes, whose meaning depends on the machine."""
    if when.__class__ is datetime and when.tzinfo is timezone.utc:
        return when  # the common case, kept cheap: queues call this for every card
    if not isinstance(when, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(when).__name__}")
    if when.tzinfo is None or when.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{what} {when.isoformat()} has no time zone; pass an aware datetime "
            "(e.g. datetime.now(timezone.utc))"
        )
    return when.astimezone(timezone.utc)


def make_scheduler(desired_retention: float = 0.9, *, enable_fuzzing: bool = True) -> Scheduler:
    """FSRS-6 with default parameters, learning steps 1 and 10 min, relearning 10 min."""
    return Scheduler(
        desired_retention=desired_retention,
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        maximum_interval=MAXIMUM_INTERVAL,
        enable_fuzzing=enable_fuzzing,
    )


def default_scheduler() -> Scheduler:
    global _DEFAULT_SCHEDULER
    if _DEFAULT_SCHEDULER is None:
        _DEFAULT_SCHEDULER = make_scheduler()
    return _DEFAULT_SCHEDULER


@lru_cache(maxsize=8192)
def _parse_iso(text: str, what: str) -> datetime:
    return to_utc(datetime.fromisoformat(text), what)


def _parse_time(value: str | datetime | None, what: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _parse_iso(value, what)
    return to_utc(value, what)


def card_from_state(state: CardState) -> Card:
    """Rebuild an `fsrs.Card` from a state dict.

    Unlike `Card.from_dict`, a stability or difficulty of 0.0 stays 0.0 instead of None.
    """
    stability = state.get("stability")
    difficulty = state.get("difficulty")
    return Card(
        card_id=int(state.get("card_id") or 0),
        state=State(int(state["state"])),
        step=state.get("step"),
        stability=float(stability) if stability is not None else None,
        difficulty=float(difficulty) if difficulty is not None else None,
        due=_parse_time(state["due"], "due"),
        last_review=_parse_time(state.get("last_review"), "last_review"),
    )


def state_from_card(card: Card) -> CardState:
    return dict(card.to_dict())


def new_card_state(now: datetime, card_id: int | None = None) -> CardState:
    """The state of a card never reviewed, due at `now`.

    `card_id` defaults to `now` in epoch milliseconds (fsrs would otherwise sleep 1 ms to
    make one up); the store's own id is what matters.
    """
    now = to_utc(now, "now")
    if card_id is None:
        card_id = int(now.timestamp() * 1000)
    return state_from_card(Card(card_id=card_id, due=now))


def review(
    card_state: CardState | None,
    rating: Rating | int,
    now: datetime,
    duration_ms: int | None = None,
    scheduler: Scheduler | None = None,
) -> tuple[CardState, dict[str, Any]]:
    """Review a card: returns its new state and the review log, both JSON-serialisable.

    `card_state` is not modified, so keeping it is enough to undo the review.
    """
    now = to_utc(now, "review time")
    rating = Rating(int(rating))
    scheduler = scheduler or default_scheduler()
    if card_state is None:
        card = Card(card_id=int(now.timestamp() * 1000), due=now)
    else:
        card = card_from_state(card_state)
    recall = retrievability_of_card(card, now, scheduler)
    new_card, log = scheduler.review_card(card, rating, now, duration_ms)
    log_dict = dict(log.to_dict())
    log_dict["retrievability"] = recall
    log_dict["state_before"] = int(card.state) if card_state is not None else None
    return state_from_card(new_card), log_dict


def retrievability_of_card(card: Card, when: datetime, scheduler: Scheduler) -> float:
    if card.last_review is None or not card.stability:
        return 0.0
    elapsed_days = max(0.0, (when - card.last_review).total_seconds() / 86400.0)
    return fractional_retrievability(card.stability, elapsed_days, scheduler)


def fractional_retrievability(stability: float, elapsed_days: float, scheduler: Scheduler) -> float:
    """FSRS forgetting curve with fractional days: R = (1 + F*t/S)^(-w20)."""
    decay = scheduler.parameters[20]
    factor = 0.9 ** (-1.0 / decay) - 1.0
    return (1.0 + factor * elapsed_days / stability) ** (-decay)


def interval_for_recall(stability: float, recall: float, scheduler: Scheduler) -> float:
    """Days after a review at which predicted recall falls to `recall` (inverse of the curve)."""
    decay = scheduler.parameters[20]
    factor = 0.9 ** (-1.0 / decay) - 1.0
    return stability / factor * (recall ** (-1.0 / decay) - 1.0)


def retrievability_at(
    card_state: CardState | None, when: datetime, scheduler: Scheduler | None = None
) -> float:
    """Predicted recall at `when`, counting fractional days (fsrs counts whole days only).

    0.0 for a card never reviewed.
    """
    when = to_utc(when, "when")
    if card_state is None or card_state.get("last_review") is None:
        return 0.0
    stability = card_state.get("stability")
    if not stability:
        return 0.0
    last_review = _parse_time(card_state["last_review"], "last_review")
    elapsed_days = max(0.0, (when - last_review).total_seconds() / 86400.0)
    return fractional_retrievability(
        float(stability), elapsed_days, scheduler or default_scheduler()
    )


def state_due(card_state: CardState | None) -> datetime | None:
    if card_state is None:
        return None
    return _parse_time(card_state["due"], "due")
