"""/update_graphs and /my_stats through the real discord.py against simcord."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from tests.discord_env import World


def _deferred_first(world: World) -> bool:
    """The first answer to the interaction was a deferral (type 5), within Discord's 3 s."""
    callbacks = [r for r in world.env.http_requests if r.path.endswith("/callback")]
    return (
        bool(callbacks)
        and isinstance(callbacks[0].json, dict)
        and callbacks[0].json.get("type") == 5
    )


def _texts(result: object) -> list[str]:
    from simcord.results import InteractionResult

    assert isinstance(result, InteractionResult)
    texts = [result.response.content] if result.response else []
    return texts + [f.content for f in result.followups]


def _card_texts(message: discord.Message) -> list[str]:
    """The text displays of a Components V2 message's cards."""
    return [
        child.content
        for card in message.components
        if isinstance(card, discord.components.Container)
        for child in card.children
        if isinstance(child, discord.components.TextDisplay)
    ]


def _gallery(message: discord.Message) -> list[tuple[str, str | None]]:
    """Each media gallery item of a Components V2 message's cards: its URL and alt text."""
    return [
        (item.media.url, item.description)
        for card in message.components
        if isinstance(card, discord.components.Container)
        for child in card.children
        if isinstance(child, discord.components.MediaGalleryComponent)
        for item in child.items
    ]


def _assert_gallery_post(messages: list[discord.Message], heading: str) -> None:
    """The gallery layout: Components V2, a card headed ``heading`` with a line per graph,
    then the twelve graphs as gallery items (10 and 2) showing their attachments in order,
    each with the attachment's alt text."""
    assert all(m.flags.value & (1 << 15) for m in messages)
    assert all(m.content == "" and m.embeds == [] for m in messages)
    first = _card_texts(messages[0])
    assert first[0].startswith(f"### {heading}")
    assert len(first[1].splitlines()) == 12  # a line per graph
    assert [_card_texts(m) for m in messages[1:]] == [[]]
    assert [len(_gallery(m)) for m in messages] == [10, 2]
    for message in messages:
        alt = {a.filename: a.description for a in message.attachments}
        # Discord answers with the file's CDN address where the bot sent attachment://
        assert [(url.rpartition("/")[2], text) for url, text in _gallery(message)] == list(
            alt.items()
        )
        assert all(alt.values())


async def test_update_graphs_posts_a_gallery_by_default(world: World) -> None:
    result = await world.admin.slash(world.channel, "update_graphs")
    history = sorted(world.channel.history(), key=lambda m: m.id)
    _assert_gallery_post(history, "Server statistics for the last 30 days (")
    assert _texts(result)[0].startswith("Posted 12 graphs: https://discord.com/channels/")


async def test_update_graphs_posts_and_links_the_post(world: World) -> None:
    world.store.set("POST_LAYOUT", "embeds")
    result = await world.admin.slash(world.channel, "update_graphs")
    assert _deferred_first(world) and result.ephemeral
    history = world.channel.history()
    images = [a for m in history for a in m.attachments]
    assert len(images) == 12
    assert max(len(m.attachments) for m in history) <= 10
    assert all(a.filename.endswith(".png") for a in images)
    assert any(m.content.startswith("Server statistics for the last 30 days") for m in history)
    for message in history:  # each graph an embed showing its own attachment, with alt text
        assert len(message.embeds) == len(message.attachments)
        assert {e.image.url for e in message.embeds} == {
            f"attachment://{a.filename}" for a in message.attachments
        }
        assert all(a.description for a in message.attachments)
    text = _texts(result)[0]
    assert text.startswith("Posted 12 graphs: https://discord.com/channels/")
    first = min(history, key=lambda m: m.id)
    assert str(first.id) in text


async def test_update_graphs_replaces_the_previous_post(world: World) -> None:
    await world.admin.slash(world.channel, "update_graphs")
    first_ids = {m.id for m in world.channel.history()}
    await world.admin.slash(world.channel, "update_graphs")
    second_ids = {m.id for m in world.channel.history()}
    assert first_ids.isdisjoint(second_ids)
    assert len(second_ids) == 2
    assert sorted(await world.posting_store.posted_messages(world.channel.id)) == sorted(second_ids)


async def test_update_graphs_shows_progress(world: World) -> None:
    await world.admin.slash(world.channel, "update_graphs")
    edits = [
        r
        for r in world.env.http_requests
        if r.method == "PATCH" and "/messages/@original" in r.path and r.json
    ]
    contents = [str(r.json.get("content")) for r in edits if isinstance(r.json, dict)]
    assert "12 of 12 graphs ready" in contents


async def test_update_graphs_is_for_admins_only(world: World) -> None:
    assert "update_graphs" not in world.member.available_commands(world.channel)


async def test_my_stats_sends_a_gallery_by_dm_by_default(world: World) -> None:
    await world.member.slash(world.channel, "my_stats", email="alice@example.com")
    dms = sorted(world.member.user.dm_channel.history(), key=lambda m: m.id)
    _assert_gallery_post(dms, "Your Plex statistics for the last 30 days")


async def test_my_stats_sends_graphs_by_dm_and_replies_ephemerally(world: World) -> None:
    world.store.set("POST_LAYOUT", "embeds")
    result = await world.member.slash(world.channel, "my_stats", email="ALICE@example.com")
    assert _deferred_first(world) and result.ephemeral
    (reply,) = _texts(result)
    assert reply.startswith("If that email belongs to a Plex user of this server")
    dms = sorted(world.member.user.dm_channel.history(), key=lambda m: m.id)
    assert [m.content for m in dms] == ["Your Plex statistics for the last 30 days", ""]
    assert [len(m.attachments) for m in dms] == [10, 2]
    for message in dms:  # each graph an embed showing its own attachment, with alt text
        assert [e.image.url for e in message.embeds] == [
            f"attachment://{a.filename}" for a in message.attachments
        ]
        assert all(a.description for a in message.attachments)
    assert world.renderer.calls == [42]
    assert world.channel.history() == []  # nothing public


async def test_my_stats_unknown_email_reads_the_same_and_renders_nothing(world: World) -> None:
    carol = world.guild.add_member(world.env.create_user("carol"))
    dave = world.guild.add_member(world.env.create_user("dave"))
    known = await world.member.slash(world.channel, "my_stats", email="alice@example.com")
    unknown = await carol.slash(world.channel, "my_stats", email="nobody@example.com")
    local = await dave.slash(world.channel, "my_stats", email="local@example.com")
    assert _texts(known) == _texts(unknown) == _texts(local)
    assert unknown.ephemeral and local.ephemeral
    assert world.renderer.calls == [42]
    assert carol.user.dm_channel.history() == [] and dave.user.dm_channel.history() == []


async def test_my_stats_with_closed_dms_says_so_ephemerally(world: World) -> None:
    world.env.inject_error(
        "POST", "/channels/*/messages", status=403, code=50007, message="Cannot send messages"
    )
    result = await world.member.slash(world.channel, "my_stats", email="alice@example.com")
    (reply,) = _texts(result)
    assert result.ephemeral
    assert reply.startswith("I cannot send you direct messages.")


async def test_my_stats_cooldown_per_member(world: World) -> None:
    await world.admin.slash(
        world.channel, "config edit", key="MY_STATS_COOLDOWN_MINUTES", value="5"
    )
    await world.member.slash(world.channel, "my_stats", email="alice@example.com")
    again = await world.member.slash(world.channel, "my_stats", email="alice@example.com")
    (reply,) = _texts(again)
    assert re.fullmatch(r"This command is cooling down\. Try again <t:\d+:R>\.", reply)
    assert [type(e) for e in world.env.errors] == [discord.app_commands.CommandOnCooldown]
    other = await world.admin.slash(world.channel, "my_stats", email="alice@example.com")
    assert _texts(other)[0].startswith("If that email")


async def test_admins_link_and_unlink_members(world: World) -> None:
    await world.admin.slash(
        world.channel, "config edit", key="MY_STATS_VERIFICATION", value="admin"
    )
    before = await world.member.slash(world.channel, "my_stats")
    assert _texts(before) == [
        "You are not linked to a Plex account yet. Please ask an admin to link you."
    ]
    linked = await world.admin.slash(
        world.channel, "link add", member=world.member, plex_user="Alice"
    )
    assert _texts(linked) == [f"{world.member.mention} is now linked to the Plex user alice."]
    after = await world.member.slash(world.channel, "my_stats")
    assert _texts(after) == ["Your stats are on their way by DM."]
    assert world.renderer.calls == [42]
    removed = await world.admin.slash(world.channel, "unlink", member=world.member)
    assert _texts(removed) == [f"{world.member.mention} is no longer linked to a Plex user."]
    assert "link add" not in world.member.available_commands(world.channel)
