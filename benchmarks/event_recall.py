"""Event-recall benchmark: how well does each drill policy prepare you for a meeting?

Monte Carlo of a learner whose memory follows FSRS-6 with default parameters. The true
recall probability of a card at time t is the FSRS retrievability (fractional days) of the
card's true state, which is updated with every sampled answer; a first exposure is recalled
with probability 0.7. Answers are binary: recalled -> Good, else Again.

The learner drills at fixed sessions: the evening of the day they met everyone (20:00) and
every morning after (08:00), up to the morning of the event. At each session they review
what the policy says is due; a card answered Again (or still in its learning steps) comes
back in the same session once its step (1 or 10 minutes) has passed.

Usage: python benchmarks/event_recall.py [--runs N] [--seed S] [--no-write]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from fsrs import Card, Rating

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from namecards.drilling import build_queue, make_scheduler, retrievability_at, review
from namecards.drilling.scheduling import retrievability_of_card

EPOCH = datetime(2026, 3, 2, tzinfo=timezone.utc)  # day 0, a Monday
FIRST_EXPOSURE_RECALL = 0.7
SECONDS_PER_ANSWER = 8  # simulated time the learner spends per card
IN_SESSION = timedelta(hours=1)  # a step due within this of the review is done in the session
TARGET = 0.95
CRAM_PASSES = 8  # in cram mode the drill screen rebuilds the queue when it runs out (capped)
DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
START, END = "<!-- event_recall:start -->", "<!-- event_recall:end -->"


def at(day: int, hour: float) -> datetime:
    return EPOCH + timedelta(days=day, hours=hour)


@dataclass(frozen=True)
class Scenario:
    name: str
    people: int
    met: datetime
    event: datetime

    @property
    def sessions(self) -> list[datetime]:
        times = [at(0, 20)]
        day = 1
        while at(day, 8) < self.event:
            times.append(at(day, 8))
            day += 1
        return times


SCENARIOS = [
    Scenario("A: 8 people, interview day 3 09:30", 8, at(0, 11), at(3, 9.5)),
    Scenario("B: 40 people at a fair, meeting day 7 09:30", 40, at(0, 11), at(7, 9.5)),
]

TRUTH = make_scheduler(enable_fuzzing=False)  # memory model: default FSRS-6, no fuzz


class Learner:
    """The true memory of each person's card, and the sampling of answers."""

    def __init__(self, people: int, rng: np.random.Generator):
        self.rng = rng
        # an fsrs Card, or for namecards' own policies the card state dict it keeps
        self.memory: list[Card | dict | None] = [None] * people
        self.reviews = 0

    def answer(self, person: int, now: datetime) -> Rating:
        memory = self.memory[person]
        p = FIRST_EXPOSURE_RECALL if memory is None else recall(memory, now)
        self.reviews += 1
        return Rating.Good if self.rng.random() < p else Rating.Again

    def learn(self, person: int, rating: Rating, now: datetime) -> None:
        """Update the true memory (for policies that do not keep an FSRS card themselves)."""
        memory = self.memory[person] or Card(card_id=person, due=now)
        self.memory[person], _ = TRUTH.review_card(memory, rating, now)

    def recall_at(self, when: datetime) -> list[float]:
        return [recall(m, when) if m is not None else 0.0 for m in self.memory]


def recall(memory: Card | dict, when: datetime) -> float:
    """True recall probability: FSRS-6 retrievability with fractional days."""
    if isinstance(memory, dict):
        return retrievability_at(memory, when, TRUTH)
    return retrievability_of_card(memory, when, TRUTH)


def in_session(now: datetime, queue, review_one, passes: int = 1) -> datetime:
    """One drill session. `queue(now)` lists the person ids to review; each is reviewed, then
    every card whose step falls due within the session comes back. With `passes` > 1 the
    queue is asked again when empty (what the drill screen does in cram mode), up to that
    many times. `review_one(person, now)` returns the card's next due or None."""
    for _ in range(passes):
        pending = queue(now)
        if not pending:
            break
        later: list[tuple[datetime, int]] = []
        for person in pending:
            due = review_one(person, now)
            now += timedelta(seconds=SECONDS_PER_ANSWER)
            if due is not None and due - now < IN_SESSION:
                later.append((due, person))
        while later:
            later.sort()
            due, person = later.pop(0)
            now = max(now, due)
            due = review_one(person, now)
            now += timedelta(seconds=SECONDS_PER_ANSWER)
            if due is not None and due - now < IN_SESSION:
                later.append((due, person))
    return now


# --- policies -----------------------------------------------------------------------------


def run_fsrs(scenario: Scenario, rng, *, retention: float, cram: bool) -> Learner:
    """namecards' own drill: the queue from `build_queue`, reviews through `review()`."""
    scheduler = make_scheduler(retention)
    learner = Learner(scenario.people, rng)
    cards = [
        {"id": i, "contact_id": i, "kind": "name", "fsrs_state": None, "due": scenario.met}
        for i in range(scenario.people)
    ]

    def review_one(person: int, now: datetime) -> datetime | None:
        card = cards[person]
        rating = learner.answer(person, now)
        state, _ = review(card["fsrs_state"], rating, now, scheduler=scheduler)
        card["fsrs_state"] = state
        card["due"] = datetime.fromisoformat(state["due"])
        # The scheduler's S and D are the memory model's (retention and fuzz only move `due`).
        learner.memory[person] = state
        return card["due"]

    def queue(now: datetime) -> list[int]:
        cards_now = build_queue(
            cards,
            now,
            new_limit=10**6,
            review_limit=10**6,
            event_time=scenario.event if cram else None,
            cram=cram,
            target=TARGET,
            scheduler=scheduler,
        )
        return [c["id"] for c in cards_now]

    for start in scenario.sessions:
        in_session(start, queue, review_one, passes=CRAM_PASSES if cram else 1)
    return learner


def next_session(scenario: Scenario, when: datetime) -> datetime | None:
    return next((s for s in scenario.sessions if s >= when), None)


def run_fixed(scenario: Scenario, rng) -> Learner:
    """Reminders at +1 h, +5 h and +1 day after meeting, each moved to the first session at
    or after it (reminders landing in the same session merge). A miss is repeated after a
    minute until recalled."""
    learner = Learner(scenario.people, rng)
    reminders = sorted(
        {
            s
            for offset in (timedelta(hours=1), timedelta(hours=5), timedelta(days=1))
            if (s := next_session(scenario, scenario.met + offset)) is not None
        }
    )
    for start in scenario.sessions:
        if start not in reminders:
            continue

        def review_one(person: int, now: datetime) -> datetime | None:
            rating = learner.answer(person, now)
            learner.learn(person, rating, now)
            return now + timedelta(minutes=1) if rating == Rating.Again else None

        in_session(start, lambda now: list(range(scenario.people)), review_one)
    return learner


@dataclass
class Sm2Card:
    step: int | None = 0  # learning step index, None once graduated
    relearning: bool = False
    interval: int = 0  # days
    ease: float = 2.5
    due: datetime | None = None
    due_day: int | None = None  # review cards are due on a day, as in Anki


SM2_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
SM2_RELEARN = timedelta(minutes=10)


def run_sm2(scenario: Scenario, rng) -> Learner:
    """A simple model of Anki's default SM-2: learning steps 1 and 10 min, graduating
    interval 1 day, then interval x ease (2.5, Good keeps it); a lapse costs 0.2 ease,
    relearns with a 10 min step and restarts at 1 day. Review cards are due on a calendar
    day (any session that day), learning steps at their exact time."""
    learner = Learner(scenario.people, rng)
    cards = [Sm2Card(due=scenario.met) for _ in range(scenario.people)]

    def day_of(t: datetime) -> int:
        return (t - EPOCH).days

    def review_one(person: int, now: datetime) -> datetime | None:
        card = cards[person]
        rating = learner.answer(person, now)
        learner.learn(person, rating, now)
        if card.step is not None:  # learning or relearning
            steps = (SM2_RELEARN,) if card.relearning else SM2_STEPS
            if rating == Rating.Again:
                card.step = 0
            else:
                card.step += 1
            if card.step < len(steps):
                card.due = now + steps[card.step]
                return card.due
            card.step, card.relearning = None, False
            card.interval = max(1, card.interval)
        elif rating == Rating.Again:
            card.ease = max(1.3, card.ease - 0.2)
            card.interval = 1
            card.step, card.relearning = 0, True
            card.due = now + SM2_RELEARN
            return card.due
        else:
            card.interval = max(card.interval + 1, int(card.interval * card.ease + 0.5))
        card.due = None
        card.due_day = day_of(now) + card.interval
        return None

    def queue(now: datetime) -> list[int]:
        return [
            i
            for i, c in enumerate(cards)
            if (c.step is not None and c.due <= now)
            or (c.step is None and c.due_day <= day_of(now))
        ]

    for start in scenario.sessions:
        in_session(start, queue, review_one)
    return learner


POLICIES = {
    "namecards event cram": lambda s, rng: run_fsrs(s, rng, retention=0.9, cram=True),
    "plain FSRS 0.9": lambda s, rng: run_fsrs(s, rng, retention=0.9, cram=False),
    "plain FSRS 0.95": lambda s, rng: run_fsrs(s, rng, retention=0.95, cram=False),
    "fixed reminders +1h/+5h/+1d": run_fixed,
    "Anki default SM-2": run_sm2,
}
BASELINE = "plain FSRS 0.9"


def simulate(scenario: Scenario, runs: int, seed: int) -> dict[str, dict[str, float]]:
    results = {}
    for index, (name, policy) in enumerate(POLICIES.items()):
        means, weakest, reviews = [], [], []
        for run in range(runs):
            # Same seed per run for every policy: common random numbers.
            rng = np.random.default_rng([seed, run])
            random.seed(seed * 1_000_003 + run)  # fsrs fuzz uses the random module
            learner = policy(scenario, rng)
            recall = learner.recall_at(scenario.event)
            means.append(float(np.mean(recall)))
            weakest.append(float(np.min(recall)))
            reviews.append(learner.reviews / scenario.people)
        results[name] = {
            "mean": float(np.mean(means)),
            "weakest": float(np.mean(weakest)),
            "weakest_p05": float(np.percentile(weakest, 5)),
            "reviews": float(np.mean(reviews)),
        }
    return results


def table(scenario: Scenario, results: dict, runs: int) -> str:
    base = results[BASELINE]
    lines = [
        f"**Scenario {scenario.name}** ({scenario.people} people, {runs} runs, "
        f"{len(scenario.sessions)} sessions)",
        "",
        "| policy | mean recall at event | weakest person (mean of min) | weakest, 5th pct "
        "| reviews / person | weakest vs FSRS 0.9 | reviews vs FSRS 0.9 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['mean']:.3f} | {r['weakest']:.3f} | {r['weakest_p05']:.3f} "
            f"| {r['reviews']:.2f} | {r['weakest'] / base['weakest']:.2f}× "
            f"| {r['reviews'] / base['reviews']:.2f}× |"
        )
    return "\n".join(lines)


def write_docs(markdown: str, path: Path = DOCS) -> None:
    section = f"{START}\n{markdown}\n{END}"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = re.sub(
            re.escape(START) + r".*?" + re.escape(END), lambda _: section, text, flags=re.DOTALL
        )
    else:
        text = text.rstrip("\n") + "\n\n## Event recall\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20260302)
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs alone")
    args = parser.parse_args(argv)

    started, cpu_started = time.perf_counter(), time.process_time()
    parts = []
    verdicts = []
    for scenario in SCENARIOS:
        results = simulate(scenario, args.runs, args.seed)
        parts.append(table(scenario, results, args.runs))
        ours, fsrs95 = results["namecards event cram"], results["plain FSRS 0.95"]
        verdicts.append(
            f"- {scenario.name.split(':')[0]}: weakest person {ours['weakest']:.3f} "
            f"({'meets' if ours['weakest'] >= TARGET else 'misses'} the {TARGET} target), "
            f"{ours['reviews']:.2f} reviews/person vs {fsrs95['reviews']:.2f} for plain FSRS 0.95 "
            f"({'no more' if ours['reviews'] <= fsrs95['reviews'] else 'more'})."
        )
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    notes = (
        "Sessions: day 0 at 20:00 and every morning at 08:00 up to the event; everyone met on "
        "day 0 at 11:00. Fixed reminders land on the first session at or after +1 h, +5 h and "
        "+1 day (so day 0 20:00 and day 2 08:00). Recall is the true FSRS-6 retrievability "
        '(fractional days) at the event time; "weakest person" is the mean over runs of the '
        "lowest recall among that run's people. "
        f"Seed {args.seed}; generated by `python benchmarks/event_recall.py --runs {args.runs}` "
        f"in {elapsed:.0f} s ({cpu:.0f} s of CPU)."
    )
    markdown = "\n\n".join(parts) + "\n\n" + "\n".join(verdicts) + "\n\n" + notes
    print(markdown)
    if not args.no_write:
        write_docs(markdown)
        print(f"\nwritten to {DOCS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
