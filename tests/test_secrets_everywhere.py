"""No secret reaches any output: marker secrets (every secret key, and a password inside each
configured URL) go through every command of the real ``tgraph-bot`` process, with and
without --debug (debug logs and their tracebacks included), and appear nowhere in what it
prints. The services are down, refuse or answer a login page, so every error path that
names a URL is taken. Then the one mask itself, with the configured secrets, in a log
record's traceback and in a Discord error reply."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.fakes.local_http import CannedAnswer, closed_url
from tests.fakes.tautulli import LOGIN_PAGE, FakeTautulli
from tests.test_startup import _finish, _spawn
from tgraph_bot.adapters.discord.tree import error_reply
from tgraph_bot.config.display import MaskSecretsFilter, hide_configured_secrets, mask_secrets
from tgraph_bot.config.schema import Settings
from tgraph_bot.errors import PlexUnreachable, UserFacingError
from tgraph_bot.i18n import translator

pytestmark = pytest.mark.slow

MARKER = "SECRETMARK"
PASSWORD = "SECRETPWD"
SECRETS = {
    "TAUTULLI_API_KEY": f"{MARKER}-tautulli-key",
    "DISCORD_TOKEN": f"{MARKER}-discord-token",
    "PLEX_TOKEN": f"{MARKER}-plex-token",
    "DISCOGS_TOKEN": f"{MARKER}-discogs-token",
}


def _with_password(url: str) -> str:
    return url.replace("http://", f"http://owner:{PASSWORD}@")


def _config(folder: Path, tautulli: str, discord: str, plex: str) -> Path:
    """A configuration whose URLs hold a password (and a key or token in their query)."""
    folder.mkdir()
    config = folder / "config.yml"
    config.write_text(
        f'TAUTULLI_URL: "{_with_password(tautulli)}/?apikey={SECRETS["TAUTULLI_API_KEY"]}"\n'
        f'DISCORD_API_BASE_URL: "{discord}"\n'
        "PLEX_ENABLED: true\n"
        f'PLEX_URL: "{_with_password(plex)}/?X-Plex-Token={SECRETS["PLEX_TOKEN"]}"\n'
        "CHANNEL_ID: 42\n"
        f'DATA_DIR: "{folder / "data"}"\n',
        encoding="utf-8",
    )
    return config


async def _tgraph(config: Path, *args: str) -> tuple[int, str]:
    """Run one command as a person does: its status and everything it printed."""
    # One Discord login attempt: run retries an unreachable Discord for 15 minutes otherwise.
    env = {**SECRETS, "TGRAPH_LOGIN_PATIENCE_SECONDS": "0"}
    return await _finish(await _spawn("--config", str(config), *args, env=env))


COMMANDS: list[tuple[str, ...]] = [
    ("check",),
    ("check", "--online"),
    ("config", "get"),
    ("config", "get", "TAUTULLI_URL"),
    ("config", "get", "PLEX_URL"),
    ("config", "set", "UPDATE_DAYS", "-3"),
    ("config", "set", "NO_SUCH_KEY", "1"),
    ("config", "set", "DISCORD_API_BASE_URL", f"ftp://owner:{PASSWORD}@example.org"),
    ("render", "--out"),  # + the folder to write to
    ("plex", "usage"),
    ("plex", "sync-playlists"),
    ("plex", "completion", "Some Artist"),
    ("run",),
]


async def _every_command(config: Path) -> dict[str, tuple[int, str]]:
    out = str(config.parent / "graphs")
    commands = [(*c, out) if c[0] == "render" else c for c in COMMANDS]
    runs = [(*debug, *command) for command in commands for debug in ((), ("--debug",))]
    done = await asyncio.gather(*(_tgraph(config, *args) for args in runs))
    named = (" ".join(args).removesuffix(f" {out}") for args in runs)
    return dict(zip(named, done, strict=True))


def _assert_no_secret(results: dict[str, tuple[int, str]]) -> None:
    for command, (_, output) in results.items():
        assert MARKER not in output, f"`{command}` printed a secret:\n{output}"
        assert PASSWORD not in output, f"`{command}` printed a URL password:\n{output}"
        assert "Traceback" not in output or "--debug" in command, f"`{command}`:\n{output}"


async def test_no_secret_in_any_output_while_every_service_is_down(tmp_path: Path) -> None:
    tautulli, discord, plex = closed_url(), closed_url(), closed_url()
    results = await _every_command(_config(tmp_path / "down", tautulli, discord, plex))
    _assert_no_secret(results)
    for debug in ("", "--debug "):
        status, online = results[f"{debug}check --online"]
        lines = [line for line in online.splitlines() if " DEBUG " not in line]
        docker = " (in Docker, 127.0.0.1 is the bot's own container: use the host's address)"
        assert lines[1:] == [
            f"TAUTULLI_API_KEY: does not work: Cannot reach Tautulli at {tautulli}/api/v2: "
            f"check TAUTULLI_URL and that Tautulli is running{docker}",
            f"DISCORD_TOKEN: does not work: Cannot reach Discord at {discord}: check this "
            f"machine's network connection (and DISCORD_API_BASE_URL, if set){docker}",
            f"PLEX_TOKEN: does not work: Cannot reach Plex at {_with_password(plex)}/"
            f"?X-Plex-Token=***: check PLEX_URL and that Plex is running{docker}".replace(
                PASSWORD, "***"
            ),
        ], online
        assert status == 1
    assert (
        f"TAUTULLI_URL: {_with_password(tautulli)}/?apikey=***".replace(PASSWORD, "***")
        in results["config get"][1]
    )
    status, run = results["run"]
    assert (status, run.splitlines()[-1]) == (
        5,
        f"Cannot reach Discord at {discord}: check "
        "this machine's network connection (and DISCORD_API_BASE_URL, if set)",
    )
    status, plex_out = results["plex sync-playlists"]
    assert status == 1 and "Cannot reach Plex at http://owner:***@127.0.0.1:" in plex_out


async def test_no_secret_in_any_output_when_services_refuse_or_answer_a_login_page(
    tmp_path: Path,
) -> None:
    async with FakeTautulli(api_key="another-key") as tautulli:
        with CannedAnswer(200, LOGIN_PAGE) as proxy:
            config = _config(tmp_path / "refused", tautulli.url, proxy.url, proxy.url)
            results = await _every_command(config)
    _assert_no_secret(results)
    status, online = results["check --online"]
    assert status == 1
    assert online.splitlines()[1:3] == [
        "TAUTULLI_API_KEY: does not work: Tautulli refused the API key: check TAUTULLI_API_KEY",
        f"DISCORD_TOKEN: does not work: The answer from {proxy.url} is not Discord's API: "
        "check DISCORD_API_BASE_URL (a login page or a wrong address?)",
    ]
    assert online.splitlines()[3].startswith(
        "PLEX_TOKEN: does not work: The answer from http://owner:***@127.0.0.1:"
    )
    status, run = results["run"]
    assert (status, run.splitlines()[-1]) == (
        5,
        f"The answer from {proxy.url} is not Discord's API: check DISCORD_API_BASE_URL "
        "(a login page or a wrong address?)",
    )
    status, plex = results["plex sync-playlists"]
    assert status == 1 and "is not Plex's API: check PLEX_URL" in plex, plex


@pytest.mark.parametrize(
    ("address", "shown", "problem"),
    [
        (
            f"http://owner:{PASSWORD}@127.0.0.1:9",
            "http://owner:***@127.0.0.1:9",
            "must not hold a user name or password: Discord takes only the bot's token",
        ),
        ("http://[::1", "http://[::1", "not a URL: use http://host:port or https://host"),
    ],
    ids=["password", "unreadable"],
)
async def test_a_discord_address_discord_py_cannot_use_is_one_masked_line(
    tmp_path: Path, address: str, shown: str, problem: str
) -> None:
    """discord.py would fail on either with a traceback (aiohttp refuses credentials in
    the URL next to the token; urllib cannot split the other)."""
    config = _config(tmp_path / "proxy", closed_url(), closed_url(), closed_url())
    text = config.read_text(encoding="utf-8").splitlines()
    text = [f'DISCORD_API_BASE_URL: "{address}"' if "DISCORD_API" in t else t for t in text]
    config.write_text("\n".join(text) + "\n", encoding="utf-8")
    for command in ("run", "check"):
        status, output = await _tgraph(config, command)
        assert (status, output.strip()) == (1, f"DISCORD_API_BASE_URL = '{shown}': {problem}")
        assert PASSWORD not in output and MARKER not in output


# -- the mask itself --------------------------------------------------------------------------


def _settings(**secrets: str) -> Settings:
    return Settings.model_validate({key: SecretStr(value) for key, value in secrets.items()})


def test_the_configured_secrets_are_masked_wherever_they_appear() -> None:
    settings = _settings(**SECRETS)
    text = "; ".join(f"{key} is {value}" for key, value in SECRETS.items())
    hide_configured_secrets(lambda: settings)
    try:
        masked = mask_secrets(text + " and in a URL: http://h/x%2F" + SECRETS["PLEX_TOKEN"])
    finally:
        hide_configured_secrets(None)
    assert MARKER not in masked
    assert masked.startswith("TAUTULLI_API_KEY is ***; DISCORD_TOKEN is ***;")
    assert mask_secrets(text) == text  # only while a configuration is named


def test_the_sentence_around_a_masked_parameter_keeps_its_punctuation() -> None:
    assert mask_secrets("works (http://h/?apikey=abc123)") == "works (http://h/?apikey=***)"
    assert (
        mask_secrets("at http://h/?X-Plex-Token=t0k: check")
        == "at http://h/?X-Plex-Token=***: check"
    )
    assert mask_secrets("?token=a)b.c and") == "?token=*** and"  # inside the value: masked
    assert mask_secrets("?apikey=" + ":" * 100_000) == "?apikey=***" + ":" * 3  # no trap


def test_a_secret_too_short_to_be_a_real_one_leaves_words_alone() -> None:
    settings = _settings(TAUTULLI_API_KEY="key", DISCORD_TOKEN="the")
    hide_configured_secrets(lambda: settings)
    try:
        assert mask_secrets("the key is refused") == "the key is refused"
    finally:
        hide_configured_secrets(None)


def test_the_log_filter_masks_tracebacks_too(caplog: pytest.LogCaptureFixture) -> None:
    settings = _settings(DISCORD_TOKEN=SECRETS["DISCORD_TOKEN"])
    hide_configured_secrets(lambda: settings)
    caplog.handler.addFilter(MaskSecretsFilter())
    try:
        try:
            raise RuntimeError(
                f"login failed for http://u:{PASSWORD}@h with {SECRETS['DISCORD_TOKEN']}"
            )
        except RuntimeError:
            logging.getLogger("tests.secrets").exception("token %s", SECRETS["DISCORD_TOKEN"])
    finally:
        caplog.handler.removeFilter(caplog.handler.filters[-1])
        hide_configured_secrets(None)
    assert "RuntimeError: login failed for http://u:***@h with ***" in caplog.text
    assert MARKER not in caplog.text and PASSWORD not in caplog.text


def test_a_discord_error_reply_masks_what_the_error_names() -> None:
    settings = _settings(PLEX_TOKEN=SECRETS["PLEX_TOKEN"])
    hide_configured_secrets(lambda: settings)
    try:
        error = PlexUnreachable(url=f"http://owner:{PASSWORD}@plex.lan:32400")
        # An admin reads the cause, which names the address (a member reads a plain sentence).
        text, error_id = error_reply(error, translator("en"), 0.0, admin=True)
        leaked, _ = error_reply(
            UserFacingError(SECRETS["PLEX_TOKEN"]), translator("en"), 0.0, admin=True
        )
    finally:
        hide_configured_secrets(None)
    assert text.startswith("Cannot reach Plex at http://owner:***@plex.lan:32400: check PLEX_URL")
    assert (error_id, leaked) == (None, "***")


async def test_an_unforeseen_failure_is_one_line_and_its_traceback_is_masked(
    tmp_path: Path,
) -> None:
    """A TAUTULLI_URL httpx cannot read (the schema lets it through): no UserFacingError
    foresees it, and still one line (the traceback only with --debug, masked)."""
    config = _config(tmp_path / "unforeseen", "http://[::1", closed_url(), closed_url())
    status, output = await _tgraph(config, "plex", "usage")
    assert (status, output.strip()) == (
        1,
        "Unexpected error (InvalidURL): run it again with --debug for the details",
    )
    status, output = await _tgraph(config, "--debug", "plex", "usage")
    assert status == 1 and "Traceback" in output and "httpx.InvalidURL" in output
    assert MARKER not in output and PASSWORD not in output
