"""The command line: the Click group and shared options in `main`, one module per area.

Importing this package registers every area's commands on the group, so `namecards --help`
lists them all; each command imports the API it calls only when it runs.
"""

from namecards.cli import brief, contacts, exchange  # noqa: F401 (they register commands)
from namecards.cli.main import cli, main

__all__ = ["cli", "main"]
