"""Shared pieces of the /my_stats tests: a test clock, a real UserDirectory, accounts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tgraph_bot.core.users import TautulliUser, find_by_email, parse_users

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Clock:
    now: datetime = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def recorded_users() -> list[TautulliUser]:
    """The users of the recorded Tautulli ``get_users`` answer, "Local" included."""
    path = FIXTURES / "tautulli" / "recorded" / "get_users.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    return parse_users(raw["body"]["response"]["data"])


class RecordedUsers:
    """A real UserDirectory over the recorded users (what the Tautulli adapter will serve)."""

    def __init__(self, users: list[TautulliUser] | None = None) -> None:
        self._users = recorded_users() if users is None else users
        self.calls = 0

    async def users(self) -> list[TautulliUser]:
        self.calls += 1
        return list(self._users)

    async def find_user_by_email(self, email: str) -> TautulliUser | None:
        self.calls += 1
        return find_by_email(self._users, email)
