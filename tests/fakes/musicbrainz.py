"""A fake MusicBrainz JSON web service (and Discogs) on 127.0.0.1, in its own thread.

- ``GET /ws/2/release?query=release:"X" AND artist:"Y"&fmt=json`` -> ``{"releases": [...]}``
  with ``score`` (100 for a title match), ``artist-credit``; nothing found -> an empty list;
- ``GET /ws/2/release/{mbid}?inc=...&fmt=json`` -> the fixture in tests/fixtures/musicbrainz/;
- ``GET /database/search`` and ``GET /releases/{id}`` -> Discogs' shapes (``results``,
  ``extraartists`` with ``role`` strings), when ``discogs`` releases are added.

:meth:`FakeMusicBrainz.fail_next` makes the next N requests answer 503 with a
``Retry-After``, as MusicBrainz does when asked too often. ``generate=True`` answers any
album title with a made-up release with two credits (the benchmark's 20 albums). Every
request is logged with its arrival time (``time.monotonic``) and User-Agent. ``slow``,
``hang`` and ``fail`` (local_http.py) make it misbehave as a service in trouble.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.local_http import LocalHttpServer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "musicbrainz"


@dataclass(frozen=True)
class Seen:
    path: str
    query: dict[str, str]
    user_agent: str
    authorization: str
    at: float


def _load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class FakeMusicBrainz(LocalHttpServer):
    def __init__(self, *, generate: bool = False) -> None:
        self.releases: dict[str, dict[str, Any]] = {}
        for path in sorted(FIXTURES.glob("release__*.json")):
            release = _load(path.name)
            self.releases[release["id"]] = release
        self.discogs: dict[int, dict[str, Any]] = {}
        self.generate = generate
        self.seen: list[Seen] = []
        self._fail: list[tuple[int, str]] = []
        self._lock = threading.Lock()

    def fail_next(self, count: int, *, status: int = 503, retry_after: str = "1") -> None:
        with self._lock:
            self._fail.extend([(status, retry_after)] * count)

    def add_discogs(
        self, release_id: int, title: str, artist: str, extraartists: list[Any]
    ) -> None:
        self.discogs[release_id] = {
            "id": release_id,
            "title": title,
            "artists": [{"name": artist, "anv": "", "id": 1}],
            "extraartists": extraartists,
            "tracklist": [],
        }

    def _trouble_body(self, status: int) -> tuple[bytes, str]:
        return json.dumps({"error": f"HTTP {status}"}).encode(), "application/json"

    # -- HTTP ---------------------------------------------------------------------------

    def _handle(self, http: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(http.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            self.seen.append(
                Seen(
                    parts.path,
                    query,
                    http.headers.get("User-Agent", ""),
                    "set" if http.headers.get("Authorization") else "",
                    time.monotonic(),
                )
            )
            failure = self._fail.pop(0) if self._fail else None
        if failure is not None:
            status, retry_after = failure
            body = {"error": "Your requests are exceeding the allowable rate limit."}
            return self._send(http, status, body, {"Retry-After": retry_after})
        status, body = self._route(parts.path, query)
        self._send(http, status, body, {})

    @staticmethod
    def _send(
        http: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str]
    ) -> None:
        data = json.dumps(body).encode()
        http.send_response(status)
        http.send_header("Content-Type", "application/json; charset=utf-8")
        http.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            http.send_header(key, value)
        http.end_headers()
        http.wfile.write(data)

    def _route(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        if path == "/ws/2/release":
            return 200, self._search(query.get("query", ""))
        match = re.fullmatch(r"/ws/2/release/([0-9a-f-]+)", path)
        if match:
            release = self.releases.get(match.group(1))
            return (200, release) if release else (404, {"error": "Not Found"})
        if path == "/database/search":
            title = query.get("release_title", "").casefold()
            found = [r for r in self.discogs.values() if r["title"].casefold() == title]
            return 200, {"pagination": {"items": len(found)}, "results": found}
        match = re.fullmatch(r"/releases/(\d+)", path)
        if match and int(match.group(1)) in self.discogs:
            return 200, self.discogs[int(match.group(1))]
        return 404, {"error": "Not Found"}

    def _search(self, lucene: str) -> dict[str, Any]:
        match = re.search(r'release:"((?:[^"\\]|\\.)*)"', lucene)
        title = re.sub(r"\\(.)", r"\1", match.group(1)) if match else ""
        found = [r for r in self.releases.values() if r["title"].casefold() == title.casefold()]
        if not found and self.generate and title:
            mbid = hashlib.md5(title.encode()).hexdigest()
            mbid = f"{mbid[:8]}-{mbid[8:12]}-{mbid[12:16]}-{mbid[16:20]}-{mbid[20:32]}"
            self.releases[mbid] = _generated(mbid, title)
            found = [self.releases[mbid]]
        releases = [
            {"id": r["id"], "score": 100, "title": r["title"], "status": "Official"} for r in found
        ]
        return {
            "created": "2026-12-01T00:00:00.000Z",
            "count": len(releases),
            "offset": 0,
            "releases": releases,
        }


def _generated(mbid: str, title: str) -> dict[str, Any]:
    def rel(name: str, instrument: str) -> dict[str, Any]:
        return {
            "type": "instrument",
            "target-type": "artist",
            "attributes": [instrument],
            "target-credit": "",
            "artist": {"id": mbid, "name": name},
        }

    recording = {"id": f"{mbid}-r", "title": title, "relations": [rel("Player Two", "bass")]}
    return {
        "id": mbid,
        "title": title,
        "relations": [rel("Player One", "piano")],
        "media": [{"position": 1, "tracks": [{"position": 1, "recording": recording}]}],
    }


__all__ = ["FakeMusicBrainz"]
