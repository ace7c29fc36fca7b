"""A configuration that cannot be broken: bad hand edits, unsaveable values, hostile YAML,
secrets inside URLs."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tgraph_bot.cli import main as cli_main
from tgraph_bot.config import ConfigStore, display_value
from tgraph_bot.config.display import MaskSecretsFilter, mask_secrets, shown
from tgraph_bot.config.problems import ConfigError
from tgraph_bot.config.store import MAX_FILE_BYTES
from tgraph_bot.i18n import translator

EN = translator("en")
GET = ("config", "get")
SECRET_URL = "http://bob:hunter2-pass@tautulli.lan:8181/tautulli?apikey=S3cr3tKey&X-Plex-Token=pt0k"


def store(path: Path) -> ConfigStore:
    return ConfigStore(path, environ={}, use_dotenv=False)


def touch(path: Path, n: int) -> None:
    os.utime(path, ns=(n * 10**9, n * 10**9))  # a new mtime even on coarse clocks


def lines_from(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


# -- the watcher survives every kind of bad file --------------------------------------------


def not_utf8(path: Path) -> None:
    path.write_bytes(b'UPDATE_DAYS: 3\nCOMMAND_PREFIX: "\xff\xfe"\n')


def unreadable(path: Path) -> None:
    path.write_text("UPDATE_DAYS: 3\n", encoding="utf-8")
    path.chmod(0)


def bad_yaml(path: Path) -> None:
    path.write_text("UPDATE_DAYS: 3\nTV_COLOR: [unclosed\n", encoding="utf-8")


def bad_values(path: Path) -> None:
    path.write_text("UPDATE_DAYS: nope\nTV_COLOR: not-a-colour\n", encoding="utf-8")


def alias_bomb(path: Path) -> None:
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    path.write_text("\n".join(levels) + "\nCOMMAND_PREFIX: *a8\n", encoding="utf-8")


def too_large(path: Path) -> None:
    path.write_text("COMMAND_PREFIX: " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")


def a_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


def not_a_mapping(path: Path) -> None:
    path.write_text("- UPDATE_DAYS\n- 3\n", encoding="utf-8")


HUGE = "9" * 4400  # more digits than Python turns into a number (4,300)


def edit_line(path: Path, line: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert line in text
    path.write_text(text.replace(line, new), encoding="utf-8")


def huge_integer(path: Path) -> None:
    edit_line(path, "UPDATE_DAYS: 7", f"UPDATE_DAYS: {HUGE}")


def hex_integer(path: Path) -> None:
    edit_line(path, "UPDATE_DAYS: 7", "UPDATE_DAYS: 0x10")


def duplicate_key(path: Path) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write("UPDATE_DAYS: 3\n")


BAD_FILES: dict[str, Callable[[Path], None]] = {
    "not UTF-8": not_utf8,
    "unreadable": unreadable,
    "bad YAML": bad_yaml,
    "bad values": bad_values,
    "alias bomb": alias_bomb,
    "over 1 MB": too_large,
    "a directory": a_directory,
    "not a mapping": not_a_mapping,
    "huge integer": huge_integer,
    "hex integer": hex_integer,
    "duplicate key": duplicate_key,
}


def restore(path: Path) -> None:
    if path.is_dir():
        path.rmdir()
    if path.exists():
        path.chmod(0o644)


@pytest.mark.parametrize("kind", BAD_FILES)
async def test_the_watcher_survives_a_bad_file_and_picks_up_the_next_good_edit(
    sample_config: Path, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    if kind == "unreadable" and os.geteuid() == 0:
        pytest.skip("root reads any file")
    s = store(sample_config)
    good = (await asyncio.to_thread(sample_config.read_text, encoding="utf-8")).replace(
        "UPDATE_DAYS: 7", "UPDATE_DAYS: 4"
    )
    watcher = asyncio.create_task(s.watch(interval=0.01))
    try:
        await asyncio.to_thread(spoil, sample_config, BAD_FILES[kind])
        await wait_for(lambda: bool(lines_from(caplog)))
        assert s.settings.UPDATE_DAYS == 7  # the last good settings stay
        [line] = lines_from(caplog)  # one line, however many problems
        assert "\n" not in line and len(line) < 400
        assert "the last good settings stay" in line
        await asyncio.to_thread(mend, sample_config, good)
        await wait_for(lambda: s.settings.UPDATE_DAYS == 4)
        assert not watcher.done()
    finally:
        watcher.cancel()
        restore(sample_config)


def spoil(path: Path, how: Callable[[Path], None]) -> None:
    how(path)
    if path.is_file():
        touch(path, 5)


def mend(path: Path, text: str) -> None:
    restore(path)
    path.write_text(text, encoding="utf-8")
    touch(path, 9)


async def wait_for(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(30):
        while not condition():  # noqa: ASYNC110 - the watcher sets no event to wait on
            await asyncio.sleep(0.01)


# -- hostile YAML is refused before parsing, in one short line ------------------------------


@pytest.mark.parametrize(
    ("kind", "fragment"),
    [
        ("alias bomb", "YAML anchor or alias"),
        ("over 1 MB", "larger than 1 MB"),
        ("not UTF-8", "not UTF-8 text (line 2)"),
    ],
)
def test_hostile_files_are_refused_unread_with_one_line(
    sample_config: Path, kind: str, fragment: str
) -> None:
    BAD_FILES[kind](sample_config)
    with pytest.raises(ConfigError) as info:
        store(sample_config)
    [line] = info.value.render(EN).splitlines()
    assert fragment in line
    assert len(line) < 200


def test_a_huge_bad_value_is_shown_in_at_most_80_characters(tmp_path: Path) -> None:
    path = tmp_path / "config.yml"
    path.write_text("UPDATE_DAYS: " + "nine" * 250_000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        store(path)
    [line] = info.value.render(EN).splitlines()
    value = line.removeprefix("UPDATE_DAYS = ").split(": must be")[0]
    assert len(value) == 80 and value.endswith("…")


def test_shown_bounds_the_work_and_the_length_of_any_value() -> None:
    huge = [["lol"] * 10**6] * 10**3  # a million-fold list is never expanded into text
    assert len(shown(huge)) <= 80
    assert shown("short") == "'short'"


# -- a value that cannot be saved and read back is refused -----------------------------------


@pytest.mark.parametrize(
    "value",
    ["caf\udcc3\udca9", "bad\x00byte", "two\nlines", "bell\x07", "tab\there", "\ufeffbom"],
)
def test_set_refuses_a_value_that_cannot_be_saved_and_read_back(
    sample_config: Path, value: str
) -> None:
    s = store(sample_config)
    before = sample_config.read_bytes()
    with pytest.raises(ConfigError) as info:
        s.set("COMMAND_PREFIX", value)
    assert "cannot be saved" in info.value.render(EN)
    assert sample_config.read_bytes() == before
    assert store(sample_config).settings.COMMAND_PREFIX == "!"  # the file still loads


@pytest.mark.slow  # starts processes (argv as raw bytes needs a real one)
def test_config_set_on_the_command_line_refuses_bytes_that_are_not_utf8(
    sample_config: Path,
) -> None:
    before = sample_config.read_bytes()
    done = subprocess.run(  # argv as raw bytes, the way a shell passes them
        [
            os.fsencode(sys.executable),
            b"-m",
            b"tgraph_bot.cli",
            b"--config",
            os.fsencode(sample_config),
            b"config",
            b"set",
            b"MUSICBRAINZ_USER_AGENT",
            b"Bot \xff\xfe 1.0",
        ],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 1
    [line] = done.stderr.decode("utf-8", "replace").splitlines()
    assert line.startswith("MUSICBRAINZ_USER_AGENT = ") and "cannot be saved" in line
    assert sample_config.read_bytes() == before
    check = subprocess.run(
        [
            sys.executable,
            "-m",
            "tgraph_bot.cli",
            "--config",
            str(sample_config),
            *GET,
            "UPDATE_DAYS",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.stdout.strip() == "7"  # every later command still reads the file


# -- secrets inside URLs ----------------------------------------------------------------------


def test_mask_secrets_hides_passwords_and_key_parameters_only() -> None:
    assert mask_secrets(SECRET_URL) == (
        "http://bob:***@tautulli.lan:8181/tautulli?apikey=***&X-Plex-Token=***"
    )
    assert (
        mask_secrets("https://plex.tv/x?token=abc&size=2") == "https://plex.tv/x?token=***&size=2"
    )
    assert mask_secrets("http://host:8181/api/v2") == "http://host:8181/api/v2"


def test_config_get_and_view_show_urls_with_credentials_masked(
    sample_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = store(sample_config)
    s.set("TAUTULLI_URL", SECRET_URL)
    shown_value = display_value(s.settings, "TAUTULLI_URL")
    assert "hunter2" not in shown_value and "S3cr3tKey" not in shown_value
    assert "pt0k" not in shown_value and "tautulli.lan:8181" in shown_value
    assert cli_main(["--config", str(sample_config), *GET]) == 0
    got = capsys.readouterr()
    assert "TAUTULLI_URL: http://bob:***@tautulli.lan" in got.out
    assert "hunter2" not in got.out + got.err and "S3cr3tKey" not in got.out


def test_errors_about_a_url_mask_its_credentials(sample_config: Path) -> None:
    s = store(sample_config)
    with pytest.raises(ConfigError) as info:
        s.set("PLEX_TV_URL", "ftp://u:hunter2-pass@plex.tv/?X-Plex-Token=pt0k")
    text = info.value.render(EN) + str(info.value.problems[0])
    assert "hunter2" not in text and "pt0k" not in text and "PLEX_TV_URL" in text


def test_the_log_filter_masks_urls_in_any_record(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.masking")
    caplog.handler.addFilter(MaskSecretsFilter())
    try:
        logger.warning("could not reach %s", SECRET_URL)
    finally:
        caplog.handler.removeFilter(caplog.handler.filters[-1])
    assert "hunter2" not in caplog.text and "S3cr3tKey" not in caplog.text
    assert "could not reach http://bob:***@tautulli.lan" in caplog.text


# -- numbers: plain decimal only, never a traceback ------------------------------------------


def duplicate_lines(path: Path) -> tuple[int, int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    first = lines.index("UPDATE_DAYS: 7") + 1
    return first, len(lines)


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        (huge_integer, "UPDATE_DAYS = '99999"),
        (huge_integer, "…: is not a valid number: it has 4400 digits"),
        (hex_integer, "UPDATE_DAYS = '0x10': must be written in plain decimal digits"),
    ],
)
def test_a_number_in_the_file_that_is_not_plain_decimal_is_one_line(
    sample_config: Path, spoil: Callable[[Path], None], says: str
) -> None:
    spoil(sample_config)
    with pytest.raises(ConfigError) as info:
        store(sample_config)
    [line] = info.value.render(EN).splitlines()
    assert says in line and len(line) < 200


def test_a_duplicate_key_names_both_lines(sample_config: Path) -> None:
    duplicate_key(sample_config)
    first, second = duplicate_lines(sample_config)
    with pytest.raises(ConfigError) as info:
        store(sample_config)
    assert info.value.render(EN) == (
        f"{sample_config}: UPDATE_DAYS appears twice (lines {first} and {second}): keep one"
    )


@pytest.mark.parametrize(
    "written", ["0x10", "0o20", "0b10000", "1_6", "+0x10", "16.0", "1.6e1", "true"]
)
def test_an_integer_must_be_plain_decimal_in_the_file_the_environment_and_config_set(
    sample_config: Path, written: str
) -> None:
    before = sample_config.read_bytes()
    with pytest.raises(ConfigError) as from_set:
        store(sample_config).set("UPDATE_DAYS", written)
    assert sample_config.read_bytes() == before
    with pytest.raises(ConfigError) as from_environment:
        ConfigStore(sample_config, environ={"UPDATE_DAYS": written}, use_dotenv=False)
    edit_line(sample_config, "UPDATE_DAYS: 7", f"UPDATE_DAYS: {written}")
    with pytest.raises(ConfigError) as from_file:
        store(sample_config)
    for error in (from_set, from_environment, from_file):
        [line] = error.value.render(EN).splitlines()
        assert line.startswith("UPDATE_DAYS = ")
        assert "must be written in plain decimal digits" in line or "whole number" in line


@pytest.mark.parametrize("written", ["16", "+16", "016", " 16 "])
def test_plain_decimal_integers_are_read_as_written(sample_config: Path, written: str) -> None:
    assert store(sample_config).set("UPDATE_DAYS", written).settings.UPDATE_DAYS == 16
    assert "UPDATE_DAYS: 16\n" in sample_config.read_text(encoding="utf-8")
    env = ConfigStore(sample_config, environ={"UPDATE_DAYS": written}, use_dotenv=False)
    assert env.settings.UPDATE_DAYS == 16


def test_a_decimal_setting_takes_plain_decimals_only(sample_config: Path) -> None:
    s = store(sample_config)
    assert s.set("TOP_RATED_MIN_STARS", "4.5").settings.TOP_RATED_MIN_STARS == 4.5
    for written in ("4_5", "0x4", "4,5"):
        with pytest.raises(ConfigError) as info:
            s.set("TOP_RATED_MIN_STARS", written)
        assert "plain decimal" in info.value.render(EN)


def test_a_huge_integer_in_a_list_or_as_a_key_is_one_line(sample_config: Path) -> None:
    edit_line(
        sample_config, "CAMERA_IGNORED_CHANNEL_IDS: []", f"CAMERA_IGNORED_CHANNEL_IDS: [1, {HUGE}]"
    )
    with pytest.raises(ConfigError) as info:
        store(sample_config)
    [line] = info.value.render(EN).splitlines()
    assert line.startswith("CAMERA_IGNORED_CHANNEL_IDS") and "it has 4400 digits" in line
    sample_config.write_text(
        f"{HUGE[:1000]}: 3\n", encoding="utf-8"
    )  # a key, as long as YAML allows
    with pytest.raises(ConfigError) as info:
        store(sample_config)
    [line] = info.value.render(EN).splitlines()
    assert line.endswith("…: unknown key") and len(line) < 100


@pytest.mark.parametrize(
    "prefix", ["@here", "@everyone", "<@123>", "<#456>", "! ", "a b", "!\u00a0"]
)
def test_command_prefix_refuses_mentions_and_spaces(sample_config: Path, prefix: str) -> None:
    with pytest.raises(ConfigError) as info:
        store(sample_config).set("COMMAND_PREFIX", prefix)
    [line] = info.value.render(EN).splitlines()
    assert "Discord reads those as mentions" in line
    assert store(sample_config).set("COMMAND_PREFIX", "?").settings.COMMAND_PREFIX == "?"


def test_the_number_problems_read_in_danish(sample_config: Path) -> None:
    da = translator("da")
    s = store(sample_config)
    for key, value in (("UPDATE_DAYS", HUGE), ("UPDATE_DAYS", "0x10"), ("COMMAND_PREFIX", "@here")):
        with pytest.raises(ConfigError) as info:
            s.set(key, value)
        assert info.value.render(da) != info.value.render(EN)
    duplicate_key(sample_config)
    with pytest.raises(ConfigError) as info:
        store(sample_config)
    assert "keep one" not in info.value.render(da)
