"""tgraph_bot.files: the configuration file's lock really excludes another process's change.

flock locks belong to an open file, so a second open of the lock file (as another process
would make) is refused while the lock is held; probed without blocking, so nothing waits.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

from tgraph_bot.files import file_lock


def another_process_may_lock(lock_file: Path) -> bool:
    with lock_file.open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return True


def test_the_lock_excludes_others_while_held_and_only_then(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    lock_file = tmp_path / ".config.yml.lock"
    with file_lock(config):
        assert lock_file.exists()
        assert not another_process_may_lock(lock_file)
    assert another_process_may_lock(lock_file)
