"""Start-up that explains itself: real `tgraph-bot` processes, one line and a distinct status.

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
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

from tests.fakes.discord import CHANNEL_ID, FakeDiscord
from tests.fakes.tautulli import FakeTautulli
from tgraph_bot.startup import sample_config

from .conftest import ROOT, SAMPLE

NOBODY = (99, 100)
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2  # linux/prctl.h, capability.h
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
READY = {"DISCORD_TOKEN": "t0k3n-value", "TAUTULLI_API_KEY": "k3y", "CHANNEL_ID": "42"}


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


def tgraph(
    *args: str,
    env: dict[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    child_env = _env(env)
    if preexec is not None:
        # A child that may not write here cannot save coverage data either (coverage would
        # print its traceback on exit): it runs unmeasured.
        child_env = {k: v for k, v in child_env.items() if not k.startswith("COVERAGE_")}
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


def test_a_folder_the_bot_may_not_write_names_the_uid_and_the_chown(foreign: Foreign) -> None:
    foreign.lock()
    done = tgraph("run", "--config", str(foreign.folder / "config.yml"), preexec=foreign.preexec)
    assert done.returncode == 6
    line = one_line(done.stderr)
    assert f"uid {foreign.uid}" in line and f"chown -R {foreign.uid}:{foreign.gid}" in line
    assert str(foreign.folder) in line
    assert list(foreign.folder.iterdir()) == []


def test_run_in_a_foreign_folder_with_a_config_also_says_chown(foreign: Foreign) -> None:
    config = foreign.folder / "config.yml"
    shutil.copyfile(SAMPLE, config)
    config.chmod(0o644)
    foreign.lock()
    done = tgraph("run", "--config", str(config), env=READY, preexec=foreign.preexec)
    assert done.returncode == 6
    assert "chown -R" in one_line(done.stderr)


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


def test_an_unreadable_config_says_chown(foreign: Foreign) -> None:
    config = foreign.folder / "config.yml"
    shutil.copyfile(SAMPLE, config)
    foreign.private(config)
    done = tgraph("check", "--config", str(config), preexec=foreign.preexec)
    assert done.returncode == 6
    line = one_line(done.stderr)
    assert str(config) in line and "chown -R" in line


def test_a_config_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_bytes(b'# settings\nUPDATE_DAYS: 7\nTV_COLOR: "gr\xf8n"\n')
    done = tgraph("check", "--config", str(config))
    assert done.returncode == 1
    line = one_line(done.stderr)
    assert "not UTF-8" in line and "line 3" in line


def test_debug_shows_the_traceback_of_a_fatal_error(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_bytes(b"\xff\xfe")
    done = tgraph("--debug", "check", "--config", str(config))
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "not UTF-8" in done.stderr


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


async def _spawn(*args: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tgraph_bot.cli",
        *args,
        env=_env(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _run(config: Path) -> asyncio.subprocess.Process:
    return await _spawn("--config", str(config), "run")


async def _terminate(process: asyncio.subprocess.Process) -> tuple[int, str]:
    """SIGTERM, as `docker stop` sends it; the exit status and everything it printed."""
    try:
        process.send_signal(signal.SIGTERM)
        return await _finish(process)
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()


async def _finish(process: asyncio.subprocess.Process) -> tuple[int, str]:
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, (out + err).decode()


def _last_line(log: str) -> str:
    assert "Traceback" not in log, log
    return log.strip().splitlines()[-1]


async def test_a_refused_token_is_one_line_and_status_4(tmp_path: Path) -> None:
    async with FakeDiscord(login="refuse") as fake:
        status, log = await _finish(await _run(_config_for(tmp_path, fake.url)))
    assert status == 4
    assert _last_line(log).startswith("Discord refused DISCORD_TOKEN")
    assert "refused-token-value" not in log
    # discord.py's warnings about voice libraries and the message-content intent are gone.
    assert "voice will NOT" not in log and "intent" not in log


async def test_an_unreachable_discord_is_one_line_and_status_5(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    status, log = await _finish(await _run(_config_for(tmp_path, url)))
    assert status == 5
    assert _last_line(log).startswith(f"Cannot reach Discord at {url}")


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
