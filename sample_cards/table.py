"""Table photos: 2–12 of the committed sample cards in one phone photo, with truth per card.

``compose(numbers, seed=..., layout="grid"|"scattered"|"overlapping", overlap=0.1,
background=...)`` returns the photo and, for each card, where it lies (its four corners in the
photo, the card's top-left first) and its truth record from ``truth.jsonl``. Nothing is
committed: tests and ``benchmarks/ocr_accuracy.py --set table`` compose the photos they need
from a seed.

The cards are the committed ones, cut flat from their committed scans, so a card in a table
photo can be compared with the same card's committed single photo. The scene: a background
(wood, cloth, paper, dark desk), each card turned a little and dropped with a soft shadow
(later cards lie over earlier ones, covering at most ``overlap`` of a card's area), the whole
table seen at a slant (one perspective for the photo), uneven light, blur and sensor noise.

``python sample_cards/table.py --cards 6 --out table.jpg`` writes one to look at.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
CARD_W, CARD_H = 1050, 600  # generate.py's cards (3.5 × 2 in at 300 dpi)
BACKGROUNDS = ("wood", "cloth", "paper", "dark")
CARD_PX = 820  # a card's width in the photo: as in the committed single photos (790–1020)


@functools.lru_cache(maxsize=1)
def truth() -> dict[str, dict]:
    with open(HERE / "truth.jsonl", encoding="utf-8") as f:
        return {rec["id"]: rec for rec in map(json.loads, f)}


@functools.lru_cache(maxsize=128)
def flat_card(number: int) -> Image.Image:
    """Committed card ``number`` (1..100), flat, 1050×600: cut from its committed scan.

    A scan is the card on a white platen with a border, turned by up to 1.2°: a card that
    stands out from the platen is turned back by its outline; a white one is cut from the
    middle (its corners then hold a few pixels of platen, which is white like it).
    """
    scan = np.asarray(Image.open(HERE / "scans" / f"card_{number:03d}.jpg").convert("RGB"))
    h, w = scan.shape[:2]
    platen = np.abs(scan.astype(np.int16) - [248, 248, 246]).max(axis=2) > 24
    mask = cv2.morphologyEx(platen.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    cnts, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if cnts:
        (cx, cy), (rw, rh), angle = cv2.minAreaRect(max(cnts, key=cv2.contourArea))
        if rw < rh:
            rw, rh, angle = rh, rw, angle - 90
        if abs(rw - CARD_W) < 0.03 * CARD_W and abs(rh - CARD_H) < 0.03 * CARD_H:
            m = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
            m[:, 2] += [CARD_W / 2 - cx, CARD_H / 2 - cy]
            flat = cv2.warpAffine(scan, m, (CARD_W, CARD_H), flags=cv2.INTER_CUBIC,
                                  borderMode=cv2.BORDER_REPLICATE)
            return Image.fromarray(flat)
    top, left = (h - CARD_H) // 2, (w - CARD_W) // 2
    return Image.fromarray(np.ascontiguousarray(scan[top:top + CARD_H, left:left + CARD_W]))


def _background(kind: str, r: random.Random, w: int, h: int) -> np.ndarray:
    rng = np.random.default_rng(r.randint(0, 2**31))
    # Coordinates as a column and a row: numpy broadcasts them (a full grid of a 12-megapixel
    # photo costs seconds).
    yy = np.arange(h, dtype=np.float32)[:, None]
    xx = np.arange(w, dtype=np.float32)[None, :]
    if kind == "wood":
        base = np.array(r.choice([(92, 60, 35), (140, 95, 55), (160, 120, 80)]), np.float32)
        ang = r.uniform(-0.3, 0.3)
        u = xx * math.sin(ang) + yy * math.cos(ang)
        noise = cv2.GaussianBlur(rng.standard_normal((h // 4, w // 4), np.float32), (0, 0), 6)
        noise = cv2.resize(noise, (w, h)) * 30
        grain = np.sin((u + noise) / r.uniform(5, 12)) * 0.12 + np.sin(u / 53.0) * 0.06
        img = base[None, None, :] * (1 + grain[..., None])
    elif kind == "cloth":
        base = np.array(r.choice([(50, 70, 110), (110, 40, 40), (60, 90, 60)]), np.float32)
        weave = (np.sin(xx / 2.5) * np.sin(yy / 2.5)) * 8
        img = base[None, None, :] + weave[..., None]
    elif kind == "paper":  # a light desk blotter: the hard case for light cards
        base = np.array(r.choice([(205, 200, 188), (190, 196, 200)]), np.float32)
        img = np.broadcast_to(base, (h, w, 3)).copy()
    else:
        # A dark desk, yet lighter than the darkest cards (a black card on a black desk has
        # no outline to find, in a photo or to the eye).
        base = np.array(r.choice([(52, 55, 60), (62, 64, 68)]), np.float32)
        img = np.broadcast_to(base, (h, w, 3)).copy()
    return img + rng.standard_normal((h, w, 1), np.float32) * 3


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    area, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    return float(area)


def _placements(n: int, layout: str, overlap: float, r: random.Random,
                w: int, h: int) -> list[np.ndarray]:
    """Corner quads (card top-left, top-right, bottom-right, bottom-left) of ``n`` cards."""
    cw, ch = CARD_PX, CARD_PX * CARD_H / CARD_W
    card_area = cw * ch

    def quad(cx, cy, angle):
        pts = np.array([[-cw / 2, -ch / 2], [cw / 2, -ch / 2], [cw / 2, ch / 2], [-cw / 2, ch / 2]])
        a = math.radians(angle)
        rm = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        return pts @ rm.T + [cx, cy]

    def fits(q, placed):
        if q.min() < 30 or q[:, 0].max() > w - 30 or q[:, 1].max() > h - 30:
            return False
        # Each card (the new one and every one it covers) keeps ≥ 1 - overlap of itself.
        return all(_overlap(q, p) <= overlap * card_area + 1 for p in placed)

    placed: list[np.ndarray] = []
    if layout in ("grid", "overlapping"):
        cols = math.ceil(math.sqrt(n * 1.3))
        rows = math.ceil(n / cols)
        if layout == "grid":
            gap_x = (w - cols * cw) / (cols + 1)
            gap_y = (h - rows * ch) / (rows + 1)
            x0, y0, jitter, turn = gap_x, gap_y, 0.6, 6
        else:  # neighbours lie over each other's edge: a strip of `overlap` of the card covered
            gap_x, gap_y = -overlap * 0.9 * cw, -overlap * 0.9 * ch
            x0 = (w - cols * cw - (cols - 1) * gap_x) / 2
            y0 = (h - rows * ch - (rows - 1) * gap_y) / 2
            jitter, turn = 0.0, 1.5
        for i in range(n):
            row, col = divmod(i, cols)
            for _ in range(200):
                cx = x0 + cw / 2 + col * (cw + gap_x) + r.uniform(-jitter, jitter) * abs(gap_x)
                cy = y0 + ch / 2 + row * (ch + gap_y) + r.uniform(-jitter, jitter) * abs(gap_y)
                q = quad(cx, cy, r.uniform(-turn, turn))
                if fits(q, placed):
                    break
            else:
                raise ValueError(f"cannot lay {n} cards on {w}×{h} with overlap ≤ {overlap}")
            placed.append(q)
        return placed
    for _ in range(n):
        for _attempt in range(2000):
            q = quad(r.uniform(cw / 2, w - cw / 2), r.uniform(ch / 2, h - ch / 2),
                     r.uniform(-35, 35))
            if fits(q, placed):
                break
        else:
            raise ValueError(f"cannot scatter {n} cards on {w}×{h} with overlap ≤ {overlap}")
        placed.append(q)
    return placed


def _covered(q: np.ndarray, above: list[np.ndarray]) -> list[list[list[float]]]:
    """What of the card lying at ``q`` the cards laid after it (over it) cover: polygons in
    the card's own 1050×600 pixels, so a benchmark can tell text hidden under another card
    (missing from the photo) from text misread."""
    to_card = cv2.getPerspectiveTransform(
        q.astype(np.float32), np.float32([[0, 0], [CARD_W, 0], [CARD_W, CARD_H], [0, CARD_H]]))
    face = np.float32([[0, 0], [CARD_W, 0], [CARD_W, CARD_H], [0, CARD_H]])
    out = []
    for other in above:
        o = cv2.perspectiveTransform(other.reshape(1, 4, 2).astype(np.float32), to_card)[0]
        area, poly = cv2.intersectConvexConvex(face, o)
        if area > 1 and poly is not None:
            out.append(poly.reshape(-1, 2).round(1).tolist())
    return out


def photo_size(n: int, layout: str) -> tuple[int, int]:
    """A 4:3 photo big enough for ``n`` cards of CARD_PX (a phone photo is 4032×3024)."""
    cols = math.ceil(math.sqrt(n * 1.3))
    rows = math.ceil(n / cols)
    spread = {"grid": 1.25, "overlapping": 1.1}.get(layout, 1.4)
    w = max(cols * CARD_PX * spread, rows * CARD_PX * CARD_H / CARD_W * spread * 4 / 3, 1800)
    return int(w), int(w * 3 / 4)


def compose(
    numbers: list[int],
    *,
    seed: int = 1,
    layout: str = "grid",
    overlap: float = 0.0,
    background: str = "wood",
    slant: float = 0.08,
    size: tuple[int, int] | None = None,
    faces: dict[int, Image.Image] | None = None,
    cut_off: bool = False,
) -> tuple[Image.Image, list[dict]]:
    """A photo of the committed cards ``numbers`` (1..100) on a table, and per card:
    ``{"id", "number", "corners": [[x, y] × 4], "truth": {...}}`` in the order they lie.

    ``faces``: card number -> a 1050×600 image drawn instead of that card (a test's own
    design). ``cut_off``: the last card hangs over the photo's right edge (a third of it
    outside); its record says ``"cut_off": True``. ``"covered"``: the parts of the card that
    cards lying over it hide, as polygons in the card's own 1050×600 pixels."""
    r = random.Random(seed)
    w, h = size or photo_size(len(numbers), layout)
    quads = _placements(len(numbers), layout, overlap, r, w, h)
    if cut_off:
        q = quads[-1]
        quads[-1] = q + [w - q[:, 0].max() + (q[:, 0].max() - q[:, 0].min()) / 3, 0]
    # The whole table seen at a slant: one edge of the photo a little further away.
    t = slant * r.uniform(0.5, 1.0)
    side = r.randint(0, 3)
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    slanted = corners.copy()
    a, b = side, (side + 1) % 4
    mid = (slanted[a] + slanted[b]) / 2
    slanted[a] = mid + (slanted[a] - mid) * (1 - t)
    slanted[b] = mid + (slanted[b] - mid) * (1 - t)
    scene = cv2.getPerspectiveTransform(corners, slanted)

    out = _background(background, r, w, h)
    out = cv2.warpPerspective(out, scene, (w, h), borderMode=cv2.BORDER_REFLECT).astype(np.float32)
    src = np.float32([[0, 0], [CARD_W, 0], [CARD_W, CARD_H], [0, CARD_H]])
    records = []
    for number, q in zip(numbers, quads, strict=True):
        q_photo = cv2.perspectiveTransform(q.reshape(1, 4, 2).astype(np.float32), scene)[0]
        pad = 40
        x0, y0 = np.maximum(np.floor(q_photo.min(axis=0)) - pad, 0).astype(int)
        x1, y1 = np.minimum(np.ceil(q_photo.max(axis=0)) + pad, [w, h]).astype(int)
        m = cv2.getPerspectiveTransform(src, (q_photo - [x0, y0]).astype(np.float32))
        rw, rh = x1 - x0, y1 - y0
        face = (faces or {}).get(number) or flat_card(number)
        card = np.asarray(face.convert("RGB")).astype(np.float32)
        warped = cv2.warpPerspective(card, m, (rw, rh), flags=cv2.INTER_AREA)
        mask = cv2.warpPerspective(np.ones((CARD_H, CARD_W), np.float32), m, (rw, rh),
                                   flags=cv2.INTER_LINEAR)
        shadow = cv2.warpAffine(cv2.GaussianBlur(mask, (0, 0), 9),
                                np.float32([[1, 0, 7], [0, 1, 7]]), (rw, rh))
        roi = out[y0:y1, x0:x1]
        roi = roi * (1 - 0.45 * shadow[..., None])
        out[y0:y1, x0:x1] = roi * (1 - mask[..., None]) + warped * mask[..., None]
        cid = f"card_{number:03d}"
        records.append({"id": cid, "number": number, "corners": q_photo.round(1).tolist(),
                        "truth": truth()[cid],
                        "cut_off": bool(cut_off and number == numbers[-1]),
                        "covered": _covered(q, quads[len(records) + 1:])})
    yy = np.arange(h, dtype=np.float32)[:, None]
    xx = np.arange(w, dtype=np.float32)[None, :]
    ang = r.uniform(0, 2 * math.pi)
    g = (xx / w - 0.5) * math.cos(ang) + (yy / h - 0.5) * math.sin(ang)
    out = out * (1.0 + g * r.uniform(0.2, 0.4) - r.uniform(0.0, 0.1))[..., None]
    out = np.clip(out, 0, 255).astype(np.uint8)
    out = cv2.GaussianBlur(out, (0, 0), r.uniform(0.5, 1.0))
    noise = np.random.default_rng(r.randint(0, 2**31)).standard_normal(out.shape, np.float32)
    out = np.clip(out + noise * 2.5, 0, 255).astype(np.uint8)
    return Image.fromarray(out), records


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=6, help="how many cards (2–12)")
    ap.add_argument("--first", type=int, default=1, help="number of the first committed card")
    ap.add_argument("--layout", choices=["grid", "scattered", "overlapping"], default="grid")
    ap.add_argument("--overlap", type=float, default=0.0,
                    help="at most this part of a card covered")
    ap.add_argument("--background", choices=BACKGROUNDS, default="wood")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    img, recs = compose(list(range(a.first, a.first + a.cards)), seed=a.seed, layout=a.layout,
                        overlap=a.overlap, background=a.background)
    img.save(a.out, quality=88)
    a.out.with_suffix(".json").write_text(json.dumps(recs, ensure_ascii=False, indent=1))
    print(f"wrote {a.out} ({img.size[0]}×{img.size[1]}, {len(recs)} cards) and its truth")


if __name__ == "__main__":
    main()
