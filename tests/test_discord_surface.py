"""What Discord really does, and the bot living with it: the fake Discord refuses what
Discord refuses (message limits), the bot fits every reply to them first, and what Discord
refuses anyway (a reply, the command sync) or sends that the library cannot read is logged
in one line while the bot runs on."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import aiohttp
import discord
import discord.gateway
import discord.http
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fakes.discord import ADMIN_ID, CHANNEL_ID, GUILD_ID, FakeDiscord, message_errors
from tests.live_bot import Live
from tests.test_e2e_bot import bot_process, stop
from tgraph_bot.adapters.discord.channel import file_name
from tgraph_bot.adapters.discord.limits import fit_content, fit_embeds

# -- the fake refuses what Discord refuses -------------------------------------------------


async def post(fake: FakeDiscord, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.url}/api/v10/channels/{CHANNEL_ID}/messages", json=payload) as r,
    ):
        return r.status, await r.json()


def embed(**texts: Any) -> dict[str, Any]:
    return {"title": "t", **texts}


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [embed(title="x" * 257)]}, "embeds"),
        ({"embeds": [embed(description="x" * 4097)]}, "embeds"),
        ({"embeds": [embed(fields=[{"name": "n", "value": "x" * 1025}])]}, "embeds"),
        ({"embeds": [embed(fields=[{"name": "x" * 257, "value": "v"}])]}, "embeds"),
        ({"embeds": [embed(fields=[{"name": "n", "value": "v"}] * 26)]}, "embeds"),
        ({"embeds": [embed(footer={"text": "x" * 2049})]}, "embeds"),
        ({"embeds": [embed(author={"name": "x" * 257})]}, "embeds"),
        ({"embeds": [embed()] * 11}, "embeds"),
        ({"embeds": [embed(description="x" * 3000)] * 2 + [embed()]}, "embeds"),  # 6,003
        ({"flags": 1 << 15, "content": "hi", "components": []}, "content"),
        (
            {"flags": 1 << 15, "components": [{"type": 10, "content": "x" * 4001}]},
            "components",
        ),
        (
            {
                "flags": 1 << 15,
                "components": [{"type": 17, "components": [{"type": 14}] * 40}],
            },
            "components",
        ),
    ],
)
async def test_a_message_over_a_limit_is_refused_as_discord_does(
    payload: dict[str, Any], where: str
) -> None:
    async with FakeDiscord() as fake:
        status, body = await post(fake, payload)
        assert (status, body["code"]) == (400, 50035)
        assert where in body["errors"]
        assert fake.channel_messages() == []


async def test_a_message_at_every_limit_is_accepted() -> None:
    fields = [{"name": "n" * 256, "value": "v" * 1024}] * 4
    at_limits = [
        embed(title="x" * 256, description="d" * 600, fields=fields, footer={"text": "f" * 18}),
        embed(title=None, description="d" * 6),
    ]
    assert message_errors({"embeds": at_limits}) == {}  # 6,000 exactly
    async with FakeDiscord() as fake:
        status, _ = await post(fake, {"content": "c" * 2000, "embeds": at_limits})
        assert status == 200


async def test_files_an_embed_shows_are_not_listed_among_the_attachments() -> None:
    """Discord lists a file as an attachment only when no embed shows it; the embed's
    image then carries the file's CDN address."""
    async with FakeDiscord() as fake, aiohttp.ClientSession() as session:
        form = aiohttp.FormData()
        payload = {"embeds": [{"title": "Plays", "image": {"url": "attachment://plays.png"}}]}
        form.add_field("payload_json", json.dumps(payload), content_type="application/json")
        for i, name in enumerate(("plays.png", "extra.png")):
            form.add_field(f"files[{i}]", b"\x89PNG", filename=name)
        async with session.post(f"{fake.url}/api/v10/channels/{CHANNEL_ID}/messages", data=form):
            pass
        [sent] = fake.channel_messages()
        returned = fake.as_returned(sent.id)
        assert [a["filename"] for a in returned["attachments"]] == ["extra.png"]
        url = returned["embeds"][0]["image"]["url"]
        assert "/plays.png?" in url and file_name(url) == "plays.png"


def test_a_file_is_named_by_an_embed_image_url_as_sent_or_as_discord_answers() -> None:
    assert file_name("attachment://top_users.png") == "top_users.png"
    cdn = "https://cdn.discordapp.com/attachments/1/2/daily%20play.png?ex=1&is=2&hm=3"
    assert file_name(cdn) == "daily play.png"


# -- the bot fits what it sends --------------------------------------------------------------

texts = st.text(alphabet="ab …\n", max_size=7000)
fields = st.lists(st.tuples(texts, texts), max_size=30)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, texts, fields, texts, texts), min_size=1, max_size=12), texts)
def test_fitted_embeds_and_content_are_never_refused(
    specs: list[tuple[str, str, list[tuple[str, str]], str, str]], content: str
) -> None:
    embeds: list[discord.Embed] = []
    for title, description, items, footer, author in specs:
        made = discord.Embed(title=title or None, description=description or None)
        for name, value in items:
            made.add_field(name=name or "n", value=value or "v")
        if footer:
            made.set_footer(text=footer)
        if author:
            made.set_author(name=author)
        embeds.append(made)
    payload = {"content": fit_content(content), "embeds": [e.to_dict() for e in fit_embeds(embeds)]}
    assert message_errors(payload) == {}


def test_a_text_within_its_limit_is_kept_and_one_over_it_ends_in_an_ellipsis() -> None:
    short = discord.Embed(title="Plays", description="12 plays")
    short.add_field(name="Value", value="`KEY` value")
    assert fit_embeds([short])[0].to_dict() == short.to_dict()
    [long] = fit_embeds([discord.Embed(title="T", description="x" * 5000)])
    assert long.description is not None and len(long.description) == 4096
    assert long.description.endswith("…")
    assert fit_content("y" * 2500).endswith("…") and len(fit_content("y" * 2500)) == 2000


# -- against the fake, end to end -----------------------------------------------------------


async def test_config_view_of_a_6000_character_value_is_clipped_not_refused(live: Live) -> None:
    live.store.set("TOP_RATED_PLAYLIST", "p" * 6000, from_discord=True)
    record = await live.fake.invoke(
        "config view", user=ADMIN_ID, options={"key": "TOP_RATED_PLAYLIST"}
    )
    await live.fake.wait_for(lambda: bool(record.callbacks))
    assert record.refusals == []
    [shown] = record.callbacks[0]["data"]["embeds"]
    value = next(f["value"] for f in shown["fields"] if f["name"] == "Value")
    assert len(value) <= 1024 and value.endswith("p… · *changed*")


async def test_config_view_of_all_settings_shows_every_key_beside_a_6000_character_value(
    live: Live,
) -> None:
    live.store.set("TOP_RATED_PLAYLIST", "p" * 6000, from_discord=True)
    record = await live.fake.invoke("config view", user=ADMIN_ID)
    await live.fake.wait_for(lambda: bool(record.callbacks))
    await live.fake.wait_for(lambda: any("`DATA_DIR`" in t for t in record.shown()))
    assert record.refusals == []
    shown = "\n".join(record.shown())
    assert "`PLAYLIST_SYNC_HOURS`" in shown  # listed after the long value, in its section
    assert "p" * 299 + "…" in shown and "p" * 301 not in shown


async def test_a_reply_discord_refuses_anyway_is_logged_and_answered(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    live.fake.refuse_first_reply.add("about")
    with caplog.at_level(logging.INFO):
        record = await live.fake.invoke("about", user=ADMIN_ID)
        await live.fake.wait_for(lambda: bool(record.callbacks))
    assert len(record.refusals) == 1
    assert record.callbacks[0]["data"]["content"].startswith("Sorry, Discord refused my reply")
    [line] = [r.getMessage() for r in caplog.records if "refused the reply" in r.getMessage()]
    assert line.startswith("Discord refused the reply to /about (HTTP 400, code 50035)")
    assert not any(r.exc_info for r in caplog.records if r.levelno >= logging.ERROR)


async def test_a_gateway_event_the_library_cannot_read_is_logged_and_the_bot_runs_on(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        # A voice state without its user_id: discord.py's parser raises KeyError on it.
        await live.fake.send_dispatch(
            "VOICE_STATE_UPDATE", {"guild_id": str(GUILD_ID), "channel_id": None}
        )
        record = await live.fake.invoke("about", user=ADMIN_ID)  # still connected, answering
        await live.fake.wait_for(lambda: bool(record.callbacks))
    [line] = [r.getMessage() for r in caplog.records if "cannot read" in r.getMessage()]
    assert "VOICE_STATE_UPDATE" in line and "KeyError" in line
    assert live.fake.identified == 1 and not live.bot.is_closed()


@pytest.mark.slow  # the real `tgraph-bot run` process
@pytest.mark.timeout(180)
async def test_a_refused_sync_and_an_unreadable_event_are_one_line_each_and_the_bot_runs_on(
    tmp_path: Path,
) -> None:
    """The real `tgraph-bot run`: Discord refuses the commands (a bad Danish name, say);
    the commands registered before stay, and the graphs are posted all the same. Then an
    event the library cannot read arrives: one line, and the bot still answers."""
    async with FakeDiscord() as fake:
        before = [{"id": "1", "name": "about", "type": 1, "description": "About"}]
        fake.commands = list(before)
        fake.refuse_command_sync = "Command name is invalid"
        async with bot_process(tmp_path, last_post=None, fake=fake) as running:
            await fake.wait_for(
                lambda: sum(len(m.files) for m in fake.channel_messages()) == 12, 90
            )
            assert fake.commands == before
            await fake.send_dispatch("VOICE_STATE_UPDATE", {"guild_id": str(GUILD_ID)})
            record = await fake.invoke("about", user=ADMIN_ID)
            await fake.wait_for(lambda: bool(record.callbacks), 30)
            assert await stop(running) == 0
        log = running.log.read_text(encoding="utf-8")
    [line] = [line for line in log.splitlines() if "refused the slash commands" in line]
    assert "(HTTP 400, code 50035)" in line and "Command name is invalid" in line
    [line] = [line for line in log.splitlines() if "cannot read" in line]
    assert "VOICE_STATE_UPDATE" in line
    assert "Traceback" not in log
