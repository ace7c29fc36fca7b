"""``tgraph-bot render``: the graphs from the configured Tautulli, without Discord."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tgraph_bot.adapters.tautulli import CachedGraphSource, TautulliClient
from tgraph_bot.config.schema import Settings
from tgraph_bot.errors import UserFacingError
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.i18n import N_
from tgraph_bot.services.graphs import GraphService, RenderReport
from tgraph_bot.services.ports import Progress
from tgraph_bot.storage import Database, database_path


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
    """Render the enabled graphs, server-wide or for the member with ``email``."""
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
        service = GraphService(CachedGraphSource(client, db, clock=_now), renderer, clock=_now)
        return await service.render(settings, out, user_id=user_id, progress=progress)
