"""Queue building and the event cram planner (pure: card dicts in, card dicts out)."""

from datetime import date, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from fsrs import Rating

from namecards.drilling import (
    build_queue,
    cards_to_cram_now,
    make_scheduler,
    plan_cram,
    recall_at,
    review,
    separate_siblings,
)
from namecards.drilling.cram import can_wait_for_window, recall_after_good

T0 = datetime(2026, 3, 2, 20, 0, tzinfo=timezone.utc)  # day 0, evening session
EVENT = datetime(2026, 3, 5, 9, 30, tzinfo=timezone.utc)  # day 3, 09:30
S = make_scheduler(enable_fuzzing=False)


def learned(card_id, contact_id, when=T0, first=Rating.Good):
    """A card learned at `when`: its first answer, then Good at the 10-minute step(s)."""
    state, _ = review(None, first, when, scheduler=S)
    t = when
    while state["step"] is not None:
        t = datetime.fromisoformat(state["due"])
        state, _ = review(state, Rating.Good, t, scheduler=S)
    return {
        "id": card_id,
        "contact_id": contact_id,
        "kind": "name",
        "fsrs_state": state,
        "due": datetime.fromisoformat(state["due"]),
    }


def new(card_id, contact_id, when=T0):
    return {
        "id": card_id,
        "contact_id": contact_id,
        "kind": "name",
        "fsrs_state": None,
        "due": when,
    }


def adjacent_siblings(cards):
    return sum(a["contact_id"] == b["contact_id"] for a, b in pairwise(cards))


# --- queue ---------------------------------------------------------------------------------


def test_due_reviews_first_lowest_recall_first_then_new_cards():
    weak = learned(1, 1, first=Rating.Again)  # small stability
    strong = learned(2, 2)
    fresh = [new(10 + i, 10 + i) for i in range(3)]
    now = T0 + timedelta(days=5)
    assert recall_at(weak, now, S) < recall_at(strong, now, S)
    queue = build_queue([strong, *fresh, weak], now, scheduler=S)
    assert [c["id"] for c in queue] == [1, 2, 10, 11, 12]


def test_cards_not_due_are_left_out_and_limits_apply():
    not_due = learned(1, 1)
    fresh = [new(10 + i, 10 + i) for i in range(5)]
    queue = build_queue([not_due, *fresh], T0 + timedelta(hours=1), new_limit=2, scheduler=S)
    assert [c["id"] for c in queue] == [10, 11]
    due = [learned(i, i) for i in range(5)]
    queue = build_queue(due, T0 + timedelta(days=10), review_limit=3, new_limit=0, scheduler=S)
    assert len(queue) == 3


def test_due_may_be_an_iso_string_but_not_naive():
    card = learned(1, 1)
    card["due"] = card["fsrs_state"]["due"]
    assert build_queue([card], T0 + timedelta(days=10), scheduler=S) == [card]
    card["due"] = datetime(2026, 3, 3)
    with pytest.raises(ValueError, match="no time zone"):
        build_queue([card], T0 + timedelta(days=10), scheduler=S)


def test_siblings_are_kept_apart():
    # three cards per contact for two contacts, listed contact by contact
    cards = [new(i, i // 3) for i in range(6)]
    queue = build_queue(cards, T0, scheduler=S)
    assert sorted(c["id"] for c in queue) == list(range(6))
    assert adjacent_siblings(queue) == 0


def test_sibling_separation_keeps_priority_and_is_possible_when_tight():
    cards = [new(i, c) for i, c in enumerate(["a", "a", "a", "b", "b"])]
    ordered = separate_siblings(cards)
    assert [c["contact_id"] for c in ordered] == ["a", "b", "a", "b", "a"]
    cards = [new(i, c) for i, c in enumerate(["a", "b", "c", "a"])]
    assert [c["id"] for c in separate_siblings(cards)] == [0, 1, 2, 3]  # already fine
    # a greedy "first other contact" would strand the two c's together at the end
    cards = [new(i, c) for i, c in enumerate(["a", "b", "c", "c"])]
    assert adjacent_siblings(separate_siblings(cards)) == 0


def test_unavoidable_siblings_still_all_queued():
    cards = [new(i, "a") for i in range(3)] + [new(9, "b")]
    ordered = separate_siblings(cards)
    assert sorted(c["id"] for c in ordered) == [0, 1, 2, 9]
    assert adjacent_siblings(ordered) == 1  # the least possible


def test_no_siblings_between_reviews_and_new_cards():
    reviewed = learned(1, "a", first=Rating.Again)
    cards = [reviewed, new(2, "a"), new(3, "b")]
    queue = build_queue(cards, T0 + timedelta(days=3), scheduler=S)
    assert [c["id"] for c in queue] == [1, 3, 2]


# --- cram ----------------------------------------------------------------------------------


def test_cards_below_target_at_the_event_are_pulled_lowest_first():
    cards = [learned(1, 1), learned(2, 2, first=Rating.Again), learned(3, 3)]
    now = datetime(2026, 3, 5, 8, 0, tzinfo=timezone.utc)  # event morning
    recalls = {c["id"]: recall_at(c, EVENT, S) for c in cards}
    assert all(r < 0.95 for r in recalls.values())
    pulled = cards_to_cram_now(cards, now, EVENT, 0.95, S)
    assert [c["id"] for c in pulled] == sorted(recalls, key=recalls.get)
    assert pulled[0]["id"] == 2


def test_nothing_pulled_when_everyone_is_ready():
    morning = datetime(2026, 3, 5, 8, 0, tzinfo=timezone.utc)
    cards = [learned(i, i, when=morning - timedelta(minutes=30)) for i in range(4)]
    assert all(recall_at(c, EVENT, S) >= 0.95 for c in cards)
    assert cards_to_cram_now(cards, morning, EVENT, 0.95, S) == []
    plan = plan_cram(cards, morning, EVENT, scheduler=S, warm_up=False)
    assert all(ids == [] for _, ids in plan.days)


def test_nothing_pulled_after_the_event_started():
    cards = [learned(1, 1)]
    assert cards_to_cram_now(cards, EVENT + timedelta(minutes=1), EVENT, 0.95, S) == []


def test_a_pulled_card_reviewed_good_reaches_the_target():
    cards = [learned(i, i) for i in range(3)]
    now = datetime(2026, 3, 5, 8, 0, tzinfo=timezone.utc)
    for card in cards_to_cram_now(cards, now, EVENT, 0.95, S):
        state, _ = review(card["fsrs_state"], Rating.Good, now, scheduler=S)
        card["fsrs_state"] = state
    assert all(recall_at(c, EVENT, S) >= 0.95 for c in cards)
    assert cards_to_cram_now(cards, now + timedelta(minutes=5), EVENT, 0.95, S) == []


def test_cram_waits_for_the_window_far_from_the_event():
    far_event = T0 + timedelta(days=14)
    card = learned(1, 1)
    day1 = T0 + timedelta(hours=12)
    assert recall_at(card, far_event, S) < 0.95
    assert recall_after_good(card, day1, far_event, S) < 0.95
    assert cards_to_cram_now([card], day1, far_event, 0.95, S) == []
    assert cards_to_cram_now([card], far_event - timedelta(hours=3), far_event, 0.95, S) == [card]


def test_new_cards_are_crammed_and_skip_the_new_limit():
    cards = [new(i, i) for i in range(30)]
    assert len(build_queue(cards, T0, new_limit=20, scheduler=S)) == 20
    assert len(build_queue(cards, T0, new_limit=20, event_time=EVENT, cram=True, scheduler=S)) == 30
    assert len(cards_to_cram_now(cards, T0, EVENT, 0.95, S)) == 30
    after = EVENT + timedelta(hours=1)
    assert (
        len(build_queue(cards, after, new_limit=20, event_time=EVENT, cram=True, scheduler=S)) == 20
    )


def test_cram_pulls_a_card_not_yet_due_and_lets_a_due_one_wait_for_its_window():
    due = learned(1, 1, first=Rating.Again)  # small stability: due the next evening
    not_due = learned(2, 2)  # due on day 2 in the evening
    morning2 = datetime(2026, 3, 4, 8, 0, tzinfo=timezone.utc)  # 25.5 h before the event
    assert due["due"] <= morning2 < not_due["due"]
    assert [c["id"] for c in build_queue([due, not_due], morning2, scheduler=S)] == [1]
    # Reviewing card 1 now would leave it below target at the event, and its window opens
    # in a few hours: it waits. Card 2's window is open: one review now reaches the target.
    assert can_wait_for_window(due, morning2, EVENT, 0.95, S)
    assert recall_after_good(due, morning2, EVENT, S) < 0.95
    assert recall_after_good(not_due, morning2, EVENT, S) >= 0.95
    crammed = build_queue([due, not_due], morning2, event_time=EVENT, cram=True, scheduler=S)
    assert [c["id"] for c in crammed] == [2]
    # On the event morning both come up, the weaker first.
    morning3 = datetime(2026, 3, 5, 8, 0, tzinfo=timezone.utc)
    crammed = build_queue([due, not_due], morning3, event_time=EVENT, cram=True, scheduler=S)
    assert [c["id"] for c in crammed] == [1, 2]


def test_a_due_card_does_not_wait_when_its_window_is_far_or_on_the_last_day():
    event = datetime(2026, 3, 9, 9, 30, tzinfo=timezone.utc)  # day 7
    card = learned(1, 1, first=Rating.Again)
    morning2 = datetime(2026, 3, 4, 8, 0, tzinfo=timezone.utc)
    assert not can_wait_for_window(card, morning2, event, 0.95, S)  # window opens in 4 days
    assert build_queue([card], morning2, event_time=event, cram=True, scheduler=S) == [card]
    last = event - timedelta(hours=2)
    assert not can_wait_for_window(card, last, event, 0.95, S)
    assert build_queue([card], last, event_time=event, cram=True, scheduler=S) == [card]


def test_warm_up_pulls_everyone_on_the_event_day_only():
    cards = [learned(i, i, when=EVENT - timedelta(hours=2)) for i in range(3)]
    morning = EVENT - timedelta(hours=1)
    assert cards_to_cram_now(cards, morning, EVENT, 0.95, S) == []
    assert len(cards_to_cram_now(cards, morning, EVENT, 0.95, S, warm_up=True)) == 3
    assert cards_to_cram_now(cards, EVENT - timedelta(days=3), EVENT, 0.95, S, warm_up=True) == []


def test_plan_cram_spreads_days_and_ends_with_a_warm_up():
    cards = [learned(i, i) for i in range(4)] + [learned(9, 9, first=Rating.Again)]
    now = T0 + timedelta(hours=1)
    plan = plan_cram(cards, now, EVENT, scheduler=S)
    assert [d for d, _ in plan.days] == [date(2026, 3, 2) + timedelta(days=i) for i in range(4)]
    event_day_ids = plan.days[-1][1]
    assert set(event_day_ids) == {0, 1, 2, 3, 9}  # warm-up over everyone
    assert plan.warm_up[0] == 9  # lowest recall first
    assert plan.readiness >= plan.weakest >= 0.95
    assert all(plan.recall_now[i] < 0.95 for i in plan.recall_now)


def test_plan_cram_without_warm_up_still_reaches_target():
    cards = [learned(i, i) for i in range(6)] + [learned(9, 9, first=Rating.Again)]
    plan = plan_cram(cards, T0 + timedelta(hours=1), EVENT, scheduler=S, warm_up=False)
    planned = [i for _, ids in plan.days for i in ids]
    assert sorted(planned) == [0, 1, 2, 3, 4, 5, 9]
    assert plan.weakest >= 0.95


def test_plan_cram_respects_the_daily_limit_by_moving_work_earlier():
    cards = [learned(i, i) for i in range(6)]
    plan = plan_cram(
        cards, T0 + timedelta(hours=1), EVENT, scheduler=S, warm_up=False, daily_limit=2
    )
    counts = [len(ids) for _, ids in plan.days]
    assert sum(counts) == 6
    assert max(counts) <= 2


def test_plan_cram_lists_lowest_recall_first_within_a_day():
    cards = [learned(1, 1), learned(2, 2, first=Rating.Again), learned(3, 3)]
    morning = datetime(2026, 3, 5, 7, 0, tzinfo=timezone.utc)
    plan = plan_cram(cards, morning, EVENT, scheduler=S, warm_up=False)
    assert plan.days[-1][1][0] == 2
