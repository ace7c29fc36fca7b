"""services/plex.py through the real adapters: fake Plex (real plexapi), fake MusicBrainz,
fake Tautulli, SQLite on disk. Each test checks the state AND the request log."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from tests.fakes.time import Clock, ManualSleep, running
from tests.plex_support import HARPER, NOW, Rig, plex_rig
from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.core.plex import BLOCK_START, PlexAlbum
from tgraph_bot.errors import (
    MetadataUnavailable,
    NotLinkedError,
    PlexAlbumNotFound,
    PlexArtistNotFound,
    PlexAuthError,
    PlexLibraryMissing,
    PlexUnreachable,
)
from tgraph_bot.i18n import Translator
from tgraph_bot.services.plex import AlbumChoice, Enriched, NoCredits, PlexService
from tgraph_bot.storage import links
from tgraph_bot.storage.links import SqliteLinkStore
from tgraph_bot.storage.locks import POLL_SECONDS, FileRunLock
from tgraph_bot.storage.plex import SqlitePlexStore


def translated(exc: Exception, language: str) -> str:
    from tgraph_bot.errors import UserFacingError

    assert isinstance(exc, UserFacingError)
    return exc.render(Translator(language))


def rated_keys(rig: Rig, floor: float = 8) -> set[int]:
    return {k for k, t in rig.plex.tracks.items() if (t.user_rating or 0) >= floor}


# -- sync_playlists --------------------------------------------------------------------------


async def test_first_sync_creates_the_playlist_with_the_first_chunk(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        result = await rig.service.sync_playlists()
        playlist = rig.plex.playlist_named("My Top Rated")
        assert playlist is not None
        assert {k for _, k in playlist.entries} == rated_keys(rig)
        assert (result.added, result.removed, result.total, result.created) == (5, 0, 5, True)
        writes = rig.plex.writes
        assert [w.method for w in writes] == ["POST"]
        assert writes[0].path == "/playlists"
        assert writes[0].query["title"] == "My Top Rated"
        assert await rig.service.store.last_sync() == NOW


async def test_second_sync_writes_nothing(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        await rig.service.sync_playlists()
        rig.plex.clear_log()
        result = await rig.service.sync_playlists()
        assert (result.added, result.removed, result.total) == (0, 0, 5)
        assert rig.plex.writes == []
        assert rig.plex.requests  # it did look


async def test_sync_reconciles_in_place(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        tracks = rig.library["tracks"]
        # An existing playlist with a poster users care about: a track rated 6 (no longer
        # qualifies), one qualifying track twice, one missing.
        existing = rig.plex.add_playlist(
            "My Top Rated", [tracks[2].rating_key, tracks[0].rating_key, tracks[0].rating_key]
        )
        result = await rig.service.sync_playlists()
        after = rig.plex.playlist_named("My Top Rated")
        assert after is existing  # same playlist, never deleted and recreated
        keys = [k for _, k in after.entries]
        assert sorted(keys) == sorted(rated_keys(rig))
        assert (result.added, result.removed) == (4, 2)
        methods = [w.method for w in rig.plex.writes]
        assert "POST" not in methods
        assert methods.count("DELETE") == 2
        assert methods.count("PUT") == 1


async def test_adds_are_chunked_by_100(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        artist = rig.plex.add_artist("Big Band")
        album = rig.plex.add_album(artist, "Everything")
        for n in range(245):
            rig.plex.add_track(album, f"Take {n}", 10)
        await rig.service.sync_playlists()
        writes = rig.plex.writes
        sizes = [len(w.query["uri"].rsplit("/", 1)[1].split(",")) for w in writes]
        assert [w.method for w in writes] == ["POST", "PUT", "PUT"]
        assert sizes == [100, 100, 50]
        playlist = rig.plex.playlist_named("My Top Rated")
        assert playlist is not None and len(playlist.entries) == 250


async def test_min_stars_is_respected(tmp_path: Path) -> None:
    async with plex_rig(tmp_path, TOP_RATED_MIN_STARS=4.5) as rig:
        result = await rig.service.sync_playlists()
        assert result.total == len(rated_keys(rig, 9))
        assert rig.plex.requests[2].query["userRating>>"] == "8"  # Plex's >>= is "greater"


async def test_manual_and_scheduled_syncs_never_overlap(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        rig.plex.slow(0.02)
        first, second = await asyncio.gather(
            rig.service.sync_playlists(), rig.service.sync_playlists()
        )
        assert first.created and not second.created
        assert (second.added, second.removed) == (0, 0)
        assert len([w for w in rig.plex.writes if w.method == "POST"]) == 1


async def test_next_sync_follows_the_stored_time(tmp_path: Path) -> None:
    async with plex_rig(tmp_path, PLAYLIST_SYNC_HOURS=6) as rig:
        assert await rig.service.next_sync() == NOW  # never synced: due now
        await rig.service.store.record_sync(NOW - timedelta(hours=1))
        assert await rig.service.next_sync() == NOW + timedelta(hours=5)
    async with plex_rig(tmp_path, PLAYLIST_SYNC_HOURS=0) as rig:
        assert await rig.service.next_sync() is None


HOUR = timedelta(hours=1)


async def test_the_playlist_job_syncs_when_due_and_retries_with_growing_waits(
    tmp_path: Path,
) -> None:
    async with plex_rig(tmp_path, PLAYLIST_SYNC_HOURS=6) as rig:
        job = rig.service.playlist_job
        rig.plex.stop()  # Plex is down: each attempt fails, and nothing is recorded
        assert [await job.step() for _ in range(4)] == [30, 60, 120, 240]
        assert job.failures == 4
        assert await rig.service.store.last_sync() is None
        assert await rig.service.next_sync() == NOW  # still due


async def test_a_sync_is_scheduled_every_period_after_the_last(tmp_path: Path) -> None:
    clock = Clock(NOW)
    async with plex_rig(tmp_path, clock=clock, PLAYLIST_SYNC_HOURS=6) as rig:
        job = rig.service.playlist_job
        assert await job.step() == 0  # never synced: due now; synced
        assert [w.method for w in rig.plex.writes] == ["POST"]
        assert await job.step() == 3600  # six hours to go; looks again within the hour
        clock.now = NOW + 5.5 * HOUR
        assert await job.step() == 1800
        clock.now = NOW + 6 * HOUR
        assert await job.step() == 0
        assert await rig.service.store.last_sync() == NOW + 6 * HOUR


async def test_a_manual_sync_postpones_the_next_scheduled_one(tmp_path: Path) -> None:
    clock = Clock(NOW)
    async with plex_rig(tmp_path, clock=clock, PLAYLIST_SYNC_HOURS=6) as rig:
        job = rig.service.playlist_job
        assert await job.step() == 0  # the scheduled sync at NOW
        clock.now = NOW + 5 * HOUR
        await rig.service.sync_playlists()  # /plex sync_playlists, an hour before the next
        assert await rig.service.store.last_sync() == NOW + 5 * HOUR  # recorded once, there
        clock.now = NOW + 6 * HOUR  # when the schedule would have synced
        rig.plex.clear_log()
        assert await job.step() == 3600  # not due: five hours to go
        assert rig.plex.requests == []
        assert await rig.service.next_sync() == NOW + 11 * HOUR


async def test_a_scheduled_sync_that_waited_for_a_manual_one_does_not_sync_again(
    tmp_path: Path,
) -> None:
    async with plex_rig(tmp_path, PLAYLIST_SYNC_HOURS=6) as rig:
        manual = asyncio.create_task(rig.service.sync_playlists())
        await asyncio.sleep(0)  # the manual sync holds the job's lock, talking to Plex
        assert await rig.service.playlist_job.step() == 3600  # waited, then not due
        assert (await manual).created
        assert len([w for w in rig.plex.writes if w.method == "POST"]) == 1
        syncs = [r for r in rig.plex.requests if "userRating>>" in r.query]
        assert len(syncs) == 1


async def test_a_switched_off_sync_waits_quietly_and_wakes_when_switched_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "tgraph_bot.services.jobs")
    sleep = ManualSleep()
    async with plex_rig(tmp_path, sleep=sleep, PLAYLIST_SYNC_HOURS=0) as rig:
        job = rig.service.playlist_job
        assert await rig.service.next_sync() is None
        async with running(job):
            for _ in range(3):  # off: it asks again every hour, and only logs once
                assert await sleep.next_wait() == 3600
                sleep.elapse()
            assert await sleep.next_wait() == 3600
            assert rig.plex.requests == []
            logged = [r.getMessage() for r in caplog.records if r.name.endswith(".jobs")]
            assert logged == ["playlist sync: off"]
            rig.configure(PLAYLIST_SYNC_HOURS=6)
            job.reschedule()  # what a settings change does: no hour's wait
            assert await sleep.next_wait() == 3600  # synced at once, then six hours to go
        assert [w.method for w in rig.plex.writes] == ["POST"]
        assert await rig.service.store.last_sync() == NOW


async def test_a_manual_sync_works_while_the_schedule_is_off(tmp_path: Path) -> None:
    async with plex_rig(tmp_path, PLAYLIST_SYNC_HOURS=0) as rig:
        result = await rig.service.sync_playlists()
        assert result.created
        assert await rig.service.store.last_sync() == NOW
        assert await rig.service.playlist_job.step() == 3600  # still off


# -- faults: a clear translated message and nothing changed in Plex --------------------------


async def test_wrong_token(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        rig.plex.token = "another"
        with pytest.raises(PlexAuthError) as caught:
            await rig.service.sync_playlists()
        assert "PLEX_TOKEN" in translated(caught.value, "da")
        assert rig.plex.writes == []


async def test_no_such_library_names_the_ones_there(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        rig.plex.sections[0] = (1, "Musik", "artist")
        with pytest.raises(PlexLibraryMissing) as caught:
            await rig.service.sync_playlists()
        assert "Musik" in translated(caught.value, "en")
        assert "Movies" not in translated(caught.value, "en")  # only music libraries
        assert rig.plex.writes == []


async def test_plex_down(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        rig.plex.stop()
        with pytest.raises(PlexUnreachable) as caught:
            await rig.service.sync_playlists()
        assert "PLEX_URL" in translated(caught.value, "da")
        assert await rig.service.store.last_sync() is None


# -- completion ------------------------------------------------------------------------------


async def link(rig: Rig, member: int, user_id: int) -> None:
    link = links.Link(MemberId(member), TautulliUserId(user_id), "HarperKPlex", NOW, "plex")
    await rig.db.run(lambda conn: links.put_link(conn, link))


async def test_completion_counts_distinct_tracks_of_the_linked_user(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        tracks = rig.library["tracks"]
        rig.plays(HARPER, [tracks[0].rating_key, tracks[1].rating_key], times=3)
        rig.plays(HARPER, [tracks[6].rating_key])  # Miles Davis: not counted
        rig.plays(12345, [tracks[2].rating_key])  # somebody else
        await link(rig, 42, HARPER)
        report = await rig.service.completion("john coltrane", member=MemberId(42))
        assert report.artist == "John Coltrane"
        assert (report.result.played, report.result.total) == (2, 5)
        history = rig.tautulli.api_requests("get_history")
        assert {r.params["user_id"] for r in history} == {str(HARPER)}


async def test_completion_without_a_link_tells_how_and_shows_nothing(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        with pytest.raises(NotLinkedError) as caught:
            await rig.service.completion("John Coltrane", member=MemberId(7))
        assert "/my_stats" in translated(caught.value, "da")
        assert rig.tautulli.api_requests("get_history") == []


async def test_unknown_artist_gets_the_closest_names(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        await link(rig, 42, HARPER)
        with pytest.raises(PlexArtistNotFound) as caught:
            await rig.service.completion("Coltrain", member=MemberId(42))
        text = translated(caught.value, "en")
        assert "John Coltrane" in text and "Alice Coltrane" in text


async def test_completion_for_a_named_plex_user(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        rig.plays(HARPER, [rig.library["tracks"][4].rating_key])
        report = await rig.service.completion("John Coltrane", plex_user="HarperKPlex")
        assert report.result.played == 1


# -- enrich ----------------------------------------------------------------------------------


async def test_enrich_writes_merged_credits_with_the_lock_once(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        outcome = await rig.service.enrich("A Love Supreme")
        assert isinstance(outcome, Enriched) and outcome.written
        assert outcome.credits == (
            "John Coltrane: Tenor Saxophone, Vocals, Soprano Saxophone | McCoy Tyner: Piano"
            " | Jimmy Garrison: Double Bass | Elvin Jones: Drums (drum set)"
            " | A. Shepp: Tenor Saxophone"
        )
        album = rig.plex.albums[rig.library["supreme"].rating_key]
        assert album.summary.startswith("A landmark album.")
        assert album.summary.count(BLOCK_START) == 1
        assert album.summary_locked
        (edit,) = rig.plex.writes
        assert edit.method == "PUT" and edit.query["summary.locked"] == "1"
        assert all(s.user_agent == rig.settings.MUSICBRAINZ_USER_AGENT for s in rig.mb.seen)

        rig.plex.clear_log()
        asked = len(rig.mb.seen)
        again = await rig.service.enrich("A Love Supreme")
        assert isinstance(again, Enriched) and not again.written
        assert rig.plex.writes == []
        assert len(rig.mb.seen) == asked  # answered from the SQLite cache


async def test_enrich_prepends_and_can_leave_the_summary_unlocked(tmp_path: Path) -> None:
    async with plex_rig(tmp_path, ENRICH_POSITION="prepend", ENRICH_LOCK_SUMMARY=False) as rig:
        await rig.service.enrich("a love supreme", artist="John Coltrane")
        album = rig.plex.albums[rig.library["supreme"].rating_key]
        assert album.summary.startswith(BLOCK_START)
        assert album.summary.endswith("A landmark album.")
        assert not album.summary_locked


async def test_enrich_dry_run_writes_nothing(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        outcome = await rig.service.enrich("A Love Supreme", dry_run=True)
        assert isinstance(outcome, Enriched) and not outcome.written
        assert BLOCK_START in outcome.summary
        assert rig.plex.writes == []


async def test_enrich_asks_which_album_when_several_match(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        outcome = await rig.service.enrich("Kind of")
        assert isinstance(outcome, AlbumChoice)
        assert [a.title for a in outcome.albums] == [
            "Kind of Blue",
            "Kind of Blue (Legacy Edition)",
        ]
        assert rig.plex.writes == []
        chosen = await rig.service.enrich("Kind of", album_key=outcome.albums[1].rating_key)
        assert not isinstance(chosen, AlbumChoice)
        assert isinstance(chosen.album, PlexAlbum) and chosen.album.title.endswith("Edition)")


async def test_enrich_without_credits_changes_nothing(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        outcome = await rig.service.enrich("Kind of Blue")
        assert isinstance(outcome, NoCredits)
        assert outcome.sources == ("MusicBrainz",)
        assert rig.plex.writes == []


async def test_enrich_unknown_album(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        with pytest.raises(PlexAlbumNotFound) as caught:
            await rig.service.enrich("A Love Supremo")
        assert "A Love Supreme" in translated(caught.value, "da")
        assert rig.plex.writes == []


async def test_musicbrainz_503_then_success(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        rig.mb.fail_next(2, retry_after="1")
        outcome = await rig.service.enrich("A Love Supreme")
        assert isinstance(outcome, Enriched) and outcome.written
        assert len(rig.mb.seen) == 4  # two 503s, then search and release
        assert rig.brainz_time.sleeps == [1.0, 1.0]  # each Retry-After waited out


async def test_musicbrainz_503_for_ever_is_a_clear_message(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        rig.mb.fail_next(10)
        with pytest.raises(MetadataUnavailable) as caught:
            await rig.service.enrich("A Love Supreme")
        assert "MusicBrainz" in translated(caught.value, "da")
        assert len(rig.mb.seen) == 3  # bounded
        assert rig.plex.writes == []


# -- usage -----------------------------------------------------------------------------------


async def test_usage_reads_get_activity(tmp_path: Path) -> None:
    async with plex_rig(tmp_path) as rig:
        activity = await rig.service.usage()
        assert activity.count == 3
        assert rig.tautulli.api_requests("get_activity")


async def test_discogs_first_then_musicbrainz_when_discogs_has_no_credits(tmp_path: Path) -> None:
    from tgraph_bot.adapters.musicbrainz import Discogs, RateLimiter
    from tgraph_bot.adapters.plex import PlexLibrary
    from tgraph_bot.services.plex import PlexService

    async with plex_rig(tmp_path) as rig:
        rig.mb.add_discogs(
            1, "Kind of Blue", "Miles Davis", [{"name": "Bill Evans", "role": "Piano"}]
        )
        rig.mb.add_discogs(
            2, "A Love Supreme", "John Coltrane", [{"name": "Bob Thiele", "role": "Producer"}]
        )
        discogs = Discogs(
            rig.mb.url, "UA", "t", limiter=RateLimiter(0.0), cache=None, clock=lambda: NOW
        )
        library = PlexLibrary(rig.plex.url, rig.plex.token, "Music")
        service = PlexService(
            library, rig.service._tautulli, rig.service.store, SqliteLinkStore(rig.db),  # pyright: ignore[reportPrivateUsage]
            [discogs, rig.musicbrainz], lambda: rig.settings, clock=lambda: NOW,
        )  # fmt: skip
        blue = await service.enrich("Kind of Blue")
        assert isinstance(blue, Enriched) and blue.source == "Discogs"
        assert blue.credits == "Bill Evans: Piano"
        supreme = await service.enrich("A Love Supreme")  # Discogs: only a producer
        assert isinstance(supreme, Enriched) and supreme.source == "MusicBrainz"
        await discogs.aclose()


def restarted(rig: Rig) -> PlexService:
    """A new process over the same database and Plex: nothing but the stored time survives."""
    return PlexService(
        rig.service._plex, rig.service._tautulli, SqlitePlexStore(rig.db),  # pyright: ignore[reportPrivateUsage]
        SqliteLinkStore(rig.db), [], rig.live, clock=lambda: NOW,
    )  # fmt: skip


async def test_a_restart_neither_resyncs_at_once_nor_skips(tmp_path: Path) -> None:
    async with plex_rig(tmp_path, PLAYLIST_SYNC_HOURS=6) as rig:
        # First start ever: due now, syncs, then waits for the next one.
        assert await rig.service.playlist_job.step() == 0
        assert await rig.service.playlist_job.step() == 3600  # woken hourly to notice edits
        assert [w.method for w in rig.plex.writes] == ["POST"]
        # A restart an hour after the last sync: no sync now, due in five hours.
        await rig.service.store.record_sync(NOW - timedelta(hours=1))
        rig.plex.clear_log()
        again = restarted(rig)
        assert await again.playlist_job.step() == 3600
        assert rig.plex.requests == []
        assert await again.next_sync() == NOW + timedelta(hours=5)
        # A restart after the due time: it syncs once, at once.
        await rig.service.store.record_sync(NOW - timedelta(hours=7))
        late = restarted(rig)
        assert await late.playlist_job.step() == 0
        assert rig.plex.requests and rig.plex.writes == []  # checked; nothing to change
        assert await late.store.last_sync() == NOW
        assert await late.playlist_job.step() == 3600


async def test_the_last_sync_is_read_from_an_existing_database(tmp_path: Path) -> None:
    """Databases from before the generic job keep their meta key plex.playlist_sync_at."""
    async with plex_rig(tmp_path, PLAYLIST_SYNC_HOURS=6) as rig:
        stamp = (NOW - timedelta(hours=2)).isoformat()
        await rig.db.run(
            lambda conn: conn.execute(
                "INSERT INTO meta (key, value) VALUES ('plex.playlist_sync_at', ?)", (stamp,)
            )
        )
        assert await rig.service.next_sync() == NOW + timedelta(hours=4)
        await rig.service.sync_playlists()
        keys = await rig.db.run(
            lambda conn: [
                r[0] for r in conn.execute("SELECT key FROM meta WHERE key LIKE '%sync%'")
            ]
        )
        assert keys == ["plex.playlist_sync_at"]  # one record, under the old key


async def test_another_process_mid_sync_makes_a_manual_sync_wait_its_turn(tmp_path: Path) -> None:
    """The command line beside the bot: both hold a file lock beside the database around a
    sync (storage.locks.FileRunLock, as app.py wires it), so they never sync side by side."""
    lock = tmp_path / "plex-playlist-sync.lock"
    polls = ManualSleep()
    async with plex_rig(tmp_path, run_lock=FileRunLock(lock, sleep=polls)) as rig:
        async with FileRunLock(lock).hold():  # the other process, mid-sync
            syncing = asyncio.create_task(rig.service.sync_playlists())
            assert await polls.next_wait() == POLL_SECONDS  # waiting for its turn
            assert rig.plex.requests == []
        polls.elapse()
        result = await syncing
        assert (result.added, result.total) == (5, 5)
        assert await rig.service.store.last_sync() == NOW
