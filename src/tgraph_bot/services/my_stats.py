"""/my_stats: a member's own graphs. Who may see whose stats is decided in ONE place below."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.services.rendering import GraphRendering, Progress


class StatsUser(Protocol):
    """A Tautulli user (adapters.tautulli's TautulliUser fits)."""

    @property
    def user_id(self) -> TautulliUserId: ...

    @property
    def username(self) -> str: ...


FindUser = Callable[[str], Awaitable[StatsUser | None]]


def is_local_user(user: StatsUser) -> bool:
    """Tautulli's built-in "Local" account is never anyone's statistics."""
    return user.username.strip().lower() == "local"


async def resolve_stats_user(
    *, email: str, requester: MemberId, settings: Settings, find_user: FindUser
) -> StatsUser | None:
    """Whose statistics ``requester`` gets for ``email``; None when nobody's.

    The one decision point for privacy (MY_STATS_VERIFICATION). For now mode "none":
    the user with that email, matched without regard to case.
    """
    del requester, settings  # used by the verification modes (privacy work)
    address = email.strip()
    if "@" not in address:
        return None
    user = await find_user(address)
    if user is None or is_local_user(user):
        return None
    return user


class MyStatsService:
    def __init__(
        self,
        find_user: FindUser,
        rendering: GraphRendering,
        images_dir: Path,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        self._find_user = find_user
        self._rendering = rendering
        self._images_dir = images_dir
        self._clock = clock

    async def graphs_for(
        self,
        settings: Settings,
        *,
        requester: MemberId,
        email: str,
        progress: Progress | None = None,
    ) -> list[Path] | None:
        """The PNGs of the resolved user's graphs, or None when there is nobody to show."""
        user = await resolve_stats_user(
            email=email, requester=requester, settings=settings, find_user=self._find_user
        )
        if user is None:
            return None
        stamp = self._clock().strftime("%Y%m%dT%H%M%S%f")
        out_dir = self._images_dir / "my_stats" / f"{requester}-{stamp}"
        report = await self._rendering.render(
            settings, out_dir, user_id=user.user_id, progress=progress
        )
        return [g.png for g in report.graphs]


__all__ = ["FindUser", "MyStatsService", "StatsUser", "is_local_user", "resolve_stats_user"]
