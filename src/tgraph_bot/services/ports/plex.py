"""The Plex module's music library, credit sources, their answer cache and its store."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from tgraph_bot.core.activity import Activity
from tgraph_bot.core.breaker import Deadline
from tgraph_bot.core.ids import ChannelId, MessageId, TautulliUserId
from tgraph_bot.core.plex import Credit, PlexAlbum, PlexArtist, PlexPlaylist, PlexTrack
from tgraph_bot.core.users import TautulliUser


class PlexStore(Protocol):
    """What the Plex module remembers across restarts."""

    async def last_sync(self) -> datetime | None:
        """When the Top Rated playlist was last synced (None: never)."""
        ...

    async def record_sync(self, at: datetime) -> None: ...

    async def activity_message(self) -> tuple[ChannelId, MessageId] | None:
        """The live activity message to edit in place (None: none posted yet)."""
        ...

    async def record_activity_message(self, channel: ChannelId, message: MessageId) -> None: ...


class PlexPort(Protocol):
    """The music library (adapters/plex.py). Reads take the command's ``deadline``."""

    async def owner(self, *, deadline: Deadline | None = None) -> str: ...
    async def rated_tracks(
        self, stars: float, *, deadline: Deadline | None = None
    ) -> list[PlexTrack]: ...
    async def artists(self, *, deadline: Deadline | None = None) -> list[PlexArtist]: ...
    async def artist_tracks(
        self, artist: PlexArtist, *, deadline: Deadline | None = None
    ) -> list[PlexTrack]: ...
    async def albums(self, title: str, *, deadline: Deadline | None = None) -> list[PlexAlbum]: ...
    async def playlist(
        self, title: str, *, deadline: Deadline | None = None
    ) -> PlexPlaylist | None: ...
    async def create_playlist(self, title: str, first: tuple[int, ...]) -> int: ...
    async def add_to_playlist(self, playlist: int, keys: tuple[int, ...]) -> None: ...
    async def remove_from_playlist(self, playlist: int, item_id: int) -> None: ...
    async def set_summary(self, album: PlexAlbum, summary: str, *, lock: bool) -> None: ...


class CreditsSource(Protocol):
    """MusicBrainz or Discogs (adapters/musicbrainz.py)."""

    name: str

    async def album_credits(
        self, artist: str, album: str, *, deadline: Deadline | None = None
    ) -> list[Credit] | None:
        """Performer credits of the best-matching release; None if no release matches."""
        ...


class TautulliPort(Protocol):
    """What the Plex module asks Tautulli (adapters.tautulli.TautulliClient)."""

    async def activity(self, *, live: bool = False) -> Activity: ...
    async def played_tracks(self, user_id: TautulliUserId, artist_rating_key: int) -> set[int]: ...
    async def users(self) -> list[TautulliUser]: ...


class CreditsCache(Protocol):
    """The credit sources' answers by URL (storage.musicbrainz.SqliteMetadataCache)."""

    async def cached(self, url: str, max_age: timedelta, now: datetime) -> str | None: ...

    async def keep(self, url: str, body: str, now: datetime) -> None: ...


__all__ = ["CreditsCache", "CreditsSource", "PlexPort", "PlexStore", "TautulliPort"]
