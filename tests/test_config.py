"""The schema, the sample file and the round-trip store."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pytest

from tgraph_bot.config import EDITABLE_KEYS, KEYS, SECRET_KEYS, ConfigStore, display_value
from tgraph_bot.config.problems import ConfigError
from tgraph_bot.config.schema import LIVE_KEYS, RESTART_KEYS, Settings
from tgraph_bot.config.store import read_document, validate
from tgraph_bot.i18n import translator

from .conftest import SAMPLE

ORIGINAL_KEYS = [
    "TAUTULLI_API_KEY",
    "TAUTULLI_URL",
    "DISCORD_TOKEN",
    "CHANNEL_ID",
    "UPDATE_DAYS",
    "FIXED_UPDATE_TIME",
    "KEEP_DAYS",
    "TIME_RANGE_DAYS",
    "LANGUAGE",
    "CENSOR_USERNAMES",
    "ENABLE_GRAPH_GRID",
    "ENABLE_DAILY_PLAY_COUNT",
    "ENABLE_PLAY_COUNT_BY_DAYOFWEEK",
    "ENABLE_PLAY_COUNT_BY_HOUROFDAY",
    "ENABLE_TOP_10_PLATFORMS",
    "ENABLE_TOP_10_USERS",
    "ENABLE_PLAY_COUNT_BY_MONTH",
    "TV_COLOR",
    "MOVIE_COLOR",
    "GRAPH_BACKGROUND_COLOR",
    "ANNOTATION_COLOR",
    "ANNOTATION_OUTLINE_COLOR",
    "ENABLE_ANNOTATION_OUTLINE",
    "ANNOTATE_DAILY_PLAY_COUNT",
    "ANNOTATE_PLAY_COUNT_BY_DAYOFWEEK",
    "ANNOTATE_PLAY_COUNT_BY_HOUROFDAY",
    "ANNOTATE_TOP_10_PLATFORMS",
    "ANNOTATE_TOP_10_USERS",
    "ANNOTATE_PLAY_COUNT_BY_MONTH",
    "CONFIG_COOLDOWN_MINUTES",
    "CONFIG_GLOBAL_COOLDOWN_SECONDS",
    "UPDATE_GRAPHS_COOLDOWN_MINUTES",
    "UPDATE_GRAPHS_GLOBAL_COOLDOWN_SECONDS",
    "MY_STATS_COOLDOWN_MINUTES",
    "MY_STATS_GLOBAL_COOLDOWN_SECONDS",
]

ORIGINAL_DEFAULTS = {
    "UPDATE_DAYS": 7,
    "FIXED_UPDATE_TIME": "XX:XX",
    "KEEP_DAYS": 7,
    "TIME_RANGE_DAYS": 30,
    "LANGUAGE": "en",
    "CENSOR_USERNAMES": True,
    "ENABLE_GRAPH_GRID": False,
    "TV_COLOR": "#1f77b4",
    "MOVIE_COLOR": "#ff7f0e",
    "GRAPH_BACKGROUND_COLOR": "#ffffff",
    # The original bot disagreed with itself (sample: red on black, documentation: white on
    # black); these are now the theme's text colour outlined in its background (the light
    # theme's here).
    "ANNOTATION_COLOR": "#1f2328",
    "ANNOTATION_OUTLINE_COLOR": "#ffffff",
    "ENABLE_ANNOTATION_OUTLINE": True,
    "CONFIG_COOLDOWN_MINUTES": 0,
    "MY_STATS_COOLDOWN_MINUTES": 5,
    "MY_STATS_GLOBAL_COOLDOWN_SECONDS": 60,
}


def store(path: Path, **environ: str) -> ConfigStore:
    return ConfigStore(path, environ=environ)


# -- schema and sample -------------------------------------------------------------------


def test_schema_holds_every_original_key_with_its_default() -> None:
    assert set(ORIGINAL_KEYS) <= set(KEYS)
    defaults = Settings()
    for key, value in ORIGINAL_DEFAULTS.items():
        assert getattr(defaults, key) == value, key


def test_sample_validates_and_holds_every_key_with_a_comment() -> None:
    doc = read_document(SAMPLE)
    assert list(doc) == list(KEYS)
    validate(dict(doc))
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    for key in KEYS:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        block_above = lines[:index]
        # a comment on the line above, or above the group of keys it belongs to
        assert any(line.startswith("#") for line in block_above[-13:]), key


def test_editable_keys_are_derived_from_the_schema() -> None:
    # Restart keys are editable (the edit says it needs a restart), except the two that
    # point the bot's token or its data elsewhere.
    locked = {"DATA_DIR", "DISCORD_API_BASE_URL"}
    assert set(EDITABLE_KEYS) == set(KEYS) - SECRET_KEYS - locked
    assert {"ENABLE_PREFIX_COMMANDS", "PLEX_ENABLED"} <= RESTART_KEYS & set(EDITABLE_KEYS)
    assert set(KEYS) == LIVE_KEYS | RESTART_KEYS and not LIVE_KEYS & RESTART_KEYS
    assert {"DISCORD_TOKEN", "TAUTULLI_API_KEY", "PLEX_TOKEN", "DISCOGS_TOKEN"} == SECRET_KEYS
    # The Discord login and the Plex, MusicBrainz and Discogs clients are made at start-up:
    # an edit of their tokens says it needs a restart (Tautulli's client follows its key).
    assert {"DISCORD_TOKEN", "PLEX_TOKEN", "DISCOGS_TOKEN"} <= RESTART_KEYS
    assert "TAUTULLI_API_KEY" in LIVE_KEYS
    assert "UPDATE_DAYS" in EDITABLE_KEYS


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("UPDATE_DAYS", -3, "at least 1"),
        ("TV_COLOR", "notacolour", "not a colour"),
        ("FIXED_UPDATE_TIME", "25:00", "HH:MM"),
        ("WRAPPED_DATE", "02-30", "MM-DD"),
        ("WRAPPED_DATE", "02-29", "MM-DD"),
        ("WRAPPED_DATE", "1-12", "MM-DD"),
        ("LANGUAGE", "fr", "one of"),
        ("TIMEZONE", "Mars/Olympus", "time zone"),
        ("CENSOR_USERNAMES", "perhaps", "true or false"),
        ("TAUTULLI_URL", "localhost:8181", "URL"),
    ],
)
def test_bad_values_are_one_line_with_key_value_and_rule(
    key: str, value: object, fragment: str
) -> None:
    with pytest.raises(ConfigError) as info:
        validate({key: value})
    [problem] = info.value.problems
    line = problem.render(translator("en"))
    assert line.startswith(f"{key} = {value!r}: ")
    assert fragment in line


def test_colour_names_and_hex_are_accepted() -> None:
    settings = validate(
        {"TV_COLOR": "steelblue", "MOVIE_COLOR": "#abc", "MUSIC_COLOR": "#11223344"}
    )
    assert settings.TV_COLOR == "steelblue"


def test_unknown_key_names_the_closest_known_one() -> None:
    with pytest.raises(ConfigError) as info:
        validate({"TV_COLOUR": "#000000"})
    assert "did you mean TV_COLOR?" in info.value.render(translator("en"))


# -- the store -----------------------------------------------------------------------------


def test_set_changes_exactly_one_line_and_keeps_comments(sample_config: Path) -> None:
    before = sample_config.read_text(encoding="utf-8").splitlines()
    result = store(sample_config).set("ENABLE_GRAPH_GRID", "true")
    after = sample_config.read_text(encoding="utf-8").splitlines()
    assert result.settings.ENABLE_GRAPH_GRID is True
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("ENABLE_GRAPH_GRID: false", "ENABLE_GRAPH_GRID: true")]


def test_set_keeps_quoting_of_strings(sample_config: Path) -> None:
    s = store(sample_config)
    s.set("FIXED_UPDATE_TIME", "18:30")
    s.set("TV_COLOR", "#123456")
    s.set("CAMERA_IGNORED_CHANNEL_IDS", "12, 34")
    text = sample_config.read_text(encoding="utf-8")
    assert 'FIXED_UPDATE_TIME: "18:30"' in text
    assert 'TV_COLOR: "#123456"' in text
    assert "CAMERA_IGNORED_CHANNEL_IDS: [12, 34]" in text
    assert store(sample_config).settings.CAMERA_IGNORED_CHANNEL_IDS == [12, 34]


@pytest.mark.parametrize(
    ("key", "value"),
    [("UPDATE_DAYS", "-3"), ("TV_COLOR", "notacolour"), ("NOT_A_KEY", "1"), ("DISCORD_TOKEN", "x")],
)
def test_refused_edit_leaves_the_file_byte_for_byte(
    sample_config: Path, key: str, value: str
) -> None:
    original = sample_config.read_bytes()
    s = store(sample_config)
    with pytest.raises(ConfigError):
        s.set(key, value)
    assert sample_config.read_bytes() == original
    assert s.settings == Settings.model_validate(dict(read_document(sample_config)))


def test_environment_and_dotenv_override_the_file(sample_config: Path) -> None:
    (sample_config.parent / ".env").write_text(
        "UPDATE_DAYS=3\nTGRAPH_KEEP_DAYS=9\n", encoding="utf-8"
    )
    s = store(sample_config, UPDATE_DAYS="5", LANGUAGE="da_DK:da", TGRAPH_TIME_RANGE_DAYS="60")
    assert s.settings.UPDATE_DAYS == 5  # environment beats .env
    assert s.settings.KEEP_DAYS == 9  # .env beats the file
    assert s.settings.TIME_RANGE_DAYS == 60
    assert s.settings.LANGUAGE == "en"  # the system's LANGUAGE is not ours
    result = s.set("UPDATE_DAYS", "2")
    assert result.overridden_by_environment
    assert result.settings.UPDATE_DAYS == 5
    assert "UPDATE_DAYS: 2" in sample_config.read_text(encoding="utf-8")


def test_a_blank_environment_variable_leaves_the_file_alone(sample_config: Path) -> None:
    """Unraid and compose pass a template's blank fields as KEY= (and a .env may hold
    KEY=): those must not blank out what config.yml says."""
    text = sample_config.read_text(encoding="utf-8").replace("CHANNEL_ID: 0", "CHANNEL_ID: 42")
    sample_config.write_text(text, encoding="utf-8")
    (sample_config.parent / ".env").write_text("UPDATE_DAYS=\n", encoding="utf-8")
    s = store(sample_config, CHANNEL_ID="", DISCORD_TOKEN="  ", TGRAPH_KEEP_DAYS="")
    assert s.settings.CHANNEL_ID == 42
    assert (s.settings.UPDATE_DAYS, s.settings.KEEP_DAYS) == (7, 7)


def test_secrets_are_never_displayed(sample_config: Path) -> None:
    s = store(sample_config, DISCORD_TOKEN="very-secret-token", TAUTULLI_API_KEY="abc123")
    for key in SECRET_KEYS:
        shown = display_value(s.settings, key)
        assert "very-secret-token" not in shown
        assert "abc123" not in shown
    assert display_value(s.settings, "DISCORD_TOKEN") == "********"
    assert display_value(s.settings, "PLEX_TOKEN") == "(not set)"
    assert "very-secret-token" not in repr(s.settings)
    assert "very-secret-token" not in str(s.settings.model_dump())


def test_subscribers_hear_edits_and_hand_edits(sample_config: Path) -> None:
    s = store(sample_config)
    seen: list[tuple[int, int]] = []
    s.subscribe(lambda old, new: seen.append((old.UPDATE_DAYS, new.UPDATE_DAYS)))
    s.set("UPDATE_DAYS", "3")
    text = sample_config.read_text(encoding="utf-8").replace("UPDATE_DAYS: 3", "UPDATE_DAYS: 4")
    sample_config.write_text(text, encoding="utf-8")
    os.utime(sample_config, ns=(1, 1))  # a different mtime even on coarse clocks
    assert s.reload_if_changed()
    assert seen == [(7, 3), (3, 4)]
    assert s.settings.UPDATE_DAYS == 4


def test_a_hand_edit_of_a_restart_only_key_says_so_and_a_live_one_is_applied(
    sample_config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    s = store(sample_config)
    text = sample_config.read_text(encoding="utf-8")
    text = text.replace('PLEX_TOKEN: ""', 'PLEX_TOKEN: "new-plex-token-123"')
    sample_config.write_text(text.replace("UPDATE_DAYS: 7", "UPDATE_DAYS: 5"), encoding="utf-8")
    os.utime(sample_config, ns=(3, 3))
    with caplog.at_level(logging.WARNING):
        assert s.reload_if_changed()
    [said] = [r.getMessage() for r in caplog.records if "restarts" in r.getMessage()]
    assert said == "config file: PLEX_TOKEN changed; it takes effect when the bot restarts"
    assert s.settings.UPDATE_DAYS == 5  # applied at once, and not named as waiting
    assert "new-plex-token-123" not in caplog.text


def test_a_bad_hand_edit_keeps_the_running_snapshot(
    sample_config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    s = store(sample_config)
    text = sample_config.read_text(encoding="utf-8")
    sample_config.write_text(text.replace("UPDATE_DAYS: 7", "UPDATE_DAYS: nope"), encoding="utf-8")
    os.utime(sample_config, ns=(2, 2))
    assert not s.reload_if_changed()
    assert s.settings.UPDATE_DAYS == 7
    assert "UPDATE_DAYS" in caplog.text


def test_broken_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yml"
    path.write_text("UPDATE_DAYS: 7\nTV_COLOR: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        store(path)
    assert re.search(r"line \d+", info.value.render(translator("en")))


def test_data_dir_is_relative_to_the_config_file_not_the_working_directory(
    sample_config: Path, tmp_path: Path
) -> None:
    from tgraph_bot.storage import database_path

    assert store(sample_config).data_dir == sample_config.parent / "data"
    absolute = tmp_path / "elsewhere"
    assert store(sample_config, DATA_DIR=str(absolute)).data_dir == absolute
    # every command (run, render, import-camera) opens this one file
    assert (
        database_path(store(sample_config).data_dir) == sample_config.parent / "data" / "tgraph.db"
    )


def test_errors_exports_every_error_it_defines() -> None:
    import inspect

    from tgraph_bot import errors

    defined = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value) and value.__module__ == errors.__name__
    }
    assert defined == set(errors.__all__)
