"""Atomic, durable file writes: the one way bibobscan writes a file under its final name.

The bytes go to a temporary file in the same folder (``.<name>.<random>.tmp``), are
flushed and fsynced, and the temporary file is then renamed to the final name
(``os.replace``), or hard-linked to it when an existing file must never be replaced;
finally the folder is fsynced, so the rename survives a power cut. A reader, or the folder
after a crash or a SIGKILL, holds the old file or the new one, never a truncated one. A
kill can leave a ``.<name>.<random>.tmp`` file behind; it is never a report and may be
deleted.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def write_bytes(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` atomically and durably. ``exclusive``: fail with
    FileExistsError when ``path`` exists (the final step is then a hard link, which never
    replaces a file; a file system without hard links gets a check and a rename)."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            _link_new(tmp, path)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)


def write_text(path: Path, text: str, *, exclusive: bool = False, encoding: str = "utf-8") -> None:
    """:func:`write_bytes` of ``text`` encoded with ``encoding`` (no newline translation)."""
    write_bytes(path, text.encode(encoding), exclusive=exclusive)


def _link_new(tmp: str, path: Path) -> None:
    try:
        os.link(tmp, path)  # FileExistsError when the name is taken
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if path.exists():
            raise FileExistsError(17, "File exists", str(path)) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
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
