"""The command line, run as a person runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts processes or renders for real


def tgraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TGRAPH_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tgraph_bot.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        check=False,
    )


def test_config_set_and_get_round_trip(sample_config: Path) -> None:
    done = tgraph("config", "set", "ENABLE_GRAPH_GRID", "true", "--config", str(sample_config))
    assert done.returncode == 0, done.stderr
    assert "ENABLE_GRAPH_GRID: true" in sample_config.read_text()
    got = tgraph("--config", str(sample_config), "config", "get", "ENABLE_GRAPH_GRID")
    assert got.stdout.strip() == "true"


def test_config_set_refuses_bad_values_with_a_clear_line(sample_config: Path) -> None:
    original = sample_config.read_bytes()
    done = tgraph("config", "set", "UPDATE_DAYS", "-3", "--config", str(sample_config))
    assert done.returncode == 1
    assert done.stderr.strip() == "UPDATE_DAYS = -3: must be at least 1"
    done = tgraph("config", "set", "TV_COLOR", "notacolour", "--config", str(sample_config))
    assert done.returncode == 1
    assert "TV_COLOR = 'notacolour': not a colour" in done.stderr
    assert sample_config.read_bytes() == original


def test_check_names_a_misspelled_key(sample_config: Path) -> None:
    with sample_config.open("a") as fh:
        fh.write("UPDATE_DAY: 3\n")
    done = tgraph("check", "--config", str(sample_config))
    assert done.returncode == 1
    assert "UPDATE_DAY: unknown key; did you mean UPDATE_DAYS?" in done.stderr


def test_check_lists_what_run_needs(sample_config: Path) -> None:
    done = tgraph("check", "--config", str(sample_config))
    assert done.returncode == 1
    for key in ("DISCORD_TOKEN", "TAUTULLI_API_KEY", "CHANNEL_ID"):
        assert key in done.stdout
    env = {"DISCORD_TOKEN": "t0k3n", "TAUTULLI_API_KEY": "k3y", "CHANNEL_ID": "42"}
    done = tgraph("check", "--config", str(sample_config), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid" in done.stdout


def test_secrets_are_not_printed(sample_config: Path) -> None:
    env = {"DISCORD_TOKEN": "super-secret-token-value"}
    done = tgraph("config", "get", "DISCORD_TOKEN", "--config", str(sample_config), env=env)
    assert done.returncode == 0
    assert done.stdout.strip() == "********"
    everything = tgraph("config", "get", "--config", str(sample_config), env=env)
    assert "super-secret-token-value" not in everything.stdout + everything.stderr
    refused = tgraph("config", "set", "DISCORD_TOKEN", "x", "--config", str(sample_config), env=env)
    assert refused.returncode == 1
    assert "super-secret-token-value" not in refused.stdout + refused.stderr


def test_messages_follow_the_configured_language(sample_config: Path) -> None:
    done = tgraph(
        "config",
        "set",
        "UPDATE_DAYS",
        "-3",
        "--config",
        str(sample_config),
        env={"TGRAPH_LANGUAGE": "da"},
    )
    assert done.returncode == 1
    assert "UPDATE_DAYS = -3" in done.stderr
    assert "must be at least" not in done.stderr


def test_missing_config_file_says_how_to_make_one(tmp_path: Path) -> None:
    done = tgraph("check", "--config", str(tmp_path / "nope.yml"))
    assert done.returncode == 1
    assert "config.yml.sample" in done.stderr


def test_db_upgrade_prints_then_applies_the_pending_migrations(sample_config: Path) -> None:
    from tgraph_bot.storage.migrations import bundled

    names = [m.name for m in bundled()]
    preview = tgraph("db", "upgrade", "--sql", "--config", str(sample_config))
    assert preview.returncode == 0, preview.stderr
    assert [line[3:] for line in preview.stdout.splitlines() if line.startswith("-- 0")] == names
    assert "CREATE TABLE camera_session" in preview.stdout
    database = sample_config.parent / "data" / "tgraph.db"
    assert "schema_migrations" not in database.read_bytes().decode("latin-1")  # changed nothing
    done = tgraph("db", "upgrade", "--config", str(sample_config))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        *(f"Applied {name}." for name in names),
        f"{database}: the database is up to date (version {len(names)}).",
    ]
    assert tgraph("db", "upgrade", "--sql", "--config", str(sample_config)).stdout == ""


READY = {"DISCORD_TOKEN": "x.y.z", "TAUTULLI_API_KEY": "k", "CHANNEL_ID": "42"}


def test_a_database_of_a_newer_program_refuses_with_one_line(sample_config: Path) -> None:
    import sqlite3

    assert tgraph("db", "upgrade", "--config", str(sample_config)).returncode == 0
    database = sample_config.parent / "data" / "tgraph.db"
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (99, '099_x.sql', 'ab', 'now')")
    conn.close()
    for command in (["db", "upgrade"], ["run"]):
        done = tgraph(*command, "--config", str(sample_config), env=READY)
        assert done.returncode == 1
        assert done.stderr.splitlines() == [
            "The database has migration 099_x.sql applied, which this program does not have: "
            "it is from a newer version; upgrade TGraph Bot."
        ], command


HUGE = "9" * 4400  # more digits than CPython turns into a number (4,300)
NOT_A_NUMBER = ": is not a valid number: it has 4400 digits"


def one_line_about_the_huge_number(done: subprocess.CompletedProcess[str], says: str) -> bool:
    """Exit 1, nothing on stdout, one line on stderr: the key, the value cut short, ``says``."""
    line = done.stderr.removesuffix("\n")
    return (done.returncode, done.stdout, "\n" in line) == (1, "", False) and (
        line.startswith("UPDATE_DAYS = '999") and line.endswith("…" + says) and len(line) < 150
    )


def test_a_huge_integer_from_config_set_is_one_line(sample_config: Path) -> None:
    before = sample_config.read_bytes()
    done = tgraph("config", "set", "UPDATE_DAYS", HUGE, "--config", str(sample_config))
    assert one_line_about_the_huge_number(done, NOT_A_NUMBER), done
    assert sample_config.read_bytes() == before


def test_a_huge_integer_in_the_file_is_one_line_from_every_command(sample_config: Path) -> None:
    text = sample_config.read_text(encoding="utf-8")
    sample_config.write_text(text.replace("UPDATE_DAYS: 7", f"UPDATE_DAYS: {HUGE}"))
    commands = [["config", "get"], ["config", "get", "KEEP_DAYS"], ["check"]]
    commands += [["config", "set", "KEEP_DAYS", "3"], ["run"]]
    for command in commands:
        done = tgraph(*command, "--config", str(sample_config), env=READY)
        assert one_line_about_the_huge_number(done, NOT_A_NUMBER), (command, done)
    danish = tgraph("check", "--config", str(sample_config), env={"TGRAPH_LANGUAGE": "da"})
    assert one_line_about_the_huge_number(danish, ": er ikke et gyldigt tal: det har 4400 cifre")


def test_config_set_refuses_hex_and_mentions_with_one_line(sample_config: Path) -> None:
    before = sample_config.read_bytes()
    hexa = tgraph("config", "set", "UPDATE_DAYS", "0x10", "--config", str(sample_config))
    assert hexa.returncode == 1
    assert hexa.stderr == (
        "UPDATE_DAYS = '0x10': must be written in plain decimal digits, such as 16 or 4.5 "
        "(not 0x10, 0o20 or 1_000)\n"
    )
    here = tgraph("config", "set", "COMMAND_PREFIX", "@here", "--config", str(sample_config))
    assert here.returncode == 1
    assert here.stderr.startswith("COMMAND_PREFIX = '@here': cannot contain spaces, @")
    assert sample_config.read_bytes() == before
