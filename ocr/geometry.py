"""Find the card in a photo and warp it flat (by its outline, else by where its text is);
estimate text size; undo dark backgrounds."""

from __future__ import annotations

import cv2
import numpy as np

DETECT_SIDE = 800  # detection runs on a copy this big: fast and steady
# Width/height of real cards: 1.55 (EU 85×55), 1.59 (ISO ID-1), 1.65 (JP 91×55), 1.75 (US
# 3.5×2 in); a quadrilateral far from these is a logo panel or a dark band of the card, not it.
CARD_ASPECT = (1.3, 2.1)


def order_corners(pts: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left."""
    pts = pts.reshape(4, 2).astype(np.float32)
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array(
        [pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
        dtype=np.float32,
    )


def _quad_candidates(small: np.ndarray):
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    masks = []
    # Edges of brightness and of saturation: a white card on wood differs in both.
    for ch in (blur, cv2.GaussianBlur(hsv[:, :, 1], (5, 5), 0)):
        e = cv2.Canny(ch, 30, 90)
        masks.append(cv2.dilate(e, np.ones((3, 3), np.uint8), iterations=2))
    _, otsu = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks.append(otsu)
    masks.append(255 - otsu)
    for m in masks:
        cnts, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in sorted(cnts, key=cv2.contourArea, reverse=True)[:3]:
            yield c


def find_card(rgb: np.ndarray) -> np.ndarray | None:
    """Corners (4×2, full-resolution coordinates) of the card in a photo, or None."""
    h, w = rgb.shape[:2]
    scale = DETECT_SIDE / max(h, w)
    small = cv2.resize(rgb, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    area = sh * sw
    best = None
    for c in _quad_candidates(small):
        a = cv2.contourArea(c)
        if a < 0.12 * area or a > 0.97 * area:
            continue
        hull = cv2.convexHull(c)
        peri = cv2.arcLength(hull, True)
        quad = None
        for eps in (0.02, 0.03, 0.04, 0.06):
            approx = cv2.approxPolyDP(hull, eps * peri, True)
            if len(approx) == 4:
                quad = approx
                break
        if quad is None:
            # Rounded or partly shadowed corners: the minimum-area rectangle is close enough.
            rect = cv2.minAreaRect(hull)
            if cv2.contourArea(hull) < 0.85 * rect[1][0] * rect[1][1]:
                continue
            quad = cv2.boxPoints(rect)
        quad = order_corners(np.asarray(quad))
        qa = cv2.contourArea(quad)
        # A card is convex and fills its quadrilateral; anything touching all borders is the frame.
        if qa < 0.12 * area or not cv2.isContourConvex(quad.astype(np.int32)):
            continue
        margin = 3
        touches = (
            (quad[:, 0] < margin)
            | (quad[:, 0] > sw - margin)
            | (quad[:, 1] < margin)
            | (quad[:, 1] > sh - margin)
        ).sum()
        if touches >= 3:
            continue
        if not plausible_card(quad):
            continue
        if best is None or qa > best[0]:
            best = (qa, quad)
    if best is None:
        return None
    return best[1] / scale


def plausible_card(quad: np.ndarray) -> bool:
    """Whether a quadrilateral (ordered corners) has a business card's proportions."""
    tl, tr, br, bl = quad
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    if min(width, height) < 1:
        return False
    aspect = max(width, height) / min(width, height)
    return CARD_ASPECT[0] <= aspect <= CARD_ASPECT[1]


def text_region(boxes: list[list[int]], shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    """Where the card is when its outline was not found (a white card on a white table):
    around its text, with a card's usual margin. (left, top, right, bottom), or None when the
    text already fills most of the image (a flat scan: keep it whole)."""
    if not boxes:
        return None
    h, w = shape[:2]
    left = min(b[0] for b in boxes)
    top = min(b[1] for b in boxes)
    right = max(b[0] + b[2] for b in boxes)
    bottom = max(b[1] + b[3] for b in boxes)
    if (right - left) * (bottom - top) > 0.45 * w * h:
        return None
    mx, my = 0.12 * (right - left), 0.18 * (bottom - top)
    box = (int(max(0, left - mx)), int(max(0, top - my)), int(min(w, right + mx)),
           int(min(h, bottom + my)))
    return box if box[2] - box[0] > 20 and box[3] - box[1] > 20 else None


def crop_quad(img: np.ndarray, quad, height: int, pad: float = 0.15) -> np.ndarray:
    """A text line's quadrilateral cut out straight, scaled to ``height`` pixels (plus a
    margin of ``pad`` × height around it, so no letter touches the edge)."""
    q = np.asarray(quad, dtype=np.float32).reshape(4, 2)
    w = max(np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[3]))
    h = max(np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1]))
    if w < 2 or h < 2:
        return np.zeros((0, 0) + img.shape[2:], img.dtype)
    scale = height / h
    out_w, out_h = max(1, int(round(w * scale))), height
    p = int(round(pad * height))
    dst = np.float32([[p, p], [p + out_w, p], [p + out_w, p + out_h], [p, p + out_h]])
    m = cv2.getPerspectiveTransform(q, dst)
    interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    return cv2.warpPerspective(img, m, (out_w + 2 * p, out_h + 2 * p), flags=interp,
                               borderMode=cv2.BORDER_REPLICATE)


def warp(rgb: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Perspective-correct the quadrilateral to a rectangle at (about) its own resolution."""
    tl, tr, br, bl = corners
    width = int(round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    height = int(round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    dst = np.float32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])
    m = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
    out = cv2.warpPerspective(
        rgb, m, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    # Trim a sliver so the background just outside the card edge does not become "text".
    t = max(2, int(0.008 * min(width, height)))
    return out[t:-t, t:-t]


def is_dark(gray: np.ndarray) -> bool:
    """Light text on a dark card: the most common (background) brightness is low."""
    hist = cv2.calcHist([gray], [0], None, [16], [0, 256]).ravel()
    return int(np.argmax(hist)) < 8 and float(np.median(gray)) < 110


def flatten_light(gray: np.ndarray, text_px: float) -> np.ndarray:
    """Divide by the background so lighting gradients and shadows disappear.

    The background is a closing wider than the strokes, then a wide blur. The closed image is
    smooth, so the blur runs on a copy shrunk up to 8x and is scaled back (within 4 grey
    levels of blurring at full size, which cost ~0.2 CPU s per photo).
    """
    k = int(max(15, text_px * 3)) | 1
    bg = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    h, w = gray.shape[:2]
    f = max(1, min(k // 8, 8, h // 8, w // 8))
    if f > 1:
        small = cv2.resize(bg, (w // f, h // f), interpolation=cv2.INTER_AREA)
        bg = cv2.resize(
            cv2.GaussianBlur(small, (0, 0), k / 2 / f), (w, h), interpolation=cv2.INTER_LINEAR
        )
    else:
        bg = cv2.GaussianBlur(bg, (0, 0), k / 2)
    return cv2.divide(gray, np.maximum(bg, 1), scale=255.0)


def glyph_boxes(gray: np.ndarray) -> np.ndarray:
    """Boxes (x, y, w, h) of character-sized dark blobs on a light background."""
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(bw, connectivity=8)
    if n <= 1:
        return np.zeros((0, 4), int)
    h, w = gray.shape[:2]
    st = stats[1:, :4]
    hs, ws = st[:, 3], st[:, 2]
    keep = (hs >= 4) & (hs < 0.15 * h) & (ws < 0.1 * w) & (ws >= 2)
    return st[keep]


def text_height(gray: np.ndarray) -> float:
    """Median height of character-sized blobs (dark on light): about the x-height to cap height."""
    boxes = glyph_boxes(gray)
    if len(boxes) < 8:
        return 0.0
    return float(np.median(boxes[:, 3]))


def uncovered_glyphs(gray: np.ndarray, words: list[dict]) -> int:
    """How many glyph-like blobs lie outside every word box: text Tesseract's layout skipped."""
    boxes = glyph_boxes(gray)
    if not len(boxes):
        return 0
    med = np.median(boxes[:, 3])
    boxes = boxes[(boxes[:, 3] > 0.6 * med) & (boxes[:, 3] < 2.5 * med)]
    cx = boxes[:, 0] + boxes[:, 2] / 2
    cy = boxes[:, 1] + boxes[:, 3] / 2
    inside = np.zeros(len(boxes), bool)
    for w in words:
        inside |= (
            (cx >= w["left"] - 3)
            & (cx <= w["left"] + w["width"] + 3)
            & (cy >= w["top"] - 3)
            & (cy <= w["top"] + w["height"] + 3)
        )
    return int((~inside).sum())
