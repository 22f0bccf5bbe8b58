"""The command line: each command calls one function of the namecards API and prints.

This is the only module that may import `tui` (lazily, for `namecards drill` and bare
`namecards`); nothing here imports textual at start-up, so commands start quickly.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys

import click

from namecards.errors import Duplicate, InvalidValue, NamecardsError, NotFound, UsageError
from namecards.terminal import json_text, safe_output


class Failed(click.ClickException):
    """A one-line error and exit status 1 (or 2 for usage), never a traceback."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"namecards: {self.format_message()}", err=True)


# Which area's module registers each command: a command's module is imported when it runs, not
# every module at start-up (tests/test_docs.py checks this table against the modules).
COMMAND_MODULES = {
    "add": "contacts", "ask": "brief", "backup": "contacts", "brief": "brief",
    "company": "brief", "config": "settings", "dedupe": "contacts", "delete": "contacts",
    "doctor": "settings", "dossier": "brief", "drill": "drill", "due": "contacts",
    "edit": "contacts", "event": "contacts", "export": "exchange", "import": "exchange",
    "letter": "letters", "letters": "exchange", "list": "contacts", "merge": "contacts",
    "note": "contacts", "practice": "brief", "ready": "brief", "scan": "scan",
    "search": "contacts", "show": "contacts", "stats": "drill", "tag": "contacts",
}
AREAS = sorted(set(COMMAND_MODULES.values()))


def load_all_commands() -> None:
    """Import every area's module, so the group holds every command."""
    for area in AREAS:
        importlib.import_module(f"namecards.cli.{area}")


class NamecardsGroup(click.Group):
    def get_command(self, ctx, name):
        if name not in self.commands and name in COMMAND_MODULES:
            importlib.import_module(f"namecards.cli.{COMMAND_MODULES[name]}")
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        load_all_commands()
        return super().list_commands(ctx)

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
            raise Failed(cli_message(e), 2) from None
        except NamecardsError as e:
            raise Failed(cli_message(e)) from None
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


def command_store(ctx: click.Context):
    """The store this command works on, opened once (read-only for commands that only read)."""
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
        try:
            return ctx.invoke(f, command_store(ctx), *args, **kwargs)
        except NamecardsError as e:
            hint = flag_hint(e, ctx.params)
            if hint is None:
                raise
            raise Failed(f"{cli_message(e)}; {hint}") from None

    return wrapper


# The command that shows what exists, by the kind of record an error is about.
_LISTING = {"merge": "namecards merge --list", "question": "namecards ask list",
            "practice": "namecards practice list", "event": "namecards event list",
            "note": "namecards show"}


def cli_message(e: NamecardsError) -> str:
    """`e` as the CLI says it: the library's message (which names no flag and no command) with
    the flag it is about or the command that helps, from the error's fields."""
    text = str(e)
    options = (e.option,) if isinstance(e.option, str) else tuple(e.option or ())
    flags = [f"--{o.replace('_', '-')}" for o in options]
    if flags == ["--lang"]:
        return f"--lang: {text}"  # the message is OCR's: which languages there are
    if flags:
        return f"{text} ({' or '.join([', '.join(flags[:-1]), flags[-1]] if flags[:-1] else flags)})"
    if isinstance(e, NotFound) and e.kind == "company" and e.ref is not None:
        return f"{text} (add it: namecards company add {e.ref!r})"
    if isinstance(e, NotFound) and e.kind == "talking point" and e.ref is not None:
        return f"{text} (see: namecards show {e.ref})"
    if isinstance(e, InvalidValue) and e.kind == "note":
        return f"{text} (use namecards note --delete to remove it)"
    if e.kind in _LISTING:
        return f"{text} (see: {_LISTING[e.kind]})"
    return text


def flag_hint(e: NamecardsError, params: dict) -> str | None:
    """What the command's own options can do about `e` (the library never names a flag)."""
    if "force" not in params or params["force"]:
        return None
    if isinstance(e, Duplicate) and e.existing is not None:
        return (f"use --force to add anyway, or `namecards edit {e.existing['id']}` to update "
                "that contact")
    if isinstance(e, InvalidValue) and e.storable:
        return "use --force to store it as given"
    return None


def print_json(data) -> None:
    click.echo(json_text(data, indent=2, default=str))


# Stored text printed to a terminal must not drive it: ESC, BEL, CR, backspace and the like
# (from an old import, say) are shown as U+FFFD. Line breaks and tabs stay.
_CONTROL_OUT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def echo(message=None, **kwargs) -> None:
    """click.echo for text that holds stored data."""
    if isinstance(message, str):
        message = _CONTROL_OUT.sub("\ufffd", message)
    click.echo(message, **kwargs)


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

        run_app(command_store(ctx))


def main() -> None:
    cli(prog_name="namecards")
