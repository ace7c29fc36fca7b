"""What ``tgraph-bot run`` settles before it connects: the first start, and folder permissions.

In Docker the bot runs as 99:100 (Unraid's nobody:users) with ``/config`` mapped from the
host. Three things go wrong on the first day there: ``/config`` is empty, the host created it
(or an older image wrote files in it) as root, or it is mounted read-only. Each ends in one
line that says what to do, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import threading
from collections.abc import Callable, Generator, Mapping
from pathlib import Path

from tgraph_bot.config.sample import sample_bytes
from tgraph_bot.errors import (
    FileProblem,
    FirstStart,
    NoPermission,
    NoWritePermission,
    ReadOnlyStorage,
    UserFacingError,
)
from tgraph_bot.i18n import N_, Translator

SAMPLE_NAME = "config.yml.sample"
WAIT_VARIABLE = "TGRAPH_WAIT_FOR_CONFIG"
"""Set (to 1) in the image: ``run`` waits for a usable config.yml instead of exiting."""
WAIT_POLL_SECONDS = 1.0

FOLDER_ACCESS = os.R_OK | os.W_OK | os.X_OK
FILE_ACCESS = os.R_OK | os.W_OK

FIRST_START_WAITING = N_(
    "First start: wrote the annotated sample configuration to {path}. Fill in DISCORD_TOKEN, "
    "TAUTULLI_URL, TAUTULLI_API_KEY and CHANNEL_ID there: the bot waits, and starts by itself "
    "once the file is saved."
)
WAITING = N_("Waiting for {path}: the bot starts by itself once the lines above are fixed.")


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


def _read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # gone meanwhile, or no statvfs (Windows)
        return False


def _read_only_mount(path: Path) -> Path:
    """The outermost folder of ``path``'s read-only file system: what was mounted ``:ro``."""
    path = path.absolute()
    while path.parent != path and _read_only_file_system(path.parent):
        path = path.parent
    return path


def _owned_by_us(path: Path) -> bool:
    try:
        return path.stat().st_uid == os.geteuid()
    except (OSError, AttributeError):
        return False


def no_permission(
    path: Path | str, config_folder: Path
) -> NoPermission | NoWritePermission | ReadOnlyStorage:
    """The fix for a path the bot may not use: remount, chmod or chown, whichever applies."""
    uid, gid = user_ids()
    where = {"path": str(path), "folder": str(config_folder.absolute())}
    if _read_only_file_system(Path(path)):
        return ReadOnlyStorage(path=str(path), folder=str(_read_only_mount(Path(path))))
    if _owned_by_us(Path(path)):
        return NoWritePermission(uid=uid, **where)
    return NoPermission(uid=uid, gid=gid, **where)


def os_error(exc: OSError, config_folder: Path) -> UserFacingError:
    """An operating-system error as the one line a person can act on."""
    path = exc.filename if exc.filename is not None else config_folder
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return no_permission(path, config_folder)
    return FileProblem(path=str(path), reason=exc.strerror or type(exc).__name__)


def _accessible(path: Path, mode: int) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(path, mode, effective_ids=True)
    return os.access(path, mode)


def require_writable(folder: Path, config_folder: Path) -> None:
    """Create ``folder`` if needed; refuse, naming the fix, if the bot may not write there."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise os_error(exc, config_folder) from None
    if not _accessible(folder, FOLDER_ACCESS):
        raise no_permission(folder, config_folder)


def require_usable_tree(root: Path, config_folder: Path) -> None:
    """Like :func:`require_writable`, for ``root`` and everything in it: the database and its
    ``-wal``/``-shm`` files, the images, the heartbeat. A file an image that ran as root left
    behind is found here, before SQLite or a post trips over it."""
    mapped = config_folder if root.absolute().is_relative_to(config_folder.absolute()) else root
    require_writable(root, mapped)
    for folder, folders, files in os.walk(root):
        entries = [(name, FOLDER_ACCESS) for name in folders]
        entries += [(name, FILE_ACCESS) for name in files]
        for name, mode in entries:
            path = Path(folder, name)
            if not path.is_symlink() and not _accessible(path, mode):
                raise no_permission(path, mapped)


def write_sample(config: Path) -> None:
    """Put the annotated sample where the configuration file belongs (the folder must be ours)."""
    require_writable(config.parent, config.parent)
    from tgraph_bot.files import atomic_write

    atomic_write(config, sample_config())


def first_start(config: Path) -> None:
    """With no configuration file, put the annotated sample in its place and say what to fill.

    Always raises: :class:`FirstStart` (exit status 3) once the sample is written, or
    :class:`NoPermission` when the folder is not writable.
    """
    write_sample(config)
    raise FirstStart(path=str(config))


def waits_for_configuration(environ: Mapping[str, str]) -> bool:
    """True in the container: a first start (or an unfinished config.yml) waits, not exits."""
    return environ.get(WAIT_VARIABLE, "").strip().lower() in {"1", "true", "yes"}


def wait_for_configuration(
    config: Path,
    problems: Callable[[], list[str]],
    say: Callable[[str], None],
    tr: Translator,
    stopped: Callable[[float], bool],
    *,
    poll: float = WAIT_POLL_SECONDS,
) -> bool:
    """Wait until ``problems()`` finds none; True then, False when ``stopped`` says so first.

    With no file yet, the sample is written and one line says so. After that every change in
    the problems is printed once (they are re-read every ``poll`` seconds), so the log stays
    short, and the container shows one state ("up, unhealthy") instead of a restart loop.
    ``stopped(seconds)`` waits up to that long and returns True when the bot is to stop.
    """
    shown: list[str] | None = None
    if not config.exists():
        write_sample(config)
        say(tr._(FIRST_START_WAITING).format(path=config))
        shown = problems()
    while current := problems():
        if current != shown:
            for line in current:
                say(line)
            say(tr._(WAITING).format(path=config))
            shown = current
        if stopped(poll):
            return False
    return True


@contextlib.contextmanager
def stop_signals() -> Generator[threading.Event]:
    """An event set by SIGTERM (``docker stop``) or SIGINT, for waiting outside asyncio."""
    stop = threading.Event()
    handled = (signal.SIGTERM, signal.SIGINT)

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = [signal.signal(signum, on_signal) for signum in handled]
    try:
        yield stop
    finally:
        for signum, before in zip(handled, previous, strict=True):
            signal.signal(signum, before)


__all__ = [
    "FIRST_START_WAITING",
    "WAITING",
    "first_start",
    "no_permission",
    "os_error",
    "require_usable_tree",
    "require_writable",
    "sample_config",
    "stop_signals",
    "wait_for_configuration",
    "waits_for_configuration",
    "write_sample",
]
