"""What members see, end to end: the real `tgraph-bot run` process against the fake Discord
and the fake Tautulli, every command in English and in Danish (the member's locale).

The test asserts the structure (the gallery card, images, alt text, the summary's numbers equal to
Tautulli's answers, the member's language) and writes every reply as text to
``$TGRAPH_REPLY_DUMP`` when that is set, for a person to read.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.discord import (
    ADMIN_ID,
    MEMBER_ID,
    FakeDiscord,
    InteractionRecord,
    Sent,
    every_component,
)
from tests.test_e2e_bot import EMAIL, bot_process, stop
from tgraph_bot.i18n import translator

pytestmark = pytest.mark.slow  # starts processes or renders for real

RECORDED = Path(__file__).parent / "fixtures" / "tautulli" / "recorded"

# Words of the English replies that must never reach a Danish one.
ENGLISH_IN_DANISH = (
    re.compile(r"\bnot set\b"),
    re.compile(r"\bnone\b"),
    re.compile(r"(?<!<)/my_stats"),  # typed, not a mention (</my_stats:ID>)
    re.compile(r"\d+h "),
    re.compile(r"\d+min "),
)


# "`MY_STATS_VERIFICATION` none": a setting's value is shown as the file spells it.
SETTING_VALUE = re.compile(r"`[A-Z0-9_]+` [^·]*")


def embed_text(embed: dict[str, Any]) -> list[str]:
    lines = [f"  [embed] {embed.get('title', '')}"]
    if embed.get("description"):
        lines += [f"    {line}" for line in str(embed["description"]).splitlines()]
    for field in embed.get("fields") or []:
        lines.append(f"    · {field['name']}: {field['value']}".replace("\n", " / "))
    if embed.get("image"):
        lines.append(f"    image: {embed['image']['url']}")
    if embed.get("footer"):
        lines.append(f"    footer: {embed['footer']['text']}")
    return lines


def payload_text(payload: dict[str, Any]) -> list[str]:
    data = payload.get("data", payload) or {}
    lines: list[str] = []
    if data.get("content"):
        lines += [f"  {line}" for line in str(data["content"]).splitlines()]
    for embed in data.get("embeds") or []:
        lines += embed_text(embed)
    for attachment in data.get("attachments") or []:
        lines.append(f"  [file] {attachment.get('filename')} alt={attachment.get('description')!r}")
    for item in every_component(list(data.get("components") or [])):
        if item.get("type") == 2:
            lines.append(f"  [button] {item.get('label')} -> {item.get('url', '')}")
        elif item.get("type") == 10:
            lines += [f"  [text] {line}" for line in str(item["content"]).splitlines()]
        elif item.get("type") == 12:
            lines += [f"  [image] {i['media']['url']}" for i in item["items"]]
    return lines


def card_texts(message: Sent) -> list[str]:
    """The text displays of a gallery message's card."""
    return [str(c["content"]) for c in every_component(message.components) if c["type"] == 10]


def gallery_items(message: Sent) -> list[dict[str, Any]]:
    return [i for c in every_component(message.components) if c["type"] == 12 for i in c["items"]]


def record_text(record: InteractionRecord) -> list[str]:
    lines: list[str] = []
    for payload in [*record.callbacks, *record.edits, *record.followups]:
        lines += payload_text(payload)
    return lines


def message_text(messages: list[Sent]) -> list[str]:
    lines: list[str] = []
    for i, message in enumerate(messages, start=1):
        lines.append(
            f" message {i}: {len(gallery_items(message))} gallery items, {len(message.files)} files"
        )
        lines += payload_text(message.payload)
    return lines


def media_sum(name: str) -> int:
    data = json.loads((RECORDED / name).read_text(encoding="utf-8"))["body"]["response"]["data"]
    return round(sum(sum(s["data"]) for s in data["series"] if s["name"] != "Total"))


def check_post_structure(messages: list[Sent]) -> None:
    """The gallery layout (the default): Components V2 messages with no content or embeds;
    one gallery item per image, each an attachment of its message, in order, with the
    attachment's alt text; a card with the summary and a line per graph first."""
    assert messages
    for message in messages:
        assert int(message.payload["flags"]) & (1 << 15)
        assert not message.content and not message.embeds and len(message.files) <= 10
        names = [a["filename"] for a in message.attachments]
        items = gallery_items(message)
        assert [i["media"]["url"] for i in items] == [f"attachment://{n}" for n in names]
        assert [i["description"] for i in items] == [a["description"] for a in message.attachments]
        assert sorted(names) == sorted(f for f, _ in message.files)
        assert all(a.get("description") for a in message.attachments)
    first = card_texts(messages[0])
    assert len(first) == 2 and len(first[1].splitlines()) == sum(len(m.files) for m in messages)


async def run(
    fake: FakeDiscord, name: str, user: int, locale: str, **options: Any
) -> InteractionRecord:
    record = await fake.invoke(name, user=user, options=options, locale=locale)
    await fake.wait_for(
        lambda: (
            bool(record.callbacks)
            and (record.callbacks[0].get("type") != 5 or bool(record.followups or record.edits))
        ),
        90,
    )
    return record


@pytest.mark.timeout(300)
async def test_every_reply_in_both_languages(tmp_path: Path) -> None:
    dump: list[str] = []
    async with bot_process(tmp_path, last_post=None) as running:
        fake = running.fake
        # The first start posts at once (POST_ON_START: true): the scheduled post.
        await fake.wait_for(lambda: sum(len(m.files) for m in fake.channel_messages()) >= 12, 120)
        post = fake.channel_messages()
        check_post_structure(post)
        summary = card_texts(post[0])[0]
        assert [len(gallery_items(m)) for m in post] == [10, 2]
        plays = media_sum("get_plays_by_date__time_range-30.json")
        assert re.search(rf"^\*\*Plays\*\*: {translator('en').number(plays)}\b", summary, re.M)
        home = json.loads((RECORDED / "get_home_stats__30.json").read_text())["body"]["response"][
            "data"
        ]
        top_tv = next(s for s in home if s["stat_id"] == "top_tv")["rows"][0]["title"]
        assert f"**TV**: {top_tv} (" in summary
        assert re.search(r"Next post <t:\d+:R>", summary)
        assert re.search(r"</my_stats:\d+>", summary)
        dump += ["== graph post (scheduled, LANGUAGE en)", *message_text(post)]

        for locale, language in (("en-US", "en"), ("da", "da")):
            replies: list[str] = []
            for name, user, options in (
                ("help", MEMBER_ID, {}),
                ("about", MEMBER_ID, {}),
                ("uptime", MEMBER_ID, {}),
                ("ranking", MEMBER_ID, {}),
                ("camera", MEMBER_ID, {}),
                ("config view", ADMIN_ID, {}),
                ("config view", ADMIN_ID, {"key": "POST_LAYOUT"}),
                ("link list", ADMIN_ID, {}),
            ):
                record = await run(fake, name, user, locale, **options)
                text = record_text(record)
                dump += [f"== /{name} {options or ''} ({locale})", *text]
                replies += text
            before = len(fake.dms_to(ADMIN_ID))
            # The reply follows the DMs: once it is there, so are they.
            stats = await run(fake, "my_stats", ADMIN_ID, locale, email=EMAIL, days=7)
            dms = fake.dms_to(ADMIN_ID)[before:]
            check_post_structure(dms)
            dump += [
                f"== /my_stats days:7 ({locale})",
                *record_text(stats),
                " DM:",
                *message_text(dms),
            ]
            replies += record_text(stats) + message_text(dms)
            # The card's heading, each graph's line (its title, then its number) and each
            # alt text all speak to the member.
            heading, lines = card_texts(dms[0])
            titles = [heading.splitlines()[0].removeprefix("### ")]
            titles += [line.removeprefix("**") for line in lines.splitlines()]
            titles += [a["description"] for m in dms for a in m.attachments]
            if language == "da":
                assert titles[0] == "Din Plex-statistik for de seneste 7 dage"
                assert all(t.startswith(("Din", "Dine", "Dit")) for t in titles), titles
                found = [
                    (p.pattern, line)
                    for line in replies
                    for p in ENGLISH_IN_DANISH
                    if p.search(SETTING_VALUE.sub("", line))
                ]
                assert found == []
            else:
                assert titles[0] == "Your Plex statistics for the last 7 days"
                assert all(t.startswith("Your") for t in titles), titles
            # The graphs about other users are not in anyone's own stats.
            assert not any("users" in a["filename"] for m in dms for a in m.attachments)

        # /update_graphs in Danish: the reply is the admin's language, the post LANGUAGE's.
        update = await run(fake, "update_graphs", ADMIN_ID, "da")
        await fake.wait_for(lambda: any("discord.com/channels" in t for t in update.texts()), 120)
        dump += ["== /update_graphs (da)", *record_text(update)]
        assert await stop(running) == 0
    text = running.log.read_text(encoding="utf-8")
    assert (
        "invite link (the permissions it needs): https://discord.com/oauth2/authorize?client_id="
        in text
    )
    assert "permissions=125952" in text
    target = os.environ.get("TGRAPH_REPLY_DUMP")
    if target:
        await asyncio.to_thread(Path(target).write_text, "\n".join(dump) + "\n", "utf-8")
