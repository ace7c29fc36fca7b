"""What ``tgraph-bot run`` settles before it connects: the first start, and folder permissions.

In Docker the bot runs as 99:100 (Unraid's nobody:users) with ``/config`` mapped from the
host. Two things go wrong on the first day there: ``/config`` is empty, or the host created
it as root. Both end in one line that says what to do, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

from tgraph_bot.config.sample import sample_bytes
from tgraph_bot.errors import FileProblem, FirstStart, NoPermission

SAMPLE_NAME = "config.yml.sample"


def sample_config() -> bytes:
    """The annotated sample: shipped inside the package, or beside ``src/`` in a checkout."""
    raw = sample_bytes()
    if raw is None:
        raise FileNotFoundError(SAMPLE_NAME)
    return raw


def user_ids() -> tuple[str, str]:
    """The uid and gid this process runs as ("?" where the platform has none)."""
    uid = getattr(os, "geteuid", None)
    gid = getattr(os, "getegid", None)
    return (str(uid()) if uid else "?", str(gid()) if gid else "?")


def no_permission(path: Path | str, config_folder: Path) -> NoPermission:
    uid, gid = user_ids()
    return NoPermission(path=str(path), uid=uid, gid=gid, folder=str(config_folder.absolute()))


def os_error(exc: OSError, config_folder: Path) -> NoPermission | FileProblem:
    """An operating-system error as the one line a person can act on."""
    path = exc.filename if exc.filename is not None else config_folder
    if isinstance(exc, PermissionError):
        return no_permission(path, config_folder)
    return FileProblem(path=str(path), reason=exc.strerror or type(exc).__name__)


def require_writable(folder: Path, config_folder: Path) -> None:
    """Create ``folder`` if needed; refuse, naming the uid and the chown, if it is not ours."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except PermissionError:
        raise no_permission(folder, config_folder) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise no_permission(folder, config_folder)


def first_start(config: Path) -> None:
    """With no configuration file, put the annotated sample in its place and say what to fill.

    Always raises: :class:`FirstStart` (exit status 3) once the sample is written, or
    :class:`NoPermission` when the folder is not writable.
    """
    require_writable(config.parent, config.parent)
    from tgraph_bot.config.store import atomic_write

    atomic_write(config, sample_config())
    raise FirstStart(path=str(config))


__all__ = ["first_start", "no_permission", "os_error", "require_writable", "sample_config"]
