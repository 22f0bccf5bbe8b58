"""Held-out cards: generated at benchmark time, never committed, never used for tuning.

Everything on them differs from the committed cards (generate.py): the people, companies,
titles, taglines and streets come from held_out_lists.json (another source, other countries,
disjoint from generate.py's lists; see held_out_sources.py), and the layouts are ones the
committed cards never have: name and title on one line set apart by spacing or by italics, the
company printed bigger than the name, "Name, Title, Licence #…" lines, vertical cards, a
coloured side panel, contact details in two columns. Photos add a light card on a light table
and a dark card on a dark table, with perspective, shadows, blur and JPEG.

    python sample_cards/generate.py --held-out --count 60 --out /tmp/held-out
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import phonenumbers
from generate import fmt_phone, font_path, jpeg_bytes, make_phone, slug
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
SEED = 7301  # fixed: the same held-out set on every run, on every machine
LAYOUTS = [
    "inline_space",
    "inline_italic",
    "company_big",
    "comma_line",
    "vertical",
    "side_panel",
    "two_col_contacts",
]
TABLES = ["light_on_light", "dark_on_dark", "mid"]
# (regular, bold, italic): faces and combinations the committed cards do not use.
FONT_SETS = [
    ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf", "DejaVuSansCondensed-Oblique.ttf"),
    (
        "DejaVuSerifCondensed.ttf",
        "DejaVuSerifCondensed-Bold.ttf",
        "DejaVuSerifCondensed-Italic.ttf",
    ),
    ("DejaVuSans-ExtraLight.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf"),
    ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf"),
    (
        "LiberationSansNarrow-Regular.ttf",
        "LiberationSansNarrow-Bold.ttf",
        "LiberationSansNarrow-Italic.ttf",
    ),
    ("LiberationMono-Regular.ttf", "DejaVuSansCondensed-Bold.ttf", "LiberationMono-Italic.ttf"),
]
LIGHT_CARDS = [  # (card, text, accent)
    ((252, 252, 250), (33, 33, 36), (0, 92, 150)),
    ((246, 246, 241), (45, 45, 45), (150, 30, 70)),
    ((255, 255, 255), (20, 20, 20), (60, 60, 60)),
    ((240, 243, 238), (30, 50, 40), (30, 120, 90)),
]
DARK_CARDS = [
    ((16, 16, 18), (238, 238, 238), (200, 170, 90)),
    ((12, 28, 48), (235, 240, 245), (120, 190, 255)),
    ((40, 20, 28), (245, 235, 235), (235, 150, 120)),
]
PHONE_LABELS = [("☎", "✆"), ("Direct", "Mob"), ("Ph", "M"), ("Office", "Cell"), ("", "")]
HONORIFICS = {
    "CZ": ["Ing.", "Mgr."],
    "SK": ["Ing.", "Mgr."],
    "HU": ["Dr."],
    "FI": ["FM"],
    "DK": [],
    "RO": ["Dr."],
    "ID": ["Drs."],
    "CL": ["Dr."],
    "CO": ["Dr."],
}


def lists() -> dict:
    return json.loads((HERE / "held_out_lists.json").read_text(encoding="utf-8"))


@dataclass
class HeldOutCard:
    id: str
    region: str
    given: str
    family: str
    full: str  # as a person would write it ("Nguyễn Văn An" family first for VN)
    title: str
    company: str
    email: str
    website: str
    address_lines: list[str]
    phones: list[tuple[str, str, str]]  # (label, printed, E.164)
    layout: str
    table: str
    prefix: str | None = None
    tagline: str | None = None
    licence: str | None = None
    upper: bool = False
    extra: dict = field(default_factory=dict)


def _zip(r: random.Random, pattern: str) -> str:
    return "".join(
        str(r.randint(0, 9)) if c == "#" else r.choice("ACDEFHKNPRTVWXY") if c == "A" else c
        for c in pattern
    )


def _address(r: random.Random, loc: dict) -> list[str]:
    street = r.choice(loc["streets"])
    values = dict(
        street=street,
        n=r.randint(1, 180),
        m=r.randint(1, 99),
        zip=_zip(r, loc["zip"]),
        city=r.choice(loc["cities"]),
        box=r.randint(100, 99999),
    )
    lines = [t.format(**values) for t in loc["lines"]]
    return lines + [loc["country"]] if r.random() < 0.6 else lines


def make_card(i: int, r: random.Random, data: dict) -> HeldOutCard:
    regions = list(data["locales"])
    region = regions[(i * 5 + 3) % len(regions)]
    loc = data["locales"][region]
    sex = r.choice(["male", "female"])
    given = r.choice(loc[f"given_{sex}"])
    family = r.choice(loc[f"family_{sex}"])
    full = f"{family} {r.choice(loc['middle'])} {given}" if "middle" in loc else f"{given} {family}"
    layout = LAYOUTS[i % len(LAYOUTS)]
    table = TABLES[(i // len(LAYOUTS)) % len(TABLES)]
    licence = None
    if layout == "comma_line":
        title = r.choice(data["licensed"])
        licence = r.choice(
            ["Licence #{a}{n}", "License #{a}{n}", "Lic. No. {n}", "Lic# {a}-{n}"]
        ).format(a=r.choice("BCMRT"), n=r.randint(10000, 9999999))
    else:
        title = r.choice(data["titles"])
    company = r.choice(loc["companies"])
    words = [
        w
        for w in company.replace("&", " ").replace(",", " ").split()
        if w[:1].isupper()
        and "." not in w
        and w not in ("AB", "UAB", "CV", "PT", "DAC", "Ltd", "Limited", "Pty", "Ky")
    ]
    domain = (
        "-".join(slug(w) for w in words[:2])
        if r.random() < 0.3
        else "".join(slug(w) for w in words[:2])
    )
    domain = (domain or slug(family)) + loc["tld"]
    local = r.choice(["{g}.{f}", "{g}", "{gi}.{f}", "{f}", "{g}_{f}"]).format(
        g=slug(given), f=slug(family.split()[0]), gi=slug(given)[0]
    )
    email = f"{local}@{domain}"
    website = r.choice(["www." + domain, domain, "https://" + domain, "www." + domain + "/"])
    labels = r.choice(PHONE_LABELS)
    intl = r.random() < 0.6
    phones = []
    kinds = ["fixed", "mobile"] if r.random() < 0.55 else [r.choice(["fixed", "mobile"])]
    for k, kind in enumerate(kinds):
        n = make_phone(r, region, kind)
        phones.append(
            (
                labels[k],
                fmt_phone(r, n, intl),
                phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164),
            )
        )
    prefix = None
    if layout != "comma_line" and HONORIFICS.get(region) and r.random() < 0.15:
        prefix = r.choice(HONORIFICS[region])
    return HeldOutCard(
        id=f"held_{i + 1:03d}",
        region=region,
        given=given,
        family=family,
        full=full,
        title=title,
        company=company,
        email=email,
        website=website,
        address_lines=_address(r, loc),
        phones=phones,
        layout=layout,
        table=table,
        prefix=prefix,
        licence=licence,
        upper=r.random() < 0.1,
        tagline=r.choice(data["taglines"]) if r.random() < 0.3 else None,
    )


# --- drawing -------------------------------------------------------------------------------
def _covers(path: str, text: str) -> bool:
    """Whether the font draws every character (PIL would draw a box for a missing one)."""
    font = ImageFont.truetype(path, 24)

    def ink(ch: str) -> bytes:
        im = Image.new("L", (48, 48))
        ImageDraw.Draw(im).text((8, 8), ch, font=font, fill=255)
        return im.tobytes()

    missing = ink("\U0010fffd")
    return all(ink(ch) != missing for ch in set(text) if not ch.isspace())


class Painter:
    def __init__(self, img: Image.Image, fonts: tuple[str, str, str]):
        self.img = img
        self.d = ImageDraw.Draw(img)
        self.fonts = fonts
        self.name_boxes: list[list[int]] = []

    def font(self, style: int, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(self.fonts[style], size)

    def fit(self, text: str, style: int, size: int, width: int) -> ImageFont.FreeTypeFont:
        """The font at `size`, shrunk until `text` fits in `width` pixels."""
        f = self.font(style, size)
        while self.d.textlength(text, font=f) > width and size > 14:
            size -= 1
            f = self.font(style, size)
        return f

    def text(self, x, y, s, font, fill, anchor="la", name=False) -> tuple[int, int, int, int]:
        self.d.text((x, y), s, font=font, fill=fill, anchor=anchor)
        b = self.d.textbbox((x, y), s, font=font, anchor=anchor)
        if name:
            self.name_boxes.append([b[0], b[1], b[2] - b[0], b[3] - b[1]])
        return b


def shown_name(c: HeldOutCard) -> str:
    name = c.full.upper() if c.upper else c.full
    return f"{c.prefix} {name}" if c.prefix else name


def contact_lines(c: HeldOutCard, r: random.Random) -> tuple[list[str], list[str]]:
    """(phone lines, e-mail and web lines)."""
    phones = [
        f"{lab} {printed}".strip() if lab in ("☎", "✆", "") else f"{lab}: {printed}"
        for lab, printed, _ in c.phones
    ]
    mark = r.random() < 0.4
    online = [("✉ " if mark else "") + c.email, c.website]
    return phones, online


def draw_logo(p: Painter, x: int, y: int, s: int, color, bg, kind: int) -> None:
    d = p.d
    if kind == 0:
        d.rounded_rectangle([x, y, x + s, y + s], radius=s // 4, fill=color)
        d.ellipse([x + s // 4, y + s // 4, x + 3 * s // 4, y + 3 * s // 4], fill=bg)
    elif kind == 1:
        d.polygon(
            [(x, y + s), (x + s // 2, y), (x + s, y + s), (x + s // 2, y + 2 * s // 3)], fill=color
        )
    else:
        for k in range(4):
            d.ellipse(
                [x + k * s // 4, y + k * s // 8, x + k * s // 4 + s // 3, y + k * s // 8 + s // 3],
                fill=color,
            )


def render(c: HeldOutCard, r: random.Random) -> tuple[Image.Image, list[list[int]]]:
    dark = c.table == "dark_on_dark" or (c.table == "mid" and r.random() < 0.3)
    bg, fg, accent = r.choice(DARK_CARDS if dark else LIGHT_CARDS)
    text_all = " ".join(
        [
            shown_name(c),
            c.title,
            c.company,
            c.email,
            c.website,
            c.tagline or "",
            *c.address_lines,
            *(p[1] for p in c.phones),
            "☎✆✉",
        ]
    )
    sets = FONT_SETS[:]
    r.shuffle(sets)
    fonts = next(
        (
            tuple(font_path(f) for f in s)
            for s in sets
            if all(_covers(font_path(f), text_all) for f in s)
        ),
        tuple(font_path(f) for f in FONT_SETS[0]),
    )
    W, H = (600, 1050) if c.layout == "vertical" else (1050, 600)
    img = Image.new("RGB", (W, H), bg)
    p = Painter(img, fonts)
    phones, online = contact_lines(c, r)
    body = r.randint(25, 30)
    logo = r.randint(0, 2)
    addr = ", ".join(c.address_lines)
    L = c.layout
    if L in ("inline_space", "inline_italic"):
        m, y = 60, 56
        name = shown_name(c)
        size = r.randint(44, 52)
        if L == "inline_space":
            gap = r.randint(40, 90)
            tfont, tstyle = p.font(0, size - 14), 0
        else:
            gap = r.randint(10, 22)  # one or two spaces: only the italics set the title apart
            tfont, tstyle = p.font(2, size - r.choice([0, 4, 8])), 2
        nfont = p.font(1, size)
        while (
            p.d.textlength(name, font=nfont) + gap + p.d.textlength(c.title, font=tfont)
            > W - 2 * m - 90
            and size > 24
        ):
            size -= 2
            nfont = p.font(1, size)
            tfont = p.font(tstyle, max(18, size - (14 if L == "inline_space" else 4)))
        b = p.text(m, y, name, nfont, fg, "ls", name=True)
        p.text(b[2] + gap, y, c.title, tfont, accent if L == "inline_space" else fg, "ls")
        y += 40
        b = p.text(m, y, c.company, p.fit(c.company, 1, body + 4, W - 2 * m - 90), accent)
        y = b[3] + 8
        if c.tagline:
            b = p.text(m, y, c.tagline, p.font(2, body - 4), fg)
            y = b[3] + 8
        y = max(y + 24, 250)
        for s in phones + online + [addr]:
            b = p.text(m, y, s, p.fit(s, 0, body, W - 2 * m), fg)
            y = b[3] + 12
        draw_logo(p, W - 130, 40, 80, accent, bg, logo)
    elif L == "company_big":
        m = 64
        draw_logo(p, m, 46, 70, accent, bg, logo)
        b = p.text(
            m + 90, 40, c.company, p.fit(c.company, 1, r.randint(66, 80), W - 2 * m - 90), accent
        )
        y = b[3] + 12
        if c.tagline:
            b = p.text(m + 90, y, c.tagline, p.font(2, body - 4), fg)
            y = b[3] + 8
        y = max(y + 30, 200)
        name_size = r.randint(28, 34)
        b = p.text(
            m, y, shown_name(c), p.fit(shown_name(c), 1, name_size, W // 2 - m), fg, name=True
        )
        b = p.text(m, b[3] + 10, c.title, p.fit(c.title, 0, name_size - 4, W // 2 - m), fg)
        y2 = y
        for s in phones + online:
            bb = p.text(W // 2 + 20, y2, s, p.fit(s, 0, body - 2, W // 2 - m - 20), fg)
            y2 = bb[3] + 10
        y = max(b[3], y2) + 30
        for s in c.address_lines:
            bb = p.text(m, y, s, p.fit(s, 0, body - 2, W - 2 * m), fg)
            y = bb[3] + 6
    elif L == "comma_line":
        m, y = 60, 60
        line = f"{shown_name(c)}, {c.title}, {c.licence}"
        f = p.fit(line, 1, r.randint(36, 42), W - 2 * m)
        name_part = f"{shown_name(c)},"
        b = p.text(m, y, name_part, f, fg, name=True)
        p.text(b[2] + int(p.d.textlength(" ", font=f)), y, f"{c.title}, {c.licence}", f, fg)
        y = b[3] + 26
        b = p.text(m, y, c.company, p.fit(c.company, 1, body + 6, W - 2 * m), accent)
        y = b[3] + 30
        for s in [" · ".join(phones)] + online + [addr]:
            bb = p.text(m, y, s, p.fit(s, 0, body, W - 2 * m), fg)
            y = bb[3] + 12
    elif L == "vertical":
        cx, y, m = W // 2, 60, 40
        draw_logo(p, cx - 45, y, 90, accent, bg, logo)
        y += 120
        for ln in _wrap(c.company, 22):
            b = p.text(cx, y, ln, p.fit(ln, 1, body + 6, W - 2 * m), accent, "ma")
            y = b[3] + 6
        y += 60
        b = p.text(
            cx, y, shown_name(c), p.fit(shown_name(c), 1, 44, W - 2 * m), fg, "ma", name=True
        )
        y = b[3] + 14
        for ln in _wrap(c.title, 26):
            b = p.text(cx, y, ln, p.fit(ln, 2, body + 2, W - 2 * m), fg, "ma")
            y = b[3] + 6
        p.d.line([cx - 120, y + 30, cx + 120, y + 30], fill=accent, width=3)
        y += 70
        for s in phones + online + c.address_lines:
            b = p.text(cx, y, s, p.fit(s, 0, body - 1, W - 2 * m), fg, "ma")
            y = b[3] + 14
    elif L == "side_panel":
        pw = r.randint(300, 360)
        p.d.rectangle([0, 0, pw, H], fill=accent)
        ink = bg if sum(accent) < 450 else fg
        draw_logo(p, pw // 2 - 40, 80, 80, ink, accent, logo)
        y = 200
        for ln in _wrap(c.company, 16):
            b = p.text(pw // 2, y, ln, p.fit(ln, 1, body + 2, pw - 40), ink, "ma")
            y = b[3] + 6
        if c.tagline:
            for ln in _wrap(c.tagline, 20):
                b = p.text(pw // 2, y + 10, ln, p.fit(ln, 2, body - 8, pw - 40), ink, "ma")
                y = b[3] + 4
        x, y = pw + 50, 70
        b = p.text(x, y, shown_name(c), p.fit(shown_name(c), 1, 46, W - x - 40), fg, name=True)
        b = p.text(x, b[3] + 12, c.title, p.fit(c.title, 0, body + 2, W - x - 40), fg)
        y = b[3] + 50
        for s in phones + online + c.address_lines:
            bb = p.text(x, y, s, p.fit(s, 0, body - 2, W - x - 40), fg)
            y = bb[3] + 10
    else:  # two_col_contacts
        m = 60
        b = p.text(m, 60, shown_name(c), p.fit(shown_name(c), 1, 48, W // 2 + 60), fg, name=True)
        b = p.text(m, b[3] + 12, c.title, p.fit(c.title, 0, body + 2, W // 2 + 60), fg)
        right = W - m
        bb = p.text(
            right,
            62,
            c.company,
            p.fit(c.company, 1, body + 2, W - m - b[2] - 60)
            if b[2] < W - 300
            else p.fit(c.company, 1, body + 2, 300),
            accent,
            "ra",
        )
        if c.tagline:
            p.text(right, bb[3] + 8, c.tagline, p.fit(c.tagline, 2, body - 6, 380), fg, "ra")
        p.d.line([m, 330, W - m, 330], fill=accent, width=2)
        y1 = y2 = 360
        half = (W - 2 * m) // 2
        for s in phones:
            bb = p.text(m, y1, s, p.fit(s, 0, body - 2, half - 20), fg)
            y1 = bb[3] + 12
        for s in online:
            bb = p.text(m + half, y2, s, p.fit(s, 0, body - 2, half), fg)
            y2 = bb[3] + 12
        y = max(y1, y2) + 20
        p.text(m, y, addr, p.fit(addr, 0, body - 4, W - 2 * m), fg)
    return img, p.name_boxes


def _wrap(s: str, width: int) -> list[str]:
    out, cur = [], ""
    for w in s.split():
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return out + [cur] if cur else out


# --- scans and photos ----------------------------------------------------------------------
def scan(card: Image.Image, r: random.Random) -> Image.Image:
    pad = r.randint(24, 60)
    w, h = card.size
    out = Image.new("RGB", (w + 2 * pad, h + 2 * pad), (250, 250, 248))
    out.paste(card, (pad, pad))
    return out.rotate(r.uniform(-1.5, 1.5), resample=Image.BICUBIC, fillcolor=(250, 250, 248))


def table_surface(r: random.Random, kind: str, w: int, h: int, card_is_dark: bool) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rng = np.random.default_rng(r.randint(0, 2**31))
    smooth = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 30)
    if kind == "light_on_light":
        style = r.choice(["white_desk", "birch", "marble", "paper"])
        if style == "birch":
            base = np.array(r.choice([(222, 205, 178), (230, 214, 190)]), np.float32)
            u = yy * math.cos(r.uniform(-0.2, 0.2)) + xx * 0.05
            grain = np.sin((u + smooth * 40) / r.uniform(4, 9)) * 0.05
            img = base * (1 + grain[..., None])
        elif style == "marble":
            base = np.array((236, 236, 232), np.float32)
            wobble = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 90)
            veins = np.abs(np.sin((xx * 0.7 + yy + smooth * 300 + wobble * 2500) / 90.0)) < 0.03
            img = np.broadcast_to(base, (h, w, 3)).copy()
            img[veins] -= 45
            img = cv2.GaussianBlur(img, (0, 0), 2)
        else:
            base = np.array(
                r.choice([(238, 238, 236), (244, 242, 236), (226, 228, 230)]), np.float32
            )
            img = np.broadcast_to(base, (h, w, 3)).copy() + smooth[..., None] * 4
    elif kind == "dark_on_dark":
        style = r.choice(["black_desk", "walnut", "slate"])
        if style == "walnut":
            base = np.array(r.choice([(52, 36, 26), (40, 28, 22)]), np.float32)
            u = yy * math.cos(r.uniform(-0.3, 0.3)) + xx * 0.1
            grain = np.sin((u + smooth * 40) / r.uniform(5, 10)) * 0.12
            img = base * (1 + grain[..., None])
        else:
            base = np.array((24, 24, 26) if style == "black_desk" else (44, 48, 54), np.float32)
            img = np.broadcast_to(base, (h, w, 3)).copy() + smooth[..., None] * 5
    else:
        base = np.array(
            r.choice([(120, 96, 70), (86, 100, 120), (150, 140, 120), (96, 110, 96)]), np.float32
        )
        img = np.broadcast_to(base, (h, w, 3)).copy() + smooth[..., None] * 10
    img = img + rng.normal(0, 3, (h, w, 1)).astype(np.float32)
    return np.clip(img, 0, 255)


def photo(card: Image.Image, r: random.Random, table: str) -> Image.Image:
    cw0, ch0 = card.size
    portrait = ch0 > cw0 or r.random() < 0.35
    W, H = (1200, 1600) if portrait else (1600, 1200)
    scale = r.uniform(0.6, 0.85) * min(W / cw0, H / ch0)
    cw, chh = cw0 * scale, ch0 * scale
    cx, cy = W / 2 + r.uniform(-0.08, 0.08) * W, H / 2 + r.uniform(-0.08, 0.08) * H
    rot = math.radians(r.uniform(-12, 12))
    pts = np.array([[-cw / 2, -chh / 2], [cw / 2, -chh / 2], [cw / 2, chh / 2], [-cw / 2, chh / 2]])
    rm = np.array([[math.cos(rot), -math.sin(rot)], [math.sin(rot), math.cos(rot)]])
    pts = pts @ rm.T + [cx, cy]
    tilt = r.uniform(0.03, 0.18)
    a = r.randint(0, 3)
    b = (a + 1) % 4
    mid = (pts[a] + pts[b]) / 2
    pts[a] = mid + (pts[a] - mid) * (1 - tilt)
    pts[b] = mid + (pts[b] - mid) * (1 - tilt)
    pts += np.array([[r.uniform(-12, 12), r.uniform(-12, 12)] for _ in range(4)])
    src = np.float32([[0, 0], [cw0, 0], [cw0, ch0], [0, ch0]])
    m = cv2.getPerspectiveTransform(src, np.float32(pts))
    dark_card = sum(card.getpixel((3, 3))) < 300
    out = table_surface(r, table, W, H, dark_card)
    warped = cv2.warpPerspective(
        np.asarray(card).astype(np.float32), m, (W, H), flags=cv2.INTER_AREA
    )
    mask = cv2.warpPerspective(np.ones((ch0, cw0), np.float32), m, (W, H), flags=cv2.INTER_LINEAR)
    # A soft shadow thrown to one side: on a light table it is most of the card's outline.
    sx, sy = r.randint(4, 18), r.randint(4, 18)
    shadow = np.roll(cv2.GaussianBlur(mask, (0, 0), r.uniform(8, 18)), (sy, sx), axis=(0, 1))
    out = out * (1 - r.uniform(0.2, 0.5) * shadow[..., None])
    out = out * (1 - mask[..., None]) + warped * mask[..., None]
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    ang = r.uniform(0, 2 * math.pi)
    g = (xx / W - 0.5) * math.cos(ang) + (yy / H - 0.5) * math.sin(ang)
    vignette = 1 - 0.25 * (((xx / W - 0.5) ** 2 + (yy / H - 0.5) ** 2) * 2)
    light = (1.0 + g * r.uniform(0.15, 0.45) - r.uniform(0.0, 0.1)) * vignette
    tint = np.array(r.choice([(1.0, 1.0, 1.0), (1.04, 1.0, 0.92), (0.94, 0.98, 1.05)]), np.float32)
    out = np.clip(out * light[..., None] * tint, 0, 255).astype(np.uint8)
    out = cv2.GaussianBlur(out, (0, 0), r.uniform(0.6, 1.6))
    if r.random() < 0.25:  # a little hand shake
        k = r.randint(3, 7)
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1.0 / k
        rot_k = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), r.uniform(0, 180), 1.0)
        kernel = cv2.warpAffine(kernel, rot_k, (k, k))
        out = cv2.filter2D(out, -1, kernel / max(kernel.sum(), 1e-6))
    noise = np.random.default_rng(r.randint(0, 2**31)).normal(0, r.uniform(2, 5), out.shape)
    return Image.fromarray(np.clip(out + noise, 0, 255).astype(np.uint8))


def truth_record(c: HeldOutCard, files: list[str]) -> dict:
    return {
        "id": c.id,
        "files": files,
        "full_name": c.full,
        "given_name": c.given,
        "family_name": c.family,
        "honorific": c.prefix,
        "suffix": None,
        "title": c.title,
        "company": c.company,
        "emails": [c.email],
        "phones": [p[2] for p in c.phones],
        "faxes": [],
        "website": c.website.removeprefix("https://").rstrip("/"),
        "address": ", ".join(c.address_lines),
        "region": c.region,
        "photo_upside_down": False,
        "layout": c.layout,
        "table": c.table,
        "licence": c.licence,
    }


def generate(count: int, out: Path, seed: int = SEED) -> list[dict]:
    """Held-out cards held_001.. into `out` (scans/, photos/, truth.jsonl), from a fixed seed."""
    if out.resolve() == HERE:
        raise SystemExit("held-out cards are never written into sample_cards/: pass --out DIR")
    data = lists()
    (out / "scans").mkdir(parents=True, exist_ok=True)
    (out / "photos").mkdir(parents=True, exist_ok=True)
    records = []
    for i in range(count):
        r = random.Random(seed * 100_000 + i)
        card = make_card(i, r, data)
        img, _boxes = render(card, r)
        files = [f"scans/{card.id}.jpg", f"photos/{card.id}.jpg"]
        (out / files[0]).write_bytes(jpeg_bytes(scan(img, r), 88, limit=400_000))
        (out / files[1]).write_bytes(
            jpeg_bytes(photo(img, r, card.table), r.randint(72, 88), limit=600_000)
        )
        records.append(truth_record(card, files))
    with open(out / "truth.jsonl", "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return records
