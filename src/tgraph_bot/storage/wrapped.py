"""How far the yearly Wrapped post got, kept in the ``meta`` table (no migration)."""

from __future__ import annotations

from datetime import date

from tgraph_bot.core.ids import MemberId
from tgraph_bot.storage import meta
from tgraph_bot.storage.db import Database

PROGRESS_KEY = "wrapped.post_progress"


class MetaPostProgress:
    """The day of the last server post and the last member whose DM was dealt with (0: none
    yet), as ``"2026-12-01 123456789"`` (services.wrapped_post.PostProgress)."""

    def __init__(self, db: Database, key: str = PROGRESS_KEY) -> None:
        self._db = db
        self._key = key

    async def get(self) -> tuple[date, MemberId] | None:
        value = await self._db.run(lambda conn: meta.get(conn, self._key))
        if not value:
            return None
        day, member = value.split()
        return date.fromisoformat(day), MemberId(int(member))

    async def put(self, day: date, member: MemberId) -> None:
        value = f"{day.isoformat()} {int(member)}"
        await self._db.run(lambda conn: meta.put(conn, self._key, value))


__all__ = ["PROGRESS_KEY", "MetaPostProgress"]
