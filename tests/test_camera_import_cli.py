"""tgraph-bot import-camera FILE --guild ID."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tgraph_bot.cli import main
from tgraph_bot.storage.db import connect

FIXTURES = Path(__file__).parent / "fixtures"


def imported(db: Path) -> list[tuple[int, int, int, int]]:
    conn = connect(db)
    try:
        rows = conn.execute(
            "SELECT guild_id, member_id, seconds, sessions FROM camera_import ORDER BY member_id"
        ).fetchall()
        return [(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]
    finally:
        conn.close()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yml"
    path.write_text(f"DATA_DIR: {tmp_path / 'data'}\n", encoding="utf-8")
    return path


def test_import_then_again_changes_nothing(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "video_ranking.json"
    shutil.copy(FIXTURES / "video_ranking.json", source)
    argv = ["import-camera", str(source), "--guild", "42", "--config", str(config)]
    assert main(argv) == 0
    assert "imported the all-time camera totals of 3 members" in capsys.readouterr().out
    db = tmp_path / "data" / "tgraph.db"
    first = imported(db)
    assert first == [
        (42, 111111111111111111, 3600, 5),
        (42, 222222222222222222, 7200, 4),
        (42, 333333333333333333, 59, 1),
    ]
    assert main(argv) == 0
    assert "already imported, nothing changed" in capsys.readouterr().out
    assert imported(db) == first


def test_a_malformed_file_is_refused_and_nothing_is_imported(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "video_ranking.json"
    source.write_text(
        '{\n  "1": {"total_seconds": 10, "sessions": 1},\n  "2": {"total_seconds": "ten"}\n}\n',
        encoding="utf-8",
    )
    code = main(["import-camera", str(source), "--guild", "42", "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{source}, line 3: 2: total_seconds must be a whole number of at least 0" in err
    assert "Nothing was imported." in err
    assert imported(tmp_path / "data" / "tgraph.db") == []
