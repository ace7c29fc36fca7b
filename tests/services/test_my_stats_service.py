"""/my_stats end to end below Discord: real SQLite, the fake plex.tv on 127.0.0.1,
the recorded Tautulli users. Member A is Isla, member B is Harper."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from tests.fakes.plextv import FakeAccount, FakePlexTv
from tests.my_stats_support import Clock, RecordedUsers, recorded_users
from tgraph_bot.adapters.plextv import PlexTvClient
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.core.my_stats import Decision, Reply
from tgraph_bot.errors import PlexTvError, PlexUserAmbiguousError, PlexUserNotFoundError
from tgraph_bot.i18n import Translator
from tgraph_bot.services.my_stats import MyStatsService, Outcome
from tgraph_bot.storage import links
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.links import SqliteLinkStore

A = MemberId(401234567890123456)
B = MemberId(402345678901234567)
C = MemberId(403456789012345678)
ISLA = TautulliUserId(2414070)
HARPER = TautulliUserId(695734)
ISLA_EMAIL = "isla.wright45@example.org"
HARPER_EMAIL = "harper.kim11@mail.example.com"
UNKNOWN_EMAIL = "nobody.here@example.org"
ISLA_PLEX = FakeAccount(2414070, "6d80a5fc0b7b9fb0", "Isla_Wright", ISLA_EMAIL, "Isla W.")
HARPER_PLEX = FakeAccount(695734, "edaf02b4ee08d63e", "HarperKPlex", HARPER_EMAIL, "Harper K.")
STRANGER_PLEX = FakeAccount(11, "aa", "stranger", "stranger@example.net", "Stranger")
EVERY_EMAIL = [u.email for u in recorded_users() if u.email] + [
    UNKNOWN_EMAIL,
    STRANGER_PLEX.email,
]

TR = Translator("en")


def settings(mode: str) -> Settings:
    return Settings(MY_STATS_VERIFICATION=mode)  # pyright: ignore[reportArgumentType]


@dataclass
class Env:
    db: Database
    fake: FakePlexTv
    clock: Clock
    users: RecordedUsers
    service: MyStatsService
    images: Path
    on_sleep: list[Callable[[], None]] = field(default_factory=list[Callable[[], None]])

    def approve_with(self, account: FakeAccount) -> None:
        self.on_sleep.append(lambda: self.fake.approve(self.fake.last_pin.id, account) and None)

    async def link_of(self, member: MemberId) -> links.Link | None:
        return await self.db.run(lambda conn: links.get_link(conn, member))

    async def dump(self) -> str:
        return "\n".join(await self.db.run(lambda conn: list(conn.iterdump())))


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    clock = Clock()
    fake = FakePlexTv(clock=clock)
    await fake.start()
    hooks: list[Callable[[], None]] = []

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)
        while hooks:
            hooks.pop(0)()

    async with Database(tmp_path / "tgraph.db") as db:
        client_id = await db.run(links.plex_client_identifier)
        async with PlexTvClient(fake.url, client_id) as plextv:
            users = RecordedUsers()
            service = MyStatsService(SqliteLinkStore(db), plextv, users, clock=clock, sleep=sleep)
            yield Env(db, fake, clock, users, service, tmp_path / "my_stats", hooks)
    await fake.close()


def seen_reply(outcome: Outcome) -> str:
    """What the caller reads, with the one thing that differs per sign-in (the URL) masked."""
    text = outcome.render(TR)
    return text if outcome.signin is None else text.replace(outcome.signin.url, "<url>")


async def signin(env: Env, member: MemberId, email: str | None, account: FakeAccount | None):
    started = await env.service.request(member, email, settings("plex"))
    assert started.decision is Decision.START_PLEX_SIGNIN and started.signin is not None
    if account is not None:
        env.approve_with(account)
    return started, await env.service.complete_plex_signin(started.signin.id)


# -- plex mode -----------------------------------------------------------------------------


async def test_plex_approve_links_sends_and_the_link_is_reused(env: Env) -> None:
    started, done = await signin(env, A, "  Isla.Wright45@Example.org ", ISLA_PLEX)
    assert started.signin is not None
    pin = env.fake.last_pin
    assert started.signin.url.startswith("https://app.plex.tv/auth#?clientID=")
    assert f"code={pin.code}" in started.signin.url
    assert started.signin.url not in started.render(TR)  # the link is a button
    assert "30 minutes" in started.render(TR)
    assert (done.decision, done.user_id, done.reply) == (
        Decision.LINK_AND_SEND,
        ISLA,
        Reply.LINKED_AND_SENDING,
    )
    assert "Isla_Wright" in done.render(TR)
    link = await env.link_of(A)
    assert link is not None and (link.tautulli_user_id, link.how) == (ISLA, "plex")

    again = await env.service.request(A, None, settings("plex"))
    assert (again.decision, again.user_id) == (Decision.SEND_TO_LINKED, ISLA)
    assert len(env.fake.pins) == 1  # no second sign-in
    token = pin.auth_token
    assert token is not None
    dump = await env.dump()
    assert token not in dump and "@" not in dump
    assert "my_stats_signins VALUES" not in dump  # the pending sign-in is gone


async def test_plex_deny_gets_no_link(env: Env) -> None:
    started, done = await signin(env, A, ISLA_EMAIL, None)
    env.fake.deny(env.fake.last_pin.id)
    assert (done.decision, done.user_id) == (Decision.SIGNIN_EXPIRED, None)
    assert await env.link_of(A) is None
    # The bot waited as long as the link worked (30 minutes), and no longer.
    assert started.signin is not None and started.now is not None
    assert env.clock.now - started.now > timedelta(minutes=15)
    assert env.clock.now <= started.signin.expires_at + timedelta(seconds=2)
    again = await env.service.request(A, None, settings("plex"))
    assert again.decision is Decision.START_PLEX_SIGNIN  # no email needed, ever


PLEX_EMAIL_UNUSED = (
    "The email you gave is not used: on this server you show that a Plex account is yours "
    "by signing in to Plex."
)


async def test_an_email_where_the_mode_does_not_use_one_is_answered(env: Env) -> None:
    given = await env.service.request(A, ISLA_EMAIL, settings("plex"))
    assert given.decision is Decision.START_PLEX_SIGNIN  # the email changed nothing
    assert given.render(TR).startswith(PLEX_EMAIL_UNUSED + "\nSign in to Plex with the account")
    assert given.render(Translator("da")).startswith(
        "Den e-mail, du gav, bruges ikke: her viser du, at en Plex-konto er din, ved at logge "
        "ind på Plex.\nLog ind på Plex"
    )
    assert ISLA_EMAIL not in given.render(TR)
    without = await env.service.request(B, " ", settings("plex"))  # blank: none given
    assert "email" not in without.render(TR)
    admin = await env.service.request(C, UNKNOWN_EMAIL, settings("admin"))
    assert admin.render(TR) == (
        "The email you gave is not used: on this server an admin links members to their "
        "Plex accounts.\nYou are not linked to a Plex account yet. Please ask an admin to "
        "link you."
    )
    await env.service.link(C, "Isla_Wright")  # linked: still told, and the stats are sent
    sent = await env.service.request(C, UNKNOWN_EMAIL, settings("admin"))
    assert (sent.reply, sent.user_id) == (Reply.SENDING, ISLA)
    assert sent.render(TR).endswith("\nYour stats are on their way by DM.")
    email_mode = await env.service.request(B, UNKNOWN_EMAIL, settings("none"))
    assert email_mode.render(TR).startswith("If that email belongs")  # used there: no note


async def test_plex_code_expiring_gets_no_link(env: Env) -> None:
    started = await env.service.request(A, ISLA_EMAIL, settings("plex"))
    assert started.signin is not None
    env.on_sleep.append(lambda: env.fake.expire(env.fake.last_pin.id))
    done = await env.service.complete_plex_signin(started.signin.id)
    assert (done.decision, done.reply, done.user_id) == (
        Decision.SIGNIN_EXPIRED,
        Reply.SIGNIN_EXPIRED,
        None,
    )
    assert await env.link_of(A) is None
    # A used or unknown sign-in id finishes nothing.
    again = await env.service.complete_plex_signin(started.signin.id)
    assert again.decision is Decision.SIGNIN_EXPIRED


async def test_plex_an_account_that_does_not_use_this_server_gets_nothing(env: Env) -> None:
    _, stranger = await signin(env, A, None, STRANGER_PLEX)
    _, typed = await signin(env, A, ISLA_EMAIL, STRANGER_PLEX)  # an email proves nothing
    for done in (stranger, typed):
        assert (done.decision, done.user_id) == (Decision.NEUTRAL_ACK, None)
    assert seen_reply(stranger) == seen_reply(typed)
    assert "does not use this server" in seen_reply(stranger)
    assert await env.link_of(A) is None


async def test_plex_the_signed_in_account_decides_whatever_email_is_typed(env: Env) -> None:
    await env.service.link(B, "HarperKPlex")  # B is linked
    b_started, b_done = await signin(env, A, HARPER_EMAIL, ISLA_PLEX)
    u_started = await env.service.request(C, UNKNOWN_EMAIL, settings("plex"))
    assert (b_started.decision, b_started.user_id) == (u_started.decision, u_started.user_id)
    assert seen_reply(b_started) == seen_reply(u_started)
    # Typing B's email while signing in as Isla links Isla, never Harper.
    assert (b_done.decision, b_done.user_id) == (Decision.LINK_AND_SEND, ISLA)
    link = await env.link_of(B)
    assert link is not None and link.tautulli_user_id == HARPER
    # Starting a sign-in never asked Tautulli about the email at all.
    assert env.users.calls == 1 + 1  # link() once, then one users() for the finished sign-in


async def test_plex_without_a_plex_tv_client_is_a_user_facing_error(env: Env) -> None:
    service = MyStatsService(SqliteLinkStore(env.db), None, env.users, clock=env.clock)
    with pytest.raises(PlexTvError):
        await service.request(A, ISLA_EMAIL, settings("plex"))


async def test_a_linked_member_always_gets_their_own_stats(env: Env) -> None:
    await env.service.link(A, "Isla W.")
    for mode in ("plex", "admin", "none"):
        for email in (HARPER_EMAIL, UNKNOWN_EMAIL, None):
            outcome = await env.service.request(A, email, settings(mode))
            assert (outcome.decision, outcome.user_id) == (Decision.SEND_TO_LINKED, ISLA)


# -- admin mode ----------------------------------------------------------------------------


async def test_admin_link_and_unlink(env: Env) -> None:
    asked = await env.service.request(A, None, settings("admin"))
    assert (asked.decision, asked.reply) == (Decision.ASK_ADMIN, Reply.ASK_ADMIN)
    assert "ask an admin" in asked.render(TR)

    user = await env.service.link(A, "isla_wright")
    assert user.user_id == ISLA
    linked = await env.service.request(A, None, settings("admin"))
    assert (linked.decision, linked.user_id) == (Decision.SEND_TO_LINKED, ISLA)
    link = await env.link_of(A)
    assert link is not None and (link.how, link.plex_username) == ("admin", "Isla_Wright")

    assert (await env.service.link(C, "harper k.")).user_id == HARPER  # friendly name
    with pytest.raises(PlexUserNotFoundError):
        await env.service.link(C, "Local")
    with pytest.raises(PlexUserNotFoundError) as missing:
        await env.service.link(C, "nobody")
    assert missing.value.render(TR) == "No Plex user named nobody uses this server."
    with pytest.raises(PlexUserNotFoundError) as by_email:
        await env.service.link(C, HARPER_EMAIL)
    assert HARPER_EMAIL not in by_email.value.render(TR) + str(by_email.value)

    assert await env.service.unlink(A) is True
    assert await env.service.unlink(A) is False
    assert (await env.service.request(A, None, settings("admin"))).decision is Decision.ASK_ADMIN


async def test_admin_ambiguous_friendly_name(tmp_path: Path) -> None:
    twins = [u for u in recorded_users() if u.user_id in (ISLA, HARPER)]
    twins = [
        type(u)(u.user_id, u.username, "Sam", u.email)  # two users with one friendly name
        for u in twins
    ]
    async with Database(tmp_path / "db.sqlite") as db:
        service = MyStatsService(SqliteLinkStore(db), None, RecordedUsers(twins), clock=Clock())
        with pytest.raises(PlexUserAmbiguousError):
            await service.link(A, "sam")
        assert (await service.link(A, "HarperKPlex")).user_id == HARPER


async def test_admin_a_typing_bs_email_sees_what_an_unknown_email_sees(env: Env) -> None:
    await env.service.link(B, "HarperKPlex")
    with_b = await env.service.request(A, HARPER_EMAIL, settings("admin"))
    unknown = await env.service.request(A, UNKNOWN_EMAIL, settings("admin"))
    assert (with_b.decision, with_b.user_id) == (unknown.decision, unknown.user_id)
    assert with_b.user_id is None and seen_reply(with_b) == seen_reply(unknown)


# -- none mode -----------------------------------------------------------------------------


async def test_none_mode_email_alone_then_the_link(env: Env) -> None:
    first = await env.service.request(B, HARPER_EMAIL, settings("none"))
    assert (first.decision, first.user_id) == (Decision.LINK_AND_SEND, HARPER)
    link = await env.link_of(B)
    assert link is not None and link.how == "email"
    again = await env.service.request(B, None, settings("none"))
    assert (again.decision, again.user_id) == (Decision.SEND_TO_LINKED, HARPER)

    with_b = await env.service.request(A, HARPER_EMAIL, settings("none"))
    unknown = await env.service.request(A, UNKNOWN_EMAIL, settings("none"))
    assert (with_b.decision, with_b.user_id) == (Decision.NEUTRAL_ACK, None)
    assert (unknown.decision, unknown.user_id) == (Decision.NEUTRAL_ACK, None)
    # ... and reads exactly like B's own first request did.
    assert seen_reply(with_b) == seen_reply(unknown) == seen_reply(first)
    assert await env.link_of(A) is None
    assert (await env.service.request(A, None, settings("none"))).decision is Decision.NEED_EMAIL


async def test_an_email_only_link_stops_counting_when_verification_is_on(env: Env) -> None:
    # A claimed Harper's email while the bot ran in mode none; then plex mode was chosen.
    claimed = await env.service.request(A, HARPER_EMAIL, settings("none"))
    assert claimed.user_id == HARPER
    for mode in ("plex", "admin"):
        outcome = await env.service.request(A, None, settings(mode))
        assert outcome.user_id is None
    plex = await env.service.request(A, None, settings("plex"))
    assert plex.decision is Decision.START_PLEX_SIGNIN
    assert (await env.service.request(A, None, settings("admin"))).decision is Decision.ASK_ADMIN
    # A real sign-in replaces it.
    _, done = await signin(env, A, ISLA_EMAIL, ISLA_PLEX)
    assert done.user_id == ISLA
    again = await env.service.request(A, None, settings("plex"))
    assert (again.decision, again.user_id) == (Decision.SEND_TO_LINKED, ISLA)


async def test_none_mode_two_members_racing_for_one_email(env: Env) -> None:
    outcomes = await asyncio.gather(
        *(env.service.request(m, HARPER_EMAIL, settings("none")) for m in (A, B, C))
    )
    granted = [o for o in outcomes if o.user_id is not None]
    assert len(granted) == 1 and granted[0].user_id == HARPER
    assert len({seen_reply(o) for o in outcomes}) == 1


# -- forgetting, images, and what never leaks ----------------------------------------------


async def test_forget_deletes_the_link_the_signins_and_the_images(env: Env) -> None:
    await env.service.link(A, "Isla_Wright")
    await env.service.request(A, ISLA_EMAIL, settings("plex"))  # linked: no sign-in
    await env.service.request(C, ISLA_EMAIL, settings("plex"))  # C has a pending sign-in
    folder = await env.service.image_dir_for(A, env.images)
    (folder / "daily_play_count.png").write_bytes(b"png")
    other = await env.service.image_dir_for(B, env.images)
    (other / "daily_play_count.png").write_bytes(b"png")

    outcome = await env.service.forget(A, env.images)
    assert (outcome.decision, outcome.reply) == (Decision.FORGOTTEN, Reply.FORGOTTEN)
    assert await env.link_of(A) is None
    assert not folder.exists()
    assert (other / "daily_play_count.png").exists()  # B's images stay

    await env.service.forget(C, env.images)
    assert "my_stats_signins VALUES" not in await env.dump()


async def test_image_dirs_are_opaque_and_stable(env: Env, tmp_path: Path) -> None:
    a1 = await env.service.image_dir_for(A, env.images)
    a2 = await env.service.image_dir_for(A, env.images)
    b = await env.service.image_dir_for(B, env.images)
    assert a1 == a2 != b and a1.parent == env.images and a1.is_dir()
    assert str(int(A)) not in a1.name and "@" not in str(a1)
    # Another run on the same database gives the same names (the secret is in meta).
    async with Database(tmp_path / "tgraph.db") as db:
        again = MyStatsService(SqliteLinkStore(db), None, env.users, clock=env.clock)
        assert await again.image_dir_for(A, env.images) == a1


async def test_images_are_deleted_after_sending_and_after_keep_days(env: Env) -> None:
    folder = await env.service.image_dir_for(A, env.images)
    old, new = folder / "old.png", folder / "new.png"
    old.write_bytes(b"1")
    new.write_bytes(b"2")
    eight_days_ago = (env.clock.now - timedelta(days=8)).timestamp()
    os.utime(old, (eight_days_ago, eight_days_ago))
    os.utime(new, (env.clock.now.timestamp(), env.clock.now.timestamp()))
    assert await env.service.purge_images(env.images, 7, env.clock.now) == 1
    assert not old.exists() and new.exists()
    await env.service.discard_images(A, env.images)
    assert not folder.exists()
    assert await env.service.purge_images(env.images, 7, env.clock.now) == 0


async def test_no_email_or_token_in_logs_files_or_the_database(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await env.service.link(B, "HarperKPlex")
    await signin(env, MemberId(9001), UNKNOWN_EMAIL, None)  # never approved
    await signin(env, MemberId(9002), ISLA_EMAIL, STRANGER_PLEX)  # not on this server
    await signin(env, A, HARPER_EMAIL, ISLA_PLEX)  # someone else's email typed: Isla linked
    for mode in ("none", "admin"):
        await env.service.request(C, HARPER_EMAIL, settings(mode))
        await env.service.request(C, ISLA_EMAIL, settings(mode))
    folder = await env.service.image_dir_for(A, env.images)
    (folder / "graph.png").write_bytes(b"png")

    assert any("my_stats" in r.getMessage() for r in caplog.records)  # it did log
    logged = "\n".join(r.getMessage() for r in caplog.records).lower() + caplog.text.lower()
    tokens = [p.auth_token for p in env.fake.pins.values() if p.auth_token]
    assert tokens
    for secret in [*EVERY_EMAIL, *tokens]:
        assert secret.lower() not in logged
    names = [str(p) for p in env.images.rglob("*")]
    assert names and not any("@" in n for n in names)
    dump = await env.dump()
    assert "@" not in dump and not any(t in dump for t in tokens)


async def test_the_migration_is_applied_once(tmp_path: Path) -> None:
    async with Database(tmp_path / "x.db") as db:
        version = await db.run(lambda c: int(c.execute("PRAGMA user_version").fetchone()[0]))
        assert version >= 5
    conn = sqlite3.connect(tmp_path / "x.db")
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"my_stats_links", "my_stats_signins"} <= tables
    finally:
        conn.close()
    async with Database(tmp_path / "x.db") as db:  # opening again changes nothing
        assert (
            await db.run(lambda c: int(c.execute("PRAGMA user_version").fetchone()[0])) == version
        )
