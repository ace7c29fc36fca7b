"""The slash commands, through the real discord.py against simcord."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord
import pytest

from tests.simcord_locale import client_locale
from tgraph_bot import __version__
from tgraph_bot.config.schema import KEYS

if TYPE_CHECKING:
    from tests.discord_env import World


async def test_about_names_version_and_licence(world: World) -> None:
    result = await world.member.slash(world.channel, "about")
    assert result.response is not None
    assert result.ephemeral
    assert __version__ in result.response.content
    assert "MIT" in result.response.content


async def test_uptime_counts_from_start(world: World) -> None:
    await world.env.advance_time(3 * 3600 + 61)
    result = await world.member.slash(world.channel, "uptime")
    assert result.response is not None
    assert result.response.content.startswith("Up for 3 hours, 1 minute, 1 second")


async def test_admin_commands_default_to_manage_server(world: World) -> None:
    assert "config view" not in world.member.available_commands(world.channel)
    assert "update_graphs" not in world.member.available_commands(world.channel)
    assert "config view" in world.admin.available_commands(world.channel)
    assert "about" in world.member.available_commands(world.channel)


def _embeds(result: object) -> list[discord.Embed]:
    from simcord.results import InteractionResult

    assert isinstance(result, InteractionResult)
    first = list(result.response.embeds) if result.response else []
    return first + [e for f in result.followups for e in f.embeds]


async def test_config_view_groups_like_the_sample_and_masks_secrets(world: World) -> None:
    result = await world.admin.slash(world.channel, "config view")
    embeds = _embeds(result)
    assert result.ephemeral
    titles = [e.title for e in embeds]
    assert titles[:3] == ["Essentials", "Timing and retention", "Graph options"]
    text = "\n".join(e.description or "" for e in embeds)
    for key in KEYS:
        assert f"`{key}` " in text, key
    assert "`TAUTULLI_API_KEY` ******** · *changed*" in text
    assert "test-key" not in text and "test-token" not in text
    assert f"`CHANNEL_ID` {world.channel.id} · *changed*" in text
    assert "`UPDATE_DAYS` 7\n" in text  # the default: no mark
    assert "`CAMERA_IGNORED_CHANNEL_IDS` (none)" in text


async def test_config_view_key_shows_its_description_and_allowed_values(world: World) -> None:
    result = await world.admin.slash(world.channel, "config view", key="update_days")
    (embed,) = _embeds(result)
    assert embed.title == "UPDATE_DAYS"
    assert embed.description == "Post the graphs every this many days (1-365)."
    fields = {f.name: f.value for f in embed.fields}
    assert fields == {"Value": "`UPDATE_DAYS` 7", "Allowed": "1 – 365", "Default": "7"}


async def test_config_view_key_describes_it_in_danish(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_locale(monkeypatch, "da")  # an English server (LANGUAGE en), a Danish client
    result = await world.admin.slash(world.channel, "config view", key="PLEX_URL")
    (embed,) = _embeds(result)
    assert embed.description == (
        "Adressen på Plex-serveren (PLEX_TOKEN sendes dertil: kan ikke ændres fra Discord)."
    )
    assert {f.name for f in embed.fields} == {"Værdi", "Standard"}


async def test_config_edit_saves_keeps_comments_and_applies_live(world: World) -> None:
    result = await world.admin.slash(world.channel, "config edit", key="TV_COLOR", value="#00ff00")
    assert result.response is not None and result.ephemeral
    assert result.response.content == "TV_COLOR is now #00ff00. Applied now."
    text = world.store.path.read_text(encoding="utf-8")
    assert 'TV_COLOR: "#00ff00"  # the TV series colour' in text
    assert text.startswith("# TGraph Bot test configuration")
    assert world.bot.settings.TV_COLOR == "#00ff00"


async def test_config_edit_refuses_bad_values_and_secrets(world: World) -> None:
    bad = await world.admin.slash(world.channel, "config edit", key="UPDATE_DAYS", value="0")
    assert bad.response is not None and bad.ephemeral
    assert bad.response.content.startswith("UPDATE_DAYS = 0:")
    secret = await world.admin.slash(
        world.channel, "config edit", key="TAUTULLI_API_KEY", value="stolen"
    )
    assert secret.response is not None
    assert "secret" in secret.response.content
    assert world.bot.settings.UPDATE_DAYS == 7
    assert [type(e).__name__ for e in world.env.errors] == ["CommandInvokeError"] * 2
    assert "stolen" not in world.store.path.read_text(encoding="utf-8")


async def test_config_edit_answers_a_number_or_prefix_it_refuses_in_one_line(
    world: World,
) -> None:
    before = world.store.path.read_bytes()
    refused = {
        ("UPDATE_DAYS", "9" * 4400): "is not a valid number: it has 4400 digits",
        ("UPDATE_DAYS", "0x10"): "must be written in plain decimal digits",
        ("COMMAND_PREFIX", "@everyone"): "Discord reads those as mentions",
    }
    for (key, value), says in refused.items():
        bad = await world.admin.slash(world.channel, "config edit", key=key, value=value)
        assert bad.response is not None and bad.ephemeral
        [line] = bad.response.content.splitlines()
        assert line.startswith(f"{key} = ") and says in line and len(line) < 200
    assert world.store.path.read_bytes() == before
    assert world.bot.settings.UPDATE_DAYS == 7
    assert [type(e).__name__ for e in world.env.errors] == ["CommandInvokeError"] * 3


async def test_config_edit_refuses_a_value_that_cannot_be_saved_and_read_back(
    world: World,
) -> None:
    before = world.store.path.read_bytes()
    for value in ("caf\udcc3\udca9", "two\nlines", "nul\x00"):
        bad = await world.admin.slash(
            world.channel, "config edit", key="MUSICBRAINZ_USER_AGENT", value=value
        )
        assert bad.response is not None and bad.ephemeral
        assert bad.response.content.startswith("MUSICBRAINZ_USER_AGENT = ")
        assert "cannot be saved" in bad.response.content
    assert world.store.path.read_bytes() == before
    assert [type(e).__name__ for e in world.env.errors] == ["CommandInvokeError"] * 3


async def test_config_edit_says_whether_it_applies_now_or_after_a_restart(world: World) -> None:
    live = await world.admin.slash(world.channel, "config edit", key="UPDATE_DAYS", value="3")
    assert live.response is not None
    assert live.response.content == "UPDATE_DAYS is now 3. Applied now."
    later = await world.admin.slash(
        world.channel, "config edit", key="ENABLE_PREFIX_COMMANDS", value="true"
    )
    assert later.response is not None
    assert later.response.content == (
        "ENABLE_PREFIX_COMMANDS is now true. It takes effect when the bot restarts."
    )
    locked = await world.admin.slash(
        world.channel, "config edit", key="DISCORD_API_BASE_URL", value="http://evil.example"
    )
    assert locked.response is not None and "only be changed in the file" in locked.response.content
    assert "evil" not in world.store.path.read_text(encoding="utf-8")
    assert [type(e).__name__ for e in world.env.errors] == ["CommandInvokeError"]


async def test_config_view_and_edit_mask_credentials_inside_urls(world: World) -> None:
    url = "http://bob:hunter2-pass@tautulli.lan:8181/?apikey=S3cr3tKey"
    world.store.set("TAUTULLI_URL", url)  # the owner, on the machine (not from Discord)
    view = await world.admin.slash(world.channel, "config view", key="TAUTULLI_URL")
    edit = await world.admin.slash(
        world.channel, "config edit", key="MUSICBRAINZ_URL", value="http://u:hunter2-pass@mb.lan"
    )
    assert edit.response is not None
    shown = [
        f"{e.description or ''} " + " ".join(str(f.value) for f in e.fields) for e in _embeds(view)
    ]
    assert "http://bob:***@tautulli.lan:8181/?apikey=***" in " ".join(shown)
    assert "http://u:***@mb.lan" in edit.response.content
    for text in [edit.response.content, " ".join(shown)]:
        assert "hunter2" not in text and "S3cr3tKey" not in text


@pytest.mark.parametrize("key", ["TAUTULLI_URL", "PLEX_TV_URL", "PLEX_URL"])
async def test_addresses_secrets_are_sent_to_are_not_changed_from_discord(
    world: World, key: str
) -> None:
    before = world.store.path.read_text(encoding="utf-8")
    refused = await world.admin.slash(
        world.channel, "config edit", key=key, value="http://evil.example"
    )
    assert refused.response is not None and refused.ephemeral
    assert key in refused.response.content and "tgraph-bot config set" in refused.response.content
    assert world.store.path.read_text(encoding="utf-8") == before
    assert [type(e).__name__ for e in world.env.errors] == ["CommandInvokeError"]
    offered = await world.admin.autocomplete(world.channel, "config edit", "key", "_URL")
    assert key not in [c["name"] for c in offered]
    assert "MUSICBRAINZ_URL" in [c["name"] for c in offered]  # no secret goes there


async def test_config_edit_key_autocompletes_editable_keys_only(world: World) -> None:
    choices = await world.admin.autocomplete(world.channel, "config edit", "key", "cooldown")
    names = [c["name"] for c in choices]
    assert "MY_STATS_COOLDOWN_MINUTES" in names
    secrets = await world.admin.autocomplete(world.channel, "config edit", "key", "TOKEN")
    assert [c["name"] for c in secrets] == []


async def test_language_edit_answers_in_danish_at_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_locale(monkeypatch, "fr")  # a client in a language the bot does not have
    switched = await world.admin.slash(world.channel, "config edit", key="LANGUAGE", value="da")
    assert switched.response is not None
    assert switched.response.content == "LANGUAGE er nu da. Gælder med det samme."
    after = await world.admin.slash(world.channel, "config edit", key="UPDATE_DAYS", value="3")
    assert after.response is not None
    assert after.response.content == "UPDATE_DAYS er nu 3. Gælder med det samme."


async def test_cooldown_from_live_settings_answers_with_relative_time(world: World) -> None:
    await world.admin.slash(world.channel, "config edit", key="CONFIG_COOLDOWN_MINUTES", value="10")
    again = await world.admin.slash(world.channel, "config view", key="LANGUAGE")
    assert again.response is not None and again.ephemeral
    match = re.search(r"Try again <t:(\d+):R>", again.response.content)
    assert match is not None
    wait = int(match.group(1)) - discord.utils.utcnow().timestamp()
    assert 9 * 60 < wait <= 10 * 60 + 1
    assert [type(e).__name__ for e in world.env.errors] == ["CommandOnCooldown"]
    await world.env.advance_time(10 * 60 + 1)
    later = await world.admin.slash(world.channel, "config view", key="LANGUAGE")
    assert later.response is not None
    assert later.response.embeds[0].fields[0].value == "`LANGUAGE` en"


async def test_unexpected_error_gives_an_error_id(world: World) -> None:
    world.renderer.graph_ids = ("daily_play_count",)
    world.env.inject_error("POST", "/channels/*/messages", status=500)
    result = await world.admin.slash(world.channel, "update_graphs")
    assert len(world.env.errors) == 1
    texts = [result.response.content if result.response else ""] + [
        f.content for f in result.followups
    ]
    assert any(re.search(r"error id [0-9a-f]{8}", t) for t in texts), texts


async def test_autocomplete_does_not_spend_the_cooldown(world: World) -> None:
    world.store.set("CONFIG_COOLDOWN_MINUTES", "10")  # one use per 10 minutes
    for typed in ("UPDATE", "TV", "COOLDOWN"):
        assert await world.admin.autocomplete(world.channel, "config edit", "key", typed)
    first = await world.admin.slash(world.channel, "config view", key="LANGUAGE")
    assert first.response is not None
    assert first.response.embeds[0].title == "LANGUAGE"
    second = await world.admin.slash(world.channel, "config view", key="LANGUAGE")
    assert second.response is not None and "Try again <t:" in second.response.content
    assert [type(e).__name__ for e in world.env.errors] == ["CommandOnCooldown"]


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        ("da", "Har kørt i 1 minut"),  # the member's language, when the bot has it
        ("en-US", "Up for 1 minute"),  # any English client reads English on a Danish server
        ("en-GB", "Up for 1 minute"),
        ("fr", "Har kørt i 1 minut"),  # a language the bot lacks: LANGUAGE
    ],
)
async def test_a_reply_is_in_the_members_language_else_the_servers(
    world: World, monkeypatch: pytest.MonkeyPatch, locale: str, says: str
) -> None:
    world.store.set("LANGUAGE", "da")
    client_locale(monkeypatch, locale)
    await world.env.advance_time(60)
    result = await world.member.slash(world.channel, "uptime")
    assert result.response is not None
    assert result.response.content.startswith(says)
