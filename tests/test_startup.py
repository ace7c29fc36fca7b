"""Start-up that explains itself: real `tgraph-bot` processes, one line and a distinct status.

Each test that starts a process is marked slow where it is defined; the login's back-off
is checked in-process, in the fast run.

The permission cases run the child as uid 99 (Unraid's nobody, as in the image) when the
suite runs as root, because root may write anywhere; otherwise they use a read-only folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
from asyncio.subprocess import Process
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

from tests.fakes.discord import CHANNEL_ID, FakeDiscord
from tests.fakes.tautulli import FakeTautulli
from tests.fakes.time import MonotonicClock
from tgraph_bot.app import login_patience, login_patiently
from tgraph_bot.errors import DiscordTokenRefused, DiscordUnreachable
from tgraph_bot.startup import sample_config

from .conftest import ROOT, SAMPLE

NOBODY = (99, 100)
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2  # linux/prctl.h, capability.h
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
READY = {"DISCORD_TOKEN": "t0k3n-value", "TAUTULLI_API_KEY": "k3y", "CHANNEL_ID": "42"}
NO_PATIENCE = {"TGRAPH_LOGIN_PATIENCE_SECONDS": "0"}  # one try at Discord, then exit 5


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TGRAPH_") and k not in READY and k != "TZ"
    }
    env["PYTHONPATH"] = str(ROOT / "src")
    env.update(extra or {})
    return env


def _as_nobody() -> None:
    os.setgid(NOBODY[1])
    os.setuid(NOBODY[0])


def _unmeasured(env: dict[str, str]) -> dict[str, str]:
    """A child that may not write here cannot save coverage data either (coverage would
    print its traceback on exit): it runs unmeasured."""
    return {k: v for k, v in env.items() if not k.startswith("COVERAGE_")}


def tgraph(
    *args: str,
    env: dict[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    child_env = _env(env)
    if preexec is not None:
        child_env = _unmeasured(child_env)
    return subprocess.run(
        [sys.executable, "-m", "tgraph_bot.cli", *args],
        capture_output=True,
        text=True,
        env=child_env,
        check=False,
        timeout=60,
        cwd=cwd or ROOT,
        preexec_fn=preexec,
    )


@dataclass(frozen=True)
class Foreign:
    """A folder made by someone else, and how to start a child that is not its owner.

    As root, the child runs as uid 99 (as in the image) when that user can run this Python
    (pyenv's Python under a 0700 /root cannot); otherwise it stays root without the
    capabilities that let root ignore file modes, and the folder is made read-only.
    """

    folder: Path
    preexec: Callable[[], None] | None
    uid: int
    gid: int
    owner_may_write: bool  # True when the child is not the owner, so 0755/0600 suffice

    def lock(self) -> None:
        if not self.owner_may_write:
            self.folder.chmod(0o555)

    def private(self, path: Path) -> None:
        path.chmod(0o600 if self.owner_may_write else 0o000)

    @property
    def fix(self) -> str:
        """The fix the bot must name: chown when the child is not the owner; chmod when it is
        the owner (root without its file-mode override) and the modes forbid it."""
        return f"chown -R {self.uid}:{self.gid}" if self.owner_may_write else "chmod -R u+rwX"


def _without_file_mode_override() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@functools.cache
def _nobody_runs_python() -> bool:
    done = subprocess.run(
        [sys.executable, "-c", ""], preexec_fn=_as_nobody, capture_output=True, check=False
    )
    return done.returncode == 0


@pytest.fixture
def foreign() -> Iterator[Foreign]:
    folder = Path(tempfile.mkdtemp(prefix="tgraph-foreign-"))
    folder.chmod(0o755)  # root-owned, like a ./config that compose created
    if AS_ROOT and _nobody_runs_python():
        made = Foreign(folder, _as_nobody, *NOBODY, owner_may_write=True)
    elif AS_ROOT:
        made = Foreign(folder, _without_file_mode_override, 0, 0, owner_may_write=False)
    else:
        made = Foreign(folder, None, os.geteuid(), os.getegid(), owner_may_write=False)
    try:
        yield made
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


# -- first start, folders, files ---------------------------------------------------------


@pytest.mark.slow  # starts a tgraph-bot process
def test_first_start_writes_the_sample_and_says_what_to_fill_in(tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.yml"
    config.parent.mkdir()
    done = tgraph("run", "--config", str(config))
    assert done.returncode == 3
    line = one_line(done.stderr)
    assert str(config) in line
    for key in ("DISCORD_TOKEN", "TAUTULLI_URL", "TAUTULLI_API_KEY", "CHANNEL_ID"):
        assert key in line
    assert config.read_bytes() == SAMPLE.read_bytes() == sample_config()
    assert config.stat().st_mode & 0o777 == 0o644
    # The next start finds the unfilled sample and lists what is missing: no loop of copies.
    again = tgraph("run", "--config", str(config))
    assert again.returncode == 1
    assert "DISCORD_TOKEN" in again.stderr and "Traceback" not in again.stderr


@pytest.mark.slow  # starts a tgraph-bot process
def test_a_folder_the_bot_may_not_write_names_the_uid_and_the_chown(foreign: Foreign) -> None:
    foreign.lock()
    done = tgraph("run", "--config", str(foreign.folder / "config.yml"), preexec=foreign.preexec)
    assert done.returncode == 6
    line = one_line(done.stderr)
    assert f"uid {foreign.uid}" in line and foreign.fix in line
    assert str(foreign.folder) in line
    assert list(foreign.folder.iterdir()) == []


@pytest.mark.slow  # starts a tgraph-bot process
def test_run_in_a_foreign_folder_with_a_config_also_says_chown(foreign: Foreign) -> None:
    config = foreign.folder / "config.yml"
    shutil.copyfile(SAMPLE, config)
    config.chmod(0o644)
    foreign.lock()
    done = tgraph("run", "--config", str(config), env=READY, preexec=foreign.preexec)
    assert done.returncode == 6
    assert foreign.fix in one_line(done.stderr)


@pytest.mark.slow  # starts a tgraph-bot process
def test_check_and_config_get_only_read(foreign: Foreign) -> None:
    config = foreign.folder / "config.yml"
    shutil.copyfile(SAMPLE, config)
    config.chmod(0o644)
    foreign.lock()
    checked = tgraph("check", "--config", str(config), env=READY, preexec=foreign.preexec)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    got = tgraph("config", "get", "UPDATE_DAYS", "--config", str(config), preexec=foreign.preexec)
    assert (got.returncode, got.stdout.strip()) == (0, "7"), got.stderr
    assert [p.name for p in foreign.folder.iterdir()] == ["config.yml"]


@pytest.mark.slow  # starts a tgraph-bot process
def test_an_unreadable_config_says_chown(foreign: Foreign) -> None:
    config = foreign.folder / "config.yml"
    shutil.copyfile(SAMPLE, config)
    foreign.private(config)
    done = tgraph("check", "--config", str(config), preexec=foreign.preexec)
    assert done.returncode == 6
    line = one_line(done.stderr)
    assert str(config) in line and foreign.fix in line


# -- the image: a first start waits for the configuration (no restart loop) ----------------

WAIT = {"TGRAPH_WAIT_FOR_CONFIG": "1"}


@pytest.mark.slow  # starts a tgraph-bot process
async def test_the_image_waits_for_the_configuration_then_starts_by_itself(tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.yml"
    config.parent.mkdir()
    seen: list[str] = []
    async with _bot(config, WAIT) as process:
        first = await _line_with(process, "First start", seen)
        assert first == (
            f"First start: wrote the annotated sample configuration to {config}. Fill in "
            "DISCORD_TOKEN, TAUTULLI_URL, TAUTULLI_API_KEY and CHANNEL_ID there: the bot waits, "
            "and starts by itself once the file is saved."
        )
        assert config.read_bytes() == sample_config()
        # Docker's health check says why the container is not healthy.
        health = tgraph("health", "--config", str(config))
        assert health.returncode == 1
        assert one_line(health.stdout).startswith(
            "unhealthy: waiting for the configuration: DISCORD_TOKEN: is required"
        )
        assert "CHANNEL_ID = 0: is required" in health.stdout

        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace('DISCORD_TOKEN: ""', 'DISCORD_TOKEN: "t0k3n"'), "utf-8")
        await _line_with(process, "Waiting for", seen)
        assert [line.split(":")[0] for line in seen[1:]] == [
            "TAUTULLI_API_KEY",
            "CHANNEL_ID = 0",
            "Waiting for " + str(config),
        ]
        async with FakeDiscord() as fake:
            _config_for(config.parent, fake.url, channel=CHANNEL_ID)
            await _connects_then_stops(process, fake, seen)


@pytest.mark.slow  # starts a tgraph-bot process
async def test_docker_stop_while_waiting_for_the_configuration_is_status_0(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config.yml"
    config.write_text('TAUTULLI_API_KEY: "k"\n', encoding="utf-8")
    seen: list[str] = []
    async with _bot(config, WAIT) as process:
        await _line_with(process, "Waiting for", seen)
        status, log = await _terminate(process)
    assert status == 0
    waiting = f"Waiting for {config}"
    assert [line.split(":")[0] for line in seen] == ["DISCORD_TOKEN", "CHANNEL_ID = 0", waiting]
    assert log == ""


# -- files an older image left as root, a mode that forbids, a read-only volume -----------


@pytest.fixture
def own() -> Iterator[Path]:
    """A config folder that belongs to 99:100 (the image's user), with a filled-in config.yml.

    Only root can make the files of another owner that these tests need."""
    if not (AS_ROOT and _nobody_runs_python()):
        pytest.skip("needs root, and a Python that uid 99 may run")
    folder = Path(tempfile.mkdtemp(prefix="tgraph-own-"))
    shutil.copyfile(SAMPLE, folder / "config.yml")
    (folder / "data" / "graphs").mkdir(parents=True)
    for path in (folder, *folder.rglob("*")):
        os.chown(path, *NOBODY)
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


READ_ONLY_BIND = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
"""sh -c script: remount folder $1 read-only (as ``-v ...:ro`` does), then run the rest."""


def _run_as_nobody(folder: Path, *, read_only: Path | None = None) -> str:
    """``run`` as 99:100 (in a mount namespace where ``read_only`` is read-only): it must
    exit with 6; the one line it printed."""
    env = {**READY, **NO_PATIENCE, "DISCORD_API_BASE_URL": f"http://127.0.0.1:{_free_port()}"}
    nobody = ["setpriv", "--reuid=99", "--regid=100", "--clear-groups", sys.executable]
    bot = [*nobody, "-m", "tgraph_bot.cli", "run", "--config", str(folder / "config.yml")]
    if read_only is not None:
        bot = ["unshare", "-m", "sh", "-c", READ_ONLY_BIND, "sh", str(read_only), *bot]
    done = subprocess.run(
        bot, capture_output=True, text=True, env=_unmeasured(_env(env)), check=False, timeout=60
    )
    assert done.returncode == 6, done.stderr
    return one_line(done.stderr)


def _as_root(path: Path, *, folder: bool = False) -> None:
    """A file (or folder) an image that ran as root left behind."""
    if folder:
        path.mkdir()
    elif path.suffix == ".db":
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("CREATE TABLE left_by_root (x)")
    else:
        path.write_bytes(b"")
    os.chown(path, 0, 0)
    path.chmod(0o755 if folder else 0o644)


@pytest.mark.parametrize(
    "name",
    ["tgraph.db", "tgraph.db-wal", "tgraph.db-shm", "heartbeat.json", "graphs/old.png", "old/"],
)
@pytest.mark.slow  # starts a tgraph-bot process
def test_a_file_or_folder_left_by_root_in_data_says_chown(own: Path, name: str) -> None:
    data = own / "data"
    if name.startswith("tgraph.db-"):  # the database is the bot's, its WAL file is not
        (data / "tgraph.db").write_bytes(b"")
        os.chown(data / "tgraph.db", *NOBODY)
    path = data / name.rstrip("/")
    _as_root(path, folder=name.endswith("/"))
    assert _run_as_nobody(own) == (
        f"{path} is not readable and writable by uid 99 (gid 100), which the bot runs as: "
        f"on the host, run chown -R 99:100 on the folder mapped to {own}"
    )
    assert path.stat().st_uid == 0  # nothing was changed, nothing written over


@pytest.mark.slow  # starts a tgraph-bot process
def test_a_data_folder_of_the_bot_that_forbids_writing_says_chmod_not_chown(own: Path) -> None:
    data = own / "data"
    data.chmod(0o555)
    assert _run_as_nobody(own) == (
        f"{data} belongs to uid 99, which the bot runs as, but its permissions do not let it "
        f"read and write there: on the host, run chmod -R u+rwX on the folder mapped to {own}"
    )


@pytest.mark.slow  # starts a tgraph-bot process
def test_a_read_only_data_volume_says_remove_ro_not_chown(own: Path) -> None:
    """DATA_DIR mounted read-only (``-v ...:/config/data:ro``), in a mount namespace of its own."""
    data = own / "data"
    probe = ["unshare", "-m", "sh", "-c", READ_ONLY_BIND, "sh", str(data), "true"]
    if subprocess.run(probe, check=False).returncode:
        pytest.skip("cannot make a read-only bind mount here")
    assert _run_as_nobody(own, read_only=data) == (
        f"{data} is on a read-only file system, and the bot must write there: remove :ro from "
        f"the volume mapped to {data} (or remount that disk read-write)"
    )


@pytest.mark.slow  # starts a tgraph-bot process
def test_a_config_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_bytes(b'# settings\nUPDATE_DAYS: 7\nTV_COLOR: "gr\xf8n"\n')
    done = tgraph("check", "--config", str(config))
    assert done.returncode == 1
    line = one_line(done.stderr)
    assert "not UTF-8" in line and "line 3" in line


@pytest.mark.slow  # starts a tgraph-bot process
def test_debug_shows_the_traceback_of_a_fatal_error(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_bytes(b"\xff\xfe")
    done = tgraph("--debug", "check", "--config", str(config))
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "not UTF-8" in done.stderr


@pytest.mark.slow  # starts a tgraph-bot process
def test_images_and_sidecars_are_readable_by_everyone(tmp_path: Path) -> None:
    out = tmp_path / "graphs"
    done = subprocess.run(
        [sys.executable, "-m", "tgraph_bot.cli", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
        timeout=120,
        preexec_fn=lambda: os.umask(0o077),  # the strictest umask a container may have
    )
    assert done.returncode == 0, done.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".png", ".json"}
    assert {p.stat().st_mode & 0o777 for p in files} == {0o644}


# -- Discord at start-up -------------------------------------------------------------------


def _config_for(tmp_path: Path, discord_url: str, channel: int = 42) -> Path:
    config = tmp_path / "config.yml"
    config.write_text(
        'DISCORD_TOKEN: "refused-token-value"\n'
        'TAUTULLI_API_KEY: "k"\n'
        f"CHANNEL_ID: {channel}\n"
        f'DISCORD_API_BASE_URL: "{discord_url}"\n',
        encoding="utf-8",
    )
    return config


async def _spawn(*args: str, env: dict[str, str] | None = None) -> Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tgraph_bot.cli",
        *args,
        env=_env(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _run(config: Path) -> Process:
    return await _spawn("--config", str(config), "run")


async def _terminate(process: Process) -> tuple[int, str]:
    """SIGTERM, as `docker stop` sends it; the exit status and everything it printed."""
    try:
        process.send_signal(signal.SIGTERM)
        return await _finish(process)
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()


async def _finish(process: Process) -> tuple[int, str]:
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, (out + err).decode()


def _last_line(log: str) -> str:
    assert "Traceback" not in log, log
    return log.strip().splitlines()[-1]


@pytest.mark.slow  # starts a tgraph-bot process
async def test_a_refused_token_is_one_line_and_status_4(tmp_path: Path) -> None:
    async with FakeDiscord(login="refuse") as fake:
        status, log = await _finish(await _run(_config_for(tmp_path, fake.url)))
    assert status == 4
    assert _last_line(log).startswith("Discord refused DISCORD_TOKEN")
    assert "refused-token-value" not in log
    # discord.py's warnings about voice libraries and the message-content intent are gone.
    assert "voice will NOT" not in log and "intent" not in log


def _free_port() -> int:
    with socket.socket() as s:  # a port nothing listens on (until the test starts something)
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow  # starts a tgraph-bot process
async def test_an_unreachable_discord_is_one_line_and_status_5(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    config = _config_for(tmp_path, url)
    process = await _spawn("--config", str(config), "run", env=NO_PATIENCE)
    status, log = await _finish(process)
    assert status == 5
    assert _last_line(log).startswith(f"Cannot reach Discord at {url}")


@contextlib.asynccontextmanager
async def _bot(config: Path, env: dict[str, str] | None = None) -> AsyncIterator[Process]:
    """``tgraph-bot run`` for the block; killed after it if it still runs."""
    process = await _spawn("--config", str(config), "run", env=env)
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()


async def _connects_then_stops(process: Process, fake: FakeDiscord, seen: list[str]) -> None:
    """The bot reaches ``fake``; SIGTERM then stops it with 0, and no traceback was logged."""
    await fake.wait_for(fake.connected.is_set, 60)
    status, log = await _terminate(process)
    assert status == 0
    assert "Traceback" not in "".join(seen) + log


async def _line_with(process: Process, text: str, seen: list[str]) -> str:
    """Read the child's stderr (kept in ``seen``) up to the first line containing ``text``."""
    assert process.stderr is not None
    while True:
        raw = await asyncio.wait_for(process.stderr.readline(), 60)
        assert raw, f"the process ended without printing {text!r}: {seen}"
        seen.append(raw.decode())
        if text in seen[-1]:
            return seen[-1].strip()


@pytest.mark.slow  # starts a tgraph-bot process
async def test_a_discord_that_comes_up_late_is_waited_for(tmp_path: Path) -> None:
    """A network that is not up yet at boot: the bot tries again after growing delays."""
    port = _free_port()
    seen: list[str] = []
    async with _bot(_config_for(tmp_path, f"http://127.0.0.1:{port}")) as process:
        line = await _line_with(process, "trying again in", seen)
        assert f"Cannot reach Discord at http://127.0.0.1:{port}" in line
        assert line.endswith("; trying again in 1 s")
        async with FakeDiscord(port=port) as fake:
            await _connects_then_stops(process, fake, seen)


async def test_login_patiently_backs_off_to_minutes_then_gives_up() -> None:
    clock = MonotonicClock(0.0)
    tries: list[float] = []
    forgotten: list[float] = []

    async def unreachable() -> None:
        tries.append(clock.now)
        raise DiscordUnreachable(url="http://127.0.0.1:9")

    async def forget() -> None:
        forgotten.append(clock.now)

    with pytest.raises(DiscordUnreachable):
        await login_patiently(
            unreachable, forget, 900, sleep=clock.sleep, monotonic=clock.monotonic
        )
    assert clock.sleeps[:10] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert max(clock.sleeps) == 300 and sum(clock.sleeps) == 900 == tries[-1]
    assert len(forgotten) == len(tries) - 1 == len(clock.sleeps)


async def test_login_patiently_stops_at_success_and_never_retries_a_refused_token() -> None:
    clock = MonotonicClock(0.0)
    outcomes: list[Exception | None] = [DiscordUnreachable(url="u"), DiscordUnreachable(url="u")]

    async def flaky() -> None:
        if outcome := (outcomes.pop(0) if outcomes else None):
            raise outcome

    async def forget() -> None:
        pass

    await login_patiently(flaky, forget, 900, sleep=clock.sleep, monotonic=clock.monotonic)
    assert clock.sleeps == [1, 2]

    async def refused() -> None:
        raise DiscordTokenRefused()

    with pytest.raises(DiscordTokenRefused):
        await login_patiently(refused, forget, 900, sleep=clock.sleep, monotonic=clock.monotonic)
    assert clock.sleeps == [1, 2]


def test_login_patience_comes_from_the_environment() -> None:
    assert login_patience({}) == 900
    assert login_patience({"TGRAPH_LOGIN_PATIENCE_SECONDS": "0"}) == 0
    assert login_patience({"TGRAPH_LOGIN_PATIENCE_SECONDS": "30"}) == 30
    for wrong in ("-1", "soon", "inf", "nan"):
        assert login_patience({"TGRAPH_LOGIN_PATIENCE_SECONDS": wrong}) == 900


@pytest.mark.slow  # starts a tgraph-bot process
async def test_sigterm_during_a_hanging_login_stops_cleanly(tmp_path: Path) -> None:
    async with FakeDiscord(login="hang") as fake:
        process = await _run(_config_for(tmp_path, fake.url))
        await fake.wait_for(lambda: ("GET", "/users/@me") in fake.requests, 60)
        status, log = await _terminate(process)
    assert status == 0, log
    assert "stopped during the Discord login" in log and "Traceback" not in log


# -- check --online ------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def fake_plex(token: str) -> AsyncIterator[str]:
    """Plex Media Server's answer to /library/sections: 401 without the right token."""

    async def sections(request: web.Request) -> web.Response:
        if request.headers.get("X-Plex-Token") != token:
            return web.Response(status=401, text="<html><h1>401 Unauthorized</h1></html>")
        return web.Response(
            text='<MediaContainer size="1"><Directory key="1" type="artist" title="Music"/>'
            "</MediaContainer>",
            content_type="application/xml",
        )

    app = web.Application()
    app.router.add_get("/library/sections", sections)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def _check_online(tmp_path: Path, env: dict[str, str]) -> tuple[int, str]:
    config = tmp_path / "config.yml"
    config.write_text("CHANNEL_ID: 42\n", encoding="utf-8")
    return await _finish(await _spawn("check", "--online", "--config", str(config), env=env))


@pytest.mark.slow  # starts a tgraph-bot process
async def test_check_online_says_which_credential_works(tmp_path: Path) -> None:
    async with (
        FakeTautulli(api_key="right-key") as tautulli,
        FakeDiscord(login="refuse") as discord,
        fake_plex("plex-token-value") as plex,
    ):
        env = {
            "TAUTULLI_URL": tautulli.url,
            "TAUTULLI_API_KEY": "right-key",
            "DISCORD_TOKEN": "revoked-token-value",
            "DISCORD_API_BASE_URL": discord.url,
            "PLEX_ENABLED": "true",
            "PLEX_URL": plex,
            "PLEX_TOKEN": "plex-token-value",
        }
        status, out = await _check_online(tmp_path, env)
        assert status == 1
        lines = out.strip().splitlines()[1:]
        assert lines[0] == f"TAUTULLI_API_KEY: works ({tautulli.url})"
        assert lines[1].startswith("DISCORD_TOKEN: does not work: Discord refused DISCORD_TOKEN")
        assert lines[2] == f"PLEX_TOKEN: works ({plex})"

        discord.login = "ok"
        env["TAUTULLI_API_KEY"] = "wrong-key"
        env["PLEX_TOKEN"] = "wrong-plex-token"
        status, out = await _check_online(tmp_path, env)
        assert status == 1
        lines = out.strip().splitlines()[1:]
        assert lines[0].startswith("TAUTULLI_API_KEY: does not work: Tautulli refused the API key")
        assert lines[1] == f"DISCORD_TOKEN: works ({discord.url})"
        assert lines[2] == "PLEX_TOKEN: does not work: Plex refused the token: check PLEX_TOKEN"
        for secret in ("right-key", "wrong-key", "revoked-token-value", "wrong-plex-token"):
            assert secret not in out


@pytest.mark.slow  # starts a tgraph-bot process
async def test_sigterm_during_a_post_stops_cleanly(tmp_path: Path) -> None:
    """The first post starts at once (none was made yet) and waits on a Tautulli that hangs."""
    async with FakeDiscord() as fake, FakeTautulli(api_key="k", mode="hang") as tautulli:
        config = _config_for(tmp_path, fake.url, channel=CHANNEL_ID)
        with config.open("a", encoding="utf-8") as fh:
            fh.write(f'TAUTULLI_URL: "{tautulli.url}"\nDATA_DIR: "{tmp_path / "data"}"\n')
        process = await _run(config)
        await fake.wait_for(lambda: fake.connected.is_set(), 60)
        for _ in range(600):
            if tautulli.requests:
                break
            await asyncio.sleep(0.05)
        status, log = await _terminate(process)
        assert tautulli.requests, "the post never asked Tautulli"
    assert status == 0, log
    assert "stopped" in log and "Traceback" not in log
