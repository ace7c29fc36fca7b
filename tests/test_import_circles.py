"""No import circle anywhere in the program: the Discord adapter's cogs know the bot only as
a BotHost (adapters/discord/host.py) and app.py builds them; cli.py and cli_plex.py share
cli_common.py rather than importing each other.

Every import counts, also one inside a function (a deferred import only hides a circle
until the function runs) or under TYPE_CHECKING."""

from __future__ import annotations

from pathlib import Path

from tests.import_rules import SRC, imported_modules, imported_targets, module_name

PACKAGE = SRC / "tgraph_bot"
DISCORD = PACKAGE / "adapters" / "discord"


def import_graph(root: Path, src: Path = SRC) -> dict[str, set[str]]:
    """Module -> the modules under ``root`` it imports (a package import counts as its
    ``__init__``; ``from package import submodule`` as the submodule)."""
    modules = {module_name(path, src): path for path in root.rglob("*.py")}
    known = set(modules)
    return {name: imported_targets(path, known, src) - {name} for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle (its modules in order, the first repeated at the end), or []."""
    done: set[str] = set()

    def walk(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        for dep in sorted(graph[node]):
            if cycle := walk(dep, [*path, node]):
                return cycle
        done.add(node)
        return []

    for start in sorted(graph):
        if cycle := walk(start, []):
            return cycle
    return []


def test_no_cog_imports_the_bot() -> None:
    cogs = DISCORD / "cogs"
    found = {
        path.name
        for path in cogs.glob("*.py")
        if "tgraph_bot.adapters.discord.bot" in imported_modules(path)
    }
    assert found == set()


def test_the_discord_adapter_has_no_import_circle() -> None:
    assert find_cycle(import_graph(DISCORD)) == []


def test_the_program_has_no_import_circle() -> None:
    assert find_cycle(import_graph(PACKAGE)) == []


def test_the_command_line_modules_do_not_import_each_other() -> None:
    cli = imported_modules(PACKAGE / "cli.py")
    cli_plex = imported_modules(PACKAGE / "cli_plex.py")
    assert "tgraph_bot.cli" not in cli_plex
    assert {"tgraph_bot.cli_common", "tgraph_bot.cli_plex"} <= cli
    assert "tgraph_bot.cli_common" in cli_plex


def test_the_circle_finder_sees_a_circle(tmp_path: Path) -> None:
    package = tmp_path / "tgraph_bot" / "adapters" / "discord"
    (package / "cogs").mkdir(parents=True)
    (package / "bot.py").write_text("from .cogs.about import AboutCog\n", encoding="utf-8")
    (package / "cogs" / "about.py").write_text(
        "from tgraph_bot.adapters.discord.bot import TGraphBot\n", encoding="utf-8"
    )
    (package / "cogs" / "help.py").write_text("import json\n", encoding="utf-8")
    assert find_cycle(import_graph(package, tmp_path)) == [
        "tgraph_bot.adapters.discord.bot",
        "tgraph_bot.adapters.discord.cogs.about",
        "tgraph_bot.adapters.discord.bot",
    ]


def test_a_deferred_import_closes_a_circle_too(tmp_path: Path) -> None:
    package = tmp_path / "tgraph_bot"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "cli.py").write_text("from tgraph_bot.cli_plex import add\n", encoding="utf-8")
    (package / "cli_plex.py").write_text(
        "def add():\n    from tgraph_bot.cli import _open_store\n", encoding="utf-8"
    )
    assert find_cycle(import_graph(package, tmp_path)) == [
        "tgraph_bot.cli",
        "tgraph_bot.cli_plex",
        "tgraph_bot.cli",
    ]


def test_a_package_that_re_exports_its_submodule_is_no_circle(tmp_path: Path) -> None:
    storage = tmp_path / "tgraph_bot" / "storage"
    storage.mkdir(parents=True)
    (storage / "__init__.py").write_text("from tgraph_bot.storage.db import Database\n", "utf-8")
    (storage / "db.py").write_text("from tgraph_bot.storage import migrations\n", "utf-8")
    (storage / "migrations.py").write_text("import sqlite3\n", encoding="utf-8")
    graph = import_graph(tmp_path / "tgraph_bot", tmp_path)
    assert graph["tgraph_bot.storage.db"] == {"tgraph_bot.storage.migrations"}
    assert find_cycle(graph) == []
    (storage / "migrations.py").write_text("from tgraph_bot.storage import Database\n", "utf-8")
    assert find_cycle(import_graph(tmp_path / "tgraph_bot", tmp_path)) != []
