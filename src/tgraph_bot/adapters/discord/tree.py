"""The one error ladder for every slash command (after Red-DiscordBot's core/tree.py).

cooldown -> "try again <relative time>"; a failed check or missing permission -> "not
permitted"; a UserFacingError (or a full or unwritable disk, made one) -> its translated
message; anything else -> a logged traceback and a short apology with an error id the owner
can find in the log.

Who reads the message decides which: an admin (Manage Server, who can act on it) reads
the cause and the fix; a member reads a plain sentence (no address, no setting), and the
cause goes to the log in one line for the owner.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Protocol, cast, runtime_checkable

import discord
from discord import app_commands

from tgraph_bot.adapters.discord.limits import log_refused, refused
from tgraph_bot.config.display import mask_secrets
from tgraph_bot.errors import UserFacingError, storage_problem
from tgraph_bot.i18n import Translator

log = logging.getLogger(__name__)


@runtime_checkable
class Mentions(Protocol):
    """Names a command as Discord shows it clickable (the bot, once its commands synced)."""

    def mention(self, command: str) -> str: ...


class Speaks(Mentions, Protocol):
    """The bot, as far as the tree needs it: replies in the member's language."""

    def tr_for(self, interaction: discord.Interaction[discord.Client]) -> Translator: ...


def plain_command(command: str) -> str:
    return f"/{command}"


def is_admin(permissions: discord.Permissions) -> bool:
    """Whether the invoker may read an error's cause: they can fix the bot's settings."""
    return permissions.manage_guild or permissions.administrator


def user_facing(error: BaseException) -> UserFacingError | None:
    """The error as a person may read it: itself, a disk problem made one, or None."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserFacingError):
        return error
    return storage_problem(error)


def error_reply(
    error: BaseException,
    tr: Translator,
    now_ts: float,
    *,
    admin: bool = False,
    mention: Callable[[str], str] = plain_command,
) -> tuple[str, str | None]:
    """The reply for an error (the cause for an ``admin``, a plain sentence for a member),
    and an error id when it was unexpected (to log). A command it names is ``mention``ed."""
    if refused(error) is not None:  # logged by answer_error, with Discord's reason
        return tr._("Sorry, Discord refused my reply. The bot's log says why."), None
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
    known = user_facing(error)
    if known is not None:
        text = known.render_mentions(tr, admin=admin, mention=mention)
        return mask_secrets(text), None  # it may name a URL
    error_id = secrets.token_hex(4)
    return tr._("Sorry, something went wrong (error id {error_id}).").format(
        error_id=error_id
    ), error_id


def answer_error(
    error: BaseException,
    tr: Translator,
    *,
    admin: bool,
    command: str,
    user: int,
    mention: Callable[[str], str] = plain_command,
) -> str:
    """The reply for a command's error, after logging what the owner needs: the traceback
    of an unexpected error; one line with the cause a member was not shown, or of a disk
    problem (the owner fixes those, whoever met them)."""
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    now = discord.utils.utcnow().timestamp()
    text, error_id = error_reply(original, tr, now, admin=admin, mention=mention)
    known = user_facing(original)
    rejected = refused(original)
    if rejected is not None:
        log_refused(f"/{command}", rejected)
    elif error_id is not None:
        log.error("command /%s failed [error id %s]", command, error_id, exc_info=original)
    elif known is not None and (
        (not admin and known.hides_cause()) or known is not original  # a disk problem
    ):
        who = "an admin" if admin else "a member"
        log.warning("command /%s of %s (user %d): %s", command, who, user, known)
    return text


class TGraphTree(app_commands.CommandTree[discord.Client]):
    async def on_error(
        self, interaction: discord.Interaction[discord.Client], error: app_commands.AppCommandError
    ) -> None:
        bot = cast(Speaks, self.client)
        text = answer_error(
            error,
            bot.tr_for(interaction),
            admin=is_admin(interaction.permissions),
            command=interaction.command.qualified_name if interaction.command else "?",
            user=interaction.user.id,
            mention=bot.mention,
        )
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("could not send the error reply: %s", exc)


__all__ = [
    "Mentions",
    "TGraphTree",
    "answer_error",
    "error_reply",
    "is_admin",
    "plain_command",
    "user_facing",
]
