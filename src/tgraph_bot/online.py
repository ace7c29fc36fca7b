"""``tgraph-bot check --online``: try each credential once and say which one works.

One line per credential, whatever happens: the Tautulli API key, the Discord token, and
the Plex token when PLEX_ENABLED. Each is tried once, all at the same time, and each may
take at most ``timeout`` seconds, so a service that hangs is reported well within 20 s.
A failure names the key, what answered (nothing, too late, a page that is not the API, a
refusal, an error) and what to fix; nothing listening at ``localhost`` adds that in Docker
it is the bot's own container. Lines go through :func:`~tgraph_bot.cli_common.say`:
URLs are shown with their passwords and keys masked, and no secret is ever printed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from tgraph_bot import __version__
from tgraph_bot.cli_common import say
from tgraph_bot.config.schema import Settings
from tgraph_bot.errors import (
    DiscordNotApi,
    DiscordTokenRefused,
    DiscordUnreachable,
    PlexAuthError,
    PlexNotApi,
    PlexUnreachable,
    TautulliUnreachable,
    UnexpectedError,
    UserFacingError,
)
from tgraph_bot.i18n import N_, Translator

log = logging.getLogger(__name__)

TIMEOUT = 15.0
"""The longest one credential's check may take, in seconds."""
DISCORD_API = "https://discord.com"

NO_ANSWER = N_("{service} at {url} did not answer in {seconds} seconds: {fix}")
FAILED = N_("{service} failed with HTTP {status}: try again later")
ANSWERED = N_("{service} answered HTTP {status}: {fix}")


class ServiceProblem(UserFacingError):
    """What a service answered, with the fix for that service (translated when shown)."""

    def __init__(self, message: str, fix: str, **params: Any) -> None:
        super().__init__(message, fix=fix, **params)

    def render(self, tr: Translator, *, admin: bool = True) -> str:
        del admin  # check --online is the owner's: always the cause
        return tr._(self.message).format(**{**self.params, "fix": tr._(self.params["fix"])})


@dataclass(frozen=True, slots=True)
class Api:
    """An HTTP API tried with a token in a header: how each of its answers reads."""

    service: str  # "Discord"
    fix: str  # what to check when the address seems wrong (translatable)
    unreachable: type[UserFacingError]  # "cannot reach {url}"
    not_api: type[UserFacingError]  # "the answer from {url} is not its API" (a login page)
    refused: type[UserFacingError]  # "the token was refused"

    def judge(self, url: str, response: httpx.Response) -> None:
        """Return when the token works; else raise what to tell the owner."""
        status = response.status_code
        kind = response.headers.get("Content-Type", "").lower()
        if status == 401:
            raise self.refused()
        if status >= 500:
            raise ServiceProblem(FAILED, self.fix, service=self.service, status=status)
        if response.is_redirect or "html" in kind:
            raise self.not_api(url=url)
        if status != 200:
            raise ServiceProblem(ANSWERED, self.fix, service=self.service, status=status)


DISCORD_FIX = N_("check this machine's network connection (and DISCORD_API_BASE_URL, if set)")
DISCORD = Api("Discord", DISCORD_FIX, DiscordUnreachable, DiscordNotApi, DiscordTokenRefused)
PLEX_FIX = N_("check PLEX_URL and that Plex is running")
PLEX = Api("Plex", PLEX_FIX, PlexUnreachable, PlexNotApi, PlexAuthError)


async def _ask(api: Api, url: str, path: str, headers: dict[str, str], limit: float) -> None:
    """GET ``url + path`` once, within ``limit`` seconds in all, and judge the answer
    (messages name ``url``, the address as configured)."""
    agent = {"User-Agent": f"tgraph-bot/{__version__}", "Accept": "application/json"}
    try:
        async with (
            asyncio.timeout(limit),
            httpx.AsyncClient(timeout=limit, trust_env=False) as http,
        ):
            response = await http.get(url + path, headers={**agent, **headers})
    except (TimeoutError, httpx.TimeoutException):
        seconds = f"{limit:g}"
        raise ServiceProblem(
            NO_ANSWER, api.fix, service=api.service, url=url, seconds=seconds
        ) from None
    except httpx.HTTPError:  # its text may hold the URL: not shown
        raise api.unreachable(url=url) from None
    api.judge(url, response)


Probe = Callable[[Settings, float], Awaitable[None]]
"""Tries one credential within the given seconds: returns when it works, else raises."""


async def _tautulli(settings: Settings, limit: float) -> None:
    from tgraph_bot.build import tautulli_client

    async with tautulli_client(settings, one_try_within=limit) as client:
        await client.server_name()


def _discord_url(settings: Settings) -> str:
    return (settings.DISCORD_API_BASE_URL or DISCORD_API).rstrip("/")


async def _discord(settings: Settings, limit: float) -> None:
    token = settings.DISCORD_TOKEN.get_secret_value()
    headers = {"Authorization": f"Bot {token}"}
    await _ask(DISCORD, _discord_url(settings), "/api/v10/users/@me", headers, limit)


async def _plex(settings: Settings, limit: float) -> None:
    token = settings.PLEX_TOKEN.get_secret_value()
    headers = {"X-Plex-Token": token}
    await _ask(PLEX, settings.PLEX_URL, "/library/sections", headers, limit)


async def _outcome(probe: Probe, settings: Settings, limit: float) -> UserFacingError | None:
    """None when the credential works; else what to say. Never raises (but cancellation)."""
    try:
        await probe(settings, limit)
    except UserFacingError as exc:
        return exc
    except Exception as exc:
        log.debug("check --online: %s failed", probe.__name__, exc_info=True)
        return UnexpectedError(error=type(exc).__name__)
    return None


UNREACHABLE = (TautulliUnreachable, DiscordUnreachable, PlexUnreachable)


def _loopback_hint(problem: UserFacingError, url: str, tr: Translator) -> str:
    """Why ``localhost`` is refused in Docker (the sample's TAUTULLI_URL, the most common
    first-day mistake): there it is the bot's own container, where nothing listens."""
    try:
        host = urlsplit(url).hostname or ""
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # not an address (a name), or not a URL urllib can read
        host, loopback = "", False
    if not (loopback and isinstance(problem, UNREACHABLE)):
        return ""
    hint = tr._("(in Docker, {host} is the bot's own container: use the host's address)")
    return " " + hint.format(host=host)


def check_online(settings: Settings, tr: Translator, *, timeout: float = TIMEOUT) -> int:
    """Print one line per credential; 0 when every one works, else 1."""
    probes: list[tuple[str, str, Probe]] = [
        ("TAUTULLI_API_KEY", settings.TAUTULLI_URL, _tautulli),
        ("DISCORD_TOKEN", _discord_url(settings), _discord),
    ]
    if settings.PLEX_ENABLED:
        probes.append(("PLEX_TOKEN", settings.PLEX_URL, _plex))

    async def all_of() -> list[UserFacingError | None]:
        return list(
            await asyncio.gather(*(_outcome(probe, settings, timeout) for *_, probe in probes))
        )

    outcomes = asyncio.run(all_of())
    for (key, url, _), problem in zip(probes, outcomes, strict=True):
        if problem is None:
            say(tr._("{key}: works ({url})").format(key=key, url=url))
        else:
            reason = problem.render(tr) + _loopback_hint(problem, url, tr)
            say(tr._("{key}: does not work: {reason}").format(key=key, reason=reason))
    return 1 if any(problem is not None for problem in outcomes) else 0


__all__ = ["TIMEOUT", "check_online"]
