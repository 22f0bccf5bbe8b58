"""The drill: the card with the name blanked is the cue; type the name, see the spelling diff.

Every answer is written to the store the moment it is graded, so quitting loses nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from namecards import deck, drilling

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


class DrillScreen(Screen):
    CSS_PATH = "drill.tcss"
    BINDINGS = [
        Binding("escape", "leave", "Leave", id="drill.leave"),
        Binding("space", "reveal", "Show answer", id="drill.reveal"),
        Binding("1", "rate(1)", "Again", id="drill.again", show=False),
        Binding("2", "rate(2)", "Hard", id="drill.hard", show=False),
        Binding("3", "rate(3)", "Good", id="drill.good", show=False),
        Binding("4", "rate(4)", "Easy", id="drill.easy", show=False),
        Binding("enter", "next", "Next", id="drill.next", show=False),
        Binding("u", "undo", "Undo", id="drill.undo"),
        Binding("q", "leave", "Quit", id="drill.quit"),
    ]

    @dataclass
    class Answered(Message):
        card_id: int
        rating: int
        verdict: str

    def __init__(self, store, *, event=None, limit=None, cram=False, now=None):
        super().__init__()
        self.store = store
        self.event = event
        self.limit = limit
        self.cram = cram
        self.fixed_now = now
        self.cards: list[dict] = []
        self.position = 0
        self.prompt: dict | None = None
        self.phase = "ask"  # ask -> shown
        self.started = 0.0
        self.done = 0
        self.last_rating = 0
        self.last_typed: str | None = None

    def now(self):
        return self.fixed_now or deck.utcnow()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="progress")
        with Horizontal(id="body"):
            yield Vertical(id="card-pane")
            with Vertical(id="cue-pane"):
                yield Static(id="question")
                yield Static(id="cue")
                yield Input(placeholder="Type the full name, then Enter", id="answer-input")
                yield Static(id="result")
                yield Static(id="keys")
        yield Footer()

    def on_mount(self) -> None:
        title = "Drill"
        if self.event:
            title += f" — {self.event['name']}"
        self.title = title
        self.cards = deck.queue(self.store, event=self.event, limit=self.limit, cram=self.cram,
                                now=self.now())
        self.show_card()

    # ------------------------------------------------------------ showing

    def show_card(self) -> None:
        result = self.query_one("#result", Static)
        result.update("")
        pane = self.query_one("#card-pane", Vertical)
        pane.remove_children()
        answer_input = self.query_one("#answer-input", Input)
        if self.position >= len(self.cards):
            self.prompt = None
            self.phase = "done"
            answer_input.display = False
            self.query_one("#question", Static).update(
                "[b]Nothing due right now.[/b]" if not self.done else
                f"[b]Done for now[/b] — {self.done} answer{'s' if self.done != 1 else ''} saved."
            )
            self.query_one("#cue", Static).update(
                "Every answer is saved. Come back when cards are due, or cram an event:\n"
                "  namecards drill --event NAME --cram"
            )
            self.query_one("#keys", Static).update("[b]q[/b] quit  [b]u[/b] undo the last answer")
            self.query_one("#progress", Static).update("")
            return
        card = self.cards[self.position]
        self.prompt = deck.card_prompt(self.store, card)
        self.phase = "ask"
        self.started = time.monotonic()
        p = self.prompt
        self.query_one("#progress", Static).update(
            f"Card {self.position + 1} of {len(self.cards)} · {p['kind']}"
        )
        self.query_one("#question", Static).update(f"[b]{escape(p['question'])}[/b]")
        lines = []
        if p["kind"] != "name":
            lines.append(f"[b]{escape(p['full_name'])}[/b]")
        role = " · ".join(x for x in (p["title"], p["company"]) if x)
        if role and p["kind"] != "who-is":
            lines.append(escape(role))
        if p["event"] and p["kind"] != "who-is":
            lines.append(f"Met at: {escape(p['event'])}" + (f" ({escape(p['role'])})" if p["role"] else ""))
        if p.get("hint") and p["kind"] == "name":
            lines.append(f"[i]They talked about: {escape(p['hint'])}[/i]")
        self.query_one("#cue", Static).update("\n".join(lines))
        image = deck.masked_card_image(self.store, p) if p["kind"] == "name" else None
        if image is not None:
            from textual_image.widget import Image as ImageWidget

            pane.mount(ImageWidget(image, classes="card-image"))
            pane.display = True
        else:
            pane.display = p["kind"] == "name"
            if pane.display:
                pane.mount(Static("(no card image)", classes="no-image"))
        answer_input.value = ""
        answer_input.display = p["typed"]
        if p["typed"]:
            answer_input.focus()
            self.query_one("#keys", Static).update("[b]Enter[/b] check  [b]Esc[/b] leave")
        else:
            self.set_focus(None)
            self.query_one("#keys", Static).update("[b]Space[/b] show the answer  [b]q[/b] quit")

    # ------------------------------------------------------------ answering

    @on(Input.Submitted, "#answer-input")
    def check_typed(self, event: Input.Submitted) -> None:
        if self.phase != "ask" or self.prompt is None:
            return
        typed = event.value
        grade = drilling.grade_answer(typed, self.prompt["answer"])
        self.record(rating=None, typed=typed)
        self.query_one("#answer-input", Input).display = False
        verdict = {"exact": "[green b]Right.[/]", "accents": "[yellow b]Almost — mind the accents.[/]",
                   "near": "[yellow b]Close — check the spelling.[/]",
                   "wrong": "[red b]Not quite.[/]"}.get(grade.verdict, "")
        self.query_one("#result", Static).update(
            f"{verdict}\n\nYou typed:  {drilling.render_diff_markup(grade)}\n"
            f"Spelled:    [b]{escape(self.prompt['answer'])}[/b]"
            + self._answer_extras()
        )
        self.query_one("#keys", Static).update(
            f"Graded [b]{RATING_NAMES[self.last_rating]}[/b] · [b]Enter[/b] next  "
            "[b]1-4[/b] change the grade  [b]u[/b] undo"
        )
        self.set_focus(None)

    def _answer_extras(self) -> str:
        p = self.prompt or {}
        extra = ""
        if p.get("pronunciation"):
            extra += f"\nSay it:     {escape(p['pronunciation'])}"
        if p.get("mnemonic"):
            extra += f"\nRemember:   {escape(p['mnemonic'])}"
        return extra

    def action_reveal(self) -> None:
        if self.phase != "ask" or self.prompt is None or self.prompt["typed"]:
            return
        self.phase = "revealed"
        self.query_one("#result", Static).update(
            f"[b]{escape(self.prompt['answer'])}[/b]" + self._answer_extras()
        )
        self.query_one("#keys", Static).update(
            "How well did you know it?  [b]1[/b] again  [b]2[/b] hard  [b]3[/b] good  [b]4[/b] easy"
        )

    def action_rate(self, rating: int) -> None:
        if self.prompt is None:
            return
        if self.phase == "revealed":
            self.record(rating=rating)
            self.advance()
        elif self.phase == "shown" and rating != self.last_rating:
            # The user overrides the grade the diff gave: replace that review.
            deck.undo_last(self.store)
            self.done -= 1
            self.record(rating=rating, typed=self.last_typed)
            self.query_one("#keys", Static).update(
                f"Graded [b]{RATING_NAMES[rating]}[/b] · [b]Enter[/b] next  [b]1-4[/b] change  "
                "[b]u[/b] undo"
            )

    def record(self, *, rating: int | None, typed: str | None = None) -> None:
        duration = int((time.monotonic() - self.started) * 1000)
        answer = deck.answer_card(self.store, self.prompt["card_id"], rating=rating, typed=typed,
                                  duration_ms=duration, now=self.now(), cram=self.cram)
        self.last_rating = answer.rating
        self.last_typed = typed
        self.phase = "shown"
        self.done += 1
        self.post_message(self.Answered(answer.card_id, answer.rating, answer.verdict))

    def action_next(self) -> None:
        if self.phase == "shown":
            self.advance()

    def advance(self) -> None:
        self.position += 1
        self.show_card()

    def action_undo(self) -> None:
        card_id = deck.undo_last(self.store)
        if card_id is None:
            self.notify("Nothing to undo.")
            return
        self.done = max(0, self.done - 1)
        # Show the undone card again, in front of the current one.
        if self.phase == "shown" and self.prompt and self.prompt["card_id"] == card_id:
            pass
        else:
            self.position = max(0, self.position - 1)
            if self.position >= len(self.cards) or self.cards[self.position]["id"] != card_id:
                self.cards.insert(self.position, next(
                    c for c in deck.load_cards(self.store) if c["id"] == card_id))
        self.notify("Took back the last answer.")
        self.show_card()

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()
