"""Pure drill logic: grading typed answers, FSRS scheduling over JSON states, queues and cram.

No database and no UI here: the store keeps the states, the TUI shows the cards.
"""

from namecards.drilling.cram import (
    CramPlan,
    can_wait_for_window,
    cards_to_cram_now,
    plan_cram,
    recall_after_good,
    recall_at,
    window_opens,
)
from namecards.drilling.grading import (
    Grade,
    answer_diff,
    diff_ops,
    fold_accents,
    grade_answer,
    normalize_spacing,
    render_diff_markup,
)
from namecards.drilling.queue import build_queue, separate_siblings, spread_siblings
from namecards.drilling.scheduling import (
    CardState,
    NaiveDatetimeError,
    card_from_state,
    fractional_retrievability,
    interval_for_recall,
    make_scheduler,
    new_card_state,
    retrievability_at,
    review,
    state_from_card,
    to_utc,
)

__all__ = [
    "answer_diff",
    "CardState",
    "CramPlan",
    "Grade",
    "NaiveDatetimeError",
    "build_queue",
    "can_wait_for_window",
    "card_from_state",
    "cards_to_cram_now",
    "diff_ops",
    "fold_accents",
    "fractional_retrievability",
    "grade_answer",
    "interval_for_recall",
    "make_scheduler",
    "new_card_state",
    "normalize_spacing",
    "plan_cram",
    "recall_after_good",
    "recall_at",
    "render_diff_markup",
    "retrievability_at",
    "review",
    "separate_siblings",
    "spread_siblings",
    "state_from_card",
    "to_utc",
    "window_opens",
]
