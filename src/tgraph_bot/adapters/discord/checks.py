"""The cooldown check of the bot's commands, over the pure tracker in core/cooldown.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import discord
from discord import app_commands

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.cooldown import CooldownPolicy, CooldownTracker


def policy_for(command: str, settings: Settings) -> CooldownPolicy:
    if command == "config":
        return CooldownPolicy.of(
            settings.CONFIG_COOLDOWN_MINUTES, settings.CONFIG_GLOBAL_COOLDOWN_SECONDS
        )
    if command == "update_graphs":
        return CooldownPolicy.of(
            settings.UPDATE_GRAPHS_COOLDOWN_MINUTES, settings.UPDATE_GRAPHS_GLOBAL_COOLDOWN_SECONDS
        )
    if command == "my_stats":
        return CooldownPolicy.of(
            settings.MY_STATS_COOLDOWN_MINUTES, settings.MY_STATS_GLOBAL_COOLDOWN_SECONDS
        )
    raise ValueError(f"no cooldown for {command!r}")


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

    def check(self, command: str, interaction: discord.Interaction[discord.Client]) -> None:
        now = self._clock()
        policy = policy_for(command, self._settings())
        until = self._tracker.hit(command, interaction.user.id, now, policy)
        if until is not None:
            longest = max(policy.per_member, policy.everyone).total_seconds()
            raise app_commands.CommandOnCooldown(
                app_commands.Cooldown(1, longest), (until - now).total_seconds()
            )


__all__ = ["CooldownGate", "policy_for"]
