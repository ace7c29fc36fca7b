"""core/ imports the standard library only: no framework leaks into the pure core."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "src" / "tgraph_bot" / "core"


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_imports_only_the_standard_library_and_itself() -> None:
    allowed = set(sys.stdlib_module_names) | {"tgraph_bot"}
    offenders: dict[str, set[str]] = {}
    for path in sorted(CORE.rglob("*.py")):
        bad = imported_roots(path) - allowed
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
            if module.startswith("tgraph_bot.") and not module.startswith("tgraph_bot.core"):
                bad.add(module)
        if bad:
            offenders[path.name] = bad
    assert offenders == {}
    assert len(list(CORE.rglob("*.py"))) >= 2


def test_the_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import discord\nfrom matplotlib import pyplot\nimport json\n", encoding="utf-8")
    assert imported_roots(bad) - set(sys.stdlib_module_names) == {"discord", "matplotlib"}
