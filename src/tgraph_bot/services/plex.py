"""The Plex module's use cases: usage, completion, enrich, sync_playlists.

Ports, not adapters (services/ports/plex.py): ``PlexPort`` (the music library),
``TautulliPort`` (activity, history and users), the credit sources, and the stores. Discord, the
command line and the schedule all call the same :class:`PlexService`, so they answer alike.
The decisions themselves are pure functions in :mod:`tgraph_bot.core.plex`.

The playlist sync is one :class:`~tgraph_bot.services.jobs.ScheduledJob`,
:attr:`PlexService.playlist_job`: the schedule runs it (the cog starts ``run()``), and
:meth:`PlexService.sync_playlists` (``/plex sync_playlists``, ``tgraph-bot plex
sync-playlists``) is its ``run_now()``. So the job's lock is the only lock and its record
the only record: a manual and a scheduled sync never overlap, a manual sync counts as the
last one (the next scheduled one comes PLAYLIST_SYNC_HOURS later), and the time is stored
once, under the meta key ``plex.playlist_sync_at`` as before (:class:`SyncRecord`). Another
process (the command line beside a running bot) shares the record and, given a ``run_lock``
(app.py gives a file lock beside the database), the lock: the two take turns, and the bot
sees the command line's sync at its next look (within the hour) and postpones its own.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.activity import Activity
from tgraph_bot.core.breaker import Deadline, Monotonic
from tgraph_bot.core.ids import ChannelId, MemberId, MessageId, TautulliUserId
from tgraph_bot.core.plex import (
    Completion,
    PlexAlbum,
    PlexArtist,
    PlexPlaylist,
    SyncResult,
    chunks,
    closest_names,
    completion,
    find_by_name,
    format_credits,
    merge_summary,
    plan_playlist,
    qualifies,
)
from tgraph_bot.core.schedule import Backoff, Policy, every
from tgraph_bot.errors import NotLinkedError, PlexAlbumNotFound, PlexArtistNotFound
from tgraph_bot.i18n import N_
from tgraph_bot.services.jobs import ScheduledJob
from tgraph_bot.services.my_stats import acting_for
from tgraph_bot.services.my_stats import find_by_name as find_user
from tgraph_bot.services.ports.common import Clock, Sleep
from tgraph_bot.services.ports.jobs import RunLock
from tgraph_bot.services.ports.members import LinkReader
from tgraph_bot.services.ports.plex import CreditsSource, PlexPort, PlexStore, TautulliPort

log = logging.getLogger(__name__)


ARTIST_CACHE = timedelta(minutes=5)
COMMAND_DEADLINE = 20.0
"""Seconds a command waits for Plex and MusicBrainz in all (reads and lookups share it, as a
render's graphs share Tautulli's): a service that hangs is reported when it passes. A write
(a playlist change, a summary) has its own, so a sync is not cut short for being large."""

ACTIVITY_RETRY_CAP = 300.0
"""The longest wait before retrying a failed activity refresh (a live view)."""

ARTIST_CLOSEST = N_("No artist named {name} in the music library. Did you mean: {closest}?")
ALBUM_CLOSEST = N_("No album named {name} in the music library. Did you mean: {closest}?")


@dataclass(frozen=True, slots=True)
class CompletionReport:
    artist: str
    result: Completion


@dataclass(frozen=True, slots=True)
class Enriched:
    """An enrich that found credits: ``written`` is False for a dry run or no change."""

    album: PlexAlbum
    credits: str
    summary: str
    written: bool
    source: str


@dataclass(frozen=True, slots=True)
class NoCredits:
    album: PlexAlbum
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AlbumChoice:
    """Several albums match: the caller asks which one (by ``album_key``)."""

    albums: tuple[PlexAlbum, ...]


EnrichOutcome = Enriched | NoCredits | AlbumChoice


def playlist_policy(settings: Callable[[], Settings]) -> Policy:
    """Every PLAYLIST_SYNC_HOURS after the last sync (at once if never); 0 is off."""

    def policy(last_sync: datetime | None, now: datetime) -> datetime | None:
        hours = settings().PLAYLIST_SYNC_HOURS
        return None if hours <= 0 else every(timedelta(hours=hours))(last_sync, now)

    return policy


def activity_policy(settings: Callable[[], Settings]) -> Policy:
    """The live activity message: every ACTIVITY_REFRESH_SECONDS after the last refresh (at
    once if none yet); off while that is 0 or ACTIVITY_CHANNEL_ID is not set."""

    def policy(last_refresh: datetime | None, now: datetime) -> datetime | None:
        current = settings()
        seconds = current.ACTIVITY_REFRESH_SECONDS
        if seconds <= 0 or not current.ACTIVITY_CHANNEL_ID:
            return None
        return every(timedelta(seconds=seconds))(last_refresh, now)

    return policy


def activity_backoff(settings: Callable[[], Settings]) -> Callable[[], Backoff]:
    """Retry waits of a failed activity refresh: 30 s, 60 s, ... at most 5 min, and never
    longer than ACTIVITY_REFRESH_SECONDS: a live view is back within one refresh."""

    def backoff() -> Backoff:
        period = float(settings().ACTIVITY_REFRESH_SECONDS) or ACTIVITY_RETRY_CAP
        return Backoff(base=min(30.0, period), cap=min(ACTIVITY_RETRY_CAP, period))

    return backoff


class SyncRecord:
    """The playlist job's RunRecord: the stored last sync (``plex.playlist_sync_at``)."""

    def __init__(self, store: PlexStore) -> None:
        self._store = store

    async def last_run(self) -> datetime | None:
        return await self._store.last_sync()

    async def record_run(self, at: datetime) -> None:
        await self._store.record_sync(at)


def album_label(album: PlexAlbum) -> str:
    """``"Kind of Blue — Miles Davis (1959)"``: how an album is offered for choosing."""
    year = f" ({album.year})" if album.year else ""
    return f"{album.title} — {album.artist}{year}"


class PlexService:
    def __init__(
        self,
        plex: PlexPort,
        tautulli: TautulliPort,
        store: PlexStore,
        links: LinkReader,
        credit_sources: Sequence[CreditsSource],
        settings: Callable[[], Settings],
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        run_lock: RunLock | None = None,
        deadline: float = COMMAND_DEADLINE,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self._plex = plex
        self._tautulli = tautulli
        self.store = store
        self._links = links
        self._sources = tuple(credit_sources)
        self._settings = settings
        self._clock = clock
        self.clock = clock
        self._deadline = deadline
        self._monotonic = monotonic
        self.playlist_job = ScheduledJob(
            "playlist sync",
            work=self._sync_playlists,
            policy=playlist_policy(settings),
            record=SyncRecord(store),
            clock=clock,
            sleep=sleep,
            run_lock=run_lock,  # the bot and the command line take turns
        )
        self._artists: tuple[datetime, list[PlexArtist]] | None = None

    # -- usage ------------------------------------------------------------------------------

    async def usage(self, *, live: bool = False) -> Activity:
        """What is playing; ``live``: for the live message (one attempt, asked even while
        the Tautulli client holds back after a failure)."""
        return await self._tautulli.activity(live=live)

    async def owner(self) -> str:
        """The Plex username of PLEX_TOKEN's account (the CLI's default "you")."""
        return await self._plex.owner()

    # -- completion -------------------------------------------------------------------------

    def deadline(self) -> Deadline:
        """A command's deadline: from now, for every read and lookup it makes."""
        return Deadline.after(self._deadline, self._monotonic)

    async def artists(self, deadline: Deadline | None = None) -> list[PlexArtist]:
        """The library's artists, kept for a few minutes (autocomplete asks on every key)."""
        now = self._clock()
        if self._artists is None or now - self._artists[0] > ARTIST_CACHE:
            self._artists = (now, await self._plex.artists(deadline=deadline or self.deadline()))
        return self._artists[1]

    async def find_artist(self, name: str, deadline: Deadline | None = None) -> PlexArtist:
        artists = await self.artists(deadline)
        titles = [a.title for a in artists]
        exact = find_by_name(name, titles)
        if exact:
            return next(a for a in artists if a.title == exact[0])
        closest = closest_names(name, titles)
        if closest:
            raise PlexArtistNotFound(ARTIST_CLOSEST, name=name, closest=", ".join(closest))
        raise PlexArtistNotFound(name=name)

    async def _user_for(self, member: MemberId | None, plex_user: str | None) -> TautulliUserId:
        if plex_user is not None:
            return find_user(await self._tautulli.users(), plex_user).user_id
        settings = self._settings()
        if member is None:
            raise NotLinkedError(settings.MY_STATS_VERIFICATION)
        link = await acting_for(self._links, member, settings)
        if link is None:
            raise NotLinkedError(settings.MY_STATS_VERIFICATION)
        return link.tautulli_user_id

    async def completion(
        self, artist_name: str, *, member: MemberId | None = None, plex_user: str | None = None
    ) -> CompletionReport:
        """How much of the artist's tracks the member (or the named Plex user) has played."""
        deadline = self.deadline()
        user_id = await self._user_for(member, plex_user)
        artist = await self.find_artist(artist_name, deadline)
        tracks = await self._plex.artist_tracks(artist, deadline=deadline)
        played = await self._tautulli.played_tracks(user_id, artist.rating_key)
        return CompletionReport(artist.title, completion((t.rating_key for t in tracks), played))

    # -- enrich -----------------------------------------------------------------------------

    async def find_albums(
        self, title: str, artist: str | None = None, deadline: Deadline | None = None
    ) -> list[PlexAlbum]:
        found = await self._plex.albums(title, deadline=deadline or self.deadline())
        if artist:
            found = [a for a in found if find_by_name(artist, [a.artist])]
        exact = [a for a in found if find_by_name(title, [a.title])]
        return exact or found

    async def enrich(
        self,
        title: str,
        *,
        artist: str | None = None,
        album_key: int | None = None,
        dry_run: bool = False,
    ) -> EnrichOutcome:
        """Put the album's performer credits into its summary; a second run writes nothing."""
        settings = self._settings()
        deadline = self.deadline()
        albums = await self.find_albums(title, artist, deadline)
        if album_key is not None:
            albums = [a for a in albums if a.rating_key == album_key]
        if not albums:
            library = await self._plex.albums("", deadline=deadline)
            closest = closest_names(title, [a.title for a in library])
            if closest:
                raise PlexAlbumNotFound(ALBUM_CLOSEST, name=title, closest=", ".join(closest))
            raise PlexAlbumNotFound(name=title)
        if len(albums) > 1:
            return AlbumChoice(tuple(albums[:25]))
        album = albums[0]
        for source in self._sources:
            found = await source.album_credits(album.artist, album.title, deadline=deadline)
            text = format_credits(found or [])
            if not text:
                log.info("%s has no credits for album %s", source.name, album.rating_key)
                continue
            summary = merge_summary(album.summary, text, settings.ENRICH_POSITION)
            write = summary != album.summary and not dry_run
            if write:
                await self._plex.set_summary(album, summary, lock=settings.ENRICH_LOCK_SUMMARY)
            return Enriched(album, text, summary, write, source.name)
        return NoCredits(album, tuple(s.name for s in self._sources))

    # -- sync_playlists ---------------------------------------------------------------------

    async def sync_playlists(self) -> SyncResult:
        """Make TOP_RATED_PLAYLIST hold exactly the qualifying tracks, now: the playlist
        job's run_now (never beside a scheduled sync; it counts as the last sync)."""
        return await self.playlist_job.run_now()

    async def _sync_playlists(self) -> SyncResult:
        """The job's work: no lock and no record of its own (the job has both)."""
        settings = self._settings()
        stars = settings.TOP_RATED_MIN_STARS
        deadline = self.deadline()
        rated = await self._plex.rated_tracks(stars, deadline=deadline)
        wanted = [t.rating_key for t in rated if qualifies(t.user_rating, stars)]
        playlist = await self._plex.playlist(settings.TOP_RATED_PLAYLIST, deadline=deadline)
        result = await self._reconcile(settings.TOP_RATED_PLAYLIST, playlist, wanted)
        log.info(
            "playlist sync of %r: added %d, removed %d, %d tracks",
            result.playlist,
            result.added,
            result.removed,
            result.total,
        )
        return result

    async def _reconcile(
        self, title: str, playlist: PlexPlaylist | None, wanted: list[int]
    ) -> SyncResult:
        if playlist is None:
            parts = list(chunks(list(dict.fromkeys(wanted))))
            if not parts:
                return SyncResult(0, 0, 0, playlist=title)  # Plex holds no empty playlist
            key = await self._plex.create_playlist(title, parts[0])
            for part in parts[1:]:
                await self._plex.add_to_playlist(key, part)
            added = sum(map(len, parts))
            return SyncResult(added, 0, added, created=True, playlist=title)
        plan = plan_playlist(playlist.entries, wanted)
        for item_id in plan.remove:
            await self._plex.remove_from_playlist(playlist.rating_key, item_id)
        for part in plan.add_chunks():
            await self._plex.add_to_playlist(playlist.rating_key, part)
        return SyncResult(len(plan.add), len(plan.remove), plan.total, playlist=title)

    async def next_sync(self) -> datetime | None:
        """When the scheduled sync is next due (None: PLAYLIST_SYNC_HOURS is 0)."""
        return await self.playlist_job.due_at()

    async def activity_message(self) -> tuple[ChannelId, MessageId] | None:
        """The live activity message to edit in place (None: none posted yet)."""
        return await self.store.activity_message()

    async def record_activity_message(self, channel: ChannelId, message: MessageId) -> None:
        """The live activity message just posted, to edit from now on (restarts too)."""
        await self.store.record_activity_message(channel, message)


__all__ = [
    "AlbumChoice",
    "CompletionReport",
    "EnrichOutcome",
    "Enriched",
    "NoCredits",
    "PlexService",
    "SyncRecord",
    "activity_policy",
    "album_label",
    "playlist_policy",
]
