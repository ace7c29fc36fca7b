"""Camera-time ranking use cases: observe voice states, reconcile, heartbeat, rank.

Ordering. Every write is an *operation* appended, synchronously, to one queue at the
moment it is called; operations run on the database thread in that order, many per
transaction (group commit). Each decision (:func:`tgraph_bot.core.camera.decide`) is
taken inside its operation against the open sessions as stored at that point, so two
events for the same member can never both open or both close a session, whatever the
event loop does between them.

``observe`` and ``reconcile`` are plain functions, not coroutines: they queue their
operation *when called* and return a future (await it to wait for the commit). So a
caller that calls them synchronously, as discord.py parses each gateway event, gets
the operations applied in gateway order, however the event loop schedules tasks.

The tables sit behind :class:`~tgraph_bot.services.ports.camera.CameraStore`: an operation is
a function of :class:`~tgraph_bot.services.ports.camera.CameraTables`, and the store runs a
batch of them in one transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, TypeVar, cast

from tgraph_bot.core.camera import (
    Close,
    Metric,
    ObservedState,
    Open,
    Period,
    RankRow,
    Totals,
    close_time,
    decide,
    period_start,
    to_ms,
)
from tgraph_bot.errors import CameraImportError, StorageUnavailable
from tgraph_bot.i18n import N_
from tgraph_bot.services.ports.camera import CameraStore, CameraTables
from tgraph_bot.services.ports.common import Clock, Sleep

log = logging.getLogger(__name__)

T = TypeVar("T")
Op = Callable[[CameraTables], object]

_MAX_SNOWFLAKE = 2**63 - 1

# Operations waiting for the database at most: a few MB, hours of voice events.
MAX_KEPT = 20_000


def retry_delay(failures: int) -> float:
    """Seconds before writing again after ``failures`` failed attempts in a row: 1, 2, 4...
    up to a minute."""
    return min(60.0, 2.0 ** (failures - 1))


@dataclass(frozen=True, slots=True)
class Present:
    """A member found in voice when reconciling."""

    name: str
    state: ObservedState


@dataclass(frozen=True, slots=True)
class ImportResult:
    members: int
    changed: int


class CameraService:
    """Camera-time use cases over a :class:`CameraStore`.

    A batch the store could not take (:class:`StorageUnavailable`: a full disk, say) is kept
    and tried again, first on its own and in order, every ``retry_delay(n)`` seconds, until
    it is written; each operation carries the time of its event, so a late write records
    the right times. At most ``max_kept`` operations wait: beyond that, new ones are refused
    (their futures fail with :class:`StorageUnavailable`) until the store takes writes again.
    """

    def __init__(
        self,
        store: CameraStore,
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        max_kept: int = MAX_KEPT,
    ) -> None:
        self._store = store
        self.clock = clock
        self._sleep = sleep
        self._max_kept = max_kept
        self._pending: list[tuple[Op, asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._failing = asyncio.Event()  # set while the store refuses writes
        self._refused = 0  # operations refused in this outage because too many were kept
        self._names: dict[tuple[int, int], str] = {}
        self.last_heartbeat: datetime | None = None

    # -- the write queue ------------------------------------------------------------

    @property
    def kept(self) -> int:
        """How many operations wait to be written."""
        return len(self._pending)

    def _submit(self, op: Callable[[CameraTables], T]) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[T] = loop.create_future()
        if len(self._pending) >= self._max_kept:
            if not self._refused:
                log.error(
                    "camera: %d changes are waiting for the database; new ones are not kept "
                    "until it takes writes again",
                    len(self._pending),
                )
            self._refused += 1
            fut.set_exception(StorageUnavailable(f"{len(self._pending)} changes waiting"))
            return fut
        self._pending.append((op, fut))
        if self._flusher is None or self._flusher.done():
            self._flusher = loop.create_task(self._flush())
        return fut

    async def _flush(self) -> None:
        failures = 0
        size: int | None = None  # after a failure, the batch that failed goes first, alone
        while self._pending:
            batch = self._pending[:size]
            try:
                results = await self._store.write([op for op, _ in batch])
            except StorageUnavailable as exc:
                failures += 1
                size = len(batch)
                self._outage(exc, failures)
                await self._sleep(retry_delay(failures))
                continue
            except BaseException as exc:  # the operations themselves fail: they never will pass
                del self._pending[: len(batch)]
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc if isinstance(exc, Exception) else RuntimeError(exc))
                if not isinstance(exc, Exception):
                    raise
                continue
            if failures:
                self._recovered()
                failures, size = 0, None
            del self._pending[: len(batch)]
            for (_, fut), result in zip(batch, results, strict=True):
                if not fut.done():
                    fut.set_result(result)

    def _outage(self, exc: StorageUnavailable, failures: int) -> None:
        self._failing.set()
        if failures == 1:
            log.error(
                "camera: cannot write to the database (%s); %d change(s) kept, retried until "
                "they are written",
                exc,
                len(self._pending),
            )

    def _recovered(self) -> None:
        self._failing.clear()
        log.info(
            "camera: the database takes writes again; the %d change(s) kept are being "
            "written, %d were refused",
            len(self._pending),
            self._refused,
        )
        self._refused = 0

    async def drain(self) -> None:
        """Wait until every write submitted so far is committed, or the database refused it
        (what it refused is kept and retried; a query then reads what is stored)."""
        flusher = self._flusher
        if flusher is None or flusher.done():
            return
        failing = asyncio.ensure_future(self._failing.wait())
        try:
            await asyncio.wait({flusher, failing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            failing.cancel()

    # -- events ---------------------------------------------------------------------

    def observe(
        self,
        guild_id: int,
        member_id: int,
        name: str,
        state: ObservedState,
        now: datetime,
    ) -> asyncio.Future[list[Open | Close]]:
        """Queue what Discord says about one member at ``now``; the future says what changed."""
        at = to_ms(now)
        key = (guild_id, member_id)
        new_name = None
        if name and state.counted and not state.is_bot and self._names.get(key) != name:
            new_name = self._names[key] = name

        def op(tables: CameraTables) -> list[Open | Close]:
            if new_name is not None:
                tables.put_name(guild_id, member_id, new_name)
            return _transition(tables, guild_id, member_id, state, at)

        return self._submit(op)

    def reconcile(
        self,
        guild_id: int,
        present: Mapping[int, Present],
        now: datetime,
        *,
        gone_since: datetime | None = None,
    ) -> asyncio.Future[int]:
        """Queue making the open sessions of a guild match who is in voice now.

        Members in ``present`` are observed as usual (opening sessions of those already on
        camera); open sessions of members not present are closed at ``gone_since`` (the
        last heartbeat, when the bot may have missed events) or ``now``. The future
        gives the number of transitions. ``present`` must describe the same moment as
        the call: everything queued before it, and nothing after.
        """
        at = to_ms(now)
        gone = None if gone_since is None else to_ms(gone_since)
        names = {
            member_id: p.name
            for member_id, p in present.items()
            if p.name
            and p.state.counted
            and not p.state.is_bot
            and self._names.get((guild_id, member_id)) != p.name
        }
        for member_id, name in names.items():
            self._names[(guild_id, member_id)] = name

        def op(tables: CameraTables) -> int:
            count = 0
            for member_id, name in names.items():
                tables.put_name(guild_id, member_id, name)
            for member_id, p in present.items():
                count += len(_transition(tables, guild_id, member_id, p.state, at))
            for row in tables.all_open(guild_id):
                if row.member_id in present:
                    continue
                end = close_time(row.started_at, gone, at)
                if tables.close_session(guild_id, row.member_id, row.metric, row.started_at, end):
                    count += 1
            return count

        return self._submit(op)

    def beat(self, now: datetime) -> asyncio.Future[None]:
        """Queue noting that the bot is up at ``now`` (a crash is closed at the last one)."""
        at = to_ms(now)
        self.last_heartbeat = now
        return self._submit(lambda tables: tables.put_heartbeat(at))

    async def heartbeat(self, now: datetime) -> None:
        await self.beat(now)

    async def recover(self, now: datetime) -> int:
        """At start-up: close sessions a crash left open, at the last heartbeat."""
        at = to_ms(now)

        def op(tables: CameraTables) -> int:
            beat = tables.get_heartbeat()
            closed = 0
            for row in tables.all_open():
                # No heartbeat at all: nothing proves the bot was up after the start.
                end = close_time(row.started_at, row.started_at if beat is None else beat, at)
                closed += tables.close_session(
                    row.guild_id, row.member_id, row.metric, row.started_at, end
                )
            return closed

        closed = await self._submit(op)
        if closed:
            log.info("closed %d camera session(s) left open at the last heartbeat", closed)
        return closed

    def _close_all(self, now: datetime) -> asyncio.Future[int]:
        at = to_ms(now)

        def op(tables: CameraTables) -> int:
            closed = 0
            for row in tables.all_open():
                closed += tables.close_session(
                    row.guild_id, row.member_id, row.metric, row.started_at, at
                )
            tables.put_heartbeat(at)
            return closed

        return self._submit(op)

    async def close_all(self, now: datetime) -> int:
        """Tracking switched off: close every open session at ``now``."""
        return await self._close_all(now)

    async def stop(self, now: datetime, limit: float) -> int | None:
        """Clean stop: close every open session at ``now``; the number closed.

        Waits at most ``limit`` seconds for a database that refuses writes; then gives up
        what it still keeps (None, logged): the sessions left open close at the last
        heartbeat when the bot starts again, as after a crash.
        """
        closing = self._close_all(now)
        timer = asyncio.ensure_future(self._sleep(limit))
        try:
            await asyncio.wait({closing, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
        if closing.done() and not isinstance(closing.exception(), StorageUnavailable):
            return closing.result()
        log.error(
            "camera: stopping with %d change(s) the database did not take; sessions still "
            "open will end at the last heartbeat when the bot starts again",
            len(self._pending),
        )
        if self._flusher is not None:
            self._flusher.cancel()
        for _, fut in self._pending:
            fut.cancel()
        self._pending.clear()
        return None

    async def has_open(self) -> bool:
        return await self._store.read(lambda tables: bool(tables.all_open()))

    # -- queries --------------------------------------------------------------------

    async def ranking(
        self,
        guild_id: int,
        period: Period,
        metric: Metric,
        now: datetime,
        tz: tzinfo,
        limit: int = 10,
    ) -> list[RankRow]:
        start = period_start(period, now, tz)
        start_ms = None if start is None else to_ms(start)
        at = to_ms(now)
        await self.drain()
        rows = await self._store.read(
            lambda tables: tables.top(guild_id, metric, start_ms, at, limit)
        )
        return [
            RankRow(i, r.member_id, r.name, r.millis / 1000, r.sessions)
            for i, r in enumerate(rows, start=1)
        ]

    async def member_totals(
        self, guild_id: int, member_id: int, now: datetime, tz: tzinfo
    ) -> dict[Period, dict[Metric, Totals]]:
        at = to_ms(now)
        starts = {p: period_start(p, now, tz) for p in Period}
        await self.drain()

        def work(tables: CameraTables) -> dict[Period, dict[Metric, Totals]]:
            out: dict[Period, dict[Metric, Totals]] = {}
            for period, start in starts.items():
                s = None if start is None else to_ms(start)
                out[period] = {
                    m: tables.member_total(guild_id, member_id, m, s, at) for m in Metric
                }
            return out

        return await self._store.read(work)

    # -- import ---------------------------------------------------------------------

    async def import_ranking_file(self, path: Path, guild_id: int) -> ImportResult:
        """Import the original camera-ranking bot's ``video_ranking.json`` as all-time totals.

        Validated completely before anything is written; a bad file raises
        :class:`CameraImportError` naming the line and the reason.
        """
        data = await asyncio.to_thread(path.read_bytes)
        totals = parse_ranking_file(data, str(path))
        digest = hashlib.sha256(data).hexdigest()
        changed = await self._submit(
            lambda tables: tables.import_totals(guild_id, Metric.VIDEO, totals, digest)
        )
        return ImportResult(members=len(totals), changed=changed)


def _transition(
    tables: CameraTables, guild_id: int, member_id: int, state: ObservedState, at: int
) -> list[Open | Close]:
    stored = tables.open_sessions(guild_id, member_id)
    if not stored and not (state.self_video or state.self_stream):
        return []  # the common case: a voice event of someone not sharing anything
    transitions = decide(stored, state, at)
    for t in transitions:
        if isinstance(t, Open):
            tables.open_session(guild_id, member_id, t.metric, t.at)
        else:
            tables.close_session(guild_id, member_id, t.metric, t.started_at, t.ended_at)
    return transitions


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return 1 if index < 0 else text.count("\n", 0, index) + 1


def parse_ranking_file(data: bytes, source: str) -> list[tuple[int, int, int]]:
    """(member id, seconds, sessions) from that bot's JSON, or CameraImportError."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CameraImportError(source, 1, N_("the file is not UTF-8 text")) from None
    try:
        loaded: object = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CameraImportError(
            source, exc.lineno, N_("not valid JSON ({error})"), error=exc.msg
        ) from None
    if not isinstance(loaded, dict):
        raise CameraImportError(
            source,
            1,
            N_("expected an object of user ids, like {example}"),
            example='{"123": {...}}',
        )
    out: list[tuple[int, int, int]] = []
    for key, value in cast(dict[str, object], loaded).items():
        line = _line_of(text, json.dumps(key))
        if not key.isascii() or not key.isdigit() or not 0 < int(key) <= _MAX_SNOWFLAKE:
            raise CameraImportError(source, line, N_("{key!r} is not a Discord user id"), key=key)
        if not isinstance(value, dict):
            raise CameraImportError(
                source, line, N_("the entry for {key} is not an object"), key=key
            )
        entry = cast(dict[str, object], value)
        numbers: list[int] = []
        for field in ("total_seconds", "sessions"):
            number = entry.get(field)
            if isinstance(number, float) and number.is_integer():
                number = int(number)
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise CameraImportError(
                    source,
                    line,
                    N_("{key}: {field} must be a whole number of at least 0"),
                    key=key,
                    field=field,
                )
            numbers.append(number)
        out.append((int(key), numbers[0], numbers[1]))
    return out


__all__ = ["CameraService", "ImportResult", "Present", "parse_ranking_file"]
