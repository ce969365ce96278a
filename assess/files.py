"""Reading files people hand to Assess (questionnaire definitions, baseline imports).

One bounded read for all of them: only regular files (a FIFO or a device such as
``/dev/zero`` reports size 0 and would be read without end, or block the open), refused
above a size limit before reading, and never read past the limit even if the file grows.
Pure: no framework imports, so the definitions package can use it.
"""

from __future__ import annotations

import os
import stat


class FileRefused(Exception):
    """A file that was not read; the message says why, in words for a person."""


class NotARegularFile(FileRefused):
    """A directory, FIFO, socket or device."""


class FileTooLarge(FileRefused):
    """Over the limit: ``size`` bytes (or, when ``grown``, at least that many: the file grew
    after its size was checked)."""

    def __init__(self, size: int, *, grown: bool = False) -> None:
        super().__init__(f"{size} bytes")
        self.size = size
        self.grown = grown


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them.

    Raises :class:`NotARegularFile`, :class:`FileTooLarge`, or ``OSError`` when it cannot be
    opened or read.
    """
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise NotARegularFile("is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile("is not a regular file")
        if info.st_size > limit:
            raise FileTooLarge(info.st_size)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(len(data), grown=True)
    return data
