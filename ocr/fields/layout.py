"""Line geometry: pieces of lines (a separator, a name and a title on one line, a comma list),
and which lines stand next to which."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import companies, emails, names, titles


@dataclass
class OcrLine:
    """One line of text as an engine read it; ``box`` is [left, top, width, height]."""

    text: str
    box: list[int] | None = None
    height: float | None = None
    conf: float = 100.0  # mean word confidence, 0..100
    words: list[int] = field(default_factory=list)  # indices into CardReading.words
    # Word positions (indices into text.split()) that a wide blank precedes: the engine read
    # as one line two things set apart by spacing ("Bernard Desarnauts      Founder & CEO").
    gaps: list[int] = field(default_factory=list)


@dataclass
class Seg(OcrLine):
    """A piece of an input line: all of it, or the part before or after a split."""

    source: int = -1  # index of the input line


def _piece(line: Seg, start: int, end: int) -> Seg:
    """The characters start..end of a line, with its words and box cut to match (by position:
    each word owns the characters of its share of the line)."""
    text = line.text
    piece = text[start:end].strip(" ,;|")
    n = len(line.words)
    words = line.words
    if n and len(text):
        words = [w for i, w in enumerate(line.words)
                 if start <= (i + 0.5) / n * len(text) < end]
    box = line.box
    if box and len(text):
        left = box[0] + int(box[2] * start / len(text))
        right = box[0] + int(box[2] * end / len(text))
        box = [left, box[1], max(1, right - left), box[3]]
    return Seg(piece, box, line.height, line.conf, words, source=line.source)


def _token_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def _words_by_token(line: Seg) -> bool:
    return len(line.words) == len(line.text.split())


def _cut(line: Seg, cuts: list[int]) -> list[Seg]:
    """The line cut before each of the given character offsets."""
    if _words_by_token(line):
        spans = _token_spans(line.text)
        bounds = [0, *cuts, len(line.text)]
        out = []
        for a, b in zip(bounds, bounds[1:], strict=False):
            idx = [i for i, (s, _) in enumerate(spans) if a <= s < b]
            if not idx:
                continue
            seg = _piece(line, a, b)
            seg.words = [line.words[i] for i in idx]
            out.append(seg)
        return [s for s in out if s.text]
    bounds = [0, *cuts, len(line.text)]
    return [s for s in (_piece(line, a, b) for a, b in zip(bounds, bounds[1:], strict=False))
            if s.text]


WIDE_GAP = 0.9  # a blank this many line heights wide: normal word spaces are under 0.7


def word_gaps(words: list[dict], height: float) -> list[int]:
    """Indices of the words (dicts with left, width) that a blank wider than WIDE_GAP line
    heights separates from the word before."""
    return [i for i in range(1, len(words))
            if words[i]["left"] - (words[i - 1]["left"] + words[i - 1]["width"])
            > WIDE_GAP * height]


def _words_by_gap(line: Seg) -> bool:
    n = len(line.text.split())
    return all(0 < i < n for i in line.gaps)


# How person-like (names.person_likeness) the words before a title on the same line must be;
# a name the given-name and surname lists lack (capitals, no title or organisation words:
# 0.15) will do when the card's e-mail spells it ("Tendai Moyo Chief Engineer", tendai@…).
# Without the e-mail, "Country Airfreight Director" looks the same.
PERSON_BEFORE_TITLE = 0.3


def _person_before_title(head: str, locals_: list[str]) -> bool:
    parts = names.split_name(head)
    if not parts:
        return False
    like = names.person_likeness(parts, head)
    return like >= PERSON_BEFORE_TITLE or (
        like >= 0.1 and emails.supports(parts.given, parts.family, locals_) >= 0.5)
SEPARATOR = re.compile(r"\s+[|¦•·]\s+")


def split_line(line: Seg, locals_: list[str] | None = None) -> list[Seg]:
    """A line in the pieces a reader sees: at separators ("a | b"), between a name and the
    title printed after it on the same line, and at the commas of "Name, Title, …".
    ``locals_``: the local parts of the card's e-mails (they may spell the name)."""
    locals_ = locals_ or []
    cuts = [m.start() for m in SEPARATOR.finditer(line.text)]
    if cuts:
        return [p for s in _cut(line, cuts) for p in split_line(s, locals_)]
    text = line.text
    m = re.search(r"\s*\(([^()]+)\)\s*$", text)
    if m and titles.strength(m.group(1)) and m.start() > 0:  # "Utsav Busa (Director)"
        pieces = _cut(line, [m.start() + 1])
        if len(pieces) == 2:
            pieces[1].text = pieces[1].text.strip("() ")
            return pieces
    if "," in text and "@" not in text:
        parts = text.split(",")
        first = names.split_name(parts[0])
        # A comma before a part that names a role sets a name apart well enough for one the
        # lists do not know ("Tendai Moyo, Chief Engineer, Reg. No. 4471").
        role = any(titles.strength(p) == 2 for p in parts[1:])
        if first and len(parts) >= 2 and any(titles.strength(p) for p in parts[1:]) and (
                _person_before_title(parts[0], locals_) or
                role and names.person_likeness(first, parts[0]) >= 0.1):
            offsets, pos = [], 0
            for p in parts[:-1]:
                pos += len(p) + 1
                offsets.append(pos)
            return _cut(line, offsets)
    if line.gaps and _words_by_gap(line):
        spans = _token_spans(text)
        i = line.gaps[0]
        head = text[: spans[i][0]]
        tail = text[spans[i][0]:]
        if _person_before_title(head, locals_) and \
                re.search(r"[^\W\d_]{2,}", tail) and not re.search(r"\d|@", tail):
            return _cut(line, [spans[i][0]])
    i = titles.title_part(text)
    if i is None and not companies.has_organisation_word(text):
        # Looser (words the title list lacks): never inside a company's name.
        i = titles.trailing_title(text)
    if i is not None:
        spans = _token_spans(text)
        head = text[: spans[i][0]].strip(" ,-")
        if _person_before_title(head, locals_):
            return _cut(line, [spans[i][0]])
    return [line]


def neighbours(segs: list[OcrLine], k: int, rest: list[int]) -> list[int]:
    """Lines directly above and below line k in the same column (by box, else by order)."""
    me = segs[k]
    if not me.box:
        return [j for j in (k - 1, k + 1) if 0 <= j < len(segs)]
    h = me.height or me.box[3]
    out = []
    for j in rest:
        o = segs[j]
        if j == k or not o.box:
            continue
        oh = o.height or o.box[3]
        if abs(oh - h) > 0.6 * max(h, oh):
            continue
        vgap = max(o.box[1] - (me.box[1] + me.box[3]), me.box[1] - (o.box[1] + o.box[3]))
        if vgap > 1.0 * max(h, oh):
            continue
        left_al = abs(o.box[0] - me.box[0]) <= 1.5 * h
        centre_al = abs((o.box[0] + o.box[2] / 2) - (me.box[0] + me.box[2] / 2)) <= 1.5 * h
        if left_al or centre_al:
            out.append(j)
    return out


def stacked(a: OcrLine, b: OcrLine) -> bool:
    """Line b directly under line a, the same size and aligned: one name set on two lines."""
    if not a.box or not b.box:
        return False
    ha, hb = a.height or a.box[3], b.height or b.box[3]
    if abs(ha - hb) > 0.35 * max(ha, hb):  # descenders ("de jong") make a line look taller
        return False
    gap = b.box[1] - (a.box[1] + a.box[3])
    aligned = abs(a.box[0] - b.box[0]) <= 0.8 * ha or abs(
        (a.box[0] + a.box[2] / 2) - (b.box[0] + b.box[2] / 2)) <= 0.8 * ha
    return -0.3 * ha <= gap <= 0.9 * ha and aligned


def top(seg: OcrLine, k: int) -> float:
    return seg.box[1] if seg.box else k
