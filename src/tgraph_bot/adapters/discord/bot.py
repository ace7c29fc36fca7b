"""The commands.Bot subclass: intents, cogs, tree sync, live settings, the posting schedule.

Everything it uses is handed in (:class:`BotParts`); there are no module globals.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import discord
from discord.ext import commands

from tgraph_bot.adapters.discord.channel import (
    DiscordGraphChannel,
    invite_url,
    missing_permissions,
)
from tgraph_bot.adapters.discord.checks import CooldownGate
from tgraph_bot.adapters.discord.dispatch import SyncDispatchBot
from tgraph_bot.adapters.discord.translator import CatalogTranslator, language_for
from tgraph_bot.adapters.discord.tree import TGraphTree
from tgraph_bot.config.schema import Settings
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.errors import ChannelUnavailableError
from tgraph_bot.i18n import Translator, translator
from tgraph_bot.services.my_stats import EMAIL_MODE_NOTICE, MyStatsService
from tgraph_bot.services.posting import PostingService, Scheduler
from tgraph_bot.services.rendering import GraphRendering
from tgraph_bot.services.summary import SummaryService
from tgraph_bot.storage.posting import PostingStore

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


@dataclass
class BotParts:
    store: ConfigStore
    posting: PostingService | None = None
    posting_store: PostingStore | None = None
    my_stats: MyStatsService | None = None
    rendering: GraphRendering | None = None  # for /my_stats (the posting service has its own)
    summaries: SummaryService | None = None  # the /my_stats summary embed
    images_dir: Path = Path("data") / "graphs"
    clock: Callable[[], datetime] = discord.utils.utcnow
    schedule: bool = True
    retry_base: float = 30.0
    guild_ready_timeout: float = 2.0  # discord.py's wait for more guilds before on_ready
    # Cogs built by the composition root for other modules (the camera ranking's CameraCog
    # goes here: app.py builds it and passes it in).
    extra_cogs: Sequence[commands.Cog] = field(default_factory=list[commands.Cog])


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
        return translator(self.store.settings.LANGUAGE)

    def tr_for(self, interaction: discord.Interaction[discord.Client]) -> Translator:
        """The member's Discord language when we have it translated, else LANGUAGE."""
        return translator(language_for(interaction.locale, self.store.settings.LANGUAGE))

    def mention(self, command: str) -> str:
        """``</my_stats:ID>`` (Discord shows it localised and clickable) once the tree is
        synced; ``/my_stats`` before. ``command`` may be a subcommand: "config view"."""
        command_id = self.command_ids.get(command.split(" ", 1)[0])
        return f"</{command}:{command_id}>" if command_id else f"/{command}"

    def _prefix(self, bot: commands.Bot, message: discord.Message) -> str:
        return self.store.settings.COMMAND_PREFIX

    def _on_config_change(self, old: Settings, new: Settings) -> None:
        """Called from whichever thread saved the file: hop onto the loop."""
        with contextlib.suppress(RuntimeError):  # a closed loop has nothing to apply to
            self.loop.call_soon_threadsafe(self._apply_config_change, old, new)

    def _apply_config_change(self, old: Settings, new: Settings) -> None:
        schedule_keys = ("UPDATE_DAYS", "FIXED_UPDATE_TIME", "TIMEZONE")
        if self.scheduler is not None and any(
            getattr(old, k) != getattr(new, k) for k in schedule_keys
        ):
            self.scheduler.reschedule()
        if old.CHANNEL_ID != new.CHANNEL_ID and self.is_ready():
            self.check_channel_permissions()

    # -- start-up --------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        from tgraph_bot.adapters.discord.cogs.about import AboutCog
        from tgraph_bot.adapters.discord.cogs.config import ConfigCog
        from tgraph_bot.adapters.discord.cogs.graphs import GraphsCog
        from tgraph_bot.adapters.discord.cogs.help import HelpCog
        from tgraph_bot.adapters.discord.cogs.my_stats import LinkCog, MyStatsCog, UnlinkCog
        from tgraph_bot.adapters.discord.cogs.uptime import UptimeCog

        self.started_at = self.clock()
        await self.tree.set_translator(CatalogTranslator())
        await self.add_cog(AboutCog(self))
        await self.add_cog(UptimeCog(self))
        await self.add_cog(ConfigCog(self))
        await self.add_cog(HelpCog(self))
        if self.parts.posting is not None:
            await self.add_cog(GraphsCog(self, self.parts.posting))
        if self.parts.my_stats is not None and self.parts.rendering is not None:
            await self.add_cog(
                MyStatsCog(
                    self,
                    self.parts.my_stats,
                    self.parts.rendering,
                    self.parts.images_dir / "my_stats",
                    self.parts.summaries,
                )
            )
            await self.add_cog(LinkCog(self, self.parts.my_stats))
            await self.add_cog(UnlinkCog(self, self.parts.my_stats))
        for cog in self.parts.extra_cogs:  # e.g. CameraCog(service, settings), added by app.py
            await self.add_cog(cog)
        synced = await self.tree.sync()
        self.command_ids = {command.name: command.id for command in synced}
        if self.parts.my_stats is not None and self.settings.MY_STATS_VERIFICATION == "none":
            log.warning("%s", EMAIL_MODE_NOTICE)
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

    async def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._scheduler_task is not None:
            self._scheduler_task.cancel()
            await asyncio.gather(self._scheduler_task, return_exceptions=True)
            self._scheduler_task = None
        await super().close()


__all__ = ["BotParts", "TGraphBot", "intents_for"]
