"""namecards: scan business cards, drill names and talking points, write the follow-up notes.

The core package. It never imports textual; only `namecards.cli` opens the TUI, lazily.
"""

__version__ = "0.1.0"


class NamecardsError(Exception):
    """An error the user can act on; the CLI prints its message as one line and exits 1."""


class UsageError(NamecardsError):
    """The command was asked for something that cannot be (the CLI exits 2)."""
