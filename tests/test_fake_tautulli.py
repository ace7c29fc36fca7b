"""The fake Tautulli itself: Tautulli's quirks it must reproduce, and its separate-process mode
(used by end-to-end tests and benchmarks)."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.tautulli import DEFAULT_API_KEY, FakeTautulli
from tgraph_bot.adapters.tautulli import TautulliClient
from tgraph_bot.errors import TautulliAuthError, TautulliUnreachable

pytestmark = pytest.mark.slow  # starts processes or renders for real

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def fake() -> AsyncIterator[FakeTautulli]:
    async with FakeTautulli() as server:
        yield server


async def get(fake: FakeTautulli, **params: str) -> tuple[int, dict[str, object], str]:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{fake.url}/api/v2", params=params)
    body = response.json()
    return response.status_code, body["response"], response.headers.get("X-Fake-Recording", "")


async def test_quirks_of_a_real_tautulli(fake: FakeTautulli) -> None:
    key = DEFAULT_API_KEY
    status, answer, _ = await get(fake, apikey="wrong", cmd="get_users")
    assert (status, answer["result"], answer["message"]) == (400, "error", "Invalid apikey")
    status, answer, _ = await get(fake, apikey=key, cmd="get_nothing")
    assert status == 400 and str(answer["message"]).startswith("Unknown command: get_nothing.")
    # An unknown user_id answers with "Local".
    status, answer, source = await get(fake, apikey=key, cmd="get_user", user_id="12345")
    assert status == 200 and source == "get_user__unknown.json"
    # A user_id that is not digits is ignored: the answer is server-wide.
    *_, source = await get(
        fake, apikey=key, cmd="get_plays_by_date", time_range="30", y_axis="plays", user_id="x"
    )
    assert source == "get_plays_by_date__time_range-30.json"
    # Any y_axis but "plays" is duration; a bad time_range is 30.
    *_, source = await get(fake, apikey=key, cmd="get_plays_by_date", time_range="0", y_axis="x")
    assert source == "get_plays_by_date__time_range-30__y_axis-duration.json"
    # Unrecorded: the closest recording (no y_axis means plays, as in Tautulli).
    *_, source = await get(fake, apikey=key, cmd="get_plays_by_date", time_range="300")
    assert source == "get_plays_by_date__time_range-365.json"
    *_, source = await get(
        fake, apikey=key, cmd="get_plays_by_hourofday", time_range="7", user_id="777"
    )
    assert source == "get_plays_by_hourofday__time_range-30__user.json"
    *_, source = await get(fake, apikey=key, cmd="get_activity")
    assert source == "get_activity__3_sessions.json"
    assert [r.apikey for r in fake.requests] == ["wrong"] + ["ok"] * 7


async def start_process(*args: str) -> tuple[asyncio.subprocess.Process, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.tautulli",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    url = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip()
    control = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().split()[-1]
    return proc, url, control


async def test_separate_process_with_switchable_modes() -> None:
    proc, url, control = await start_process("--port", "0", "--api-key", "pk", "--mode", "ok")
    try:
        assert url.startswith("http://127.0.0.1:")
        async with (
            # No breaker: this test switches modes on one client (the breaker has its own tests)
            TautulliClient(url, "pk", timeout=2.0, retry_budget=0.0, breaker_seconds=0) as client,
            httpx.AsyncClient(base_url=control) as ctl,
        ):
            assert await client.server_name() == "Synthetic Plex"
            assert (await ctl.put("/mode", content="down")).text == "down"
            with pytest.raises(TautulliUnreachable):
                await client.users()
            assert (await ctl.get("/mode")).text == "down"
            assert (await ctl.put("/mode", content="refused")).text == "refused"
            with pytest.raises(TautulliAuthError):  # the right key, refused as after a reset
                await client.users()
            assert (await ctl.put("/mode", content="ok")).text == "ok"
            assert len(await client.users()) == 26
            assert (await ctl.put("/mode", content="sideways")).status_code == 400
            seen = json.loads((await ctl.get("/requests")).text)
            assert [(r["params"]["cmd"], r["apikey"]) for r in seen] == [
                ("get_server_info", "ok"),
                ("get_users", "ok"),
                ("get_users", "ok"),
            ]
            assert all("pk" not in json.dumps(r) for r in seen)
            await ctl.delete("/requests")
            assert json.loads((await ctl.get("/requests")).text) == []
    finally:
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 30) == 0


async def test_separate_process_can_start_down() -> None:
    proc, url, control = await start_process("--mode", "down", "--base-path", "/tautulli")
    try:
        assert url.endswith("/tautulli")
        async with TautulliClient(
            url, DEFAULT_API_KEY, retry_budget=0.0, breaker_seconds=0
        ) as client:
            with pytest.raises(TautulliUnreachable):
                await client.server_name()
            async with httpx.AsyncClient(base_url=control) as ctl:
                await ctl.put("/mode", content="ok")
            assert await client.server_name() == "Synthetic Plex"
    finally:
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 30) == 0
