"""Commands that move contacts in and out: letters in bulk, export, import."""

from __future__ import annotations

import json

import click

from namecards.cli import cli, event_option, with_store


@cli.command()
@event_option
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for the drafts.")
@click.option("--template", default="thank-you", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["eml", "txt", "md"]), default="eml",
              show_default=True)
@click.option("--point", "points", type=int, multiple=True, metavar="ID",
              help="Cite this talking point (an id from `namecards show`); repeat for more.")
@with_store
def letters(store, event, outdir, template, fmt, points):
    """One follow-up letter per person met at an event, as drafts in a folder.

    A draft you edited is kept as it is; run it again after adding notes and the others
    are brought up to date.

    \b
    Example:
      namecards letters --event acme -o drafts/
    """
    from namecards import UsageError
    from namecards.followup import write_event_letters

    if not event:
        raise UsageError("say which event: --event NAME")
    written = write_event_letters(store, event, outdir, template=template, fmt=fmt,
                                  points=list(points) or None)
    failed = 0
    for item in written:
        if "error" in item:
            failed += 1
            click.echo(f"namecards: {item['name']}: {item['error']}", err=True)
            continue
        status = {"kept": "kept: edited since it was written",
                  "unchanged": "unchanged"}.get(item["status"])
        click.echo(f"{item['path']}  ({item['name']}" + (f"; {status})" if status else ")"))
        if item.get("note"):
            click.echo(f"namecards: {item['note']}", err=True)
    if not written:
        click.echo("Nobody is linked to that event yet.", err=True)
    if failed:
        raise SystemExit(1)


@cli.command()
@click.argument("fmt", metavar="FORMAT",
                type=click.Choice(["markdown", "vcard", "csv", "json", "anki", "ics"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (default, or -: standard output).")
@event_option
@click.option("--tag", help="Only contacts with this tag.")
@click.option("--vcard-version", type=click.Choice(["3.0", "4.0"]), default="3.0", show_default=True)
@click.option("--dir", "vdir", type=click.Path(file_okay=False),
              help="vCard: one .vcf per contact in this folder (for khard, vdirsyncer).")
@click.option("--photos", is_flag=True, help="vCard: include the card image as PHOTO.")
@with_store
def export(store, fmt, output, event, tag, vcard_version, vdir, photos):
    """Export contacts: markdown (talking points), vcard, csv, json, anki (.apkg), ics.

    \b
    Examples:
      namecards export markdown --event acme -o acme-notes.md
      namecards export vcard -o contacts.vcf
      namecards export anki -o acme.apkg --event acme
    """
    from namecards.exchange import export_contacts

    result = export_contacts(store, fmt, output=output, event=event, tag=tag,
                             vcard_version=vcard_version, vdir=vdir, photos=photos)
    if result["text"] is not None:
        click.echo(result["text"], nl=False)
    elif output != "-":
        click.echo(f"Exported {result['contacts']} contact(s) to {result['output']}", err=True)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["auto", "vcard", "csv", "linkedin", "json"]),
              default="auto", show_default=True)
@event_option
@click.option("--map", "mapping", multiple=True, metavar="COLUMN=FIELD",
              help="CSV: read COLUMN as FIELD (e.g. --map 'Mobil=phone').")
@click.option("--dry-run", is_flag=True, help="Show what would happen, write nothing.")
@click.option("--json", "as_json", is_flag=True)
@with_store
def import_(store, file, fmt, event, mapping, dry_run, as_json):
    """Import contacts from vCard, CSV, JSON or LinkedIn's Connections.csv.

    Nobody is added twice: a contact with the same UID, e-mail or phone is updated instead.

    \b
    Example:
      namecards import Connections.csv
    """
    from namecards import UsageError
    from namecards.exchange import import_contacts

    pairs = {}
    for item in mapping:
        if "=" not in item:
            raise UsageError(f"--map takes COLUMN=FIELD, not {item!r}")
        column, field = item.split("=", 1)
        pairs[column.strip()] = field.strip()
    report = import_contacts(store, file, fmt=fmt, event=event, dry_run=dry_run,
                             mapping=pairs or None)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        verb = "would be " if dry_run else ""
        click.echo(f"{len(report['added'])} {verb}added, {len(report['updated'])} {verb}updated, "
                   f"{len(report['skipped'])} skipped ({report['format']}).")
        for item in report["skipped"]:
            click.echo(f"  skipped {item['name'] or '(no name)'}: {item['reason']}")
        for error in report["errors"]:
            click.echo(f"namecards: {error}", err=True)
    if report["errors"]:
        raise SystemExit(1)
