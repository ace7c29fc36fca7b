"""The bot's own checks: Manage Server for the admin commands, and the cooldowns (over the
pure tracker in core/cooldown.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final, Literal

import discord
from discord import app_commands
from discord.ext import commands
from discord.ext.commands.hybrid import HybridAppCommand

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.cooldown import CooldownPolicy, CooldownTracker

MANAGE_SERVER = ["manage_guild"]


def may_manage_server(user: discord.abc.User) -> bool:
    """Does this member have Manage Server in the guild the command came from (the owner
    and Administrator do)? Outside a guild nobody does.

    The admin commands are hidden from members by their default permissions, but a server
    may widen those in Integrations; the bot checks for itself, with this one rule.
    """
    return isinstance(user, discord.Member) and user.guild_permissions.manage_guild


def require_manage_server(interaction: discord.Interaction[discord.Client]) -> None:
    """For a cog's ``interaction_check``: raise MissingPermissions (the error ladder answers
    "not permitted") unless the member may manage the server. Call it before the
    cooldown, so a refused member never spends an admin's cooldown."""
    if not may_manage_server(interaction.user):
        raise app_commands.MissingPermissions(MANAGE_SERVER)


def _manage_server(ctx: commands.Context[Any]) -> bool:
    if not may_manage_server(ctx.author):
        raise commands.MissingPermissions(MANAGE_SERVER)
    return True


manage_server_only = commands.check(_manage_server)
"""The same rule as a command check, for hybrid commands (slash and prefix alike)."""


def is_admin_command(command: app_commands.Command[Any, ..., Any]) -> bool:
    """Does the bot refuse this (sub)command to a member without Manage Server?

    An admin command says so by its default permissions, its own or its group's (the bot
    gives those only as Manage Server), or, for a hybrid subcommand (Discord applies default
    permissions to a whole group only), by the :data:`manage_server_only` check.
    """
    root = command.root_parent
    if command.default_permissions is not None or (
        root is not None and root.default_permissions is not None
    ):
        return True
    return isinstance(command, HybridAppCommand) and needs_manage_server(command.wrapped)


def needs_manage_server(command: commands.Command[Any, ..., Any]) -> bool:
    """Does this prefix (or hybrid) command carry the :data:`manage_server_only` check?"""
    return _manage_server in command.checks


CooldownCommand = Literal["config", "update_graphs", "my_stats"]
"""The commands with a cooldown (a cog names its own when it checks)."""

COOLDOWN_LIMITS: Final[Mapping[CooldownCommand, Callable[[Settings], tuple[int, int]]]] = {
    "config": lambda s: (s.CONFIG_COOLDOWN_MINUTES, s.CONFIG_GLOBAL_COOLDOWN_SECONDS),
    "update_graphs": lambda s: (
        s.UPDATE_GRAPHS_COOLDOWN_MINUTES,
        s.UPDATE_GRAPHS_GLOBAL_COOLDOWN_SECONDS,
    ),
    "my_stats": lambda s: (s.MY_STATS_COOLDOWN_MINUTES, s.MY_STATS_GLOBAL_COOLDOWN_SECONDS),
}
"""Each command's limits in the settings: (minutes per member, seconds for everyone)."""


def policy_for(command: CooldownCommand, settings: Settings) -> CooldownPolicy:
    return CooldownPolicy.of(*COOLDOWN_LIMITS[command](settings))


class CooldownGate:
    """Raises app_commands.CommandOnCooldown while a command is cooling down.

    The limits are read from the live settings at each use, so an edit applies at once.
    Autocomplete never spends a use: discord.py runs no checks for it (the test
    test_autocomplete_does_not_spend_the_cooldown fails if a new discord.py starts to).
    """

    def __init__(self, settings: Callable[[], Settings], clock: Callable[[], datetime]) -> None:
        self._settings = settings
        self._clock = clock
        self._tracker = CooldownTracker()

    def check(
        self, command: CooldownCommand, interaction: discord.Interaction[discord.Client]
    ) -> None:
        now = self._clock()
        policy = policy_for(command, self._settings())
        until = self._tracker.hit(command, interaction.user.id, now, policy)
        if until is not None:
            longest = max(policy.per_member, policy.everyone).total_seconds()
            raise app_commands.CommandOnCooldown(
                app_commands.Cooldown(1, longest), (until - now).total_seconds()
            )


__all__ = [
    "COOLDOWN_LIMITS",
    "CooldownCommand",
    "CooldownGate",
    "is_admin_command",
    "manage_server_only",
    "may_manage_server",
    "needs_manage_server",
    "policy_for",
    "require_manage_server",
]
