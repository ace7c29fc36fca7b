"""The log the owner reads in `docker logs`: no line per HTTP request."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.fakes.local_http import CannedAnswer
from tgraph_bot.cli import CHATTY_LIBRARIES, _set_up_logging  # pyright: ignore[reportPrivateUsage]


def _requests_logged(caplog: pytest.LogCaptureFixture, url: str) -> list[str]:
    caplog.clear()
    httpx.get(url)
    return [r.getMessage() for r in caplog.records if r.name.startswith(CHATTY_LIBRARIES)]


def test_http_requests_are_not_logged_one_line_each(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with CannedAnswer(200, "ok") as server:
        assert _requests_logged(caplog, server.url)  # httpx's own default: a line a request
        _set_up_logging(logging.INFO)  # as `tgraph-bot run` sets it up
        assert _requests_logged(caplog, server.url) == []
        logging.getLogger("tgraph_bot").info("the bot's own lines still show")
        assert "the bot's own lines still show" in caplog.text
