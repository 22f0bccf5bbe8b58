"""One error hierarchy for the whole core. The CLI turns each into one line and an exit code,
the TUI into a message; library messages say what is wrong, never which flag to use."""

from __future__ import annotations


class NamecardsError(Exception):
    """An error the user can act on; the CLI prints its message as one line and exits 1."""


class UsageError(NamecardsError):
    """The command was asked for something that cannot be (the CLI exits 2)."""
