"""`namecards scan`: read card images into contacts, with a progress bar and one line
(or one JSON object) per card."""

from __future__ import annotations

import os
import sys
import unicodedata

import click

from namecards.cli.main import Failed, cli, command_store, event_option, json_option
from namecards.terminal import json_text, unsafe

# ---------------------------------------------------------------- scanning


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@event_option
@click.option("--date", metavar="YYYY-MM-DD", help="The event's date, when --event creates it.")
@click.option("--region", metavar="CC", help="Country for phone numbers without +CC, e.g. BR.")
@click.option("--lang", default="eng", show_default=True, help="Tesseract languages, e.g. deu+eng.")
@click.option("--dry-run", is_flag=True, help="Read and print, store nothing.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Parallel OCR processes (default: cores).")
@click.option("--watch", "watch_dir", metavar="DIR",
              type=click.Path(exists=True, file_okay=False),
              help="Keep running: scan each new image in DIR once it is fully written "
                   "(Ctrl-C stops).")
@click.option("--two-sided", is_flag=True,
              help="Images are both sides of each card, in order: front, back, front, back.")
@json_option
@click.pass_context
def scan(ctx, paths, event, date, region, lang, dry_run, jobs, watch_dir, two_sided, as_json):
    """Read business-card photos or scans into contacts.

    PATHS are image files or folders of them (.jpg .png .webp .tiff .heic). A photo of
    several cards on a table gives one contact per card. An image right after a card that
    carries the same person's e-mail or mobile, or no name and the same website (a logo
    side), is filed as that card's back. With --two-sided every two images (sorted by file
    name in a folder) are one card's front and back: one contact.

    With --watch DIR it keeps running: images already in DIR and not scanned before are
    scanned first, then each new one once it is completely written; an image is never
    scanned twice (by its SHA-256). Ctrl-C stops it with a summary (exit status 130).

    \b
    Example:
      namecards scan sample_cards/interview --event "Acme Robotics — second interview"
      namecards scan --watch ~/Sync/Camera --event "Career fair"
    """
    if watch_dir is not None:
        if paths or dry_run or two_sided:
            raise Failed("--watch DIR scans one folder and files what it reads: give no "
                         "other PATHS, no --dry-run and no --two-sided", 2)
        return _watch(ctx, watch_dir, event=event, date=date, region=region, lang=lang,
                      jobs=jobs, as_json=as_json)
    if not paths:
        raise Failed("give the card images or folders to scan, or --watch DIR "
                     "(see: namecards scan --help)", 2)
    from namecards.services.scanning import scan as scan_cards
    from namecards.services.scanning import scan_summary

    if two_sided:
        from namecards.services.two_sided import scan_two_sided as scan_cards

    store = None if dry_run else command_store(ctx)
    counts: dict[str, int] = {}
    last_note = None
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
            if result.get("note") and result["note"] != last_note:
                # The odd image out of a --two-sided scan, or a pair of two people's cards:
                # said once, under the line it is about.
                text += f"\n{_printable('namecards: ' + result['note'])}"
                last_note = result["note"]
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


def _watch(ctx, folder: str, *, event, date, region, lang, jobs, as_json) -> None:
    """`scan --watch DIR`: one line per card as images arrive, until Ctrl-C."""
    from namecards.services.scanning import scan_summary
    from namecards.services.watching import watch

    store = command_store(ctx)
    counts: dict[str, int] = {}

    def started(start) -> None:
        click.echo(_printable(f"{start.line()}. Ctrl-C stops."), err=True)

    def note(text: str) -> None:
        click.echo(_printable(text), err=True)

    try:
        for result in watch(store, folder, event=event, date=date, region=region, lang=lang,
                            jobs=jobs, on_start=started, on_note=note):
            counts[result["status"]] = counts.get(result["status"], 0) + 1
            _print_result(result, as_json)
    except KeyboardInterrupt:
        # Ctrl-C is how a watch ends; 130 all the same, as every interrupted command says.
        summary = scan_summary(counts) if counts else "nothing new"
        click.echo(_printable(f"Stopped watching {folder}: {summary}."), err=True)
        ctx.exit(130)


def _print_result(result: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json_text(result))
        return
    text, to_stderr = _scan_line(result)
    if result.get("card") and result["card"] == result["of"]:
        text += f"\n{_printable(os.path.basename(result['file']))}: {result['of']} cards"
    click.echo(text, err=to_stderr)


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
    if status == "back":
        who = result.get("back_of_name") or fields.get("full_name") or "the card before"
        return _printable(f"{name}: back of {who}  #{result['back_of']}"), False
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
