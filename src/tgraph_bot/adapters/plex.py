"""Plex Media Server through python-plexapi: off the event loop, in our own types.

plexapi blocks, and reading an attribute that a listing left out silently reloads the
object over HTTP. So:

- every call runs in a worker thread of the library's own small pool, and calls run side by
  side: nothing in what they use is shared and changed (plexapi's ``query`` reads the
  server's URL and token; ``requests.Session`` sends through urllib3's thread-safe pool and
  sets no cookie here). The one exclusion is the connection itself (``GET /`` and the
  sections), made once under a lock so that calls arriving together do not all connect;
- one overall deadline per call (``deadline``, 20 s, as Tautulli's retry budget), or the
  shared :class:`~tgraph_bot.core.breaker.Deadline` of a command, cuts the wait: a Plex
  that hangs is reported when it passes, whatever the thread is still waiting for. One
  request waits ``timeout`` to be answered (5 s at most to be accepted);
- a call that fails because Plex cannot answer (refused, slow, 5xx) opens a breaker: for
  ``breaker_seconds`` every call answers at once "Plex is not answering, next try in N s"
  with the cause, instead of waiting for another timeout. A success closes it;
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
- errors become the project's one tree (errors.py): a refused token, a server that cannot
  be reached (refused, unknown host, not accepting) apart from one that accepted but is
  slow, a 5xx, a missing library (naming the ones that exist), not found. plexapi's and
  requests' messages are never shown: they hold URLs with the token.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import quote

import requests
from plexapi.audio import Album, Artist
from plexapi.exceptions import BadRequest, NotFound, Unauthorized
from plexapi.playlist import Playlist
from plexapi.server import PlexServer
from urllib3.exceptions import ReadTimeoutError

from tgraph_bot.core.breaker import Breaker, Deadline, Monotonic, seconds_text
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
    NotAnswering,
    PlexAuthError,
    PlexError,
    PlexLibraryMissing,
    PlexServerError,
    PlexSlow,
    PlexUnreachable,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

Server = Any
"""plexapi's ``PlexServer``: plexapi has no type hints, so it is handled as ``Any`` here and
nothing typed by it leaves this module."""

ARTIST, ALBUM, TRACK = 8, 9, 10
"""Plex's search types."""

DEADLINE = 20.0
"""Seconds a call (or a command's calls together) waits for Plex in all, as for Tautulli."""
CONNECT_TIMEOUT = 5.0
"""Seconds to wait for Plex to accept a connection: longer is "cannot reach", not "slow"."""


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
    """One Plex server's music library (``PLEX_MUSIC_LIBRARY``). :meth:`close` ends its
    threads."""

    def __init__(
        self,
        url: str,
        token: str,
        library: str,
        *,
        timeout: float = 10.0,
        deadline: float = DEADLINE,
        breaker_seconds: float = 30.0,
        page_size: int = 1000,
        workers: int = 4,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self.url = url.rstrip("/")
        self._token = token
        self.library = library
        self._timeout = timeout
        self._deadline = deadline
        self._page = page_size
        self._connecting = threading.Lock()
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="plex")
        self._breaker: Breaker[PlexError] = Breaker(breaker_seconds, monotonic)
        self._session = requests.Session()
        self._session.trust_env = False  # no proxy from the environment sees the token
        self._server: Server | None = None
        self._section_key: int | None = None

    def close(self) -> None:
        """No new call; a thread still waiting for Plex ends with its request's timeout."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- the one call path ------------------------------------------------------------------

    async def _call(self, work: Callable[[Server, int], T], deadline: Deadline | None = None) -> T:
        """``work`` in a worker thread, within ``deadline`` (or this call's own), through
        the breaker."""
        blocked = self._breaker.blocked()
        if blocked is not None:
            raise NotAnswering("Plex", math.ceil(self._breaker.remaining()), blocked)
        limit = self._deadline if deadline is None else min(self._deadline, deadline.remaining())
        if limit <= 0:
            # The command's earlier reads used its time up; Plex is not asked (nor blamed).
            raise PlexSlow(url=self.url, seconds=seconds_text(deadline.seconds if deadline else 0))
        try:
            result = await self._within(work, limit)
        except PlexError as exc:
            error = exc
        else:
            self._breaker.reset()
            return result
        # Outside the ``except``: the error raised here has no ``__context__``.
        if error.unavailable:
            log.debug("Plex did not answer (%s): not asked again for a while", error)
            self._breaker.trip(error)
        raise error

    async def _within(self, work: Callable[[Server, int], T], limit: float) -> T:
        job = asyncio.get_running_loop().run_in_executor(self._pool, self._run, work)
        try:
            async with asyncio.timeout(limit):
                return await job
        except TimeoutError:
            pass  # the thread goes on until its request times out; nobody waits for it
        raise PlexSlow(url=self.url, seconds=seconds_text(limit))

    def _run(self, work: Callable[[Server, int], T]) -> T:
        try:
            server, section = self._connect()
            return work(server, section)
        except Unauthorized:
            self._server = None
            raise PlexAuthError() from None
        except requests.RequestException as exc:
            self._server = None
            raise self._unavailable(exc) from None
        except NotFound:
            raise PlexError(status=404) from None
        except BadRequest as exc:
            status = str(exc)[1:4] if str(exc).startswith("(") else "?"
            if status.startswith("5"):
                raise PlexServerError(status=status) from None
            raise PlexError(status=status) from None

    def _unavailable(self, exc: requests.RequestException) -> PlexError:
        """Slow (accepted, no answer in time) or cannot reach (refused, unknown host, not
        accepting, cut off). requests reports a read timeout during the body as a
        ``ConnectionError`` around urllib3's ``ReadTimeoutError``."""
        read_timeout = isinstance(exc, requests.ReadTimeout) or any(
            isinstance(arg, ReadTimeoutError) for arg in exc.args
        )
        if read_timeout:
            return PlexSlow(url=self.url, seconds=seconds_text(self._timeout))
        return PlexUnreachable(url=self.url)

    def _connect(self) -> tuple[Server, int]:
        with self._connecting:
            if self._server is not None and self._section_key is not None:
                return self._server, self._section_key
            timeout = (min(CONNECT_TIMEOUT, self._timeout), self._timeout)
            server: Server = PlexServer(
                self.url, self._token, session=self._session, timeout=timeout
            )
            self._section_key = self._music_section(server)
            self._server = server
            return server, self._section_key

    def _music_section(self, server: Server) -> int:
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
        return match[0]

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

    async def check(self, *, deadline: Deadline | None = None) -> str:
        """Connect and find the library; the server's name."""
        return await self._server_attribute("friendlyName", deadline) or "Plex"

    async def owner(self, *, deadline: Deadline | None = None) -> str:
        """The Plex account the token belongs to (``myPlexUsername``), or ""."""
        return await self._server_attribute("myPlexUsername", deadline)

    async def _server_attribute(self, name: str, deadline: Deadline | None) -> str:
        return await self._call(lambda server, _: str(_read(server, name) or ""), deadline)

    async def rated_tracks(
        self, stars: float, *, deadline: Deadline | None = None
    ) -> list[PlexTrack]:
        """Tracks rated above the floor for ``stars`` (the caller filters exactly)."""
        floor = rating_floor(stars)

        def work(server: Server, section: int) -> list[PlexTrack]:
            key = f"/library/sections/{section}/all?type={TRACK}&{quote('userRating>>')}={floor}"
            return [_track_row(row) for row in self._rows(server, key, "Track")]

        return await self._call(work, deadline)

    async def artists(self, *, deadline: Deadline | None = None) -> list[PlexArtist]:
        def work(server: Server, section: int) -> list[PlexArtist]:
            items = self._fetch(server, f"/library/sections/{section}/all?type={ARTIST}", Artist)
            return [
                PlexArtist(int(_read(a, "ratingKey")), str(_read(a, "title") or "")) for a in items
            ]

        return await self._call(work, deadline)

    async def artist_tracks(
        self, artist: PlexArtist, *, deadline: Deadline | None = None
    ) -> list[PlexTrack]:
        def work(server: Server, _: int) -> list[PlexTrack]:
            key = f"/library/metadata/{artist.rating_key}/allLeaves"
            return [_track_row(row) for row in self._rows(server, key, "Track")]

        return await self._call(work, deadline)

    async def albums(self, title: str, *, deadline: Deadline | None = None) -> list[PlexAlbum]:
        """Albums whose title contains ``title`` (Plex's own, case-insensitive match)."""

        def work(server: Server, section: int) -> list[PlexAlbum]:
            key = f"/library/sections/{section}/all?type={ALBUM}&title={quote(title)}"
            return [_album(item) for item in self._fetch(server, key, Album)]

        return await self._call(work, deadline)

    async def playlist(
        self, title: str, *, deadline: Deadline | None = None
    ) -> PlexPlaylist | None:
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

        return await self._call(work, deadline)

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
