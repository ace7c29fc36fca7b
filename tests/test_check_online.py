"""``check --online``: one line per credential in every way a service can answer, or not
(nothing listening, no answer, a login page, a refusal, a 5xx, working), against servers on
127.0.0.1; never a traceback, never a secret. A hang is cut after :data:`LIMIT` seconds
(``check_online``'s timeout, 15 s by default)."""

from __future__ import annotations

import asyncio

import pytest

from tests.fakes.discord import FakeDiscord
from tests.fakes.local_http import CannedAnswer, closed_url, silent_url
from tests.fakes.plex import FakePlex
from tests.fakes.tautulli import LOGIN_PAGE, FakeTautulli
from tgraph_bot.config.schema import Settings
from tgraph_bot.i18n import translator
from tgraph_bot.online import check_online

EN = translator("en")
LIMIT = 0.5
KEY, TOKEN, PLEX_TOKEN = "tautulli-key-7781", "discord-token-7781", "plex-token-7781"
DISCORD_FIX = "check this machine's network connection (and DISCORD_API_BASE_URL, if set)"
PLEX_FIX = "check PLEX_URL and that Plex is running"


def _settings(tautulli: str, discord: str, plex: str) -> Settings:
    return Settings.model_validate(
        {
            "TAUTULLI_URL": tautulli,
            "TAUTULLI_API_KEY": KEY,
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE_URL": discord,
            "PLEX_ENABLED": True,
            "PLEX_URL": plex,
            "PLEX_TOKEN": PLEX_TOKEN,
            "CHANNEL_ID": 42,
        }
    )


async def _check(
    capsys: pytest.CaptureFixture[str], tautulli: str, discord: str, plex: str
) -> tuple[int, list[str]]:
    """check_online's status and its lines (in a thread: it runs its own event loop)."""
    settings = _settings(tautulli, discord, plex)
    status = await asyncio.to_thread(check_online, settings, EN, timeout=LIMIT)
    out = capsys.readouterr()
    assert out.err == ""
    for secret in (KEY, TOKEN, PLEX_TOKEN, "SECRETPW"):
        assert secret not in out.out
    return status, out.out.splitlines()


async def test_every_credential_works_and_the_url_password_is_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with FakeTautulli(api_key=KEY) as tautulli, FakeDiscord() as discord:
        with FakePlex(token=PLEX_TOKEN) as plex:
            # A reverse proxy's user:password in TAUTULLI_URL: shown masked, never verbatim.
            proxied = tautulli.url.replace("http://", "http://bob:SECRETPW@")
            status, lines = await _check(capsys, proxied, discord.url, plex.url)
    assert lines == [
        f"TAUTULLI_API_KEY: works ({tautulli.url.replace('http://', 'http://bob:***@')})",
        f"DISCORD_TOKEN: works ({discord.url})",
        f"PLEX_TOKEN: works ({plex.url})",
    ]
    assert status == 0


async def test_nothing_listening(capsys: pytest.CaptureFixture[str]) -> None:
    tautulli, discord, plex = closed_url(), closed_url(), closed_url()
    status, lines = await _check(capsys, tautulli, discord, plex)
    docker = " (in Docker, 127.0.0.1 is the bot's own container: use the host's address)"
    assert lines == [
        f"TAUTULLI_API_KEY: does not work: Cannot reach Tautulli at {tautulli}/api/v2: "
        f"check TAUTULLI_URL and that Tautulli is running{docker}",
        f"DISCORD_TOKEN: does not work: Cannot reach Discord at {discord}: {DISCORD_FIX}{docker}",
        f"PLEX_TOKEN: does not work: Cannot reach Plex at {plex}: {PLEX_FIX}{docker}",
    ]
    assert status == 1


async def test_the_samples_localhost_names_the_docker_mistake(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The sample's TAUTULLI_URL, http://localhost:8181, from inside a container."""
    port = closed_url().rsplit(":", 1)[1]
    status, lines = await _check(capsys, f"http://localhost:{port}", closed_url(), closed_url())
    assert lines[0] == (
        f"TAUTULLI_API_KEY: does not work: Cannot reach Tautulli at http://localhost:{port}/api/v2"
        ": check TAUTULLI_URL and that Tautulli is running (in Docker, localhost is the bot's "
        "own container: use the host's address)"
    )
    assert status == 1


async def test_no_answer_is_reported_after_the_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    """(Without the Docker hint: something did listen at 127.0.0.1.)"""
    with silent_url() as tautulli, silent_url() as discord, silent_url() as plex:
        status, lines = await _check(capsys, tautulli, discord, plex)
    assert len(lines) == 3
    assert lines[0].startswith(
        f"TAUTULLI_API_KEY: does not work: Tautulli at {tautulli}/api/v2 did not answer in "
    )
    assert lines[0].endswith(" seconds: it may be busy or stuck")
    assert lines[1:] == [
        f"DISCORD_TOKEN: does not work: Discord at {discord} did not answer in {LIMIT:g} "
        f"seconds: {DISCORD_FIX}",
        f"PLEX_TOKEN: does not work: Plex at {plex} did not answer in {LIMIT:g} seconds: "
        f"{PLEX_FIX}",
    ]
    assert status == 1


@pytest.mark.parametrize(
    ("proxy", "tautulli_says"),
    [
        (
            CannedAnswer(200, LOGIN_PAGE),
            "The answer from {url}/api/v2 is not Tautulli's API: check TAUTULLI_URL "
            "(a reverse proxy's login page or a wrong base path?)",
        ),
        (
            CannedAnswer(302, "", headers={"Location": "/login"}),
            "{url}/api/v2 redirects to {url}/login: "
            "set TAUTULLI_URL to the address Tautulli is really at",
        ),
    ],
    ids=["login page", "redirect to a login page"],
)
async def test_a_login_page_instead_of_the_api(
    capsys: pytest.CaptureFixture[str], proxy: CannedAnswer, tautulli_says: str
) -> None:
    with proxy:
        url = proxy.url
        status, lines = await _check(capsys, url, url, url)
    assert lines == [
        f"TAUTULLI_API_KEY: does not work: {tautulli_says.format(url=url)}",
        f"DISCORD_TOKEN: does not work: The answer from {url} is not Discord's API: "
        "check DISCORD_API_BASE_URL (a login page or a wrong address?)",
        f"PLEX_TOKEN: does not work: The answer from {url} is not Plex's API: "
        "check PLEX_URL (a reverse proxy's login page or a wrong address?)",
    ]
    assert status == 1


async def test_refused_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    async with (
        FakeTautulli(api_key="another-key") as tautulli,
        FakeDiscord(login="refuse") as discord,
    ):
        with FakePlex(token="another-token") as plex:
            status, lines = await _check(capsys, tautulli.url, discord.url, plex.url)
    assert lines == [
        "TAUTULLI_API_KEY: does not work: Tautulli refused the API key: check TAUTULLI_API_KEY",
        "DISCORD_TOKEN: does not work: Discord refused DISCORD_TOKEN: copy the token again "
        "from the Developer Portal (your application > Bot > Reset Token)",
        "PLEX_TOKEN: does not work: Plex refused the token: check PLEX_TOKEN",
    ]
    assert status == 1


async def test_a_server_error(capsys: pytest.CaptureFixture[str]) -> None:
    with CannedAnswer(502, "<html><h1>502 Bad Gateway</h1></html>") as proxy:
        url = proxy.url
        status, lines = await _check(capsys, url, url, url)
    assert lines == [
        "TAUTULLI_API_KEY: does not work: Tautulli failed with HTTP 502 on get_server_info: "
        "see Tautulli's logs",
        "DISCORD_TOKEN: does not work: Discord failed with HTTP 502: try again later",
        "PLEX_TOKEN: does not work: Plex failed with HTTP 502: try again later",
    ]
    assert status == 1


async def test_one_line_each_when_the_services_fail_differently(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Tautulli hangs while Discord works and Plex is down: the lines stay in order."""
    async with FakeDiscord() as discord:
        with silent_url() as tautulli:
            status, lines = await _check(capsys, tautulli, discord.url, closed_url())
    assert len(lines) == 3
    assert lines[0].startswith(f"TAUTULLI_API_KEY: does not work: Tautulli at {tautulli}")
    assert lines[1] == f"DISCORD_TOKEN: works ({discord.url})"
    assert lines[2].startswith("PLEX_TOKEN: does not work: Cannot reach Plex at http://127.0.0.1:")
    assert status == 1


async def test_an_address_httpx_cannot_read_is_one_line_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """(`check` stops at DISCORD_API_BASE_URL before; this is the line for anything else.)"""
    status, lines = await _check(capsys, closed_url(), "http://[::1", closed_url())
    assert lines[1] == (
        "DISCORD_TOKEN: does not work: Unexpected error (InvalidURL): "
        "run it again with --debug for the details"
    )
    assert len(lines) == 3 and status == 1
