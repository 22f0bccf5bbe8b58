"""What namecards prints: control characters from data never reach the terminal.

Names, notes and file names come from cards, imports and other people's files. An ESC or BEL
in one of them (`ESC ]0;… BEL` retitles a terminal, `ESC [2J` clears it, a C1 CSI does the
same on some terminals) would be obeyed by the terminal if printed as is. The CLI routes
standard output and standard error through `SafeTextStream` for the whole command, so every
line — listings, error messages, file names — is cleaned in one place. Binary output written
to the stream's `.buffer` (an `.apkg` on `-o -`) passes untouched; JSON escapes control
characters itself (`json_text`), so it stays valid and exact.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import re
import sys
from typing import Any, Iterator, TextIO

# C0 controls but tab and line feed, DEL, and the C1 block; a CR only where no LF follows
# (a CRLF line end, as in CSV and vCard, moves nothing that was printed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
# Characters json.dumps leaves raw that a terminal may still obey.
_JSON_RAW_CONTROL = re.compile(r"[\x7f-\x9f]")
REPLACEMENT = "\ufffd"


def printable(text: str) -> str:
    """`text` with every control character but tab, line feed and a CRLF line end shown as
    U+FFFD (a bare CR would let a line overwrite what it printed)."""
    return _CONTROL.sub(REPLACEMENT, text)


def json_text(data: Any, **kwargs) -> str:
    """`json.dumps(data, ensure_ascii=False, **kwargs)` with DEL and C1 characters escaped too
    (`\\u009b`): valid JSON with the exact data, and nothing a terminal would obey."""
    text = json.dumps(data, ensure_ascii=False, **kwargs)
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeTextStream:
    """A text stream that writes through `inner` with `printable` applied; everything else
    (flush, isatty, fileno, encoding, the binary `.buffer`) is the inner stream's."""

    def __init__(self, inner: TextIO):
        self.unsafe = inner  # for a caller that writes its own escape codes (a progress bar)

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.unsafe.write(printable(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self.unsafe, name)


def _fit(stream: TextIO) -> None:
    """Never fail on a character the terminal's encoding lacks (`PYTHONIOENCODING=latin-1`
    and a Polish name): print a replacement instead. An ASCII stream is made UTF-8, as Click
    would do anyway."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:
        return
    try:
        encoding = codecs.lookup(stream.encoding or "ascii").name
    except LookupError:
        encoding = "ascii"
    try:
        if encoding == "ascii":
            reconfigure(encoding="utf-8", errors="replace")
        elif stream.errors == "strict":
            reconfigure(errors="replace")
    except (ValueError, OSError):
        pass


@contextlib.contextmanager
def safe_output() -> Iterator[None]:
    """Standard output and error as `SafeTextStream`s for the duration of the block."""
    saved = sys.stdout, sys.stderr
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or isinstance(stream, SafeTextStream):
            continue
        _fit(stream)
        setattr(sys, name, SafeTextStream(stream))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def unsafe(stream: TextIO) -> TextIO:
    """The raw stream under a `SafeTextStream` (for Rich's progress bar, which writes its own
    escape codes; what it prints from data must be passed through `printable` first)."""
    return getattr(stream, "unsafe", stream)
