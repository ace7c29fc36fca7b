"""End to end: `tgraph-bot render` writes in post.json what the real `tgraph-bot run` sends.

The bot posts its graphs to the fake Discord (which refuses what Discord refuses: over
10 files, 40 components or 4,000 characters, content or embeds beside Components V2) and
sends a member their /my_stats; `render` and `render --user` then write post.json from
the same Tautulli. Each message's JSON must be the one Discord received, but for what
only a running bot can know: the nonce of each send, the command id in the /my_stats
mention, and the second the next post is due."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.discord import MEMBER_ID
from tests.test_e2e_bot import bot_process, stop
from tgraph_bot.cli import main

pytestmark = pytest.mark.slow  # starts processes or renders for real

EMAIL = "Harper.Kim11@mail.example.com"  # a recorded Tautulli user
ONLY_A_BOT_KNOWS = (
    (re.compile(r"</my_stats:\d+>"), "/my_stats"),
    (re.compile(r"<t:\d+:R>"), "<t:…:R>"),
)


def comparable(payload: dict[str, Any]) -> str:
    kept = {k: v for k, v in payload.items() if k not in ("nonce", "enforce_nonce")}
    text = json.dumps(kept, ensure_ascii=False, sort_keys=True, indent=1)
    for pattern, same in ONLY_A_BOT_KNOWS:
        text = pattern.sub(same, text)
    return text


def written(folder: Path) -> list[str]:
    post = json.loads((folder / "post.json").read_text(encoding="utf-8"))
    assert post["layout"] == "gallery"
    return [comparable(m) for m in post["messages"]]


async def render(config: Path, out: Path, *extra: str) -> None:
    argv = ["--config", str(config), "render", "--out", str(out), *extra]
    assert await asyncio.to_thread(main, argv) == 0


@pytest.mark.timeout(240)
async def test_post_json_is_the_post_and_the_dm_the_bot_sends(tmp_path: Path) -> None:
    async with bot_process(tmp_path, last_post=None) as running:
        fake = running.fake
        await fake.wait_for(lambda: len(fake.channel_messages()) == 2, 90)
        record = await fake.invoke("my_stats", user=MEMBER_ID, options={"email": EMAIL})
        await fake.wait_for(lambda: bool(record.followups), 90)
        assert await stop(running) == 0
        config = tmp_path / "config.yml"
        await render(config, tmp_path / "post")
        await render(config, tmp_path / "dm", "--user", EMAIL)
    channel = [comparable(m.payload) for m in fake.channel_messages()]
    dms = [comparable(m.payload) for m in fake.dms_to(MEMBER_ID)]
    assert len(channel) == 2  # a card and 10 graphs, then the other 2 graphs
    assert len(dms) == 1  # a member's 10 graphs (no one else's) fit one message
    assert "Server statistics for the last 30 days" in channel[0]
    assert "Your Plex statistics for the last 30 days" in dms[0]
    assert written(tmp_path / "post") == channel
    assert written(tmp_path / "dm") == dms
