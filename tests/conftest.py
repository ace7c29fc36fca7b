"""Shared fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "config.yml.sample"


@pytest.fixture
def sample_config(tmp_path: Path) -> Path:
    """A fresh copy of config.yml.sample in a temporary folder."""
    path = tmp_path / "config.yml"
    shutil.copyfile(SAMPLE, path)
    return path
