"""FSRS wrapper: states as JSON dicts, aware datetimes, fractional-day retrievability."""

import json
import math
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from fsrs import Rating, State

from namecards.drilling import (
    NaiveDatetimeError,
    card_from_state,
    make_scheduler,
    new_card_state,
    retrievability_at,
    review,
)

T0 = datetime(2026, 3, 2, 20, 0, tzinfo=timezone.utc)


def test_make_scheduler_settings():
    s = make_scheduler(0.95)
    assert s.desired_retention == 0.95
    assert s.learning_steps == (timedelta(minutes=1), timedelta(minutes=10))
    assert s.relearning_steps == (timedelta(minutes=10),)
    assert s.maximum_interval == 36500
    assert s.enable_fuzzing


def test_new_card_is_due_now():
    state = new_card_state(T0)
    assert datetime.fromisoformat(state["due"]) == T0
    assert state["last_review"] is None
    assert state["stability"] is None
    assert retrievability_at(state, T0 + timedelta(hours=1)) == 0.0
    assert retrievability_at(None, T0) == 0.0


def test_review_of_new_card_goes_through_learning_steps():
    state, log = review(None, Rating.Good, T0, duration_ms=4200)
    assert state["state"] == State.Learning
    assert datetime.fromisoformat(state["due"]) == T0 + timedelta(minutes=10)
    assert log["rating"] == 3 and log["review_duration"] == 4200
    assert datetime.fromisoformat(log["review_datetime"]) == T0
    state2, _ = review(state, 3, T0 + timedelta(minutes=10))
    assert state2["state"] == State.Review
    assert datetime.fromisoformat(state2["due"]) >= T0 + timedelta(days=1)


def test_again_resets_to_first_step():
    state, _ = review(None, Rating.Again, T0)
    assert datetime.fromisoformat(state["due"]) == T0 + timedelta(minutes=1)


def test_review_does_not_modify_its_input_and_survives_json():
    state, _ = review(None, Rating.Good, T0)
    snapshot = json.dumps(state)
    after, log = review(json.loads(snapshot), Rating.Good, T0 + timedelta(minutes=11))
    assert json.dumps(state) == snapshot  # undo = keep the old dict
    round_tripped = json.loads(json.dumps(after))
    assert round_tripped == after
    json.dumps(log)
    card = card_from_state(round_tripped)
    assert card.stability == pytest.approx(after["stability"])
    assert card.due.tzinfo is not None


def test_zero_stability_survives_unlike_card_from_dict():
    state = new_card_state(T0)
    state.update(state=2, step=None, stability=0.0, difficulty=5.0, last_review=T0.isoformat())
    assert card_from_state(state).stability == 0.0


def test_naive_datetimes_are_refused():
    with pytest.raises(NaiveDatetimeError, match="no time zone"):
        review(None, Rating.Good, datetime(2026, 3, 2, 20, 0))
    with pytest.raises(NaiveDatetimeError):
        new_card_state(datetime(2026, 3, 2))
    state, _ = review(None, Rating.Good, T0)
    with pytest.raises(NaiveDatetimeError):
        retrievability_at(state, datetime(2026, 3, 3))


def test_other_time_zones_are_converted_to_utc():
    local = T0.astimezone(ZoneInfo("America/Sao_Paulo"))
    state, log = review(None, Rating.Good, local)
    assert datetime.fromisoformat(log["review_datetime"]) == T0
    assert datetime.fromisoformat(state["last_review"]).utcoffset() == timedelta(0)


def test_retrievability_counts_fractional_days():
    s = make_scheduler()
    state, _ = review(None, Rating.Good, T0, scheduler=s)
    state, _ = review(state, Rating.Good, T0 + timedelta(minutes=10), scheduler=s)
    last = datetime.fromisoformat(state["last_review"])
    stability = state["stability"]
    w20 = s.parameters[20]
    factor = 0.9 ** (-1 / w20) - 1
    for hours in (0, 6, 13.5, 36):
        t = hours / 24
        expected = (1 + factor * t / stability) ** (-w20)
        assert retrievability_at(state, last + timedelta(hours=hours), s) == pytest.approx(expected)
    # fsrs itself counts whole days: 1.0 for the first 24 h; we do not
    half_day = retrievability_at(state, last + timedelta(hours=12), s)
    assert half_day < 1.0
    assert s.get_card_retrievability(card_from_state(state), last + timedelta(hours=12)) == 1.0
    # at t = S the curve passes through 0.9 by construction
    at_s = retrievability_at(state, last + timedelta(days=stability), s)
    assert math.isclose(at_s, 0.9, rel_tol=1e-9)


def test_retrievability_decreases_with_time():
    state, _ = review(None, Rating.Good, T0)
    values = [retrievability_at(state, T0 + timedelta(hours=h)) for h in range(0, 100, 7)]
    assert values == sorted(values, reverse=True)
    assert values[0] == 1.0


def test_drilling_imports_no_ui():
    import subprocess
    import sys

    code = "import sys, namecards.drilling; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
