"""The one error ladder for every command, slash or text (after Red-DiscordBot's core/tree.py).

An error is first read for what it means (:func:`meaning`): the exception the command
raised, out of discord.py's wrappers; a full or unwritable disk as the UserFacingError that
names it; a reply Discord refused as :class:`ReplyRefused`. Then :data:`LADDER`, a table
of exception types, most specific first, answers it: cooldown -> "try again <relative
time>"; the bot lacking a permission -> which; any other failed check -> "not permitted";
a UserFacingError -> its translated message. Anything else -> a logged traceback and a
short apology with an error id the owner can find in the log. A test holds the table in
order (no rung is shadowed by an earlier, more general one).

Who reads the message decides which: an admin (Manage Server, who can act on it) reads
the cause and the fix; a member reads a plain sentence (no address, no setting), and the
cause goes to the log in one line for the owner.

Slash commands reach it through :class:`TGraphTree`; text and hybrid commands through the
bot's ``on_command_error``; both call :func:`answer_error`.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast, runtime_checkable

import discord
from discord import app_commands
from discord.ext import commands

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

    def tr_for(
        self, asker: discord.Interaction[discord.Client] | commands.Context[Any]
    ) -> Translator: ...


def plain_command(command: str) -> str:
    return f"/{command}"


def is_admin(permissions: discord.Permissions) -> bool:
    """Whether the invoker may read an error's cause: they can fix the bot's settings."""
    return permissions.manage_guild or permissions.administrator


class ReplyRefused(Exception):
    """Discord refused a message the command sent (HTTP 400: a limit, a malformed field)."""

    def __init__(self, error: discord.HTTPException) -> None:
        super().__init__(error)
        self.error = error


_WRAPPERS = (
    app_commands.CommandInvokeError,
    commands.CommandInvokeError,
    commands.HybridCommandError,
)


def raised(error: BaseException) -> BaseException:
    """The exception the command itself raised, out of discord.py's wrappers."""
    while isinstance(error, _WRAPPERS):
        error = error.original
    return error


def meaning(error: BaseException) -> BaseException:
    """What an error means, for the ladder (see the module docstring)."""
    error = raised(error)
    rejected = refused(error)
    if rejected is not None:
        return ReplyRefused(rejected)
    return storage_problem(error) or error


def user_facing(error: BaseException) -> UserFacingError | None:
    """The error as a person may read it: itself, a disk problem made one, or None."""
    meant = meaning(error)
    return meant if isinstance(meant, UserFacingError) else None


@dataclass(frozen=True)
class Reader:
    """Who reads the reply, and how it names time and commands."""

    tr: Translator
    now_ts: float
    admin: bool
    mention: Callable[[str], str]


def _refused(_error: ReplyRefused, reader: Reader) -> str:
    return reader.tr._("Sorry, Discord refused my reply. The bot's log says why.")


def _cooling_down(error: app_commands.CommandOnCooldown, reader: Reader) -> str:
    when = f"<t:{int(reader.now_ts + error.retry_after) + 1}:R>"
    return reader.tr._("This command is cooling down. Try again {when}.").format(when=when)


def _bot_lacks(
    error: app_commands.BotMissingPermissions | commands.BotMissingPermissions, reader: Reader
) -> str:
    return reader.tr._("I lack a permission this command needs: {missing}.").format(
        missing=", ".join(error.missing_permissions)
    )


def _not_permitted(_error: BaseException, reader: Reader) -> str:
    return reader.tr._("You are not permitted to use this command.")


def _misused(_error: commands.UserInputError, reader: Reader) -> str:
    return reader.tr._(
        "Something that command needs is missing or could not be read. {help} shows how to use it."
    ).format(help=reader.mention("help"))


def _user_facing(error: UserFacingError, reader: Reader) -> str:
    text = error.render_mentions(reader.tr, admin=reader.admin, mention=reader.mention)
    return mask_secrets(text)  # it may name a URL


@dataclass(frozen=True)
class Rung:
    catches: tuple[type[BaseException], ...]
    reply: Callable[[Any, Reader], str]


LADDER: tuple[Rung, ...] = (
    Rung((ReplyRefused,), _refused),  # logged by answer_error, with Discord's reason
    # Both are CheckFailures: they come before the general rung below.
    Rung((app_commands.CommandOnCooldown,), _cooling_down),
    Rung((app_commands.BotMissingPermissions, commands.BotMissingPermissions), _bot_lacks),
    Rung((app_commands.CheckFailure, commands.CheckFailure), _not_permitted),
    Rung((commands.UserInputError,), _misused),  # a text command typed wrong
    Rung((UserFacingError,), _user_facing),
)
"""The answers to what an error means, most specific first; the first that catches it
answers. Anything none catches is unexpected."""


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
    meant = meaning(error)
    reader = Reader(tr, now_ts, admin, mention)
    for rung in LADDER:
        if isinstance(meant, rung.catches):
            return rung.reply(meant, reader), None
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
    original, meant = raised(error), meaning(error)
    now = discord.utils.utcnow().timestamp()
    text, error_id = error_reply(original, tr, now, admin=admin, mention=mention)
    if isinstance(meant, ReplyRefused):
        log_refused(f"/{command}", meant.error)
    elif error_id is not None:
        log.error("command /%s failed [error id %s]", command, error_id, exc_info=original)
    elif isinstance(meant, UserFacingError) and (
        (not admin and meant.hides_cause()) or meant is not original  # a disk problem
    ):
        who = "an admin" if admin else "a member"
        log.warning("command /%s of %s (user %d): %s", command, who, user, meant)
    return text


async def send_error_reply(
    send: Callable[[str], Awaitable[object]],
    error: BaseException,
    asker: discord.Interaction[discord.Client] | commands.Context[Any],
    bot: Speaks,
) -> None:
    """Answer the error of ``asker``'s command (:func:`answer_error`, in their language)
    with ``send``; a reply Discord does not take is logged, not raised."""
    user = asker.user if isinstance(asker, discord.Interaction) else asker.author
    text = answer_error(
        error,
        bot.tr_for(asker),
        admin=is_admin(asker.permissions),
        command=asker.command.qualified_name if asker.command else "?",
        user=user.id,
        mention=bot.mention,
    )
    try:
        await send(text)
    except discord.HTTPException as exc:
        log.warning("could not send the error reply: %s", exc)


class TGraphTree(app_commands.CommandTree[discord.Client]):
    async def on_error(
        self, interaction: discord.Interaction[discord.Client], error: app_commands.AppCommandError
    ) -> None:
        async def send(text: str) -> None:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)

        await send_error_reply(send, error, interaction, cast(Speaks, self.client))


__all__ = [
    "LADDER",
    "Mentions",
    "ReplyRefused",
    "Rung",
    "TGraphTree",
    "answer_error",
    "error_reply",
    "is_admin",
    "meaning",
    "plain_command",
    "raised",
    "send_error_reply",
    "user_facing",
]
