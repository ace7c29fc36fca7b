"""services/ are use cases over ports: no adapter, Discord, HTTP, Plex, SQLite or storage
import. Storage is behind the Protocols of services/ports/; app.py (and the command line)
build the SQLite implementations and hand them in."""

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


def forbidden_imports(path: Path, src: Path = SRC) -> set[str]:
    return {
        module
        for module in imported_modules(path, src)
        if any(module == f or module.startswith(f + ".") for f in FORBIDDEN)
    }


def test_services_import_no_adapter_discord_http_plex_sqlite_or_storage() -> None:
    found = {
        str(path.relative_to(SERVICES)): bad
        for path in sorted(SERVICES.rglob("*.py"))
        if (bad := forbidden_imports(path))
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
