"""``tgraph-bot check --online``: try each credential once and say which one works.

One line per service: the Tautulli API key, the Discord token, and the Plex token when
PLEX_ENABLED. Secrets are never printed; an error names the URL and what to do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

from tgraph_bot import __version__
from tgraph_bot.config.schema import Settings
from tgraph_bot.errors import DiscordTokenRefused, DiscordUnreachable, UserFacingError
from tgraph_bot.i18n import N_, Translator

TIMEOUT = 10.0
DISCORD_API = "https://discord.com"

Probe = Callable[[Settings], Awaitable[str | None]]  # None: works; else the translatable reason


async def _tautulli(settings: Settings) -> str | None:
    from tgraph_bot.adapters.tautulli import TautulliClient

    key = settings.TAUTULLI_API_KEY.get_secret_value()
    async with TautulliClient(settings.TAUTULLI_URL, key, retry_budget=0) as client:
        await client.server_name()
    return None


async def _http_status(url: str, headers: dict[str, str]) -> int:
    agent = {"User-Agent": f"tgraph-bot/{__version__}", "Accept": "application/json"}
    async with httpx.AsyncClient(timeout=TIMEOUT, trust_env=False) as http:
        return (await http.get(url, headers={**agent, **headers})).status_code


async def _discord(settings: Settings) -> str | None:
    base = (settings.DISCORD_API_BASE_URL or DISCORD_API).rstrip("/")
    token = settings.DISCORD_TOKEN.get_secret_value()
    try:
        status = await _http_status(f"{base}/api/v10/users/@me", {"Authorization": f"Bot {token}"})
    except httpx.HTTPError:
        raise DiscordUnreachable(url=base) from None
    if status == 401:
        raise DiscordTokenRefused()
    if status != 200:
        raise UserFacingError(N_("Discord answered HTTP {status}"), status=status)
    return None


async def _plex(settings: Settings) -> str | None:
    token = settings.PLEX_TOKEN.get_secret_value()
    try:
        status = await _http_status(
            f"{settings.PLEX_URL}/library/sections", {"X-Plex-Token": token}
        )
    except httpx.HTTPError:
        return N_("cannot reach Plex at {url}: check PLEX_URL")
    if status == 401:
        return N_("Plex refused PLEX_TOKEN: copy the token again")
    if status != 200:
        raise UserFacingError(N_("Plex answered HTTP {status}"), status=status)
    return None


def check_online(settings: Settings, tr: Translator) -> int:
    """Print one line per credential; 0 when every one works, else 1."""
    probes: list[tuple[str, str, Probe]] = [
        ("TAUTULLI_API_KEY", settings.TAUTULLI_URL, _tautulli),
        ("DISCORD_TOKEN", settings.DISCORD_API_BASE_URL or DISCORD_API, _discord),
    ]
    if settings.PLEX_ENABLED:
        probes.append(("PLEX_TOKEN", settings.PLEX_URL, _plex))

    async def one(probe: Probe) -> tuple[str | None, dict[str, object]]:
        try:
            return await probe(settings), {}
        except UserFacingError as exc:
            return exc.message, exc.params

    async def all_of() -> list[tuple[str | None, dict[str, object]]]:
        return list(await asyncio.gather(*(one(probe) for _, _, probe in probes)))

    failed = 0
    for (key, url, _), (reason, params) in zip(probes, asyncio.run(all_of()), strict=True):
        if reason is None:
            print(tr._("{key}: works ({url})").format(key=key, url=url))  # noqa: T201
        else:
            failed += 1
            text = tr._(reason).format(url=url, **params)
            print(tr._("{key}: does not work: {reason}").format(key=key, reason=text))  # noqa: T201
    return 1 if failed else 0


__all__ = ["check_online"]
