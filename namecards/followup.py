"""Follow-up letters from the store: pick the contact, event and points, render, record."""

from __future__ import annotations

from namecards import NamecardsError
from namecards.contacts import get_contact, resolve_contact
from namecards.events import get_event
from namecards.home import config_dir
from namecards.outputs import STDOUT, write_output
from namecards.store import Store


def sender_profile() -> dict:
    """The user's own name and signature (namecards config set name ...)."""
    from namecards.config import load_config

    data = load_config()
    return {"name": data.get("name"), "signature": data.get("signature") or data.get("name"),
            "email": data.get("email")}


def write_letter(
    store: Store,
    contact_ref: str,
    *,
    template: str = "thank-you",
    event: str | None = None,
    points: list[int] | None = None,
    fmt: str = "txt",
    output: str | None = None,
):
    """Render a letter for one contact, record it, and write it to `output` when given."""
    from namecards import letters

    contact = get_contact(store, resolve_contact(store, contact_ref))
    ev = get_event(store, event) if event else (contact["events"][-1] if contact["events"] else None)
    chosen = contact["talking_points"]
    if ev is not None:
        at_event = [p for p in chosen if p["event_id"] in (ev["id"], None)]
        chosen = at_event or chosen
    if points:
        chosen = [p for i, p in enumerate(chosen, 1) if i in points]
    sender = sender_profile()
    try:
        letter = letters.render_letter(contact, event=ev, points=[p["text"] for p in chosen],
                                       template=template, sender=sender,
                                       user_dir=config_dir() / "templates")
    except letters.LetterError as e:
        raise NamecardsError(str(e)) from None
    if fmt == "eml":
        out = letters.letter_to_eml(letter, contact, sender, date=store.now().astimezone())
    elif fmt == "md":
        out = letters.letter_to_markdown(letter)
    else:
        out = letter.body
    data = out if isinstance(out, bytes) else out.encode("utf-8")
    if output and output != STDOUT:
        write_output(output, data)
    store.db["letters"].insert(
        {"contact_id": contact["id"], "event_id": ev["id"] if ev else None, "template": template,
         "format": fmt, "subject": letter.subject, "body": letter.body, "path": output,
         "created": store.now_iso()}
    )
    return out
