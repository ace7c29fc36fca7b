"""services/ are use cases over ports: no adapter, Discord, HTTP, Plex, SQLite or storage
import. Storage is behind the Protocols of services/ports.py; app.py (and the command line)
build the SQLite implementations and hand them in. graphs/ draws what it is given: it imports
no service, adapter, storage, config store, nor the program's wiring or commands."""

from __future__ import annotations

from pathlib import Path

from tests.import_rules import SRC, imported_modules

SERVICES = SRC / "tgraph_bot" / "services"
FORBIDDEN = (
    "tgraph_bot.adapters",
    "tgraph_bot.storage",
    "discord",
    "httpx",
    "plexapi",
    "sqlite3",
    "aiohttp",
)


GRAPHS = SRC / "tgraph_bot" / "graphs"
FORBIDDEN_IN_GRAPHS = (
    "tgraph_bot.services",
    "tgraph_bot.adapters",
    "tgraph_bot.storage",
    "tgraph_bot.config.store",
    "tgraph_bot.app",
    "tgraph_bot.build",
    "tgraph_bot.cli",
    "tgraph_bot.cli_common",
    "tgraph_bot.cli_demo",
    "tgraph_bot.cli_history",
    "tgraph_bot.cli_plex",
    "tgraph_bot.cli_render",
    "tgraph_bot.online",
    "tgraph_bot.startup",
)


def forbidden_imports(
    path: Path, src: Path = SRC, forbidden: tuple[str, ...] = FORBIDDEN
) -> set[str]:
    return {
        module
        for module in imported_modules(path, src)
        if any(module == f or module.startswith(f + ".") for f in forbidden)
    }


def test_services_import_no_adapter_discord_http_plex_sqlite_or_storage() -> None:
    found = {
        str(path.relative_to(SERVICES)): bad
        for path in sorted(SERVICES.rglob("*.py"))
        if (bad := forbidden_imports(path))
    }
    assert found == {}


def test_graphs_import_no_service_adapter_storage_config_store_or_command() -> None:
    found = {
        str(path.relative_to(GRAPHS)): bad
        for path in sorted(GRAPHS.rglob("*.py"))
        if (bad := forbidden_imports(path, forbidden=FORBIDDEN_IN_GRAPHS))
    }
    assert found == {}


def test_the_rule_sees_relative_and_absolute_imports(tmp_path: Path) -> None:
    services = tmp_path / "tgraph_bot" / "services"
    services.mkdir(parents=True)
    bad = services / "bad.py"
    bad.write_text(
        "import sqlite3\nfrom ..adapters.plextv import PlexTvClient\nimport discord.ext\n"
        "from httpx import AsyncClient\nfrom ..storage import links\nimport json\n"
        "from . import ports\nfrom tgraph_bot.storageless import x\n"
        "def later():\n    from tgraph_bot.storage.db import Database\n",
        encoding="utf-8",
    )
    assert forbidden_imports(bad, tmp_path) == {
        "sqlite3",
        "tgraph_bot.adapters.plextv",
        "discord.ext",
        "httpx",
        "tgraph_bot.storage",  # relative
        "tgraph_bot.storage.db",  # inside a function
    }
