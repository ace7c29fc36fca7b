"""Tautulli's HTTP API: one request function, typed answers, retries, clear errors, and the
last good answer while Tautulli is down.

Every command goes through :meth:`TautulliClient._request`, which

- sends ``GET <TAUTULLI_URL normalised to .../api/v2>?cmd=...&apikey=...&<args>``;
- bounds each attempt with a total deadline (a Tautulli that hangs never answers);
- reads ``response.result``, not only the HTTP status: every Tautulli error is HTTP 400
  with ``"result": "error"`` (a wrong key too), an exception inside Tautulli is 500;
- retries connection errors, timeouts and 5xx only (never a 400 or a refused key), with
  exponential backoff and full jitter, within ``retry_budget`` seconds in total: a retry
  is made only when it still has 0.25 s (or the whole timeout) to answer before the budget
  ends, and its timeout is cut to what is left. The first attempt always has the full
  timeout, so one call takes at most about ``max(timeout, retry_budget)``. A render
  passes one :class:`~tgraph_bot.core.breaker.Deadline` to all its graphs: retries stop
  when it passes, so the twelve graphs share one budget;
- opens a breaker when a request gives up on an unavailable Tautulli, or gets an answer
  that every request would get (a refused key, a page that is not the API): for
  ``breaker_seconds`` every request fails at once with that same error, unsent, so the
  other graphs fall back to the cache at once and the failure reads as one line. A
  success, or :meth:`TautulliClient.reconfigure`, closes it;
- reports a timeout with the time really waited over every attempt.

The API key is added to the URL by a small transport wrapper *below* httpx's client, so
the URL httpx logs ("HTTP Request: GET ...") and attaches to its exceptions never holds the
key. httpx exceptions are never chained into ours (``raise ... from None``): their text may
hold URLs. Our messages show the URL without credentials, query or fragment.

:class:`CachedGraphSource` keeps every good graph answer in a cache (in SQLite:
storage.graph_cache) and serves the last one, marked stale, when Tautulli is *unavailable*
(unreachable, timing out, failing with 5xx). A refused key, a URL that is not Tautulli's
API and an outdated Tautulli are not masked by old data: the admin has to learn about them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date
from types import TracebackType
from typing import Any, Final, cast, get_args

import httpx

from tgraph_bot import __version__
from tgraph_bot.core.activity import Activity, parse_activity
from tgraph_bot.core.breaker import Breaker, Deadline, seconds_text
from tgraph_bot.core.graphdata import (
    TOTAL_SERIES,
    FetchedGraph,
    GraphAnswers,
    GraphData,
    GraphDataError,
    GraphKey,
    YAxis,
)
from tgraph_bot.core.history import (
    HistoryAnswer,
    HistoryFilter,
    Play,
    parse_history,
    parse_user_sessions,
    slim_row,
)
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.core.users import TautulliUser, find_by_email, parse_users
from tgraph_bot.errors import (
    TautulliAuthError,
    TautulliError,
    TautulliNotApi,
    TautulliServerError,
    TautulliTimeout,
    TautulliUnknownCommand,
    TautulliUnreachable,
)
from tgraph_bot.graphs.registry import GRAPHS
from tgraph_bot.i18n import N_
from tgraph_bot.services.ports.common import Clock, Sleep
from tgraph_bot.services.ports.graphs import GraphCache

log = logging.getLogger(__name__)

GRAPH_COMMANDS: Final[frozenset[str]] = frozenset(spec.command for spec in GRAPHS)
"""Tautulli's aggregate graph commands, one per registered graph: the only ones
:meth:`TautulliClient.graph` sends."""

_Y_AXES: Final[frozenset[str]] = frozenset(get_args(YAxis))

BAD_SHAPE = N_("Tautulli's answer to {command} has an unexpected shape: is Tautulli up to date?")
API_DISABLED = N_(
    "Tautulli's API is switched off: enable it in Tautulli > Settings > Web Interface"
)

REFUSED = N_("Tautulli refused the request {command}: {detail}")
REDIRECTED = N_(
    "{url} redirects to {location}: set TAUTULLI_URL to the address Tautulli is really at"
)


HISTORY_PAGE: Final = 50_000
"""Rows a history request asks for: a busy server's month in one page."""
USERS_PAGE: Final = 100_000
"""Users a ``get_users_table`` request asks for: every user of any server in one page."""
HISTORY_TIMEOUT: Final = 60.0
"""Seconds one history request may take: Tautulli reads every row of the window first."""


_MIN_ATTEMPT: Final = 0.25
"""A retry is only worth making with at least this long (or the whole timeout) to answer."""


def api_url(url: str) -> httpx.URL:
    """``TAUTULLI_URL`` pointed at ``.../api/v2`` exactly once.

    Accepts ``http://host:8181``, ``http://host:8181/api/v2``, either with a trailing slash,
    and a reverse proxy's base path such as ``https://example.org/tautulli``. A query or
    fragment pasted along with the URL is dropped (it could hold an old ``apikey=``).
    """
    parsed = httpx.URL(url.strip())
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        raise ValueError("TAUTULLI_URL must look like http://host:8181 or https://host/path")
    path = parsed.path.rstrip("/")
    lowered = path.lower()
    if lowered.endswith("/api/v2"):
        pass
    elif lowered.endswith("/api"):
        path += "/v2"
    else:
        path += "/api/v2"
    return parsed.copy_with(path=path, query=None, fragment=None)


def display_url(url: httpx.URL) -> str:
    """The URL as it may be shown to a person: no user:password, no query, no fragment."""
    return f"{url.scheme}://{url.netloc.decode('ascii')}{url.path}"


class _ApiKeyTransport(httpx.AsyncBaseTransport):
    """Adds ``apikey`` to the query on the way out, below the client's logging."""

    def __init__(self, inner: httpx.AsyncBaseTransport, api_key: str) -> None:
        self._inner = inner
        self._api_key = api_key

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        keyed = httpx.Request(
            request.method,
            request.url.copy_add_param("apikey", self._api_key),
            headers=request.headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        return await self._inner.handle_async_request(keyed)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass(frozen=True, slots=True)
class _Answer:
    """What one HTTP exchange told us, before it is judged."""

    status: int
    result: str | None
    message: str | None
    data: object


ObjectHook = Callable[[dict[str, Any]], object]
"""Turns each JSON object as it is read (``json.loads``'s ``object_hook``)."""


def _decode(status: int, content: bytes, hook: ObjectHook | None = None) -> _Answer:
    try:
        body: object = json.loads(content, object_hook=hook)
    except ValueError:
        return _Answer(status, None, None, None)
    if not isinstance(body, Mapping):
        return _Answer(status, None, None, None)
    response = cast("Mapping[str, object]", body).get("response")
    if not isinstance(response, Mapping):
        return _Answer(status, None, None, None)
    fields = cast("Mapping[str, object]", response)
    result = fields.get("result")
    message = fields.get("message")
    return _Answer(
        status,
        result if isinstance(result, str) else None,
        message if isinstance(message, str) else None,
        fields.get("data"),
    )


@dataclass(slots=True)
class _Connection:
    """Where requests go: swapped whole, so a request never mixes two configurations."""

    endpoint: httpx.URL
    url: str
    api_key: str
    http: httpx.AsyncClient
    source: tuple[str, str]
    """The (TAUTULLI_URL, key) it was made from."""


class TautulliClient(GraphAnswers[GraphData]):
    """Tautulli's API over one ``httpx.AsyncClient``. Open with ``async with``.

    :meth:`reconfigure` points it at another URL or key (a live ``/config edit``): requests
    already on their way finish on the old connection, later ones use the new.
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        retry_budget: float = 20.0,
        breaker_seconds: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._timeout = timeout
        self._retry_budget = max(0.0, retry_budget)
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._sleep = sleep
        self._monotonic = monotonic
        self._rng = rng or random.Random()
        self._transport = transport
        self._retired: list[httpx.AsyncClient] = []
        self._breaker: Breaker[TautulliError] = Breaker(breaker_seconds, monotonic)
        self._conn = self._connect(url, api_key)

    def _connect(self, url: str, api_key: str) -> _Connection:
        endpoint = api_url(url)
        # user:password in TAUTULLI_URL (a reverse proxy's basic auth) is sent as a header,
        # never as part of the URL httpx logs.
        auth = (
            httpx.BasicAuth(endpoint.username, endpoint.password)
            if endpoint.username or endpoint.password
            else None
        )
        endpoint = endpoint.copy_with(username=None, password=None)
        inner = self._transport if self._transport is not None else httpx.AsyncHTTPTransport()
        http = httpx.AsyncClient(
            transport=_ApiKeyTransport(inner, api_key),
            auth=auth,
            timeout=httpx.Timeout(self._timeout),
            follow_redirects=False,
            # No proxies from the environment: they would bypass the transport above.
            trust_env=False,
            headers={"Accept": "application/json", "User-Agent": f"tgraph-bot/{__version__}"},
        )
        return _Connection(endpoint, display_url(endpoint), api_key, http, (url, api_key))

    @property
    def url(self) -> str:
        """The API URL as it may be shown: no credentials, no key."""
        return self._conn.url

    def reconfigure(self, url: str, api_key: str) -> None:
        """Use another URL or key from the next request on (safe from any thread)."""
        if (url, api_key) == self._conn.source:
            return
        conn = self._connect(url, api_key)
        old, self._conn = self._conn, conn
        self._retired.append(old.http)  # closed with the client: requests may be in flight
        self._breaker.reset()

    async def __aenter__(self) -> TautulliClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for http in [*self._retired, self._conn.http]:
            await http.aclose()
        self._retired.clear()

    # -- the one request function ------------------------------------------------------------

    async def _request(
        self,
        command: str,
        params: Mapping[str, str | int],
        deadline: Deadline | None = None,
        *,
        attempt_seconds: float | None = None,
        probe: bool = False,
        hook: ObjectHook | None = None,
    ) -> object:
        """``data`` of Tautulli's answer to ``command``, or a :class:`TautulliError`.

        While the breaker is open, the error that opened it is raised without asking.
        ``deadline``, when given, is shared by several calls (one render): retries stop
        when either it or this call's own ``retry_budget`` runs out. A ``probe`` asks
        once, without retries, even while the breaker is open: its success closes it.
        """
        blocked = None if probe else self._breaker.blocked()
        if blocked is not None:
            raise blocked.with_traceback(None)
        conn = self._conn
        query = {"cmd": command, **{key: str(value) for key, value in params.items()}}
        started = self._monotonic()
        limit = attempt_seconds or self._timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                data = await self._attempt(conn, command, query, limit, hook)
            except TautulliError as exc:
                error = exc
            else:
                if conn is self._conn:
                    self._breaker.reset()
                return data
            # Decided outside the ``except``: an error made here has no ``__context__``.
            if error.unavailable and not probe:
                ceiling = min(self._backoff_cap, self._backoff_base * 2 ** (attempt - 1))
                delay = self._rng.uniform(0.0, ceiling)
                remaining = self._retry_budget - (self._monotonic() - started) - delay
                if deadline is not None:
                    remaining = min(remaining, deadline.remaining() - delay)
                if remaining >= min(attempt_seconds or self._timeout, _MIN_ATTEMPT):
                    log.info("Tautulli %s: %s; retrying in %.2f s", command, error, delay)
                    limit = min(attempt_seconds or self._timeout, remaining)
                    await self._sleep(delay)
                    continue
                if isinstance(error, TautulliTimeout):
                    # The time really waited, not one attempt's timeout.
                    waited = self._monotonic() - started
                    error = TautulliTimeout(url=conn.url, seconds=seconds_text(waited))
                # The caller reports it (or serves the cache): one line per event.
                log.debug("Tautulli %s failed after %d attempt(s): %s", command, attempt, error)
            if (error.unavailable or error.whole_api) and conn is self._conn:
                # Every other request would fail alike: answer them at once for a while.
                self._breaker.trip(error)
            raise error

    async def _send(
        self, conn: _Connection, query: Mapping[str, str], limit: float
    ) -> httpx.Response | TautulliError:
        try:
            async with asyncio.timeout(limit):
                return await conn.http.get(conn.endpoint, params=query, timeout=limit)
        except (TimeoutError, httpx.TimeoutException):
            return TautulliTimeout(url=conn.url, seconds=seconds_text(limit))
        except httpx.HTTPError:
            # Connection refused, DNS, reset, TLS, ... The httpx text may hold URLs: not shown.
            return TautulliUnreachable(url=conn.url)

    async def _attempt(
        self,
        conn: _Connection,
        command: str,
        query: Mapping[str, str],
        limit: float,
        hook: ObjectHook | None,
    ) -> object:
        started = time.perf_counter()
        response = await self._send(conn, query, limit)
        if isinstance(response, TautulliError):
            # Raised here, outside the ``except``, so not even ``__context__`` holds httpx's
            # exception (whose text may hold URLs).
            raise response
        if response.is_redirect:
            # Never followed: the redirect would carry the key to wherever it points.
            location = response.headers.get("Location", "")
            try:
                shown = display_url(conn.endpoint.join(location)) if location else "?"
            except (httpx.InvalidURL, UnicodeError):
                shown = "?"
            raise TautulliNotApi(REDIRECTED, url=conn.url, location=shown)
        answer = _decode(response.status_code, response.content, hook)
        log.debug(
            "Tautulli %s %s -> HTTP %d %s in %.0f ms",
            command,
            {k: v for k, v in query.items() if k != "cmd"},
            answer.status,
            answer.result,
            (time.perf_counter() - started) * 1000,
        )
        return self._judge(conn, command, answer)

    def _judge(self, conn: _Connection, command: str, answer: _Answer) -> object:
        if answer.status >= 500:
            raise TautulliServerError(status=answer.status, command=command)
        if answer.result == "success":
            return answer.data
        if answer.result != "error":
            raise TautulliNotApi(url=conn.url)
        detail = self._scrub(conn, answer.message or "")
        lowered = detail.lower()
        if lowered.startswith("unknown command"):
            raise TautulliUnknownCommand(command=command)
        if "apikey" in lowered:  # "Invalid apikey", "Parameter apikey is required"
            raise TautulliAuthError()
        if "api not enabled" in lowered:
            raise TautulliAuthError(API_DISABLED)
        raise TautulliError(
            REFUSED, command=command, detail=detail[:200] or f"HTTP {answer.status}"
        )

    @staticmethod
    def _scrub(conn: _Connection, text: str) -> str:
        """Tautulli's own words, with the key blotted out should they ever echo it."""
        key = conn.api_key
        return text.replace(key, "***") if len(key) >= 6 else text

    # -- commands ----------------------------------------------------------------------------

    async def graph_json(
        self, key: GraphKey, deadline: Deadline | None = None
    ) -> tuple[GraphData, str]:
        """The graph, and Tautulli's ``data`` for it as JSON text (what the cache keeps)."""
        if key.command not in GRAPH_COMMANDS:
            raise ValueError(f"{key.command!r} is not one of Tautulli's graph commands")
        if isinstance(key.time_range, bool) or key.time_range < 1:
            # Tautulli silently answers for 30 days when time_range is 0 or bad.
            raise ValueError(f"time_range must be a positive number, not {key.time_range!r}")
        if key.y_axis not in _Y_AXES:
            # Tautulli reads every y_axis but "plays" as duration.
            raise ValueError(f"y_axis must be one of {sorted(_Y_AXES)}, not {key.y_axis!r}")
        params: dict[str, str | int] = {"time_range": key.time_range, "y_axis": key.y_axis}
        if key.user_id is not None:
            if key.user_id < 0:
                # Tautulli ignores a user_id that is not digits and answers server-wide.
                raise ValueError(f"user_id must not be negative, not {key.user_id!r}")
            params["user_id"] = key.user_id
        data = await self._request(key.command, params, deadline)
        try:
            graph = GraphData.parse(data)
        except (GraphDataError, TypeError, ValueError):
            raise TautulliNotApi(BAD_SHAPE, command=key.command) from None
        return graph, json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    async def answer(self, key: GraphKey, deadline: Deadline | None) -> GraphData:
        """One aggregate graph command (see :data:`GRAPH_COMMANDS`); never pages history."""
        graph, _ = await self.graph_json(key, deadline)
        return graph

    async def home_stats(
        self, *, time_range: int, user_id: TautulliUserId | None = None
    ) -> list[object]:
        """``get_home_stats``: the top titles, platforms and users of the period (one row
        each is all the summary needs)."""
        params: dict[str, str | int] = {"time_range": time_range, "stats_count": 1}
        if user_id is not None:
            params["user_id"] = user_id
        data = await self._request("get_home_stats", params)
        if not isinstance(data, list):
            raise TautulliNotApi(BAD_SHAPE, command="get_home_stats")
        return cast("list[object]", data)

    async def users(self) -> list[TautulliUser]:
        """Every user Tautulli knows, "Local" (user_id 0) included."""
        data = await self._request("get_users", {})
        if not isinstance(data, list):
            raise TautulliNotApi(BAD_SHAPE, command="get_users")
        return parse_users(cast("list[object]", data))

    async def find_user_by_email(self, email: str) -> TautulliUser | None:
        """The user with this email (case-insensitive); never "Local"; None if nobody."""
        if not email.strip():
            return None
        return find_by_email(await self.users(), email)

    async def activity(self, *, live: bool = False) -> Activity:
        """What is playing right now (``get_activity``). ``live``: for the live message,
        which asks again every refresh: one attempt, made even while the breaker is open,
        so the first refresh after an outage shows Tautulli back (and closes the breaker)."""
        data = await self._request("get_activity", {}, probe=live)
        try:
            return parse_activity(data)
        except ValueError:
            raise TautulliNotApi(BAD_SHAPE, command="get_activity") from None

    async def played_tracks(
        self, user_id: TautulliUserId, artist_rating_key: int, *, page: int = 1000
    ) -> set[int]:
        """Rating keys of the artist's tracks this user played (``get_history``, paged)."""
        played: set[int] = set()
        start = 0
        while True:
            data = await self._request(
                "get_history",
                {
                    "user_id": user_id,
                    "grandparent_rating_key": artist_rating_key,
                    "media_type": "track",
                    "start": start,
                    "length": page,
                },
            )
            if not isinstance(data, Mapping):
                raise TautulliNotApi(BAD_SHAPE, command="get_history")
            body = cast("Mapping[str, object]", data)
            rows = body.get("data")
            if not isinstance(rows, list):
                raise TautulliNotApi(BAD_SHAPE, command="get_history")
            for row in cast("list[object]", rows):
                if isinstance(row, Mapping):
                    key = cast("Mapping[str, object]", row).get("rating_key")
                    if isinstance(key, int | str) and str(key).isdigit():
                        played.add(int(key))
            start += page
            total = body.get("recordsFiltered")
            if not rows or not isinstance(total, int) or start >= total:
                return played

    async def history(
        self,
        only: HistoryFilter,
        *,
        rows: bool = True,
        page: int = HISTORY_PAGE,
    ) -> HistoryAnswer:
        """The sessions started in ``only``'s window (Tautulli's local days) and of its user,
        one row each (``grouping=0``), never an unfiltered page; with ``rows=False`` only
        the count.

        Tautulli loads every row matching the filter on each request and then slices the
        page, so a window is asked for in as few pages as possible (``length`` has no
        maximum; ``-1`` would drop the last row).
        """
        params: dict[str, str | int] = {
            "grouping": 0,
            "include_activity": 0,
            "order_column": "started",
            "order_dir": "asc",
        }
        if only.window is not None:
            params["after"] = only.window.after.isoformat()
            params["before"] = only.window.before.isoformat()
        if only.user_id is not None:
            params["user_id"] = only.user_id
        found: list[Play] = []
        start = 0
        while True:
            length = page if rows else 0
            data = await self._request(
                "get_history",
                {**params, "start": start, "length": length},
                attempt_seconds=HISTORY_TIMEOUT,
                hook=slim_row,
            )
            try:
                answer = parse_history(data)
            except ValueError:
                raise TautulliNotApi(BAD_SHAPE, command="get_history") from None
            found.extend(answer.rows)
            start += length
            if not rows or not answer.rows or start >= answer.records_filtered:
                return HistoryAnswer(answer.records_filtered, answer.records_total, found)

    async def user_sessions(self) -> dict[int, int]:
        """Each user Tautulli lists and their sessions (``get_users_table``, ``grouping=0``:
        one aggregate request); a deleted user is not listed."""
        data = await self._request(
            "get_users_table",
            {"grouping": 0, "start": 0, "length": USERS_PAGE},
            attempt_seconds=HISTORY_TIMEOUT,
        )
        try:
            return parse_user_sessions(data)
        except ValueError:
            raise TautulliNotApi(BAD_SHAPE, command="get_users_table") from None

    async def daily_plays(self, days: int) -> dict[date, int]:
        """Plays a day over the last ``days`` days (``get_plays_by_date``: one aggregate query,
        cheap for Tautulli), to plan how much history each request brings."""
        graph = await self.graph("get_plays_by_date", time_range=days, y_axis="plays")
        found: dict[date, int] = {}
        for i, label in enumerate(graph.categories):
            try:
                day = date.fromisoformat(label)
            except ValueError:
                continue
            found[day] = round(sum(s.data[i] for s in graph.series if s.name != TOTAL_SERIES))
        return found

    async def server_name(self) -> str:
        """The Plex server's name (``get_server_info`` -> ``pms_name``), or "Plex"."""
        data = await self._request("get_server_info", {})
        if not isinstance(data, Mapping):
            raise TautulliNotApi(BAD_SHAPE, command="get_server_info")
        name = cast("Mapping[str, object]", data).get("pms_name")
        return name.strip() if isinstance(name, str) and name.strip() else "Plex"


# -- the last good answer, while Tautulli is down ------------------------------------------


class CachedGraphSource(GraphAnswers[FetchedGraph]):
    """A :class:`~tgraph_bot.services.ports.graphs.GraphSource`: Tautulli first, the last good
    answer (``stale=True``) when Tautulli is unavailable.

    Only errors marked ``unavailable`` (unreachable, timeout, 5xx) fall back; a refused
    key, a URL that is not Tautulli and an outdated Tautulli are raised as they are, and
    so is the original error when nothing was kept for this graph.
    """

    def __init__(self, client: TautulliClient, cache: GraphCache, *, clock: Clock) -> None:
        self._client = client
        self._cache = cache
        self._clock = clock

    async def answer(self, key: GraphKey, deadline: Deadline | None) -> FetchedGraph:
        try:
            data, body = await self._client.graph_json(key, deadline)
        except TautulliError as exc:
            if not exc.unavailable:
                raise
            kept = await self._kept(key)
            if kept is None:
                raise
            # INFO, not WARNING: the render reports the outage once, not once per graph.
            log.info(
                "Tautulli unavailable (%s); using the %s answer kept from %s",
                exc,
                key.command,
                kept.fetched_at.isoformat(timespec="seconds"),
            )
            return kept
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the clock must give aware datetimes")
        now = now.astimezone(UTC)
        await self._cache.keep(key, body, now)
        return FetchedGraph(data, now)

    async def _kept(self, key: GraphKey) -> FetchedGraph | None:
        kept = await self._cache.kept(key)
        if kept is None:
            return None
        body, fetched_at = kept
        try:
            data = GraphData.parse(json.loads(body))
        except (GraphDataError, TypeError, ValueError):
            log.warning("the kept %s answer is unreadable; ignoring it", key.command)
            return None
        return FetchedGraph(data, fetched_at, stale=True)


__all__ = [
    "GRAPH_COMMANDS",
    "CachedGraphSource",
    "TautulliClient",
    "api_url",
    "display_url",
]
