"""User data drawn as `Text`, never markup: the name cue's card replica, and a typed answer
against the right spelling."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from namecards.drilling import answer_diff
from namecards.drilling.cardtext import Replica

SPACE = "␣"  # a space that is missing or one too many must be seen


def _contrast(colour, background) -> bool:
    if colour is None or background is None:
        return False
    return sum(abs(a - b) for a, b in zip(colour, background)) > 150


def replica_text(replica: Replica) -> Text:
    """The replica in the card's colours (where the terminal has them); the name blank is
    reversed, so its length reads at a glance."""
    background = replica.background
    base = Style(bgcolor=f"rgb{background}" if background else None,
                 color="black" if background and sum(background) > 384 else None)
    text = Text()
    for r, row in enumerate(replica.rows):
        if r:
            text.append("\n")
        for value, role, colour in row:
            style = base
            if colour is not None and _contrast(colour, background):
                style = style + Style(color=f"rgb{colour}")
            if role == "name":
                blank = not value.strip("_")
                # The blank reversed (its length reads at a glance); the name, after the
                # answer, in bold where the blank was.
                style = style + Style(bold=True, reverse=blank, underline=not blank)
            text.append(value, style)
    return text


def answer_lines(typed: str, expected: str) -> Text:
    """Anki's type-in-the-answer: what was typed, the wrong letters marked, and under it
    the right spelling with the letters that differ marked.

        You typed:  Maria Lopes
        Correct:    María López
    """
    text = Text("You typed:  ")
    below = Text("Correct:    ")
    for op, got, want in answer_diff(typed, expected):
        if op == "equal":
            text.append(got, "green")
            below.append(want, "green")
        elif op == "wrong":
            text.append(_visible(got), "bold red underline")
            below.append(_visible(want), "bold black on yellow")
        elif op == "missing":
            text.append("-" * len(want), "bold red")
            below.append(_visible(want), "bold black on yellow")
        else:  # extra
            text.append(_visible(got), "bold red strike")
    if not typed.strip():
        text.append("(nothing)", "dim")
    text.append("\n")
    text.append_text(below)
    return text


def _visible(part: str) -> str:
    return part.replace(" ", SPACE)
