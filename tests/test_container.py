"""What a container needs beyond the bot itself: TZ as the default TIMEZONE, the health verdict."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tgraph_bot.config import ConfigStore
from tgraph_bot.config.store import atomic_write
from tgraph_bot.core.health import Beat, Health, assess, decode, encode
from tgraph_bot.storage.heartbeat import read_heartbeat, write_heartbeat

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STALE = timedelta(seconds=60)


def test_the_samples_empty_timezone_follows_tz(sample_config: Path) -> None:
    assert ConfigStore(sample_config, environ={"TZ": "Europe/Copenhagen"}).settings.TIMEZONE == (
        "Europe/Copenhagen"
    )
    assert ConfigStore(sample_config, environ={}).settings.TIMEZONE == "UTC"
    # A TZ that is not an IANA name (POSIX rules, a file) leaves UTC, and loses nothing else.
    for tz in ("CET-1CEST", ":/etc/localtime", "Mars/Olympus"):
        assert ConfigStore(sample_config, environ={"TZ": tz}).settings.TIMEZONE == "UTC"


def test_a_timezone_that_is_set_wins_over_tz(sample_config: Path) -> None:
    text = sample_config.read_text(encoding="utf-8").replace('TIMEZONE: ""', "TIMEZONE: Asia/Tokyo")
    sample_config.write_text(text, encoding="utf-8")
    env = {"TZ": "Europe/Copenhagen"}
    assert ConfigStore(sample_config, environ=env).settings.TIMEZONE == "Asia/Tokyo"
    env["TGRAPH_TIMEZONE"] = "America/New_York"
    assert ConfigStore(sample_config, environ=env).settings.TIMEZONE == "America/New_York"


def test_new_files_are_0644_and_existing_files_keep_their_mode(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.json"
    atomic_write(fresh, b"{}")
    assert fresh.stat().st_mode & 0o777 == 0o644
    private = tmp_path / "private.yml"
    private.write_bytes(b"a: 1\n")
    private.chmod(0o600)
    atomic_write(private, b"a: 2\n")
    assert private.stat().st_mode & 0o777 == 0o600


def test_health_verdicts() -> None:
    assert assess(None, NOW, STALE) is Health.MISSING
    assert assess(Beat(NOW - timedelta(seconds=5), True), NOW, STALE) is Health.HEALTHY
    assert assess(Beat(NOW - timedelta(seconds=5), False), NOW, STALE) is Health.NOT_CONNECTED
    assert assess(Beat(NOW - timedelta(seconds=61), True), NOW, STALE) is Health.STALE


def test_heartbeat_round_trip_and_garbage(tmp_path: Path) -> None:
    beat = Beat(NOW, True)
    assert decode(encode(beat)) == beat
    path = tmp_path / "heartbeat.json"
    assert read_heartbeat(path) is None
    write_heartbeat(path, beat)
    assert read_heartbeat(path) == beat
    assert path.stat().st_mode & 0o777 == 0o644
    for junk in (
        "",
        "{",
        '{"at": "yesterday", "connected": true}',
        '{"at": "2026-12-01T12:00"}',
        '{"at": "2026-12-01T12:00:00", "connected": true}',
        "[]",
        '{"at": "2026-12-01T12:00:00+00:00", "connected": "yes"}',
    ):
        assert decode(junk) is None, junk
