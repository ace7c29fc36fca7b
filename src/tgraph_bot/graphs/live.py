"""``tgraph-bot render``: the graphs from the configured Tautulli, without Discord, and
the post the bot would send of them (``post.json``)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tgraph_bot.adapters.discord.channel import payload, plain_mention
from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.errors import UserFacingError
from tgraph_bot.files import atomic_write
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.i18n import N_, translator
from tgraph_bot.services.graphs import GraphService, RenderReport
from tgraph_bot.services.ports.common import Progress
from tgraph_bot.services.post_layout import OutgoingMessage, personal_messages
from tgraph_bot.services.posting import graph_cards, post_messages
from tgraph_bot.services.summary import SummaryService
from tgraph_bot.storage import Database, database_path
from tgraph_bot.storage.graph_cache import SqliteGraphCache

POST_FILE = "post.json"


def _now() -> datetime:
    return datetime.now(UTC)


class NoUserWithEmail(UserFacingError):
    message = N_("No Tautulli user has that email address.")


async def render_live(
    settings: Settings,
    data_dir: Path,
    out: Path,
    *,
    email: str | None = None,
    progress: Progress | None = None,
) -> RenderReport:
    """Render the enabled graphs, server-wide or for the member with ``email``, and write
    :data:`POST_FILE` beside them: the post the bot would send of them (the channel post,
    or the member's /my_stats direct messages), for the configured ``POST_LAYOUT``."""
    # Start the workers first: they import matplotlib while this process talks to Tautulli.
    async with (
        Renderer() as renderer,
        Database(database_path(data_dir)) as db,
        TautulliClient(
            settings.TAUTULLI_URL, settings.TAUTULLI_API_KEY.get_secret_value()
        ) as client,
    ):
        user_id = None
        if email is not None:
            user = await client.find_user_by_email(email)
            if user is None:
                raise NoUserWithEmail()
            user_id = user.user_id
        source = CachedGraphSource(client, SqliteGraphCache(db), clock=_now)
        service = GraphService(source, renderer, clock=_now)
        report = await service.render(settings, out, user_id=user_id, progress=progress)
        if report.graphs:
            messages = await _post(settings, report, SummaryService(source, client), user_id)
            await write_post(out / POST_FILE, settings.POST_LAYOUT, messages)
        return report


async def _post(
    settings: Settings,
    report: RenderReport,
    summaries: SummaryService,
    user_id: TautulliUserId | None,
) -> list[OutgoingMessage]:
    """The messages the bot would send of ``report``: the channel post, or with
    ``user_id`` the member's /my_stats direct messages."""
    tr = translator(settings.LANGUAGE)
    cards = await graph_cards(report.graphs, tr)
    period = None
    if settings.POST_LAYOUT != "plain":
        period = await summaries.summary(settings.TIME_RANGE_DAYS, user_id=user_id)
    if user_id is not None:
        layout, days = settings.POST_LAYOUT, settings.TIME_RANGE_DAYS
        return personal_messages(
            cards, period, layout=layout, days=days, tr=tr, zone=settings.TIMEZONE
        )
    return post_messages(settings, cards, period, mention=plain_mention("my_stats"), now=_now())


async def write_post(path: Path, layout: str, messages: list[OutgoingMessage]) -> None:
    """post.json: each message as the JSON discord.py sends Discord for it (readable by
    everyone, written atomically, as the sidecars are)."""

    def build() -> bytes:
        document: dict[str, Any] = {
            "layout": layout,
            "messages": [payload(message) for message in messages],
        }
        return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()

    atomic_write(path, await asyncio.to_thread(build))
