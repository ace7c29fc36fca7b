"""Tautulli users as the rest of the program sees them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tgraph_bot.core.ids import TautulliUserId

LOCAL_USER_ID = TautulliUserId(0)


@dataclass(frozen=True)
class TautulliUser:
    """One user of the Plex server as Tautulli knows them."""

    user_id: TautulliUserId
    username: str
    friendly_name: str
    email: str | None


def normalise_email(email: str) -> str:
    """The form in which two spellings of one email compare equal."""
    return email.strip().lower()


def find_by_email(users: Iterable[TautulliUser], email: str) -> TautulliUser | None:
    """The user with this email (case-insensitive, trimmed); "Local" (user_id 0) never matches."""
    wanted = normalise_email(email)
    if not wanted:
        return None
    for user in users:
        if user.user_id == LOCAL_USER_ID or not user.email:
            continue
        if normalise_email(user.email) == wanted:
            return user
    return None


__all__ = ["LOCAL_USER_ID", "TautulliUser", "find_by_email", "normalise_email"]
