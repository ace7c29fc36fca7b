"""/my_stats [email] [forget]: the member's own graphs, by DM; /link and /unlink for admins.

Whose stats a member may receive is decided by services.my_stats (the privacy rules); this
cog only defers, asks the service, renders the granted user's graphs and sends them by DM.
A member whose DMs are closed (50007) is told so, ephemerally. ``/my_stats forget:True``
deletes the member's link and stored images. Once an hour, stat images older than
KEEP_DAYS are deleted (left behind only if sending was interrupted).
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands, tasks

from tgraph_bot.adapters.discord.channel import send_composed
from tgraph_bot.adapters.discord.checks import may_manage_server, require_manage_server
from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.adapters.discord.limits import fit_content, fit_embed
from tgraph_bot.config.display import clip
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.core.users import LOCAL_USER_ID, TautulliUser
from tgraph_bot.errors import NoGraphsError
from tgraph_bot.graphs.registry import GRAPHS
from tgraph_bot.i18n import N_, translator
from tgraph_bot.services.my_stats import (
    ADMIN_LINKED,
    ADMIN_NOT_LINKED,
    ADMIN_UNLINKED,
    EMAIL_MODE_NOTICE,
    MyStatsService,
    Outcome,
)
from tgraph_bot.services.ports.graphs import GraphRendering
from tgraph_bot.services.post_layout import personal_messages
from tgraph_bot.services.posting import graph_cards
from tgraph_bot.services.summary import SummaryService

log = logging.getLogger(__name__)

_MARKDOWN = re.compile(r"([\\*_~`|>#\[\]()-])")


def escape_markdown(text: str) -> str:
    """A Plex user name shown as typed, never as Discord formatting. (discord.py's own
    escape_markdown passes ``count`` positionally to re.sub, which 3.13 deprecates.)"""
    return _MARKDOWN.sub(r"\\\1", text)


DM_BLOCKED = 50007
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


def personal_settings(
    settings: Settings, language: str, *, graph: str | None, days: int | None
) -> Settings:
    """The settings one member's stats are drawn with: their language, period and graph."""
    update: dict[str, object] = {"LANGUAGE": language}
    if days is not None:
        update["TIME_RANGE_DAYS"] = days
    if graph is not None:
        update |= {g.enable_key: g.id == graph for g in GRAPHS}
    return settings.model_copy(update=update)


class MyStatsCog(commands.Cog):
    def __init__(
        self,
        bot: BotHost,
        service: MyStatsService,
        rendering: GraphRendering,
        images_dir: Path,
        summaries: SummaryService | None = None,
    ) -> None:
        self.bot = bot
        self.service = service
        self.rendering = rendering
        self.images_dir = images_dir
        self.summaries = summaries
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
        if outcome.user_id is not None and not await self._send_stats(
            interaction, outcome.user_id, settings
        ):
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
        try:
            await interaction.user.send(fit_content(text))
        except discord.Forbidden:
            log.info("my_stats: could not tell member %d the outcome", interaction.user.id)

    async def _finish_signin(
        self,
        interaction: discord.Interaction[discord.Client],
        pending_id: str,
        settings: Settings,
        received: datetime,
    ) -> None:
        try:
            outcome = await self.service.complete_plex_signin(pending_id)
            late = self.bot.clock() - received >= FOLLOWUP_LIFETIME
            await self._deliver(interaction, outcome, settings, late=late)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("my_stats: finishing a Plex sign-in failed")

    async def _send_stats(
        self,
        interaction: discord.Interaction[discord.Client],
        user_id: TautulliUserId,
        settings: Settings,
    ) -> bool:
        """Render and DM the graphs; False when the member's DMs are closed."""
        tr = translator(settings.LANGUAGE)  # the member's language (personal_settings)
        member = MemberId(interaction.user.id)
        folder = await self.service.image_dir_for(member, self.images_dir)
        try:
            report = await self.rendering.render(settings, folder, user_id=user_id)
            limit = interaction.guild.filesize_limit if interaction.guild else 10 * 1024 * 1024
            usable = [g for g in report.graphs if g.png.stat().st_size < limit]
            if not usable:
                raise NoGraphsError.of(f.error for f in report.failures)
            period = None
            if self.summaries is not None and settings.POST_LAYOUT != "plain":
                period = await self.summaries.summary(settings.TIME_RANGE_DAYS, user_id=user_id)
            cards = await graph_cards(usable, tr)
            for message in personal_messages(
                cards,
                period,
                layout=settings.POST_LAYOUT,
                days=settings.TIME_RANGE_DAYS,
                tr=tr,
                zone=settings.TIMEZONE,
            ):
                await send_composed(interaction.user, message)
        except discord.Forbidden as exc:
            if exc.code != DM_BLOCKED:
                raise
            log.info("my_stats: member %d does not accept direct messages", member)
            return False
        finally:
            await self.service.discard_images(member, self.images_dir)
        return True


USERS_FRESH_SECONDS = 60.0  # autocomplete answers from a list at most this old


def user_choices(users: list[TautulliUser], typed: str) -> list[app_commands.Choice[str]]:
    """Tautulli's users matching what the admin typed: names that start with it first."""
    needle = typed.strip().casefold()
    real = [u for u in users if u.user_id != LOCAL_USER_ID]

    def rank(u: TautulliUser) -> tuple[int, str]:
        names = (u.username.casefold(), u.friendly_name.casefold())
        return (0 if any(n.startswith(needle) for n in names) else 1, names[1])

    found = [
        u
        for u in real
        if any(needle in n for n in (u.username.casefold(), u.friendly_name.casefold()))
    ]
    found.sort(key=rank)
    return [
        app_commands.Choice(
            name=(
                u.friendly_name
                if u.friendly_name == u.username
                else f"{u.friendly_name} ({u.username})"
            )[:100],
            value=u.username[:100],
        )
        for u in found[:25]
    ]


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class LinkCog(
    commands.GroupCog,
    group_name=N_("link"),
    group_description=N_("Link members to Plex users for /my_stats"),
):
    """Admins link a member to a Plex user (MY_STATS_VERIFICATION = admin), list the links,
    or unlink a member (/unlink)."""

    def __init__(self, bot: BotHost, service: MyStatsService) -> None:
        self.bot = bot
        self.service = service
        self._users: tuple[float, list[TautulliUser]] | None = None
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[discord.Client]) -> bool:
        require_manage_server(interaction)
        return True

    @app_commands.command(name=N_("add"), description=N_("Link a member to a Plex user"))
    @app_commands.describe(
        member=N_("The Discord member"),
        plex_user=N_("Their Plex username or the name Tautulli shows (not an email)"),
    )
    async def add(
        self,
        interaction: discord.Interaction[discord.Client],
        member: discord.Member,
        plex_user: str,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        user = await self.service.link(MemberId(member.id), plex_user)
        await interaction.followup.send(
            self.bot.tr_for(interaction)
            ._(ADMIN_LINKED)
            .format(member=member.mention, username=clip(user.username)),
            ephemeral=True,
        )

    @add.autocomplete("plex_user")
    async def _plex_user(
        self, interaction: discord.Interaction[discord.Client], current: str
    ) -> list[app_commands.Choice[str]]:
        if not may_manage_server(interaction.user):
            return []  # discord.py runs no checks for autocomplete: Plex names are private
        now = asyncio.get_running_loop().time()
        if self._users is None or now - self._users[0] > USERS_FRESH_SECONDS:
            try:  # Discord waits 3 s for choices: a slow Tautulli gives none, not an error
                users = await asyncio.wait_for(self.service.plex_users(), 2.5)
            except Exception as exc:
                log.warning("link: Tautulli's users for autocomplete: %s", exc)
                return []
            self._users = (now, users)
        return user_choices(self._users[1], current)

    @app_commands.command(name=N_("list"), description=N_("Who is linked to which Plex user"))
    async def list_links(self, interaction: discord.Interaction[discord.Client]) -> None:
        tr = self.bot.tr_for(interaction)
        found = await self.service.links()
        if not found:
            await interaction.response.send_message(tr._("Nobody is linked yet."), ephemeral=True)
            return
        how = {
            "plex": tr._("Plex sign-in"),
            "admin": tr._("by an admin"),
            "email": tr._("by email"),
        }
        lines = [
            tr._("<@{member}> → {username} ({how}, {when})").format(
                member=link.member_id,
                username=escape_markdown(link.plex_username),
                how=how.get(link.how, link.how),
                when=f"<t:{int(link.linked_at.timestamp())}:d>",
            )
            for link in found
        ]
        embed = discord.Embed(
            title=tr._("Linked members"),
            description="\n".join(lines),
            colour=discord.Colour.blurple(),
        )
        await interaction.response.send_message(embed=fit_embed(embed), ephemeral=True)


class UnlinkCog(commands.Cog):
    def __init__(self, bot: BotHost, service: MyStatsService) -> None:
        self.bot = bot
        self.service = service

    async def interaction_check(self, interaction: discord.Interaction[discord.Client]) -> bool:
        require_manage_server(interaction)
        return True

    @app_commands.command(name=N_("unlink"), description=N_("Unlink a member from their Plex user"))
    @app_commands.describe(member=N_("The Discord member"))
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def unlink(
        self, interaction: discord.Interaction[discord.Client], member: discord.Member
    ) -> None:
        removed = await self.service.unlink(MemberId(member.id))
        text = ADMIN_UNLINKED if removed else ADMIN_NOT_LINKED
        await interaction.response.send_message(
            self.bot.tr_for(interaction)._(text).format(member=member.mention), ephemeral=True
        )
