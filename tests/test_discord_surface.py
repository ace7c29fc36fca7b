"""What Discord really does: files that an embed shows are not listed among a message's
attachments, only named by the embed's image URL."""

from __future__ import annotations

import json

import aiohttp

from tests.fakes.discord import CHANNEL_ID, FakeDiscord
from tgraph_bot.adapters.discord.channel import file_name


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
