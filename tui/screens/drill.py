"""The drill: the card with the name blanked is the cue; type the name, see the spelling diff.

Every answer is written to the store the moment it is graded, so quitting loses nothing.
Name cards (and cloze talking points) are typed and graded by the character diff; who-is and
point cards are revealed with space and graded 1-4. Before an event the queue is its cram,
rebuilt when it runs out while it returns cards; on the event's day a warm-up pass is offered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from namecards import drilling
from namecards.config import drill_settings
from namecards.domain.card_kinds import deck
from namecards.drilling.settings import DrillSettings
from namecards.services import tui_api
from tui.widgets.card_text import answer_lines, replica_text

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
# In cram mode the queue is rebuilt when it runs out, while it returns cards, at most this
# many times in a session (as in benchmarks/event_recall.py; in practice 2-3 rounds).
MAX_ROUNDS = 8
# None: textual-image picks how to draw (graphics protocol or half blocks); the snapshot
# tests set "halfcell" so the picture does not depend on the terminal running them.
IMAGE_RENDERER: str | None = None

# The name cue: "text" (a replica of the card from its OCR words), "image" (the masked
# picture), or None: the picture where the terminal draws pixels (sixel, Kitty, iTerm2),
# the text replica where it would only draw half blocks (tmux, most SSH sessions).
CUE: str | None = None
RETRY_SECONDS = 1.0  # an answer kept while another process writes is tried again this often

VERDICTS = {
    "exact": ("Right.", "green bold"),
    "accents": ("Almost — mind the accents.", "yellow bold"),
    "near": ("Close — check the spelling.", "yellow bold"),
    "wrong": ("Not quite.", "red bold"),
}


def keys_text(*pairs: tuple[str, str]) -> Text:
    """ "Enter check  Esc leave" with the keys in bold (our own words, never user data)."""
    text = Text()
    for i, (key, what) in enumerate(pairs):
        if i:
            text.append("  ")
        text.append(key, "bold")
        text.append(f" {what}")
    return text


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
        # Input's (no text goes in); the binding (the box's, the drill's or the app's, nearest
        # first, as the screen lists them) runs here, since a key with its default prevented
        # no longer triggers it on the way up.
        event.prevent_default()
        event.stop()
        active = self.screen.active_bindings.get(event.key)
        if active is not None:
            await self.app.run_action(active.binding.action, active.node)

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
        # "Name all N things": how many were recalled (1-4 above count too).
        *[Binding(str(n), f"recalled({n})", str(n), id=f"drill.recalled{n}", show=False)
          for n in (0, 5, 6, 7, 8, 9)],
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

    def __init__(self, store, *, event=None, limit=None, cram=False,
                 settings: DrillSettings | None = None):
        super().__init__()
        self.store = store
        self.event = event
        self.limit = limit
        self.cram = cram  # --cram: one pass over everyone of the event, ready or not
        # From the app factory (`namecards drill --retention`), else config.json.
        self.settings = settings or drill_settings()
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
        self.missed: dict[int, tuple[str, str | None]] = {}  # name card -> (name, typed)
        self.pending: list[dict] = []  # answers kept while another process holds the lock
        self._retry_timer = None

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
        if self.cue_mode() == "image" and not cell_renderer():
            # A terminal that draws pixels: the card as large as the screen allows.
            pane = self.query_one("#card-pane", Vertical)
            pane.styles.max_width = "60%"
            pane.styles.width = "3fr"
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
        p, cue = self.prepared(card)
        if self.prompt is None:  # back from the empty state (or the first card)
            self.call_after_refresh(self.refresh_bindings)
        self.prompt = p
        self.phase = "ask"
        self.started = time.monotonic()
        self.query_one("#progress", Static).update(self.progress_line(p))
        self.query_one("#question", Static).update(Text(p["question"], style="bold"))
        self.query_one("#cue", Static).update(self.cue_text(p))
        # The pane keeps its place for every kind of card (only its content comes and goes):
        # a layout that does not move is calmer to read and much cheaper to redraw.
        pane.display = True
        pane.visible = p["kind"] == "name"
        if pane.visible:
            self.show_picture(pane, cue)
        answer_input.value = ""
        if p["typed"]:
            placeholder = ("Type the missing words, then Enter" if p.get("cloze")
                           else "Type the full name, then Enter")
            keys = keys_text(("Enter", "check"), ("Esc", "leave"))
        else:
            placeholder = "Space shows the answer"
            keys = keys_text(("Space", "show the answer"), ("u", "undo"), ("q", "quit"))
        answer_input.placeholder = placeholder
        self.query_one("#keys", Static).update(keys)
        if not answer_input.display:  # back from the empty state
            answer_input.display, answer_input.disabled = True, False
        if self.focused is not answer_input:
            answer_input.focus()
        self.call_after_refresh(self.prepare_next)

    def cue_mode(self) -> str:
        if CUE in ("text", "image"):
            return CUE
        return "text" if cell_renderer() else "image"

    def replica_columns(self) -> int:
        # The card pane is 2/5 of the width (28 to 56 columns), less its padding and border.
        width = self.app.size.width or 80
        return max(24, min(MAX_PICTURE_CELLS, width * 2 // 5) - 5)

    def prepared(self, card: dict) -> tuple[dict, object]:
        """The card's prompt and cue (a text replica or a picture), from the look-ahead cache
        or made now."""
        cached = self._ready.pop(card["id"], None)
        if cached is not None:
            return cached
        prompt = deck.card_prompt(self.store, card)
        return prompt, self.make_cue(prompt, reveal=False)

    def make_cue(self, prompt: dict, *, reveal: bool):
        if prompt["kind"] != "name":
            return None
        if self.cue_mode() == "text":
            replica = deck.card_replica(self.store, prompt, columns=self.replica_columns(),
                                        reveal=reveal)
            if replica is not None:
                return replica_text(replica)
        image = deck.masked_card_image(self.store, prompt, reveal=reveal)
        if image is not None and cell_renderer():
            # Half blocks draw one pixel per cell across, two down: a card pane of at most
            # 56 columns needs nothing like the scan's resolution, and a small picture is
            # drawn in a fraction of the time.
            image.thumbnail((MAX_PICTURE_CELLS * 2, MAX_PICTURE_CELLS * 2))
        return image

    def prepare_next(self) -> None:
        """Look ahead one card: its prompt and masked picture are ready before it is due."""
        following = self.position + 1
        if following < len(self.cards):
            card = self.cards[following]
            if card["id"] not in self._ready:
                self._ready = {card["id"]: self.prepared(card)}

    def show_picture(self, pane: Vertical, cue) -> None:
        pictures = pane.query(".card-image")
        replicas = pane.query(".card-text")
        placeholder = pane.query(".no-image")
        for widget in (*pictures, *replicas, *placeholder):
            widget.display = False
        if cue is None:
            if placeholder:
                placeholder.first().display = True
            else:
                pane.mount(Static("(no card image or photo)", classes="no-image"))
        elif isinstance(cue, Text):
            if replicas:
                replicas.first().update(cue)
                replicas.first().display = True
            else:
                pane.mount(Static(cue, classes="card-text"))
        elif pictures:
            picture = pictures.first()
            picture.image = cue
            picture.display = True
        else:
            pane.mount(image_widget(cue, classes="card-image"))

    def reveal_card(self) -> None:
        """After the answer, the card with the name in place."""
        p = self.prompt or {}
        if p.get("kind") != "name":
            return
        cue = self.make_cue(p, reveal=True)
        if cue is not None:
            self.show_picture(self.query_one("#card-pane", Vertical), cue)

    def progress_line(self, p: dict) -> Text:
        mode = {"cram": f"cram for {self.event['name']}" if self.event else "cram",
                "warm-up": "warm-up", "everyone": "everyone, ready or not", "due": "due"}
        kind = {"points": "all points", "point": "point"}.get(p["kind"], p["kind"])
        line = Text(f"Card {self.position + 1} of {len(self.cards)} · {kind} · "
                    f"{mode[self.mode]}")
        if self.warm_up_cards and self.mode != "warm-up":
            line.append(" · ")
            line.append("F8", "bold")
            line.append(f" warm-up over all {self.warm_up_cards} cards")
        if self.pending:
            line.append(f" · {len(self.pending)} answer(s) waiting to be saved", "yellow")
        return line

    def cue_text(self, p: dict) -> Text:
        text = Text()

        def line(value: str = "", style: str = "") -> None:
            if text.plain or text.spans:
                text.append("\n")
            text.append(value, style)

        role = " · ".join(x for x in (p["title"], p["company"]) if x)
        if p["kind"] == "name":
            if role:
                line(role)
        elif p["kind"] == "point" and p.get("cloze"):
            line(p["full_name"] or "", "bold")
            if role:
                line(role)
        elif p["kind"] == "point" and p.get("quote"):
            line(f"“{p['quote']}”", "bold")
        elif p["kind"] == "who-is":
            if p.get("pronunciation"):
                line(f"Say it: {p['pronunciation']}")
        elif p["kind"] == "points":
            line("Say them to yourself, then Space to check.", "italic")
        elif p.get("full_name"):
            line(p["full_name"], "bold")
        if p.get("event") and p["kind"] in ("name", "point"):
            line(f"Met at: {p['event']}" + (f" ({p['role']})" if p.get("role") else ""))
        if p.get("hint") and p["kind"] == "name":
            line(f"Talked about: {p['hint']}", "italic")
        if p.get("cloze"):
            line()
            line(f"“{p['cloze']}”", "bold")
        return text

    def show_empty(self) -> None:
        self.prompt = None
        self.phase = "done"
        answer_input = self.query_one("#answer-input", Input)
        answer_input.display, answer_input.disabled = False, True
        self.query_one("#card-pane", Vertical).display = False
        if self.done:
            headline = Text.assemble(("Done for now", "bold"), f" — {self.done} answer"
                                     f"{'s' if self.done != 1 else ''} saved.")
        else:
            headline = Text("Nothing due right now.", style="bold")
        self.query_one("#question", Static).update(headline)
        lines = Text("Every answer is saved." if not self.pending else
                     f"{len(self.pending)} answer(s) wait for the database (another "
                     "namecards is writing); they are saved as soon as it is free.")
        now = self.now()
        outlook = (deck.cram_outlook(self.store, self.event, now, self.settings)
                   if self.event is not None else None)
        if outlook is not None:
            lines.append("\n" + outlook.sentence(now))
        else:
            upcoming = next_due(self.store, now)
            if upcoming:
                lines.append(f"\nNext card due {upcoming}.")
        if self.missed:
            lines.append("\n\nNames to look at again:", "bold")
            for name, typed in self.missed.values():
                lines.append("\n  ")
                lines.append(name, "bold")
                if typed:
                    lines.append(f"  (you typed “{typed}”)", "dim")
        if self.warm_up_cards:
            lines.append("\nToday is the day: press ")
            lines.append("w", "bold")
            lines.append(" or ")
            lines.append("F8", "bold")
            lines.append(f" for a warm-up pass over all {self.warm_up_cards} cards of "
                         f"{self.event['name']}.")
        elif not self.event:
            lines.append("\nBefore an event, cram it:  namecards drill --event NAME")
        self.query_one("#cue", Static).update(lines)
        self.query_one("#keys", Static).update(
            keys_text(("q", "quit"), ("u", "undo the last answer")))
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
        typed = event.value
        answer = self.record(rating=None, typed=typed)
        answer_input = self.query_one("#answer-input", Input)
        answer_input.value = ""
        answer_input.placeholder = "Enter: next card"
        self.show_grade(answer.grade, typed)
        self.reveal_card()

    def show_grade(self, grade: drilling.Grade, typed: str) -> None:
        p = self.prompt or {}
        verdict, style = VERDICTS.get(grade.verdict, ("", ""))
        text = Text()
        text.append(verdict, style)
        if grade.verdict != "exact" or typed.strip() != p["answer"].strip():
            text.append("\n")
            text.append_text(answer_lines(typed, p["answer"]))
        self.query_one("#result", Static).update(text)
        spelling = Text(p["answer"], style="bold")
        spelling.append_text(self.answer_extras())
        if p.get("context"):
            spelling.append("\n")
            spelling.append(p["context"], "italic")
        spelling_box = self.query_one("#spelling", Static)
        spelling_box.set_class(grade.verdict != "exact", "miss")
        spelling_box.update(spelling)
        self.show_graded_keys()

    def show_graded_keys(self) -> None:
        text = Text("Graded ")
        text.append(RATING_NAMES[self.last_rating], "bold")
        text.append(" · ")
        text.append_text(keys_text(("Enter", "next"), ("1-4", "change the grade"),
                                   ("u", "undo")))
        self.query_one("#keys", Static).update(text)

    def answer_extras(self) -> Text:
        p = self.prompt or {}
        extra = Text()
        if p.get("pronunciation"):
            extra.append(f"\nSay it:    {p['pronunciation']}")
        if p.get("mnemonic"):
            extra.append(f"\nRemember:  {p['mnemonic']}")
        return extra

    def action_reveal(self) -> None:
        if self.phase != "ask" or self.prompt is None or self.prompt["typed"]:
            return
        self.phase = "revealed"
        spelling = self.query_one("#spelling", Static)
        spelling.set_class(False, "miss")
        answer = Text(self.prompt["answer"], style="bold")
        answer.append_text(self.answer_extras())
        spelling.update(answer)
        if self.prompt["kind"] == "points":
            n = self.prompt["count"]
            keys = Text("How many did you recall?  ")
            keys.append(f"0-{min(n, 9)}", "bold")
            keys.append(f" (all {n}: Good; half or more: Hard; fewer: Again)")
        else:
            keys = Text("How well did you know it?  ")
            keys.append_text(keys_text(("1", "again"), ("2", "hard"), ("3", "good"),
                                       ("4", "easy")))
        self.query_one("#keys", Static).update(keys)

    def action_recalled(self, count: int) -> None:
        """A "name all N things" card graded by how many were recalled."""
        p = self.prompt
        if p is None or p["kind"] != "points" or self.phase != "revealed":
            return
        n = p["count"]
        count = min(count, n)
        rating = 3 if count >= n else 2 if count * 2 >= n else 1
        self.record(rating=rating, verdict=f"{count} of {n}")
        self.advance()

    def action_rate(self, rating: int) -> None:
        if self.prompt is None:
            return
        if self.phase == "revealed":
            if self.prompt["kind"] == "points":
                self.action_recalled(rating)
                return
            self.record(rating=rating)
            self.advance()
        elif self.phase == "shown" and rating != self.last_rating:
            if self.pending:
                # Not saved yet: change the kept answer itself.
                self.pending[-1]["rating"] = rating
                self.last_rating = rating
                self.show_graded_keys()
                return
            # The user overrides the grade the diff gave: that review is re-rated in place.
            answer = deck.regrade(self.store, self.last_review_id, rating, self.settings)
            self.last_rating = answer.rating
            self.post_message(self.Answered(answer.card_id, answer.rating, answer.verdict))
            self.show_graded_keys()

    def record(self, *, rating: int | None, typed: str | None = None,
               verdict: str | None = None) -> deck.Answer:
        """Grade and save an answer. If another process holds the write lock (a long
        import), the answer is kept and saved as soon as the lock is free: never lost."""
        duration = int((time.monotonic() - self.started) * 1000)
        cram = {"cram": deck.CRAM_PULL, "everyone": deck.CRAM_PULL,
                "warm-up": deck.CRAM_WARM_UP}.get(self.mode, 0)
        p = self.prompt
        grade = drilling.grade_answer(typed, p["answer"]) if typed is not None else None
        if rating is None and grade is not None:
            rating = int(grade.rating)
        request = {"card_id": p["card_id"], "rating": rating, "typed": typed,
                   "duration_ms": duration, "now": self.now(), "cram": cram,
                   "settings": self.settings, "verdict": verdict,
                   "expected": p["answer"] if typed is not None else None}
        self.last_rating = rating
        self.phase = "shown"
        self.done += 1
        missed = rating == 1 or (grade is not None and grade.verdict != "exact")
        if p["kind"] == "name" and missed:
            self.missed[p["card_id"]] = (p["answer"], typed)
        if self.pending:
            self.pending.append(request)  # keep their order
            self.flush_pending()
        else:
            try:
                self.save(request)
            except deck.StoreBusy:
                self.pending.append(request)
                self.start_retrying()
        return deck.Answer(self.last_review_id or 0, p["card_id"], rating,
                           grade.verdict if grade else (verdict or "rated"), self.now(),
                           grade=grade)

    def save(self, request: dict) -> deck.Answer:
        request = dict(request)
        # An override given while the answer waited, kept with the typed text.
        answer = deck.save_answer(self.store, request.pop("card_id"), **request)
        self.last_review_id = answer.review_id
        if answer.leech:
            self.notify(f"Forgotten {deck.LEECH_LAPSES} times: a leech. A mnemonic or a photo "
                        "may help (namecards edit).", title="Leech", severity="warning")
        self.post_message(self.Answered(answer.card_id, answer.rating, answer.verdict))
        return answer

    def start_retrying(self) -> None:
        self.notify("The database is busy (another namecards is writing, e.g. an import). "
                    "Your answer is kept and will be saved as soon as it is free; go on.",
                    title="Saving later", severity="warning", timeout=6)
        if self._retry_timer is None:
            self._retry_timer = self.set_interval(RETRY_SECONDS, self.flush_pending)

    def flush_pending(self) -> None:
        while self.pending:
            try:
                self.save(self.pending[0])
            except deck.StoreBusy:
                if self._retry_timer is None:
                    self._retry_timer = self.set_interval(RETRY_SECONDS, self.flush_pending)
                return
            self.pending.pop(0)
        if self._retry_timer is not None:
            self._retry_timer.stop()
            self._retry_timer = None
            self.notify("Every answer is saved.")
        if self.prompt is not None:
            self.query_one("#progress", Static).update(self.progress_line(self.prompt))

    def action_next(self) -> None:
        if self.phase == "shown":
            self.advance()

    def advance(self) -> None:
        self.position += 1
        self.show_card()

    def action_undo(self) -> None:
        if self.pending:
            card_id = self.pending.pop()["card_id"]
        else:
            card_id = deck.undo_last(self.store)
        if card_id is None:
            self.notify("Nothing to undo.")
            return
        self.missed.pop(card_id, None)
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
        self.app.drill_missed = list(self.missed.values())
        if self.pending:
            self.flush_pending()
        if self.pending:
            self.notify(f"{len(self.pending)} answer(s) still wait for the database: "
                        "press q again in a moment (another namecards is writing).",
                        title="Not saved yet", severity="warning")
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()


def next_due(store, now) -> str | None:
    """When the next reviewed card falls due, said plainly ("in 10 min", "tomorrow 08:00")."""
    due = tui_api.next_review_due(store, now)
    if due is None:
        return None
    minutes = int((due - now).total_seconds() // 60)
    if minutes < 60:
        return f"in {max(1, minutes)} min"
    if minutes < 24 * 60:
        return f"in {minutes // 60} h"
    local = due.astimezone(deck.local_zone())
    return f"on {local:%a %d %b}"
