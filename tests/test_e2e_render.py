"""`tgraph-bot render`: the configured (fake) Tautulli's graphs written to a folder."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.fakes.tautulli import fake_tautulli_process
from tgraph_bot.cli import main
from tgraph_bot.graphs.registry import GRAPHS

pytestmark = pytest.mark.slow  # starts processes or renders for real

API_KEY = "render-tautulli-key"
EMAIL = "Harper.Kim11@mail.example.com"  # a recorded Tautulli user


def write_config(tmp_path: Path, url: str) -> Path:
    config = tmp_path / "config.yml"
    config.write_text(
        f'TAUTULLI_URL: "{url}"\nTAUTULLI_API_KEY: "{API_KEY}"\nLANGUAGE: da\n',
        encoding="utf-8",
    )
    return config


async def test_render_writes_every_graph_and_its_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with fake_tautulli_process(API_KEY) as tautulli:
        config = write_config(tmp_path, tautulli.url)
        out = tmp_path / "graphs"
        status = await asyncio.to_thread(
            main, ["--config", str(config), "render", "--out", str(out)]
        )
        server = capsys.readouterr().out.splitlines()
        assert status == 0
        mine = tmp_path / "mine"
        status = await asyncio.to_thread(
            main, ["--config", str(config), "render", "--out", str(mine), "--user", EMAIL]
        )
        personal = capsys.readouterr().out.splitlines()
        assert status == 0
    assert server[-1] == f"{len(GRAPHS)} grafer skrevet til {out.resolve()}"
    for spec in GRAPHS:
        assert (out / f"{spec.id}.png").read_bytes().startswith(b"\x89PNG")
        assert str(out / f"{spec.id}.png") in server
        assert json.loads((out / f"{spec.id}.json").read_text())
    # The member's graphs hold their own plays, not the server's.
    theirs = json.loads((mine / "daily_play_count.json").read_text())
    assert theirs != json.loads((out / "daily_play_count.json").read_text())
    assert personal[-1].endswith(f"skrevet til {mine.resolve()}")
    assert API_KEY not in "\n".join(server + personal)


async def test_render_for_an_unknown_email_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with fake_tautulli_process(API_KEY) as tautulli:
        config = write_config(tmp_path, tautulli.url)
        status = await asyncio.to_thread(
            main, ["--config", str(config), "render", "--user", "nobody@example.com"]
        )
    captured = capsys.readouterr()
    assert status == 1
    assert captured.err.splitlines() == ["Ingen Tautulli-bruger har den e-mailadresse."]
    assert not (tmp_path / "graphs").exists()
