"""The briefing for an interview: who you will meet, what you talked about, company facts,
questions to ask, and how ready you are (predicted recall per person at the event time).

Open it with `BriefingScreen(store, event)`; `event` is an event dict, id or name, or None
for the next upcoming event.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Static

from namecards.domain.events import get_event
from namecards.services.briefing import build_briefing
from namecards.services.readiness import format_recall, upcoming_event
from tui.screens._base import NamecardsScreen


def _pct(value: float | None) -> str:
    return format_recall(value)


class BriefingScreen(NamecardsScreen):
    CSS_PATH = "briefing.tcss"
    BINDINGS = [
        Binding("r", "reload", "Refresh", id="briefing.reload"),
        Binding("d", "drill", "Drill this event", id="briefing.drill"),
    ]

    @dataclass
    class Loaded(Message):
        """The briefing was (re)built; `data` is what `build_briefing` returned."""

        data: dict

    def __init__(self, store=None, event=None):
        super().__init__()
        self._store = store
        self.event = event
        self.data: dict | None = None
        self._shown_once = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="brief-body"):
            yield Static(id="schedule")
            yield Static("Who you will meet", classes="section-title")
            yield VerticalScroll(id="people")
            yield Static(id="others")
            yield Static("Facts to bring up", classes="section-title")
            yield Static(id="facts")
            yield Static("Questions to ask", classes="section-title")
            yield Static(id="questions")
            yield Static("Readiness", classes="section-title")
            yield Static(id="readiness")
        yield Footer()

    @property
    def store(self):
        return self._store if self._store is not None else self.app.store

    def clock(self):
        return self.store.now()

    async def on_mount(self) -> None:
        await self.action_reload()

    async def on_screen_resume(self) -> None:
        # Back from a drill, recall has changed. (The first resume comes right after mount.)
        if self.data is not None and self._shown_once:
            await self.action_reload()
        self._shown_once = True

    async def action_reload(self) -> None:
        event = self.event
        if event is None:
            event = upcoming_event(self.store, self.clock())
        if event is None:
            self.query_one("#schedule", Static).update(
                "[b]No events yet.[/b]\n\nAdd the interview, then come back:\n"
                '  namecards event add "Acme — second interview" --date 2026-12-03T09:30 '
                '--company "Acme"')
            return
        self.data = build_briefing(self.store, event, now=self.clock())
        await self.show(self.data)
        self.post_message(self.Loaded(self.data))

    # ------------------------------------------------------------ showing

    async def show(self, b: dict) -> None:
        ev = b["event"]
        self.title = f"Briefing — {ev['name']}"
        r = b["readiness"]
        status = ("Ready", "green bold") if r["ready"] else ("Not ready yet", "yellow bold")
        company = b["company"]
        self.query_one("#schedule", Static).update(Text.assemble(
            (ev["name"], "bold"), "\n", f"When: {ev['when'] or 'no date yet'}",
            f" · Company: {company['name']}" if company else "", "\n", status))

        people = self.query_one("#people", VerticalScroll)
        await people.remove_children()
        cards = []
        for p in b["people"]:
            lines = [Text.assemble((p["full_name"], "bold"),
                                   (f"  say “{p['pronunciation']}”", "italic")
                                   if p["pronunciation"] else "")]
            role = ", ".join(x for x in (p["title"], p["company"]) if x) or "(no title yet)"
            if p["role"]:
                role += f" · {p['role']}"
            lines.append(Text(role))
            recall = f"recall {_pct(p['recall'])}" if p["reviewed"] else "not drilled yet"
            lines.append(Text(recall, style="green" if p["ready"] else "yellow"))
            if p["mnemonic"]:
                lines.append(Text(f"remember: {p['mnemonic']}", style="italic"))
            lines += [Text(f"• {t}") for t in p["points"]]
            cards.append(Static(Text("\n").join(lines), classes="person",
                                id=f"person-{p['id']}"))
        if not cards:
            cards.append(Static("Nobody linked to this event yet.", classes="empty"))
        await people.mount_all(cards)

        others = self.query_one("#others", Static)
        others.display = bool(b["others"])
        if b["others"]:
            others.update(Text.assemble((f"Also at {company['name']}:", "bold"), " ", "; ".join(
                f"{o['full_name']} — {o['relation']}" for o in b["others"])))

        self.query_one("#facts", Static).update(Text("\n").join(
            Text.assemble(f"• {f['text']}", (f"  ({f['source']})", "dim") if f["source"] else "")
            for f in b["facts"]) or Text("No research yet: namecards dossier COMPANY -"))
        self.query_one("#questions", Static).update(Text("\n").join(
            Text(("☑ " if q["asked"] else "☐ ") + q["text"]
                 + (f" — {q['answer']}" if q["answer"] else ""),
                 style="dim" if q["asked"] else "")
            for q in b["questions"]) or Text('None yet: namecards ask add --event NAME "..."'))

        names = r["names"]
        summary = (
            f"Names {names['total'] - names['below']}/{names['total']} at "
            f"≥ {names['target'] * 100:.0f}% · questions to ask {r['questions']['open']} · "
            f"thank-you notes {'ready' if r['thank_you']['ok'] else 'not ready'}"
        )
        lines = [summary]
        lines += [f"{i}. {step}" for i, step in enumerate(r["next"], 1)]
        self.query_one("#readiness", Static).update(Text("\n".join(lines)))

    # ------------------------------------------------------------ actions

    def action_drill(self) -> None:
        drill_screen = getattr(self.app, "drill_screen", None)
        if drill_screen is None or self.data is None:
            self.notify("The drill is not available here.", severity="warning")
            return
        event = get_event(self.store, self.data["event"]["id"])
        self.app.push_screen(drill_screen(event))
