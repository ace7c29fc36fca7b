"""adapters/plex.py and adapters/musicbrainz.py against the local fakes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.musicbrainz import FakeMusicBrainz
from tests.fakes.plex import FakePlex, jazz_library
from tgraph_bot.adapters.musicbrainz import (
    Discogs,
    MusicBrainz,
    RateLimiter,
    discogs_credits,
    relation_credits,
)
from tgraph_bot.adapters.plex import PlexLibrary
from tgraph_bot.core.plex import Credit
from tgraph_bot.errors import MetadataUnavailable
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.musicbrainz import SqliteMetadataCache

NOW = datetime(2026, 12, 1, tzinfo=UTC)


async def no_sleep(_: float) -> None:
    return None


# -- Plex ------------------------------------------------------------------------------------


async def test_listings_page_with_plex_container_headers() -> None:
    with FakePlex() as plex:
        jazz_library(plex)
        library = PlexLibrary(plex.url, plex.token, "Music", page_size=2)
        rated = await library.rated_tracks(4)
        assert sorted(t.title for t in rated) == sorted(
            t.title for t in plex.tracks.values() if (t.user_rating or 0) > 7
        )
        pages = [r for r in plex.requests if r.path == "/library/sections/1/all"]
        assert len(pages) == 3  # 5 tracks, 2 a page


async def test_the_token_never_reaches_an_error_message() -> None:
    with FakePlex(token="s3cret-token-value") as plex:
        plex.sections.clear()
        library = PlexLibrary(plex.url, "s3cret-token-value", "Music")
        with pytest.raises(Exception) as caught:
            await library.artists()
        assert "s3cret" not in str(caught.value)
        assert "-" in str(caught.value)  # "it has: -": no music library at all


# -- MusicBrainz -----------------------------------------------------------------------------


def test_relations_keep_instruments_and_vocals_not_qualifiers_or_engineers() -> None:
    artist = {"name": "Archie Shepp"}
    relations = [
        {"type": "instrument", "target-type": "artist", "attributes": ["guest", "tenor saxophone"],
         "target-credit": "A. Shepp", "artist": artist},
        {"type": "vocal", "target-type": "artist", "attributes": [], "artist": artist},
        {"type": "engineer", "target-type": "artist", "attributes": [], "artist": artist},
        {"type": "instrument", "target-type": "artist", "attributes": ["guest"], "artist": artist},
        {"type": "instrument", "target-type": "label", "attributes": ["piano"]},
    ]  # fmt: skip
    assert relation_credits(relations) == [
        Credit("A. Shepp", "tenor saxophone"),
        Credit("Archie Shepp", "vocals"),
    ]


def test_discogs_roles() -> None:
    people = [
        {"name": "McCoy Tyner (2)", "anv": "", "role": "Piano [Acoustic], Liner Notes"},
        {"name": "Rudy Van Gelder", "anv": "", "role": "Recorded By, Mastered By"},
        {"name": "John Coltrane", "anv": "Trane", "role": "Tenor Saxophone [Guest]"},
    ]
    assert discogs_credits(people) == [
        Credit("McCoy Tyner", "Piano"),
        Credit("Trane", "Tenor Saxophone"),
    ]


async def test_rate_limiter_spaces_requests_and_honours_retry_after() -> None:
    now = [100.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds

    limiter = RateLimiter(1.1, monotonic=lambda: now[0], sleep=sleep)
    await limiter.wait()
    await limiter.wait()
    now[0] += 0.5
    limiter.hold(3.0)  # a 503 said Retry-After: 3
    await limiter.wait()
    assert waits == [1.1, 3.0]


async def test_musicbrainz_retries_503_then_gives_up_with_a_clear_error(tmp_path: Path) -> None:
    with FakeMusicBrainz() as fake:
        fake.fail_next(2, retry_after="7")
        held: list[float] = []
        limiter = RateLimiter(0.0, sleep=no_sleep)
        original = limiter.hold
        limiter.hold = lambda s: (held.append(s), original(0.0))[1]  # type: ignore[method-assign]
        async with Database(tmp_path / "t.db") as db:
            brainz = MusicBrainz(fake.url, "UA/1 ( x@example.invalid )", limiter=limiter,
                                 cache=SqliteMetadataCache(db), clock=lambda: NOW)  # fmt: skip
            credits = await brainz.album_credits("John Coltrane", "A Love Supreme")
            assert credits and Credit("McCoy Tyner", "piano") in credits
            assert held == [7.0, 7.0]
            assert all(s.user_agent == "UA/1 ( x@example.invalid )" for s in fake.seen)
            fake.fail_next(5)
            with pytest.raises(MetadataUnavailable):
                await brainz.album_credits("Miles Davis", "Kind of Blue")
            # The cached album is still answered without asking.
            asked = len(fake.seen)
            assert await brainz.album_credits("John Coltrane", "A Love Supreme") == credits
            assert len(fake.seen) == asked
            await brainz.aclose()


async def test_discogs_sends_its_token_and_reads_extraartists() -> None:
    with FakeMusicBrainz() as fake:
        fake.add_discogs(
            249504,
            "Kind of Blue",
            "Miles Davis",
            [{"name": "Bill Evans", "anv": "", "role": "Piano"}],
        )
        discogs = Discogs(fake.url, "UA/1", "dg-token", limiter=RateLimiter(0.0), cache=None,
                          clock=lambda: NOW)  # fmt: skip
        assert await discogs.album_credits("Miles Davis", "Kind of Blue") == [
            Credit("Bill Evans", "Piano")
        ]
        assert await discogs.album_credits("Miles Davis", "Nope") is None
        assert all(s.authorization == "set" for s in fake.seen)
        await discogs.aclose()
