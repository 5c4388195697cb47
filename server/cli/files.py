"""Files the operator's commands read and write, and the errors they answer with.

A file handed to a maintainer (a bank export from another organisation, a rules file, a case
archive) may be hostile. It is read only when it is a regular file (a FIFO waits forever, a device
such as ``/dev/zero`` never ends), and no more of it than a bound: past it, a clear error, not a
worker's memory. What a command writes (a case export holds its evidence, a bank export its
photos' fingerprints) is a new file readable by its owner only (mode 0600, whatever the umask),
never an existing file nor one a symbolic link points to: a link planted where the export is
written would send it elsewhere, or overwrite a file the operator can write.

Redis out of reach is one line naming the error, exit 1, never a traceback.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

import click
import redis
from flask.cli import AppGroup

from heuristics.context import ServiceUnavailable
from heuristics.text import hidden_characters

EXPORT_MODE = 0o600


def shown(text: str) -> str:
    """Text from a file, safe to print to a terminal: every character that is not printable (an
    escape sequence's ESC, a carriage return) or that hides or reorders text (a bidi override) is
    written as its escape (``\\x1b``, ``\\u202e``). Printed raw, ``ESC[2K`` and a CR erased the
    line and a hostile rules file's error read as "valid"."""
    hidden = set(hidden_characters(text))
    return "".join(ch if ch.isprintable() and index not in hidden else ascii(ch)[1:-1] for index, ch in enumerate(text))


def open_regular(path: str | Path) -> BinaryIO:
    """``path`` opened for reading, when it is a regular file (after symbolic links: the operator
    names the file she means); a ClickException otherwise."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before it is refused.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise click.ClickException(f"{path}: {error.strerror or error}") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise click.ClickException(f"{path}: not a regular file")
    os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb")


def read_bounded(path: str | Path, max_bytes: int) -> bytes:
    """A regular file's bytes, at most ``max_bytes`` (a ClickException past them)."""
    with open_regular(path) as source:
        data = source.read(max_bytes + 1)  # never more than one byte past the bound
    if len(data) > max_bytes:
        raise click.ClickException(f"{path}: larger than {max_bytes} bytes; this is not such a file")
    return data


def bounded_lines(source: IO[bytes], name: str, max_line_bytes: int) -> Iterator[bytes]:
    """The lines of ``source``, each read at most ``max_line_bytes`` long (a ClickException naming
    the line past it: a file of one endless line is not held in memory)."""
    number = 0
    while line := source.readline(max_line_bytes + 1):
        number += 1
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            raise click.ClickException(f"{name}: line {number} is longer than {max_line_bytes} bytes")
        yield line


def create_private(path: Path) -> BinaryIO:
    """A new file at ``path``, mode 0600, for writing; a ClickException when something is there
    already (a file, or a symbolic link, even a dangling one: O_EXCL does not follow it)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, EXPORT_MODE)
    except FileExistsError:
        raise click.ClickException(f"{path}: already exists; choose a new file name") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise click.ClickException(f"{path}: is a symbolic link; choose a new file name") from None
        raise click.ClickException(f"{path}: {error.strerror or error}") from None
    os.fchmod(descriptor, EXPORT_MODE)  # whatever the umask took away, and nothing it left
    return os.fdopen(descriptor, "wb")


# Redis (or the limiter store) out of reach; a file the command itself cannot read or write is
# answered where it is opened (above), with its own message.
_UNREACHABLE = (redis.RedisError, ServiceUnavailable)


def _explained(error: Exception) -> click.ClickException:
    return click.ClickException(f"cannot reach the store (REDIS_URL): {type(error).__name__}")


class _AnswersUnreachableStore(click.Command):
    """Redis out of reach: one line and exit 1, not a traceback (module docstring)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _UNREACHABLE as error:
            raise _explained(error) from None


class StoreGroup(_AnswersUnreachableStore, AppGroup):
    """A command group whose commands answer an unreachable Redis with one line and exit 1."""


class StoreCommand(_AnswersUnreachableStore):
    """A single command with :class:`StoreGroup`'s answer to an unreachable Redis."""
