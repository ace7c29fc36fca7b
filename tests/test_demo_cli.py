"""`tgraph-bot demo`: every graph from the bundled sample, no config file, no network."""

import json
import statistics
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
    assert uncovered(out) == []  # no week the sample does not cover
    assert daily["data_from"] == "2026-11-21T01:00:00+00:00"
    weekdays = json.loads((out / "play_count_by_dayofweek.json").read_text(encoding="utf-8"))
    assert weekdays["categories"][0] == "mandag"
    users = json.loads((out / "top_10_users.json").read_text(encoding="utf-8"))
    assert all("*" in name for name in users["categories"])


DAILY = ("daily_play_count", "daily_play_count_by_stream_type", "daily_concurrent_stream_count")


def uncovered(folder: Path) -> list[str]:
    """The points of the demo's daily graphs, today's and a part-week's apart, that are
    under half their graph's median: a day the sample's history does not cover (it once
    ended two days early, and the last full day read as an outage)."""
    found: list[str] = []
    for graph in DAILY:
        doc = json.loads((folder / f"{graph}.json").read_text(encoding="utf-8"))
        points = [list(values) for values in zip(*(s["data"] for s in doc["series"]), strict=True)]
        value = max if doc["summary"]["total"] is None else sum  # streams at once: the peak
        full = {c: value(p) for c, p in zip(doc["categories"], points, strict=True)}
        full = {c: v for c, v in full.items() if c not in doc["partial"]}
        middle = statistics.median(full.values())
        found += [f"{graph} {c}: {v}" for c, v in full.items() if v < middle / 2]
    return found


def test_the_demo_draws_no_day_its_sample_does_not_cover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    out = tmp_path / "demo-graphs" / "en-30d"
    assert uncovered(out) == []
    daily = json.loads((out / "daily_play_count.json").read_text(encoding="utf-8"))
    assert daily["bucket"] == "day"
    assert len(daily["categories"]) == 30
    assert daily["categories"][-1] == "2026-11-21"  # the day the sample's history ends
    assert daily["partial"] == ["2026-11-21"]  # dashed: that day alone, not yet over
    assert daily["generated_at"] == daily["data_from"] == "2026-11-21T01:00:00+00:00"
