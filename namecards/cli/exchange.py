"""Commands that move contacts in and out: letters in bulk, export, import."""

from __future__ import annotations

import json

import click

from namecards.cli.main import Failed, cli, echo, event_option, with_store


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
    from namecards.services.followup import write_event_letters

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
@click.option("--drill", is_flag=True,
              help="JSON: include drill history (every card's schedule and reviews).")
@with_store
def export(store, fmt, output, event, tag, vcard_version, vdir, photos, drill):
    """Export contacts: markdown (talking points), vcard, csv, json, anki (.apkg), ics.

    \b
    Examples:
      namecards export markdown --event acme -o acme-notes.md
      namecards export vcard -o contacts.vcf
      namecards export anki -o acme.apkg --event acme
    """
    from namecards.services.exchange import export_contacts

    result = export_contacts(store, fmt, output=output, event=event, tag=tag,
                             vcard_version=vcard_version, vdir=vdir, photos=photos, drill=drill)
    if result["text"] is not None:
        click.echo(result["text"], nl=False)
    if not result["contacts"]:
        which = "no contact matches" if (event or tag) else "there are no contacts yet"
        click.echo(f"Nothing exported: {which}.", err=True)
    elif fmt == "ics" and not result.get("items"):
        click.echo(f"Nothing to remind you of: none of the {result['contacts']} contact(s) was "
                   "met at an event (namecards event add, or add --event).", err=True)
    elif result["text"] is None and output != "-":
        what = (f"{result['items']} follow-up(s) for " if fmt == "ics" else "")
        click.echo(f"Exported {what}{result['contacts']} contact(s) to {result['output']}",
                   err=True)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["auto", "vcard", "csv", "linkedin", "json"]),
              default="auto", show_default=True)
@event_option
@click.option("--map", "mapping", multiple=True, metavar="COLUMN=FIELD",
              help="CSV: read COLUMN as FIELD (e.g. --map 'Mobil=phone').")
@click.option("--region", metavar="CC",
              help="Country for phone numbers written without +CC, e.g. BR (as for scan).")
@click.option("--dry-run", is_flag=True, help="Show what would happen, write nothing.")
@click.option("--json", "as_json", is_flag=True)
@with_store
def import_(store, file, fmt, event, mapping, region, dry_run, as_json):
    """Import contacts from vCard, CSV, our own JSON, or LinkedIn's Connections.csv.

    Nobody is added twice: a record of someone stored already (same UID, personal e-mail,
    phone or LinkedIn profile, or the same name at the same company with nothing personal
    differing) updates that contact. A shared company website, switchboard or info@ address
    is not taken for the same person. Our JSON export comes back whole: notes, talking points,
    events with roles, tags, letters and drill history.

    \b
    Examples:
      namecards import Connections.csv
      namecards import contacts.vcf --region DE
      namecards import backup.json
    """
    from namecards import UsageError
    from namecards.errors import InvalidValue
    from namecards.services.exchange import (
        MAX_JSON_BYTES,
        ImportStopped,
        TooLargeForJson,
        import_contacts,
    )

    pairs = {}
    for item in mapping:
        if "=" not in item:
            raise UsageError(f"--map takes COLUMN=FIELD, not {item!r}")
        column, field = item.split("=", 1)
        pairs[column.strip()] = field.strip()
    try:
        report = import_contacts(store, file, fmt=fmt, event=event, dry_run=dry_run,
                                 mapping=pairs or None, region=region)
    except ImportStopped as stop:
        _print_import(_flag_hints(stop.report), as_json, dry_run)
        raise Failed(str(stop), 130 if stop.interrupted else 1) from None
    except InvalidValue as e:
        if region is None or e.value != region:
            raise
        raise UsageError(f"--region takes a two-letter country code like BR or DE, "
                         f"not {region!r}") from None
    except TooLargeForJson as e:
        raise Failed(f"{e.source}: too large for a JSON import ({e.size / 1e6:,.0f} MB; the "
                     f"limit is {MAX_JSON_BYTES // 1_000_000} MB): export in parts (--event, "
                     "--tag) or use namecards backup") from None
    _print_import(_flag_hints(report), as_json, dry_run)
    if report["counts"]["errors"] or any(e.get("dropped") for status in ("added", "updated",
                                                                          "unchanged")
                                         for e in report[status]):
        raise SystemExit(1)


def _flag_hints(report: dict) -> dict:
    """The report with the options that would have helped named (the library names none)."""
    from namecards.services.exchange import NEEDS_REGION

    for status in ("added", "updated", "unchanged"):
        for entry in report.get(status) or []:
            if entry.get("dropped"):
                entry["dropped"] = [d.replace(NEEDS_REGION, "numbers without +CC need --region CC")
                                    for d in entry["dropped"]]
    return report


def _print_import(report: dict, as_json: bool, dry_run: bool) -> None:
    if as_json:
        echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    c = report["counts"]
    verb = "would be " if dry_run else ""
    echo(f"{c['added']} {verb}added, {c['updated']} {verb}updated, {c['unchanged']} unchanged, "
          f"{c['skipped']} skipped ({report['format']}).")
    for item in report["skipped"]:
        echo(f"  skipped {item['name'] or '(no name)'}: {item['reason']}")
    if c["skipped"] > len(report["skipped"]):
        echo(f"  … and {c['skipped'] - len(report['skipped'])} more skipped")
    for status in ("added", "updated", "unchanged"):
        for e in report[status]:
            who = f"#{e['id']} {e['name']}" if e.get("id") else e["name"]
            if e.get("dropped"):
                echo(f"  {who}: dropped {'; '.join(e['dropped'])}")
            for d in (e.get("possible_duplicates") or []) if status == "added" else []:
                company = f" ({d['company']})" if d.get("company") else ""
                merge = f"namecards merge {d['id']} {e['id']}" if e.get("id") else "merge them"
                echo(f"  {who} may be #{d['id']} {d['full_name']}{company}: "
                      f"{'; '.join(d['reasons'])}. If so: {merge}")
    for warning in report["warnings"]:
        echo(f"namecards: warning: {warning}", err=True)
    for error in report["errors"]:
        echo(f"namecards: {error}", err=True)
    if c["errors"] > len(report["errors"]):
        echo(f"namecards: … and {c['errors'] - len(report['errors'])} more errors", err=True)
