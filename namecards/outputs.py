"""Writing a file the user named (`-o PATH`): beside, then rename; never destroy what is there.

Every export, letter, briefing and config file goes through `write_output`. The data is
written to a temporary file in the target's folder and renamed over the target only once it
is complete, so a full disk or a killed process leaves the old file as it was. Only a regular
file (or a new name) is replaced: a folder, a device (`/dev/null`, `/dev/stdout`), a FIFO or a
socket is refused with a message, never unlinked. `-` means standard output.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from pathlib import Path

from namecards import NamecardsError
from namecards.home import ensure_private_dir
from namecards.terminal import printable

STDOUT = "-"
TMP_PREFIX = ".namecards-tmp-"


class OutputError(NamecardsError):
    """A file could not be written where the user asked; nothing there was changed."""


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _reason(e: OSError) -> str:
    if e.errno == errno.ENOSPC or e.errno == errno.EDQUOT:
        return "the disk is full"
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if e.errno == errno.EROFS:
        return "the file system is read-only"
    if e.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return e.strerror or str(e)


def _for_terminal(data: bytes) -> bytes:
    """What `-o -` may show on a terminal: text with control characters made visible (an ESC
    in a name must not drive the terminal); binary data (an .apkg) is refused, as gzip does.
    Into a pipe or a file the bytes go unchanged."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise OutputError("standard output is a terminal and this file is binary: redirect it "
                          "(> FILE) or give -o FILE") from None
    return printable(text).encode(sys.stdout.encoding or "utf-8", "replace")


def check_output_path(output: str | os.PathLike) -> Path:
    """The real file a write to `output` would replace; refuses folders, devices and FIFOs.

    A symlink is followed, so the link stays a link and its target gets the new content.
    """
    path = Path(output)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return Path(os.path.realpath(path))
    except OSError as e:
        raise OutputError(f"cannot write {output}: {_reason(e)}") from None
    kind = _kind(st.st_mode)
    if kind == "a folder":
        raise OutputError(f"{output} is a folder: give a file name")
    if kind:
        raise OutputError(f"{output} is {kind}, not a file: namecards writes only regular files "
                          "(use - for standard output)")
    return Path(os.path.realpath(path))


def write_output(output: str | os.PathLike, data: bytes | str) -> None:
    """Write `data` to the file `output` (`-`: standard output) safely; see the module doc.

    A new file is made readable by its owner only (contact data is private); a file that is
    replaced keeps its permissions. A missing folder is created private.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if str(output) == STDOUT:
        if sys.stdout.isatty():
            data = _for_terminal(data)
        out = sys.stdout.buffer
        out.write(data)
        out.flush()
        return
    target = check_output_path(output)
    folder = target.parent
    try:
        if not folder.is_dir():
            ensure_private_dir(folder)
        mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else 0o600
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=TMP_PREFIX, suffix=target.suffix)
    except OSError as e:
        raise OutputError(f"cannot write {output}: {_reason(e)}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        kept = " (the old file is untouched)" if target.exists() else ""
        raise OutputError(f"cannot write {output}: {_reason(e)}{kept}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: some file systems cannot sync a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
