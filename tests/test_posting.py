"""services/posting: the post use case and the scheduler over a real, non-Discord channel."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes.pngs import PngRenderer
from tests.fakes.time import Clock, ManualSleep, running
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.ids import ChannelId, MessageId
from tgraph_bot.errors import NoGraphsError
from tgraph_bot.services.post_layout import OutgoingMessage
from tgraph_bot.services.posting import (
    PostingService,
    PostResult,
    Scheduler,
    batches,
    delete_old_images,
    header,
)
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.posting import SqlitePostingStore

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


class FolderChannel:
    """A channel that keeps each message as a folder of its files (and its text)."""

    def __init__(
        self,
        root: Path,
        limit: int = 10 * 1024 * 1024,
        clock: Callable[[], datetime] = lambda: NOW,
    ) -> None:
        self.root = root
        self.limit = limit
        self.clock = clock
        self.next_id = 1000
        self.deleted: list[MessageId] = []
        self.sent: dict[MessageId, OutgoingMessage] = {}
        self.created: dict[MessageId, datetime] = {}
        root.mkdir(parents=True, exist_ok=True)

    @property
    def channel_id(self) -> ChannelId:
        return ChannelId(77)

    async def upload_limit(self) -> int:
        return self.limit

    async def delete(self, message: MessageId) -> None:
        folder = self.root / str(message)
        if folder.is_dir():
            for f in folder.iterdir():
                f.unlink()
            folder.rmdir()
        self.deleted.append(message)

    async def send(self, message: OutgoingMessage) -> MessageId:
        assert len(message.files) <= 10 and len(message.embeds) <= 10
        self.next_id += 1
        folder = self.root / str(self.next_id)
        folder.mkdir()
        (folder / "content.txt").write_text(message.content or "\n".join(message.texts))
        self.sent[MessageId(self.next_id)] = message
        self.created[MessageId(self.next_id)] = self.clock()
        for a in message.files:
            (folder / a.filename).write_bytes(a.path.read_bytes())
        return MessageId(self.next_id)

    async def own_messages_since(self, moment: datetime) -> list[tuple[MessageId, list[str]]]:
        return [
            (
                MessageId(int(folder.name)),
                sorted(f.name for f in folder.iterdir() if f.suffix == ".png"),
            )
            for folder in sorted(self.root.iterdir())
            if self.created.get(MessageId(int(folder.name)), NOW) >= moment
        ]

    def mention(self, command: str) -> str:
        return f"</{command}:4242>"

    def messages(self) -> dict[str, list[str]]:
        return {
            d.name: sorted(f.name for f in d.iterdir() if f.suffix == ".png")
            for d in sorted(self.root.iterdir())
        }


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "db.sqlite3") as database:
        yield database


async def test_post_sends_all_graphs_in_messages_of_ten_with_a_header(
    tmp_path: Path, db: Database
) -> None:
    channel = FolderChannel(tmp_path / "channel")
    store = SqlitePostingStore(db)
    service = PostingService(PngRenderer(), store, tmp_path / "images", clock=Clock(NOW))
    result = await service.post(Settings(TIME_RANGE_DAYS=30), channel)
    assert result.posted == 12
    assert [len(v) for v in channel.messages().values()] == [10, 2]
    first = (tmp_path / "channel" / str(result.messages[0]) / "content.txt").read_text()
    # No summary to show: the gallery's card is headed by the header line.
    assert first.startswith("### Server statistics for the last 30 days (Feb 9, 2026 – Mar 10")
    assert await store.posted_messages(ChannelId(77)) == result.messages
    assert await store.last_post() == NOW


async def test_next_post_replaces_the_previous_one(tmp_path: Path, db: Database) -> None:
    channel = FolderChannel(tmp_path / "channel")
    store = SqlitePostingStore(db)
    clock = Clock(NOW)
    service = PostingService(PngRenderer(), store, tmp_path / "images", clock=clock)
    first = await service.post(Settings(), channel)
    clock.now = NOW + timedelta(days=7)
    second = await service.post(Settings(), channel)
    assert channel.deleted == first.messages
    assert sorted(channel.messages()) == [str(m) for m in second.messages]
    assert await store.posted_messages(ChannelId(77)) == second.messages
    assert await store.last_post() == NOW + timedelta(days=7)


class FlakyChannel(FolderChannel):
    """Records what happens in order, and can fail the n-th send or every delete."""

    def __init__(
        self, root: Path, store: SqlitePostingStore, clock: Callable[[], datetime] = lambda: NOW
    ) -> None:
        super().__init__(root, clock=clock)
        self.store = store
        self.fail_send: int | None = None
        self.lose_reply: int | None = None  # this send is made, but its id never comes back
        self.fail_delete = False
        self.sends = 0
        self.events: list[tuple[str, int, list[MessageId]]] = []

    async def send(self, message: OutgoingMessage) -> MessageId:
        self.sends += 1
        if self.sends == self.fail_send:
            raise ConnectionError("Discord went away")
        # What the store knows at the moment of each send: every earlier id.
        self.events.append(
            ("send", self.next_id + 1, await self.store.posted_messages(self.channel_id))
        )
        sent = await super().send(message)
        if self.sends == self.lose_reply:
            raise ConnectionError("the connection broke before Discord's answer came")
        return sent

    async def delete(self, message: MessageId) -> None:
        if self.fail_delete:
            raise ConnectionError("Discord went away")
        self.events.append(("delete", message, []))
        await super().delete(message)


async def posted_once(
    tmp_path: Path, db: Database
) -> tuple[SqlitePostingStore, FlakyChannel, Clock, PostingService, PostResult]:
    """A service that has made one post to a FlakyChannel; the clock still at NOW."""
    store = SqlitePostingStore(db)
    clock = Clock(NOW)
    channel = FlakyChannel(tmp_path / "channel", store, clock)
    service = PostingService(PngRenderer(), store, tmp_path / "images", clock=clock)
    return store, channel, clock, service, await service.post(Settings(), channel)


async def test_the_new_post_is_sent_before_the_old_is_deleted_and_ids_stored_at_once(
    tmp_path: Path, db: Database
) -> None:
    store, channel, clock, service, old = await posted_once(tmp_path, db)
    channel.events.clear()
    clock.now = NOW + timedelta(days=7)
    new = await service.post(Settings(), channel)
    assert channel.events == [
        ("send", new.messages[0], old.messages),
        ("send", new.messages[1], [*old.messages, new.messages[0]]),
        ("delete", old.messages[0], []),
        ("delete", old.messages[1], []),
    ]
    assert await store.posted_messages(ChannelId(77)) == new.messages


async def test_a_failed_second_send_leaves_only_known_messages_for_the_next_post(
    tmp_path: Path, db: Database
) -> None:
    store, channel, clock, service, old = await posted_once(tmp_path, db)
    clock.now = NOW + timedelta(days=7)
    channel.fail_send = channel.sends + 2
    with pytest.raises(ConnectionError):
        await service.post(Settings(), channel)
    # The old post is still up (never an empty channel) and the half-sent one is known.
    half = sorted(set(map(int, channel.messages())) - set(old.messages))
    assert len(half) == 1
    assert await store.posted_messages(ChannelId(77)) == [*old.messages, *half]
    assert await store.last_post() == NOW  # not a successful post
    retry = await service.post(Settings(), channel)
    assert sorted(channel.messages()) == [str(m) for m in retry.messages]
    assert await store.posted_messages(ChannelId(77)) == retry.messages


async def test_a_message_whose_id_never_came_back_is_found_and_deleted_by_the_next_post(
    tmp_path: Path, db: Database
) -> None:
    store, channel, clock, service, old = await posted_once(tmp_path, db)
    clock.now = NOW + timedelta(days=7)
    channel.lose_reply = channel.sends + 1  # Discord made it; the bot never learnt its id
    with pytest.raises(ConnectionError):
        await service.post(Settings(), channel)
    (lost,) = sorted(set(map(int, channel.messages())) - set(old.messages))
    assert await store.posted_messages(ChannelId(77)) == old.messages  # unknown to the store
    assert await store.unfinished_post(ChannelId(77)) == NOW + timedelta(days=7)
    clock.now = NOW + timedelta(days=7, minutes=1)
    retry = await service.post(Settings(), channel)
    assert MessageId(lost) in channel.deleted
    assert sorted(channel.messages()) == [str(m) for m in retry.messages]
    assert await store.unfinished_post(ChannelId(77)) is None


async def test_only_graph_messages_of_the_cut_post_are_taken_for_strays(
    tmp_path: Path, db: Database
) -> None:
    store, channel, clock, service, _ = await posted_once(tmp_path, db)
    clock.now = NOW + timedelta(days=7)
    await store.begin_post(ChannelId(77), clock.now)  # a post that died before sending
    other = await channel.send(OutgoingMessage(content="an answer to !plex usage"))
    retry = await service.post(Settings(), channel)
    assert other not in channel.deleted  # ours, but no graph: not a stray
    assert sorted(channel.messages()) == sorted([str(other), *map(str, retry.messages)])


async def test_a_channel_that_cannot_be_searched_still_gets_its_post(
    tmp_path: Path, db: Database
) -> None:
    store, channel, clock, service, old = await posted_once(tmp_path, db)
    clock.now = NOW + timedelta(days=7)
    await store.begin_post(ChannelId(77), clock.now)  # a post cut short before

    async def refused(moment: datetime) -> list[tuple[MessageId, list[str]]]:
        raise PermissionError("Missing Access (Read Message History)")

    channel.own_messages_since = refused  # type: ignore[method-assign]
    new = await service.post(Settings(), channel)
    assert sorted(channel.messages()) == [str(m) for m in new.messages]
    assert channel.deleted == old.messages
    assert await store.unfinished_post(ChannelId(77)) is None


async def test_an_old_message_that_cannot_be_deleted_is_kept_for_the_next_post(
    tmp_path: Path, db: Database
) -> None:
    store, channel, clock, service, old = await posted_once(tmp_path, db)
    channel.fail_delete = True
    clock.now = NOW + timedelta(days=7)
    new = await service.post(Settings(), channel)  # posted all the same
    assert await store.posted_messages(ChannelId(77)) == [*old.messages, *new.messages]
    channel.fail_delete = False
    clock.now = NOW + timedelta(days=14)
    last = await service.post(Settings(), channel)
    assert sorted(channel.messages()) == [str(m) for m in last.messages]


async def test_failed_graphs_are_reported_and_none_at_all_is_an_error(
    tmp_path: Path, db: Database
) -> None:
    channel = FolderChannel(tmp_path / "channel")
    renderer = PngRenderer(failing=frozenset({"top_10_users"}))
    service = PostingService(
        renderer, SqlitePostingStore(db), tmp_path / "images", clock=Clock(NOW)
    )
    result = await service.post(Settings(), channel)
    assert result.failed == ["top_10_users"] and result.posted == 11
    renderer.broken = True
    with pytest.raises(NoGraphsError):
        await service.post(Settings(), channel)
    # The earlier post stays: nothing is deleted when there is nothing to replace it with.
    assert channel.deleted == []


async def test_files_over_the_upload_limit_are_left_out(tmp_path: Path, db: Database) -> None:
    channel = FolderChannel(tmp_path / "channel", limit=200)
    renderer = PngRenderer(graph_ids=("small", "large"))
    service = PostingService(
        renderer, SqlitePostingStore(db), tmp_path / "images", clock=Clock(NOW)
    )
    sizes = {"small": (4, 4), "large": (200, 200)}
    original = renderer.render

    async def render_sized(settings: Settings, out_dir: Path, **kw: object) -> object:
        report = await original(settings, out_dir)
        for g in report.graphs:
            from tests.fakes.pngs import png_bytes

            g.png.write_bytes(png_bytes(*sizes[g.graph_id], (250, 0, 0)))
        return report

    renderer.render = render_sized  # type: ignore[method-assign]
    result = await service.post(Settings(), channel)
    assert result.skipped_too_large == ["large.png"]
    assert list(channel.messages().values()) == [["small.png"]]


def test_batches_and_header_and_retry_delay(tmp_path: Path) -> None:
    files = [tmp_path / f"{i}.png" for i in range(23)]
    groups, large = batches(files, 100, lambda p: 10)
    assert [len(g) for g in groups] == [10, 10, 3] and large == []
    assert header(Settings(TIME_RANGE_DAYS=1, LANGUAGE="en"), NOW).startswith(
        "Server statistics for the last 1 day "
    )


def test_old_images_are_deleted_after_keep_days(tmp_path: Path) -> None:
    old = tmp_path / "a" / "old.png"
    new = tmp_path / "b" / "new.png"
    for f in (old, new):
        f.parent.mkdir()
        f.write_bytes(b"png")
    ten_days_ago = (NOW - timedelta(days=10)).timestamp()
    os.utime(old, (ten_days_ago, ten_days_ago))
    os.utime(new, (NOW.timestamp(), NOW.timestamp()))
    assert delete_old_images(tmp_path, NOW, keep_days=7) == 1
    assert not old.exists() and not old.parent.exists() and new.exists()


async def test_scheduler_posts_overdue_once_then_waits(tmp_path: Path, db: Database) -> None:
    channel = FolderChannel(tmp_path / "channel")
    store = SqlitePostingStore(db)
    await store.record_post(ChannelId(77), [], NOW - timedelta(days=30))  # missed while down
    clock = Clock(NOW)
    renderer = PngRenderer(graph_ids=("daily_play_count",))
    service = PostingService(renderer, store, tmp_path / "images", clock=clock)

    async def get_channel(settings: Settings) -> FolderChannel:
        return channel

    sleep = ManualSleep()
    scheduler = Scheduler(
        service, store, lambda: Settings(UPDATE_DAYS=7), get_channel, clock=clock, sleep=sleep
    )
    async with running(scheduler):
        assert await sleep.next_wait() == 3600  # a week away; it looks again within the hour
    assert len(renderer.calls) == 1
    assert await store.last_post() == NOW
    assert await scheduler.due_at() == NOW + timedelta(days=7)


async def test_scheduler_retries_a_failed_post_instead_of_waiting_a_period(
    tmp_path: Path, db: Database
) -> None:
    channel = FolderChannel(tmp_path / "channel")
    store = SqlitePostingStore(db)
    clock = Clock(NOW)
    renderer = PngRenderer(graph_ids=("daily_play_count",), broken=True)
    service = PostingService(renderer, store, tmp_path / "images", clock=clock)

    async def get_channel(settings: Settings) -> FolderChannel:
        if len(renderer.calls) >= 2:
            renderer.broken = False  # Tautulli is back for the third attempt
        return channel

    sleep = ManualSleep()
    scheduler = Scheduler(service, store, lambda: Settings(), get_channel, clock=clock, sleep=sleep)
    async with running(scheduler):
        waits = [await sleep.next_wait()]
        for _ in range(2):
            sleep.elapse()
            waits.append(await sleep.next_wait())
    assert waits == [30, 60, 3600]  # two growing retries, then the next period
    assert len(renderer.calls) == 3
    assert len(channel.messages()) == 1
    assert await store.last_post() == NOW


async def test_scheduler_wakes_on_a_settings_change(tmp_path: Path, db: Database) -> None:
    store = SqlitePostingStore(db)
    await store.record_post(ChannelId(77), [], NOW)
    clock = Clock(NOW)
    renderer = PngRenderer(graph_ids=("daily_play_count",))
    service = PostingService(renderer, store, tmp_path / "images", clock=clock)
    channel = FolderChannel(tmp_path / "channel")
    current = {"settings": Settings(UPDATE_DAYS=7)}

    async def get_channel(settings: Settings) -> FolderChannel:
        return channel

    sleep = ManualSleep()
    scheduler = Scheduler(
        service, store, lambda: current["settings"], get_channel, clock=clock, sleep=sleep
    )
    async with running(scheduler):
        assert await sleep.next_wait() == 3600
        assert renderer.calls == []
        clock.now = NOW + timedelta(days=2)
        current["settings"] = Settings(UPDATE_DAYS=1)
        scheduler.reschedule()  # ends the hour's wait at once: now overdue by a day
        assert await sleep.next_wait() == 3600
    assert len(renderer.calls) == 1
    assert await store.last_post() == NOW + timedelta(days=2)
    assert json.loads(next((tmp_path / "images").rglob("*.json")).read_text())["user_id"] is None


async def test_the_first_start_posts_at_once_unless_post_on_start_is_false(
    tmp_path: Path, db: Database
) -> None:
    store = SqlitePostingStore(db)
    service = PostingService(PngRenderer(), store, tmp_path / "images", clock=Clock(NOW))

    async def get_channel(settings: Settings) -> FolderChannel:
        return FolderChannel(tmp_path / "channel")

    scheduler = Scheduler(service, store, Settings, get_channel, clock=Clock(NOW))
    assert await scheduler.due_at() == NOW
    later = Scheduler(
        service,
        store,
        lambda: Settings(POST_ON_START=False, UPDATE_DAYS=3),
        get_channel,
        clock=Clock(NOW),
    )
    assert await later.due_at() == NOW + timedelta(days=3)
