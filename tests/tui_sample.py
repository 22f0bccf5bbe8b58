"""Deterministic sample data for the TUI tests: fixed clock, fixed zone, card images made here."""

from __future__ import annotations

import hashlib
import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from PIL import Image, ImageDraw

from namecards.clock import FixedClock
from namecards.domain import deck
from namecards.domain.contacts import add_contact, add_note, tag_contact
from namecards.domain.events import add_event, get_event
from namecards.services.scanning import file_reading

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)


def steady_terminal(monkeypatch) -> None:
    """The same picture on every run: UTC clock, no blinking cursors."""
    import time

    from textual.widgets import Input, TextArea

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)
ACME = "Acme Robotics — second interview"
FAIR = "Career fair"


def card_image(lines: list[str], colour=(235, 242, 250)) -> Image.Image:
    image = Image.new("RGB", (420, 240), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 419, 18], fill=(40, 90, 160))
    for i, line in enumerate(lines):
        draw.text((24, 50 + i * 30), line, fill=(20, 20, 30))
    return image


def card_words(lines: list[str]) -> list[dict]:
    """The OCR words of `card_image(lines)`: each word's text and box, line by line, as the
    OCR would report them (the drill's text replica is drawn from these)."""
    draw = ImageDraw.Draw(Image.new("RGB", (420, 240)))
    words = []
    for n, line in enumerate(lines):
        x = 24
        for k, word in enumerate(line.split()):
            if k:
                x += draw.textlength(" ")
            left, top, right, bottom = draw.textbbox((x, 50 + n * 30), word)
            words.append({"text": word, "left": int(left), "top": int(top),
                          "width": int(right - left), "height": int(bottom - top),
                          "conf": 95.0, "line": n})
            x += draw.textlength(word)
    return words


def reading(fields: dict, confidence: dict, lines: list[str]):
    words = card_words(lines)
    name_boxes = [[w["left"], w["top"], w["width"], w["height"]] for w in words
                  if w["line"] == 0]
    return SimpleNamespace(
        fields=fields, confidence=confidence, raw_text="\n".join(lines),
        words=words, name_boxes=name_boxes or [[24, 50, 120, 12]],
        engine="tesseract 5.3.0 (test)", card_image=card_image(lines), seconds=0.5)


def add_scan(store, tmp: Path, name: str, fields: dict, confidence: dict, event=None) -> int:
    """File a fake OCR reading the way `scan` does; returns the contact id."""
    lines = [fields.get("full_name") or "", fields.get("title") or "",
             fields.get("company") or "", *(fields.get("emails") or [])]
    buffer = io.BytesIO()
    card_image(lines, colour=(250, 250, 245)).save(buffer, "PNG")
    data = buffer.getvalue()
    path = tmp / f"{name}.png"
    path.write_bytes(data)
    full = {"full_name": None, "given_name": None, "family_name": None, "title": None,
            "company": None, "emails": [], "phones": [], "website": None, "address": None,
            **fields}
    ev = get_event(store, event) if event else None
    _, contact_id = file_reading(store, path, data, hashlib.sha256(data).hexdigest(),
                                 reading(full, confidence, lines), ev, None)
    return contact_id


def populate(store, tmp: Path) -> dict:
    """Four people, two events (one ahead, one just past), notes, a scan to review, reviews.

    The store tells time by a fixed clock from here on: the people were added a fortnight
    before NOW and drilled since, and NOW is when the app looks at them.
    """
    random.seed(7)  # FSRS fuzzes long intervals
    clock = FixedClock(NOW - timedelta(days=15))
    store.clock = clock
    tmp.mkdir(parents=True, exist_ok=True)
    add_event(store, ACME, date="2026-12-03T09:30", company="Acme Robotics")
    add_event(store, FAIR, date="2026-11-25", kind="fair")
    maria = add_contact(store, "María López", title="CTO", company="Acme Robotics",
                        emails=["maria@acme.example"], event=ACME, role="panel interviewer")
    add_note(store, maria, "Panel lead.\n- leads the ROS 2 migration\n- sails on weekends")
    jurgen = add_contact(store, "Jürgen Groß", title="Head of Hardware",
                         company="Acme Robotics", event=ACME, role="lunch")
    akira = add_scan(store, tmp, "akira", {
        "full_name": "Akira Tanaka", "title": "Recruiter", "company": "Globex",
        "emails": ["akira@globex.example"]},
        {"full_name": 0.97, "title": 0.91, "company": 0.55, "emails": 0.99}, event=FAIR)
    tag_contact(store, akira, "recruiter")
    zoe = add_scan(store, tmp, "zoe", {
        "full_name": "Zoe O Briain", "title": "Staff Engineer", "company": "Initech",
        "emails": ["zoe@initech.example"]},
        {"full_name": 0.62, "title": 0.88, "company": 0.93, "emails": 0.97}, event=FAIR)
    # A fortnight of drilling, so the stats have a history.
    cards = [c for c in deck.load_cards(store) if c["contact_id"] in (maria, jurgen)]
    for day in range(14, 0, -2):
        when = NOW - timedelta(days=day, hours=3)
        for i, card in enumerate(cards):
            rating = 1 if (card["kind"] == "name" and card["contact_id"] == jurgen) else 3
            deck.answer_card(store, card["id"], rating=rating, now=when + timedelta(minutes=i))
    clock.set(NOW)
    return {"maria": maria, "jurgen": jurgen, "akira": akira, "zoe": zoe}
