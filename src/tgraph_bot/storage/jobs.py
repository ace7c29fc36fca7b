"""The last successful run of a scheduled job, kept in the ``meta`` table (no migration)."""

from __future__ import annotations

from datetime import UTC, datetime

from tgraph_bot.storage import meta
from tgraph_bot.storage.db import Database


class MetaRunRecord:
    """A :class:`~tgraph_bot.services.jobs.RunRecord` under the meta key ``job:NAME``."""

    def __init__(self, db: Database, name: str) -> None:
        self._db = db
        self._key = f"job:{name}:last_run"

    async def last_run(self) -> datetime | None:
        value = await self._db.run(lambda conn: meta.get(conn, self._key))
        return None if value is None else datetime.fromisoformat(value).astimezone(UTC)

    async def record_run(self, at: datetime) -> None:
        stamp = at.astimezone(UTC).isoformat()
        await self._db.run(lambda conn: meta.put(conn, self._key, stamp))


__all__ = ["MetaRunRecord"]
