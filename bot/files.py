"""Reading a file the user named on the command line (`scan --feed FILE`, `quotes FILE`): regular files
only, and never more than a size cap.

    read_input(path, cap) -> bytes, or raises InputError("what is wrong, and what to do")

The file is opened non-blocking and checked with fstat on the open descriptor, not with a stat before
opening: a FIFO then cannot hang the open or the read, and nothing can be swapped in between the check
and the read. Devices (a symlink to /dev/zero would be read until the kernel kills us), FIFOs, sockets
and directories are refused; a regular file over the cap is refused without being read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MB = 1024 * 1024


class InputError(Exception):
    """A file given on the command line cannot be used; `str(error)` says why, for `path: message`."""


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_input(path: str | Path, cap: int, what: str = "file") -> bytes:
    """The bytes of the regular file at `path`, at most `cap` of them (InputError otherwise)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError("no such file") from None
    except IsADirectoryError:
        raise InputError(f"it is a directory, not a {what}") from None
    except OSError as e:
        if e.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing nowhere (some systems)
            raise InputError(f"not a regular file; give a {what}") from None
        raise InputError(f"cannot read it: {(e.strerror or str(e)).lower()}") from None
    try:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind is not None:
            raise InputError(f"it is {kind}, not a {what}; give a regular file")
        if info.st_size > cap:
            raise InputError(f"{info.st_size / MB:.1f} MB, over the {cap / MB:g} MB limit for a {what}")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(cap + 1)  # the file may have grown since fstat
    except OSError as e:
        raise InputError(f"cannot read it: {(e.strerror or str(e)).lower()}") from None
    finally:
        os.close(fd)
    if len(data) > cap:
        raise InputError(f"over the {cap / MB:g} MB limit for a {what}")
    return data
