"""Which modules a source file imports (relative imports resolved), for the layer tests."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def module_name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, src: Path = SRC) -> set[str]:
    """Every module ``path`` imports, relative imports resolved to absolute names."""
    package = module_name(path, src)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                prefix = ".".join(base)
                module = f"{prefix}.{node.module}" if node.module else prefix
                # ``from . import x`` may import the submodule x.
                found.update(f"{module}.{a.name}" for a in node.names if not node.module)
                found.add(module)
            elif node.module:
                found.add(node.module)
    return found


def offenders(
    root: Path, allowed: set[str], allowed_own: tuple[str, ...], src: Path = SRC
) -> dict[str, set[str]]:
    """Files under ``root`` importing a module whose top level is not in ``allowed`` or, for
    the program's own modules, not under one of ``allowed_own``."""
    result: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        bad: set[str] = set()
        for module in imported_modules(path, src):
            top = module.split(".")[0]
            if top == "tgraph_bot":
                if not module.startswith(allowed_own):
                    bad.add(module)
            elif top not in allowed:
                bad.add(module)
        if bad:
            result[str(path.relative_to(root))] = bad
    return result
