"""Planning the backfill user by user: who is asked for in one request, who in windows of
days, and reading each user's sessions from the answer a real Tautulli v2.17.2 gave."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tgraph_bot.core.history import (
    HistoryFilter,
    Window,
    pack_days,
    parse_user_sessions,
    plan_by_user,
)

RECORDED = Path(__file__).parents[1] / "fixtures" / "tautulli" / "recorded"
TODAY = date(2026, 11, 20)
# The server's daily counts: 100 days of 10 plays, then 100 busier days of 30.
PER_DAY = {TODAY - timedelta(days=n): 30 if n < 100 else 10 for n in range(200)}


def test_a_user_who_fits_is_one_request_without_days_and_one_without_sessions_none() -> None:
    plan = plan_by_user({7: 500, 8: 0, 9: 1000}, PER_DAY, 1000)
    assert plan == [HistoryFilter(user_id=7), HistoryFilter(user_id=9)]


def test_a_bigger_user_is_windows_of_days_scaled_by_their_share_of_the_server() -> None:
    # 4,000 sessions where the server counted 4,000 plays: their days are the server's.
    plan = plan_by_user({7: 4000}, PER_DAY, 1000)
    assert {only.user_id for only in plan} == {7}
    windows = [only.window for only in plan if only.window is not None]
    assert windows == pack_days(PER_DAY, 1000) and len(windows) == len(plan) >= 4
    # Half as many sessions against half the limit: the very same windows.
    assert [only.window for only in plan_by_user({7: 2000}, PER_DAY, 500)] == windows
    assert windows[0].before == TODAY and windows[-1].after == min(PER_DAY)


def test_a_bigger_user_with_no_counted_day_is_left_to_the_pass_by_days() -> None:
    assert plan_by_user({7: 5000}, {}, 1000) == []


def test_a_request_is_never_unfiltered() -> None:
    with pytest.raises(ValueError, match="filtered"):
        HistoryFilter()
    assert HistoryFilter(Window(TODAY, TODAY)).user_id is None


def test_each_listed_users_sessions_are_read_from_tautullis_users_table() -> None:
    body = json.loads((RECORDED / "get_users_table.json").read_text(encoding="utf-8"))["body"]
    data = body["response"]["data"]
    found = parse_user_sessions(data)
    assert found == {int(row["user_id"]): int(row["plays"]) for row in data["data"]}
    assert len(found) == data["recordsFiltered"] > 0


@pytest.mark.parametrize(
    "data", [None, [], {"data": "x"}, {"data": [{"user_id": 1}]}, {"data": [3]}]
)
def test_another_shape_of_users_table_is_refused(data: object) -> None:
    with pytest.raises(ValueError, match="get_users_table"):
        parse_user_sessions(data)
