"""/plex through the real discord.py against simcord, over the real service and the fakes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import discord
import pytest
import simcord

from tests.plex_support import HARPER, NOW, Rig, plex_cog_bot, plex_rig
from tgraph_bot.adapters.discord.bot import TGraphBot
from tgraph_bot.adapters.discord.cogs.plex import PlexCog, split_album
from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.storage import links

if TYPE_CHECKING:
    from tests.discord_env import Parts, World


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    # No scheduled sync in these tests (it is due at once on a first start).
    async with plex_rig(tmp_path / "plex", PLAYLIST_SYNC_HOURS=0) as rig:
        yield rig


@pytest.fixture
def simcord_bot(parts: Parts, rig: Rig) -> TGraphBot:
    return plex_cog_bot(parts, rig)


def texts(result: simcord.InteractionResult) -> str:
    parts = [result.response.content if result.response else ""]
    parts += [f.content for f in result.followups]
    return "\n".join(p for p in parts if p)


def embeds(result: simcord.InteractionResult) -> list[discord.Embed]:
    found = list(result.response.embeds) if result.response else []
    for followup in result.followups:
        found += followup.embeds
    return found


async def test_usage_is_one_embed_with_censored_users(world: World, rig: Rig) -> None:
    result = await world.member.slash(world.channel, "plex usage")
    (embed,) = embeds(result)
    assert len(embed.fields) == 3
    names = [f.name or "" for f in embed.fields]
    assert names[0].startswith("H****r K.")  # "Harper K." censored
    assert "▓" in (embed.fields[0].value or "")
    assert "Transcode (video, audio)" in (embed.fields[1].value or "")
    # Tautulli says "4k"; the graphs and every reply say "4K"
    assert "4K → 720p · Transcode" in (embed.fields[1].value or "")
    assert "4k" not in str(embed.to_dict())
    assert embed.footer.text is not None and "3 streams" in embed.footer.text


async def test_forty_streams_fit_discords_limits(world: World, rig: Rig) -> None:
    rig.tautulli.activity = "40_streams"
    (embed,) = embeds(await world.member.slash(world.channel, "plex usage"))
    assert len(embed.fields) <= 25
    assert len(embed) <= 6000
    assert "more" in (embed.fields[-1].value or "")


async def test_idle_is_a_friendly_line(world: World, rig: Rig) -> None:
    rig.tautulli.activity = "idle"
    (embed,) = embeds(await world.member.slash(world.channel, "plex usage"))
    assert embed.description == "Nobody is watching or listening right now."
    assert not embed.fields


async def test_completion_for_a_linked_member_and_not_for_others(world: World, rig: Rig) -> None:
    link = links.Link(MemberId(world.member.id), TautulliUserId(HARPER), "HarperKPlex", NOW, "plex")
    await rig.db.run(lambda conn: links.put_link(conn, link))
    rig.plays(HARPER, [rig.library["tracks"][0].rating_key])
    result = await world.member.slash(world.channel, "plex completion", artist="John Coltrane")
    assert result.ephemeral
    assert "20% (1/5) of John Coltrane's" in texts(result)
    other = await world.admin.slash(world.channel, "plex completion", artist="John Coltrane")
    assert "not linked" in texts(other)
    assert "1/5" not in texts(other)
    assert [type(e).__name__ for e in world.env.errors] == ["HybridCommandError"]


@pytest.mark.parametrize(
    ("mode", "hint"),
    [
        ("plex", "use </my_stats:{id}> once and sign in to Plex to link it."),
        ("none", "use </my_stats:{id}> once with the email of your Plex account to link it."),
        ("admin", "Please ask an admin to link you."),
    ],
)
async def test_an_unlinked_member_is_told_how_to_link_in_each_mode(
    world: World, rig: Rig, mode: str, hint: str
) -> None:
    rig.configure(MY_STATS_VERIFICATION=mode)  # what the service reads
    result = await world.member.slash(world.channel, "plex completion", artist="John Coltrane")
    said = texts(result)
    assert said.startswith("Your Discord account is not linked to a Plex account yet")
    assert said.endswith(hint.format(id=world.bot.command_ids["my_stats"])), said
    assert len(world.env.errors) == 1  # the "not linked" error, answered above


async def test_artist_autocomplete(world: World, rig: Rig) -> None:
    choices = await world.member.autocomplete(world.channel, "plex completion", "artist", "coltr")
    assert [c["value"] for c in choices] == ["Alice Coltrane", "John Coltrane"]
    close = await world.member.autocomplete(world.channel, "plex completion", "artist", "Mils")
    assert close and close[0]["value"] == "Miles Davis"


async def test_enrich_and_sync_are_for_admins(world: World, rig: Rig) -> None:
    refused = await world.member.slash(world.channel, "plex sync_playlists")
    assert "not permitted" in texts(refused)
    assert len(world.env.errors) == 1  # the refused check, answered above
    assert rig.plex.writes == []
    done = await world.admin.slash(world.channel, "plex sync_playlists")
    assert "added 5, removed 0, 5 tracks" in texts(done)
    again = await world.admin.slash(world.channel, "plex sync_playlists")
    assert texts(again) == 'Playlist "My Top Rated": added 0, removed 0, 5 tracks'


async def test_a_manual_sync_says_when_the_next_automatic_one_comes(world: World, rig: Rig) -> None:
    rig.configure(PLAYLIST_SYNC_HOURS=24)
    done = await world.admin.slash(world.channel, "plex sync_playlists")
    upcoming = int((NOW + timedelta(hours=24)).timestamp())
    assert texts(done).endswith(f"5 tracks\nNext automatic sync: <t:{upcoming}:R>")


async def test_enrich_picks_from_the_album_autocomplete(world: World, rig: Rig) -> None:
    choices = await world.admin.autocomplete(world.channel, "plex enrich", "album", "Kind of")
    assert len(choices) == 2
    ask = await world.admin.slash(world.channel, "plex enrich", album="Kind of")
    assert "Several albums match" in texts(ask)
    value = next(c["value"] for c in choices if "Legacy" in c["name"])
    assert split_album(value)[1] == rig.library["kob_legacy"].rating_key
    chosen = await world.admin.slash(world.channel, "plex enrich", album=value)
    assert "No performer credits" in texts(chosen)
    assert rig.plex.writes == []
    wrote = await world.admin.slash(world.channel, "plex enrich", album="A Love Supreme")
    assert "McCoy Tyner: Piano" in texts(wrote)
    assert len(rig.plex.writes) == 1


async def test_activity_message_is_edited_in_place(world: World, rig: Rig) -> None:
    activity = world.guild.create_text_channel("now-playing")
    settings = rig.settings.model_copy(
        update={"ACTIVITY_CHANNEL_ID": activity.id, "ACTIVITY_REFRESH_SECONDS": 30}
    )
    cog = the_cog(world)
    first = await cog.refresh_activity(settings)
    rig.tautulli.activity = "idle"
    second = await cog.refresh_activity(settings)
    assert first is not None and first == second
    messages = activity.history()
    assert len(messages) == 1
    description = messages[0].embeds[0].description or ""
    assert description.startswith("Updated <t:")
    assert description.endswith(":R>\nNobody is watching or listening right now.")
    assert await rig.service.store.activity_message() == (activity.id, first)


def the_cog(world: World) -> PlexCog:
    cog = world.bot.get_cog("PlexCog")
    assert isinstance(cog, PlexCog)
    return cog


async def test_the_activity_job_follows_the_settings(world: World, rig: Rig) -> None:
    activity = world.guild.create_text_channel("now-playing")
    await world.env.settle()
    assert activity.history() == []  # off: no ACTIVITY_CHANNEL_ID yet
    world.store.set("ACTIVITY_CHANNEL_ID", str(activity.id))
    world.store.set("ACTIVITY_REFRESH_SECONDS", "30")
    await world.env.settle()
    (message,) = activity.history()  # switched on: posted at once, not after an hour
    assert len(message.embeds[0].fields) == 3
    rig.tautulli.activity = "idle"
    await world.env.advance_time(30)
    (message,) = activity.history()  # the same message, edited in place
    description = message.embeds[0].description or ""
    assert description.endswith("\nNobody is watching or listening right now.")
    world.store.set("ACTIVITY_REFRESH_SECONDS", "0")
    await world.env.settle()
    asked = len(rig.tautulli.api_requests("get_activity"))
    await world.env.advance_time(3 * 3600)
    assert len(rig.tautulli.api_requests("get_activity")) == asked  # off: Tautulli left alone
    assert the_cog(world).activity_job.failures == 0


async def test_a_missing_activity_channel_is_retried_after_growing_waits(
    world: World, rig: Rig
) -> None:
    job = the_cog(world).activity_job
    world.store.set("ACTIVITY_REFRESH_SECONDS", "90")
    world.store.set("ACTIVITY_CHANNEL_ID", "123456789012345678")  # no such channel
    await world.env.settle()
    assert job.failures == 1
    await world.env.advance_time(30)
    assert job.failures == 2
    await world.env.advance_time(59)
    assert job.failures == 2  # the second retry waits 60 s
    await world.env.advance_time(1)
    assert job.failures == 3
    await world.env.advance_time(90)
    assert job.failures == 4  # then never longer than the refresh period
    assert rig.tautulli.api_requests("get_activity") == []  # the channel is checked first


async def test_split_album() -> None:
    assert split_album("Kind of Blue #10007") == ("Kind of Blue", 10007)
    assert split_album("Kind of Blue") == ("Kind of Blue", None)


async def test_plex_commands_reach_discord_in_danish(world: World, rig: Rig) -> None:
    from tgraph_bot.adapters.discord.translator import CatalogTranslator

    tree = world.bot.tree
    command = tree.get_command("plex")
    assert command is not None
    payload = await command.get_translated_payload(tree, CatalogTranslator())
    danish = discord.Locale.danish.value
    assert payload["description_localizations"][danish].startswith("Plex: hvad der afspilles")
    subs = {o["name"]: o for o in payload["options"]}
    assert subs["usage"]["name_localizations"][danish] == "aktivitet"
    assert subs["sync_playlists"]["name_localizations"][danish] == "synk_afspilningslister"
    artist = subs["completion"]["options"][0]
    assert artist["name_localizations"][danish] == "kunstner"
    assert all(o["description_localizations"].get(danish) for o in subs.values())


# -- Tautulli failing: the admin reads the cause, a member a plain sentence -----------

STATS_DOWN = "The server's statistics are unavailable right now. Please try again later."


@pytest.mark.parametrize(
    ("mode", "cause"),
    [
        ("down", "Cannot reach Tautulli at {url}/api/v2: check TAUTULLI_URL"),
        ("html", "The answer from {url}/api/v2 is not Tautulli's API: check TAUTULLI_URL"),
    ],
)
async def test_plex_usage_names_the_cause_to_admins_only(
    world: World, rig: Rig, caplog: pytest.LogCaptureFixture, mode: str, cause: str
) -> None:
    await rig.tautulli.set_mode(mode)
    caplog.set_level(logging.WARNING)
    member = texts(await world.member.slash(world.channel, "plex usage"))
    assert member == STATS_DOWN
    logged = [r.getMessage() for r in caplog.records if "command /plex usage" in r.getMessage()]
    assert len(logged) == 1 and cause.format(url=rig.tautulli.url) in logged[0]
    admin = texts(await world.admin.slash(world.channel, "plex usage"))
    assert admin.startswith(cause.format(url=rig.tautulli.url))
    assert len(world.env.errors) == 2  # both reached the error ladder (and are acknowledged)


async def test_completion_for_an_artist_with_a_very_long_name_fits_discords_2000(
    world: World, rig: Rig
) -> None:
    name = "The Long Name Orchestra " * 90  # 2,160 characters: the reply would be longer
    artist = rig.plex.add_artist(name.strip())
    track = rig.plex.add_track(rig.plex.add_album(artist, "Overture"), "Prelude")
    link = links.Link(MemberId(world.member.id), TautulliUserId(HARPER), "HarperKPlex", NOW, "plex")
    await rig.db.run(lambda conn: links.put_link(conn, link))
    rig.plays(HARPER, [track.rating_key])
    result = await world.member.slash(world.channel, "plex completion", artist=artist.title)
    reply = texts(result)
    assert reply.startswith("You have listened to 100% (1/1) of The Long Name Orchestra")
    assert len(reply) <= 2000 and "…'s collection on this server." in reply
