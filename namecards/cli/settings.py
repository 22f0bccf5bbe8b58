"""`namecards config` (the user's own settings) and `namecards doctor`."""

from __future__ import annotations

import click

from namecards import NamecardsError
from namecards.cli.main import cli, command_store


@cli.group()
def config():
    """Your own settings: the name your letters carry, the drill's retention and limits."""


@config.command("set")
@click.argument("key", type=click.Choice(["name", "signature", "email", "desired_retention",
                                          "new_per_day", "reviews_per_day"]))
@click.argument("value")
def config_set(key, value):
    """Set a value, e.g. namecards config set name "Ana Silva"."""
    from namecards.config import set_config

    set_config(key, value)
    click.echo(f"{key} = {value}")


@config.command("show")
def config_show():
    """Print your settings."""
    from namecards.config import KEYS, load_config

    data = load_config()
    for key, meaning in KEYS.items():
        click.echo(f"{key}: {data.get(key) or '(not set)'}    # {meaning}")


@cli.command()
@click.option("--fix", is_flag=True,
              help="Repair what is safe: permissions, paths to missing images, stale temp files.")
@click.pass_context
def doctor(ctx, fix):
    """Check Tesseract, the database, the card images and file permissions.

    Prints what it found and how to fix it; exits 1 when something is wrong.

    \b
    Example:
      namecards doctor --fix
    """
    from namecards.services.doctor import check_tesseract, run_checks
    from namecards.store import DatabaseDamaged

    try:
        store = command_store(ctx)
    except NamecardsError as e:  # a database that cannot be opened: still say what else is fine
        for finding in check_tesseract():
            click.echo(f"{finding.label:<5} {finding.message}")
        click.echo(f"FAIL  {e}")
        if isinstance(e, DatabaseDamaged):
            click.echo("      fix: restore a backup, or recover it with sqlite3's .recover command")
        ctx.exit(1)
    problems = 0
    for finding in run_checks(store, fix=fix):
        click.echo(f"{finding.label:<5} {finding.message}")
        ways = ([f"namecards doctor --fix {finding.repair}".strip()]
                if finding.repair is not None else []) + ([finding.fix] if finding.fix else [])
        if ways and not finding.ok:
            click.echo(f"      fix: {', or '.join(ways)}")
        problems += not (finding.ok or finding.fixed or finding.warning)
    if problems:
        ctx.exit(1)
