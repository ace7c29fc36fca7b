"""core/ imports the standard library only: no framework leaks into the pure core."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.import_rules import SRC, imported_modules, offenders

CORE = SRC / "tgraph_bot" / "core"


def test_core_imports_only_the_standard_library_and_itself() -> None:
    found = offenders(CORE, set(sys.stdlib_module_names), ("tgraph_bot.core",))
    assert found == {}
    assert len(list(CORE.rglob("*.py"))) >= 2


def test_the_checker_catches_absolute_and_relative_forbidden_imports(tmp_path: Path) -> None:
    core = tmp_path / "tgraph_bot" / "core"
    core.mkdir(parents=True)
    (core / "bad.py").write_text(
        "import discord\nfrom matplotlib import pyplot\nimport json\n"
        "from ..adapters import tautulli\nfrom .. import storage\nfrom . import ids\n"
        "from .ids import GraphId\nfrom tgraph_bot.config import schema\n",
        encoding="utf-8",
    )
    (core / "__init__.py").write_text("from .. import app\n", encoding="utf-8")
    assert imported_modules(core / "bad.py", tmp_path) == {
        "discord",
        "matplotlib",
        "json",
        "tgraph_bot.adapters",
        "tgraph_bot",
        "tgraph_bot.storage",
        "tgraph_bot.core",
        "tgraph_bot.core.ids",
        "tgraph_bot.config",
    }
    assert imported_modules(core / "__init__.py", tmp_path) == {"tgraph_bot", "tgraph_bot.app"}
    assert offenders(core, set(sys.stdlib_module_names), ("tgraph_bot.core",), tmp_path) == {
        "__init__.py": {"tgraph_bot", "tgraph_bot.app"},
        "bad.py": {
            "discord",
            "matplotlib",
            "tgraph_bot.adapters",
            "tgraph_bot",
            "tgraph_bot.storage",
            "tgraph_bot.config",
        },
    }
