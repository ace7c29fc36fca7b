"""What a container needs beyond the bot itself: TZ as the default TIMEZONE, the health verdict,
and image files that agree with each other (Dockerfile, compose, the Unraid template, CI)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from ruamel.yaml import YAML

from tgraph_bot.config import ConfigStore
from tgraph_bot.core.health import Beat, Health, assess, decode, encode
from tgraph_bot.files import atomic_write
from tgraph_bot.storage.heartbeat import read_heartbeat, write_heartbeat

from .conftest import ROOT

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


# -- the image's files -----------------------------------------------------------------------

TEMPLATE = ROOT / "unraid" / "tgraph-bot.xml"
WORKFLOW = ROOT / ".github" / "workflows" / "docker.yml"
RAW = "https://raw.githubusercontent.com/tgraph-bot/tgraph-bot/main/"


def _yaml(path: Path) -> dict[str, Any]:
    safe: Any = YAML(typ="safe")
    return cast("dict[str, Any]", safe.load(path.read_text(encoding="utf-8")))


def _template() -> ET.Element:
    return ET.parse(TEMPLATE).getroot()


def test_the_workflow_publishes_the_image_the_template_pulls() -> None:
    workflow = _yaml(WORKFLOW)
    image = workflow["env"]["IMAGE"]
    repository = _template().findtext("Repository")
    assert repository == f"{image}:latest"
    assert workflow["env"]["PLATFORMS"].split(",") == ["linux/amd64", "linux/arm64"]
    assert workflow["permissions"]["packages"] == "write"
    assert set(workflow["on"]) >= {"push", "pull_request"}
    assert workflow["on"]["push"] == {"branches": ["main"], "tags": ["v*"]}
    steps = workflow["jobs"]["image"]["steps"]
    pushed = [s for s in steps if s.get("uses", "").startswith("docker/build-push-action")]
    assert pushed[-1]["with"]["platforms"] == "${{ env.PLATFORMS }}"
    tags = next(s for s in steps if s.get("id") == "meta")["with"]["tags"]
    assert "type=raw,value=latest,enable={{is_default_branch}}" in tags


def test_the_template_follows_community_applications_conventions() -> None:
    template = _template()
    for tag in ("Name", "Repository", "Registry", "Support", "Project", "Overview", "Category"):
        assert (template.findtext(tag) or "").strip(), tag
    for tag in ("Shell", "Requires", "Changes", "TemplateURL", "Icon"):
        assert (template.findtext(tag) or "").strip(), tag
    assert template.findtext("Shell") in {"sh", "bash"}
    assert (template.findtext("Changes") or "").strip().startswith("### ")
    # The icon and the template are files of this repository, addressed on main.
    for tag in ("Icon", "TemplateURL"):
        url = template.findtext(tag) or ""
        assert url.startswith(RAW) and (ROOT / url.removeprefix(RAW)).is_file(), url


def test_the_template_sets_nothing_inert_and_not_the_time_zone() -> None:
    """Unraid passes its own TZ; PUID/PGID would do nothing (the user is --user)."""
    template = _template()
    targets = {c.get("Target") for c in template.iter("Config")}
    assert not targets & {"TZ", "PUID", "PGID", "UMASK"}
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    user = re.search(r"^USER (\d+:\d+)$", dockerfile, re.MULTILINE)
    assert user is not None
    assert f"--user={user[1]}" in (template.findtext("ExtraParams") or "").split()
    assert "PUID" not in dockerfile and "PGID" not in dockerfile


def test_the_image_waits_for_its_configuration_under_a_policy_that_comes_back() -> None:
    """A first start waits (unhealthy, with the reason) instead of exiting into a restart loop;
    compose and the template restart the bot after a reboot or a crash."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^\s+TGRAPH_WAIT_FOR_CONFIG=1$", dockerfile, re.MULTILINE)
    service = _yaml(ROOT / "docker-compose.yml")["services"]["tgraph-bot"]
    assert service["restart"] == "unless-stopped"
    assert "TZ" not in (service.get("environment") or {})
    assert "--restart=unless-stopped" in (_template().findtext("ExtraParams") or "").split()
