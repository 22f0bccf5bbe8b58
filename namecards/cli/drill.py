"""`namecards drill` (the drill screen) and `namecards stats`."""

from __future__ import annotations

import click

from namecards.cli.main import (
    cli,
    event_option,
    json_option,
    print_json,
    with_store,
)

# ---------------------------------------------------------------- drilling


@cli.command()
@event_option
@click.option("--limit", type=click.IntRange(1), help="At most this many cards.")
@click.option("--cram", is_flag=True,
              help="With --event: one pass over everyone of the event now, ready or not.")
@click.option("--retention", type=click.FloatRange(0.7, 0.99),
              help="Desired retention for this session (default: config, else 0.9).")
@with_store
def drill(store, event, limit, cram, retention):
    """Drill names and talking points (type the name; space then 1-4 to grade; u undoes).

    With --event before the event's date, every card of that event whose predicted recall at
    the event time is below 95% is pulled forward; on the day, a warm-up pass is offered.

    \b
    Example:
      namecards drill --event acme
    """
    from namecards.config import drill_settings
    from namecards.domain.events import get_event

    ev = get_event(store, event) if event else None
    if cram and ev is None:
        raise click.UsageError("--cram needs --event NAME")
    settings = drill_settings({"desired_retention": retention})
    from tui.app import run_app

    missed = run_app(store, start="drill", event=ev, limit=limit, cram=cram,
                     drill_settings=settings)
    if missed:
        # The session's summary stays on the terminal: the names to look at again.
        click.echo("Names to look at again:")
        for name, typed in missed:
            click.echo(f"  {name}" + (f"  (you typed “{typed}”)" if typed else ""))


@cli.command()
@json_option
@with_store
def stats(store, as_json):
    """Reviews, retention, cards due in the next days, readiness for upcoming events, leeches."""
    from namecards.services.stats import collect_stats, format_stats

    data = collect_stats(store)
    if as_json:
        print_json(data)
        return
    click.echo(format_stats(data))
