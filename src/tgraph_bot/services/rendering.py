"""What the bot needs from graph rendering (GraphService implements it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.services.ports import Progress


class RenderedLike(Protocol):
    @property
    def graph_id(self) -> str: ...

    @property
    def png(self) -> Path: ...

    @property
    def sidecar(self) -> Path: ...


class FailureLike(Protocol):
    @property
    def graph_id(self) -> str: ...

    @property
    def error(self) -> object:
        """Why it failed (a UserFacingError names its cause)."""
        ...


class ReportLike(Protocol):
    @property
    def graphs(self) -> Sequence[RenderedLike]: ...

    @property
    def failures(self) -> Sequence[FailureLike]: ...

    @property
    def stale_since(self) -> datetime | None:
        """The oldest data drawn because Tautulli could not be reached; None if all fresh."""
        ...


class GraphRendering(Protocol):
    async def render(
        self,
        settings: Settings,
        out_dir: Path,
        *,
        user_id: TautulliUserId | None = None,
        progress: Progress | None = None,
    ) -> ReportLike: ...


__all__ = ["FailureLike", "GraphRendering", "Progress", "RenderedLike", "ReportLike"]
