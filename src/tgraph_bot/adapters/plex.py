"""Plex Media Server through python-plexapi: off the event loop, in our own types.

plexapi blocks, and reading an attribute that a listing left out silently reloads the
object over HTTP. So:

- every call runs in a worker thread (``asyncio.to_thread``), one at a time (plexapi's
  ``requests.Session`` is not meant for concurrent use);
- plexapi objects are converted to the dataclasses below inside that thread, reading
  attributes with :func:`_read`, which never triggers a reload; no plexapi object leaves
  this module;
- listings are fetched with a large page (``page_size``), not plexapi's default of 100:
  2,000 rated tracks are two requests, not twenty;
- track listings (rated tracks, an artist's tracks, playlist entries: thousands of rows)
  are read from the XML elements plexapi's ``query`` parsed, without building a plexapi
  ``Track`` per row: that costs about half a millisecond each (2,000 tracks, 1 s, holding
  the GIL the event loop needs). Albums, artists and playlists are plexapi objects;
- playlist writes send exactly the requests plexapi's ``Playlist.addItems`` /
  ``removeItems`` / ``Playlist.create`` send (``PUT .../items?uri=``, ``DELETE
  .../items/{playlistItemID}``, ``POST /playlists?uri=``), but from rating keys: plexapi's
  own methods want full track objects and re-read the whole playlist for every removal;
- errors become the project's one tree (errors.py): a refused token, an unreachable or
  slow server, a missing library (naming the ones that exist), not found. plexapi's and
  requests' messages are never shown: they hold URLs with the token.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote
from xml.etree.ElementTree import ParseError

import requests
from plexapi.audio import Album, Artist
from plexapi.exceptions import BadRequest, NotFound, Unauthorized
from plexapi.playlist import Playlist
from plexapi.server import PlexServer

from tgraph_bot.core.plex import (
    CHUNK,
    PlaylistEntry,
    PlexAlbum,
    PlexArtist,
    PlexPlaylist,
    PlexTrack,
    rating_floor,
)
from tgraph_bot.errors import (
    PlexAuthError,
    PlexError,
    PlexLibraryMissing,
    PlexNotApi,
    PlexUnreachable,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

Server = Any
"""plexapi's ``PlexServer``: plexapi has no type hints, so it is handled as ``Any`` here and
nothing typed by it leaves this module."""

ARTIST, ALBUM, TRACK = 8, 9, 10
"""Plex's search types."""


def _read(obj: object, name: str) -> Any:
    """An attribute as plexapi parsed it, without plexapi's silent reload over HTTP."""
    try:
        return object.__getattribute__(obj, name)
    except AttributeError:
        return None


def _track_row(row: dict[str, str]) -> PlexTrack:
    rating = row.get("userRating")
    return PlexTrack(
        rating_key=int(row["ratingKey"]),
        title=row.get("title", ""),
        album=row.get("parentTitle", ""),
        artist=row.get("grandparentTitle", ""),
        user_rating=float(rating) if rating else None,
    )


def _album(item: Album) -> PlexAlbum:
    year = _read(item, "year")
    return PlexAlbum(
        rating_key=int(_read(item, "ratingKey")),
        title=str(_read(item, "title") or ""),
        artist=str(_read(item, "parentTitle") or ""),
        year=int(year) if year else None,
        summary=str(_read(item, "summary") or ""),
        track_count=int(_read(item, "leafCount") or 0),
    )


class PlexLibrary:
    """One Plex server's music library (``PLEX_MUSIC_LIBRARY``)."""

    def __init__(
        self,
        url: str,
        token: str,
        library: str,
        *,
        timeout: float = 15.0,
        page_size: int = 1000,
    ) -> None:
        self.url = url.rstrip("/")
        self._token = token
        self.library = library
        self._timeout = timeout
        self._page = page_size
        self._lock = threading.Lock()
        self._session = requests.Session()
        self._session.trust_env = False  # no proxy from the environment sees the token
        self._server: Server | None = None
        self._section_key: int | None = None

    # -- the one call path ------------------------------------------------------------------

    async def _call(self, work: Callable[[Server, int], T]) -> T:
        return await asyncio.to_thread(self._run, work)

    def _run(self, work: Callable[[Server, int], T]) -> T:
        with self._lock:
            try:
                server, section = self._connect()
                return work(server, section)
            except Unauthorized:
                self._server = None
                raise PlexAuthError() from None
            except (requests.ConnectionError, requests.Timeout):
                self._server = None
                raise PlexUnreachable(url=self.url) from None
            except ParseError:  # not XML: not Plex
                self._server = None
                raise PlexNotApi(url=self.url) from None
            except NotFound:
                raise PlexError(status=404) from None
            except BadRequest as exc:
                status = str(exc)[1:4] if str(exc).startswith("(") else "?"
                raise PlexError(status=status) from None

    def _connect(self) -> tuple[Server, int]:
        if self._server is not None and self._section_key is not None:
            return self._server, self._section_key
        server: Server = PlexServer(
            self.url, self._token, session=self._session, timeout=self._timeout
        )
        sections: Any = server.query("/library/sections")
        music: list[tuple[int, str]] = []
        for element in list(sections if sections is not None else []):
            attrib: dict[str, str] = dict(element.attrib)
            if attrib.get("type") == "artist":
                music.append((int(attrib.get("key", "0")), attrib.get("title", "")))
        wanted = self.library.strip().casefold()
        match = [key for key, title in music if title.strip().casefold() == wanted]
        if not match:
            existing = ", ".join(sorted(title for _, title in music)) or "-"
            raise PlexLibraryMissing(name=self.library, existing=existing)
        self._server, self._section_key = server, match[0]
        return server, match[0]

    def _rows(self, server: Server, key: str, tag: str) -> list[dict[str, str]]:
        """The attributes of every ``tag`` element of a listing, page by page, as plexapi's
        ``fetchItems`` pages (``X-Plex-Container-Start``/``-Size``), without its objects."""
        rows: list[dict[str, str]] = []
        start = 0
        while True:
            headers = {
                "X-Plex-Container-Start": str(start),
                "X-Plex-Container-Size": str(self._page),
            }
            data: Any = server.query(key, headers=headers)
            page: list[dict[str, str]] = [
                dict(element.attrib) for element in list(data) if element.tag == tag
            ]
            rows += page
            attrib: dict[str, str] = dict(data.attrib)
            total = int(attrib.get("totalSize") or attrib.get("size") or len(page))
            start += self._page
            if not page or start >= total:
                return rows

    def _fetch(self, server: Server, key: str, cls: type[T]) -> list[T]:
        items: list[T] = server.fetchItems(key, cls=cls, container_size=self._page)
        return items

    # -- reading ----------------------------------------------------------------------------

    async def check(self) -> str:
        """Connect and find the library; the server's name."""
        return await self._call(lambda server, _: str(_read(server, "friendlyName") or "Plex"))

    async def owner(self) -> str:
        """The Plex account the token belongs to (``myPlexUsername``), or ""."""
        return await self._call(lambda server, _: str(_read(server, "myPlexUsername") or ""))

    async def rated_tracks(self, stars: float) -> list[PlexTrack]:
        """Tracks rated above the floor for ``stars`` (the caller filters exactly)."""
        floor = rating_floor(stars)

        def work(server: Server, section: int) -> list[PlexTrack]:
            key = f"/library/sections/{section}/all?type={TRACK}&{quote('userRating>>')}={floor}"
            return [_track_row(row) for row in self._rows(server, key, "Track")]

        return await self._call(work)

    async def artists(self) -> list[PlexArtist]:
        def work(server: Server, section: int) -> list[PlexArtist]:
            items = self._fetch(server, f"/library/sections/{section}/all?type={ARTIST}", Artist)
            return [
                PlexArtist(int(_read(a, "ratingKey")), str(_read(a, "title") or "")) for a in items
            ]

        return await self._call(work)

    async def artist_tracks(self, artist: PlexArtist) -> list[PlexTrack]:
        def work(server: Server, _: int) -> list[PlexTrack]:
            key = f"/library/metadata/{artist.rating_key}/allLeaves"
            return [_track_row(row) for row in self._rows(server, key, "Track")]

        return await self._call(work)

    async def albums(self, title: str) -> list[PlexAlbum]:
        """Albums whose title contains ``title`` (Plex's own, case-insensitive match)."""

        def work(server: Server, section: int) -> list[PlexAlbum]:
            key = f"/library/sections/{section}/all?type={ALBUM}&title={quote(title)}"
            return [_album(item) for item in self._fetch(server, key, Album)]

        return await self._call(work)

    async def playlist(self, title: str) -> PlexPlaylist | None:
        """The audio playlist named exactly ``title`` with its entries, or None."""

        def work(server: Server, _: int) -> PlexPlaylist | None:
            key = f"/playlists?playlistType=audio&title={quote(title)}"
            found = [p for p in self._fetch(server, key, Playlist) if _read(p, "title") == title]
            if not found:
                return None
            playlist = found[0]
            rating_key = int(_read(playlist, "ratingKey"))
            rows = self._rows(server, f"/playlists/{rating_key}/items", "Track")
            entries = tuple(
                PlaylistEntry(int(row["playlistItemID"]), int(row["ratingKey"])) for row in rows
            )
            return PlexPlaylist(rating_key, title, entries)

        return await self._call(work)

    # -- writing ----------------------------------------------------------------------------

    @staticmethod
    def _uri(server: Server, keys: tuple[int, ...]) -> str:
        if not 0 < len(keys) <= CHUNK:
            raise ValueError(f"between 1 and {CHUNK} tracks per request, not {len(keys)}")
        joined = ",".join(str(k) for k in keys)
        return f"{server._uriRoot()}/library/metadata/{joined}"  # pyright: ignore[reportPrivateUsage]

    async def create_playlist(self, title: str, first: tuple[int, ...]) -> int:
        """Create the audio playlist with its first chunk of tracks; its rating key."""

        def work(server: Server, _: int) -> int:
            uri = quote(self._uri(server, first), safe="")
            key = f"/playlists?uri={uri}&type=audio&title={quote(title, safe='')}&smart=0"
            data: Any = server.query(key, method=self._session.post)
            return int(data[0].attrib["ratingKey"])

        return await self._call(work)

    async def add_to_playlist(self, playlist: int, keys: tuple[int, ...]) -> None:
        def work(server: Server, _: int) -> None:
            uri = quote(self._uri(server, keys), safe="")
            server.query(f"/playlists/{playlist}/items?uri={uri}", method=self._session.put)

        await self._call(work)

    async def remove_from_playlist(self, playlist: int, item_id: int) -> None:
        def work(server: Server, _: int) -> None:
            key = f"/playlists/{playlist}/items/{item_id}"
            server.query(key, method=self._session.delete)

        await self._call(work)

    async def set_summary(self, album: PlexAlbum, summary: str, *, lock: bool) -> None:
        """Write the album's summary; ``lock`` keeps Plex's agent from overwriting it."""

        def work(server: Server, section: int) -> None:
            params = {
                "type": str(ALBUM),
                "id": str(album.rating_key),
                "summary.value": summary,
                "summary.locked": "1" if lock else "0",
            }
            query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
            server.query(f"/library/sections/{section}/all?{query}", method=self._session.put)

        await self._call(work)


__all__ = ["PlexAlbum", "PlexArtist", "PlexLibrary", "PlexPlaylist", "PlexTrack"]
