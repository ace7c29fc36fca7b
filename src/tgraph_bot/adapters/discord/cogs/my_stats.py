"""/my_stats [email] [forget]: the member's own graphs, by DM.

Whose stats a member may receive is decided by services.my_stats (the privacy rules); the
rendering and the DM are services.member_stats's (the same work a scheduled DM does). This
cog only defers, asks the services and replies. A member whose DMs are closed (50007) is
told so, ephemerally. ``/my_stats forget:True`` deletes the member's link and stored images.
Once an hour, stat images older than KEEP_DAYS are deleted (left behind only if sending was
interrupted). /link and /unlink are in their own modules.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import discord
from discord import app_commands
from discord.ext import commands, tasks

from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.adapters.discord.limits import fit_content
from tgraph_bot.adapters.discord.tree import send_error_reply
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.ids import MemberId
from tgraph_bot.graphs.registry import GRAPHS
from tgraph_bot.i18n import N_
from tgraph_bot.services.member_stats import DEFAULT_UPLOAD_LIMIT, MemberStats, personal_settings
from tgraph_bot.services.my_stats import EMAIL_MODE_NOTICE, MyStatsService, Outcome
from tgraph_bot.services.ports.messages import Delivery
from tgraph_bot.services.post_layout import OutgoingMessage

log = logging.getLogger(__name__)

FOLLOWUP_LIFETIME = timedelta(minutes=14)  # Discord's is 15; a margin for the send
DM_CLOSED = N_(
    "I cannot send you direct messages. Allow direct messages from server members "
    "(this server's Privacy Settings) and try again."
)


PERSONAL_GRAPHS: list[tuple[str, str]] = [(g.id, g.personal) for g in GRAPHS if g.personal]
PERIODS: dict[int, str] = {
    7: N_("last 7 days"),
    30: N_("last 30 days"),
    90: N_("last 90 days"),
    365: N_("last 365 days"),
}


class MyStatsCog(commands.Cog):
    def __init__(self, bot: BotHost, service: MyStatsService, stats: MemberStats) -> None:
        self.bot = bot
        self.service = service
        self.stats = stats
        self.images_dir = stats.images_dir
        # Plex sign-ins being waited for, and whose they are (so forget can stop them).
        self._signins: dict[asyncio.Task[None], MemberId] = {}

    async def cog_load(self) -> None:
        self.purge_old_images.start()
        if self.bot.settings.MY_STATS_VERIFICATION == "none":
            log.warning("%s", EMAIL_MODE_NOTICE)

    async def cog_unload(self) -> None:
        self.purge_old_images.cancel()
        for task in self._signins:
            task.cancel()
        await asyncio.gather(*self._signins, return_exceptions=True)

    async def interaction_check(self, interaction: discord.Interaction[discord.Client]) -> bool:
        # Forgetting is a privacy action: the /my_stats cooldown never holds it back (and
        # it does not use the cooldown up).
        if interaction.namespace.forget is not True:
            self.bot.cooldowns.check("my_stats", interaction)
        return True

    @tasks.loop(hours=1)
    async def purge_old_images(self) -> None:
        """Delete per-member stat images older than KEEP_DAYS (the first run is at start)."""
        try:
            removed = await self.service.purge_images(
                self.images_dir, self.bot.settings.KEEP_DAYS, self.bot.clock()
            )
        except OSError as exc:
            log.warning("my_stats: deleting old stat images failed: %s", exc)
            return
        if removed:
            log.info("my_stats: deleted %d stat images older than KEEP_DAYS", removed)

    @app_commands.command(
        name=N_("my_stats"), description=N_("Get your own Plex statistics by direct message")
    )
    @app_commands.describe(
        email=N_("The email address of your Plex account (needed the first time only)"),
        forget=N_("Delete your link to a Plex account and any stored images of your stats"),
        graph=N_("One graph (default: all of them)"),
        days=N_("The period (default: the server's)"),
    )
    @app_commands.choices(
        graph=[app_commands.Choice(name=title, value=id_) for id_, title in PERSONAL_GRAPHS]
    )
    @app_commands.choices(
        days=[app_commands.Choice(name=name, value=n) for n, name in PERIODS.items()]
    )
    async def my_stats(
        self,
        interaction: discord.Interaction[discord.Client],
        email: str | None = None,
        forget: bool = False,
        graph: app_commands.Choice[str] | None = None,
        days: app_commands.Choice[int] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        settings = self.bot.settings
        member = MemberId(interaction.user.id)
        if forget:
            # forget wins over an email given with it: nothing is looked up or linked, and
            # the email is ignored (a member asking to be forgotten must not be re-linked).
            await self._forget(interaction, member)
            return
        settings = personal_settings(
            settings,
            self.bot.tr_for(interaction).language,
            graph=None if graph is None else graph.value,
            days=None if days is None else days.value,
        )
        outcome = await self.service.request(member, email, settings)
        if outcome.signin is not None:
            tr = self.bot.tr_for(interaction)
            view = discord.ui.View()
            view.add_item(discord.ui.Button(label=tr._("Sign in to Plex"), url=outcome.signin.url))
            await interaction.followup.send(
                fit_content(outcome.render(tr, self.bot.mention)), view=view, ephemeral=True
            )
            task = asyncio.create_task(
                self._finish_signin(interaction, outcome.signin.id, settings, self.bot.clock())
            )
            self._signins[task] = member
            task.add_done_callback(self._signin_done)
            return
        await self._deliver(interaction, outcome, settings)

    def _signin_done(self, task: asyncio.Task[None]) -> None:
        self._signins.pop(task, None)

    async def _forget(
        self, interaction: discord.Interaction[discord.Client], member: MemberId
    ) -> None:
        # A Plex sign-in still being waited for would link the member again: stop it first.
        theirs = [t for t, m in self._signins.items() if m == member]
        for task in theirs:
            task.cancel()
        await asyncio.gather(*theirs, return_exceptions=True)
        outcome = await self.service.forget(member, self.images_dir)
        await interaction.followup.send(
            fit_content(outcome.render(self.bot.tr_for(interaction), self.bot.mention)),
            ephemeral=True,
        )

    async def _deliver(
        self,
        interaction: discord.Interaction[discord.Client],
        outcome: Outcome,
        settings: Settings,
        *,
        late: bool = False,
    ) -> None:
        """Send the stats (when granted) and the reply; ``late``: the interaction's 15
        minutes are over (a long Plex sign-in), so the reply goes by DM."""
        tr = self.bot.tr_for(interaction)
        if outcome.user_id is not None:
            guild = interaction.guild
            delivery = await self.stats.send(
                MemberId(interaction.user.id),
                outcome.user_id,
                settings,
                upload_limit=DEFAULT_UPLOAD_LIMIT if guild is None else guild.filesize_limit,
            )
            if delivery is Delivery.REFUSED:
                await self._reply(interaction, tr._(DM_CLOSED), late)
                return
        await self._reply(interaction, outcome.render(tr, self.bot.mention), late)

    async def _reply(
        self, interaction: discord.Interaction[discord.Client], text: str, late: bool
    ) -> None:
        """Ephemerally while the interaction lasts; by DM after that, or only in the log
        when DMs are closed too."""
        if not late:
            await interaction.followup.send(fit_content(text), ephemeral=True)
            return
        member = MemberId(interaction.user.id)
        told = await self.bot.dms.send(member, [OutgoingMessage(content=text)])
        if told is Delivery.REFUSED:
            log.info("my_stats: could not tell member %d the outcome", member)

    async def _finish_signin(
        self,
        interaction: discord.Interaction[discord.Client],
        pending_id: str,
        settings: Settings,
        received: datetime,
    ) -> None:
        """After the command has returned: its errors are answered here, by the one error
        ladder (the tree's handler only sees the command's own)."""
        try:
            outcome = await self.service.complete_plex_signin(pending_id)
            late = self.bot.clock() - received >= FOLLOWUP_LIFETIME
            await self._deliver(interaction, outcome, settings, late=late)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            late = self.bot.clock() - received >= FOLLOWUP_LIFETIME

            async def send(text: str) -> None:
                await self._reply(interaction, text, late)

            await send_error_reply(send, exc, interaction, self.bot)


__all__ = ["DM_CLOSED", "PERIODS", "PERSONAL_GRAPHS", "MyStatsCog"]
