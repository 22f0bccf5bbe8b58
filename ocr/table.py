"""Many cards in one photo: find each card, flatten it, read it as a photo of it alone would be.

``find_cards(rgb)`` finds the cards on a table: the table is learnt from the photo's border (a
card is whatever differs from it), each separate region shaped like a card is one card, and a
region holding several cards that touch or overlap is cut along the edges inside it (a card's
edge and the shadow it throws on the card below; finer edges, and parts thinned to break the
thread a text line printed up to a card's edge leaves, when coarser ones do not cut it). Where
the cut leaves cards joined, cards of the photo's card size (learnt from the cards lying alone,
or from three or more parts that agree) are laid into the region from each corner of its
outline, each side moved onto the edge nearest it. Cards cut off by the photo's edge, and cards
too small to read, are reported, not guessed. ``read_photo(path)`` reads every card found with
the same steps ``read_card`` runs on a card it has flattened; a photo with fewer than two cards
is read by ``read_card`` itself, so a photo of one card is read exactly as before.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from . import geometry
from .errors import CardImageError, OcrError

DETECT_SIDE = 1200  # cards are found on a copy this big (a 12-card photo: cards ~250 px wide)
# A card prints one or two e-mail domains (a company's and a personal one); a reading with
# more is several cards read as one.
MIXED_DOMAINS = 3
MIN_CARD_PX = 330  # a card's long side needed to read it (its small print ~10 px high)
FILL = 0.86  # a region this much of its rotated bounding box is a card's rectangle
# A card partly under another shows less of its height: up to 10% less, and the photo's slant
# stretches it further.
PART_ASPECT = (geometry.CARD_ASPECT[0], 2.45)


@dataclass
class CardSpot:
    """One card in the photo: corners (top-left first, full-size photo coordinates)."""

    corners: np.ndarray
    area: float


@dataclass
class TableLayout:
    cards: list[CardSpot]
    problems: list[str]  # "a card at the right edge is cut off: photograph it again"


@dataclass
class PhotoReading:
    """What a photo of several cards yielded: one entry per card, in reading order (rows top
    to bottom, left to right): a CardReading, or an OcrError saying why that card failed."""

    cards: list  # CardReading | OcrError
    corners: list[list[list[float]]]  # each card's corners in the photo
    problems: list[str] = field(default_factory=list)  # cut-off or too-small cards
    seconds: float = 0.0


def _background_mask(small: np.ndarray) -> np.ndarray:
    """Pixels that differ from the table: the table's colours are learnt from the photo's
    border (where a photo of cards on a table shows the table)."""
    lab = cv2.cvtColor(cv2.medianBlur(small, 5), cv2.COLOR_RGB2LAB).astype(np.float32)
    h, w = lab.shape[:2]
    b = max(4, int(0.03 * min(h, w)))
    border = np.concatenate([lab[:b].reshape(-1, 3), lab[-b:].reshape(-1, 3),
                             lab[:, :b].reshape(-1, 3), lab[:, -b:].reshape(-1, 3)])
    med = np.median(border, axis=0)
    spread = 1.4826 * np.median(np.abs(border - med), axis=0) + [4.0, 3.0, 3.0]
    d = np.sqrt((((lab - med) / spread) ** 2).sum(axis=2))
    fg = (d > 4.5).astype(np.uint8) * 255
    k = max(3, int(0.006 * max(h, w))) | 1
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    return _fill_holes(fg)


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    cnts, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = np.zeros_like(mask)
    cv2.drawContours(out, cnts, -1, 255, thickness=cv2.FILLED)
    return out


def _card_quad(contour: np.ndarray, aspect: tuple[float, float] = geometry.CARD_ASPECT,
               ) -> tuple[np.ndarray, float, float] | None:
    """(corners, fill, area) of a region if it is shaped like one card, else None."""
    area = cv2.contourArea(contour)
    if area < 50:
        return None
    hull = cv2.convexHull(contour)
    rect = cv2.minAreaRect(hull)
    rect_area = rect[1][0] * rect[1][1]
    if rect_area < 1:
        return None
    fill = area / rect_area
    peri = cv2.arcLength(hull, True)
    quad = None
    for eps in (0.02, 0.03, 0.04):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            quad = geometry.order_corners(approx)
            # A quadrilateral that cuts a corner off (an overlapped card) is not the card's.
            if cv2.contourArea(quad) < 0.97 * cv2.contourArea(hull):
                quad = None
            break
    if quad is None:
        quad = geometry.order_corners(cv2.boxPoints(rect))
    tl, tr, br, bl = quad
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    if min(width, height) < 1:
        return None
    if not aspect[0] <= max(width, height) / min(width, height) <= aspect[1]:
        return None
    return quad, fill, area


def _split(region: np.ndarray, small: np.ndarray,
           edges: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """The cards in a region holding several, cut along the edges inside it (a card's edge,
    and the shadow it throws on the card below): each a part's hull, moved out by what the
    cut took. Where two cards of one colour meet, their common edge is faint and broken:
    finer edges, thickened more, are tried until the region comes apart into cards."""
    x, y, w, h = cv2.boundingRect(region)
    roi = region[y:y + h, x:x + w]
    gray = cv2.GaussianBlur(cv2.cvtColor(small[y:y + h, x:x + w], cv2.COLOR_RGB2GRAY), (3, 3), 0)
    best: list[tuple[np.ndarray, float]] = []
    # Last, the finest edges with the parts thinned more: a text line printed up to a card's
    # edge joins that edge to the next, and two cards hang together by a thread.
    for lo, hi, grow, thin in ((None, None, 1, 3), (10, 30, 1, 3), (10, 30, 2, 3), (6, 18, 3, 3),
                               (10, 30, 2, 7)):
        cuts = edges[y:y + h, x:x + w] if lo is None else cv2.dilate(
            cv2.Canny(gray, lo, hi), np.ones((3, 3), np.uint8), iterations=grow)
        part = cv2.erode(cv2.bitwise_and(roi, cv2.bitwise_not(cuts)),
                         np.ones((thin, thin), np.uint8))
        grow += (thin - 3) // 2
        cnts, _ = cv2.findContours(part, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        got = []
        for c in cnts:
            q = _card_quad(cv2.convexHull(c), PART_ASPECT)
            # Print near a card's edge eats inlets into its part: its hull is the card.
            if q and q[1] >= 0.85 and cv2.contourArea(c) >= 0.6 * q[2]:
                got.append((_grow(q[0], 2.0 + grow) + np.float32([x, y]), q[2]))
        if len(got) >= 2:
            # Cards on one table are one size: a part much bigger than the others is several
            # cards not yet cut apart (a finer try may cut them).
            typical = float(np.median([a for _, a in got]))
            got = [(q, a) for q, a in got if a <= 1.7 * typical]
        area, best_area = sum(a for _, a in got), sum(a for _, a in best)
        # More of the region, or nearly as much in more cards (one part of the earlier try
        # may be a block of cards, as card-shaped as one).
        if area > best_area * 1.15 or (len(got) > len(best) and area >= 0.8 * best_area):
            best = got
        if best and sum(a for _, a in best) >= 0.8 * cv2.countNonZero(roi):
            break
    return best


def _edges(small: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    e = cv2.Canny(blur, 20, 60)
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    e |= cv2.Canny(cv2.GaussianBlur(hsv[:, :, 1], (5, 5), 0), 30, 90)
    return cv2.dilate(e, np.ones((3, 3), np.uint8))


def _long_axis(quad: np.ndarray) -> float:
    tl, tr, _, bl = quad
    v = tr - tl if np.linalg.norm(tr - tl) >= np.linalg.norm(bl - tl) else bl - tl
    return float(np.degrees(np.arctan2(v[1], v[0]))) % 180


def _several(one: tuple[np.ndarray, float, float], parts: list) -> bool:
    """Whether a region shaped like one card is several cards lying edge to edge (a grid of
    cards overlapping each other is a rectangle too): it comes apart into at least two
    card-shaped parts lying the same way as the whole and covering most of it. A card with
    printed rules or a two-tone design does not: its parts are strips, or stand upright in a
    card lying flat."""
    if len(parts) < 2 or sum(a for _, a in parts) < 0.75 * one[2]:
        return False
    axis = _long_axis(one[0])
    for quad, area in parts:
        turn = abs(_long_axis(quad) - axis)
        if min(turn, 180 - turn) > 30 or area < 0.08 * one[2]:
            return False
    return True


def _grow(quad: np.ndarray, px: float) -> np.ndarray:
    """The quadrilateral moved out by ``px`` on every side (what cutting along the edges,
    which are a few pixels wide, took off the card)."""
    centre = quad.mean(axis=0)
    out = []
    for p in quad:
        d = p - centre
        out.append(p + d / max(1e-6, np.linalg.norm(d)) * px * 1.414)
    return np.asarray(out, np.float32)


def _side(quad: np.ndarray, w: int, h: int, margin: float) -> str | None:
    """Which edge of the photo a region touches ("left", "top", ...), if any."""
    xs, ys = quad[:, 0], quad[:, 1]
    for name, hit in (("left", xs.min() <= margin), ("right", xs.max() >= w - 1 - margin),
                      ("top", ys.min() <= margin), ("bottom", ys.max() >= h - 1 - margin)):
        if hit:
            return name
    return None


def _sides(q: np.ndarray) -> tuple[float, float]:
    a = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    b = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    return max(a, b), min(a, b)


def _outline(region: np.ndarray, short: float) -> np.ndarray:
    """The region's outline as a polygon (a card's edge one straight side)."""
    cnts, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contour = max(cnts, key=cv2.contourArea)
    eps = min(6.0, max(2.5, 0.01 * short))
    return cv2.approxPolyDP(contour, eps, True).reshape(-1, 2).astype(np.float32)


def _corners(poly: np.ndarray, min_side: float) -> list[tuple[np.ndarray, np.ndarray, int, int]]:
    """The right-angled corners where the outline turns around the region (a card's corner),
    not into it: (corner, the two sides' directions as rows, index of the side before, of the
    side after). Sides are the outline's straight runs of at least ``min_side``; the short
    runs between two of them (a corner rounded by the mask's smoothing) are stepped over."""
    m = len(poly)
    runs = [i for i in range(m) if np.linalg.norm(poly[(i + 1) % m] - poly[i]) >= min_side]
    orient = cv2.contourArea(poly, oriented=True)
    out = []
    for k, i in enumerate(runs):
        j = runs[(k + 1) % len(runs)]
        if j == i:
            continue
        gap = sum(np.linalg.norm(poly[(t + 1) % m] - poly[t % m]) for t in range(i + 1, j if j > i
                                                                                  else j + m))
        if gap > min_side:
            continue
        p1, q1 = poly[i], poly[(i + 1) % m]
        p2, q2 = poly[j], poly[(j + 1) % m]
        d1 = (q1 - p1) / np.linalg.norm(q1 - p1)
        d2 = (q2 - p2) / np.linalg.norm(q2 - p2)
        cross = float(d1[0] * d2[1] - d1[1] * d2[0])
        # A right angle, turning the way the outline turns around the region.
        if abs(float(np.dot(d1, d2))) > 0.22 or cross * orient < 0:
            continue
        t = np.linalg.solve(np.array([d1, -d2]).T, p2 - p1)
        out.append((p1 + d1 * t[0], np.array([-d1, d2]), i, j))
    return out


def _card_size(singles: list[np.ndarray], parts: list[np.ndarray]) -> tuple[float, float] | None:
    """The long and short side of a card in this photo (cards on one table are one size): from
    the cards lying alone in it, else from three or more parts cut from regions of several
    that agree in size. Never from one or two parts (a part may be two cards), nor guessed
    from a region's outline (a photo printed on a single card makes a region that two stacked
    cards of a guessed size would fill)."""
    if singles:
        got = np.array([_sides(q) for q in singles])
        return float(np.median(got[:, 0])), float(np.median(got[:, 1]))
    if len(parts) < 3:
        return None
    got = np.array([_sides(q) for q in parts])
    mid = np.median(got, axis=0)
    alike = got[(np.abs(got - mid) <= 0.1 * mid).all(axis=1)]
    if len(alike) < 3:
        return None
    return float(np.median(alike[:, 0])), float(np.median(alike[:, 1]))


def _side_support(edge: np.ndarray, p: np.ndarray, q: np.ndarray) -> float:
    """Share of the segment p–q (its middle 80%) that runs along an edge."""
    h, w = edge.shape
    t = np.linspace(0.1, 0.9, 40)[:, None]
    pts = np.rint(p + (q - p) * t).astype(int)
    ok = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
    if not ok.any():
        return 0.0
    pts = pts[ok]
    return float((edge[pts[:, 1], pts[:, 0]] > 0).sum()) / len(t)


def _inside(region: np.ndarray, quad: np.ndarray) -> float:
    x, y, w, h = cv2.boundingRect(quad.astype(np.int32))
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(region.shape[1], x + w), min(region.shape[0], y + h)
    if x1 <= x0 or y1 <= y0:
        return 0.0
    m = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillConvexPoly(m, np.rint(quad - [x0, y0]).astype(np.int32), 255)
    # Whatever of the quadrilateral lies outside the photo lies outside the region too.
    return cv2.countNonZero(m & region[y0:y1, x0:x1]) / max(1.0, cv2.contourArea(quad))


def _refine(quad: np.ndarray, edge: np.ndarray, size: tuple[float, float]) -> np.ndarray:
    """Each side moved (along its normal, a few per cent of the card at most) onto the edge
    that runs along it best: the card's own outline, where the guess from its size missed."""
    c = quad.mean(axis=0)
    lines = []
    for k in range(4):
        p, q = quad[k], quad[(k + 1) % 4]
        # The slant of the photo stretches a card by up to a tenth one way or the other.
        reach = int(round(0.1 * np.linalg.norm(quad[(k + 2) % 4] - quad[(k + 1) % 4]))) + 1
        d = (q - p) / max(1e-6, np.linalg.norm(q - p))
        n = np.array([-d[1], d[0]])
        if np.dot(n, (p + q) / 2 - c) < 0:
            n = -n
        best, best_s = 0, _side_support(edge, p, q) + 0.05
        for off in range(-reach, reach + 1):
            s = _side_support(edge, p + n * off, q + n * off)
            if s > best_s:
                best, best_s = off, s
        lines.append((p + n * best, d))
    out = []
    for k in range(4):
        (p1, d1), (p2, d2) = lines[k - 1], lines[k]
        a = np.array([d1, -d2]).T
        if abs(np.linalg.det(a)) < 1e-6:
            return quad
        t = np.linalg.solve(a, p2 - p1)
        out.append(p1 + d1 * t[0])
    return np.asarray(out, np.float32)


def _coverage(region: np.ndarray, quads: list[tuple[np.ndarray, float]]) -> float:
    """Share of the region the quadrilaterals cover, less what of them lies outside it (a part
    that is the hull of two cards covers them both, and the table between them)."""
    m = np.zeros_like(region)
    for q, _ in quads:
        cv2.fillConvexPoly(m, np.rint(q).astype(np.int32), 255)
    inside = cv2.countNonZero(m & region)
    return (2 * inside - cv2.countNonZero(m)) / max(1, cv2.countNonZero(region))


def _fit(region: np.ndarray, edge: np.ndarray, size: tuple[float, float],
         parts: list[tuple[np.ndarray, float]]) -> list[tuple[np.ndarray, float]]:
    """Cards of one size laid into a region of several: each corner of the region's outline
    (a card's corner that shows) is the corner of a card of the photo's card size, lying one
    of two ways; the way whose sides run along edges wins. Taken best first while each adds
    a card's worth of the region not yet covered, with the parts the edges cut as rivals."""
    long_, short = size
    card_area = long_ * short
    support = edge | cv2.morphologyEx(region, cv2.MORPH_GRADIENT, np.ones((5, 5), np.uint8))
    poly = _outline(region, short)
    cands: list[tuple[float, np.ndarray]] = []
    for v, (ua, ub), _i, _j in _corners(poly, 0.15 * short):
        for da, db in ((long_, short), (short, long_)):
            quad = np.float32([v, v + ua * da, v + ua * da + ub * db, v + ub * db])
            if _inside(region, quad) < 0.9:
                continue
            quad = _refine(quad, support, size)
            inside = _inside(region, quad)
            if inside < 0.93:
                continue
            s = np.mean([_side_support(support, quad[k], quad[(k + 1) % 4]) for k in range(4)])
            cands.append((float(s) - (1 - inside), geometry.order_corners(quad)))
    for quad, _area in parts:
        s = np.mean([_side_support(support, quad[k], quad[(k + 1) % 4]) for k in range(4)])
        cands.append((float(s), quad))
    cands.sort(key=lambda c: -c[0])
    taken: list[np.ndarray] = []
    covered = np.zeros_like(region)
    for score, quad in cands:
        if score < 0.6:
            break
        if any(cv2.intersectConvexConvex(quad, t)[0] > 0.25 * card_area for t in taken):
            continue
        m_ = np.zeros_like(region)
        cv2.fillConvexPoly(m_, np.rint(quad).astype(np.int32), 255)
        new = cv2.countNonZero(m_ & region & ~covered)
        if new < 0.45 * card_area:
            continue
        taken.append(quad)
        covered |= m_
    return [(q, float(cv2.contourArea(q))) for q in taken]


def find_cards(rgb: np.ndarray) -> TableLayout:
    """Every card lying on the table in ``rgb``; see the module's docstring."""
    h, w = rgb.shape[:2]
    if min(h, w) < 200:  # no room for two readable cards
        return TableLayout([], [])
    scale = min(1.0, DETECT_SIDE / max(h, w))
    small = cv2.resize(rgb, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    edges = _edges(small)
    # A light card on a light table hardly differs from it in colour, but its outline is a
    # closed edge: what edges enclose counts too, once thin texture (wood grain) is opened away.
    k = max(5, int(0.02 * max(sh, sw))) | 1
    enclosed = cv2.morphologyEx(_fill_holes(edges), cv2.MORPH_OPEN,
                                cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    fg = _fill_holes(_background_mask(small) | enclosed)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=4)
    min_area = 0.002 * sh * sw
    found: list[tuple[np.ndarray, float]] = []
    singles: list[np.ndarray] = []
    several: list[tuple[np.ndarray, list]] = []
    cut_off: list[tuple[str, float]] = []
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] < min_area:
            continue
        region = (labels == i).astype(np.uint8) * 255
        cnts, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        contour = max(cnts, key=cv2.contourArea)
        x, y, bw, bh = cv2.boundingRect(contour)
        side = _side(np.array([[x, y], [x + bw - 1, y + bh - 1]], float), sw, sh, 2)
        if side:
            cut_off.append((side, float(stats[i, cv2.CC_STAT_AREA])))
            continue
        one = _card_quad(contour)
        parts = _split(region, small, edges)
        if one and one[1] >= FILL and not _several(one, parts):
            found.append((one[0], one[2]))
            singles.append(one[0])
        else:
            several.append((region, parts))
    if several:
        gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), (3, 3), 0)
        fine = edges | cv2.dilate(cv2.Canny(gray, 10, 30), np.ones((3, 3), np.uint8))
    size = _card_size(singles, [q for _, parts in several for q, _ in parts])
    for region, parts in several:
        # A region no bigger than a card and a half holds one card, whatever its shape.
        if size and cv2.countNonZero(region) >= 1.4 * size[0] * size[1]:
            fitted = _fit(region, fine, size, parts)
            if _coverage(region, fitted) > _coverage(region, parts) + 0.03:
                parts = fitted
        found += parts
    if not found:
        return TableLayout([], [])
    # Cards on one table are one size (give or take the slant): a part much smaller than the
    # biggest cards is a piece of a card (a panel, a logo), not a card.
    typical = float(np.median(sorted(a for _, a in found)[-max(1, len(found) // 2):]))
    cards = [CardSpot(q / scale, a / scale**2) for q, a in found if a >= 0.45 * typical]
    problems = []
    for side, area in cut_off:
        if len(cards) >= 1 and area >= 0.2 * typical:
            problems.append(f"a card at the {side} edge is cut off: photograph it again")
    readable = []
    for c in cards:
        long_side = max(np.linalg.norm(c.corners[1] - c.corners[0]),
                        np.linalg.norm(c.corners[3] - c.corners[0]))
        if long_side < 0.08 * max(h, w):
            continue  # a logo or a mark on the table, not a card
        if long_side < MIN_CARD_PX:
            cx, cy = c.corners.mean(axis=0)
            problems.append(f"a card {_where(cx, cy, w, h)} is too small to read "
                            f"({int(long_side)} px wide): photograph it closer")
        else:
            readable.append(c)
    return TableLayout(_reading_order(readable), problems)


def _where(cx: float, cy: float, w: int, h: int) -> str:
    col = ("left", "middle", "right")[min(2, int(3 * cx / w))]
    row = ("top", "middle", "bottom")[min(2, int(3 * cy / h))]
    return "in the middle" if row == col == "middle" else f"at the {row} {col}".replace(
        "middle middle", "middle")


def _reading_order(cards: list[CardSpot]) -> list[CardSpot]:
    """Rows top to bottom (a card starts a new row when it lies below the row's middle
    height), each row left to right."""
    if not cards:
        return cards
    rest = sorted(cards, key=lambda c: c.corners[:, 1].mean())
    rows: list[list[CardSpot]] = []
    for c in rest:
        cy = c.corners[:, 1].mean()
        if rows:
            last = rows[-1]
            bottom = np.mean([np.max(k.corners[:, 1]) for k in last])
            top = np.mean([np.min(k.corners[:, 1]) for k in last])
            if cy < (top + bottom) / 2 + (bottom - top) * 0.5 - 1e-6 and cy < bottom:
                last.append(c)
                continue
        rows.append([c])
    return [c for row in rows for c in sorted(row, key=lambda k: k.corners[:, 0].mean())]


def read_photo(path: str | Path, *, region: str | None = None, lang: str = "eng"):
    """A photo's cards: a CardReading when it holds one card (read by ``read_card``, exactly
    as before), a PhotoReading when it holds several. Raises what ``read_card`` raises."""
    from .image import load_image
    from .reading import read_card, read_flat_card

    t0 = time.perf_counter()
    rgb = np.asarray(load_image(path))
    try:
        layout = find_cards(rgb)
    except Exception:  # an odd image the finder trips on is still read as one card
        layout = TableLayout([], [])
    if len(layout.cards) < 2:
        reading = read_card(path, region=region, lang=lang, image=rgb)
        domains = {e.rsplit("@", 1)[-1].lower() for e in reading.fields.get("emails") or []}
        if len(domains) >= MIXED_DOMAINS:
            # Several cards the finder could not tell apart, read as one: filing that would
            # make one contact of several people.
            raise CardImageError(
                f"{Path(path).name}: this photo seems to hold several cards that could not be "
                f"told apart ({len(domains)} e-mail domains): lay them apart, or photograph "
                "each alone")
        return reading
    name = Path(path).name
    readings: list = []
    for k, spot in enumerate(layout.cards, 1):
        try:
            card = geometry.warp(rgb, spot.corners)
            readings.append(read_flat_card(card, f"{name} card {k}", region=region, lang=lang))
        except OcrError as e:
            readings.append(e)
    if not any(not isinstance(r, OcrError) for r in readings) and not layout.problems:
        raise CardImageError(f"{name}: {len(readings)} card-shaped things found, none readable")
    corners = [c.corners.astype(float).round(1).tolist() for c in layout.cards]
    return PhotoReading(readings, corners,
                        layout.problems, round(time.perf_counter() - t0, 3))


def read_card_at(path: str | Path, corners, *, region: str | None = None,
                 lang: str = "eng"):
    """Read again the card lying at ``corners`` (as PhotoReading gave them) in a photo of
    several cards: what scan review's rescan does for such a card."""
    from .image import load_image
    from .reading import read_flat_card

    rgb = np.asarray(load_image(path))
    card = geometry.warp(rgb, np.asarray(corners, np.float32))
    return read_flat_card(card, Path(path).name, region=region, lang=lang)
