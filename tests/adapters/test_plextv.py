"""The plex.tv PIN client against a local fake of plex.tv on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from tests.fakes.plextv import FakeAccount, FakePlexTv
from tests.my_stats_support import Clock
from tgraph_bot.adapters.plextv import PinStatus, PlexTvClient, auth_url
from tgraph_bot.errors import PlexTvError

CLIENT_ID = "0f1e2d3c-tgraph-test"
HARPER = FakeAccount(
    695734, "edaf02b4ee08d63e", "HarperKPlex", "harper.kim11@mail.example.com", "Harper K."
)


@pytest.fixture
async def fake() -> AsyncIterator[FakePlexTv]:
    server = FakePlexTv(clock=Clock())
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def client(fake: FakePlexTv) -> AsyncIterator[PlexTvClient]:
    async with PlexTvClient(fake.url, CLIENT_ID) as plextv:
        yield plextv


def test_the_auth_url_is_plexs_app_auth_page() -> None:
    assert auth_url("abc-123", "xyz789") == (
        "https://app.plex.tv/auth#?clientID=abc-123&code=xyz789"
        "&context[device][product]=TGraph%20Bot"
    )


async def test_a_strong_pin_is_created_with_the_plex_headers(
    fake: FakePlexTv, client: PlexTvClient
) -> None:
    pin = await client.create_pin()
    request = fake.seen[-1]
    assert (request.method, request.path, request.query) == (
        "POST",
        "/api/v2/pins",
        {"strong": "true"},
    )
    assert request.headers["X-Plex-Client-Identifier"] == CLIENT_ID
    assert request.headers["X-Plex-Product"] == "TGraph Bot"
    assert request.headers["Accept"] == "application/json"
    stored = fake.pins[pin.id]
    assert (pin.code, len(pin.code), stored.strong) == (stored.code, 25, True)
    assert pin.expires_at == stored.expires_at.replace(microsecond=0)
    assert pin.auth_url == auth_url(CLIENT_ID, stored.code)


async def test_a_pin_waits_then_yields_the_account_that_approved_it(
    fake: FakePlexTv, client: PlexTvClient
) -> None:
    pin = await client.create_pin()
    assert (await client.check_pin(pin.id)).status is PinStatus.WAITING
    token = fake.approve(pin.id, HARPER)
    check = await client.check_pin(pin.id)
    assert check.status is PinStatus.APPROVED
    assert check.account is not None
    assert (check.account.id, check.account.username, check.account.email) == (
        695734,
        "HarperKPlex",
        "harper.kim11@mail.example.com",
    )
    user_call = fake.seen[-1]
    assert (user_call.path, user_call.headers["X-Plex-Token"]) == ("/api/v2/user", token)
    # The token is not kept anywhere on the client.
    assert token not in repr(vars(client)) and token not in repr(check)


async def test_an_expired_or_foreign_pin_reads_as_expired(
    fake: FakePlexTv, client: PlexTvClient
) -> None:
    pin = await client.create_pin()
    async with PlexTvClient(fake.url, "another-client") as other:
        assert (await other.check_pin(pin.id)).status is PinStatus.EXPIRED
    assert fake.clock is not None
    fake.expire(pin.id)
    assert (await client.check_pin(pin.id)).status is PinStatus.EXPIRED
    assert (await client.check_pin(999)).status is PinStatus.EXPIRED


async def test_a_pin_runs_out_by_the_clock(fake: FakePlexTv, client: PlexTvClient) -> None:
    pin = await client.create_pin()
    clock = fake.clock
    assert isinstance(clock, Clock)
    clock.advance(timedelta(minutes=29).total_seconds())
    assert (await client.check_pin(pin.id)).status is PinStatus.WAITING
    clock.advance(timedelta(minutes=2).total_seconds())
    assert (await client.check_pin(pin.id)).status is PinStatus.EXPIRED


async def test_a_refused_token_and_an_unreachable_plex_tv_are_plex_tv_errors(
    fake: FakePlexTv, client: PlexTvClient
) -> None:
    pin = await client.create_pin()
    token = fake.approve(pin.id, HARPER)
    del fake.tokens[token]  # plex.tv no longer accepts it: 401
    with pytest.raises(PlexTvError) as refused:
        await client.check_pin(pin.id)
    assert token not in str(refused.value)
    await fake.close()
    with pytest.raises(PlexTvError):
        await client.create_pin()
