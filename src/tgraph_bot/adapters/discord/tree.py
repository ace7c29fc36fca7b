"""The one error ladder for every slash command (after Red-DiscordBot's core/tree.py).

cooldown -> "try again <relative time>"; a failed check or missing permission -> "not
permitted"; a UserFacingError -> its translated message; anything else -> a logged
traceback and a short apology with an error id the owner can find in the log.
"""

from __future__ import annotations

import logging
import secrets
from typing import Protocol, cast

import discord
from discord import app_commands

from tgraph_bot.config.display import mask_secrets
from tgraph_bot.errors import UserFacingError
from tgraph_bot.i18n import Translator

log = logging.getLogger(__name__)


class Speaks(Protocol):
    """The bot, as far as the tree needs it: replies in the member's language."""

    def tr_for(self, interaction: discord.Interaction[discord.Client]) -> Translator: ...


def error_reply(error: BaseException, tr: Translator, now_ts: float) -> tuple[str, str | None]:
    """The reply for an error, and an error id when it was unexpected (to log)."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, app_commands.CommandOnCooldown):
        when = f"<t:{int(now_ts + error.retry_after) + 1}:R>"
        return tr._("This command is cooling down. Try again {when}.").format(when=when), None
    if isinstance(
        error,
        app_commands.MissingPermissions
        | app_commands.MissingAnyRole
        | app_commands.MissingRole
        | app_commands.NoPrivateMessage
        | app_commands.CheckFailure,
    ) and not isinstance(error, app_commands.BotMissingPermissions):
        return tr._("You are not permitted to use this command."), None
    if isinstance(error, app_commands.BotMissingPermissions):
        return tr._("I lack a permission this command needs: {missing}.").format(
            missing=", ".join(error.missing_permissions)
        ), None
    if isinstance(error, UserFacingError):
        return mask_secrets(error.render(tr)), None  # it may name a configured URL
    error_id = secrets.token_hex(4)
    return tr._("Sorry, something went wrong (error id {error_id}).").format(
        error_id=error_id
    ), error_id


class TGraphTree(app_commands.CommandTree[discord.Client]):
    async def on_error(
        self, interaction: discord.Interaction[discord.Client], error: app_commands.AppCommandError
    ) -> None:
        tr = cast(Speaks, self.client).tr_for(interaction)
        text, error_id = error_reply(error, tr, discord.utils.utcnow().timestamp())
        if error_id is not None:
            command = interaction.command.qualified_name if interaction.command else "?"
            original = (
                error.original if isinstance(error, app_commands.CommandInvokeError) else error
            )
            log.error("command /%s failed [error id %s]", command, error_id, exc_info=original)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("could not send the error reply: %s", exc)


__all__ = ["TGraphTree", "error_reply"]
