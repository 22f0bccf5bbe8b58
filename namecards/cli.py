"""The command line: each command calls one function of the namecards API and prints.

This is the only module that may import `tui` (lazily, for `namecards drill` and bare
`namecards`); nothing here imports textual at start-up, so commands start quickly.
"""

from __future__ import annotations

import functools
import os
import sys
import unicodedata

import click

from namecards import NamecardsError, UsageError
from namecards.terminal import json_text, safe_output, unsafe


class Failed(click.ClickException):
    """A one-line error and exit status 1 (or 2 for usage), never a traceback."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"namecards: {self.format_message()}", err=True)


class NamecardsGroup(click.Group):
    def main(self, *args, **kwargs):
        # Every line any command prints passes one filter (see namecards.terminal).
        with safe_output():
            return super().main(*args, **kwargs)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as e:
            raise _one_line(e) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UsageError as e:
            raise Failed(str(e), 2) from None
        except NamecardsError as e:
            raise Failed(str(e)) from None
        except click.UsageError as e:
            raise _one_line(e) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`namecards list | head`): stop quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(1) from None
        except KeyboardInterrupt:
            raise Failed("interrupted; the change in progress was not saved (finished ones are "
                         "kept)", 130) from None
        except Exception as e:
            message = _failure_message(ctx, e)
            if message is None and os.environ.get("NAMECARDS_DEBUG"):
                raise
            if message is None:  # a bug of ours: say so in one line, keep the data
                message = (f"internal error: {type(e).__name__}: {e} "
                           "(set NAMECARDS_DEBUG=1 for details)")
            raise Failed(message) from None


def _one_line(e: click.UsageError) -> click.ClickException:
    """A usage error as one line naming the help to read (Click prints four)."""
    if type(e).__name__ == "NoArgsIsHelpError":  # the help text itself, as asked for
        return e
    where = f" (see: {e.ctx.command_path} --help)" if e.ctx is not None else ""
    return Failed(f"{e.format_message()}{where}", 2)


def _failure_message(ctx: click.Context, e: Exception) -> str | None:
    """One line for a failure of the machine or of the input rather than of our code: the
    database busy, read-only or on a full disk, a file we may not read, text that is not
    UTF-8, input too large or too deep. None for anything else (a bug)."""
    import sqlite3

    if isinstance(e, sqlite3.Error):
        from namecards.home import resolve_home
        from namecards.store import DB_NAME, database_error_message

        store = (ctx.obj or {}).get("store")
        db_path = store.path if store is not None else resolve_home(
            (ctx.obj or {}).get("home")) / DB_NAME
        return database_error_message(e, db_path)
    if isinstance(e, OSError):
        from namecards.store import os_reason

        reason = os_reason(e)
        where = f"{e.filename}: " if e.filename and str(e.filename) not in reason else ""
        return f"{where}{reason}"
    if isinstance(e, UnicodeEncodeError) and "surrogates" in str(e.reason):
        bad = e.object[e.start:e.end] if isinstance(e.object, str) else ""
        return (f"some text given is not valid UTF-8 ({bad!r}): check the terminal's encoding "
                "(LANG, LC_ALL)")
    if isinstance(e, MemoryError):
        return "out of memory: the input is too large"
    if isinstance(e, RecursionError):
        return "the input is nested too deeply to read"
    return None


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(f)


def event_option(f):
    return click.option("--event", "event", metavar="NAME", help="The event (name or part of it).")(f)


# Commands that only read the database: they work on one that cannot be written (a backup on
# a read-only disk, a full disk, a newer namecards' file). Every other command opens it for
# writing and is refused up front, with the reason, before it does anything.
READING_COMMANDS = {"list", "show", "search", "due", "stats", "export", "backup", "brief",
                    "ready", "event list", "event show", "company list", "company show",
                    "ask list", "practice list",
                    # doctor --fix mostly mends files (a 0444 database among them); a repair
                    # that must write to a read-only database fails with the reason
                    "doctor"}
# ...and these, given these options.
READING_WHEN = {"dedupe": lambda p: not p.get("apply_"),
                "import": lambda p: bool(p.get("dry_run"))}


def _command_name(ctx: click.Context) -> str:
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def _reads_only(ctx: click.Context) -> bool:
    name = _command_name(ctx)
    if name in READING_COMMANDS:
        return True
    reads = READING_WHEN.get(name)
    return reads is not None and reads(ctx.params)


def _store(ctx: click.Context):
    obj = ctx.find_root().obj
    if obj.get("store") is None:
        from namecards.store import open_store

        obj["store"] = open_store(obj.get("home"), writable=not _reads_only(ctx))
        ctx.find_root().call_on_close(obj["store"].close)
    return obj["store"]


def with_store(f):
    @click.pass_context
    @functools.wraps(f)
    def wrapper(ctx, *args, **kwargs):
        return ctx.invoke(f, _store(ctx), *args, **kwargs)

    return wrapper


def _print_json(data) -> None:
    click.echo(json_text(data, indent=2, default=str))


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

    PATHS are image files or folders of them (.jpg .png .webp .tiff .heic). A photo of
    several cards on a table gives one contact per card.

    \b
    Example:
      namecards scan sample_cards/interview --event "Acme Robotics — second interview"
    """
    from namecards.scanning import scan as scan_cards
    from namecards.scanning import scan_summary

    store = None if dry_run else _store(ctx)
    counts: dict[str, int] = {}
    progress = _Progress() if (sys.stderr.isatty() and not as_json) else None
    try:
        for result in scan_cards(store, list(paths), event=event, date=date, region=region,
                                 lang=lang, dry_run=dry_run, jobs=jobs,
                                 progress=progress.update if progress else None):
            counts[result["status"]] = counts.get(result["status"], 0) + 1
            if as_json:
                click.echo(json_text(result))
                continue
            text, to_stderr = _scan_line(result)
            if result.get("card") and result["card"] == result["of"]:
                # A photo of several cards: its last card closes it with a count.
                text += f"\n{_printable(os.path.basename(result['file']))}: {result['of']} cards"
            if progress:
                progress.show(result)
            if progress and (to_stderr or sys.stdout.isatty()):
                # While the bar is live, sys.stderr (and a terminal stdout) is rich's proxy,
                # which prints above the bar; click would otherwise write under it.
                click.echo(text, file=sys.stderr)
            else:
                click.echo(text, err=to_stderr)
    finally:
        if progress:
            progress.stop()
    if not as_json:
        click.echo(f"Done: {scan_summary(counts)}.", err=True)
    if counts.get("error"):
        ctx.exit(1)


def _printable(text: str) -> str:
    # File names and OCR'd text are the user's data: ESC, BEL or CR in them must not drive
    # the terminal.
    return "".join("\ufffd" if unicodedata.category(ch) == "Cc" else ch for ch in text)


def _scan_line(result: dict) -> tuple[str, bool]:
    """The line a scan result prints, and whether it belongs on stderr (errors)."""
    status = result["status"]
    if status == "error":
        return _printable(f"namecards: {result['error']}"), True
    name = os.path.basename(result["file"])
    if result.get("card"):
        name += f" card {result['card']}/{result['of']}"
    fields = result.get("fields") or {}
    if status == "duplicate":
        return _printable(f"{name}: already scanned (contact #{result['contact_id']})"), False
    conf = result.get("confidence") or {}
    low: list[str] = []
    for key, value in conf.items():
        label = "name" if key in ("full_name", "given_name", "family_name") else key
        if value is not None and value < 0.6 and fields.get(key) and label not in low:
            low.append(label)
    bits = [fields.get("full_name") or "(no name read)"]
    bits += [b for b in (fields.get("title"), fields.get("company")) if b]
    line = f"{name}: {status} " + " · ".join(bits)
    if result.get("contact_id"):
        line += f"  #{result['contact_id']}"
    if low:
        line += f"  (check: {', '.join(low)})"
    return _printable(line), False


def shorten_middle(text: str, width: int) -> str:
    """`text` in at most `width` terminal cells, cut from the middle ('IMG_20…_0412.jpg'), so
    both the start and the extension of a long file name stay readable."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    tail_cells = (width - 1) // 2
    head_cells = width - 1 - tail_cells
    head = set_cell_size(text, head_cells).rstrip()
    tail, cells = "", 0
    for ch in reversed(text):
        if cells + cell_len(ch) > tail_cells:
            break
        tail, cells = ch + tail, cells + cell_len(ch)
    return f"{head}…{tail}"


class _Progress:
    """A progress bar on stderr, only when it is a terminal: 'Scanning', the card just read
    (shortened from the middle to fit), the bar, done/total and the time left. The count is
    never cut, whatever the terminal's width or the file names' length."""

    BAR = 20
    TIME = 7  # '0:01:23'

    def __init__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        # Rich draws the bar with escape codes: it writes to the raw stream, under the filter
        # every other line passes (namecards.terminal); what it shows from data is _printable.
        self.console = Console(file=unsafe(sys.stderr), stderr=True)
        self.progress = Progress("Scanning", "{task.fields[label]}", BarColumn(bar_width=self.BAR),
                                 MofNCompleteColumn(), TimeRemainingColumn(),
                                 console=self.console, transient=True)
        self.task = None
        self.label = ""
        self.total = 0

    def update(self, done: int, total: int) -> None:
        self.total = total
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("scan", total=total, label=self._fit(self.label))
        self.progress.update(self.task, completed=done, total=total)

    def show(self, result: dict) -> None:
        """Name the card just done: its file and the name read from it."""
        name = os.path.basename(result["file"])
        read = (result.get("fields") or {}).get("full_name")
        self.label = _printable(f"{name} · {read}" if read else name)
        if self.task is not None:
            self.progress.update(self.task, label=self._fit(self.label))

    def _fit(self, label: str) -> str:
        count = 2 * len(str(self.total)) + 1
        # Five columns, four one-cell gaps; one cell spare so the terminal never wraps.
        room = self.console.width - len("Scanning") - self.BAR - count - self.TIME - 4 - 1 - 1
        return shorten_middle(label, room) if room >= 8 else ""

    def stop(self) -> None:
        if self.task is not None:
            self.progress.stop()


# Address-book commands (add, list, show, search, edit, merge, note, event, ...) live in
# cli_contacts.py.


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
    from namecards.deck import drill_settings
    from namecards.events import get_event

    ev = get_event(store, event) if event else None
    if cram and ev is None:
        raise click.UsageError("--cram needs --event NAME")
    settings = drill_settings({"desired_retention": retention})
    from tui.app import run_app

    # The settings travel on the store: the app factory (tui/app.py) does not know them.
    store.drill_settings = settings
    missed = run_app(store, start="drill", event=ev, limit=limit, cram=cram)
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
    from namecards.stats import collect_stats, format_stats

    data = collect_stats(store)
    if as_json:
        _print_json(data)
        return
    click.echo(format_stats(data))


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
    from namecards.followup import prepare_letter, write_letter

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
    from namecards.doctor import check_tesseract, run_checks
    from namecards.store import DatabaseDamaged

    try:
        store = _store(ctx)
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
        if finding.fix and not finding.ok:
            click.echo(f"      fix: {finding.fix}")
        problems += not (finding.ok or finding.fixed or finding.warning)
    if problems:
        ctx.exit(1)


def main() -> None:
    cli(prog_name="namecards")


# Commands of other areas live in their own modules (cli_*.py) and register on `cli` when
# imported; importing them here keeps `namecards --help` complete.
from namecards import (
    cli_brief,  # noqa: F401
    cli_contacts,  # noqa: F401
    cli_exchange,  # noqa: F401
)
