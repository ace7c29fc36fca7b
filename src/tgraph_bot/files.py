"""Files the program writes whole: replaced atomically, and changed by one process at a time.

The lowest floor beside ``errors.py``: the configuration store, the graph service, storage
and the command line all write files through it, so none of them borrows it from another.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Generator
from pathlib import Path


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file.

    The file keeps its permissions; a new one gets ``mode`` (mkstemp alone would make it 0600,
    unreadable to the owner's other tools and to a host user other than the bot's).
    """
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            tmp.chmod(path.stat().st_mode & 0o777)
        except FileNotFoundError:
            tmp.chmod(mode)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def file_lock(path: Path) -> Generator[None]:
    """Held while one process changes ``path`` (an exclusive ``flock`` on ``.NAME.lock``
    beside it), so another process's change waits instead of interleaving. It blocks the
    thread until the lock is free. Where there is no ``fcntl`` (Windows) it locks nothing.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the thread lock alone
        yield
        return
    lock_path = path.with_name(f".{path.name}.lock")
    with lock_path.open("a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


__all__ = ["atomic_write", "file_lock"]
