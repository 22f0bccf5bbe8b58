"""Contacts: the address book as a table with search-as-you-type, filters and a detail pane.

Add, edit, tag, delete (after confirmation); notes and letters open their own screens.
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
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from namecards import NamecardsError
from namecards.domain.contacts import (
    delete_contact,
    get_contact,
    list_contacts,
    search_contacts,
    tag,
)
from namecards.domain.events import list_events
from namecards.services import tui_api
from tui.screens._base import NamecardsScreen
from tui.widgets.card_image import CardImage


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return ""
    delta = when - now
    days = delta.total_seconds() / 86400
    if abs(days) < 1 / 24:
        return "now"
    unit = (f"{abs(days):.0f}d" if abs(days) >= 1 else f"{abs(days) * 24:.0f}h")
    return f"in {unit}" if days > 0 else f"{unit} ago"


class ContactsScreen(NamecardsScreen):
    CSS_PATH = "contacts.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the app runs it before forwarding the next keys, so "/lopez" typed in
        # one go lands in the box instead of firing l (letter).
        Binding("slash", "search", "Search", id="contacts.search", priority=True),
        Binding("a", "add", "Add", id="contacts.add"),
        Binding("e", "edit", "Edit", id="contacts.edit"),
        Binding("t", "tag", "Tag", id="contacts.tag", show=False),
        Binding("n", "note", "Note", id="contacts.note"),
        Binding("l", "letter", "Letter", id="contacts.letter"),
        Binding("x,delete", "delete", "Delete", id="contacts.delete"),
        Binding("m", "merge", "Merge", id="contacts.merge", show=False),
        Binding("d", "drill", "Drill event", id="contacts.drill", show=False),
    ]

    @dataclass
    class Changed(Message):
        """A contact was added, edited, tagged, deleted or got a note (`what` says which)."""
        contact_id: int
        what: str

    def __init__(self, select: int | None = None, add: bool = False) -> None:
        super().__init__()
        self.select = select
        self.start_with_add = add
        self.contact: dict | None = None
        self.merge_from: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder="/ Search names, companies, notes, talking points…",
                        id="search")
            yield Select([], prompt="All events", id="event-filter")
            yield Select([], prompt="All tags", id="tag-filter")
        with Horizontal(id="body"):
            yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="detail", classes="pane"):
                yield CardImage(id="card")
                yield Static(id="info")
        yield Static(id="status", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Contacts"
        table = self.query_one("#table", DataTable)
        table.add_column("Name", key="name")
        table.add_column("Company", key="company")
        table.add_column("Title", key="title")
        self.query_one("#detail").border_title = "Contact"
        self.refresh_filters()
        self.refresh_table(select=self.select)
        table.focus()
        if self.start_with_add:
            self.call_after_refresh(self.action_add)

    def on_screen_resume(self) -> None:
        self.refresh_table()

    # ------------------------------------------------------------ loading

    def refresh_filters(self) -> None:
        options = {
            "#event-filter": [(Text(e["name"]), e["id"]) for e in list_events(self.store)],
            "#tag-filter": [(Text(t), t) for t in tui_api.tag_names(self.store)],
        }
        for select_id, choices in options.items():
            select = self.query_one(select_id, Select)
            keep = select.value
            if [c[1] for c in choices] == [c[1] for c in getattr(select, "_choices", [])]:
                continue
            select._choices = choices
            with select.prevent(Select.Changed):
                select.set_options(choices)
                if keep is not Select.NULL and keep in [c[1] for c in choices]:
                    select.value = keep

    def _filter(self, select_id: str):
        value = self.query_one(select_id, Select).value
        return None if value is Select.NULL else value

    def refresh_table(self, select: int | None = None) -> None:
        store = self.store
        table = self.query_one("#table", DataTable)
        if select is None and self.contact is not None:
            select = self.contact["id"]
        event_id, tag = self._filter("#event-filter"), self._filter("#tag-filter")
        rows = list_contacts(store, event=str(event_id) if event_id else None, tag=tag)
        query = self.query_one("#search", Input).value.strip()
        snippets: dict[int, str] = {}
        if query:
            allowed = {r["id"]: r for r in rows}
            hits = search_contacts(store, query)
            rows = [allowed[h["id"]] for h in hits if h["id"] in allowed]
            snippets = {h["id"]: h["snippet"] for h in hits}
        table.clear()
        for r in rows:
            # DataTable reads str cells as markup: user data goes in as Text.
            table.add_row(Text(r["full_name"]), Text(r["company"] or ""),
                          Text(r["title"] or ""), key=str(r["id"]))
        total = len(rows)
        status = f"{total} contact{'s' if total != 1 else ''} · " + " · ".join(
            f"{self.key_for(action)} {action}" for action in ("tag", "merge", "drill"))
        if query and rows:
            status += f" · best match: {snippets.get(rows[0]['id'], '')}"
        self.query_one("#status", Static).update(Text(status))
        if not rows:
            self.show_contact(None)
            return
        ids = [r["id"] for r in rows]
        index = ids.index(select) if select in ids else 0
        table.move_cursor(row=index)
        self.show_contact(ids[index])

    def key_for(self, action: str) -> str:
        """The key bound to an action here, as remapped by the user's keymap."""
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action == action:
                keys = self.app._keymap.get(binding.id or "", binding.key).split(",")[0]
                return self.app.get_key_display(Binding(keys.strip(), action))
        return "?"

    @on(Input.Changed, "#search")
    def search_changed(self) -> None:
        self.refresh_table()

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.query_one("#table", DataTable).focus()

    @on(Select.Changed)
    def filter_changed(self) -> None:
        self.refresh_table()

    @on(DataTable.RowHighlighted, "#table")
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            contact_id = int(event.row_key.value)
            if self.contact is None or self.contact["id"] != contact_id:
                self.show_contact(contact_id)

    # ------------------------------------------------------------ the detail pane

    def show_contact(self, contact_id: int | None) -> None:
        info = self.query_one("#info", Static)
        card = self.query_one("#card", CardImage)
        if contact_id is None:
            self.contact = None
            card.display = False
            info.update(Text.assemble(("No contact matches.", "dim"), "\n\nPress ",
                                      ("a", "bold"), " to add one, or clear the search and "
                                      "filters."))
            return
        c = self.contact = get_contact(self.store, contact_id)
        self.query_one("#detail").border_title = Text(c["full_name"])
        image = card_image_path(self.store, c)
        card.display = image is not None
        if image is not None:
            card.show(image)
        info.update(self.describe(c))

    def describe(self, c: dict) -> Text:
        text = Text()

        def line(*parts) -> None:
            if text.plain:
                text.append("\n")
            text.append_text(Text.assemble(*parts))

        def heading(title: str) -> None:
            line("")
            line((title, "bold"))

        line((c["full_name"], "bold"),
             *((f"  ({c['pronunciation']})", "dim"),) if c.get("pronunciation") else ())
        role = " · ".join(x for x in (c["title"], c["company"]) if x)
        if role:
            line(role)
        for m in c["emails"]:
            line(f"✉ {m['value']}")
        for m in c["phones"]:
            line(f"☎ {m['value']}")
        for m in c["urls"]:
            line(f"⌂ {m['value']}")
        if c["tags"]:
            line("Tags: ", (", ".join(c["tags"]), "bold"))
        if c["events"]:
            heading("Met at")
            for ev in c["events"]:
                when = f" · {ev['date'][:10]}" if ev["date"] else ""
                role = f" ({ev['role']})" if ev["role"] else ""
                line(f"  {ev['name']}{when}{role}")
        if c["talking_points"]:
            heading("Talking points")
            for p in c["talking_points"]:
                line(f"  • {p['text']}")
        # The note text around its bullets (the bullets are the talking points above).
        prose = [t for t in ("\n".join(
            row for row in n["text"].splitlines()
            if row.strip()[:2] not in ("- ", "* ", "• ")).strip() for n in c["notes"]) if t]
        if prose:
            heading("Notes")
            for t in prose:
                line(f"  {t}")
        status = tui_api.cards_with_recall(self.store, c["id"], self.clock())
        if status:
            now = self.clock()
            heading("Drill")
            for s in status:
                what = s["kind"] if s["kind"] != "point" else f"point: {s['point'] or ''}"
                if s["new"]:
                    state = "new"
                else:
                    state = f"recall {s['recall'] * 100:.0f}% · due {_ago(s['due'], now)}"
                line(f"  {what[:40]} — {state}", *((" leech", "red"),) if s["leech"] else ())
        letters = tui_api.letters_for(self.store, c["id"])
        heading("Letters")
        if not letters:
            line("  none yet — press ", ("l", "bold"), " to write one")
        for x in letters:
            sent = (f"sent {x['sent'][:10]}", "") if x["sent"] else ("not sent", "yellow")
            line(f"  {x['template']} ({x['format']}) · {x['created'][:10]} · ", sent)
        return text

    # ------------------------------------------------------------ actions

    def changed(self, contact_id: int, what: str) -> None:
        self.post_message(self.Changed(contact_id, what))
        self.refresh_filters()
        self.refresh_table(select=contact_id)

    def action_search(self) -> None:
        # Focus now, not after the queued keys: "/lopez" typed in one go lands in the box.
        self.set_focus(self.query_one("#search", Input))

    def action_add(self) -> None:
        from tui.screens.contact_form import ContactForm

        def done(contact_id: int | None) -> None:
            if contact_id is not None:
                self.notify("Contact added.")
                self.changed(contact_id, "added")

        self.app.push_screen(ContactForm(), done)

    def action_edit(self) -> None:
        if self.contact is None:
            return
        from tui.screens.contact_form import ContactForm

        def done(contact_id: int | None) -> None:
            if contact_id is not None:
                self.changed(contact_id, "edited")

        self.app.push_screen(ContactForm(self.contact["id"]), done)

    def action_tag(self) -> None:
        if self.contact is None:
            return
        from tui.screens.dialogs import PromptScreen

        contact_id = self.contact["id"]

        def done(text: str | None) -> None:
            if not text:
                return
            names = [t.strip() for t in text.split(",") if t.strip()]
            try:
                add = [t for t in names if not t.startswith("-")]
                drop = [t[1:].strip() for t in names if t.startswith("-") and t[1:].strip()]
                if add:
                    tag(self.store, contact_id, add)
                if drop:
                    tag(self.store, contact_id, drop, remove=True)
            except NamecardsError as e:
                self.notify(str(e), severity="error")
                return
            self.changed(contact_id, "tagged")

        self.app.push_screen(PromptScreen(
            f"Tag {self.contact['full_name']}", placeholder="recruiter, acme",
            hint="Comma-separated. Put - before a tag to remove it: -acme"), done)

    def action_delete(self) -> None:
        if self.contact is None:
            return
        from tui.screens.dialogs import ConfirmScreen

        c = self.contact

        def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                delete_contact(self.store, c["id"])
            except NamecardsError as e:
                self.notify(str(e), severity="error")
                return
            self.notify(f"Deleted {c['full_name']}.")
            self.post_message(self.Changed(c["id"], "deleted"))
            self.contact = None
            self.refresh_filters()
            self.refresh_table()

        self.app.push_screen(ConfirmScreen(
            Text.assemble("Delete ", (c["full_name"], "bold"), " with their notes, talking "
                          "points, drill history and letters? This cannot be undone.")), done)

    def action_note(self) -> None:
        if self.contact is not None:
            self.app.open("note", contact_id=self.contact["id"])

    def action_letter(self) -> None:
        if self.contact is not None:
            self.app.open("letter", contact_id=self.contact["id"])

    def action_merge(self) -> None:
        """First press marks the contact; the second, on another one, opens the merge."""
        if self.contact is None:
            return
        if self.merge_from is None or self.merge_from == self.contact["id"]:
            self.merge_from = self.contact["id"]
            self.notify(f"Marked {self.contact['full_name']} to keep: highlight the other "
                        "record of this person and press m again to merge it in.")
            return
        from tui.screens.merge import MergeScreen

        other, self.merge_from = self.merge_from, None
        self.app.push_screen(MergeScreen(other, self.contact["id"]))

    def action_drill(self) -> None:
        if self.contact is None or not self.contact["events"]:
            self.notify("Met at no event: drill everyone from the dashboard (d).")
            return
        self.app.push_screen(self.app.drill_screen(event=self.contact["events"][-1]))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("edit", "tag", "delete", "note", "letter", "drill", "merge") \
                and self.contact is None:
            return None  # shown dimmed: nothing selected
        return super().check_action(action, parameters)


def card_image_path(store, contact: dict):
    """The contact's latest card image: the flattened card kept in the home, else the photo
    it was read from (a path as given), else the contact's photo; None if there is none."""
    from pathlib import Path

    for scan in reversed(contact.get("scans") or []):
        if scan.get("side") == "back":  # the front is the card's face
            continue
        for name in (scan.get("card_path"), scan.get("path")):
            if not name:
                continue
            for path in (store.home / name, Path(name)):
                if path.exists():
                    return path
    photo = contact.get("photo")
    if photo:
        for path in (store.home / photo, Path(photo)):
            if path.exists():
                return path
    return None
