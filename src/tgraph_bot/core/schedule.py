"""When a scheduled job is next due, and how long a failed one waits. Pure: ``now`` and the
time zone are parameters.

A :data:`Policy` maps ``(last_run, now)`` to the UTC moment the next run is due (at or
before ``now`` means: run now), or to None: the job is switched off for now (a setting of 0;
it is asked again later). :func:`every` is the plain interval policy, :func:`next_run` the
graph posting's (never off), :func:`yearly` the once-a-year one (the Wrapped post).
:class:`Backoff` gives the waits before each retry of a failed run.

Graph posting rules (:func:`next_run`):
- Never posted: due now (the first start posts at once).
- Without a fixed time: ``update_days`` after the last post.
- With a fixed time: on the local day ``update_days`` after the last post's local day, at the
  fixed wall-clock time in ``tz``. A wall time that does not exist (spring forward) moves
  forward by the gap; an ambiguous one (fall back) is the first occurrence.
- A result before ``now`` means overdue: the caller posts once, at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

Policy = Callable[[datetime | None, datetime], datetime | None]
"""``policy(last_run, now)``: when the next run is due, in UTC (never run: ``last_run`` None);
None: switched off, ask again later."""


def parse_fixed_time(value: str) -> time | None:
    """``"HH:MM"`` as a time, ``"XX:XX"`` (no fixed time) as None."""
    if value == "XX:XX":
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _local_wall_time(day: datetime, at: time, tz: tzinfo) -> datetime:
    naive = datetime.combine(day.date(), at)
    local = naive.replace(tzinfo=tz, fold=0)
    as_utc = local.astimezone(UTC)
    # A wall time inside a spring-forward gap does not round-trip: keep the moment
    # (which zoneinfo resolves with the offset before the gap), i.e. the gap is skipped.
    return as_utc


def next_run(
    last_post: datetime | None,
    now: datetime,
    update_days: int,
    fixed_time: time | None,
    tz: tzinfo,
) -> datetime:
    """The UTC moment the next post is due (at or before ``now`` means: post now)."""
    if now.tzinfo is None or (last_post is not None and last_post.tzinfo is None):
        raise ValueError("next_run needs aware datetimes")
    if update_days < 1:
        raise ValueError("update_days must be at least 1")
    if last_post is None:
        return now.astimezone(UTC)
    if fixed_time is None:
        return (last_post + timedelta(days=update_days)).astimezone(UTC)
    local_last = last_post.astimezone(tz)
    target_day = local_last + timedelta(days=update_days)
    return _local_wall_time(target_day, fixed_time, tz)


def every(interval: timedelta) -> Callable[[datetime | None, datetime], datetime]:
    """Due ``interval`` after the last run; at once when it never ran. Never off: a policy
    that a setting of 0 switches off answers None itself rather than asking for this."""
    if interval <= timedelta(0):
        raise ValueError("the interval must be positive")

    def policy(last_run: datetime | None, now: datetime) -> datetime:
        if now.tzinfo is None or (last_run is not None and last_run.tzinfo is None):
            raise ValueError("a policy needs aware datetimes")
        return (now if last_run is None else last_run + interval).astimezone(UTC)

    return policy


def parse_month_day(value: str) -> tuple[int, int] | None:
    """``"MM-DD"`` as (month, day), ``""`` (off) as None."""
    if not value:
        return None
    month, day = value.split("-")
    return int(month), int(day)


YEARLY_GRACE = timedelta(days=3)
"""A yearly run missed on its day (the bot was down) still runs this long after."""
YEARLY_GAP = timedelta(days=360)
"""Two yearly runs are at least this far apart: a late run, a changed date or time zone
never make a second one in the same year (365 days less the grace, less a margin)."""


def yearly(
    month_day: tuple[int, int] | None, at: time, tz: tzinfo, *, grace: timedelta = YEARLY_GRACE
) -> Policy:
    """Once a year on ``month_day`` at the wall time ``at`` in ``tz``; None: off.

    Due (at or before now) from that moment until ``grace`` after it, unless a run less
    than :data:`YEARLY_GAP` before it already counts for the year; a year missed by more
    than the grace is skipped (no Wrapped in January for December)."""

    def policy(last_run: datetime | None, now: datetime) -> datetime | None:
        if now.tzinfo is None or (last_run is not None and last_run.tzinfo is None):
            raise ValueError("a policy needs aware datetimes")
        if month_day is None:
            return None
        year = now.astimezone(tz).year
        for candidate in range(year - 1, year + 3):
            moment = _local_wall_time(datetime(candidate, *month_day, tzinfo=tz), at, tz)
            if last_run is not None and last_run > moment - YEARLY_GAP:
                continue  # this year's run happened already
            if now < moment + grace:
                return moment
        return None  # unreachable: a later year always comes

    return policy


def seconds_until(moment: datetime, now: datetime) -> float:
    return max(0.0, (moment - now).total_seconds())


@dataclass(frozen=True, slots=True)
class Backoff:
    """Waits before the retries of a failed run: ``base`` seconds, doubling, at most ``cap``."""

    base: float = 30.0
    cap: float = 1800.0

    def delay(self, attempt: int) -> float:
        """Seconds before retry number ``attempt`` (1, 2, ...)."""
        return min(self.cap, self.base * 2 ** max(0, attempt - 1))


__all__ = [
    "YEARLY_GAP",
    "YEARLY_GRACE",
    "Backoff",
    "Policy",
    "every",
    "next_run",
    "parse_fixed_time",
    "parse_month_day",
    "seconds_until",
    "yearly",
]
