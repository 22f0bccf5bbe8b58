"""Backs of the committed sample cards, drawn on demand (nothing is committed but this code):
the logo side (logo, company, website; no name) and a text side (the company, a tagline and
the person's e-mail, no name), each as a flat scan like ``sample_cards/scans``.

    import backs  # with sample_cards/ on sys.path, as the tests do
    backs.write_back("card_001", "logo", Path("card_001_back.jpg"))
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from generate import CARD_H, CARD_W, HERE, draw_logo, font_path, scan
from PIL import Image, ImageDraw, ImageFont

KINDS = ("logo", "email")


def truth(card_id: str) -> dict:
    """The committed card's truth record (``truth.jsonl``)."""
    for line in (HERE / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == card_id:
            return record
    raise KeyError(card_id)


def draw_back(record: dict, kind: str, seed: int = 7) -> Image.Image:
    """The back of the card `record` describes: "logo" (logo, company, website) or "email"
    (company, website and the person's first e-mail). Neither side prints the name."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    r = random.Random(f"{record['id']}-{kind}-{seed}")
    bg, fg = (250, 250, 247), (30, 34, 40)
    accent = r.choice([(20, 70, 140), (150, 40, 40), (30, 110, 70)])
    img = Image.new("RGB", (CARD_W, CARD_H), bg)
    d = ImageDraw.Draw(img)
    bold, reg = font_path("DejaVuSans-Bold.ttf"), font_path("DejaVuSans.ttf")
    cx = CARD_W // 2
    draw_logo(d, cx - 60, 70, 120, accent, r.randint(0, 3), bg)
    d.text((cx, 240), record["company"], font=ImageFont.truetype(bold, 58), fill=accent,
           anchor="ma")
    y = 340
    lines = [record["website"]] if kind == "logo" else [record["emails"][0], record["website"]]
    for text in lines:
        d.text((cx, y), text, font=ImageFont.truetype(reg, 38), fill=fg, anchor="ma")
        y += 70
    return img


def back_scan(card_id: str, kind: str) -> Image.Image:
    """The back of a committed card as a flat scan (a small border, slightly off-square)."""
    record = truth(card_id)
    return scan(draw_back(record, kind), random.Random(f"{card_id}-{kind}-scan"))


def write_back(card_id: str, kind: str, path: Path) -> Path:
    back_scan(card_id, kind).save(path, "JPEG", quality=90)
    return path
