"""DISCORD_API_BASE_URL: talk to a Discord-compatible server instead of discord.com."""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl


def use_discord_api(base_url: str) -> None:
    """Point discord.py's REST routes and gateway at ``base_url`` (``http://host:port``).

    discord.py keeps both as class attributes, so this is process-wide: call it once, at
    start-up, before the client connects.
    """
    base = base_url.rstrip("/")
    discord.http.Route.BASE = f"{base}/api/v10"
    scheme = "wss://" if base.startswith("https://") else "ws://"
    host = base.split("://", 1)[1]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"{scheme}{host}/gateway")


__all__ = ["use_discord_api"]
