"""Palette actions that move data in and out: export, import, new event.

Each asks for its one line of input, then does the slow part in a thread worker with its own
store; the outcome comes back as an `ExchangeDone` message and a notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from namecards import NamecardsError

EXPORTS = {"vcard": ".vcf", "markdown": ".md", "csv": ".csv", "json": ".json", "anki": ".apkg",
           "ics": ".ics"}


@dataclass
class ExchangeDone(Message):
    """An export, import or event change finished; `summary` is what the user is told."""
    kind: str
    summary: str


def _in_thread(app, kind: str, work) -> None:
    def run() -> None:
        from namecards.store import open_store

        store = open_store(app.store.home)  # SQLite connections belong to one thread
        try:
            app.post_message(ExchangeDone(kind, work(store)))
        finally:
            store.close()

    app.run_worker(run, thread=True, exclusive=True, exit_on_error=False, group="exchange",
                   name=kind)


def ask_export(app, fmt: str) -> None:
    from tui.screens.dialogs import PromptScreen

    default = str(Path.cwd() / f"namecards{EXPORTS[fmt]}")

    def done(answer: str | None) -> None:
        if not answer:
            return
        path, _, event = answer.partition(" --event ")
        path = str(Path(path.strip()).expanduser())

        def work(store) -> str:
            from namecards.services.exchange import export_contacts

            result = export_contacts(store, fmt, output=path, event=event.strip() or None)
            return f"Exported {result['contacts']} contacts to {path}"

        _in_thread(app, "export", work)

    app.push_screen(PromptScreen(f"Export ({fmt}) to", value=default,
                                 hint="Add  --event NAME  to export one event's people only."),
                    done)


def ask_import(app) -> None:
    from tui.screens.dialogs import PromptScreen

    def done(answer: str | None) -> None:
        if not answer:
            return
        path = str(Path(answer.strip()).expanduser())

        def work(store) -> str:
            from namecards.services.exchange import import_contacts

            report = import_contacts(store, path)
            return (f"Imported {path}: {len(report['added'])} added, "
                    f"{len(report['updated'])} updated, {len(report['skipped'])} skipped")

        _in_thread(app, "import", work)

    app.push_screen(PromptScreen("Import contacts from", placeholder="~/Connections.csv",
                                 hint="vCard, CSV or LinkedIn's Connections.csv; "
                                      "nobody is added twice."), done)


def ask_event(app) -> None:
    from tui.screens.dialogs import PromptScreen

    def done(answer: str | None) -> None:
        if not answer:
            return
        name, _, when = answer.partition("@")
        from namecards.domain.events import add_event

        try:
            event = add_event(app.store, name.strip(), date=when.strip() or None)
        except NamecardsError as e:
            app.notify(str(e), severity="error")
            return
        summary = f"Event {event['name']}" + (f" on {event['date']}" if event["date"] else "")
        app.post_message(ExchangeDone("event", summary))

    app.push_screen(PromptScreen("New event (or a new date for one)",
                                 placeholder="Acme Robotics — second interview @ 2026-12-03T09:30",
                                 hint="Name, then @ and the date (YYYY-MM-DD or "
                                      "YYYY-MM-DDTHH:MM) if you know it."), done)
