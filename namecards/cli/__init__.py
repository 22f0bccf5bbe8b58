"""The command line: the Click group and shared options in `main`, one module per area.

An area's module is imported when one of its commands runs (`main.COMMAND_MODULES` says which
module registers which command), so `namecards show` does not pay for importing the scan, the
drill or the exchange commands; `namecards --help` and `list_commands` load them all.
"""

from namecards.cli.main import cli, load_all_commands, main

__all__ = ["cli", "load_all_commands", "main"]
