"""Keeping the local mirror of Tautulli's play history, and reading windows of it.

Tautulli's ``get_history`` loads every row that matches its filter on each request, so an
unfiltered page of a large server costs seconds and hundreds of megabytes in Tautulli. The
mirror never asks for one:

- **Backfill** (an empty mirror): user by user (``user_id``, which Tautulli's index
  serves, where days are filtered by a ``strftime`` that reads the whole table on every
  request), planned from each user's sessions (``get_users_table``): a user of at most
  :data:`WINDOW_SESSIONS` sessions in one request, a bigger one in windows of days packed
  from Tautulli's daily counts scaled by the user's share, one request at a time.
  If that brings fewer sessions than Tautulli has (its ``recordsTotal``: a deleted user's,
  whom Tautulli no longer lists), the whole history again by windows of days of at most
  :data:`WINDOW_SESSIONS` sessions, then month by month further back until every session
  is in (upserts by row id: nothing is stored twice).
- **Sync** (every ``HISTORY_SYNC_MINUTES``): from :data:`RESYNC_DAYS` before the last
  synced day to today, upserted by Tautulli's row id (rows are written when a session
  stops, so a play started yesterday can appear today).
- **Check** (every :data:`CHECK_EVERY`): each past month's count against Tautulli's
  (``length=0``); a month that differs (rows deleted or merged in Tautulli) is fetched
  again and replaced.

Days are Tautulli's days (``after``/``before`` compare in Tautulli's local time); the
mirror turns them into instants with ``TIMEZONE``, which must be Tautulli's time zone. A
fetched row outside the window it was asked for says it is not, and is logged once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.history import (
    HistoryAnswer,
    HistoryFilter,
    Play,
    Window,
    incremental_window,
    month_of,
    pack_days,
    plan_by_user,
)
from tgraph_bot.core.schedule import Policy, every
from tgraph_bot.services.ports.common import Clock
from tgraph_bot.services.ports.history import HistorySource, HistoryStore, WindowProgress

log = logging.getLogger(__name__)

CHECK_EVERY = timedelta(days=30)
PLAN_DAYS = 3650
"""How far back the backfill plans its windows from Tautulli's daily counts (older history,
if any, is then fetched month by month)."""
WINDOW_SESSIONS = 6000
"""Sessions one backfill request brings at most: Tautulli holds the whole window in memory
to answer (about 15 MB a thousand rows), so this bounds its memory, not only ours."""
EMPTY_MONTHS_STOP = 36
"""A backfill that meets this many empty months in a row stops even short of Tautulli's
total (rows dated in the future, say): no server pauses for three years."""


def history_policy(settings: Callable[[], Settings]) -> Policy:
    """Every HISTORY_SYNC_MINUTES after the last sync (at once if never); 0 is off."""

    def policy(last_sync: datetime | None, now: datetime) -> datetime | None:
        minutes = settings().HISTORY_SYNC_MINUTES
        return None if minutes <= 0 else every(timedelta(minutes=minutes))(last_sync, now)

    return policy


@dataclass(slots=True)
class SyncReport:
    kind: str  # "backfill" or "sync"
    requests: int = 0
    rows: int = 0
    months_refetched: list[str] = field(default_factory=list[str])


def _previous_month(first_day: date) -> date:
    return (first_day - timedelta(days=1)).replace(day=1)


class HistoryMirror:
    def __init__(
        self,
        source: HistorySource,
        store: HistoryStore,
        *,
        timezone: Callable[[], str],
        clock: Clock,
        release_memory: Callable[[], None] = lambda: None,
    ) -> None:
        self.source = source
        self.store = store
        self.timezone = timezone  # live: TIMEZONE may be edited while the bot runs
        self.clock = clock
        self.release_memory = release_memory  # after each stored answer (adapters.memory)
        self._warned_zone = False

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone())

    # -- Tautulli's days as instants -----------------------------------------------------------

    def bounds(self, window: Window) -> tuple[int, int]:
        """The window's days as ``[start, end)`` Unix seconds."""

        def start_of(day: date) -> int:
            return int(datetime.combine(day, time(0), self.zone).timestamp())

        return start_of(window.after), start_of(window.before + timedelta(days=1))

    def today(self) -> date:
        return self.clock().astimezone(self.zone).date()

    def day_of(self, started: int) -> date:
        return datetime.fromtimestamp(started, UTC).astimezone(self.zone).date()

    # -- syncing -----------------------------------------------------------------------------

    async def sync(self, progress: WindowProgress | None = None) -> SyncReport:
        """Backfill an empty mirror, else fetch the last days; check the months when due."""
        synced = await self.store.synced_through()
        report = await (self._backfill(progress) if synced is None else self._recent(synced))
        checked = await self.store.checked_at()
        if checked is None:
            await self.store.mark_checked(self.clock())  # a backfill is as good as a check
        elif self.clock() - checked >= CHECK_EVERY:
            await self.check(report, progress)
        return report

    async def _ask(self, only: HistoryFilter, report: SyncReport) -> HistoryAnswer:
        answer = await self.source.history(only)
        report.requests += 1
        report.rows += len(answer.rows)
        if (window := only.window) is None:
            return answer
        start, end = self.bounds(window)
        outside = sum(1 for row in answer.rows if not start <= row.started < end)
        if outside and not self._warned_zone:
            self._warned_zone = True
            log.warning(
                "%d play(s) that Tautulli dates in %s..%s fall outside those days in TIMEZONE "
                "%s: set TIMEZONE to Tautulli's time zone, or days are cut at the wrong hour",
                outside,
                window.after,
                window.before,
                self.zone.key,
            )
        return answer

    async def _backfill(self, progress: WindowProgress | None) -> SyncReport:
        """User by user, planned from two cheap aggregate requests (each user's sessions,
        the server's daily counts); by windows of days if that missed any session."""
        report = SyncReport("backfill")
        today = self.today()
        counted = await self.source.daily_plays(PLAN_DAYS)
        sessions = await self.source.user_sessions()
        report.requests += 2
        per_day = {d: n for d, n in counted.items() if n and d <= today}
        per_day[today] = per_day.get(today, 0)  # the plan reaches today
        plan = plan_by_user(sessions, per_day, WINDOW_SESSIONS)
        fetched, total = await self._keep_all(plan, report, progress)
        if fetched < total:
            log.info(
                "The history copy got %d of Tautulli's %d sessions user by user (the others "
                "are a deleted user's, or a user's Tautulli does not list): fetching the whole "
                "history again by days",
                fetched,
                total,
            )
        if not plan or fetched < total:  # an empty plan says nothing of Tautulli's total
            await self._backfill_by_days(per_day, report, progress)
        await self.store.mark_synced(today, self.clock())
        return report

    async def _backfill_by_days(
        self, per_day: dict[date, int], report: SyncReport, progress: WindowProgress | None
    ) -> None:
        """Windows planned from Tautulli's daily counts, each of at most WINDOW_SESSIONS
        sessions, newest first; then month by month further back while Tautulli's total is
        not reached."""
        # The counts are plays; a window brings sessions, a tenth more where plays resume.
        windows = pack_days(per_day, WINDOW_SESSIONS * 9 // 10)
        plan = [HistoryFilter(window) for window in windows]
        fetched, total = await self._keep_all(plan, report, progress)  # today is planned
        month, empty = _previous_month(windows[-1].after), 0
        while fetched < total and empty < EMPTY_MONTHS_STOP:
            only = HistoryFilter(month_of(month))
            answer = await self._keep(only, report, progress, tell_empty=False)
            fetched, total = fetched + answer.records_filtered, answer.records_total
            empty = 0 if answer.records_filtered else empty + 1
            month = _previous_month(month)

    async def _keep_all(
        self, plan: Sequence[HistoryFilter], report: SyncReport, progress: WindowProgress | None
    ) -> tuple[int, int]:
        """The planned requests made one after the other (two at once were no faster, and
        Tautulli held both answers) and kept: the sessions fetched, and Tautulli's total
        when the first answer came (sessions written since are fetched too, and must not
        pass for missing ones). No answer's rows outlive their storing."""
        fetched, total = 0, 0
        for only in plan:
            answer = await self._keep(only, report, progress, tell_empty=True)
            fetched += answer.records_filtered
            total = total or answer.records_total
        return fetched, total

    async def _keep(
        self,
        only: HistoryFilter,
        report: SyncReport,
        progress: WindowProgress | None,
        *,
        tell_empty: bool,
    ) -> HistoryAnswer:
        """One backfill request made and kept, and told to ``progress`` (a planned one
        always; a month searched further back only when it held any)."""
        answer = await self._ask(only, report)
        await self.store.upsert(answer.rows)
        self.release_memory()
        if progress is not None and (tell_empty or answer.records_filtered):
            await progress(only, answer.records_filtered)
        return answer

    async def _recent(self, synced: date) -> SyncReport:
        report = SyncReport("sync")
        today = self.today()
        answer = await self._ask(HistoryFilter(incremental_window(synced, today)), report)
        await self.store.upsert(answer.rows)
        self.release_memory()
        await self.store.mark_synced(today, self.clock())
        return report

    async def check(self, report: SyncReport, progress: WindowProgress | None = None) -> None:
        """Each past month the mirror covers against Tautulli's count; refetch those that
        differ (one count request a month, one page for a month that changed)."""
        first = await self.store.first_started()
        this_month = self.today().replace(day=1)
        month = _previous_month(this_month)
        oldest = this_month if first is None else self.day_of(first).replace(day=1)
        while month >= oldest:
            window = month_of(month)
            only = HistoryFilter(window)
            counted = await self.source.history(only, rows=False)
            report.requests += 1
            start, end = self.bounds(window)
            kept = await self.store.count(start, end)
            if counted.records_filtered != kept:
                answer = await self._ask(only, report)
                await self.store.replace_window(start, end, answer.rows)
                report.months_refetched.append(window.label)
                if progress is not None:
                    await progress(only, answer.records_filtered)
            month = _previous_month(month)
        await self.store.mark_checked(self.clock())

    # -- reading -----------------------------------------------------------------------------

    async def rows(self, window: Window, user_id: int | None = None) -> list[Play]:
        start, end = self.bounds(window)
        return await self.store.rows(start, end, user_id)

    async def plays_by_user(self, window: Window) -> dict[int, int]:
        return await self.store.plays_by_user(*self.bounds(window))


__all__ = ["CHECK_EVERY", "HistoryMirror", "SyncReport", "history_policy"]
