"""Render a member's own graphs and send them by direct message.

What /my_stats delivers once the privacy rules (services.my_stats) granted a Tautulli user,
and what any scheduled DM of a member's stats would send: the same graphs, in the member's
language and period, in the server's layout, with the period's summary unless the layout is
plain. The images live under the member's opaque folder only while they are sent.

A member who does not accept DMs (:attr:`Delivery.REFUSED`) is an answer the caller tells
them about; a render that made no image small enough to send is
:class:`~tgraph_bot.errors.NoGraphsError`, with the reason the graphs failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.errors import NoGraphsError
from tgraph_bot.graphs.registry import GRAPHS
from tgraph_bot.i18n import translator
from tgraph_bot.services.ports.graphs import GraphRendering
from tgraph_bot.services.ports.members import MemberFolders
from tgraph_bot.services.ports.messages import Delivery, DirectMessages
from tgraph_bot.services.post_layout import personal_messages
from tgraph_bot.services.posting import graph_cards
from tgraph_bot.services.summary import SummaryService

DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
"""Discord's upload limit for a file where no server raises it (a DM's)."""


def personal_settings(
    settings: Settings, language: str, *, graph: str | None = None, days: int | None = None
) -> Settings:
    """The settings one member's stats are drawn with: their language, period and graph."""
    update: dict[str, object] = {"LANGUAGE": language}
    if days is not None:
        update["TIME_RANGE_DAYS"] = days
    if graph is not None:
        update |= {g.enable_key: g.id == graph for g in GRAPHS}
    return settings.model_copy(update=update)


@dataclass(frozen=True)
class MemberStats:
    """Renders a member's graphs and sends them to the member by DM (:meth:`send`)."""

    rendering: GraphRendering
    dms: DirectMessages
    folders: MemberFolders
    images_dir: Path
    summaries: SummaryService | None = None

    async def send(
        self,
        member: MemberId,
        user_id: TautulliUserId,
        settings: Settings,
        *,
        upload_limit: int = DEFAULT_UPLOAD_LIMIT,
    ) -> Delivery:
        """Render ``user_id``'s graphs with ``settings`` (made by :func:`personal_settings`)
        and DM them to ``member``. Graphs of ``upload_limit`` bytes or more are left out."""
        tr = translator(settings.LANGUAGE)
        folder = await self.folders.image_dir_for(member, self.images_dir)
        try:
            report = await self.rendering.render(settings, folder, user_id=user_id)
            usable = [g for g in report.graphs if g.png.stat().st_size < upload_limit]
            if not usable:
                raise NoGraphsError.of(f.error for f in report.failures)
            period = None
            if self.summaries is not None and settings.POST_LAYOUT != "plain":
                period = await self.summaries.summary(settings.TIME_RANGE_DAYS, user_id=user_id)
            messages = personal_messages(
                await graph_cards(usable, tr),
                period,
                layout=settings.POST_LAYOUT,
                days=settings.TIME_RANGE_DAYS,
                tr=tr,
                zone=settings.TIMEZONE,
            )
            return await self.dms.send(member, messages)
        finally:
            await self.folders.discard_images(member, self.images_dir)


__all__ = ["DEFAULT_UPLOAD_LIMIT", "MemberFolders", "MemberStats", "personal_settings"]
