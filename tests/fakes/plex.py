"""A fake Plex Media Server on 127.0.0.1 that the REAL python-plexapi talks to.

It holds one music library in memory and speaks the XML plexapi reads (element names and
attributes as ``plexapi/server.py``, ``library.py``, ``audio.py`` and ``playlist.py`` parse
them). Every request is recorded (method, path, query, token) so tests can assert both the
resulting state and that a second sync or enrich wrote nothing.

Endpoints:

- ``GET /`` identity (``machineIdentifier``, ``friendlyName``, ``version``);
- ``GET /library``, ``GET /library/sections`` (one ``Directory`` per section);
- ``GET /library/sections/{id}/all?type=8|9|10`` artists, albums, tracks, with the
  filters ``title=`` (contains, case-insensitive), ``userRating>>=N`` (strictly greater,
  as Plex's ``>>=`` is) and ``artist.id=``;
- ``PUT /library/sections/{id}/all?type=9&id=K&summary.value=...&summary.locked=1``;
- ``GET /library/metadata/{k}`` and ``/library/metadata/{k}/allLeaves`` (an artist's tracks);
- ``GET /playlists[?playlistType=audio&title=]``, ``POST /playlists?uri=&type=audio&title=
  &smart=0`` (create with items), ``GET /playlists/{id}/items``, ``PUT /playlists/{id}/items?
  uri=`` (add), ``DELETE /playlists/{id}/items/{playlistItemID}`` (remove one entry).

Listings page with ``X-Plex-Container-Start``/``-Size`` (headers or query), answering
``size``, ``totalSize`` and ``offset`` as Plex does. A wrong ``X-Plex-Token`` gets 401. A URI
longer than :attr:`FakePlex.max_uri` gets 414, as a real server behind a proxy does.
``slow``, ``hang`` and ``fail`` (local_http.py) make it misbehave as a Plex in trouble.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

from tests.fakes.local_http import LocalHttpServer

MACHINE_ID = "f4k3pl3xm4ch1n3"


@dataclass
class Artist:
    rating_key: int
    title: str


@dataclass
class Album:
    rating_key: int
    title: str
    artist: int
    summary: str = ""
    summary_locked: bool = False
    year: int = 1965


@dataclass
class Track:
    rating_key: int
    title: str
    album: int
    artist: int
    index: int = 1
    user_rating: float | None = None


@dataclass
class Playlist:
    rating_key: int
    title: str
    entries: list[tuple[int, int]] = field(default_factory=list[tuple[int, int]])
    """(playlistItemID, track rating key), in order."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    token: str
    uri_length: int

    @property
    def writes(self) -> bool:
        return self.method in {"PUT", "POST", "DELETE"}


class FakePlex(LocalHttpServer):
    """The fake server. ``with FakePlex() as plex:`` starts it; ``plex.url`` is its address."""

    def __init__(self, token: str = "good-token", section_title: str = "Music") -> None:
        self.token = token
        self.section_key = 1
        self.sections: list[tuple[int, str, str]] = [
            (self.section_key, section_title, "artist"),
            (2, "Movies", "movie"),
        ]
        self.artists: dict[int, Artist] = {}
        self.albums: dict[int, Album] = {}
        self.tracks: dict[int, Track] = {}
        self.playlists: dict[int, Playlist] = {}
        self.requests: list[Request] = []
        self._album_sizes: dict[int, int] = {}
        self.max_uri = 8000
        self._next_key = 10_000
        self._next_item = 1
        self._lock = threading.Lock()

    # -- building the library ------------------------------------------------------------

    def _key(self) -> int:
        self._next_key += 1
        return self._next_key

    def add_artist(self, title: str) -> Artist:
        artist = Artist(self._key(), title)
        self.artists[artist.rating_key] = artist
        return artist

    def add_album(self, artist: Artist, title: str, summary: str = "") -> Album:
        album = Album(self._key(), title, artist.rating_key, summary)
        self.albums[album.rating_key] = album
        return album

    def add_track(self, album: Album, title: str, rating: float | None = None) -> Track:
        index = self._album_sizes.get(album.rating_key, 0) + 1
        self._album_sizes[album.rating_key] = index
        track = Track(self._key(), title, album.rating_key, album.artist, index, rating)
        self.tracks[track.rating_key] = track
        return track

    def add_playlist(self, title: str, track_keys: list[int]) -> Playlist:
        playlist = Playlist(self._key(), title)
        for key in track_keys:
            playlist.entries.append((self._item_id(), key))
        self.playlists[playlist.rating_key] = playlist
        return playlist

    def _item_id(self) -> int:
        self._next_item += 1
        return self._next_item

    def plays(self, user_id: int, keys: list[int], times: int = 1) -> list[dict[str, Any]]:
        """Tautulli history rows of ``user_id`` playing these tracks (FakeTautulli.plays)."""
        return [
            {
                "user_id": user_id,
                "rating_key": key,
                "grandparent_rating_key": self.tracks[key].artist,
                "media_type": "track",
            }
            for key in keys
            for _ in range(times)
        ]

    def playlist_named(self, title: str) -> Playlist | None:
        return next((p for p in self.playlists.values() if p.title == title), None)

    def _trouble_body(self, status: int) -> tuple[bytes, str]:
        return f"<html><h1>{status}</h1></html>".encode(), "text/html"

    # -- request log ----------------------------------------------------------------------

    @property
    def writes(self) -> list[Request]:
        return [r for r in self.requests if r.writes]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- HTTP -----------------------------------------------------------------------------

    def _handle(self, http: BaseHTTPRequestHandler, method: str) -> None:
        length = int(http.headers.get("Content-Length") or 0)
        if length:
            http.rfile.read(length)
        parts = urlsplit(http.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        token = http.headers.get("X-Plex-Token") or query.get("X-Plex-Token", "")
        with self._lock:
            self.requests.append(
                Request(method, parts.path, query, "***" if token else "", len(http.path))
            )
        if len(http.path) > self.max_uri:
            return self._send(http, 414, b"<html>414 Request-URI Too Large</html>", "text/html")
        if token != self.token:
            return self._send(http, 401, b"<html><h1>401 Unauthorized</h1></html>", "text/html")
        start = int(
            http.headers.get("X-Plex-Container-Start") or query.get("X-Plex-Container-Start") or 0
        )
        size_text = http.headers.get("X-Plex-Container-Size") or query.get("X-Plex-Container-Size")
        size = int(size_text) if size_text else None
        with self._lock:
            status, body = self._route(method, parts.path.rstrip("/") or "/", query, start, size)
        self._send(http, status, body, "text/xml;charset=utf-8")

    @staticmethod
    def _send(http: BaseHTTPRequestHandler, status: int, body: bytes, kind: str) -> None:
        http.send_response(status)
        http.send_header("Content-Type", kind)
        http.send_header("Content-Length", str(len(body)))
        http.end_headers()
        http.wfile.write(body)

    def _route(
        self, method: str, path: str, query: dict[str, str], start: int, size: int | None
    ) -> tuple[int, bytes]:
        if method == "GET" and path == "/":
            return 200, _xml(self._identity())
        if method == "GET" and path == "/library":
            root = Element("MediaContainer", size="1", title1="Plex Library")
            SubElement(root, "Directory", key="sections", title="Library Sections")
            return 200, _xml(root)
        if method == "GET" and path == "/library/sections":
            return 200, _xml(self._sections())
        match = re.fullmatch(r"/library/sections/(\d+)/all", path)
        if match:
            section = int(match.group(1))
            if section != self.section_key:
                return 404, b""
            if method == "PUT":
                return self._edit(query)
            if method == "GET":
                return 200, _xml(self._page(self._listing(query), start, size, section))
        match = re.fullmatch(r"/library/metadata/(\d+)(/allLeaves|/children)?", path)
        if match and method == "GET":
            return self._metadata(int(match.group(1)), match.group(2) or "", start, size)
        if path == "/playlists":
            if method == "GET":
                return 200, _xml(self._page(self._playlist_list(query), start, size, None))
            if method == "POST":
                return self._create_playlist(query)
        match = re.fullmatch(r"/playlists/(\d+)(/items)?(?:/(\d+))?", path)
        if match:
            playlist = self.playlists.get(int(match.group(1)))
            if playlist is None:
                return 404, b""
            if match.group(2) and match.group(3) and method == "DELETE":
                return self._remove(playlist, int(match.group(3)))
            if match.group(2) and method == "PUT":
                return self._add(playlist, query.get("uri", ""))
            if match.group(2) and method == "GET":
                items = [self._track_el(self.tracks[k], item_id) for item_id, k in playlist.entries]
                return 200, _xml(self._page(items, start, size, None))
            if method == "GET":
                root = Element("MediaContainer", size="1")
                root.append(self._playlist_el(playlist))
                return 200, _xml(root)
        return 404, b""

    # -- XML ------------------------------------------------------------------------------

    def _identity(self) -> Element:
        return Element(
            "MediaContainer",
            size="0",
            friendlyName="Fake Plex",
            machineIdentifier=MACHINE_ID,
            version="1.41.0.0000",
            platform="Linux",
            myPlex="1",
            myPlexUsername="owner",
            transcoderActiveVideoSessions="0",
        )

    def _sections(self) -> Element:
        root = Element("MediaContainer", size=str(len(self.sections)), title1="Plex Library")
        for key, title, kind in self.sections:
            directory = SubElement(
                root,
                "Directory",
                key=str(key),
                title=title,
                type=kind,
                agent="tv.plex.agents.music",
                scanner="Plex Music",
                language="en",
                uuid=f"section-{key}",
                allowSync="1",
                refreshing="0",
                updatedAt="1700000000",
                createdAt="1600000000",
                scannedAt="1700000000",
                content="1",
                directory="1",
            )
            SubElement(directory, "Location", id=str(key), path=f"/data/{title}")
        return root

    def _page(
        self, items: list[Element], start: int, size: int | None, section: int | None
    ) -> Element:
        chosen = items[start : start + size] if size is not None else items[start:]
        attrs = {"size": str(len(chosen)), "totalSize": str(len(items)), "offset": str(start)}
        if section is not None:
            attrs["librarySectionID"] = str(section)
            attrs["librarySectionTitle"] = self.sections[0][1]
        root = Element("MediaContainer", attrs)
        root.extend(chosen)
        return root

    def _artist_el(self, artist: Artist) -> Element:
        return Element(
            "Directory",
            ratingKey=str(artist.rating_key),
            key=f"/library/metadata/{artist.rating_key}/children",
            type="artist",
            title=artist.title,
            titleSort=artist.title,
            summary="",
            index="1",
            addedAt="1600000000",
            librarySectionID=str(self.section_key),
            librarySectionTitle=self.sections[0][1],
            librarySectionKey=f"/library/sections/{self.section_key}",
        )

    def _album_el(self, album: Album) -> Element:
        artist = self.artists[album.artist]
        el = Element(
            "Directory",
            ratingKey=str(album.rating_key),
            key=f"/library/metadata/{album.rating_key}/children",
            parentRatingKey=str(artist.rating_key),
            parentKey=f"/library/metadata/{artist.rating_key}",
            type="album",
            title=album.title,
            parentTitle=artist.title,
            summary=album.summary,
            index="1",
            year=str(album.year),
            leafCount=str(sum(1 for t in self.tracks.values() if t.album == album.rating_key)),
            addedAt="1600000000",
            librarySectionID=str(self.section_key),
            librarySectionTitle=self.sections[0][1],
            librarySectionKey=f"/library/sections/{self.section_key}",
        )
        if album.summary_locked:
            SubElement(el, "Field", locked="1", name="summary")
        return el

    def _track_el(self, track: Track, item_id: int | None = None) -> Element:
        album = self.albums[track.album]
        artist = self.artists[track.artist]
        attrs = {
            "ratingKey": str(track.rating_key),
            "key": f"/library/metadata/{track.rating_key}",
            "parentRatingKey": str(album.rating_key),
            "grandparentRatingKey": str(artist.rating_key),
            "type": "track",
            "title": track.title,
            "parentTitle": album.title,
            "grandparentTitle": artist.title,
            "index": str(track.index),
            "parentIndex": "1",
            "duration": "300000",
            "addedAt": "1600000000",
            "librarySectionID": str(self.section_key),
            "librarySectionTitle": self.sections[0][1],
            "librarySectionKey": f"/library/sections/{self.section_key}",
        }
        if track.user_rating is not None:
            attrs["userRating"] = f"{track.user_rating:g}"
        if item_id is not None:
            attrs["playlistItemID"] = str(item_id)
        return Element("Track", attrs)

    def _playlist_el(self, playlist: Playlist) -> Element:
        return Element(
            "Playlist",
            ratingKey=str(playlist.rating_key),
            key=f"/playlists/{playlist.rating_key}/items",
            guid=f"com.plexapp.agents.none://{playlist.rating_key}",
            type="playlist",
            title=playlist.title,
            summary="",
            smart="0",
            playlistType="audio",
            leafCount=str(len(playlist.entries)),
            duration=str(300000 * len(playlist.entries)),
            addedAt="1600000000",
            updatedAt="1700000000",
        )

    # -- reading --------------------------------------------------------------------------

    def _listing(self, query: dict[str, str]) -> list[Element]:
        kind = query.get("type", "")
        title = query.get("title", "").casefold()
        if kind == "8":
            found = [a for a in self.artists.values() if title in a.title.casefold()]
            return [self._artist_el(a) for a in sorted(found, key=lambda a: a.title)]
        if kind == "9":
            albums = [a for a in self.albums.values() if title in a.title.casefold()]
            return [self._album_el(a) for a in albums]
        tracks = list(self.tracks.values())
        if "userRating>>" in query:
            # Plex's ``>>=`` is "strictly greater than" (``userRating>>=8`` is 9 and 10).
            floor = float(query["userRating>>"])
            tracks = [t for t in tracks if t.user_rating is not None and t.user_rating > floor]
        if "artist.id" in query:
            tracks = [t for t in tracks if t.artist == int(query["artist.id"])]
        if title:
            tracks = [t for t in tracks if title in t.title.casefold()]
        return [self._track_el(t) for t in tracks]

    def _metadata(self, key: int, tail: str, start: int, size: int | None) -> tuple[int, bytes]:
        if key in self.artists:
            if tail == "/allLeaves":
                tracks = [self._track_el(t) for t in self.tracks.values() if t.artist == key]
                return 200, _xml(self._page(tracks, start, size, self.section_key))
            if tail == "/children":
                albums = [self._album_el(a) for a in self.albums.values() if a.artist == key]
                return 200, _xml(self._page(albums, start, size, self.section_key))
            return 200, _xml(self._page([self._artist_el(self.artists[key])], 0, None, 1))
        if key in self.albums:
            if tail == "/children":
                tracks = [self._track_el(t) for t in self.tracks.values() if t.album == key]
                return 200, _xml(self._page(tracks, start, size, self.section_key))
            return 200, _xml(self._page([self._album_el(self.albums[key])], 0, None, 1))
        if key in self.tracks and not tail:
            return 200, _xml(self._page([self._track_el(self.tracks[key])], 0, None, 1))
        return 404, b""

    def _playlist_list(self, query: dict[str, str]) -> list[Element]:
        title = query.get("title")
        chosen = [p for p in self.playlists.values() if title is None or p.title == title]
        return [self._playlist_el(p) for p in chosen]

    # -- writing --------------------------------------------------------------------------

    def _edit(self, query: dict[str, str]) -> tuple[int, bytes]:
        for key in query.get("id", "").split(","):
            album = self.albums.get(int(key)) if key.isdigit() else None
            if album is None:
                return 404, b""
            if "summary.value" in query:
                album.summary = query["summary.value"]
            if "summary.locked" in query:
                album.summary_locked = query["summary.locked"] == "1"
        return 200, b""

    def _uri_keys(self, uri: str) -> list[int] | None:
        match = re.fullmatch(
            r"server://([^/]+)/com\.plexapp\.plugins\.library/library/metadata/([\d,]+)",
            unquote(uri),
        )
        if match is None or match.group(1) != MACHINE_ID:
            return None
        keys = [int(k) for k in match.group(2).split(",")]
        return keys if all(k in self.tracks for k in keys) else None

    def _create_playlist(self, query: dict[str, str]) -> tuple[int, bytes]:
        keys = self._uri_keys(query.get("uri", ""))
        if keys is None or query.get("type") != "audio" or not query.get("title"):
            return 400, b""
        playlist = self.add_playlist(query["title"], keys)
        root = Element("MediaContainer", size="1")
        root.append(self._playlist_el(playlist))
        return 200, _xml(root)

    def _add(self, playlist: Playlist, uri: str) -> tuple[int, bytes]:
        keys = self._uri_keys(uri)
        if keys is None:
            return 400, b""
        for key in keys:
            playlist.entries.append((self._item_id(), key))
        root = Element("MediaContainer", size="1", leafCountAdded=str(len(keys)))
        root.append(self._playlist_el(playlist))
        return 200, _xml(root)

    def _remove(self, playlist: Playlist, item_id: int) -> tuple[int, bytes]:
        before = len(playlist.entries)
        playlist.entries = [(i, k) for i, k in playlist.entries if i != item_id]
        if len(playlist.entries) == before:
            return 404, b""
        root = Element("MediaContainer", size="1")
        root.append(self._playlist_el(playlist))
        return 200, _xml(root)


def _xml(root: Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")


def jazz_library(plex: FakePlex) -> dict[str, Any]:
    """A small library the tests share: two Coltranes, a Miles Davis, ratings, one playlist."""
    coltrane = plex.add_artist("John Coltrane")
    alice = plex.add_artist("Alice Coltrane")
    miles = plex.add_artist("Miles Davis")
    supreme = plex.add_album(coltrane, "A Love Supreme", "A landmark album.")
    ballads = plex.add_album(coltrane, "Ballads")
    journey = plex.add_album(alice, "Journey in Satchidananda")
    kob = plex.add_album(miles, "Kind of Blue")
    kob_legacy = plex.add_album(miles, "Kind of Blue (Legacy Edition)")
    tracks = [
        plex.add_track(supreme, "Part 1: Acknowledgement", 10),
        plex.add_track(supreme, "Part 2: Resolution", 8),
        plex.add_track(supreme, "Part 3: Pursuance", 6),
        plex.add_track(supreme, "Part 4: Psalm"),
        plex.add_track(ballads, "Say It (Over and Over Again)", 9),
        plex.add_track(journey, "Journey in Satchidananda", 8),
        plex.add_track(kob, "So What", 7),
        plex.add_track(kob, "Freddie Freeloader", 10),
        plex.add_track(kob_legacy, "So What (alternate take)", 4),
    ]
    return {
        "coltrane": coltrane,
        "alice": alice,
        "miles": miles,
        "supreme": supreme,
        "kob": kob,
        "kob_legacy": kob_legacy,
        "tracks": tracks,
    }


__all__ = ["MACHINE_ID", "FakePlex", "Request", "jazz_library"]
