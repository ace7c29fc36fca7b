"""Camera-time sessions: the pure state machine, period boundaries and duration text.

A *session* is one stretch of time during which a member had their camera on (metric
``video``) or shared their screen (metric ``stream``) in a counted voice channel. The
storage keeps at most one open session per (guild, member, metric); :func:`decide`
compares what is stored with what is observed now and says what to do. Because the
decision depends only on the stored state and the new observation (never on Discord's
``before``), a duplicate or replayed event decides "nothing".

Times inside are integer milliseconds since the Unix epoch (UTC), as stored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum

from tgraph_bot.core.ids import GuildId, MemberId


class Metric(StrEnum):
    VIDEO = "video"
    STREAM = "stream"


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class ObservedState:
    """What Discord says about one member right now.

    ``counted`` is true when the member is in a voice channel that counts (not the AFK
    channel, not an ignored channel); false when disconnected.
    """

    counted: bool
    self_video: bool = False
    self_stream: bool = False
    is_bot: bool = False

    def active(self, metric: Metric) -> bool:
        if not self.counted or self.is_bot:
            return False
        return self.self_video if metric is Metric.VIDEO else self.self_stream


OFF = ObservedState(counted=False)


@dataclass(frozen=True, slots=True)
class Open:
    metric: Metric
    at: int


@dataclass(frozen=True, slots=True)
class Close:
    metric: Metric
    started_at: int
    ended_at: int


Transition = Open | Close


def decide(open_started: Mapping[Metric, int], state: ObservedState, now: int) -> list[Transition]:
    """Transitions for one member, given the start times of their open sessions.

    Open when active and nothing is open; close when inactive and a session is open;
    nothing otherwise (so moving between counted channels continues the session). A
    close never ends before its start, even if the clock went backwards.
    """
    transitions: list[Transition] = []
    for metric in Metric:
        started = open_started.get(metric)
        active = state.active(metric)
        if active and started is None:
            transitions.append(Open(metric, now))
        elif not active and started is not None:
            transitions.append(Close(metric, started, max(started, now)))
    return transitions


class Replays:
    """Tells a gateway event already applied from a new one.

    Discord numbers the events of a gateway session 1, 2, 3... (``s``). After a RESUME it
    sends the events after the number the client gave; when that number is behind, events
    the client has already handled come again, with their old numbers. State alone cannot
    tell them apart: "camera on, off" replayed after "camera on, off" looks exactly like a
    second session. Their numbers can: within a session, an event numbered at or below the
    highest one applied is a replay, and must change nothing. A new session (a fresh
    IDENTIFY) starts the count again.
    """

    __slots__ = ("highest", "session")

    def __init__(self) -> None:
        self.session: str | None = None
        self.highest = 0

    def fresh(self, session: str | None, seq: int | None) -> bool:
        """Whether the event numbered ``seq`` in gateway session ``session`` is new; a new one
        is noted as applied. An event without a number is taken as new."""
        if session is None or seq is None:
            return True
        if session != self.session:
            self.session, self.highest = session, seq
            return True
        if seq <= self.highest:
            return False
        self.highest = seq
        return True

    def replaying(self, session: str | None, seq: int | None) -> bool:
        """Whether the gateway, now at ``seq``, is still re-sending events already applied
        (a reconcile then would read a past state as the present one)."""
        return (
            session is not None
            and session == self.session
            and seq is not None
            and seq < self.highest
        )


def close_time(started_at: int, candidate: int | None, now: int) -> int:
    """When to close a session whose real end is unknown: at ``candidate`` (a heartbeat),
    never before its start and never after ``now``; at ``now`` when there is no candidate."""
    end = now if candidate is None else min(candidate, now)
    return max(started_at, end)


def rename(stored: str | None, seen: str) -> str | None:
    """The name to store, or None when the stored one is already current."""
    return None if stored == seen or not seen else seen


def to_ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return int(moment.timestamp() * 1000)


def period_start(period: Period, now: datetime, tz: tzinfo) -> datetime | None:
    """Start of the period containing ``now`` in ``tz``, as an aware UTC datetime.

    Weeks start on Monday 00:00 local time, months on day 1 00:00 local time; ``None``
    for all time. A local midnight that does not exist (a DST gap) resolves the way
    zoneinfo resolves it (fold 0), which is the first instant of that local day.
    """
    if period is Period.ALL:
        return None
    local = now.astimezone(tz)
    day = local.date()
    day = day - timedelta(days=day.weekday()) if period is Period.WEEK else day.replace(day=1)
    start = datetime.combine(day, time(0, 0), tzinfo=tz)
    # Round-trip through UTC so a non-existent local time lands on a real instant.
    return start.astimezone(UTC)


def format_duration(seconds: float) -> str:
    """``"Xh Ymin Zs"``, as the original camera-ranking bot wrote it, to the nearest second."""
    seconds = max(0, math.floor(seconds + 0.5))  # nearest, halves up
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h {minutes}min {secs}s"


@dataclass(frozen=True, slots=True)
class RankRow:
    """One line of a ranking; ``seconds`` exact (to the millisecond), rounded where shown."""

    position: int
    member_id: MemberId
    name: str | None
    seconds: float
    sessions: int


@dataclass(frozen=True, slots=True)
class Totals:
    """A member's time in a period; ``seconds`` exact (to the millisecond), rounded where shown."""

    seconds: float
    sessions: int


@dataclass(frozen=True, slots=True)
class OpenRow:
    """A stored open session."""

    guild_id: GuildId
    member_id: MemberId
    metric: Metric
    started_at: int


@dataclass(frozen=True, slots=True)
class TotalRow:
    """One member's stored time in a period, before ranking (milliseconds)."""

    member_id: MemberId
    name: str | None
    millis: int
    sessions: int


__all__ = [
    "OFF",
    "Close",
    "Metric",
    "ObservedState",
    "Open",
    "OpenRow",
    "Period",
    "RankRow",
    "Replays",
    "TotalRow",
    "Totals",
    "Transition",
    "close_time",
    "decide",
    "format_duration",
    "period_start",
    "rename",
    "to_ms",
]
