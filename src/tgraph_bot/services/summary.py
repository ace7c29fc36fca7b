"""The summary of a period: Tautulli's aggregates for it and the period before.

Three small requests (plays and watch time per day over twice the period, and
``get_home_stats``), plus for one member the hour-of-day graph and the Top 10 users graph,
server-wide and theirs (their place in it: "You are #3 of 10"). A summary that cannot be
made is left out of the post (logged), never the reason a post fails.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from tgraph_bot.core.highlights import PeriodSummary, Rank, rank_in, summarise
from tgraph_bot.core.ids import GraphId, TautulliUserId
from tgraph_bot.graphs.registry import BY_ID
from tgraph_bot.services.ports.graphs import GraphSource, HomeStats

log = logging.getLogger(__name__)

TOP_USERS_COMMAND = BY_ID[GraphId("top_10_users")].command


class SummaryService:
    def __init__(self, graphs: GraphSource, home: HomeStats | None) -> None:
        self._graphs = graphs
        self._home = home

    async def summary(
        self, days: int, *, user_id: TautulliUserId | None = None
    ) -> PeriodSummary | None:
        """The last ``days`` days against the ones before; None when Tautulli cannot say."""
        try:
            plays = await self._graphs.graph(
                "get_plays_by_date", time_range=2 * days, y_axis="plays", user_id=user_id
            )
            seconds = await self._graphs.graph(
                "get_plays_by_date", time_range=2 * days, y_axis="duration", user_id=user_id
            )
            home = (
                await self._home.home_stats(time_range=days, user_id=user_id)
                if self._home is not None
                else None
            )
            hours = (
                await self._graphs.graph(
                    "get_plays_by_hourofday", time_range=days, y_axis="plays", user_id=user_id
                )
                if user_id is not None
                else None
            )
            rank = await self._rank(days, user_id) if user_id is not None else None
        except Exception as exc:
            log.warning("the period summary could not be made: %s", exc)
            return None
        found = summarise(
            days, plays.data, seconds.data, home, hours.data if hours is not None else None
        )
        return replace(found, rank=rank)

    async def _rank(self, days: int, user_id: TautulliUserId) -> Rank | None:
        """The member's place in the server's Top 10 users (with censored names a member
        cannot find themselves there)."""
        top = await self._graphs.graph(TOP_USERS_COMMAND, time_range=days, y_axis="plays")
        mine = await self._graphs.graph(
            TOP_USERS_COMMAND, time_range=days, y_axis="plays", user_id=user_id
        )
        return rank_in(top.data, mine.data)


__all__ = ["SummaryService"]
