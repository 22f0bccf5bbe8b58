"""Put back accents that Tesseract's English model cannot output (it knows only "é").

The word boxes say where a word is; small blobs sitting just above a letter are its accent.
Their shape tells which accent (two dots, a slanted stroke, a wave, a ring), the letter under
them is found by counting glyph blobs, and the letter plus a combining mark is composed (NFC).
Nothing is guessed from dictionaries: a word only changes when the image shows a mark.
"""

from __future__ import annotations

import math
import re
import unicodedata

import cv2
import numpy as np

ACUTE, GRAVE, CIRCUMFLEX, TILDE, DIAERESIS, RING, DOT = (
    "\u0301",
    "\u0300",
    "\u0302",
    "\u0303",
    "\u0308",
    "\u030a",
    "\u0307",
)


# Letters with marks that Latin-script names and addresses use; anything else is noise.
ALLOWED = set("áàâäãåéèêëíìîïóòôöõúùûüñýÿńśźżćąęőűčšžřěůňÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÝŃŚŹŻĆĄĘŐŰČŠŽŘĚŮŇ")


_DIGIT_LETTER = str.maketrans({"0": "o", "1": "l", "5": "s", "6": "o", "8": "B"})


def _strip(c: str) -> str:
    d = unicodedata.normalize("NFD", c)
    return d[0] if d else c


def _classify(masks: list[np.ndarray], base_w: int) -> str | None:
    """Accent type from the blob(s) above one letter."""
    if len(masks) >= 2:
        return DIAERESIS
    m = masks[0]
    h, w = m.shape
    area = int(m.sum())
    if area < 4:
        return None
    cnts, hier = cv2.findContours(m.astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if hier is not None and any(hh[3] >= 0 for hh in hier[0]):
        return RING
    fill = area / float(h * w)
    r = 0.0
    mu = cv2.moments(m.astype(np.uint8), binaryImage=True)
    if mu["m00"] >= 3:
        # y grows downwards: a stroke rising to the right ("/") has negative covariance.
        sx = math.sqrt(max(1e-9, mu["mu20"] / mu["m00"]))
        sy = math.sqrt(max(1e-9, mu["mu02"] / mu["m00"]))
        r = mu["mu11"] / mu["m00"] / (sx * sy)
    if _elongation(m) < 1.5:
        return DOT  # round: a dot (or an acute too blurred to tell, see _apply)
    if r < -0.5:
        return ACUTE
    if r > 0.5:
        return GRAVE
    if w >= 1.5 * h and w >= 0.45 * base_w:
        # A wide low mark: wave (tilde) or a hat (circumflex) — a hat's middle column is highest.
        cols = [np.nonzero(m[:, x])[0] for x in range(w)]
        tops = [c[0] if len(c) else h for c in cols]
        mid = tops[w // 2 - w // 6 : w // 2 + w // 6 + 1]
        ends = tops[: max(1, w // 6)] + tops[-max(1, w // 6) :]
        if mid and min(mid) < min(ends) and fill < 0.6 and max(ends) - min(mid) >= 0.35 * h:
            return CIRCUMFLEX
        return TILDE
    if r < -0.25:
        return ACUTE
    if r > 0.25:
        return GRAVE
    return DOT


def _elongation(m: np.ndarray) -> float:
    """Ratio of the long to the short axis of a blob (1 for a dot, 2+ for a stroke)."""
    mu = cv2.moments(m.astype(np.uint8), binaryImage=True)
    if mu["m00"] < 3:
        return 1.0
    a, b, c = mu["mu20"] / mu["m00"], mu["mu11"] / mu["m00"], mu["mu02"] / mu["m00"]
    d = math.sqrt(max(0.0, ((a - c) / 2) ** 2 + b * b))
    l1, l2 = (a + c) / 2 + d, max(1e-6, (a + c) / 2 - d)
    return math.sqrt(l1 / l2)


def restore_word(gray: np.ndarray, box: tuple[int, int, int, int], text: str) -> tuple[str, int]:
    """``text`` with the accents visible above its letters; also how many marks were used.

    ``gray`` is dark text on light background; ``box`` is (left, top, width, height) in it.
    """
    if any(c in "@/:" for c in text) or "." in text.rstrip(".,"):
        return text, 0
    if re.fullmatch(r"[^\W\d_]+\d{1,2}[^\W\d_]*,?", text) and sum(c.isalpha() for c in text) >= 3:
        text = text.translate(_DIGIT_LETTER)  # "Schr6der": a digit inside a word is a letter
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if not letters or any(c.isdigit() for c in text):
        return text, 0
    x, y, w, h = box
    H, W = gray.shape[:2]
    pad_top = int(0.4 * h)
    x0, x1 = max(0, x - 2), min(W, x + w + 2)
    y0, y1 = max(0, y - pad_top), min(H, y + h + 2)
    crop = gray[y0:y1, x0:x1]
    if crop.size == 0 or crop.shape[0] < 8:
        return text, 0
    _, bw = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, lab, st, _ = cv2.connectedComponentsWithStats(bw, connectivity=8)
    comps = [(i, *st[i, :5]) for i in range(1, n) if st[i, 4] >= 3]
    if not comps:
        return text, 0
    big = max(c[4] for c in comps)  # tallest blob ~ cap/ascender height
    bases = [c for c in comps if c[4] >= 0.5 * big or (c[4] >= 0.3 * big and c[3] >= 0.25 * big)]
    marks = [c for c in comps if c not in bases and c[4] < 0.5 * big]
    if not bases:
        return text, 0
    bases.sort(key=lambda c: c[1])
    # Glyphs of one letter that overlap in x (rare) are merged so the count matches letters.
    merged: list[list[int]] = []
    for c in bases:
        if (
            merged
            and c[1] < merged[-1][1] + 0.5 * merged[-1][3]
            and c[1] + c[3] <= merged[-1][1] + merged[-1][3] + 2
        ):
            continue
        merged.append(list(c))
    bases = merged
    by_base: dict[int, list[np.ndarray]] = {}
    for m in marks:
        _, mx, my, mw, mh, _ = m
        if my <= 0:
            continue  # cut off at the crop's top: the line above, not an accent
        # The letter under the mark: most x-overlap, its top below the mark's bottom.
        best, ov_best = None, 0
        for bi, b in enumerate(bases):
            ov = min(mx + mw, b[1] + b[3]) - max(mx, b[1])
            gap = b[2] - (my + mh)
            if ov > ov_best and -0.15 * big <= gap <= 0.3 * big:
                best, ov_best = bi, ov
        if best is None or ov_best < 0.4 * mw:
            continue
        b = bases[best]
        if mw > 2.5 * b[3] + 4:  # wider than an accent on this letter: not an accent
            continue
        by_base.setdefault(best, []).append((lab[my : my + mh, mx : mx + mw] == m[0]))
    # Tesseract reads "ü" as "ii" and "ñ" as "fi": try those readings when the count is off.
    for old, new, need in (
        ("", "", None),
        ("ii", "u", DIAERESIS),
        ("fi", "n", TILDE),
        ("ti", "n", TILDE),
    ):
        cand = text
        if old:
            if old not in text:
                continue
            cand = text.replace(old, new, 1)
        letters = [i for i, c in enumerate(cand) if c.isalpha()]
        if len(letters) != len(bases):
            continue
        if need:
            # The reading only counts when the right mark sits on the replaced letter.
            at = cand.index(new, text.index(old))
            bi = letters.index(at)
            if bi not in by_base or _classify(by_base[bi], bases[bi][3]) != need:
                continue
        return _tidy(*_apply(cand, letters, bases, by_base, big))
    if by_base:
        return _tidy(*_apply_loose(text, bases, by_base, big))
    return text, 0


def _tidy(out: str, used: int) -> tuple[str, int]:
    # "ü" read as "ii" with its dots found over one of the two stems; a lone ï is far likelier
    # a speck over an i than a real ï.
    out = re.sub(r"iï|ïi|ïï", "ü", out)
    return out.replace("ï", "i").replace("Ï", "I"), used


def _apply_loose(text: str, bases: list, by_base: dict, big: int) -> tuple[str, int]:
    """Glyph and letter counts differ (touching letters): place only unambiguous marks.

    A mark on a narrow stem goes to the word's only i; a mark elsewhere to the letter that can
    carry it nearest to the mark's relative position, when that is clear.
    """
    chars = list(text)
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    left = bases[0][1]
    width = max(1, bases[-1][1] + bases[-1][3] - left)
    used = 0
    for bi, masks in by_base.items():
        b = bases[bi]
        mark = _classify(masks, b[3])
        if mark is None or mark == DOT:
            continue  # a dot is most likely an i's own: too ambiguous without the letter count
        if b[3] < 0.35 * big and b[4] < 0.8 * big:  # a dotless-i stem
            idx = [i for i in letters if chars[i] in "iıIl"]
            mh, mw = masks[0].shape
            if len(idx) != 1 or max(mh, mw) < 1.4 * b[3]:
                continue
            ci, base = idx[0], "i"
        else:
            pos = (b[1] + b[3] / 2 - left) / width * len(letters) - 0.5
            near = [
                i
                for k, i in enumerate(letters)
                if abs(k - pos) <= 1.0 and _strip(chars[i]) in "aeiouyncszAEIOUYNCSZ"
            ]
            if len(near) > 1:
                # Most marks sit on vowels; a tilde on n, a or o.
                keep = "nNaAoO" if mark == TILDE else "aeiouyAEIOUY"
                near = [i for i in near if _strip(chars[i]) in keep]
            if len(near) != 1:
                continue
            ci, base = near[0], _strip(chars[near[0]])
        composed = unicodedata.normalize("NFC", base + mark)
        if len(composed) == 1 and composed in ALLOWED:
            chars[ci] = composed
            used += 1
    return "".join(chars), used


def _apply(text: str, letters: list[int], bases: list, by_base: dict, big: int) -> tuple[str, int]:
    chars = list(text)
    used = 0
    # A "c" reaching below the baseline carries a cedilla (it is usually joined to the c).
    plain = [b[2] + b[4] for k, b in enumerate(bases) if text[letters[k]] not in "gjpqyçQJ"]
    if plain:
        baseline = float(np.median(plain))
        for k, b in enumerate(bases):
            c = chars[letters[k]]
            if c in "cC" and b[2] + b[4] > baseline + 0.15 * big and k not in by_base:
                chars[letters[k]] = "ç" if c == "c" else "Ç"
                used += 1
    for bi, masks in by_base.items():
        ci = letters[bi]
        c = chars[ci]
        mark = _classify(masks, bases[bi][3])
        if mark is None:
            continue
        base = _strip(c)
        if base == "i" and mark == DIAERESIS and bases[bi][3] > 0.45 * big:
            base = "u"  # a wide letter under two dots read as "i" is a "ü"
        if base in "iIl|" and bases[bi][4] < 0.8 * big and bases[bi][3] < 0.35 * big:
            base = "i"  # a short stem under a mark is a lowercase i (Tesseract says "I" or "l")
            mh, mw = masks[0].shape
            if mark in (ACUTE, GRAVE) and max(mh, mw) < 1.4 * bases[bi][3]:
                mark = DOT  # a blurred i-dot, not an accent: accents are longer than the stem
            if mark == DOT:
                chars[ci] = "i"
                continue
        if base in "ij" and mark == DOT:
            continue
        if mark == DOT and base not in "zcegZCEG":
            mark = ACUTE  # at photo resolution a short acute looks like a dot; ż ċ ė ġ are rare
        if base == "h" and mark == TILDE and bases[bi][4] < 0.75 * big:
            base = "n"  # "ñ" is often read as "h"
        composed = unicodedata.normalize("NFC", base + mark)
        if len(composed) == 1 and composed in ALLOWED:
            used += 1
            chars[ci] = composed
    return "".join(chars), used


def restore_eszett(word: str) -> str:
    """Known eng readings of letters it lacks: "GroB", "Grofs" -> "Groß"; "-igão" -> "-ição"."""
    word = re.sub(r"(?<=[aeiouäöü])fs$", "ß", word)
    # "&" never stands between or after lowercase letters in a word: "Hauptstra&e", "Gro&,".
    word = re.sub(r"(?<=[a-zäöü])&(?=[a-zäöü])|(?<=[aeiouäöü])&(?=[,.]?$)", "ß", word)
    word = re.sub(r"(?<=[a-zäöü][aeiouäöü])8(?=e?n?$)", "B", word)
    word = re.sub(r"(?<=[aeiou])gã(?=[oe]s?$)", "çã", word)
    out = []
    for i, c in enumerate(word):
        if (
            c == "B"
            and i > 0
            and word[i - 1] in "aeiouäöüs"
            and (i + 1 == len(word) or word[i + 1] == "e")
        ):
            out.append("ß")
        else:
            out.append(c)
    return "".join(out)
