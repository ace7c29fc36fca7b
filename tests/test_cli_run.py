"""`tgraph-bot run` refuses to start with the readiness problems, one line each."""

from __future__ import annotations

from pathlib import Path

import pytest

from tgraph_bot.cli import main


def test_run_refuses_an_unready_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.yml"
    config.write_text('TAUTULLI_API_KEY: "k"\n', encoding="utf-8")
    assert main(["--config", str(config), "run"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["DISCORD_TOKEN", "CHANNEL_ID = 0"]
