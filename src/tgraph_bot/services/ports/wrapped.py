"""Discord and the members, as the yearly Wrapped post needs them (services.wrapped_post)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.ids import MemberId
from tgraph_bot.graphs.cards import CardJob
from tgraph_bot.services.ports.messages import DirectMessages
from tgraph_bot.services.post_layout import OutgoingMessage


@dataclass(frozen=True, slots=True)
class DrawnCard:
    png: Path
    job: CardJob  # what the card says (its alt text is made from it)


class WrappedAudience(Protocol):
    """Discord, as the yearly post needs it."""

    async def server_name(self) -> str:
        """The name of the server CHANNEL_ID is in."""
        ...

    async def name_of(self, member: MemberId) -> str | None:
        """The member's name in the server; None when they are no longer in it."""
        ...

    async def post(self, message: OutgoingMessage) -> None:
        """One message in CHANNEL_ID; raises when it cannot be posted (the job retries)."""
        ...

    @property
    def dms(self) -> DirectMessages:
        """The members' DMs."""
        ...


class Members(Protocol):
    """Who said yes, and where their images go (services.my_stats.MyStatsService)."""

    async def named_members(self, settings: Settings) -> dict[int, MemberId]: ...

    async def image_dir_for(self, member_id: MemberId, base: Path) -> Path: ...


class PostProgress(Protocol):
    """How far the last post got (storage.wrapped.MetaPostProgress): the day of its server
    post, and the last member (by id) whose DM was dealt with; 0 before the first."""

    async def get(self) -> tuple[date, MemberId] | None: ...

    async def put(self, day: date, member: MemberId) -> None: ...


__all__ = ["DrawnCard", "Members", "PostProgress", "WrappedAudience"]
