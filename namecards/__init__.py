"""namecards: scan business cards, drill names and talking points, write the follow-up notes.

The core package. It never imports textual; only `namecards.cli` opens the TUI, lazily.
"""

__version__ = "0.1.0"

from namecards.errors import NamecardsError, UsageError

__all__ = ["NamecardsError", "UsageError", "__version__"]
