"""The drill: the card with the name blanked is the cue; type the name, see the spelling diff.

Every answer is written to the store the moment it is graded, so quitting loses nothing.
Name cards (and cloze talking points) are typed and graded by the character diff; who-is and
point cards are revealed with space and graded 1-4. Before an event the queue is its cram,
rebuilt when it runs out while it returns cards; on the event's day a warm-up pass is offered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

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
# In cram mode the queue is rebuilt when it runs out, while it returns cards, at most this
# many times in a session (as in benchmarks/event_recall.py; in practice 2-3 rounds).
MAX_ROUNDS = 8
# None: textual-image picks how to draw (graphics protocol or half blocks); the snapshot
# tests set "halfcell" so the picture does not depend on the terminal running them.
IMAGE_RENDERER: str | None = None

VERDICTS = {
    "exact": "[green b]Right.[/]",
    "accents": "[yellow b]Almost — mind the accents.[/]",
    "near": "[yellow b]Close — check the spelling.[/]",
    "wrong": "[red b]Not quite.[/]",
}


class AnswerBox(Input):
    """The answer box. It keeps the focus for the whole session (a focus change re-lays the
    footer out, too slow between two cards) and takes text only while a typed card is asked;
    any other time its keys go to the drill's bindings (space, 1-4, u, q)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # Printable keys are the drill's (space, 1-4, u, q) unless a typed card is asked.
        return bool(getattr(self.screen, "typing", False)) and super().check_consume_key(
            key, character)

    async def _on_key(self, event) -> None:
        if getattr(self.screen, "typing", False):
            return  # Input._on_key, next in the MRO, types the character
        # Textual calls every class's `_on_key` down the MRO: prevent_default stops it before
        # Input's (no text goes in); the bindings (the box's, the drill's, the app's) run here,
        # since a key with its default prevented no longer triggers them on the way up.
        event.prevent_default()
        event.stop()
        await self.app._check_bindings(event.key)

    def _on_paste(self, event) -> None:
        if not getattr(self.screen, "typing", False):
            event.prevent_default()
            event.stop()


MAX_PICTURE_CELLS = 56  # drill.tcss: #card-pane max-width


def cell_renderer() -> bool:
    """Will the picture be drawn with characters (half blocks, unicode) rather than pixels?"""
    if IMAGE_RENDERER in ("halfcell", "unicode"):
        return True
    from textual_image.renderable import Image as Auto
    from textual_image.renderable.halfcell import Image as Halfcell
    from textual_image.renderable.unicode import Image as Unicode

    return Auto in (Halfcell, Unicode)


def image_widget(image, **kwargs):
    # textual_image costs ~0.3 s to import; only the drill's name cards need it.
    from textual_image import widget

    factory = {"halfcell": widget.HalfcellImage, "unicode": widget.UnicodeImage}.get(
        IMAGE_RENDERER or "", widget.Image)
    return factory(image, **kwargs)


class DrillScreen(Screen):
    CSS_PATH = "drill.tcss"
    AUTO_FOCUS = None  # show_card focuses the answer box when the card is typed
    BINDINGS = [
        Binding("escape", "leave", "Leave", id="drill.leave"),
        Binding("space", "reveal", "Show answer", id="drill.reveal"),
        Binding("1", "rate(1)", "Again", id="drill.again", show=False),
        Binding("2", "rate(2)", "Hard", id="drill.hard", show=False),
        Binding("3", "rate(3)", "Good", id="drill.good", show=False),
        Binding("4", "rate(4)", "Easy", id="drill.easy", show=False),
        Binding("enter", "next", "Next", id="drill.next", show=False),
        Binding("u", "undo", "Undo", id="drill.undo"),
        # F8 too: while a name is being typed, "w" is a letter.
        Binding("w,f8", "warm_up", "Warm-up", id="drill.warm_up"),
        Binding("q", "leave", "Quit", id="drill.quit"),
    ]

    @dataclass
    class Answered(Message):
        """An answer was stored (an override posts a second one for the same card)."""

        card_id: int
        rating: int
        verdict: str

    @dataclass
    class Undone(Message):
        card_id: int

    def __init__(self, store, *, event=None, limit=None, cram=False):
        super().__init__()
        self.store = store
        self.event = event
        self.limit = limit
        self.cram = cram  # --cram: one pass over everyone of the event, ready or not
        # `namecards drill --retention` leaves its settings on the store (see cli.drill).
        self.settings = getattr(store, "drill_settings", None) or deck.drill_settings()
        self.cards: list[dict] = []
        self.position = 0
        self.prompt: dict | None = None
        self.phase = "ask"  # ask -> (revealed) -> shown; done when the queue is empty
        self.mode = "due"  # due | cram | everyone | warm-up
        self.rounds = 0
        self.started = 0.0
        self.done = 0
        self.last_rating = 0
        self.last_review_id: int | None = None
        self.warm_up_cards = 0
        self._ready: dict = {}  # card id -> (prompt, picture) prepared ahead

    def now(self):
        return self.store.now()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="progress")
        with Horizontal(id="body"):
            yield Vertical(id="card-pane")
            with Vertical(id="cue-pane"):
                yield Static(id="question")
                yield Static(id="cue")
                yield AnswerBox(placeholder="Type the full name, then Enter", id="answer-input")
                yield Static(id="result")
                yield Static(id="spelling")
                yield Static(id="keys")
        yield Footer()

    def on_mount(self) -> None:
        title = "Drill"
        if self.event:
            title += f" — {self.event['name']}"
        self.title = title
        now = self.now()
        if self.event is not None and self.cram:
            self.mode = "everyone"
        elif deck.is_cramming(self.event, now):
            self.mode = "cram"
        self.cards = self.build_queue(now)
        self.warm_up_cards = deck.warm_up_offer(self.store, self.event, now)
        if self.warm_up_cards:
            self.refresh_bindings()
        self.show_card()

    def build_queue(self, now) -> list[dict]:
        return deck.queue(self.store, event=self.event, limit=self.remaining(),
                          cram=self.mode == "everyone", now=now, settings=self.settings)

    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.done)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "warm_up":
            return bool(self.warm_up_cards) and self.mode != "warm-up"
        if action in ("reveal", "rate", "next"):
            # Bindings are refreshed only when the queue empties or fills (a footer refresh on
            # every card costs more than the 50 ms budget); the keys line says what applies.
            return self.prompt is not None
        return True

    # ------------------------------------------------------------ showing

    def refill(self) -> bool:
        """The queue ran out: after a warm-up or everyone pass, and in cram mode (at most
        MAX_ROUNDS times), ask for the queue again; fragile cards come back this way."""
        if self.remaining() == 0:
            return False
        if self.mode in ("warm-up", "everyone"):
            self.mode = "cram" if deck.is_cramming(self.event, self.now()) else "due"
        elif self.mode != "cram" or self.rounds >= MAX_ROUNDS:
            return False
        self.rounds += 1
        self.cards = self.build_queue(self.now())
        self.position = 0
        return bool(self.cards)

    def show_card(self) -> None:
        # Kept cheap: the next card must be on screen within 50 ms of an answer, so widgets are
        # reused (no mounting) and the prompt and picture were prepared while the user thought.
        for name in ("#result", "#spelling"):
            self.query_one(name, Static).update("")
        self.query_one("#spelling", Static).remove_class("miss")
        pane = self.query_one("#card-pane", Vertical)
        answer_input = self.query_one("#answer-input", Input)
        if self.position >= len(self.cards) and not self.refill():
            self.show_empty()
            return
        card = self.cards[self.position]
        p, image = self.prepared(card)
        if self.prompt is None:  # back from the empty state (or the first card)
            self.call_after_refresh(self.refresh_bindings)
        self.prompt = p
        self.phase = "ask"
        self.started = time.monotonic()
        self.query_one("#progress", Static).update(self.progress_line(p))
        self.query_one("#question", Static).update(f"[b]{escape(p['question'])}[/b]")
        self.query_one("#cue", Static).update(self.cue_text(p))
        # The pane keeps its place for every kind of card (only its content comes and goes):
        # a layout that does not move is calmer to read and much cheaper to redraw.
        pane.display = True
        pane.visible = p["kind"] == "name"
        if pane.visible:
            self.show_picture(pane, image)
        answer_input.value = ""
        if p["typed"]:
            placeholder = ("Type the full name, then Enter" if p["kind"] == "name"
                           else "Type the missing words, then Enter")
            keys = "[b]Enter[/b] check  [b]Esc[/b] leave"
        else:
            placeholder = "Space shows the answer"
            keys = "[b]Space[/b] show the answer  [b]u[/b] undo  [b]q[/b] quit"
        answer_input.placeholder = placeholder
        self.query_one("#keys", Static).update(keys)
        if not answer_input.display:  # back from the empty state
            answer_input.display, answer_input.disabled = True, False
        if self.focused is not answer_input:
            answer_input.focus()
        self.call_after_refresh(self.prepare_next)

    def prepared(self, card: dict) -> tuple[dict, object]:
        """The card's prompt and picture, from the look-ahead cache or made now."""
        cached = self._ready.pop(card["id"], None)
        if cached is not None:
            return cached
        prompt = deck.card_prompt(self.store, card)
        image = deck.masked_card_image(self.store, prompt) if prompt["kind"] == "name" else None
        if image is not None and cell_renderer():
            # Half blocks draw one pixel per cell across, two down: a card pane of at most
            # 56 columns needs nothing like the scan's resolution, and a small picture is
            # drawn in a fraction of the time.
            image.thumbnail((MAX_PICTURE_CELLS * 2, MAX_PICTURE_CELLS * 2))
        return prompt, image

    def prepare_next(self) -> None:
        """Look ahead one card: its prompt and masked picture are ready before it is due."""
        following = self.position + 1
        if following < len(self.cards):
            card = self.cards[following]
            if card["id"] not in self._ready:
                self._ready = {card["id"]: self.prepared(card)}

    def show_picture(self, pane: Vertical, image) -> None:
        pictures = pane.query(".card-image")
        placeholder = pane.query(".no-image")
        if image is None:
            for widget in pictures:
                widget.display = False
            if placeholder:
                placeholder.first().display = True
            else:
                pane.mount(Static("(no card image or photo)", classes="no-image"))
            return
        for widget in placeholder:
            widget.display = False
        if pictures:
            picture = pictures.first()
            picture.image = image
            picture.display = True
        else:
            pane.mount(image_widget(image, classes="card-image"))

    def progress_line(self, p: dict) -> str:
        mode = {"cram": f"cram for {self.event['name']}" if self.event else "cram",
                "warm-up": "warm-up", "everyone": "everyone, ready or not", "due": "due"}
        line = f"Card {self.position + 1} of {len(self.cards)} · {p['kind']} · {mode[self.mode]}"
        if self.warm_up_cards and self.mode != "warm-up":
            line += f" · [b]F8[/b] warm-up over all {self.warm_up_cards} cards"
        return line

    def cue_text(self, p: dict) -> str:
        lines = []
        if p["kind"] == "name":
            role = " · ".join(x for x in (p["title"], p["company"]) if x)
            if role:
                lines.append(escape(role))
        elif p["kind"] == "point":
            lines.append(f"[b]{escape(p['full_name'])}[/b]")
            role = " · ".join(x for x in (p["title"], p["company"]) if x)
            if role:
                lines.append(escape(role))
        elif p["kind"] == "who-is":
            if p.get("pronunciation"):
                lines.append(f"Say it: {escape(p['pronunciation'])}")
        elif p.get("full_name"):
            lines.append(f"[b]{escape(p['full_name'])}[/b]")
        if p.get("event") and p["kind"] in ("name", "point"):
            lines.append(f"Met at: {escape(p['event'])}"
                         + (f" ({escape(p['role'])})" if p.get("role") else ""))
        if p.get("hint") and p["kind"] == "name":
            lines.append(f"[i]Talked about: {escape(p['hint'])}[/i]")
        if p.get("cloze"):
            lines.append("")
            lines.append(f"[b]“{escape(p['cloze'])}”[/b]")
        return "\n".join(lines)

    def show_empty(self) -> None:
        self.prompt = None
        self.phase = "done"
        answer_input = self.query_one("#answer-input", Input)
        answer_input.display, answer_input.disabled = False, True
        self.query_one("#card-pane", Vertical).display = False
        if self.done:
            headline = (f"[b]Done for now[/b] — {self.done} answer{'s' if self.done != 1 else ''}"
                        " saved.")
        else:
            headline = "[b]Nothing due right now.[/b]"
        self.query_one("#question", Static).update(headline)
        lines = ["Every answer is saved."]
        upcoming = next_due(self.store, self.now())
        if upcoming:
            lines.append(f"Next card due {upcoming}.")
        if self.warm_up_cards:
            lines.append(f"Today is the day: press [b]w[/b] or [b]F8[/b] for a warm-up pass "
                         f"over all {self.warm_up_cards} cards of "
                         f"{escape(self.event['name'])}.")
        elif not self.event:
            lines.append("Before an event, cram it:  namecards drill --event NAME")
        self.query_one("#cue", Static).update("\n".join(lines))
        self.query_one("#keys", Static).update("[b]q[/b] quit  [b]u[/b] undo the last answer")
        self.query_one("#progress", Static).update("")
        self.set_focus(None)
        self.refresh_bindings()

    # ------------------------------------------------------------ answering

    @property
    def typing(self) -> bool:
        """Is the answer box taking text (a typed card, not yet answered)?"""
        return self.phase == "ask" and self.prompt is not None and self.prompt["typed"]

    @on(Input.Submitted, "#answer-input")
    def check_typed(self, event: Input.Submitted) -> None:
        # Enter reaches the box's own binding first: it checks, reveals, or moves on.
        event.stop()
        if self.prompt is None:
            return
        if not self.typing:
            if self.phase == "shown":
                self.action_next()
            elif self.phase == "ask":
                self.action_reveal()
            return
        answer = self.record(rating=None, typed=event.value)
        answer_input = self.query_one("#answer-input", Input)
        answer_input.value = ""
        answer_input.placeholder = "Enter: next card"
        self.show_grade(answer.grade)

    def show_grade(self, grade: drilling.Grade) -> None:
        p = self.prompt or {}
        diff = drilling.render_diff_markup(grade)
        text = f"{VERDICTS.get(grade.verdict, '')}\nYou typed:  {diff}"
        self.query_one("#result", Static).update(text)
        spelling = f"[b]{escape(p['answer'])}[/b]" + self.answer_extras()
        if p.get("context"):
            spelling += f"\n[i]{escape(p['context'])}[/i]"
        spelling_box = self.query_one("#spelling", Static)
        spelling_box.set_class(grade.verdict != "exact", "miss")
        spelling_box.update(spelling)
        self.show_graded_keys()

    def show_graded_keys(self) -> None:
        self.query_one("#keys", Static).update(
            f"Graded [b]{RATING_NAMES[self.last_rating]}[/b] · [b]Enter[/b] next  "
            "[b]1-4[/b] change the grade  [b]u[/b] undo")

    def answer_extras(self) -> str:
        p = self.prompt or {}
        extra = ""
        if p.get("pronunciation"):
            extra += f"\nSay it:    {escape(p['pronunciation'])}"
        if p.get("mnemonic"):
            extra += f"\nRemember:  {escape(p['mnemonic'])}"
        return extra

    def action_reveal(self) -> None:
        if self.phase != "ask" or self.prompt is None or self.prompt["typed"]:
            return
        self.phase = "revealed"
        self.query_one("#spelling", Static).set_class(False, "miss")
        self.query_one("#spelling", Static).update(
            f"[b]{escape(self.prompt['answer'])}[/b]" + self.answer_extras())
        self.query_one("#keys", Static).update(
            "How well did you know it?  "
            "[b]1[/b] again  [b]2[/b] hard  [b]3[/b] good  [b]4[/b] easy")

    def action_rate(self, rating: int) -> None:
        if self.prompt is None:
            return
        if self.phase == "revealed":
            self.record(rating=rating)
            self.advance()
        elif self.phase == "shown" and rating != self.last_rating:
            # The user overrides the grade the diff gave: that review is re-rated in place.
            answer = deck.regrade(self.store, self.last_review_id, rating, self.settings)
            self.last_rating = answer.rating
            self.post_message(self.Answered(answer.card_id, answer.rating, answer.verdict))
            self.show_graded_keys()

    def record(self, *, rating: int | None, typed: str | None = None) -> deck.Answer:
        duration = int((time.monotonic() - self.started) * 1000)
        cram = {"cram": deck.CRAM_PULL, "everyone": deck.CRAM_PULL,
                "warm-up": deck.CRAM_WARM_UP}.get(self.mode, 0)
        answer = deck.answer_card(
            self.store, self.prompt["card_id"], rating=rating, typed=typed,
            duration_ms=duration, now=self.now(), cram=cram, settings=self.settings,
            expected=self.prompt["answer"] if typed is not None else None)
        self.last_rating = answer.rating
        self.last_review_id = answer.review_id
        self.phase = "shown"
        self.done += 1
        if answer.leech:
            self.notify(f"Forgotten {deck.LEECH_LAPSES} times: a leech. A mnemonic or a photo "
                        "may help (namecards edit).", title="Leech", severity="warning")
        self.post_message(self.Answered(answer.card_id, answer.rating, answer.verdict))
        return answer

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
        current = self.prompt["card_id"] if self.prompt else None
        if not (self.phase == "shown" and current == card_id):
            # Ask the undone card again, in front of the current one.
            if self.position > 0 and self.cards[self.position - 1]["id"] == card_id:
                self.position -= 1
            else:
                self.cards.insert(self.position, deck.get_card(self.store, card_id))
        self.post_message(self.Undone(card_id))
        self.notify("Took back the last answer.")
        self.show_card()

    def action_warm_up(self) -> None:
        if not self.warm_up_cards or self.mode == "warm-up":
            return
        cards = deck.warm_up_queue(self.store, self.event, self.now(), self.settings)
        self.warm_up_cards = 0
        if not cards:
            self.notify("The event has started: no warm-up now.")
            return
        self.mode = "warm-up"
        self.cards, self.position = cards, 0
        self.show_card()

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()


def next_due(store, now) -> str | None:
    """When the next reviewed card falls due, said plainly ("in 10 min", "tomorrow 08:00")."""
    row = next(store.db.query(
        "select min(due) as due from drill_cards where suspended = 0 and fsrs_state is not null "
        "and due > ?", [deck._iso(now)]), None)
    if not row or not row["due"]:
        return None
    due = deck._parse_due(row["due"])
    minutes = int((due - now).total_seconds() // 60)
    if minutes < 60:
        return f"in {max(1, minutes)} min"
    if minutes < 24 * 60:
        return f"in {minutes // 60} h"
    local = due.astimezone(deck.local_zone())
    return f"on {local:%a %d %b}"
