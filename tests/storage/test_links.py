"""storage.links.SqliteLinkStore, the LinkStore port over SQLite on disk: /my_stats' check
and claim is one transaction, also across two connections to one file (two processes)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.core.my_stats import Link, PendingSignin
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.links import SqliteLinkStore

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
A, B = MemberId(401), MemberId(402)
HARPER = TautulliUserId(695734)


def signin(member: MemberId, expires: datetime, signin_id: str = "s1") -> PendingSignin:
    return PendingSignin(signin_id, member, 7, "", NOW - timedelta(minutes=1), expires)


Decide = Callable[[Link | None, bool], tuple[tuple[bool, bool], Link | None]]


def claim(member: MemberId) -> Decide:
    """Link ``member`` to Harper unless Harper is linked elsewhere; answer what was seen."""

    def decide(link: Link | None, elsewhere: bool) -> tuple[tuple[bool, bool], Link | None]:
        new = None if elsewhere or link else Link(member, HARPER, "HarperKPlex", NOW, "email")
        return (link is not None, elsewhere), new

    return decide


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteLinkStore]:
    async with Database(tmp_path / "tgraph.db") as db:
        yield SqliteLinkStore(db)


async def test_decide_and_link_reads_decides_and_claims(store: SqliteLinkStore) -> None:
    assert await store.decide_and_link(A, HARPER, NOW, claim(A)) == (False, False)
    link = await store.get_link(A)
    assert link is not None and (link.tautulli_user_id, link.how) == (HARPER, "email")
    assert await store.decide_and_link(A, HARPER, NOW, claim(A)) == (True, False)
    assert await store.decide_and_link(B, HARPER, NOW, claim(B)) == (False, True)
    assert await store.get_link(B) is None
    assert await store.decide_and_link(B, None, NOW, claim(B)) == (False, False)  # no candidate


async def test_decide_and_link_forgets_expired_signins_first(store: SqliteLinkStore) -> None:
    await store.put_signin(signin(A, NOW, "old"))
    await store.put_signin(signin(B, NOW + timedelta(minutes=5), "fresh"))
    await store.decide_and_link(A, None, NOW, claim(A))
    assert await store.get_signin("old") is None
    assert await store.get_signin("fresh") is not None


async def test_a_decide_that_fails_changes_nothing(store: SqliteLinkStore) -> None:
    await store.put_signin(signin(A, NOW))

    def broken(link: Link | None, elsewhere: bool) -> tuple[None, Link | None]:
        raise ValueError("a bug in the decision")

    with pytest.raises(ValueError):
        await store.decide_and_link(A, HARPER, NOW, broken)
    assert await store.get_signin("s1") is not None  # the purge was rolled back too
    assert await store.get_link(A) is None


async def test_two_connections_racing_for_one_user_link_one_member(tmp_path: Path) -> None:
    async with Database(tmp_path / "tgraph.db") as one, Database(tmp_path / "tgraph.db") as two:
        first, second = SqliteLinkStore(one), SqliteLinkStore(two)
        results = await asyncio.gather(
            first.decide_and_link(A, HARPER, NOW, claim(A)),
            second.decide_and_link(B, HARPER, NOW, claim(B)),
        )
        assert sorted(results) == [(False, False), (False, True)]  # one claimed, one saw it
        links = await first.all_links()
        assert [link.tautulli_user_id for link in links] == [HARPER]


async def test_forget_member_drops_the_link_and_the_signins(store: SqliteLinkStore) -> None:
    await store.put_link(Link(A, HARPER, "HarperKPlex", NOW, "plex"))
    await store.put_signin(signin(A, NOW + timedelta(minutes=5)))
    await store.put_signin(signin(B, NOW + timedelta(minutes=5), "b"))
    await store.forget_member(A)
    assert await store.get_link(A) is None
    assert await store.get_signin("s1") is None
    assert await store.get_signin("b") is not None
    assert await store.delete_link(A) is False


async def test_the_secret_is_made_once(tmp_path: Path) -> None:
    async with Database(tmp_path / "tgraph.db") as db:
        made = await SqliteLinkStore(db).secret()
    async with Database(tmp_path / "tgraph.db") as db:
        assert await SqliteLinkStore(db).secret() == made
    assert len(made) == 32
