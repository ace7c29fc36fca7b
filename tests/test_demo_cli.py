"""`tgraph-bot demo`: every graph from the bundled sample, no config file, no network."""

import json
from pathlib import Path

import pytest

from tgraph_bot.cli import main

pytestmark = pytest.mark.slow  # starts processes or renders for real


def test_demo_renders_all_twelve_graphs_in_danish_for_a_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no config.yml here
    assert main(["demo", "--language", "da", "--days", "365"]) == 0
    out = tmp_path / "demo-graphs" / "da-365d"  # a folder per language and range
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == 12
    printed = capsys.readouterr().out
    assert all(str(p.relative_to(tmp_path)) in printed for p in pngs)
    daily = json.loads((out / "daily_play_count.json").read_text(encoding="utf-8"))
    assert daily["bucket"] == "week"  # a year of daily points is drawn in weeks
    assert len(daily["categories"]) == 53
    assert daily["time_range_days"] == 365
    assert daily["data_from"] == "2026-11-22T12:00:00+00:00"
    weekdays = json.loads((out / "play_count_by_dayofweek.json").read_text(encoding="utf-8"))
    assert weekdays["categories"][0] == "mandag"
    users = json.loads((out / "top_10_users.json").read_text(encoding="utf-8"))
    assert all("*" in name for name in users["categories"])


def test_demo_draws_only_the_samples_last_day_as_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    out = tmp_path / "demo-graphs" / "en-30d"
    daily = json.loads((out / "daily_play_count.json").read_text(encoding="utf-8"))
    assert daily["bucket"] == "day"
    assert daily["categories"][-1] == "2026-11-22"  # the day the sample was recorded
    assert daily["partial"] == ["2026-11-22"]  # dashed: that day alone, not yet over
