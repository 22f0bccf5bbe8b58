"""Anki export (.apkg via genanki): name, who-is and talking-point cards in one subdeck per event.

Note GUIDs come from the contact's uid and the card kind, and model and deck ids from their names,
so importing a newer export updates the notes already in Anki instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import html
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import genanki

from namecards.formats import CLOZE_RE, FormatError, contact_display_name
from namecards.outputs import write_output

MediaSource = Callable[[dict], "bytes | str | Path | None"] | dict | None

CSS = """.card { font-family: sans-serif; font-size: 22px; text-align: center; }
.kind { font-size: 12px; color: #888; text-transform: uppercase; letter-spacing: .1em; }
.context { font-size: 16px; color: #555; margin-top: .5em; }
.answer { font-size: 28px; font-weight: bold; }
img { max-width: 100%; max-height: 60vh; }
ul { text-align: left; display: inline-block; }
"""


def stable_id(name: str) -> int:
    """A model/deck id derived from a name: the same name gives the same id on every export."""
    digest = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")
    return (1 << 30) + digest % (1 << 30)


BASIC_MODEL_NAME = "namecards basic"
CLOZE_MODEL_NAME = "namecards cloze"

BASIC_MODEL = genanki.Model(
    stable_id(BASIC_MODEL_NAME),
    BASIC_MODEL_NAME,
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Kind"}, {"name": "Person"}],
    templates=[
        {
            "name": "Card",
            "qfmt": '<div class="kind">{{Kind}}</div>{{Front}}',
            "afmt": '{{FrontSide}}<hr id="answer"><div class="answer">{{Back}}</div>',
        }
    ],
    css=CSS,
)

CLOZE_MODEL = genanki.Model(
    stable_id(CLOZE_MODEL_NAME),
    CLOZE_MODEL_NAME,
    fields=[{"name": "Text"}, {"name": "Extra"}, {"name": "Person"}],
    templates=[
        {
            "name": "Cloze",
            "qfmt": '<div class="kind">talking point</div>{{cloze:Text}}<div class="context">{{Extra}}</div>',
            "afmt": '<div class="kind">talking point</div>{{cloze:Text}}<div class="context">{{Extra}}</div>',
        }
    ],
    css=CSS,
    model_type=genanki.Model.CLOZE,
)


def _e(value: Any) -> str:
    return html.escape(" ".join(str(value).split()), quote=True)


def _deck_part(name: str) -> str:
    # "::" separates subdecks in Anki; a colon pair inside an event name must not nest decks.
    return re.sub(r":{2,}", ":", " ".join(str(name).split())).strip() or "event"


def _key(contact: dict) -> str:
    return str(contact.get("uid") or contact.get("id") or contact_display_name(contact))


def _tag(value: str) -> str:
    return re.sub(r"\s+", "_", str(value).strip()) or "_"


def _media_bytes(contact: dict, media: MediaSource) -> tuple[bytes | None, str]:
    if media is None:
        return None, ""
    value = (
        media(contact)
        if callable(media)
        else (media.get(contact.get("uid")) or media.get(contact.get("id")))
    )
    if value is None:
        return None, ""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value), ""
    path = Path(value)
    try:
        return path.read_bytes(), path.suffix.lower()
    except OSError as exc:
        raise FormatError(f"{path}: cannot read the card image ({exc.strerror})") from None


def _ext(data: bytes, suffix: str) -> str:
    if data.startswith(b"\xff\xd8"):
        return ".jpg"
    if data.startswith(b"\x89PNG"):
        return ".png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return ".gif"
    return suffix or ".jpg"


def _latest_event(contact: dict) -> dict | None:
    events = [e for e in contact.get("events") or [] if isinstance(e, dict) and e.get("name")]
    if not events:
        return None
    return max(events, key=lambda e: (str(e.get("date") or ""), e.get("id") or 0))


def _cloze(text: str) -> str:
    """Escape a point and turn its ``{{key phrase}}`` markers into ``{{c1::key phrase}}``."""
    text = " ".join(str(text).split())
    out, last = [], 0
    for n, m in enumerate(CLOZE_RE.finditer(text), 1):
        out.append(html.escape(text[last : m.start()]))
        out.append(f"{{{{c{n}::{html.escape(m.group(1))}}}}}")
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def build_apkg(
    contacts: list[dict],
    path: str | Path,
    *,
    deck_name: str = "namecards",
    media: MediaSource = None,
    timestamp: float | None = None,
) -> dict:
    """Write an Anki package to ``path`` and return ``{"notes": n, "decks": [names], "media": m}``.

    Per contact: a **name** card (front: the card image with the name blanked, from ``media``, plus
    title, company and event; back: the name), a **who-is** card (front: the name; back: role,
    company, where met), and **talking-point** cards: a cloze note per point that marks a
    ``{{key phrase}}``, and one note per person and event listing the other points.  ``media`` is
    a callback ``contact -> bytes | path | None`` or a dict keyed by uid or id.  Notes go to the
    subdeck ``<deck_name>::<event name>`` of the event they belong to.
    """
    root = _deck_part(deck_name)
    decks: dict[str, genanki.Deck] = {}

    def deck_for(event: dict | None) -> genanki.Deck:
        name = root if not event else f"{root}::{_deck_part(event['name'])}"
        if name not in decks:
            decks[name] = genanki.Deck(stable_id("deck:" + name), name)
        return decks[name]

    with tempfile.TemporaryDirectory(prefix="namecards-anki-") as tmp:
        media_files: list[str] = []
        notes = 0
        for contact in contacts:
            name = contact_display_name(contact)
            if not name:
                continue
            key = _key(contact)
            events = {
                e.get("id"): e
                for e in contact.get("events") or []
                if isinstance(e, dict) and e.get("name")
            }
            latest = _latest_event(contact)
            base_tags = ["namecards"] + [
                _tag(t) for t in contact.get("tags") or [] if str(t).strip()
            ]
            person = _e(name)
            details = [x for x in (contact.get("title"), contact.get("company")) if x]
            where = ""
            if latest:
                where = latest["name"] + (f" ({latest['date']})" if latest.get("date") else "")

            # name card
            data, suffix = _media_bytes(contact, media)
            front = []
            if data:
                fname = "namecards-" + hashlib.sha256(data).hexdigest()[:20] + _ext(data, suffix)
                target = Path(tmp) / fname
                if not target.exists():
                    target.write_bytes(data)
                    media_files.append(str(target))
                front.append(f'<img src="{fname}">')
            cues = details + ([where] if where else [])
            front.append('<div class="context">' + "<br>".join(_e(x) for x in cues) + "</div>")
            front.append("<div>Who is this?</div>")
            deck = deck_for(latest)
            if data or cues:  # without any cue a name card cannot be answered
                deck.add_note(
                    genanki.Note(
                        model=BASIC_MODEL,
                        guid=genanki.guid_for(key, "name"),
                        fields=["".join(front), person, "name", person],
                        tags=base_tags + ["name"],
                    )
                )
                notes += 1
            deck.add_note(
                genanki.Note(
                    model=BASIC_MODEL,
                    guid=genanki.guid_for(key, "who-is"),
                    fields=[
                        person
                        + (
                            f'<div class="context">{_e(contact["pronunciation"])}</div>'
                            if contact.get("pronunciation")
                            else ""
                        ),
                        "<br>".join(
                            _e(x)
                            for x in ([latest.get("role")] if latest and latest.get("role") else [])
                            + details
                            + ([f"met at {where}"] if where else [])
                        )
                        or "(no details)",
                        "who is",
                        person,
                    ],
                    tags=base_tags + ["who-is"],
                )
            )
            notes += 1

            # talking points, grouped by event
            by_event: dict[Any, list[dict]] = {}
            for p in contact.get("talking_points") or []:
                if isinstance(p, dict) and str(p.get("text") or "").strip():
                    by_event.setdefault(p.get("event_id"), []).append(p)
            for event_id, points in by_event.items():
                event = events.get(event_id)
                deck = deck_for(event)
                context = person + (f" — {_e(event['name'])}" if event else "")
                points.sort(key=lambda p: (p.get("position") is None, p.get("position") or 0))
                plain = []
                for p in points:
                    if CLOZE_RE.search(p["text"]):
                        deck.add_note(
                            genanki.Note(
                                model=CLOZE_MODEL,
                                guid=genanki.guid_for(key, "point", p.get("id") or p["text"]),
                                fields=[_cloze(p["text"]), context, person],
                                tags=base_tags + ["point"],
                            )
                        )
                        notes += 1
                    else:
                        plain.append(p)
                if plain:
                    back = "<ul>" + "".join(f"<li>{_e(p['text'])}</li>" for p in plain) + "</ul>"
                    what = f"What did {person} talk about" + (
                        f" at {_e(event['name'])}?" if event else "?"
                    )
                    deck.add_note(
                        genanki.Note(
                            model=BASIC_MODEL,
                            guid=genanki.guid_for(
                                key, "points", event_id if event_id is not None else ""
                            ),
                            fields=[what, back, "talking points", person],
                            tags=base_tags + ["point"],
                        )
                    )
                    notes += 1

        if not decks:
            deck_for(None)
        package = genanki.Package(list(decks.values()), media_files=media_files)
        built = Path(tmp) / "deck.apkg"
        try:
            package.write_to_file(str(built), timestamp=timestamp)
        except OSError as exc:
            raise FormatError(f"{path}: cannot build the Anki package ({exc.strerror})") from None
        write_output(path, built.read_bytes())
    return {"notes": notes, "decks": sorted(decks), "media": len(media_files)}


__all__ = ["BASIC_MODEL", "CLOZE_MODEL", "build_apkg", "stable_id"]
