"""Commands that move contacts in and out: letters in bulk, export, import."""

from __future__ import annotations

import click

from namecards.cli import cli, event_option, with_store  # noqa: F401
