"""/my_stats forget, /link and /unlink, and the hourly image sweep: the real discord.py
against simcord, with real SQLite and image folders on disk."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import discord
import pytest
import simcord

from tests.simcord_locale import client_locale
from tgraph_bot.adapters.discord.cogs.my_stats import DM_CLOSED, MyStatsCog
from tgraph_bot.core.ids import MemberId
from tgraph_bot.i18n import translator
from tgraph_bot.services.my_stats import MyStatsService

if TYPE_CHECKING:
    from simcord.results import InteractionResult

    from tests.discord_env import World


NEED_EMAIL = (
    "You are not linked to a Plex account yet. The first time, give the email of "
    "your Plex account: {my_stats} email:you@example.com"
)
ASK_ADMIN = "You are not linked to a Plex account yet. Please ask an admin to link you."
FORGOTTEN = "Done: your link to a Plex account and any stored images of your stats are deleted."


def _texts(result: InteractionResult) -> list[str]:
    texts = [result.response.content] if result.response else []
    return texts + [f.content for f in result.followups]


def _service(world: World) -> MyStatsService:
    cog = world.bot.get_cog("MyStatsCog")
    assert isinstance(cog, MyStatsCog)
    return cog.service


def _stats_dir(world: World) -> Path:
    return world.images / "my_stats"  # where the bot keeps per-member images


def _dms(actor: simcord.MemberActor) -> list[discord.Message]:
    channel = actor.user.dm_channel
    return [] if channel is None else sorted(channel.history(), key=lambda m: m.id)


async def _admin_mode(world: World) -> None:
    await world.admin.slash(
        world.channel, "config edit", key="MY_STATS_VERIFICATION", value="admin"
    )


async def test_forget_deletes_the_link_and_the_members_images(world: World) -> None:
    service = _service(world)
    linked = await world.member.slash(world.channel, "my_stats", email="alice@example.com")
    assert _texts(linked)[0].startswith("If that email belongs")
    assert (await service.linked_user(MemberId(world.member.id))) is not None
    # Images left behind (say, the bot stopped while sending), next to another member's.
    mine = await service.image_dir_for(MemberId(world.member.id), _stats_dir(world))
    (mine / "daily_play_count.png").write_bytes(b"png")
    theirs = await service.image_dir_for(MemberId(world.admin.id), _stats_dir(world))
    (theirs / "daily_play_count.png").write_bytes(b"png")

    result = await world.member.slash(world.channel, "my_stats", forget=True)
    assert result.ephemeral
    assert _texts(result) == [FORGOTTEN]
    assert not mine.exists()
    assert (theirs / "daily_play_count.png").exists()
    assert (await service.linked_user(MemberId(world.member.id))) is None

    # Not linked any more: without an email they are asked for one, and get no DM.
    dms_before = len(_dms(world.member))
    again = await world.member.slash(world.channel, "my_stats")
    # The command is named as a mention: Discord shows it clickable, in the member's language.
    mention = f"</my_stats:{world.bot.command_ids['my_stats']}>"
    assert _texts(again) == [NEED_EMAIL.format(my_stats=mention)]
    assert len(_dms(world.member)) == dms_before
    assert world.renderer.calls == [42]


async def test_forget_wins_over_an_email_given_with_it(world: World) -> None:
    result = await world.member.slash(
        world.channel, "my_stats", email="alice@example.com", forget=True
    )
    assert _texts(result) == [FORGOTTEN]
    assert world.renderer.calls == []
    assert _dms(world.member) == []
    assert (await _service(world).linked_user(MemberId(world.member.id))) is None


async def test_forget_is_not_held_back_by_the_cooldown(world: World) -> None:
    await world.admin.slash(
        world.channel, "config edit", key="MY_STATS_COOLDOWN_MINUTES", value="5"
    )
    forgot = await world.member.slash(world.channel, "my_stats", forget=True)
    assert _texts(forgot) == [FORGOTTEN]
    # Forgetting did not use the cooldown up ...
    first = await world.member.slash(world.channel, "my_stats", email="alice@example.com")
    assert _texts(first)[0].startswith("If that email belongs")
    # ... and a member cooling down can still be forgotten.
    cooling = await world.member.slash(world.channel, "my_stats")
    assert _texts(cooling)[0].startswith("This command is cooling down")
    forgot_again = await world.member.slash(world.channel, "my_stats", forget=True)
    assert _texts(forgot_again) == [FORGOTTEN]
    assert (await _service(world).linked_user(MemberId(world.member.id))) is None
    assert [type(e) for e in world.env.errors] == [discord.app_commands.CommandOnCooldown]


async def test_admin_links_a_member_who_then_gets_stats_without_email(world: World) -> None:
    world.store.set("POST_LAYOUT", "embeds")  # the heading is the first message's content
    await _admin_mode(world)
    before = await world.member.slash(world.channel, "my_stats")
    assert _texts(before) == [ASK_ADMIN]
    assert _dms(world.member) == []

    linked = await world.admin.slash(
        world.channel, "link add", member=world.member, plex_user="Alice"
    )
    assert linked.ephemeral
    assert _texts(linked) == [f"{world.member.mention} is now linked to the Plex user alice."]
    after = await world.member.slash(world.channel, "my_stats")
    assert _texts(after) == ["Your stats are on their way by DM."]
    dms = _dms(world.member)
    assert [m.content for m in dms] == ["Your Plex statistics for the last 30 days", ""]
    assert sum(len(m.attachments) for m in dms) == 12
    assert world.renderer.calls == [42]
    assert world.channel.history() == []  # nothing public
    assert not any(_stats_dir(world).iterdir())  # images deleted once sent

    unlinked = await world.admin.slash(world.channel, "unlink", member=world.member)
    assert unlinked.ephemeral
    assert _texts(unlinked) == [f"{world.member.mention} is no longer linked to a Plex user."]
    again = await world.admin.slash(world.channel, "unlink", member=world.member)
    assert _texts(again) == [f"{world.member.mention} was not linked to a Plex user."]
    later = await world.member.slash(world.channel, "my_stats")
    assert _texts(later) == [ASK_ADMIN]
    assert world.renderer.calls == [42]


async def test_admin_can_name_the_plex_user_but_not_by_email(world: World) -> None:
    result = await world.admin.slash(
        world.channel, "link add", member=world.member, plex_user="alice@example.com"
    )
    (text,) = _texts(result)
    assert text.startswith("Name the Plex user by their Plex username")
    assert "alice@example.com" not in text.lower()
    assert [type(e).__name__ for e in world.env.errors] == ["CommandInvokeError"]
    assert (await _service(world).linked_user(MemberId(world.member.id))) is None


async def test_only_admins_see_or_use_link_and_unlink(world: World) -> None:
    member_sees = world.member.available_commands(world.channel)
    assert "link add" not in member_sees and "link list" not in member_sees
    assert "unlink" not in member_sees
    assert "my_stats" in member_sees
    admin_sees = world.admin.available_commands(world.channel)
    assert {"link add", "link list", "unlink"} <= set(admin_sees)
    assert "stats_link add" not in admin_sees  # the old names are gone
    with pytest.raises(simcord.SetupError, match="not visible"):
        await world.member.slash(world.channel, "link add", member=world.member, plex_user="alice")
    with pytest.raises(simcord.SetupError, match="not visible"):
        await world.member.slash(world.channel, "unlink", member=world.admin)
    assert (await _service(world).linked_user(MemberId(world.member.id))) is None


async def test_admin_mode_another_members_email_reads_like_an_unknown_one(world: World) -> None:
    await _admin_mode(world)
    await world.admin.slash(world.channel, "link add", member=world.member, plex_user="alice")
    mallory = world.guild.add_member(world.env.create_user("mallory"))
    carol = world.guild.add_member(world.env.create_user("carol"))
    someone_elses = await mallory.slash(world.channel, "my_stats", email="Alice@Example.com")
    unknown = await carol.slash(world.channel, "my_stats", email="nobody@example.com")
    unused = "The email you gave is not used: on this server an admin links members to their "
    unused += "Plex accounts."
    assert _texts(someone_elses) == _texts(unknown) == [f"{unused}\n{ASK_ADMIN}"]
    assert someone_elses.ephemeral and unknown.ephemeral
    assert world.renderer.calls == []
    assert _dms(mallory) == [] and _dms(carol) == [] and _dms(world.member) == []
    assert (await _service(world).linked_user(MemberId(mallory.id))) is None


async def test_stat_images_older_than_keep_days_are_swept_hourly(world: World) -> None:
    service = _service(world)
    folder = await service.image_dir_for(MemberId(world.member.id), _stats_dir(world))
    old, fresh = folder / "old.png", folder / "fresh.png"
    old.write_bytes(b"png")
    fresh.write_bytes(b"png")
    now = discord.utils.utcnow()  # simcord's clock
    nine_days_ago = (now - timedelta(days=9)).timestamp()
    os.utime(old, (nine_days_ago, nine_days_ago))
    later = (now + timedelta(hours=2)).timestamp()
    os.utime(fresh, (later, later))
    assert world.bot.settings.KEEP_DAYS == 7
    await world.env.advance_time(3600 + 1)
    assert not old.exists()
    assert fresh.exists()


async def test_link_autocompletes_tautullis_users_and_lists_the_links(world: World) -> None:
    choices = await world.admin.autocomplete(world.channel, "link add", "plex_user", "ali")
    assert choices == [{"name": "Alice (alice)", "value": "alice"}]  # "Local" is never offered
    assert await world.admin.autocomplete(world.channel, "link add", "plex_user", "loc") == []
    empty = await world.admin.slash(world.channel, "link list")
    assert empty.ephemeral and _texts(empty) == ["Nobody is linked yet."]
    await world.admin.slash(world.channel, "link add", member=world.member, plex_user="alice")
    listed = await world.admin.slash(world.channel, "link list")
    assert listed.ephemeral and listed.response is not None
    (embed,) = listed.response.embeds
    assert embed.title == "Linked members"
    assert (embed.description or "").startswith(f"{world.member.mention} → alice (by an admin, <t:")


async def test_my_stats_offers_the_graphs_of_one_persons_set(world: World) -> None:
    command = world.bot.tree.get_command("my_stats")
    assert isinstance(command, discord.app_commands.Command)
    (graph,) = [o for o in command.to_dict(world.bot.tree)["options"] if o["name"] == "graph"]
    assert [c["value"] for c in graph["choices"]] == [
        "daily_play_count",
        "play_count_by_dayofweek",
        "play_count_by_hourofday",
        "play_count_by_month",
        "top_10_platforms",
        "daily_play_count_by_stream_type",
        "play_count_by_source_resolution",
        "play_count_by_stream_resolution",
        "top_10_platforms_by_stream_type",
    ]  # no other users' graphs, no concurrent streams


async def test_closed_dms_are_told_in_the_members_language_and_nothing_is_lost(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_locale(monkeypatch, "da")
    da = translator("da")
    world.env.inject_error(  # the member's DMs are closed for the first DM the bot tries
        "POST", "/channels/*/messages", status=403, code=50007, message="Cannot send messages"
    )
    refused = await world.member.slash(world.channel, "my_stats", email="alice@example.com")
    assert refused.ephemeral
    assert _texts(refused) == [da._(DM_CLOSED)] != [DM_CLOSED]
    assert _dms(world.member) == [] and not list(_stats_dir(world).iterdir())
    again = await world.member.slash(world.channel, "my_stats")  # still linked: no email
    assert _texts(again) == [da._("Your stats are on their way by DM.")]
    assert sum(len(m.attachments) for m in _dms(world.member)) == 12
