"""The name cue as text: which words of a scanned card give the name away, and a replica of
the card's layout drawn with characters from the OCR words and their boxes.

A half-block picture of a 1050×600 card in a 45-column pane is a blob: every card of one
company looks the same. The words, put back where they were on the card, are a cue that
works in any terminal. Pure functions: no image, no database, no UI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from namecards.drilling.grading import fold_accents

# Mailboxes that name a function, not a person: the whole address is a fair cue.
ROLE_MAILBOXES = {
    "info", "contact", "hello", "hi", "sales", "office", "team", "jobs", "careers", "hr",
    "support", "admin", "mail", "press", "media", "enquiries", "inquiries", "kontakt",
    "recruiting", "talent", "service", "welcome", "post", "bureau",
}
BLANK = "_"
_SPLIT = re.compile(r"[\s.\-_'’+]+")


@dataclass(frozen=True)
class Trace:
    """A word to blank, and which of its characters (start, end): the whole word, or the
    mailbox of an e-mail ("jberanger" of "jberanger@acme.example"), or a name inside a web
    address ("linkedin.com/in/[mlopez]")."""

    index: int
    start: int
    end: int


def name_tokens(names: list[str]) -> set[str]:
    """The folded parts of a person's names that are long enough to recognise (≥ 3 letters)."""
    text = fold_accents(" ".join(n for n in names if n))
    return {t for t in _SPLIT.split(text) if len(t) >= 3}


def initials(names: list[str]) -> set[str]:
    """First letters of the name's parts: "Jean Béranger" -> {"j", "b"}."""
    return {t[0] for t in _SPLIT.split(fold_accents(" ".join(n for n in names if n))) if t}


def _mailbox_names_person(mailbox: str, tokens: set[str], letters: set[str]) -> bool:
    """Does an e-mail's mailbox point at the person: "maria.lopez", "mlopez", "jb", "j.b"?"""
    folded = fold_accents(mailbox)
    if folded in ROLE_MAILBOXES or not folded:
        return False
    if any(t in folded for t in tokens):
        return True
    parts = [p for p in _SPLIT.split(folded) if p]
    # Initials alone ("jb", "j.b.") or an initial and a part we could not match.
    letters_only = "".join(parts)
    return len(letters_only) <= 3 and all(c in letters for c in letters_only)


def name_traces(words: list[dict], names: list[str], name_boxes: list) -> list[Trace]:
    """Every word of the card that gives the name away, with the part of it to blank.

    - the words in `name_boxes` (where OCR read the name), and every other word on their
      line: a capital that OCR left outside the box ("B" of "Béranger") is on that line too;
    - any word containing a part of the name (≥ 3 letters, accents folded);
    - the mailbox of every personal e-mail ("jberanger@", "mlopez@", initials "jb@"), the
      domain kept: the company is a fair cue;
    - the name inside a web address.
    """
    tokens = name_tokens(names)
    letters = initials(names)
    boxes = {tuple(int(v) for v in b) for b in name_boxes or []}
    name_lines = set()
    for i, w in enumerate(words):
        if _box(w) in boxes and w.get("line") is not None:
            name_lines.add(w["line"])
    traces: list[Trace] = []
    for i, w in enumerate(words):
        text = str(w.get("text") or "")
        if not text.strip():
            continue
        if _box(w) in boxes or (w.get("line") is not None and w["line"] in name_lines):
            traces.append(Trace(i, 0, len(text)))
            continue
        if "@" in text:
            mailbox = text.split("@", 1)[0]
            if _mailbox_names_person(mailbox, tokens, letters):
                traces.append(Trace(i, 0, len(mailbox)))
            continue
        folded = fold_accents(text)
        if len(folded) != len(text):  # "ß" folds to two letters: blank the whole word
            if any(t in folded for t in tokens):
                traces.append(Trace(i, 0, len(text)))
            continue
        spans = [(m.start(), m.end()) for t in tokens for m in re.finditer(re.escape(t), folded)]
        if not spans:
            continue
        if "/" in text or text.count(".") >= 1 and not text.endswith("."):
            # A web address: blank the path segment or host label holding the name.
            start = min(s for s, _ in spans)
            end = max(e for _, e in spans)
            while start > 0 and text[start - 1] not in "/.@:":
                start -= 1
            while end < len(text) and text[end] not in "/.?#":
                end += 1
            traces.append(Trace(i, start, end))
        else:
            traces.append(Trace(i, 0, len(text)))
    return traces


def _box(word: dict) -> tuple:
    return tuple(int(word.get(k) or 0) for k in ("left", "top", "width", "height"))


def trace_boxes(words: list[dict], traces: list[Trace]) -> list[list[float]]:
    """The image boxes to paint over for `traces` (a part of a word by its share of letters)."""
    boxes = []
    for t in traces:
        w = words[t.index]
        text = str(w.get("text") or "")
        left, top, width, height = (float(w.get(k) or 0) for k in ("left", "top", "width",
                                                                  "height"))
        n = max(1, len(text))
        boxes.append([left + width * t.start / n, top, width * (t.end - t.start) / n, height])
    return boxes


@dataclass
class Replica:
    """A card laid out in character cells: `rows` of segments `(text, role, colour)` where
    role is "text", "name" (a blanked or, after the answer, shown part of the name), "logo"
    (a mark much taller than the words: the logo's corner) or "gap"; colour is the word's
    ink as (r, g, b) when known. `background` is the card's colour when known."""

    columns: int
    rows: list[list[tuple[str, str, tuple | None]]] = field(default_factory=list)
    background: tuple | None = None


def card_replica(words: list[dict], size: tuple[int, int], traces: list[Trace], *,
                 columns: int = 44, reveal: bool = False, colours: dict | None = None,
                 background: tuple | None = None) -> Replica:
    """The card's words put back where they were, in a `columns`-wide grid.

    Words of one OCR line stay together; a line starts in the column where it started on
    the card, and goes in the row nearest to its height on the card that has room for it
    (terminal cells are about twice as tall as wide, so rows = columns × h / w / 2). The
    traces are blanked with one "_" per letter, or (`reveal`) shown in place.
    """
    width, height = max(1, size[0]), max(1, size[1])
    colours = colours or {}
    blank = {t.index: t for t in traces}
    heights = sorted(float(w.get("height") or 0) for w in words if str(w.get("text") or "").strip())
    typical = heights[len(heights) // 2] if heights else 0
    logos: set[int] = set()
    lines: dict = {}
    for i, w in enumerate(words):
        text = str(w.get("text") or "").strip()
        if not text:
            continue
        tall = typical and float(w.get("height") or 0) > 1.8 * typical and len(text) <= 3
        if tall and i not in blank:
            logos.add(i)  # a logo read as a letter or two: draw it as a mark
            key = ("logo", i)
        elif w.get("line") is None or w.get("line") == -1:
            continue  # ink that is not on a text line (rules, specks)
        else:
            key = w["line"]
        lines.setdefault(key, []).append(i)
    # A wide gap inside an OCR line ("Office: +1 312 507 7148   maria@acme.example") parts two
    # things printed side by side: each keeps its own place.
    chunks: list[list[int]] = []
    for ids in lines.values():
        ids.sort(key=lambda i: _left(words[i]))
        chunk = [ids[0]]
        for a, b in zip(ids, ids[1:]):
            gap = _left(words[b]) - _left(words[a]) - float(words[a].get("width") or 0)
            if typical and gap > 1.5 * typical:
                chunks.append(chunk)
                chunk = []
            chunk.append(b)
        chunks.append(chunk)
    # A chunk wider than the grid is wrapped at a word (a lone separator "|" dropped).
    fitted: list[list[int]] = []
    continued: set[int] = set()  # first word of a piece that goes on the row below the last
    order: dict[int, tuple] = {}  # first word of a piece -> where it comes in the layout
    for chunk in chunks:
        key = (min(_top(words[i]) for i in chunk), min(_left(words[i]) for i in chunk))
        start = len(fitted)
        piece: list[int] = []
        for i in chunk:
            text = str(words[i]["text"])
            if piece and sum(len(str(words[j]["text"])) + 1 for j in piece) + len(text) > columns:
                while piece and str(words[piece[-1]]["text"]) in "|·•/":
                    piece.pop()
                fitted.append(piece)
                piece = []
                wrapped = True
            else:
                wrapped = False if not piece else None
            if not piece and text in "|·•/":
                continue
            if not piece and wrapped:
                continued.add(i)
            piece.append(i)
        while piece and str(words[piece[-1]]["text"]) in "|·•/":
            piece.pop()
        if piece:
            fitted.append(piece)
        for n, made in enumerate(fitted[start:]):
            order[made[0]] = (*key, n)
    chunks = fitted
    n_rows = max(6, round(columns * height / width / 2), len(chunks) + 1)
    placed: list[tuple[int, int, list[tuple[str, str]]]] = []
    grid: list[list[tuple[int, int]]] = [[] for _ in range(n_rows)]  # occupied column spans
    ordered = sorted(chunks, key=lambda ids: order[ids[0]])
    last_row = 0
    for ids in ordered:
        follows = ids[0] in continued
        ids.sort(key=lambda i: _left(words[i]))
        segments: list[tuple[str, str, tuple | None]] = []
        for k, i in enumerate(ids):
            if k:
                segments.append((" ", "text", None))
            if i in logos:
                cells = round(float(words[i].get("width") or 0) / width * columns)
                segments.append(("▆" * min(6, max(2, cells)), "logo", colours.get(i)))
            else:
                segments += _word_segments(str(words[i]["text"]), blank.get(i), reveal,
                                           colours.get(i))
        length = sum(len(s[0]) for s in segments)
        if length > columns:  # a line longer than the pane keeps its start
            segments = _cut(segments, columns)
            length = columns
        col = min(columns - length, round(_left(words[ids[0]]) / width * columns))
        centre = sum(_top(words[i]) + float(words[i].get("height") or 0) / 2
                     for i in ids) / len(ids)
        want = min(n_rows - 1, max(0, int(centre / height * n_rows)))
        if follows:  # the rest of a wrapped line: right under its start
            want = last_row + 1
            if want >= len(grid):
                grid.append([])
        row, col = _free_place(grid, want, col, length, columns)
        if row is None:
            grid.append([])
            row = len(grid) - 1
        grid[row].append((col, col + length))
        placed.append((row, col, segments))
        last_row = row
    rows: list[list[tuple[str, str, tuple | None]]] = [[] for _ in range(len(grid))]
    for r in range(len(grid)):
        items = sorted(((c, segs) for row, c, segs in placed if row == r), key=lambda x: x[0])
        at = 0
        for c, segs in items:
            if c > at:
                rows[r].append((" " * (c - at), "gap", None))
            rows[r] += segs
            at = c + sum(len(s[0]) for s in segs)
        if at < columns:
            rows[r].append((" " * (columns - at), "gap", None))
    return Replica(columns, rows, background)


def _left(word: dict) -> float:
    return float(word.get("left") or 0)


def _top(word: dict) -> float:
    return float(word.get("top") or 0)


def _word_segments(text: str, trace: Trace | None, reveal: bool, colour) -> list:
    if trace is None:
        return [(text, "text", colour)]
    hidden = text[trace.start:trace.end]
    shown = hidden if reveal else BLANK * len(hidden)
    return [(s, role, colour) for s, role in ((text[:trace.start], "text"), (shown, "name"),
                                              (text[trace.end:], "text")) if s]


def _cut(segments: list, columns: int) -> list:
    out, left = [], columns - 1
    for text, role, colour in segments:
        if left <= 0:
            break
        out.append((text[:left], role, colour))
        left -= len(text[:left])
    out.append(("…", "text", None))
    return out


def _free_place(grid, want: int, col: int, length: int, columns: int):
    """The row nearest `want` where [col, col+length) is free (sliding right if it must)."""
    # Near its place or not at all (the caller adds a row below): a line far from where it
    # was on the card would misdraw the layout.
    for distance in range(min(3, len(grid))):
        for row in (want + distance, want - distance):
            if not 0 <= row < len(grid):
                continue
            spans = sorted(grid[row])
            for start in [col] + [e + 1 for _, e in spans]:
                start = max(start, col) if start == col else start
                end = start + length
                if end > columns:
                    continue
                if all(end + 1 <= a or start >= b + 1 for a, b in spans):
                    return row, start
    return None, col
