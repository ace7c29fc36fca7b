"""/wrapped: a member's year (or a shorter period) as a story of cards, privately.

The story is an ephemeral Components V2 message: one card a page, ◀ ▶ to turn pages, and
"Share" to post the card on show to the channel with the member's name (their choice, each
time). ``/wrapped share:on`` lets the server's own Wrapped name them; without it they are "a
member" there, and ``/my_stats forget:True`` forgets the choice with the rest. The member is
resolved through the one link rule (:func:`~tgraph_bot.services.my_stats.acting_for`).
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.channel import send_composed
from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.adapters.discord.limits import fit_content
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.history import Window
from tgraph_bot.core.ids import MemberId
from tgraph_bot.errors import ChannelUnavailableError, HistoryNotReady, NotLinkedError, WrappedOff
from tgraph_bot.graphs.cards import CardJob
from tgraph_bot.graphs.theme import Theme
from tgraph_bot.i18n import N_, Translator
from tgraph_bot.services.my_stats import MyStatsService
from tgraph_bot.services.ports.messages import DirectMessages
from tgraph_bot.services.post_layout import OutgoingMessage
from tgraph_bot.services.wrapped import (
    WrappedService,
    days_window,
    leaderboard_names,
    month_window,
    year_window,
)
from tgraph_bot.services.wrapped_cards import Story, period_name, story_cards, story_title
from tgraph_bot.services.wrapped_post import alt_text

log = logging.getLogger(__name__)

AMBER = 0xE5A00D
STORY_SECONDS = 14 * 60  # an interaction's followups live 15 minutes
PERIODS = {
    "year": N_("This year"),
    "this_month": N_("This month"),
    "last_30_days": N_("The last 30 days"),
    "last_90_days": N_("The last 90 days"),
    "last_365_days": N_("The last 365 days"),
}


Draw = Callable[[CardJob], Awaitable[Path]]


@dataclass(frozen=True)
class Page:
    name: str  # the card's file name, "card-3.png"
    drawn: asyncio.Future[Path]  # its PNG, once a graph worker has drawn it
    title: str
    kicker: str  # whose story, and which page of how many
    footnote: str
    alt: str  # the card in words, for screen readers: its numbers as drawn

    @classmethod
    def of(cls, job: CardJob, drawn: asyncio.Future[Path]) -> Page:
        return cls(Path(job.png).name, drawn, job.title, job.kicker, job.footnote, alt_text(job))


class _Turn(discord.ui.Button["StoryView"]):
    def __init__(self, label: str, step: int, *, disabled: bool) -> None:
        super().__init__(label=label, disabled=disabled, custom_id=f"wrapped:turn:{step}")
        self.step = step

    async def callback(self, interaction: discord.Interaction[discord.Client]) -> None:
        if self.view is not None:
            await self.view.turn(interaction, self.step)


class _Share(discord.ui.Button["StoryView"]):
    async def callback(self, interaction: discord.Interaction[discord.Client]) -> None:
        if self.view is not None:
            await self.view.share(interaction)


class StoryView(discord.ui.LayoutView):
    """One page of the story: the card, what it counts, and the buttons."""

    def __init__(self, pages: list[Page], index: int, tr: Translator) -> None:
        super().__init__(timeout=STORY_SECONDS)
        self.pages, self.index, self.tr = pages, index, tr
        page = pages[index]
        buttons = discord.ui.ActionRow["StoryView"](
            _Turn("◀", -1, disabled=index == 0),
            _Turn("▶", 1, disabled=index == len(pages) - 1),
            _Share(
                label=tr._("Share this card"),
                style=discord.ButtonStyle.primary,
                custom_id="wrapped:share",
            ),
        )
        self.add_item(
            discord.ui.Container["StoryView"](
                discord.ui.TextDisplay["StoryView"](
                    fit_content(f"-# {page.kicker}\n### {page.title}\n-# {page.footnote}")
                ),
                discord.ui.MediaGallery["StoryView"](
                    discord.MediaGalleryItem(f"attachment://{page.name}", description=page.alt)
                ),
                buttons,
                accent_colour=AMBER,
            )
        )

    async def file(self) -> discord.File:
        """The card on show (waiting for its drawing if need be)."""
        page = self.pages[self.index]
        return await _read_file(await asyncio.shield(page.drawn), page.name)

    async def turn(self, interaction: discord.Interaction[discord.Client], step: int) -> None:
        index = min(max(0, self.index + step), len(self.pages) - 1)
        view = StoryView(self.pages, index, self.tr)
        await interaction.response.edit_message(view=view, attachments=[await view.file()])

    async def share(self, interaction: discord.Interaction[discord.Client]) -> None:
        """Post the card on show to the channel, with the member's name: their choice."""
        page = self.pages[self.index]
        channel = interaction.channel
        if not isinstance(channel, discord.abc.Messageable):
            await interaction.response.send_message(
                self.tr._("This card cannot be shared here."), ephemeral=True
            )
            return
        text = self.tr._("{member} shares their Wrapped: {title}").format(
            member=interaction.user.mention, title=page.title
        )
        await channel.send(
            fit_content(text),
            file=await self.file(),
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await interaction.response.send_message(
            self.tr._("Shared in this channel."), ephemeral=True
        )


async def _display_name(guild: discord.Guild | None, member_id: MemberId) -> str | None:
    """The member's name in the guild (cached, else asked for: the bot has no members
    intent), or None when they left it."""
    if guild is None:
        return None
    try:
        member = guild.get_member(member_id) or await guild.fetch_member(member_id)
    except discord.HTTPException:  # left the server
        return None
    return member.display_name


async def _read_file(png: Path, name: str | None = None) -> discord.File:
    """A card read into memory (no file handle outlives the send)."""
    data = await asyncio.to_thread(png.read_bytes)
    return discord.File(io.BytesIO(data), filename=name or png.name)


class DiscordWrappedAudience:
    """The yearly post's Discord side (services.wrapped_post.WrappedAudience): CHANNEL_ID,
    its server's members, and their DMs (the one DirectMessages adapter)."""

    def __init__(self, host: BotHost, settings: Callable[[], Settings]) -> None:
        self._host = host
        self._settings = settings

    @property
    def dms(self) -> DirectMessages:
        return self._host.dms

    def _channel(self) -> discord.TextChannel:
        channel = self._host.text_channel(self._settings().CHANNEL_ID)
        if channel is None:
            raise ChannelUnavailableError()
        return channel

    async def server_name(self) -> str:
        return self._channel().guild.name

    async def name_of(self, member: MemberId) -> str | None:
        return await _display_name(self._channel().guild, member)

    async def post(self, message: OutgoingMessage) -> None:
        await send_composed(self._channel(), message)


class WrappedCog(commands.Cog):
    def __init__(
        self,
        bot: BotHost,
        wrapped: WrappedService,
        my_stats: MyStatsService,
        draw: Draw,
        images_dir: Path,
    ) -> None:
        self.bot = bot
        self.service = wrapped
        self.my_stats = my_stats
        self.draw = draw
        self.images_dir = images_dir

    @app_commands.command(
        name=N_("wrapped"), description=N_("Your year on the Plex server, shown only to you")
    )
    @app_commands.describe(
        period=N_("Which days (default: this year)"),
        year=N_("A past year instead"),
        share=N_("May the server's own Wrapped name you? (otherwise you are 'a member')"),
        server=N_("The whole server's instead of yours"),
    )
    @app_commands.choices(
        period=[app_commands.Choice(name=name, value=key) for key, name in PERIODS.items()],
        share=[
            app_commands.Choice(name=N_("yes, name me"), value="on"),
            app_commands.Choice(name=N_("no"), value="off"),
        ],
    )
    async def wrapped(
        self,
        interaction: discord.Interaction[discord.Client],
        period: str = "year",
        year: app_commands.Range[int, 2000, 2100] | None = None,
        share: str | None = None,
        server: bool = False,
    ) -> None:
        tr = self.bot.tr_for(interaction)
        member = MemberId(interaction.user.id)
        if share is not None:
            await self.my_stats.set_consent(member, share == "on")
            text = (
                tr._("The server's Wrapped may now name you.")
                if share == "on"
                else tr._("The server's Wrapped will call you 'a member'.")
            )
            await interaction.response.send_message(text, ephemeral=True)
            return
        settings = self.bot.settings
        if settings.HISTORY_SYNC_MINUTES <= 0:
            raise WrappedOff()
        await interaction.response.defer(ephemeral=True, thinking=True)
        if await self.service.freshness() is None:
            raise HistoryNotReady()
        window = self._window(period, year)
        if server:
            await self._server(interaction, window, tr)
            return
        link = await self.my_stats.acting_for(member, settings)
        if link is None:
            raise NotLinkedError(settings.MY_STATS_VERIFICATION)
        found = await self.service.member(int(link.tautulli_user_id), window)
        if found.plays == 0:
            await interaction.followup.send(
                tr._("No plays of yours in {period}.").format(
                    period=period_name(window.after, window.before, tr)
                ),
                ephemeral=True,
            )
            return
        title = story_title(interaction.user.display_name, window, tr)
        folder = await self.my_stats.image_dir_for(member, self.images_dir) / "wrapped"
        await self._show(
            interaction,
            story_cards(
                found, Story(title, member=True), tr, Theme.from_settings(settings), folder
            ),
            tr,
        )

    async def _server(
        self, interaction: discord.Interaction[discord.Client], window: Window, tr: Translator
    ) -> None:
        """The server's story: totals, tops, records, and its most active members, named
        only where they agreed."""
        settings = self.bot.settings
        found = await self.service.server(window)
        named = await self.my_stats.named_members(settings)
        guild = interaction.guild
        board = await leaderboard_names(
            self.service, window, named, lambda member: _display_name(guild, member), tr
        )
        title = story_title(guild.name if guild else "Plex", window, tr)
        folder = self.images_dir / "wrapped-server" / str(interaction.id)
        jobs = story_cards(
            found, Story(title, member=False), tr, Theme.from_settings(settings), folder, board
        )
        await self._show(interaction, jobs, tr)

    async def _show(
        self, interaction: discord.Interaction[discord.Client], jobs: list[CardJob], tr: Translator
    ) -> None:
        """The first card as soon as it is drawn; the others are drawn meanwhile, in order,
        and a page turned to before its card is ready waits for it."""
        folder = Path(jobs[0].png).parent
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        pages = [Page.of(job, asyncio.ensure_future(self.draw(job))) for job in jobs]
        view = StoryView(pages, 0, tr)
        try:
            await interaction.followup.send(view=view, file=await view.file(), ephemeral=True)
        except BaseException:
            for page in pages:
                page.drawn.cancel()
            raise

    def _window(self, period: str, year: int | None) -> Window:
        today = self.service.mirror.today()
        if year is not None:
            return year_window(min(year, today.year), today)
        if period == "this_month":
            return month_window(today)
        days = {"last_30_days": 30, "last_90_days": 90, "last_365_days": 365}.get(period)
        return year_window(today.year, today) if days is None else days_window(days, today)


__all__ = ["DiscordWrappedAudience", "StoryView", "WrappedCog"]
