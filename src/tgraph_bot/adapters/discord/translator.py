"""Discord localisations of command names and descriptions from our gettext catalogs."""

from __future__ import annotations

import re

import discord
from discord import app_commands

from tgraph_bot.i18n import LANGUAGES, N_, translator

# Parameter names reach the translator as plain strings; marked here so the catalog has them.
PARAMETER_NAMES = (
    N_("email"),
    N_("forget"),
    N_("key"),
    N_("value"),
    N_("member"),
    N_("plex_user"),
    N_("period"),
    N_("metric"),
    N_("graph"),
    N_("days"),
)

# Our languages, as Discord names them.
DISCORD_LOCALES: dict[discord.Locale, str] = {discord.Locale.danish: "da"}


def language_for(locale: discord.Locale | str | None, default: str) -> str:
    """Our language for a member's Discord locale: theirs when we have it (``da``; ``en``
    for every English locale, en-US and en-GB alike), else ``default`` (LANGUAGE): a
    member who reads French on a Danish server gets Danish, one who reads English gets
    English."""
    language = str(locale).split("-", 1)[0].lower() if locale is not None else None
    return language if language in LANGUAGES else default


_NAME_LOCATIONS = frozenset(
    {
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
        app_commands.TranslationContextLocation.parameter_name,
    }
)
_NOT_NAME_CHAR = re.compile(r"[^\w-]+", re.UNICODE)


def as_command_name(text: str) -> str:
    """Discord's rules for names: lowercase, no spaces, at most 32 characters."""
    return _NOT_NAME_CHAR.sub("_", text.strip().lower()).strip("_")[:32]


class CatalogTranslator(app_commands.Translator):
    """Gives Discord a ``da`` version of every marked command string that has one."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = DISCORD_LOCALES.get(locale)
        if language is None or language not in LANGUAGES:
            return None
        translated = translator(language)._(string.message)
        if translated == string.message:
            return None
        if context.location in _NAME_LOCATIONS:
            translated = as_command_name(translated)
            return translated or None
        return translated[:100]


__all__ = ["DISCORD_LOCALES", "CatalogTranslator", "as_command_name", "language_for"]
