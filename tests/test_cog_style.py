"""One cog style: every cog is built by app.bot_cogs from the host and its services, and
none reaches into discord.py's private hooks to find its bot."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import get_type_hints

from discord.ext import commands

import tgraph_bot.adapters.discord.cogs as cogs_package
from tgraph_bot.adapters.discord.host import BotHost
from tgraph_bot.app import CogServices

COGS = Path(cogs_package.__file__).parent
# discord.py's private hooks and state a cog could reach for instead of asking its host.
PRIVATE = {"_inject", "_eject", "_connection", "_state", "_get_websocket", "_ready"}


def cog_classes() -> list[type[commands.Cog]]:
    found: list[type[commands.Cog]] = []
    for info in pkgutil.iter_modules([str(COGS)]):
        module = importlib.import_module(f"{cogs_package.__name__}.{info.name}")
        found += [
            c
            for _, c in inspect.getmembers(module, inspect.isclass)
            if issubclass(c, commands.Cog) and c.__module__ == module.__name__
        ]
    return found


def test_no_cog_touches_discord_pys_private_hooks() -> None:
    for path in sorted(COGS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        defined = {
            n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert not (used | defined) & PRIVATE, path.name


def test_every_cog_is_made_from_its_host() -> None:
    classes = cog_classes()
    assert {c.__name__ for c in classes} >= {"CameraCog", "PlexCog", "MyStatsCog", "LinkCog"}
    for cog in classes:
        _, first, *_ = inspect.signature(cog.__init__).parameters  # after self: the host
        assert get_type_hints(cog.__init__)[first] is BotHost, cog.__name__


def test_no_cog_is_handed_in_ready_made() -> None:
    """The services cogs are made from, never a cog built before the bot."""
    hints = get_type_hints(CogServices)
    assert hints and not [name for name, hint in hints.items() if "Cog" in str(hint)]


def test_every_cog_speaks_by_the_hosts_one_language_rule() -> None:
    """A cog asks host.tr_for for its reply's language; none picks one itself."""
    for path in sorted(COGS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        called = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert not called & {"translator", "language_for"}, path.name
