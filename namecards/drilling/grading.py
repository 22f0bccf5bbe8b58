"""Grade a typed answer against the expected one and describe the difference for colouring.

Spelling matters: exact (ignoring case and spacing) is Good, accents-only or a near miss is
Hard, anything else is Again.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from fsrs import Rating

# rapidfuzz and rich are imported in the functions that use them: `namecards due`, `stats`
# and `show` load this module through the deck and grade nothing (about 0.1 s saved).
from namecards.text import fold_letters

VERDICTS = ("exact", "accents", "near", "wrong")


_STYLES = {
    "equal": "green",
    "wrong": "bold red underline",
    "missing": "reverse red",
    "extra": "strike",
}


@dataclass(frozen=True)
class Grade:
    """The outcome of comparing a typed answer with the expected one.

    `diff` renders the *expected* answer with the learner's mistakes marked, as `(op, text)`:
    - `equal`: expected text the learner typed right (case aside);
    - `missing`: expected text the learner left out;
    - `wrong`: expected text where the learner typed other characters (accents included);
    - `extra`: characters the learner typed that have no place in the expected answer.
    Joining the text of every op but `extra` gives the expected answer (whitespace collapsed).
    """

    rating: Rating
    verdict: str
    distance: int
    diff: list[tuple[str, str]] = field(default_factory=list)
    typed: str = ""
    expected: str = ""


def normalize_spacing(text: str) -> str:
    """Trim, collapse runs of whitespace to one space, and compose accents (NFC).

    NFC matters: "María" typed on some systems arrives as "Mari" + a combining accent.
    """
    return unicodedata.normalize("NFC", " ".join(text.split()))


def fold_accents(text: str) -> str:
    """Lower-case and strip diacritics: "María Łukasz" -> "maria lukasz" (namecards.text's
    one fold, spacing kept so positions in a name stay comparable)."""
    return fold_letters(text)


def _char_key(c: str) -> str:
    # One key per character so positions stay aligned with the original strings
    # (str.lower can turn one character into two, e.g. "İ").
    lowered = c.lower()
    return lowered if len(lowered) == 1 else c


def _max_near_edits(expected_folded: str) -> int:
    # Two edits on a two- or three-letter name is a different name, not a slip.
    return min(2, max(0, (len(expected_folded) - 1) // 2))


def diff_ops(typed: str, expected: str) -> list[tuple[str, str]]:
    """Character diff of `typed` against `expected` (both already spacing-normalised)."""
    from rapidfuzz.distance import Levenshtein

    typed_keys = "".join(_char_key(c) for c in typed)
    expected_keys = "".join(_char_key(c) for c in expected)
    ops: list[tuple[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if ops and ops[-1][0] == op:
            ops[-1] = (op, ops[-1][1] + text)
        else:
            ops.append((op, text))

    for block in Levenshtein.opcodes(typed_keys, expected_keys):
        typed_part = typed[block.src_start : block.src_end]
        expected_part = expected[block.dest_start : block.dest_end]
        if block.tag == "equal":
            add("equal", expected_part)
        elif block.tag == "insert":
            add("missing", expected_part)
        elif block.tag == "delete":
            add("extra", typed_part)
        else:  # replace
            common = min(len(typed_part), len(expected_part))
            add("wrong", expected_part[:common])
            add("missing", expected_part[common:])
            add("extra", typed_part[common:])
    return ops


def grade_answer(typed: str, expected: str) -> Grade:
    """Grade a typed answer: exact -> Good, accents only or 1-2 edits -> Hard, else Again.

    Exactness ignores case, surrounding whitespace and repeated spaces. The edit distance is
    Damerau-Levenshtein on the accent-folded, lower-case strings; a near miss may use at most
    two edits and fewer than half the letters of the expected answer ("Li" for "Lu" is wrong).
    """
    from rapidfuzz.distance import DamerauLevenshtein

    typed_n = normalize_spacing(typed)
    expected_n = normalize_spacing(expected)
    diff = diff_ops(typed_n, expected_n)
    typed_f, expected_f = fold_accents(typed_n), fold_accents(expected_n)
    distance = DamerauLevenshtein.distance(typed_f, expected_f)

    def grade(rating: Rating, verdict: str) -> Grade:
        return Grade(rating, verdict, distance, diff, typed_n, expected_n)

    if not typed_n:
        return grade(Rating.Again, "wrong")
    if typed_n.casefold() == expected_n.casefold():
        return grade(Rating.Good, "exact")
    if typed_f == expected_f:
        return grade(Rating.Hard, "accents")
    if distance <= _max_near_edits(expected_f):
        return grade(Rating.Hard, "near")
    return grade(Rating.Again, "wrong")


def render_diff_markup(grade: Grade) -> str:
    """Rich/Textual markup of the expected answer with the learner's mistakes marked.

    Names are escaped, so "[bold]" in a name shows literally.
    """
    from rich.markup import escape

    return "".join(f"[{_STYLES[op]}]{escape(text)}[/]" for op, text in grade.diff)


def answer_diff(typed: str, expected: str) -> list[tuple[str, str, str]]:
    """What was typed against the right spelling, as `(op, typed_part, expected_part)`.

    Unlike the grade, this keeps the typed text as typed (only trimmed and accents composed):
    a missing or doubled space is a difference the learner should see. Ops: `equal`,
    `wrong` (both parts), `missing` (expected only), `extra` (typed only); case differences
    count as equal.
    """
    from rapidfuzz.distance import Levenshtein

    typed = unicodedata.normalize("NFC", typed.strip())
    expected = unicodedata.normalize("NFC", expected.strip())
    typed_keys = "".join(_char_key(c) for c in typed)
    expected_keys = "".join(_char_key(c) for c in expected)
    ops: list[tuple[str, str, str]] = []
    for block in Levenshtein.opcodes(typed_keys, expected_keys):
        t = typed[block.src_start:block.src_end]
        e = expected[block.dest_start:block.dest_end]
        op = {"equal": "equal", "insert": "missing", "delete": "extra"}.get(block.tag, "wrong")
        if ops and ops[-1][0] == op:
            last = ops.pop()
            t, e = last[1] + t, last[2] + e
        ops.append((op, t, e))
    return ops
