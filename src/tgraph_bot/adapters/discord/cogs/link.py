"""/link add | list: admins link members to Plex users for /my_stats (MY_STATS_VERIFICATION =
admin), and see who is linked to whom. The autocomplete lists Tautulli's users to admins only
(discord.py runs no checks for an autocomplete; Plex names are private)."""

from __future__ import annotations

import asyncio
import logging
import re

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.checks import may_manage_server, require_manage_server
from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.adapters.discord.limits import fit_embed
from tgraph_bot.config.display import clip
from tgraph_bot.core.ids import MemberId
from tgraph_bot.core.users import LOCAL_USER_ID, TautulliUser
from tgraph_bot.i18n import N_
from tgraph_bot.services.my_stats import ADMIN_LINKED, MyStatsService

log = logging.getLogger(__name__)

_MARKDOWN = re.compile(r"([\\*_~`|>#\[\]()-])")


def escape_markdown(text: str) -> str:
    """A Plex user name shown as typed, never as Discord formatting. (discord.py's own
    escape_markdown passes ``count`` positionally to re.sub, which 3.13 deprecates.)"""
    return _MARKDOWN.sub(r"\\\1", text)


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


__all__ = ["LinkCog", "escape_markdown", "user_choices"]
