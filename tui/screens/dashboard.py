"""The dashboard: drills due, readiness before upcoming events, letters due, scans to review.

Every line opens the screen that deals with it. With an empty home it explains how to start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from namecards.services import tui_api
from namecards.services.due import day_plan
from namecards.services.due import due as due_items
from namecards.services.review_queue import review_count
from namecards.services.stats import READY_TARGET, collect_stats
from tui.screens._base import NamecardsScreen
from tui.widgets.tiles import Tile

FIRST_RUN = """\
[b]Welcome to namecards.[/b]  Your address book is empty.

[b]1.[/b] Press [b]s[/b] to scan cards: [b]Ctrl+E[/b] opens the bundled sample cards
   (or your own photos), give the event a name, press [b]Ctrl+S[/b].
   From a shell:  namecards scan sample_cards/interview --event "Acme Robotics — second interview"
[b]2.[/b] Press [b]r[/b] to check what OCR read, beside each card image.
[b]3.[/b] Press [b]d[/b] to drill the names; [b]c[/b] for contacts, notes and thank-you letters.

Press [b]a[/b] to type someone in by hand, [b]?[/b] for every key, [b]Ctrl+P[/b] for all commands.
"""


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


class DashboardScreen(NamecardsScreen):
    CSS_PATH = "dashboard.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "drill", "Drill", id="dashboard.drill"),
        Binding("c", "app.go('contacts')", "Contacts", id="dashboard.contacts"),
        Binding("s", "app.go('scan')", "Scan", id="dashboard.scan"),
        Binding("r", "app.go('review')", "Review", id="dashboard.review"),
        Binding("t", "app.go('stats')", "Stats", id="dashboard.stats"),
        Binding("b", "briefing", "Briefing", id="dashboard.briefing"),
        Binding("a", "app.add_contact", "Add", id="dashboard.add", show=False),
        Binding("f5", "refresh", "Refresh", id="dashboard.refresh", show=False),
    ]

    @dataclass
    class Opened(Message):
        """A dashboard line was chosen: `target` is what it opens (e.g. 'letter:3')."""
        target: str

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="today")
        with Horizontal(id="tiles"):
            yield Tile(id="tile-due")
            yield Tile(id="tile-review")
            yield Tile(id="tile-letters")
            yield Tile(id="tile-ready")
        with VerticalScroll(id="first-run"):
            yield Static(FIRST_RUN, id="welcome")
        yield OptionList(id="agenda")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "namecards"
        self.sub_title = "Dashboard"
        self.refresh_agenda()

    def on_screen_resume(self) -> None:
        self.refresh_agenda()

    def on_resize(self, event) -> None:
        # Short terminals (80x24) get one-line tiles so the agenda keeps its room.
        self.set_class(event.size.height < 30, "compact")

    def action_refresh(self) -> None:
        self.refresh_agenda()

    def refresh_agenda(self) -> None:
        store, now = self.store, self.clock()
        counts = collect_stats(store, now)
        empty = counts["contacts"] == 0
        self.query_one("#first-run").display = empty
        self.query_one("#agenda").display = not empty
        due = counts["due_now"]
        to_review = review_count(store)
        try:
            letters = [{**f, "event": g["event"], "event_id": g["event_id"]}
                       for g in due_items(store, now=now)["events"] for f in g["follow_ups"]]
        except Exception as e:  # noqa: BLE001 — the dashboard must open whatever breaks
            letters = []
            self.notify(f"Could not list the follow-ups due: {e}", severity="error")
        overdue = sum(1 for x in letters if x["days_overdue"] > 0)
        ready = counts["event_readiness"]
        self.query_one("#tile-due", Tile).set(str(due), "to drill", "warn" if due else "good")
        self.query_one("#tile-review", Tile).set(str(to_review), "to review",
                                                 "warn" if to_review else "good")
        self.query_one("#tile-letters", Tile).set(
            str(overdue or len(letters)), "letters late" if overdue else "letters due",
            "bad" if overdue else "warn" if letters else "good")
        if ready:
            nxt = ready[0]
            tone = "good" if (nxt["mean_recall"] or 0) >= READY_TARGET else "warn"
            self.query_one("#tile-ready", Tile).set(_percent(nxt["mean_recall"]), "ready", tone)
        else:
            self.query_one("#tile-ready", Tile).set(str(counts["contacts"]), "contacts")
        today = self.query_one("#today", Static)
        plan = None if empty else day_plan(store, now)
        today.display = plan is not None
        if empty:
            return
        agenda = self.query_one("#agenda", OptionList)
        highlighted = agenda.highlighted
        agenda.clear_options()
        add = agenda.add_option

        if plan is not None:
            # The day leads: the event and the next steps for it, in order.
            line = Text()
            line.append(plan["event"]["name"], "bold")
            if plan["when"]:
                line.append(f" ({plan['when']})")
            line.append(": ")
            line.append(" · ".join(step["text"] for step in plan["steps"])
                        or "nothing left to do for it")
            today.update(line)
            add(Option(Text("Next steps", style="bold"), disabled=True))
            for n, step in enumerate(plan["steps"], 1):
                add(Option(Text(f"  {n}. {step['text']}"), id=f"step:{step['target']}"))
            add(None)
        add(Option(Text("Drill", style="bold"), disabled=True))
        add(Option(f"  {due} card{'s' if due != 1 else ''} due now — press Enter to drill"
                   if due else "  Nothing due now — well done", id="drill"))
        add(None)
        add(Option(Text.assemble(("Before upcoming events", "bold"),
                                 " (predicted recall at the event time)"), disabled=True))
        if not ready:
            add(Option("  No upcoming events with a date. Add one: namecards event add NAME "
                       "--date YYYY-MM-DDTHH:MM", disabled=True))
        for r in ready:
            when = datetime.fromisoformat(r["when"]).astimezone().strftime("%a %d %b %H:%M")
            weak = f" · {r['below_target']} weak" if r["below_target"] else ""
            add(Option(Text.assemble("  ", _bar(r["mean_recall"]),
                                     f" {_percent(r['mean_recall']):>4}  ",
                                     (r["event"], "bold"),
                                     f" · {when} · {r['people']} people{weak}"),
                       id=f"event:{r['event']}"))
        add(None)
        add(Option(Text("Follow-up letters", style="bold"), disabled=True))
        if not letters:
            add(Option("  None due", disabled=True))
        for x in letters[:20]:
            late = x["days_overdue"]
            state = ((f"{late} day{'s' if late != 1 else ''} late", "red") if late > 0
                     else ("due today", ""))
            add(Option(Text.assemble("  ", state, "  ", (x["full_name"], "bold"),
                                     f" · {x['event'] or 'no event'}"),
                       id=f"letter:{x['contact_id']}:{x['event_id'] or ''}"))
        add(None)
        add(Option(Text("Scans", style="bold"), disabled=True))
        add(Option(f"  {to_review} scan{'s' if to_review != 1 else ''} waiting for review"
                   if to_review else "  All scans reviewed — press Enter to scan more",
                   id="review" if to_review else "scan"))
        if highlighted is not None and highlighted < agenda.option_count:
            agenda.highlighted = highlighted
        else:
            agenda.action_first()
        if self.focused is None or self.focused.id == "first-run":
            agenda.focus()  # Enter opens the first step

    def open_first_letter(self) -> None:
        plan = day_plan(self.store, self.clock())
        if plan is None:
            return
        contact_id = tui_api.first_not_followed_up(self.store, plan["event"]["id"])
        if contact_id is not None:
            self.app.open("letter", contact_id=contact_id, event_id=plan["event"]["id"])

    def open_first_without_notes(self) -> None:
        plan = day_plan(self.store, self.clock())
        if plan is None:
            return
        contact_id = tui_api.first_without_notes(self.store, plan["event"]["id"])
        if contact_id is not None:
            self.app.open("note", contact_id=contact_id)

    def action_drill(self) -> None:
        self.app.push_screen(self.app.drill_screen())

    def action_briefing(self) -> None:
        """The briefing for the highlighted event line, else for the next event."""
        from tui.screens.briefing import BriefingScreen

        agenda = self.query_one("#agenda", OptionList)
        option = (agenda.get_option_at_index(agenda.highlighted)
                  if agenda.display and agenda.highlighted is not None else None)
        event = option.id.partition(":")[2] if option and (option.id or "").startswith(
            "event:") else None
        self.app.push_screen(BriefingScreen(self.store, event))

    @on(OptionList.OptionSelected, "#agenda")
    def open_line(self, event: OptionList.OptionSelected) -> None:
        target = event.option.id or ""
        self.post_message(self.Opened(target))
        kind, _, rest = target.partition(":")
        if kind == "step":
            kind, _, rest = rest.partition(":")
            if kind == "letters":
                self.open_first_letter()
                return
            if kind == "contacts":
                self.open_first_without_notes()
                return
        if kind == "drill":
            self.action_drill()
        elif kind == "event":
            from namecards.domain.events import get_event

            self.app.push_screen(self.app.drill_screen(event=get_event(self.store, rest)))
        elif kind == "letter":
            contact_id, _, event_id = rest.partition(":")
            self.app.open("letter", contact_id=int(contact_id),
                          event_id=int(event_id) if event_id else None)
        elif kind in ("review", "scan"):
            self.app.action_go(kind)


def _bar(value: float | None, width: int = 10) -> Text:
    filled = round((value or 0) * width)
    colour = ("green" if (value or 0) >= READY_TARGET else
              "yellow" if (value or 0) >= 0.7 else "red")
    return Text.assemble(("█" * filled, colour), ("░" * (width - filled), "dim"))
