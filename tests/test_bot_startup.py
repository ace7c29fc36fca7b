"""Intents, command-name localisation and the channel permission check."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
import pytest
from discord import app_commands

from tgraph_bot.adapters.discord.bot import intents_for
from tgraph_bot.adapters.discord.translator import (
    CatalogTranslator,
    as_command_name,
    language_for,
)
from tgraph_bot.config.schema import Settings

if TYPE_CHECKING:
    from tests.discord_env import World


def test_intents_ask_for_message_content_only_with_prefix_commands() -> None:
    plain = intents_for(Settings())
    assert plain.guilds and plain.voice_states
    assert not plain.message_content and not plain.members and not plain.presences
    prefixed = intents_for(Settings(ENABLE_PREFIX_COMMANDS=True))
    assert prefixed.message_content and prefixed.guild_messages and not prefixed.members


def test_localised_command_names_follow_discord_rules() -> None:
    assert as_command_name("Opdatér Grafer") == "opdatér_grafer"
    assert as_command_name("  min statistik! ") == "min_statistik"
    assert len(as_command_name("x" * 40)) == 32


def test_a_members_language_is_theirs_when_the_bot_has_it_else_languages() -> None:
    locale = discord.Locale
    assert language_for(locale.danish, "en") == "da"
    assert language_for(locale.american_english, "da") == "en"
    assert language_for(locale.british_english, "da") == "en"
    assert language_for(locale.french, "da") == "da"
    assert language_for(locale.brazil_portuguese, "en") == "en"
    assert language_for(None, "da") == "da"  # no locale (a prefix command): LANGUAGE


async def test_translator_gives_nothing_for_other_locales_or_untranslated_text() -> None:
    translator = CatalogTranslator()
    context = app_commands.TranslationContext(app_commands.TranslationContextLocation.other, None)
    text = app_commands.locale_str("a string nobody translated")
    assert await translator.translate(text, discord.Locale.german, context) is None
    assert await translator.translate(text, discord.Locale.danish, context) is None


async def test_missing_channel_permissions_are_logged_exactly(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    me = world.guild.me
    assert me is not None
    locked = world.guild.create_text_channel(
        "locked",
        overwrites={me: discord.PermissionOverwrite(attach_files=False, manage_messages=False)},
    )
    with caplog.at_level(logging.INFO):
        world.store.set("CHANNEL_ID", str(locked.id))
        await world.env.settle()
    assert world.bot.permissions_report == ["attach_files", "manage_messages"]
    assert (
        f"CHANNEL_ID {locked.id} (#locked in Plex friends): missing permissions: "
        "attach_files, manage_messages" in caplog.text
    )


async def test_channel_change_to_a_usable_channel_reports_nothing_missing(world: World) -> None:
    world.store.set("CHANNEL_ID", str(world.guild.create_text_channel("graphs2").id))
    await world.env.settle()
    assert world.bot.permissions_report == []


async def test_commands_reach_discord_with_danish_names_and_descriptions(world: World) -> None:
    """What tree.sync sends: every command and option carries its Danish localisation."""
    tree = world.bot.tree
    payloads = {
        c.name: await c.get_translated_payload(tree, CatalogTranslator())
        for c in tree.get_commands()
    }
    danish = discord.Locale.danish.value
    assert payloads["update_graphs"]["name_localizations"][danish] == "opdater_grafer"
    assert payloads["my_stats"]["name_localizations"][danish] == "min_statistik"
    assert payloads["my_stats"]["description_localizations"][danish].startswith("Få din egen")
    options = {o["name"]: o for o in payloads["my_stats"]["options"]}
    assert options["forget"]["name_localizations"][danish] == "glem"
    config = {o["name"]: o for o in payloads["config"]["options"]}
    assert config["edit"]["name_localizations"][danish] == "ret"
    for name, payload in payloads.items():  # every command has a Danish description
        assert payload["description_localizations"].get(danish), name
