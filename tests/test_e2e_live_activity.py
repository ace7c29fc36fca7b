"""End to end: the live "Now playing" message of the real `tgraph-bot run` process, against
the fake Discord and the fake Tautulli (its own process, switched down and up again through
its control port), through an outage, the recovery and a SIGTERM.

The message is refreshed every second; the test waits for what the message says, never for
a time, and checks the order of the edits: the streams stay (marked) while Tautulli cannot
be reached, the first refresh after it answers again shows it, and the stop is said last.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.discord import CHANNEL_ID, FakeDiscord, Sent
from tests.test_e2e_bot import bot_process, stop

pytestmark = pytest.mark.slow  # starts processes or renders for real

UPDATED = re.compile(r"Updated <t:(\d+):R>")
DOWN = re.compile(r"Tautulli cannot be reached right now\. Last updated <t:(\d+):R>\.")
STOPPED = re.compile(
    r"The bot has stopped: this message is no longer updated\. Last updated <t:(\d+):R>\."
)
ORANGE, GREY = 0xE67E22, 0x979C9F  # discord.Colour.orange(), .light_grey()

LIVE = f"""PLEX_ENABLED: true
# Nothing listens there: the live message needs only Tautulli.
PLEX_URL: "http://127.0.0.1:9"
PLEX_TOKEN: "e2e-plex-token"
PLAYLIST_SYNC_HOURS: 0
ACTIVITY_CHANNEL_ID: {CHANNEL_ID}
ACTIVITY_REFRESH_SECONDS: 1
"""


def live(fake: FakeDiscord) -> Sent | None:
    """The live message: the one message in the channel (no graph post is due)."""
    found = fake.channel_messages()
    assert len(found) <= 1, [m.payload for m in found]
    return found[0] if found else None


def embed(payload: dict[str, Any]) -> dict[str, Any]:
    (shown,) = payload["embeds"]
    return shown


def says(pattern: re.Pattern[str], fake: FakeDiscord) -> bool:
    message = live(fake)
    return message is not None and bool(pattern.fullmatch(embed(message.payload)["description"]))


def stamp(pattern: re.Pattern[str], payload: dict[str, Any]) -> int | None:
    found = pattern.fullmatch(embed(payload).get("description") or "")
    return int(found.group(1)) if found else None


def field_names(payload: dict[str, Any]) -> list[str]:
    return [f["name"] for f in embed(payload).get("fields") or []]


@pytest.mark.timeout(180)
async def test_the_live_message_through_an_outage_a_recovery_and_a_stop(tmp_path: Path) -> None:
    async with bot_process(tmp_path, last_post=datetime.now(UTC), settings=LIVE) as running:
        fake = running.fake
        # Shown, then refreshed in place at least once: "Updated <t:…:R>", three streams.
        await fake.wait_for(lambda: (m := live(fake)) is not None and len(m.edits) >= 1, 60)
        message = live(fake)
        assert message is not None
        await fake.wait_for(lambda: says(UPDATED, fake), 30)
        streams = field_names(message.payload)
        assert len(streams) == 3 and embed(message.payload)["color"] == ORANGE

        await running.tautulli.set_mode("down")
        await fake.wait_for(lambda: says(DOWN, fake), 30)
        went_down = len(message.edits)
        await fake.wait_for(lambda: len(message.edits) > went_down, 30)  # and stays down
        down = message.payload
        assert field_names(down) == streams  # the last streams read stay, marked
        assert embed(down)["color"] == GREY
        history = [e for e in message.edits if "embeds" in e]
        first_down = next(i for i, e in enumerate(history) if stamp(DOWN, e) is not None)
        last_read = stamp(UPDATED, history[first_down - 1])
        assert last_read is not None and stamp(DOWN, down) == last_read

        await running.tautulli.set_mode("ok")
        back = len(message.edits)
        await fake.wait_for(lambda: says(UPDATED, fake), 30)
        after = [e for e in message.edits[back:] if "embeds" in e]
        recovered = next(i for i, e in enumerate(after) if stamp(UPDATED, e) is not None)
        # Within one refresh: at most the refresh already under way still says "down".
        assert recovered <= 1, [embed(e)["description"] for e in after]
        assert embed(message.payload)["color"] == ORANGE
        assert field_names(message.payload) == streams
        updated = stamp(UPDATED, message.payload)
        assert updated is not None and updated >= last_read

        assert await stop(running) == 0
    final = embed(message.payload)
    when = stamp(STOPPED, message.payload)
    assert when is not None and when >= updated, final["description"]
    assert not final.get("fields") and final["color"] == GREY
    assert live(fake) is message  # edited in place all along, never posted twice
