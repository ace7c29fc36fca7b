"""Tautulli's users, and finding one by email.

Pure: parsing works on already-decoded JSON. An email is personal data: it is kept
out of ``repr`` so that logging a user never prints it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from tgraph_bot.core.ids import TautulliUserId

LOCAL_USER_ID = TautulliUserId(0)
"""Tautulli lists "Local" (plays from the server itself) as user 0; it is nobody's account."""


@dataclass(frozen=True, slots=True)
class TautulliUser:
    user_id: TautulliUserId
    username: str
    friendly_name: str
    email: str | None = field(default=None, repr=False)  # never log it

    @property
    def display_name(self) -> str:
        return self.friendly_name or self.username or str(self.user_id)


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(users: Iterable[TautulliUser], email: str) -> TautulliUser | None:
    """The user whose email is ``email``: case-insensitive, whitespace-trimmed.

    "Local" (user_id 0) and users without an email never match, and neither does a
    blank query. When several users share an address the first one listed wins.
    """
    wanted = _normalise_email(email)
    if not wanted:
        return None
    for user in users:
        if user.user_id == LOCAL_USER_ID or not user.email:
            continue
        if _normalise_email(user.email) == wanted:
            return user
    return None


def _user_id(value: object) -> TautulliUserId | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return TautulliUserId(value) if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return TautulliUserId(int(value.strip()))
    return None


def _text(value: object) -> str:
    if value is None or (isinstance(value, (Mapping, Sequence)) and not isinstance(value, str)):
        return ""
    return str(value).strip()


def parse_user(item: object) -> TautulliUser | None:
    """One entry of ``get_users`` (or the answer of ``get_user``); None when unusable."""
    if not isinstance(item, Mapping):
        return None
    fields = cast("Mapping[str, object]", item)
    user_id = _user_id(fields.get("user_id"))
    if user_id is None:
        return None
    username = _text(fields.get("username"))
    friendly_name = _text(fields.get("friendly_name")) or username
    email = _text(fields.get("email")) or None
    return TautulliUser(user_id, username, friendly_name, email)


def parse_users(data: object) -> list[TautulliUser]:
    """The ``data`` of a ``get_users`` answer. Entries without a usable user_id are skipped."""
    if not isinstance(data, Sequence) or isinstance(data, (str, bytes)):
        return []
    users: list[TautulliUser] = []
    for item in cast("Sequence[object]", data):
        user = parse_user(item)
        if user is not None:
            users.append(user)
    return users


__all__ = ["LOCAL_USER_ID", "TautulliUser", "find_by_email", "parse_user", "parse_users"]
