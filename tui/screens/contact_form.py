"""Add or edit a contact: one form, every field the CLI's `add` and `edit` take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from namecards import NamecardsError
from namecards.domain.contacts import (
    DuplicateContact,
    add_contact,
    edit_contact,
    get_contact,
    update_contact,
)
from namecards.text import normalise_email, normalise_phone

FIELDS = [
    ("full_name", "Name", "As they spell it: María López"),
    ("title", "Title", "CTO"),
    ("company", "Company", "Acme Robotics"),
    ("emails", "E-mails", "comma-separated"),
    ("phones", "Phones", "with +CC, comma-separated"),
    ("website", "Website", ""),
    ("address", "Address", ""),
    ("pronunciation", "Say it", "ma-REE-ah LOH-pes"),
    ("mnemonic", "Remember", "a memory hook"),
]
NEW_ONLY = [
    ("event", "Event", "where you met (name or part of it)"),
    ("role", "Role", "panel interviewer"),
    ("tags", "Tags", "comma-separated"),
]


def _split(text: str) -> list[str]:
    return [v.strip() for v in text.replace(";", ",").split(",") if v.strip()]


class ContactForm(ModalScreen[int | None]):
    """Dismisses with the contact id saved, or None when cancelled."""

    CSS_PATH = "contact_form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="contact_form.save"),
        Binding("escape", "cancel", "Cancel", id="contact_form.cancel"),
    ]

    @dataclass
    class Saved(Message):
        contact_id: int
        created: bool

    def __init__(self, contact_id: int | None = None) -> None:
        super().__init__()
        self.contact_id = contact_id

    def compose(self) -> ComposeResult:
        fields = FIELDS + (NEW_ONLY if self.contact_id is None else [])
        with VerticalScroll(classes="form"):
            yield Static(Text("Edit contact" if self.contact_id else "New contact",
                              style="bold"), classes="form-title")
            # A likely duplicate is said here, at the top where the eyes are, with a button.
            with Vertical(id="duplicate"):
                yield Static(id="duplicate-text")
                with Horizontal(classes="buttons"):
                    yield Button("Add anyway", variant="warning", id="add-anyway")
                    yield Button("Open the existing contact", id="open-existing")
            for key, label, placeholder in fields:
                with Horizontal(classes="field-row"):
                    yield Label(label, classes="field-label")
                    yield Input(placeholder=placeholder, id=f"f-{key}")
            yield Static("", id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save (Ctrl+S)", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#duplicate").display = False
        self.existing: int | None = None
        if self.contact_id is not None:
            c = get_contact(self.app.store, self.contact_id)
            for key, _, _ in FIELDS:
                value = c.get(key)
                if key in ("emails", "phones"):
                    value = ", ".join(m["value"] for m in c[key])
                self.query_one(f"#f-{key}", Input).value = value or ""
        self.query_one("#f-full_name", Input).focus()

    def value(self, key: str) -> str:
        return self.query_one(f"#f-{key}", Input).value.strip()

    @on(Input.Submitted)
    def next_or_save(self, event: Input.Submitted) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#add-anyway")
    def add_anyway(self) -> None:
        self.action_save(force=True)

    @on(Button.Pressed, "#open-existing")
    def open_existing(self) -> None:
        existing = self.existing
        self.dismiss(None)
        if existing is not None:
            self.app.open_contact(existing)

    def action_save(self, force: bool = False) -> None:
        store = self.app.store
        try:
            if self.contact_id is None:
                contact_id = add_contact(
                    store, self.value("full_name"), title=self.value("title") or None,
                    company=self.value("company") or None, emails=_split(self.value("emails")),
                    phones=_split(self.value("phones")), website=self.value("website") or None,
                    address=self.value("address") or None, event=self.value("event") or None,
                    role=self.value("role") or None, tags=_split(self.value("tags")),
                    force=force)
                update_contact(store, contact_id, {k: self.value(k) for k in
                                                   ("pronunciation", "mnemonic")})
                created = True
            else:
                contact_id = self.contact_id
                before = get_contact(store, contact_id)
                scalar = [k for k, _, _ in FIELDS if k not in ("emails", "phones")]
                emails = [normalise_email(v) for v in _split(self.value("emails"))]
                phones = [normalise_phone(v) for v in _split(self.value("phones"))]
                had_emails = [m["value"] for m in before["emails"]]
                had_phones = [m["value"] for m in before["phones"]]
                edit_contact(
                    store, contact_id, {k: self.value(k) for k in scalar if self.value(k)},
                    clear=[k for k in scalar if not self.value(k) and before.get(k)],
                    add_emails=[e for e in emails if e not in had_emails],
                    remove_emails=[e for e in had_emails if e not in emails],
                    add_phones=[p for p in phones if p not in had_phones],
                    remove_phones=[p for p in had_phones if p not in phones])
                created = False
        except DuplicateContact as e:
            self.existing = e.candidates[0]["id"] if e.candidates else None
            box = self.query_one("#duplicate")
            other = e.candidates[0] if e.candidates else {}
            why = "; ".join(other.get("reasons") or [])
            self.query_one("#duplicate-text", Static).update(Text(
                f"This looks like #{other.get('id')} {other.get('full_name')}"
                + (f" ({why})" if why else "") + ". Add this person anyway, or open the one "
                "you have?", style="bold"))
            box.display = True
            self.query_one("#add-anyway", Button).focus()
            box.scroll_visible()
            return
        except (NamecardsError, ValueError) as e:
            # An error about one field (the library names the parameter, the CLI its flag)
            # points at that field of the form by its label, and the cursor goes there.
            option = getattr(e, "option", None)
            key = {"name": "full_name"}.get(option, option)
            label = next((name for k, name, _ in FIELDS if k == key), None)
            message = f"{e}: fill in {label}" if label else str(e)
            self.query_one("#form-error", Static).update(Text(message, style="bold red"))
            if label:
                self.query_one(f"#f-{key}", Input).focus()
            return
        self.post_message(self.Saved(contact_id, created))
        self.dismiss(contact_id)
