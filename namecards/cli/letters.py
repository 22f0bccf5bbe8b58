"""`namecards letter`: one follow-up letter, printed or written to a file."""

from __future__ import annotations

import click

from namecards.cli.main import (
    cli,
    event_option,
    with_store,
)

# ---------------------------------------------------------------- letters


@cli.command()
@click.argument("contact")
@click.option("--template", default="thank-you", show_default=True)
@event_option
@click.option("--point", "points", type=int, multiple=True, metavar="ID",
              help="Cite this talking point (its id in `namecards show`); repeat for more.")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "eml"]), default="txt",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the draft to FILE and record it (printing it is only a preview).")
@with_store
def letter(store, contact, template, event, points, fmt, output):
    """Write a follow-up letter citing the talking points.

    Without -o the letter is printed to look at, and not recorded as written. A draft file
    you edited is never overwritten.

    \b
    Example:
      namecards letter maria --point 12 --point 14 --format eml -o maria.eml
    """
    from namecards.services.followup import prepare_letter, write_letter

    draft = prepare_letter(store, contact, template=template, event=event,
                           points=list(points) or None)
    text = write_letter(store, contact, template=template, event=event,
                        points=list(points) or None, fmt=fmt, output=output)
    if draft.note:
        click.echo(f"namecards: {draft.note}", err=True)
    elif draft.candidates:
        cited = {p["id"] for p in draft.points}
        lines = [f"  {'x' if p['id'] in cited else ' '} #{p['id']} {p['text']}"
                 for p in draft.candidates]
        click.echo("Talking points (x: cited; choose with --point ID):", err=True)
        # Points are the user's text: no terminal escapes from an imported note.
        click.echo("".join(c for c in "\n".join(lines) if c == "\n" or c.isprintable()),
                   err=True)
    if output and output != "-":
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text if isinstance(text, str) else text.decode("utf-8"))
