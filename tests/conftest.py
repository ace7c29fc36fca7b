"""Shared fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "config.yml.sample"


# Tests that start processes (the bot, the CLI, graph workers, a fake Tautulli) or wait on
# real rendering: `pytest -m "not slow"` leaves them out for a quick run while working.
# Every test_e2e_* module is slow too.
SLOW_MODULES = frozenset(
    {
        "test_camera_kill",
        "test_cli",
        "test_crash_safety",
        "test_demo_cli",
        "test_fake_tautulli",
        "test_graph_service",
        "test_render_pipeline",
    }
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: starts processes or renders for real (deselect: -m 'not slow')"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = item.path.stem
        if name in SLOW_MODULES or name.startswith("test_e2e"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def sample_config(tmp_path: Path) -> Path:
    """A fresh copy of config.yml.sample in a temporary folder."""
    path = tmp_path / "config.yml"
    shutil.copyfile(SAMPLE, path)
    return path
