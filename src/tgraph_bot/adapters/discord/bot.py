"""The commands.Bot subclass: intents, cogs, tree sync, live settings, the posting schedule.

Everything it uses is handed in (:class:`BotParts`); there are no module globals. The
cogs are built by the composition root (app.py) from their services; the bot only adds
them. A cog sees the bot as a :class:`~tgraph_bot.adapters.discord.host.BotHost`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import discord
from discord.ext import commands
from discord.gateway import DiscordWebSocket

from tgraph_bot.adapters.discord.channel import (
    DiscordGraphChannel,
    invite_url,
    missing_permissions,
)
from tgraph_bot.adapters.discord.checks import CooldownGate
from tgraph_bot.adapters.discord.dispatch import SyncDispatchBot
from tgraph_bot.adapters.discord.dms import DiscordDirectMessages
from tgraph_bot.adapters.discord.host import Asker, BotHost, FollowsSettings
from tgraph_bot.adapters.discord.limits import reason
from tgraph_bot.adapters.discord.translator import CatalogTranslator, language_for
from tgraph_bot.adapters.discord.tree import TGraphTree, send_error_reply
from tgraph_bot.config.schema import Settings, changed
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.errors import ChannelUnavailableError
from tgraph_bot.i18n import Translator, translator
from tgraph_bot.services.ports.posting import PostingStore
from tgraph_bot.services.posting import PostingService, Scheduler

log = logging.getLogger(__name__)


def intents_for(settings: Settings) -> discord.Intents:
    """Guilds and voice states; message content only when a prefix command is enabled."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.voice_states = True
    if settings.ENABLE_PREFIX_COMMANDS:
        intents.guild_messages = True
        intents.message_content = True
    return intents


def no_cogs(_host: BotHost) -> Sequence[commands.Cog]:
    return ()


@dataclass
class BotParts:
    store: ConfigStore
    # /update_graphs posts through posting; the schedule needs both.
    posting: PostingService | None = None
    posting_store: PostingStore | None = None
    # Every cog, built by the composition root (app.bot_cogs) once the bot exists.
    cogs: Callable[[BotHost], Sequence[commands.Cog]] = no_cogs
    clock: Callable[[], datetime] = discord.utils.utcnow
    schedule: bool = True
    retry_base: float = 30.0
    guild_ready_timeout: float = 2.0  # discord.py's wait for more guilds before on_ready


class TGraphBot(SyncDispatchBot):
    def __init__(self, parts: BotParts) -> None:
        self.parts = parts
        self.store = parts.store
        self.clock = parts.clock
        self.started_at: datetime | None = None
        self.cooldowns = CooldownGate(lambda: self.store.settings, parts.clock)
        self.scheduler: Scheduler | None = None
        self._scheduler_task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.permissions_report: list[str] | None = None
        # The bot watches voice states but never joins a voice channel: discord.py's warnings
        # that PyNaCl and davey (voice audio) are missing would only worry the owner.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        prefixed = parts.store.settings.ENABLE_PREFIX_COMMANDS  # read at start-up, like intents
        self.command_ids: dict[str, int] = {}  # top-level command name -> id, after sync
        self.dms = DiscordDirectMessages(self)
        super().__init__(
            # Without prefix commands the bot reads no messages (no message-content intent);
            # a mention-only prefix says so, and keeps discord.py from warning about the intent.
            command_prefix=self._prefix if prefixed else commands.when_mentioned,
            intents=intents_for(parts.store.settings),
            tree_cls=TGraphTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=parts.guild_ready_timeout,
        )

    # -- live settings -------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.store.settings

    @property
    def tr(self) -> Translator:
        """LANGUAGE: for channel posts, logs and replies to no one in particular."""
        return translator(self.settings.LANGUAGE)

    def tr_for(self, asker: Asker = None) -> Translator:
        """The member's Discord language when we have it (any English locale is English),
        else LANGUAGE. A prefix command has no locale; a hybrid one run as a slash command
        has its interaction's."""
        if isinstance(asker, commands.Context):
            asker = asker.interaction
        locale = None if asker is None else asker.locale
        return translator(language_for(locale, self.settings.LANGUAGE))

    def mention(self, command: str) -> str:
        """``</my_stats:ID>`` (Discord shows it localised and clickable) once the tree is
        synced; ``/my_stats`` before. ``command`` may be a subcommand: "config view"."""
        command_id = self.command_ids.get(command.split(" ", 1)[0])
        return f"</{command}:{command_id}>" if command_id else f"/{command}"

    def _prefix(self, bot: commands.Bot, message: discord.Message) -> str:
        return self.store.settings.COMMAND_PREFIX

    async def on_command_error(  # pyright: ignore[reportIncompatibleMethodOverride]
        self, context: commands.Context[commands.Bot], exception: commands.CommandError, /
    ) -> None:
        """A text (or hybrid) command's error, answered by the one error ladder (tree.py), as
        a slash command's is. A message that starts with the prefix but names no command of
        ours is someone's chat ("!!!", another bot's command): nothing to answer, nothing to
        log as an error."""
        if isinstance(exception, commands.CommandNotFound):
            log.debug("no such text command: %s", exception)
            return

        async def send(text: str) -> None:
            await context.send(text, ephemeral=True)

        await send_error_reply(send, exception, context, self)

    def _on_config_change(self, old: Settings, new: Settings) -> None:
        """Called from whichever thread saved the file: hop onto the loop."""
        with contextlib.suppress(RuntimeError):  # a closed loop has nothing to apply to
            self.loop.call_soon_threadsafe(self._apply_config_change, old, new)

    def _apply_config_change(self, old: Settings, new: Settings) -> None:
        schedule_keys = ("UPDATE_DAYS", "FIXED_UPDATE_TIME", "TIMEZONE")
        if self.scheduler is not None and changed(old, new, schedule_keys):
            self.scheduler.reschedule()
        if old.CHANNEL_ID != new.CHANNEL_ID and self.is_ready():
            self.check_channel_permissions()
        for cog in list(self.cogs.values()):  # e.g. the Plex jobs' keys
            if isinstance(cog, FollowsSettings):
                cog.settings_changed(old, new)

    # -- start-up --------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        self.started_at = self.clock()
        await self.tree.set_translator(CatalogTranslator())
        for cog in self.parts.cogs(self):
            await self.add_cog(cog)
        await self._sync_commands()
        self._unsubscribe = self.store.subscribe(self._on_config_change)
        if self.parts.schedule and self.parts.posting is not None and self.parts.posting_store:
            self.scheduler = Scheduler(
                self.parts.posting,
                self.parts.posting_store,
                lambda: self.store.settings,
                self.graph_channel,
                clock=self.clock,
                retry_base=self.parts.retry_base,
            )
            self._scheduler_task = asyncio.create_task(self._run_scheduler())

    async def _sync_commands(self) -> None:
        """Register the slash commands. Discord may refuse them (a bad localised name, say):
        one line says what and why, and the bot runs on, since graph posts and camera
        tracking need no commands (the commands registered before, if any, stay)."""
        try:
            synced = await self.tree.sync()
        except discord.HTTPException as exc:
            log.error(
                "Discord refused the slash commands (HTTP %d, code %d): %s; the bot runs on "
                "without them (graph posts and camera tracking do not need them)",
                exc.status,
                exc.code,
                reason(exc),
            )
            return
        self.command_ids = {command.name: command.id for command in synced}

    async def _run_scheduler(self) -> None:
        await self.wait_until_ready()
        self.check_channel_permissions()
        assert self.scheduler is not None
        await self.scheduler.run()

    async def on_ready(self) -> None:
        user = self.user
        log.info(
            "connected as %s (%s) to %d guild(s)", user, user.id if user else "?", len(self.guilds)
        )
        if self.application_id is not None:
            log.info("invite link (the permissions it needs): %s", invite_url(self.application_id))
        if self._scheduler_task is None:
            self.check_channel_permissions()

    def check_channel_permissions(self) -> list[str] | None:
        """Log exactly which permissions the bot lacks in CHANNEL_ID; None if unusable."""
        channel_id = self.settings.CHANNEL_ID
        channel = self.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            log.error(
                "CHANNEL_ID %d: no text channel with that id is visible to the bot", channel_id
            )
            self.permissions_report = None
            return None
        missing = missing_permissions(channel.permissions_for(channel.guild.me))
        if missing:
            log.error(
                "CHANNEL_ID %d (#%s in %s): missing permissions: %s",
                channel_id,
                channel.name,
                channel.guild.name,
                ", ".join(missing),
            )
        else:
            log.info(
                "CHANNEL_ID %d (#%s): all needed permissions present", channel_id, channel.name
            )
        self.permissions_report = missing
        return missing

    async def graph_channel(self, settings: Settings) -> DiscordGraphChannel:
        channel = self.get_channel(settings.CHANNEL_ID)
        if channel is None:
            try:
                channel = await self.fetch_channel(settings.CHANNEL_ID)
            except (discord.NotFound, discord.Forbidden):
                raise ChannelUnavailableError() from None
        if not isinstance(channel, discord.TextChannel):
            raise ChannelUnavailableError()
        return DiscordGraphChannel(channel, self.mention)

    def text_channel(self, channel_id: int) -> discord.TextChannel | None:
        channel = self.get_channel(channel_id)
        return channel if isinstance(channel, discord.TextChannel) else None

    def partial_message(self, channel_id: int, message_id: int) -> discord.PartialMessage:
        return self.get_partial_messageable(channel_id).get_partial_message(message_id)

    # -- the connection ----------------------------------------------------------------------

    def _gateway(self) -> DiscordWebSocket | None:
        return cast("DiscordWebSocket | None", self.ws)  # None before the first connection

    def connected(self) -> bool:
        ws = self._gateway()
        return self.is_ready() and not self.is_closed() and ws is not None and ws.open

    def gateway_position(self) -> tuple[str | None, int | None]:
        ws = self._gateway()
        session: object = getattr(ws, "session_id", None)  # simcord's gateway has neither
        seq: object = getattr(ws, "sequence", None)
        return (
            session if isinstance(session, str) else None,
            seq if isinstance(seq, int) else None,
        )

    async def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._scheduler_task is not None:
            self._scheduler_task.cancel()
            await asyncio.gather(self._scheduler_task, return_exceptions=True)
            self._scheduler_task = None
        await super().close()


__all__ = ["BotParts", "TGraphBot", "intents_for", "no_cogs"]
