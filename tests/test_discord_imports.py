"""The Discord adapter's modules import one another without a circle: the cogs know the
bot only as a BotHost (adapters/discord/host.py), and app.py builds them."""

from __future__ import annotations

from pathlib import Path

from tests.import_rules import SRC, imported_modules, module_name

DISCORD = SRC / "tgraph_bot" / "adapters" / "discord"


def import_graph(root: Path, src: Path = SRC) -> dict[str, set[str]]:
    """Module -> the modules under ``root`` it imports (a package import counts as its
    ``__init__``)."""
    modules = {module_name(path, src): path for path in root.rglob("*.py")}
    return {
        name: {m for m in imported_modules(path, src) if m in modules and m != name}
        for name, path in modules.items()
    }


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
