"""One link rule for every feature that acts for a member, whatever MY_STATS_VERIFICATION is.

The real bot against simcord: /my_stats, /link and /plex completion through the real
discord.py, one SQLite file under both the /my_stats links and the Plex module, the fake
plex.tv for real Plex sign-ins, the fake Plex and Tautulli for the completion numbers, and
the mode switched by an admin's /config edit as an owner would.

Links are made under each mode (Emma by email in mode none, Adam by an admin in mode admin,
Pia by a Plex sign-in in mode plex; Nora never links), then the modes go none -> admin ->
plex -> admin -> none and every member tries every feature that acts for them. An email
link counts only in mode none; a sign-in or an admin's link counts in every mode.
(/plex usage shows the whole server's activity to anyone and acts for no one.)
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import discord
import pytest

from tests.fakes.plextv import FakeAccount, FakePlexTv
from tests.my_stats_support import RecordedUsers
from tests.plex_support import HARPER, Rig, plex_cog_bot, plex_rig
from tgraph_bot.adapters.discord.bot import TGraphBot
from tgraph_bot.adapters.plextv import PlexTvClient
from tgraph_bot.errors import NotLinkedError
from tgraph_bot.services.my_stats import MyStatsService
from tgraph_bot.storage import links
from tgraph_bot.storage.links import SqliteLinkStore

if TYPE_CHECKING:
    import simcord
    from simcord.results import InteractionResult

    from tests.discord_env import Parts, World


ISLA = 2414070
FINLEY = 24369028
HARPER_EMAIL = "harper.kim11@mail.example.com"
FINLEY_PLEX = FakeAccount(FINLEY, "f1", "finley.kowalski", "finley.kowalski@example.org", "Fin")
PLAYED = {HARPER: 1, ISLA: 2, FINLEY: 3}  # John Coltrane tracks each has played (of 5)


class PlexEnd:
    """The members at the plex.tv end of a sign-in: while the bot waits between looks at
    the PIN, the next scripted account approves it, or (none scripted) it lapses."""

    def __init__(self, fake: FakePlexTv) -> None:
        self.fake = fake
        self.approvals: list[FakeAccount] = []

    async def sleep(self, _seconds: float) -> None:
        pin = self.fake.last_pin
        if self.approvals:
            self.fake.approve(pin.id, self.approvals.pop(0))
        else:
            self.fake.expire(pin.id)


@pytest.fixture
async def rig(tmp_path: Path, parts: Parts) -> AsyncIterator[Rig]:
    parts.store.set("PLAYLIST_SYNC_HOURS", "0")  # no scheduled sync in this test
    async with plex_rig(tmp_path / "plex", read_settings=lambda: parts.store.settings) as rig:
        yield rig


@pytest.fixture
async def plex_end() -> AsyncIterator[PlexEnd]:
    fake = FakePlexTv()
    await fake.start()
    yield PlexEnd(fake)
    await fake.close()


@pytest.fixture
async def simcord_bot(parts: Parts, rig: Rig, plex_end: PlexEnd) -> AsyncIterator[TGraphBot]:
    client_id = await rig.db.run(links.plex_client_identifier)
    async with PlexTvClient(plex_end.fake.url, client_id) as plextv:
        # The links of /my_stats and of the Plex module are one table, as in app.py.
        my_stats = MyStatsService(
            SqliteLinkStore(rig.db),
            plextv,
            RecordedUsers(),
            clock=discord.utils.utcnow,
            sleep=plex_end.sleep,
        )
        yield plex_cog_bot(replace(parts, services=replace(parts.services, my_stats=my_stats)), rig)


@dataclass(frozen=True)
class Tried:
    """What one member got from each feature: whose numbers, or None for a refusal."""

    my_stats: int | None
    completion: int | None


def _texts(result: InteractionResult) -> str:
    parts = [result.response.content] if result.response else []
    return "\n".join(parts + [f.content for f in result.followups])


async def _try_everything(world: World, rig: Rig, member: simcord.MemberActor) -> Tried:
    rendered = len(world.renderer.calls)
    await member.slash(world.channel, "my_stats")
    calls = world.renderer.calls[rendered:]
    assert len(calls) <= 1
    completion = _texts(
        await member.slash(world.channel, "plex completion", artist="John Coltrane")
    )
    played = re.search(r"\((\d)/5\) of John Coltrane's", completion)
    if played is None:
        assert completion.startswith("Your Discord account is not linked to a Plex account yet")
    return Tried(
        my_stats=int(calls[0]) if calls else None,
        completion=None if played is None else int(played.group(1)),
    )


def _root(error: BaseException) -> BaseException:
    while error.__cause__ is not None:
        error = error.__cause__
    return error


async def _mode(world: World, mode: str) -> None:
    done = await world.admin.slash(
        world.channel, "config edit", key="MY_STATS_VERIFICATION", value=mode
    )
    assert _texts(done) == f"MY_STATS_VERIFICATION is now {mode}. Applied now."


async def test_every_feature_follows_the_one_link_rule_across_modes(
    world: World, rig: Rig, plex_end: PlexEnd
) -> None:
    tracks = [t.rating_key for t in rig.library["tracks"]]
    for user, count in PLAYED.items():
        rig.plays(user, tracks[:count])
    add = world.guild.add_member
    emma, adam = add(world.env.create_user("emma")), add(world.env.create_user("adam"))
    pia, nora = add(world.env.create_user("pia")), add(world.env.create_user("nora"))

    # Links made under each mode.
    await _mode(world, "none")
    await emma.slash(world.channel, "my_stats", email=HARPER_EMAIL)
    await _mode(world, "admin")
    await world.admin.slash(world.channel, "link add", member=adam, plex_user="Isla_Wright")
    await _mode(world, "plex")
    plex_end.approvals.append(FINLEY_PLEX)
    await pia.slash(world.channel, "my_stats")
    assert world.renderer.calls == [HARPER, FINLEY]  # Emma and Pia got theirs on linking

    numbers = {user: Tried(user, count) for user, count in PLAYED.items()}
    refused = Tried(None, None)
    verified = {
        "emma": refused,
        "adam": numbers[ISLA],
        "pia": numbers[FINLEY],
        "nora": refused,
    }
    expected = {
        "none": verified | {"emma": numbers[HARPER]},
        "admin": verified,
        "plex": verified,
    }
    members = {"emma": emma, "adam": adam, "pia": pia, "nora": nora}
    rounds = ("none", "admin", "plex", "admin", "none")
    for mode in rounds:
        await _mode(world, mode)
        seen = {name: await _try_everything(world, rig, m) for name, m in members.items()}
        assert seen == expected[mode], mode
    # Each refused /plex completion is the "not linked" error the ladder answered, no other.
    refusals = sum(t.completion is None for mode in rounds for t in expected[mode].values())
    assert [type(_root(e)) for e in world.env.errors] == [NotLinkedError] * refusals
    # Nobody was linked along the way by trying (Nora's sign-ins lapsed).
    assert plex_end.approvals == []
    linked = {link.member_id for link in await rig.db.run(links.all_links)}
    assert linked == {emma.id, adam.id, pia.id}
