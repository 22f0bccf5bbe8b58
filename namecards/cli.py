"""The command line: each command calls one function of the namecards API and prints.

This is the only module that may import `tui` (lazily, for `namecards drill` and bare
`namecards`); nothing here imports textual at start-up, so commands start quickly.
"""

from __future__ import annotations

import functools
import json
import os
import sys

import click

from namecards import NamecardsError, UsageError


class Failed(click.ClickException):
    """A one-line error and exit status 1 (or 2 for usage), never a traceback."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"namecards: {self.format_message()}", err=True)


class NamecardsGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UsageError as e:
            raise Failed(str(e), 2) from None
        except NamecardsError as e:
            raise Failed(str(e)) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            raise Failed("interrupted; everything answered so far is saved", 130) from None
        except Exception as e:  # a bug of ours: say so in one line, keep the data
            if os.environ.get("NAMECARDS_DEBUG"):
                raise
            raise Failed(
                f"internal error: {type(e).__name__}: {e} (set NAMECARDS_DEBUG=1 for details)"
            ) from None


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(f)


def event_option(f):
    return click.option("--event", "event", metavar="NAME", help="The event (name or part of it).")(f)


def _store(ctx: click.Context):
    obj = ctx.find_root().obj
    if obj.get("store") is None:
        from namecards.store import open_store

        obj["store"] = open_store(obj.get("home"))
        ctx.find_root().call_on_close(obj["store"].close)
    return obj["store"]


def with_store(f):
    @click.pass_context
    @functools.wraps(f)
    def wrapper(ctx, *args, **kwargs):
        return ctx.invoke(f, _store(ctx), *args, **kwargs)

    return wrapper


def _print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group(cls=NamecardsGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False), envvar="NAMECARDS_HOME",
              help="Data folder (default: your user data dir, or $NAMECARDS_HOME).")
@click.version_option(package_name="namecards")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
    """Remember everyone you meet: scan their cards, drill their names, write the thank-you.

    \b
    Example, after an interview day:
      namecards scan ~/Pictures/acme/ --event "Acme — second interview"
      namecards note maria "- leads the ROS 2 migration"
      namecards drill --event acme
      namecards letter maria --format eml -o maria.eml

    Bare `namecards` opens the full-screen app.
    """
    ctx.ensure_object(dict)
    ctx.obj["home"] = home
    if ctx.invoked_subcommand is None:
        from tui.app import run_app

        run_app(_store(ctx))


# ---------------------------------------------------------------- scanning


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@event_option
@click.option("--date", metavar="YYYY-MM-DD", help="The event's date, when --event creates it.")
@click.option("--region", metavar="CC", help="Country for phone numbers without +CC, e.g. BR.")
@click.option("--lang", default="eng", show_default=True, help="Tesseract languages, e.g. deu+eng.")
@click.option("--dry-run", is_flag=True, help="Read and print, store nothing.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Parallel OCR processes (default: cores).")
@json_option
@click.pass_context
def scan(ctx, paths, event, date, region, lang, dry_run, jobs, as_json):
    """Read business-card photos or scans into contacts.

    PATHS are image files or folders of them (.jpg .png .webp .tiff).

    \b
    Example:
      namecards scan sample_cards/scans --event "Acme Robotics — second interview"
    """
    from namecards.scanning import scan as scan_cards

    store = None if dry_run else _store(ctx)
    counts: dict[str, int] = {}
    progress = _Progress() if (sys.stderr.isatty() and not as_json) else None
    try:
        for result in scan_cards(store, list(paths), event=event, date=date, region=region,
                                 lang=lang, dry_run=dry_run, jobs=jobs,
                                 progress=progress.update if progress else None):
            counts[result["status"]] = counts.get(result["status"], 0) + 1
            if progress:
                progress.pause()
            if as_json:
                click.echo(json.dumps(result, ensure_ascii=False))
            else:
                _print_scan_line(result)
            if progress:
                progress.resume()
    finally:
        if progress:
            progress.stop()
    if not as_json:
        summary = ", ".join(f"{n} {status}" for status, n in counts.items()) or "no images"
        click.echo(f"Done: {summary}.", err=True)
    if counts.get("error"):
        ctx.exit(1)


def _print_scan_line(result: dict) -> None:
    status = result["status"]
    if status == "error":
        click.echo(f"namecards: {result['error']}", err=True)
        return
    name = os.path.basename(result["file"])
    fields = result.get("fields") or {}
    if status == "duplicate":
        click.echo(f"{name}: already scanned (contact #{result['contact_id']})")
        return
    conf = result.get("confidence") or {}
    low = [k for k, v in conf.items() if v is not None and v < 0.6 and fields.get(k)]
    bits = [fields.get("full_name") or "(no name read)"]
    bits += [b for b in (fields.get("title"), fields.get("company")) if b]
    line = f"{name}: {status} " + " · ".join(bits)
    if result.get("contact_id"):
        line += f"  #{result['contact_id']}"
    if low:
        line += f"  (check: {', '.join(low)})"
    click.echo(line)


class _Progress:
    """A progress bar on stderr, only when it is a terminal."""

    def __init__(self):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        from rich.console import Console

        self.progress = Progress("Scanning", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                 console=Console(stderr=True), transient=True)
        self.task = None

    def update(self, done: int, total: int) -> None:
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("scan", total=total)
        self.progress.update(self.task, completed=done, total=total)

    def pause(self) -> None:
        pass

    def resume(self) -> None:
        pass

    def stop(self) -> None:
        if self.task is not None:
            self.progress.stop()


# ---------------------------------------------------------------- contacts


@cli.command()
@click.option("--name", "full_name", required=True, help="Full name, spelled as they spell it.")
@click.option("--title")
@click.option("--company")
@click.option("--email", "emails", multiple=True)
@click.option("--phone", "phones", multiple=True, help="With +CC, or use --region.")
@click.option("--url", "urls", multiple=True)
@click.option("--region", metavar="CC")
@event_option
@click.option("--role", help='Their role at the event, e.g. "panel interviewer".')
@click.option("--tag", "tags", multiple=True)
@click.option("--force", is_flag=True, help="Add even if it looks like a duplicate or invalid.")
@json_option
@with_store
def add(store, full_name, title, company, emails, phones, urls, region, event, role, tags, force,
        as_json):
    """Add a contact by hand.

    \b
    Example:
      namecards add --name "María López" --title CTO --company "Acme Robotics" \\
        --email maria@acme.example --event acme --role "panel interviewer"
    """
    from namecards.contacts import add_contact

    contact_id = add_contact(store, full_name, title=title, company=company, emails=emails,
                             phones=phones, urls=urls, region=region, event=event, role=role,
                             tags=tags, force=force)
    if as_json:
        _print_json({"id": contact_id})
    else:
        click.echo(f"Added #{contact_id} {full_name}")


@cli.command("list")
@event_option
@click.option("--tag")
@click.option("--company")
@json_option
@with_store
def list_(store, event, tag, company, as_json):
    """List contacts (filter by event, tag or company).

    \b
    Example:
      namecards list --event acme
    """
    from namecards.contacts import list_contacts

    rows = list_contacts(store, event=event, tag=tag, company=company)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("No contacts yet. Scan some cards: namecards scan PATH", err=True)
    for r in rows:
        extra = " · ".join(x for x in (r["title"], r["company"], r["email"]) if x)
        click.echo(f"#{r['id']:<5} {r['full_name']}" + (f"  — {extra}" if extra else ""))


@cli.command()
@click.argument("contact")
@json_option
@with_store
def show(store, contact, as_json):
    """Everything about one contact: methods, events, notes, talking points.

    CONTACT is an id or any unambiguous part of the name ("maria" finds María López).
    """
    from namecards.contacts import get_contact, resolve_contact

    c = get_contact(store, resolve_contact(store, contact))
    if as_json:
        _print_json(c)
        return
    click.echo(f"#{c['id']} {c['full_name']}")
    for label, key in (("Title", "title"), ("Company", "company"), ("Website", "website"),
                       ("Address", "address"), ("Pronunciation", "pronunciation")):
        if c.get(key):
            click.echo(f"  {label}: {c[key]}")
    for key in ("emails", "phones", "urls"):
        for m in c[key]:
            click.echo(f"  {key[:-1].capitalize()}: {m['value']}")
    for e in c["events"]:
        click.echo(f"  Met at: {e['name']}" + (f" ({e['date']})" if e["date"] else "")
                   + (f" — {e['role']}" if e["role"] else ""))
    if c["tags"]:
        click.echo(f"  Tags: {', '.join(c['tags'])}")
    if c["talking_points"]:
        click.echo("  Talking points:")
        for p in c["talking_points"]:
            click.echo(f"    - {p['text']}")


@cli.command()
@click.argument("query")
@json_option
@with_store
def search(store, query, as_json):
    """Full-text search over names, companies, titles, notes and talking points."""
    from namecards.contacts import search_contacts

    rows = search_contacts(store, query)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo(f"Nothing matches {query!r}.", err=True)
    for r in rows:
        click.echo(f"#{r['id']:<5} {r['full_name']}  {r['snippet'] or ''}")


class _NoteCommand(click.Command):
    """A note's text may start with "- " (a talking point); it is text, never an option."""

    def parse_args(self, ctx, args):
        texts = [a for a in args if a.startswith(("- ", "-\n", "* ")) or "\n" in a]
        if texts:
            args = [a for a in args if a not in texts] + ["--"] + texts
        return super().parse_args(ctx, args)


@cli.command(cls=_NoteCommand)
@click.argument("contact")
@click.argument("text")
@event_option
@with_store
def note(store, contact, text, event):
    """Add a note about a contact; lines starting "- " become talking points.

    TEXT is the note, or "-" to read it from standard input (end with Ctrl-D).

    \b
    Example:
      namecards note maria "- leads the ROS 2 migration
      - has a dog named Pixel"
    """
    from namecards.contacts import add_note

    if text == "-":
        if sys.stdin.isatty():
            click.echo("Type the note; one '- ' line per talking point; Ctrl-D to save.", err=True)
        text = sys.stdin.read()
    result = add_note(store, contact, text, event=event)
    n = len(result["points"])
    click.echo(f"Saved the note ({n} talking point{'s' if n != 1 else ''}).")


# ---------------------------------------------------------------- events


@cli.group()
def event():
    """Events: where you met people (an interview day, a fair, a meeting)."""


@event.command("add")
@click.argument("name")
@click.option("--date", metavar="YYYY-MM-DD[THH:MM]")
@click.option("--company")
@click.option("--kind", type=click.Choice(["interview", "fair", "meeting", "other"]),
              default="interview", show_default=True)
@with_store
def event_add(store, name, date, company, kind):
    """Add an event, e.g. namecards event add "Acme — second interview" --date 2026-12-03T09:30"""
    from namecards.events import add_event

    e = add_event(store, name, date=date, company=company, kind=kind)
    click.echo(f"Event #{e['id']} {e['name']}" + (f" on {e['date']}" if e["date"] else ""))


@event.command("list")
@json_option
@with_store
def event_list(store, as_json):
    """List events with their dates and how many people you met there."""
    from namecards.events import list_events

    rows = list_events(store)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("No events yet: namecards event add NAME --date YYYY-MM-DD", err=True)
    for e in rows:
        click.echo(f"#{e['id']:<4} {e['date'] or '(no date)':<17} {e['name']}  ({e['people']} people)")


# ---------------------------------------------------------------- drilling


@cli.command()
@event_option
@click.option("--limit", type=click.IntRange(1), help="At most this many cards.")
@click.option("--cram", is_flag=True, help="Drill everyone of the event now, ready or not.")
@with_store
def drill(store, event, limit, cram):
    """Drill names and talking points (type the name; 1-4 to grade; q to quit).

    \b
    Example:
      namecards drill --event acme
    """
    from namecards.events import get_event

    ev = get_event(store, event) if event else None
    from tui.app import run_app

    run_app(store, start="drill", event=ev, limit=limit, cram=cram)


@cli.command()
@json_option
@with_store
def stats(store, as_json):
    """Reviews, contacts and cards due."""
    from namecards.stats import collect_stats

    data = collect_stats(store)
    if as_json:
        _print_json(data)
        return
    for key, value in data.items():
        click.echo(f"{key.replace('_', ' ').capitalize()}: {value}")


# ---------------------------------------------------------------- letters


@cli.command()
@click.argument("contact")
@click.option("--template", default="thank-you", show_default=True)
@event_option
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "eml"]), default="txt",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@with_store
def letter(store, contact, template, event, fmt, output):
    """Write a follow-up letter citing the talking points.

    \b
    Example:
      namecards letter maria --format eml -o maria.eml
    """
    from namecards.followup import write_letter

    text = write_letter(store, contact, template=template, event=event, fmt=fmt, output=output)
    if output:
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text if isinstance(text, str) else text.decode("utf-8"))


@cli.group()
def config():
    """Your own settings: the name and signature your letters carry."""


@config.command("set")
@click.argument("key", type=click.Choice(["name", "signature", "email"]))
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
@with_store
def doctor(store):
    """Check Tesseract, the database and the card images."""
    from namecards.doctor import run_checks

    problems = 0
    for ok, line in run_checks(store):
        click.echo(("ok   " if ok else "FAIL ") + line)
        problems += not ok
    if problems:
        sys.exit(1)


def main() -> None:
    cli(prog_name="namecards")


# Commands of other areas live in their own modules (cli_*.py) and register on `cli` when
# imported; importing them here keeps `namecards --help` complete.
from namecards import cli_exchange  # noqa: E402,F401
from namecards import cli_brief  # noqa: E402,F401
