"""A Plex or MusicBrainz in trouble (slow, hanging, refusing, failing), against the local
fakes switched to misbehave: each is reported within one deadline, with its real cause,
and calls that need not wait for each other do not.

Deadlines and timeouts are a fraction of a second here (the real ones are 20 s and 10 s);
nothing asserts a duration: side by side is proved by counting the requests the server
holds at once, and "within the deadline" by the number of requests that were sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from tests.fakes.musicbrainz import FakeMusicBrainz
from tests.fakes.plex import FakePlex, jazz_library
from tests.plex_support import said
from tgraph_bot.adapters.musicbrainz import MusicBrainz, RateLimiter
from tgraph_bot.adapters.plex import PlexLibrary
from tgraph_bot.core.breaker import Deadline
from tgraph_bot.errors import (
    MetadataRefused,
    MetadataSlow,
    MetadataUnreachable,
    NotAnswering,
    PlexAuthError,
    PlexServerError,
    PlexSlow,
    PlexUnreachable,
)

AGENT = "UA/1 ( x@example.invalid )"


class Clock:
    """A monotonic clock the test moves (the breakers' and the deadlines')."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@asynccontextmanager
async def plex_library(**kw: float) -> AsyncIterator[tuple[FakePlex, PlexLibrary, Clock]]:
    """The fake Plex with the jazz library and a connected client (so what follows is the
    reads themselves, not the connection)."""
    clock = Clock()
    with FakePlex() as plex:
        jazz_library(plex)
        library = PlexLibrary(plex.url, plex.token, "Music", monotonic=clock, **kw)
        try:
            assert await library.check() == "Fake Plex"
            yield plex, library, clock
        finally:
            library.close()


# -- Plex ------------------------------------------------------------------------------------


async def test_a_hanging_plex_is_slow_not_unreachable_and_answers_at_the_deadline() -> None:
    async with plex_library(timeout=30.0, deadline=0.3) as (plex, library, _):
        plex.hang()
        with pytest.raises(PlexSlow) as caught:
            await library.artists()
        text = said(caught.value)
        assert "slow" in text and "0.3 seconds" in text and "PLEX_URL" not in text
        assert "langsom" in said(caught.value, "da")


async def test_a_plex_slower_than_the_request_timeout_is_slow() -> None:
    async with plex_library(timeout=0.2, deadline=30.0) as (plex, library, _):
        plex.slow(2.0)
        with pytest.raises(PlexSlow) as caught:
            await library.albums("Blue")
        assert "did not answer in 0.2 seconds" in said(caught.value)


async def test_nothing_listening_is_cannot_reach() -> None:
    with FakePlex() as plex:
        plex.stop()  # the port is closed: connection refused
        library = PlexLibrary(plex.url, plex.token, "Music")
        with pytest.raises(PlexUnreachable) as caught:
            await library.artists()
        library.close()
    assert "Cannot reach Plex" in said(caught.value) and "PLEX_URL" in said(caught.value)


async def test_two_calls_to_a_hanging_plex_wait_side_by_side_not_in_turn() -> None:
    async with plex_library(timeout=30.0, deadline=2.0) as (plex, library, _):
        plex.hang()
        both = asyncio.gather(library.artists(), library.albums("Blue"), return_exceptions=True)
        # Behind one lock, the second request would reach Plex only after the first gave up.
        assert await asyncio.to_thread(plex.wait_in_flight, 2)
        results = await both
        assert [type(r) for r in results] == [PlexSlow, PlexSlow]


async def test_after_a_failure_the_breaker_answers_at_once_then_plex_is_asked_again() -> None:
    async with plex_library(timeout=30.0, deadline=0.3, breaker_seconds=30.0) as parts:
        plex, library, clock = parts
        plex.hang()
        with pytest.raises(PlexSlow):
            await library.artists()
        asked = plex.arrived
        with pytest.raises(NotAnswering) as caught:
            await library.rated_tracks(4)
        assert plex.arrived == asked  # answered without asking
        text = said(caught.value)
        assert text.startswith("Plex is not answering, next try in 30 s")
        assert "slow" in text  # the cause, for whoever can act on it
        assert "næste forsøg om 30 s" in said(caught.value, "da")
        assert "langsom" in said(caught.value, "da")
        plex.behave()
        clock.now += 30.0
        assert [a.title for a in await library.artists()][:1] == ["Alice Coltrane"]


async def test_plex_500_opens_the_breaker_but_a_refused_token_does_not() -> None:
    async with plex_library() as (plex, library, _):
        plex.fail(401)
        with pytest.raises(PlexAuthError):
            await library.artists()
        plex.behave()
        assert await library.artists()  # asked again at once: a token is not an outage
        plex.fail(500)
        with pytest.raises(PlexServerError) as caught:
            await library.artists()
        assert "HTTP 500" in said(caught.value)
        plex.behave()
        with pytest.raises(NotAnswering):
            await library.artists()


async def test_a_command_out_of_time_does_not_ask_plex_nor_blame_it() -> None:
    async with plex_library(deadline=30.0) as (plex, library, clock):
        deadline = Deadline.after(1.0, clock)
        clock.now += 1.0  # the command's earlier steps took all of it
        asked = plex.arrived
        with pytest.raises(PlexSlow):
            await library.artists(deadline=deadline)
        assert plex.arrived == asked
        assert await library.artists()  # no breaker: Plex did nothing wrong


# -- MusicBrainz -----------------------------------------------------------------------------


def brainz(
    fake: FakeMusicBrainz, clock: Clock, *, timeout: float = 0.3, deadline: float = 5.0
) -> MusicBrainz:
    """The client on the test's clock: its deadline and breaker move when the test moves
    the clock, and its waits between attempts move the clock instead of waiting."""
    return MusicBrainz(
        fake.url,
        AGENT,
        limiter=RateLimiter(0.0, monotonic=clock, sleep=clock.sleep),
        cache=None,
        clock=lambda: datetime(2026, 12, 1, tzinfo=UTC),
        sleep=clock.sleep,
        monotonic=clock,
        timeout=timeout,
        deadline=deadline,
        breaker_seconds=60.0,
    )


async def test_a_hanging_musicbrainz_is_slow_and_its_retries_stop_at_the_deadline() -> None:
    clock = Clock()
    with FakeMusicBrainz() as fake:
        fake.hang()
        async with brainz(fake, clock) as client:
            with pytest.raises(MetadataSlow) as caught:
                await client.album_credits("John Coltrane", "A Love Supreme")
        # 0.3 s, a 2 s pause, 0.3 s: a third attempt after a 4 s pause would end after the
        # 5 s deadline, so it is not made (three attempts of a whole timeout each, before).
        assert fake.arrived == 2
        assert clock.now == 1002.0
        text = said(caught.value)
        assert text.startswith("MusicBrainz did not answer in 0.6 seconds: it is up but slow")
        assert "langsom" in said(caught.value, "da")


async def test_a_command_deadline_cuts_the_lookups_short() -> None:
    clock = Clock()
    with FakeMusicBrainz() as fake:
        fake.hang()
        async with brainz(fake, clock) as client:
            deadline = Deadline.after(1.0, clock)
            with pytest.raises(MetadataSlow):
                await client.album_credits("John Coltrane", "A Love Supreme", deadline=deadline)
        assert fake.arrived == 1  # no time left for a pause and another attempt


async def test_nothing_listening_at_musicbrainz_is_cannot_reach() -> None:
    clock = Clock()
    with FakeMusicBrainz() as fake:
        fake.stop()
        async with brainz(fake, clock, deadline=20.0) as client:
            with pytest.raises(MetadataUnreachable) as caught:
                await client.album_credits("John Coltrane", "A Love Supreme")
        assert said(caught.value).startswith("Cannot reach MusicBrainz at http://127.0.0.1:")


async def test_musicbrainz_401_is_said_once_and_is_no_outage() -> None:
    clock = Clock()
    with FakeMusicBrainz() as fake:
        async with brainz(fake, clock) as client:
            fake.fail(401)
            with pytest.raises(MetadataRefused) as caught:
                await client.album_credits("John Coltrane", "A Love Supreme")
            assert fake.arrived == 1  # asking again gets the same answer
            assert "HTTP 401" in said(caught.value)
            fake.behave()
            assert await client.album_credits("John Coltrane", "A Love Supreme")


async def test_musicbrainz_500_opens_the_breaker_until_it_is_time_to_ask_again() -> None:
    clock = Clock()
    with FakeMusicBrainz() as fake:
        async with brainz(fake, clock) as client:
            fake.fail(500)
            with pytest.raises(MetadataRefused):
                await client.album_credits("John Coltrane", "A Love Supreme")
            fake.behave()
            asked = fake.arrived
            with pytest.raises(NotAnswering) as caught:
                await client.album_credits("Miles Davis", "Kind of Blue")
            assert fake.arrived == asked
            assert said(caught.value).startswith("MusicBrainz is not answering, next try in 60 s")
            clock.now += 60.0
            assert await client.album_credits("John Coltrane", "A Love Supreme")


async def test_a_lookup_out_of_time_does_not_open_the_breaker() -> None:
    clock = Clock()
    with FakeMusicBrainz() as fake:
        async with brainz(fake, clock) as client:
            deadline = Deadline.after(1.0, clock)
            clock.now += 1.0
            with pytest.raises(MetadataSlow):
                await client.album_credits("John Coltrane", "A Love Supreme", deadline=deadline)
            assert fake.arrived == 0
            assert await client.album_credits("John Coltrane", "A Love Supreme")
