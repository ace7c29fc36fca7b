"""The play-history mirror against the fake Tautulli's get_history (filtered, grouped and
paged as Tautulli v2.17.2 does), in a real SQLite database on disk."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.tautulli import FakeTautulli
from tests.fakes.time import Clock
from tgraph_bot.adapters.tautulli import TautulliClient
from tgraph_bot.core.history import HistoryFilter, Window, plays, seconds_played
from tgraph_bot.errors import TautulliError
from tgraph_bot.graphs.sample_history import history
from tgraph_bot.services import history as history_service
from tgraph_bot.services.history import CHECK_EVERY, HistoryMirror
from tgraph_bot.services.wrapped import WrappedService, wrapped_document, year_window
from tgraph_bot.storage.db import Database
from tgraph_bot.storage.history import SqliteHistoryStore

TODAY = date(2026, 11, 20)
FIRST = date(2025, 9, 14)


@dataclass
class Rig:
    fake: FakeTautulli
    mirror: HistoryMirror
    clock: Clock

    def unfiltered(self) -> list[dict[str, str]]:
        return [
            r.params
            for r in self.fake.api_requests("get_history")
            if not {"after", "before", "user_id"} & r.params.keys()
        ]


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    clock = Clock(datetime(2026, 11, 20, 21, 0, tzinfo=UTC))
    async with (
        FakeTautulli(api_key="k") as fake,
        TautulliClient(fake.url, "k", retry_budget=0) as client,
        Database(tmp_path / "tgraph.db") as db,
    ):
        fake.timezone = "Europe/Copenhagen"
        fake.plays = history(FIRST, TODAY, timezone="Europe/Copenhagen")
        mirror = HistoryMirror(
            client, SqliteHistoryStore(db), timezone=lambda: "Europe/Copenhagen", clock=clock
        )
        yield Rig(fake, mirror, clock)


def window_rows(rows: list[dict[str, Any]], user_id: int | None = None) -> set[int]:
    return {int(r["row_id"]) for r in rows if user_id is None or r["user_id"] == user_id}


async def test_a_backfill_fetches_every_session_user_by_user_never_unfiltered(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history_service, "WINDOW_SESSIONS", 700)  # users 103, 104 fit
    report = await rig.mirror.sync()
    assert report.kind == "backfill"
    kept = await rig.mirror.rows(Window(date(2000, 1, 1), TODAY))
    assert {p.row_id for p in kept} == window_rows(rig.fake.plays or [])
    assert rig.unfiltered() == []
    asked = [r.params for r in rig.fake.api_requests("get_history")]
    assert all("user_id" in params for params in asked)  # no pass by days was needed
    by_user: dict[str, list[dict[str, str]]] = {}
    for params in asked:
        by_user.setdefault(params["user_id"], []).append(params)
    # A user who fits is one request, without days; a bigger one is windows planned from
    # the daily counts: newest first, one after the other with no day left out.
    assert [p.keys() & {"after", "before"} for p in by_user["103"] + by_user["104"]] == [set()] * 2
    for user_id in ("101", "102"):
        days = [(p["after"], p["before"]) for p in by_user[user_id]]
        assert len(days) > 1 and days[0][1] == TODAY.isoformat() and days[-1][0] <= str(FIRST)
        assert all(
            date.fromisoformat(newer[0]) == date.fromisoformat(older[1]) + timedelta(days=1)
            for newer, older in pairwise(days)
        )
        sizes = [
            sum(
                1
                for p in kept
                if p.user_id == int(user_id)
                and after <= rig.mirror.day_of(p.started).isoformat() <= before
            )
            for after, before in days
        ]
        assert max(sizes) <= 700 * 1.2  # a soft limit: a user's days are not the server's
    assert report.requests == len(asked) + 2  # and the users' and the daily counts


async def test_a_deleted_users_sessions_are_fetched_by_days(
    rig: Rig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Tautulli's users table leaves out a deleted user: the copy sees it is short of
    Tautulli's total and fetches the history again by days, so nothing is lost."""
    monkeypatch.setattr(history_service, "WINDOW_SESSIONS", 400)
    rig.fake.deleted_users = {104}
    with caplog.at_level(logging.INFO, logger=history_service.__name__):
        await rig.mirror.sync()
    kept = await rig.mirror.rows(Window(date(2000, 1, 1), TODAY))
    assert {p.row_id for p in kept} == window_rows(rig.fake.plays or [])
    assert window_rows(rig.fake.plays or [], 104) <= {p.row_id for p in kept if p.user_id == 104}
    assert rig.unfiltered() == []
    [told] = [r.getMessage() for r in caplog.records if "deleted user" in r.getMessage()]
    assert f"of Tautulli's {len(rig.fake.plays or [])} sessions" in told


async def test_a_session_written_during_the_backfill_is_not_taken_for_a_missing_one(
    rig: Rig,
) -> None:
    plays = rig.fake.plays or []

    async def progress(only: HistoryFilter, sessions: int) -> None:
        if only.user_id == 101 and plays[-1]["row_id"] != 999_999:  # 101 is in the copy
            plays.append({**plays[-1], "row_id": 999_999, "id": 999_999, "user_id": 101})

    await rig.mirror.sync(progress)
    assert rig.unfiltered() == []
    assert all("user_id" in r.params for r in rig.fake.api_requests("get_history"))


async def test_a_sync_with_nothing_new_is_one_request(rig: Rig) -> None:
    await rig.mirror.sync()
    rig.fake.clear_requests()
    rig.clock.now += timedelta(minutes=30)
    report = await rig.mirror.sync()
    assert (report.kind, report.requests, report.rows > 0) == ("sync", 1, True)
    [asked] = rig.fake.api_requests("get_history")
    assert (asked.params["after"], asked.params["before"]) == ("2026-11-18", "2026-11-20")


async def test_a_session_written_late_is_picked_up_by_the_next_sync(rig: Rig) -> None:
    await rig.mirror.sync()
    plays = rig.fake.plays or []
    late = {**plays[-1], "row_id": 999_999, "id": 999_999, "reference_id": 999_999}
    late["started"] -= 86_400  # started yesterday, written (stopped) only now
    plays.append(late)
    rig.clock.now += timedelta(hours=1)
    await rig.mirror.sync()
    yesterday = Window(TODAY - timedelta(days=1), TODAY)
    assert 999_999 in {p.row_id for p in await rig.mirror.rows(yesterday)}


async def test_the_monthly_check_refetches_only_the_months_tautulli_changed(rig: Rig) -> None:
    await rig.mirror.sync()
    plays = rig.fake.plays or []
    march = [r for r in plays if _month(r) == "2026-03"]
    gone = {int(r["row_id"]) for r in march[:5]}
    rig.fake.plays = [r for r in plays if int(r["row_id"]) not in gone]
    rig.clock.now += timedelta(hours=1)
    report = await rig.mirror.sync()
    assert report.months_refetched == []  # not due yet
    rig.clock.now += CHECK_EVERY
    report = await rig.mirror.sync()
    assert report.months_refetched == ["2026-03"]
    kept = await rig.mirror.rows(Window(date(2000, 1, 1), TODAY))
    assert {p.row_id for p in kept} == window_rows(rig.fake.plays)
    assert rig.unfiltered() == []


async def test_the_mirror_counts_plays_and_time_as_tautulli_does(rig: Rig) -> None:
    """Plays: Tautulli's grouped recordsFiltered for the same user and window."""
    await rig.mirror.sync()
    window = Window(date(2026, 1, 1), date(2026, 6, 30))
    for user_id in (101, 102, 103, 104):
        kept = await rig.mirror.rows(window, user_id)
        params = {"user_id": str(user_id), "after": "2026-01-01", "before": "2026-06-30"}
        answer = rig.fake._history({**params, "length": "0"})  # pyright: ignore[reportPrivateUsage]
        assert plays(kept) == answer["response"]["data"]["recordsFiltered"] > 0
        expected = sum(
            max(0, r["stopped"] - r["started"] - r["paused_counter"]) if r["stopped"] else 0
            for r in rig.fake.plays or []
            if r["user_id"] == user_id and "2026-01-01" <= _day(r) <= "2026-06-30"
        )
        assert sum(seconds_played(p) for p in kept) == expected


async def test_tautulli_down_leaves_the_mirror_as_it_was(rig: Rig) -> None:
    await rig.mirror.sync()
    before = await rig.mirror.rows(Window(date(2000, 1, 1), TODAY))
    synced = await rig.mirror.store.synced_at()
    await rig.fake.set_mode("down")
    rig.clock.now += timedelta(hours=1)
    with pytest.raises(TautulliError):
        await rig.mirror.sync()
    assert await rig.mirror.rows(Window(date(2000, 1, 1), TODAY)) == before
    assert await rig.mirror.store.synced_at() == synced  # says how recent it is


async def test_tautulli_failing_mid_backfill_stops_it_and_the_next_sync_completes_it(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history_service, "WINDOW_SESSIONS", 400)
    told: list[HistoryFilter] = []

    async def progress(only: HistoryFilter, sessions: int) -> None:
        told.append(only)
        if len(told) == 3:
            await rig.fake.set_mode("down")

    with pytest.raises(TautulliError):  # Tautulli's own error, not a group of them
        await rig.mirror.sync(progress)
    asked = len(rig.fake.api_requests("get_history"))
    assert len(told) == 3 == asked  # the fourth found Tautulli down
    assert await rig.mirror.store.synced_through() is None  # not taken for a finished copy
    await rig.fake.set_mode("ok")
    async with TautulliClient(rig.fake.url, "k") as later:  # its breaker closed again
        rig.mirror.source = later
        report = await rig.mirror.sync()
    assert report.kind == "backfill"
    kept = await rig.mirror.rows(Window(date(2000, 1, 1), TODAY))
    assert {p.row_id for p in kept} == window_rows(rig.fake.plays or [])


async def test_a_time_zone_unlike_tautullis_is_logged_once(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    """Seen where days are asked for: a backfill's request for a user alone has none."""
    rig.mirror = HistoryMirror(
        rig.mirror.source, rig.mirror.store, timezone=lambda: "America/New_York", clock=rig.clock
    )
    with caplog.at_level(logging.WARNING):
        await rig.mirror.sync()
        rig.clock.now += timedelta(hours=1)
        await rig.mirror.sync()
    warned = [r for r in caplog.records if "TIMEZONE" in r.getMessage()]
    assert len(warned) == 1 and "America/New_York" in warned[0].getMessage()


def _day(row: dict[str, Any]) -> str:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Copenhagen")
    return datetime.fromtimestamp(int(row["started"]), zone).date().isoformat()


def _month(row: dict[str, Any]) -> str:
    return _day(row)[:7]


async def test_a_members_wrapped_equals_what_tautulli_answers_for_them(rig: Rig) -> None:
    """Every total and every top-5 entry of a member's year against get_history itself."""
    await rig.mirror.sync()
    window = year_window(2026, TODAY)
    service = WrappedService(rig.mirror)

    def asked(**params: str) -> int:
        answer = rig.fake._history(  # pyright: ignore[reportPrivateUsage]
            {"after": "2026-01-01", "before": TODAY.isoformat(), "length": "0", **params}
        )
        return int(answer["response"]["data"]["recordsFiltered"])

    for user_id in (101, 103):
        found = await service.member(user_id, window)
        document = wrapped_document(found, user_id=user_id, synced_at=None)
        assert document["plays"] == asked(user_id=str(user_id))
        for media in ("movie", "episode", "track"):
            assert found.by_media_type[media].plays == asked(user_id=str(user_id), media_type=media)
        for show in found.top_shows:
            rows = [r for r in rig.fake.plays or [] if r["grandparent_title"] == show.title]
            key = str(rows[0]["grandparent_rating_key"])
            assert show.plays == asked(user_id=str(user_id), grandparent_rating_key=key)
        assert 0 <= (found.percentile or 0) <= 1 and found.members == 4
    server = await service.server(window)
    assert server.plays == asked()
