"""The command line: the Click group and shared options in `main`, one module per area.

Importing this package registers every area's commands on the group, so `namecards --help`
lists them all; each command imports the API it calls only when it runs.
"""

from namecards.cli import (  # noqa: F401 (they register their commands on the group)
    brief,
    contacts,
    drill,
    exchange,
    letters,
    scan,
    settings,
)
from namecards.cli.main import cli, main

__all__ = ["cli", "main"]
