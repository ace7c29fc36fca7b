"""Each floor of the program imports only from the floors below it.

From the bottom: ``core/`` (pure: the standard library only) and ``files.py`` (nothing of the
program); ``errors.py`` (translatable messages); ``config/``; ``graphs/`` (drawing);
``storage/`` (SQLite); ``services/`` (use cases over the Protocols of services/ports/);
``adapters/`` (Discord, HTTP, Plex); and on top the entry points, ``app.py`` (which builds
everything) and the command line. Every import counts: one inside a function or under
TYPE_CHECKING too, relative ones resolved.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.import_rules import SRC, import_statements, imported_modules, offenders

PACKAGE = SRC / "tgraph_bot"
CORE = PACKAGE / "core"

ENTRY_POINTS = ("tgraph_bot.app", "tgraph_bot.cli*", "tgraph_bot.online", "tgraph_bot.startup")
"""The top floor: what builds the program and what runs its commands (``cli*``: every
command-line module)."""
NETWORK = ("discord", "httpx", "plexapi", "aiohttp")


@dataclass(frozen=True, slots=True)
class Floor:
    path: str
    """A folder or a file, under src/tgraph_bot."""
    forbidden: tuple[str, ...]
    """Modules it may not import (with their submodules); ``name*``: any module whose name
    starts so."""
    waived: Mapping[str, str] = field(default_factory=dict[str, str])
    """Files (under ``path``) that break the rule for now -> the change that ends it. A
    waiver no longer needed fails the test, so it is removed when the file is fixed."""


FLOORS: dict[str, Floor] = {
    "files": Floor("files.py", ("tgraph_bot",)),
    "errors": Floor(
        "errors.py",
        (
            "tgraph_bot.config",
            "tgraph_bot.services",
            "tgraph_bot.adapters",
            "tgraph_bot.storage",
            "tgraph_bot.graphs",
            *NETWORK,
            *ENTRY_POINTS,
        ),
    ),
    "config": Floor(
        "config",
        (
            "tgraph_bot.services",
            "tgraph_bot.adapters",
            "tgraph_bot.storage",
            "tgraph_bot.graphs",
            *NETWORK,
            *ENTRY_POINTS,
        ),
    ),
    "graphs": Floor(
        "graphs",
        (
            "tgraph_bot.services",
            "tgraph_bot.adapters",
            "tgraph_bot.storage",
            "tgraph_bot.config.store",
            "sqlite3",
            *NETWORK,
            *ENTRY_POINTS,
        ),
        waived={
            "demo.py": "the demo command, moving to the command line",
            "live.py": "the render command, moving to the command line",
        },
    ),
    "storage": Floor(
        "storage",
        (
            "tgraph_bot.services",
            "tgraph_bot.adapters",
            "tgraph_bot.config.store",
            *NETWORK,
            *ENTRY_POINTS,
        ),
    ),
    "services": Floor(
        "services",
        ("tgraph_bot.adapters", "tgraph_bot.storage", "sqlite3", *NETWORK, *ENTRY_POINTS),
    ),
    "adapters": Floor("adapters", ENTRY_POINTS),
}


def matches(module: str, pattern: str) -> bool:
    if pattern.endswith("*"):
        return module.startswith(pattern[:-1])
    return module == pattern or module.startswith(pattern + ".")


def forbidden_imports(path: Path, floor: Floor, src: Path = SRC) -> set[str]:
    """The forbidden modules ``path`` imports: ``from tgraph_bot import app`` imports the
    module tgraph_bot.app, so a name imported from a module that is allowed counts as
    ``module.name``."""

    def forbidden(module: str) -> bool:
        return any(matches(module, f) for f in floor.forbidden)

    found = {m for m in imported_modules(path, src) if forbidden(m)}
    for module, names, _ in import_statements(path, src):
        if not forbidden(module):
            found.update(sub for n in names if forbidden(sub := f"{module}.{n}"))
    return found


def breaches(floor: Floor, src: Path = SRC) -> dict[str, set[str]]:
    """File (relative to the floor's folder) -> the forbidden modules it imports."""
    root = src / "tgraph_bot" / floor.path
    files = [root] if root.suffix == ".py" else sorted(root.rglob("*.py"))
    found: dict[str, set[str]] = {}
    for path in files:
        if bad := forbidden_imports(path, floor, src):
            found[path.name if path == root else str(path.relative_to(root))] = bad
    return found


@pytest.mark.parametrize("name", FLOORS)
def test_each_floor_imports_nothing_from_above(name: str) -> None:
    floor = FLOORS[name]
    found = breaches(floor)
    assert {path: bad for path, bad in found.items() if path not in floor.waived} == {}
    assert {path for path in floor.waived if path not in found} == set(), "stale waiver"


@pytest.mark.parametrize("name", FLOORS)
def test_each_rule_fails_on_an_import_it_forbids(name: str, tmp_path: Path) -> None:
    floor = FLOORS[name]
    target = tmp_path / "tgraph_bot" / floor.path
    if target.suffix != ".py":
        target.mkdir(parents=True)
        target = target / "bad.py"
    else:
        target.parent.mkdir(parents=True)
    forbidden = [f[:-1] + "_x" if f.endswith("*") else f for f in floor.forbidden]
    target.write_text(
        "import json\n"
        + "".join(f"import {m}\n" for m in forbidden[1:])
        # the first inside a function: seen all the same
        + f"def later():\n    import {forbidden[0]}\n",
        encoding="utf-8",
    )
    assert breaches(floor, tmp_path) == {target.name: set(forbidden)}


def test_the_rule_sees_relative_and_absolute_imports(tmp_path: Path) -> None:
    services = tmp_path / "tgraph_bot" / "services"
    services.mkdir(parents=True)
    bad = services / "bad.py"
    bad.write_text(
        "import sqlite3\nfrom ..adapters.plextv import PlexTvClient\nimport discord.ext\n"
        "from httpx import AsyncClient\nfrom ..storage import links\nimport json\n"
        "from .ports import common\nfrom tgraph_bot.storageless import x\n"
        "from .. import cli_plex\nfrom tgraph_bot import app, errors\n"
        "def later():\n    from tgraph_bot.storage.db import Database\n",
        encoding="utf-8",
    )
    assert breaches(FLOORS["services"], tmp_path) == {
        "bad.py": {
            "sqlite3",
            "tgraph_bot.adapters.plextv",
            "discord.ext",
            "httpx",
            "tgraph_bot.storage",  # relative
            "tgraph_bot.cli_plex",  # an entry point, by the start of its name
            "tgraph_bot.app",  # a module imported by name from its package
            "tgraph_bot.storage.db",  # inside a function
        }
    }


def test_core_imports_only_the_standard_library_and_itself() -> None:
    found = offenders(CORE, set(sys.stdlib_module_names), ("tgraph_bot.core",))
    assert found == {}
    assert len(list(CORE.rglob("*.py"))) >= 2


def test_the_core_checker_catches_absolute_and_relative_forbidden_imports(
    tmp_path: Path,
) -> None:
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
