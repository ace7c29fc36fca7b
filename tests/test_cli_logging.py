"""The log the owner reads in `docker logs`: no line per HTTP request."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.local_http import CannedAnswer
from tgraph_bot.cli import CHATTY_LIBRARIES, _set_up_logging  # pyright: ignore[reportPrivateUsage]


@pytest.fixture
def library_levels() -> Iterator[None]:
    """The set-up changes process-wide loggers: put them back for the other tests."""
    saved = {name: logging.getLogger(name).level for name in CHATTY_LIBRARIES}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def _requests_logged(caplog: pytest.LogCaptureFixture, url: str) -> list[str]:
    caplog.clear()
    httpx.get(url)
    return [r.getMessage() for r in caplog.records if r.name.startswith(CHATTY_LIBRARIES)]


def test_http_requests_are_not_logged_one_line_each(
    caplog: pytest.LogCaptureFixture, library_levels: None
) -> None:
    caplog.set_level(logging.DEBUG)
    with CannedAnswer(200, "ok") as server:
        assert _requests_logged(caplog, server.url)  # httpx's own default: a line a request
        _set_up_logging(logging.INFO)  # as `tgraph-bot run` sets it up
        assert _requests_logged(caplog, server.url) == []
        logging.getLogger("tgraph_bot").info("the bot's own lines still show")
        assert "the bot's own lines still show" in caplog.text
