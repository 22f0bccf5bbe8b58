"""One error hierarchy for the whole core. The CLI turns each into one line and an exit code
(adding the flag that would help: that is the CLI's business), the TUI reacts by type (it
offers "add anyway" on `Duplicate`). Library messages say what is wrong and never name a
command-line flag or command: `tests/test_library_messages.py` checks the flags."""

from __future__ import annotations


class NamecardsError(Exception):
    """An error the user can act on; the CLI prints its message as one line and exits 1.

    The message names no command-line flag and no command. What a front end may add lives in
    fields: `option`, the parameter(s) of the call the error is about (`"name"`, or a tuple
    such as `("event", "company", "position")`); `kind`, the kind of record concerned
    (`"merge"`, `"question"`, `"practice"`, `"event"`, `"note"`, `"company"`, `"talking point"`);
    `ref`, the name that was asked for (or whose record it is). The CLI turns them into its
    flags and commands (`cli.main.cli_message`), the TUI into its own words."""

    option: str | tuple[str, ...] | None = None
    kind: str | None = None
    ref: str | None = None

    def __init__(self, *args, option: str | tuple[str, ...] | None = None,
                 kind: str | None = None, ref: str | None = None):
        super().__init__(*args)
        self.option, self.kind, self.ref = option, kind, ref


class UsageError(NamecardsError):
    """The command was asked for something that cannot be (the CLI exits 2)."""


class NotFound(NamecardsError):
    """Nothing matches what was named (a contact, an event, a note, a scan)."""


class Ambiguous(NamecardsError):
    """What was named matches several records; `candidates` lists them (dicts with an `id`)."""

    def __init__(self, message: str, candidates: list[dict] | None = None, **about):
        super().__init__(message, **about)
        self.candidates = candidates or []


class Duplicate(NamecardsError):
    """A new record looks like one already stored: `existing` is that one, `candidates`
    every likely match (best first, each with its `reasons`)."""

    def __init__(self, message: str, candidates: list[dict]):
        super().__init__(message)
        self.candidates = candidates
        self.existing = candidates[0] if candidates else None


class InvalidValue(NamecardsError):
    """A value that is not what it claims to be (an e-mail, a phone number, a URL); with
    `storable` the caller may choose to keep it as given."""

    def __init__(self, message: str, value: str | None = None, *, storable: bool = False,
                 **about):
        super().__init__(message, **about)
        self.value = value
        self.storable = storable


class FormatError(NamecardsError):
    """A file or record that cannot be read or written; the message is one line for the user."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))
        self.message = " ".join(str(message).split())

    def __str__(self) -> str:
        return self.message


class LetterError(NamecardsError):
    """A letter cannot be rendered; the message is one line the user can act on."""
