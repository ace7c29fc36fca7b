"""The bot checks Manage Server itself on /config, /link, /unlink and /update_graphs.

Discord hides these commands from members (default_member_permissions), but a server can
widen that in Server Settings > Integrations. Here the widening is done as Discord does it
(a command permission override allowing @everyone, which simcord honours), and a member
without Manage Server then runs every admin command through the real discord.py: each is
answered "not permitted", changes nothing and spends no cooldown, and /link's autocomplete
offers them no Plex user names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
import pytest

from tgraph_bot.adapters.discord.cogs.my_stats import MyStatsCog
from tgraph_bot.core.ids import MemberId

if TYPE_CHECKING:
    import simcord
    from simcord.results import InteractionResult

    from tests.discord_env import World


NOT_PERMITTED = "You are not permitted to use this command."
ADMIN_COMMANDS = ("config", "link", "unlink", "update_graphs")
ASK_ADMIN = "You are not linked to a Plex account yet. Please ask an admin to link you."


def _texts(result: InteractionResult) -> list[str]:
    texts = [result.response.content] if result.response else []
    return texts + [f.content for f in result.followups]


def _widen(world: World) -> None:
    """What an owner does in Integrations: every admin command allowed for @everyone."""
    everyone = world.guild.default_role
    for name in ADMIN_COMMANDS:
        world.guild.set_command_permissions(world.bot.command_ids[name], {everyone: True})


async def _link_of(world: World, member: simcord.MemberActor) -> object:
    cog = world.bot.get_cog("MyStatsCog")
    assert isinstance(cog, MyStatsCog)
    return await cog.service.linked_user(MemberId(member.id))


async def _refused(world: World, result: InteractionResult) -> None:
    assert result.ephemeral
    assert _texts(result) == [NOT_PERMITTED]
    assert isinstance(world.env.errors[-1], discord.app_commands.MissingPermissions)


@pytest.fixture
def widened(world: World) -> World:
    _widen(world)
    # Discord now shows the member every admin command: only the bot stands in the way.
    shown = set(world.member.available_commands(world.channel))
    assert {"config view", "config edit", "link add", "link list", "unlink"} <= shown
    assert "update_graphs" in shown
    return world


async def test_config_view_and_edit_are_refused(widened: World) -> None:
    world = widened
    before = world.store.path.read_text(encoding="utf-8")
    viewed = await world.member.slash(world.channel, "config view")
    await _refused(world, viewed)
    assert viewed.response is not None and viewed.response.embeds == []
    one_key = await world.member.slash(world.channel, "config view", key="TAUTULLI_URL")
    await _refused(world, one_key)
    edited = await world.member.slash(
        world.channel, "config edit", key="MY_STATS_VERIFICATION", value="none"
    )
    await _refused(world, edited)
    assert world.store.path.read_text(encoding="utf-8") == before
    # An admin still can (the check is Manage Server, not "nobody").
    admin = await world.admin.slash(world.channel, "config view", key="LANGUAGE")
    assert admin.response is not None and admin.response.embeds


async def test_a_member_cannot_link_themself_to_someone_elses_stats(widened: World) -> None:
    world = widened
    await world.admin.slash(
        world.channel, "config edit", key="MY_STATS_VERIFICATION", value="admin"
    )
    linked = await world.member.slash(
        world.channel, "link add", member=world.member, plex_user="alice"
    )
    await _refused(world, linked)
    assert await _link_of(world, world.member) is None
    listed = await world.member.slash(world.channel, "link list")
    await _refused(world, listed)
    # And so no stats: the member is still asked to see an admin.
    stats = await world.member.slash(world.channel, "my_stats")
    assert _texts(stats) == [ASK_ADMIN]
    assert world.renderer.calls == []


async def test_unlink_is_refused_and_the_link_stays(widened: World) -> None:
    world = widened
    await world.admin.slash(world.channel, "link add", member=world.admin, plex_user="alice")
    assert await _link_of(world, world.admin) is not None
    result = await world.member.slash(world.channel, "unlink", member=world.admin)
    await _refused(world, result)
    assert await _link_of(world, world.admin) is not None


async def test_update_graphs_is_refused_and_spends_no_cooldown(widened: World) -> None:
    world = widened
    await world.admin.slash(
        world.channel, "config edit", key="UPDATE_GRAPHS_GLOBAL_COOLDOWN_SECONDS", value="600"
    )
    result = await world.member.slash(world.channel, "update_graphs")
    await _refused(world, result)
    assert world.renderer.calls == []
    assert world.channel.history() == []
    # The refusal did not start the server-wide cooldown: the admin posts at once.
    posted = await world.admin.slash(world.channel, "update_graphs")
    assert _texts(posted)[-1].startswith("Posted 12 graphs")


async def test_link_autocomplete_names_nobody_to_a_member(widened: World) -> None:
    world = widened
    member = await world.member.autocomplete(world.channel, "link add", "plex_user", "a")
    assert member == []
    admin = await world.admin.autocomplete(world.channel, "link add", "plex_user", "a")
    assert admin == [{"name": "Alice (alice)", "value": "alice"}]
