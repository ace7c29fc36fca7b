"""What ``run`` needs beyond a valid file: the essentials a person must fill in."""

from __future__ import annotations

from urllib.parse import urlsplit

from tgraph_bot.config.problems import ConfigProblem
from tgraph_bot.config.schema import Settings
from tgraph_bot.i18n import N_


def readiness_problems(settings: Settings) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    if not settings.DISCORD_TOKEN.get_secret_value():
        problems.append(
            ConfigProblem(
                "DISCORD_TOKEN",
                None,
                N_("is required: the bot's token from the Discord developer portal"),
            )
        )
    if not settings.TAUTULLI_API_KEY.get_secret_value():
        problems.append(
            ConfigProblem(
                "TAUTULLI_API_KEY",
                None,
                N_("is required: Tautulli > Settings > Web Interface > API key"),
            )
        )
    if settings.CHANNEL_ID == 0:
        problems.append(
            ConfigProblem(
                "CHANNEL_ID", 0, N_("is required: right-click the channel > Copy Channel ID")
            )
        )
    if settings.PLEX_ENABLED and not settings.PLEX_TOKEN.get_secret_value():
        problems.append(
            ConfigProblem("PLEX_TOKEN", None, N_("is required when PLEX_ENABLED is true"))
        )
    discord = _discord_address_problem(settings.DISCORD_API_BASE_URL)
    if discord is not None:
        problems.append(
            ConfigProblem("DISCORD_API_BASE_URL", settings.DISCORD_API_BASE_URL, discord)
        )
    return problems


def _discord_address_problem(url: str) -> str | None:
    """What is wrong with DISCORD_API_BASE_URL for discord.py, which would fail on it with a
    traceback: a URL it cannot read, or a user name or password in it."""
    try:
        user = urlsplit(url).username
    except ValueError:  # "http://[::1"
        return N_("not a URL: use http://host:port or https://host")
    if user is not None:
        return N_("must not hold a user name or password: Discord takes only the bot's token")
    return None
