"""Which modules a source file imports (relative imports resolved), for the layer tests."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def module_name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_statements(path: Path, src: Path = SRC) -> list[tuple[str, tuple[str, ...], bool]]:
    """Every import statement in ``path``, wherever it is (top level, in a function, under
    TYPE_CHECKING), as (module, names, bare): ``import a.b`` is ("a.b", (), False), ``from a
    import b, c`` is ("a", ("b", "c"), False), and ``from . import x`` is (the package,
    ("x",), True). Relative imports are resolved to absolute names."""
    package = module_name(path, src)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: list[tuple[str, tuple[str, ...], bool]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, (), False) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = tuple(a.name for a in node.names)
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                prefix = ".".join(base)
                module = f"{prefix}.{node.module}" if node.module else prefix
                found.append((module, names, not node.module))
            elif node.module:
                found.append((node.module, names, False))
    return found


def imported_modules(path: Path, src: Path = SRC) -> set[str]:
    """Every module ``path`` imports, relative imports resolved to absolute names."""
    found: set[str] = set()
    for module, names, bare in import_statements(path, src):
        found.add(module)
        if bare:  # ``from . import x`` may import the submodule x.
            found.update(f"{module}.{n}" for n in names)
    return found


def imported_targets(path: Path, modules: set[str], src: Path = SRC) -> set[str]:
    """The modules among ``modules`` whose code ``path`` imports: ``from pkg import sub``
    (sub a module) is an import of pkg.sub, not of pkg's ``__init__``; ``from pkg import
    name`` (anything else) is an import of pkg."""
    found: set[str] = set()
    for module, names, _ in import_statements(path, src):
        subs = {f"{module}.{n}" for n in names} & modules
        found |= subs
        if len(subs) < len(names) or not names:
            found.add(module)
    return found & modules


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
