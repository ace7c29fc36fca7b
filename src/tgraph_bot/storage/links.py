"""Links between Discord members and Tautulli users, and pending Plex sign-ins.

Plain functions on a connection, and :class:`SqliteLinkStore`, the
:class:`~tgraph_bot.services.ports.members.LinkStore` the services use: it runs them on the
database thread (``Database.run``), several at once in one transaction where the service
needs them atomic. No email is ever passed in or stored: a pending sign-in keeps a keyed
hash of the email only.
"""

from __future__ import annotations

import secrets
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.core.my_stats import Link, LinkHow, PendingSignin
from tgraph_bot.storage import meta
from tgraph_bot.storage.db import Database, transaction

T = TypeVar("T")

_SECRET_KEY = "my_stats.secret"
_CLIENT_ID_KEY = "plextv.client_identifier"


def _how(value: str) -> LinkHow:
    if value == "plex":
        return "plex"
    if value == "admin":
        return "admin"
    return "email"


_LINK_COLUMNS = "member_id, tautulli_user_id, plex_username, linked_at, how"


def _link(row: Sequence[object]) -> Link:
    return Link(
        member_id=MemberId(int(str(row[0]))),
        tautulli_user_id=TautulliUserId(int(str(row[1]))),
        plex_username=str(row[2]),
        linked_at=datetime.fromisoformat(str(row[3])),
        how=_how(str(row[4])),
    )


def get_link(conn: sqlite3.Connection, member_id: MemberId) -> Link | None:
    row = conn.execute(
        f"SELECT {_LINK_COLUMNS} FROM my_stats_links WHERE member_id = ?", (member_id,)
    ).fetchone()
    return None if row is None else _link(row)


def all_links(conn: sqlite3.Connection) -> list[Link]:
    """Every link, the newest first."""
    rows = conn.execute(
        f"SELECT {_LINK_COLUMNS} FROM my_stats_links ORDER BY linked_at DESC, member_id"
    ).fetchall()
    return [_link(r) for r in rows]


def is_linked_elsewhere(
    conn: sqlite3.Connection, user_id: TautulliUserId, member_id: MemberId
) -> bool:
    """Is this Tautulli user linked to a member other than ``member_id``?"""
    row = conn.execute(
        "SELECT 1 FROM my_stats_links WHERE tautulli_user_id = ? AND member_id != ? LIMIT 1",
        (user_id, member_id),
    ).fetchone()
    return row is not None


def put_link(conn: sqlite3.Connection, link: Link) -> None:
    conn.execute(
        "INSERT INTO my_stats_links (member_id, tautulli_user_id, plex_username, linked_at, how) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET "
        "tautulli_user_id = excluded.tautulli_user_id, plex_username = excluded.plex_username, "
        "linked_at = excluded.linked_at, how = excluded.how",
        (
            link.member_id,
            link.tautulli_user_id,
            link.plex_username,
            link.linked_at.isoformat(),
            link.how,
        ),
    )


def delete_link(conn: sqlite3.Connection, member_id: MemberId) -> bool:
    """Remove a member's link; True when there was one."""
    cur = conn.execute("DELETE FROM my_stats_links WHERE member_id = ?", (member_id,))
    return cur.rowcount > 0


def put_signin(conn: sqlite3.Connection, signin: PendingSignin) -> None:
    """Store a pending sign-in, replacing any earlier one of the same member."""
    conn.execute("DELETE FROM my_stats_signins WHERE member_id = ?", (signin.member_id,))
    conn.execute(
        "INSERT INTO my_stats_signins (id, member_id, pin_id, email_hash, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            signin.id,
            signin.member_id,
            signin.pin_id,
            signin.email_hash,
            signin.created_at.isoformat(),
            signin.expires_at.isoformat(),
        ),
    )


def get_signin(conn: sqlite3.Connection, signin_id: str) -> PendingSignin | None:
    row = conn.execute(
        "SELECT id, member_id, pin_id, email_hash, created_at, expires_at "
        "FROM my_stats_signins WHERE id = ?",
        (signin_id,),
    ).fetchone()
    if row is None:
        return None
    return PendingSignin(
        id=str(row[0]),
        member_id=MemberId(int(row[1])),
        pin_id=int(row[2]),
        email_hash=str(row[3]),
        created_at=datetime.fromisoformat(str(row[4])),
        expires_at=datetime.fromisoformat(str(row[5])),
    )


def delete_signin(conn: sqlite3.Connection, signin_id: str) -> None:
    conn.execute("DELETE FROM my_stats_signins WHERE id = ?", (signin_id,))


def delete_member_signins(conn: sqlite3.Connection, member_id: MemberId) -> None:
    conn.execute("DELETE FROM my_stats_signins WHERE member_id = ?", (member_id,))


def purge_signins(conn: sqlite3.Connection, now: datetime) -> int:
    """Forget pending sign-ins whose code has expired; return how many."""
    rows = conn.execute("SELECT id, expires_at FROM my_stats_signins").fetchall()
    stale = [str(r[0]) for r in rows if datetime.fromisoformat(str(r[1])) <= now]
    conn.executemany("DELETE FROM my_stats_signins WHERE id = ?", [(s,) for s in stale])
    return len(stale)


def _get_or_create(conn: sqlite3.Connection, key: str, make: str) -> str:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING", (key, make))
    value = meta.get(conn, key)
    assert value is not None
    return value


def secret(conn: sqlite3.Connection) -> bytes:
    """The key for opaque ids and email hashes, generated once and kept in the meta table."""
    return bytes.fromhex(_get_or_create(conn, _SECRET_KEY, secrets.token_hex(32)))


def plex_client_identifier(conn: sqlite3.Connection) -> str:
    """This installation's X-Plex-Client-Identifier, generated once and kept."""
    return _get_or_create(conn, _CLIENT_ID_KEY, str(uuid.uuid4()))


class SqliteLinkStore:
    """The :class:`~tgraph_bot.services.ports.members.LinkStore` over the program's database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def secret(self) -> bytes:
        return await self._db.run(secret)

    async def get_link(self, member_id: MemberId) -> Link | None:
        return await self._db.run(lambda conn: get_link(conn, member_id))

    async def all_links(self) -> list[Link]:
        return await self._db.run(all_links)

    async def put_link(self, link: Link) -> None:
        await self._db.run(lambda conn: put_link(conn, link))

    async def delete_link(self, member_id: MemberId) -> bool:
        return await self._db.run(lambda conn: delete_link(conn, member_id))

    async def decide_and_link(
        self,
        member_id: MemberId,
        candidate: TautulliUserId | None,
        now: datetime,
        decide: Callable[[Link | None, bool], tuple[T, Link | None]],
    ) -> T:
        def work(conn: sqlite3.Connection) -> T:
            purge_signins(conn, now)
            link = get_link(conn, member_id)
            elsewhere = candidate is not None and is_linked_elsewhere(conn, candidate, member_id)
            answer, new = decide(link, elsewhere)
            if new is not None:
                put_link(conn, new)
            return answer

        return await self._db.run(lambda conn: transaction(conn, work))

    async def put_signin(self, signin: PendingSignin) -> None:
        await self._db.run(lambda conn: transaction(conn, lambda c: put_signin(c, signin)))

    async def get_signin(self, signin_id: str) -> PendingSignin | None:
        return await self._db.run(lambda conn: get_signin(conn, signin_id))

    async def delete_signin(self, signin_id: str) -> None:
        await self._db.run(lambda conn: delete_signin(conn, signin_id))

    async def forget_member(self, member_id: MemberId) -> None:
        """The link, pending sign-ins and Wrapped consent: all the bot keeps of a member."""

        def work(conn: sqlite3.Connection) -> None:
            delete_link(conn, member_id)
            delete_member_signins(conn, member_id)
            conn.execute("DELETE FROM wrapped_consent WHERE member_id = ?", (member_id,))

        await self._db.run(lambda conn: transaction(conn, work))

    async def consenting(self) -> set[MemberId]:
        """Members who agreed to be named in the server's Wrapped."""
        rows = await self._db.run(
            lambda conn: conn.execute(
                "SELECT member_id FROM wrapped_consent WHERE share = 1"
            ).fetchall()
        )
        return {MemberId(int(r[0])) for r in rows}

    async def put_consent(self, member_id: MemberId, share: bool, at: datetime) -> None:
        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO wrapped_consent (member_id, share, at) VALUES (?, ?, ?) "
                "ON CONFLICT (member_id) DO UPDATE SET share = excluded.share, at = excluded.at",
                (member_id, int(share), at.isoformat()),
            )

        await self._db.run(lambda conn: transaction(conn, work))


__all__ = [
    "Link",
    "LinkHow",
    "PendingSignin",
    "SqliteLinkStore",
    "all_links",
    "delete_link",
    "delete_member_signins",
    "delete_signin",
    "get_link",
    "get_signin",
    "is_linked_elsewhere",
    "plex_client_identifier",
    "purge_signins",
    "put_link",
    "put_signin",
    "secret",
]
