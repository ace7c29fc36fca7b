"""Album credits from MusicBrainz's JSON web service (and Discogs when a token is set).

Politeness, as MusicBrainz asks (https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting):

- at most one request a second for the whole process: every client shares one
  :class:`RateLimiter` (:data:`INTERVAL` apart), made once in the composition root;
- ``MUSICBRAINZ_USER_AGENT`` on every request;
- a 503 is waited out for its ``Retry-After`` (capped), a connection error or a timeout
  retried with a growing wait, both at most ``attempts`` times and all within one overall
  deadline (``deadline``, 20 s, or the :class:`~tgraph_bot.core.breaker.Deadline` of the
  command): a service that hangs is reported when it passes, not after ``attempts``
  timeouts. Then the cause: slow (it accepted, no answer in time), cannot reach (refused,
  unknown host), or the HTTP status it answered;
- a lookup that failed because the service cannot answer opens a breaker: for
  ``breaker_seconds`` lookups answer at once "not answering, next try in N s" (the cache
  still answers);
- every good answer is kept in SQLite (the data is CC0), so asking again asks nobody.

Credits are the performer relations: ``instrument`` and ``vocal`` relations to an artist, at
release level and on every recording, named by ``target-credit`` when the release credits
the artist under another name. Relation attributes such as "guest", "additional" or "solo"
qualify a credit; they are not instruments, so they are left out of the role.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, cast
from urllib.parse import urlencode

import httpx

from tgraph_bot.core.breaker import Breaker, Deadline, Monotonic, seconds_text
from tgraph_bot.core.plex import Credit
from tgraph_bot.errors import (
    MetadataRefused,
    MetadataSlow,
    MetadataUnavailable,
    MetadataUnreachable,
    NotAnswering,
)
from tgraph_bot.services.ports.common import Clock, Sleep
from tgraph_bot.services.ports.plex import CreditsCache

log = logging.getLogger(__name__)

_Json = tuple[str, Any]
"""An answer's text (kept in the cache) and its parsed JSON."""

MUSICBRAINZ_URL = "https://musicbrainz.org"
DISCOGS_URL = "https://api.discogs.com"
INTERVAL = 1.1
"""Seconds between two MusicBrainz requests: one a second, with 0.1 s to spare for network
jitter, so the server never sees two within one second (measured: the bench prints it)."""
CACHE_DAYS = 30
MAX_RETRY_AFTER = 30.0
DEADLINE = 20.0
"""Seconds one lookup (or one command's lookups together) waits in all, retries included."""
MIN_ATTEMPT = 0.25
"""An attempt is only worth making with at least this long to answer."""

QUALIFIERS = frozenset(
    {"guest", "additional", "solo", "minor", "assistant", "co", "executive", "instrument"}
)
"""Relation attributes that say how someone played, not what."""

_NOT_PERFORMING = re.compile(
    r"producer|engineer|mastered|mixed|recorded|liner notes|photograph|design|artwork|"
    r"written|composed|arranged|lyrics|music by|supervised|remaster|lacquer|art direction|"
    r"cover|notes|executive|a&r|management|edited|transferred|technician",
    re.IGNORECASE,
)


class RateLimiter:
    """At most one request every ``interval`` seconds among everyone who shares it."""

    def __init__(
        self,
        interval: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._next = 0.0

    async def wait(self) -> None:
        async with self._lock:
            delay = self._next - self._monotonic()
            if delay > 0:
                await self._sleep(delay)
            self._next = self._monotonic() + self.interval

    def hold(self, seconds: float) -> None:
        """Nobody asks for ``seconds`` (a server's Retry-After)."""
        self._next = max(self._next, self._monotonic() + seconds)

    def free_in(self) -> float:
        """Seconds until the next request may be sent (0: now)."""
        return max(0.0, self._next - self._monotonic())


class _JsonService:
    """One polite JSON web service: rate limit, User-Agent, retries, SQLite cache."""

    name = "?"

    def __init__(
        self,
        url: str,
        user_agent: str,
        *,
        limiter: RateLimiter,
        cache: CreditsCache | None,
        clock: Clock,
        transport: httpx.AsyncBaseTransport | None = None,
        attempts: int = 3,
        timeout: float = 10.0,
        deadline: float = DEADLINE,
        breaker_seconds: float = 60.0,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self._limiter = limiter
        self._cache = cache
        self._clock = clock
        self._attempts = max(1, attempts)
        self._timeout = timeout
        self._deadline = deadline
        self._sleep = sleep
        self._monotonic = monotonic
        self._breaker: Breaker[MetadataUnavailable] = Breaker(breaker_seconds, monotonic)
        self.requests = 0
        """Requests actually sent (cache hits not counted); the benchmark reads it."""
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            trust_env=False,
            headers={"User-Agent": user_agent, "Accept": "application/json", **(headers or {})},
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> _JsonService:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _get(
        self, path: str, params: Mapping[str, str], deadline: Deadline | None = None
    ) -> Any:
        """The answer's JSON (None for a 404), from the cache when it holds it."""
        target = f"{path}?{urlencode(sorted(params.items()))}"
        now = self._clock()
        if self._cache is not None:
            kept = await self._cache.cached(target, timedelta(days=CACHE_DAYS), now)
            if kept is not None:
                return json.loads(kept)
        blocked = self._breaker.blocked()
        if blocked is not None:
            raise NotAnswering(self.name, math.ceil(self._breaker.remaining()), blocked)
        mine = Deadline.after(self._deadline, self._monotonic)
        if deadline is None or deadline.at > mine.at:
            deadline = mine
        asked = self.requests
        answer = await self._ask(path, params, deadline)
        if isinstance(answer, MetadataUnavailable):
            if _service_down(answer) and self.requests > asked:  # not when it was not asked
                self._breaker.trip(answer)
            raise answer
        self._breaker.reset()
        if answer is None:
            return None
        text, data = answer
        if self._cache is not None:
            await self._cache.keep(target, text, now)
        return data

    async def _ask(
        self, path: str, params: Mapping[str, str], deadline: Deadline
    ) -> _Json | MetadataUnavailable | None:
        """The answer (text and JSON), None for a 404, or why there is none: attempts while
        the deadline leaves time for one."""
        error: MetadataUnavailable = MetadataSlow(
            service=self.name, seconds=seconds_text(deadline.seconds)
        )
        waited = 0.0  # for the service's answers, over every attempt
        for attempt in range(1, self._attempts + 1):
            remaining = deadline.remaining() - self._limiter.free_in()
            if remaining < MIN_ATTEMPT:
                break
            limit = min(self._timeout, remaining)
            answer = await self._attempt(path, params, limit)
            if not isinstance(answer, MetadataUnavailable):
                return answer
            error = answer
            log.info("%s: %s (attempt %d)", self.name, error, attempt)
            if isinstance(error, MetadataSlow):
                waited += limit
                error = MetadataSlow(service=self.name, seconds=seconds_text(waited))
            if isinstance(error, MetadataSlow | MetadataUnreachable):
                wait = 2.0 * attempt
                if attempt == self._attempts or deadline.remaining() - wait < MIN_ATTEMPT:
                    break
                await self._sleep(wait)
            elif not _busy(error):
                break  # asking again gets the same answer
        return error

    async def _attempt(
        self, path: str, params: Mapping[str, str], limit: float
    ) -> _Json | MetadataUnavailable | None:
        try:
            # The rate limit's wait is not the service's: it is added to the limit.
            async with asyncio.timeout(self._limiter.free_in() + limit):
                await self._limiter.wait()
                self.requests += 1
                response = await self._http.get(f"{self.url}{path}", params=params, timeout=limit)
        except httpx.ConnectTimeout:
            return MetadataUnreachable(service=self.name, url=self.url)  # never accepted
        except (TimeoutError, httpx.TimeoutException):
            return MetadataSlow(service=self.name, seconds=seconds_text(limit))
        except httpx.HTTPError:
            return MetadataUnreachable(service=self.name, url=self.url)
        if response.status_code in {429, 503}:
            wait = _retry_after(response.headers.get("Retry-After"))
            log.info("%s: HTTP %d, waiting %.1f s", self.name, response.status_code, wait)
            self._limiter.hold(wait)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            return MetadataRefused(service=self.name, status=response.status_code)
        try:
            return response.text, response.json()
        except ValueError:
            return MetadataUnavailable(service=self.name)


def _busy(error: MetadataUnavailable) -> bool:
    """A 429 or 503: the service asks to be asked later (its Retry-After is kept)."""
    return isinstance(error, MetadataRefused) and error.params["status"] in {429, 503}


def _service_down(error: MetadataUnavailable) -> bool:
    """The service cannot answer now (slow, unreachable, busy, failing): the breaker opens.
    A refused token or request is not: it is not "down", and the next lookup says so."""
    if isinstance(error, MetadataRefused):
        return _busy(error) or int(error.params["status"]) >= 500
    return isinstance(error, MetadataSlow | MetadataUnreachable)


def _retry_after(value: str | None) -> float:
    try:
        seconds = float(value) if value else 1.0
    except ValueError:
        seconds = 1.0
    return min(MAX_RETRY_AFTER, max(1.0, seconds))


def _lucene(text: str) -> str:
    return '"' + re.sub(r'([+\-&|!(){}\[\]^"~*?:\\/])', r"\\\1", text) + '"'


def _as_list(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [cast(Mapping[str, Any], v) for v in cast(list[object], value) if isinstance(v, Mapping)]


def relation_credits(relations: object) -> list[Credit]:
    """Performer credits in MusicBrainz relations (``instrument`` and ``vocal`` to artists)."""
    found: list[Credit] = []
    for rel in _as_list(relations):
        kind = rel.get("type")
        if rel.get("target-type") != "artist" or kind not in {"instrument", "vocal"}:
            continue
        artist = cast(Mapping[str, Any], rel.get("artist") or {})
        name = str(rel.get("target-credit") or artist.get("name") or "").strip()
        attributes = rel.get("attributes")
        roles = [
            str(a)
            for a in (cast(list[object], attributes) if isinstance(attributes, list) else [])
            if str(a).casefold() not in QUALIFIERS
        ]
        if kind == "vocal" and not roles:
            roles = ["vocals"]
        found.extend(Credit(name, role) for role in roles)
    return found


class MusicBrainz(_JsonService):
    name = "MusicBrainz"

    async def album_credits(
        self, artist: str, album: str, *, deadline: Deadline | None = None
    ) -> list[Credit] | None:
        query = f"release:{_lucene(album)}" + (f" AND artist:{_lucene(artist)}" if artist else "")
        params = {"query": query, "fmt": "json", "limit": "5"}
        found = await self._get("/ws/2/release", params, deadline)
        releases = _as_list(cast(Mapping[str, Any], found or {}).get("releases"))
        releases = [r for r in releases if int(r.get("score") or 0) >= 80]
        if not releases:
            return None
        mbid = str(releases[0]["id"])
        inc = "artist-rels+recordings+recording-level-rels"
        release = await self._get(f"/ws/2/release/{mbid}", {"inc": inc, "fmt": "json"}, deadline)
        if not isinstance(release, Mapping):
            return None
        body = cast(Mapping[str, Any], release)
        credits = relation_credits(body.get("relations"))
        for medium in _as_list(body.get("media")):
            for track in _as_list(medium.get("tracks")):
                recording = cast(Mapping[str, Any], track.get("recording") or {})
                credits.extend(relation_credits(recording.get("relations")))
        return credits


def discogs_credits(extraartists: object) -> list[Credit]:
    """Performer credits in Discogs ``extraartists`` ("Tenor Saxophone [Guest], Piano")."""
    found: list[Credit] = []
    for person in _as_list(extraartists):
        name = re.sub(r"\s*\(\d+\)$", "", str(person.get("anv") or person.get("name") or ""))
        for role in str(person.get("role") or "").split(","):
            role = re.sub(r"\[[^\]]*\]", "", role).strip()
            if role and not _NOT_PERFORMING.search(role):
                found.append(Credit(name, role))
    return found


class Discogs(_JsonService):
    name = "Discogs"

    def __init__(self, url: str, user_agent: str, token: str, **kw: Any) -> None:
        super().__init__(url, user_agent, headers={"Authorization": f"Discogs token={token}"}, **kw)

    async def album_credits(
        self, artist: str, album: str, *, deadline: Deadline | None = None
    ) -> list[Credit] | None:
        params = {"type": "release", "release_title": album, "per_page": "5"}
        if artist:
            params["artist"] = artist
        found = await self._get("/database/search", params, deadline)
        results = _as_list(cast(Mapping[str, Any], found or {}).get("results"))
        if not results:
            return None
        release = await self._get(f"/releases/{int(results[0]['id'])}", {}, deadline)
        if not isinstance(release, Mapping):
            return None
        body = cast(Mapping[str, Any], release)
        credits = discogs_credits(body.get("extraartists"))
        for track in _as_list(body.get("tracklist")):
            credits.extend(discogs_credits(track.get("extraartists")))
        return credits


__all__ = [
    "DISCOGS_URL",
    "INTERVAL",
    "MUSICBRAINZ_URL",
    "Discogs",
    "MusicBrainz",
    "RateLimiter",
    "discogs_credits",
    "relation_credits",
]
