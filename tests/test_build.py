"""The program is wired in one place. tgraph_bot.build holds a factory per client, store and
service, tgraph_bot.app.build composes them; everyone else (the commands, the bot) calls
those. An ``ast`` scan of src/ fails on a concrete client, store or service constructed
anywhere else, and on any reading of the wall clock but the one ``utcnow``."""

from __future__ import annotations

import ast
import json
import re
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

import discord.http
import pytest

from tests.fakes.tautulli import FakeTautulli
from tests.graph_support import ONE_GRAPH
from tests.import_rules import SRC
from tgraph_bot.app import build
from tgraph_bot.build import Endpoints
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.graphs.render import Renderer

PACKAGE = SRC / "tgraph_bot"
WIRING = {"tgraph_bot/app.py", "tgraph_bot/build.py"}
"""The only modules that construct the program's objects."""
CLOCK = "tgraph_bot/clock.py"
"""The only module that reads the wall clock."""

BUILT = re.compile(r"(Service|Client|Store|Cache|Repository|Mirror|Source|Library|Post)$")
ALSO_BUILT = {"Database", "Renderer", "TGraphBot", "MusicBrainz", "Discogs", "FileRunLock"}
NOT_BUILT = {"SampleGraphSource"}  # the demo's bundled data: a fixture, not a connection
BUILT_IN = ("adapters", "storage", "services", "graphs")


def built_classes(package: Path = PACKAGE) -> set[str]:
    """The concrete classes the program is made of: those named like a client, store or
    service (and the few named otherwise) defined under adapters/, storage/, services/
    and graphs/; not the Protocols, nor a module's private helpers."""
    found: set[str] = set()
    for floor in BUILT_IN:
        for path in (package / floor).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ClassDef):
                    continue
                protocol = any(ast.unparse(base).endswith("Protocol") for base in node.bases)
                private = node.name.startswith("_")  # a module's own helper, not a piece
                named = BUILT.search(node.name) or node.name in ALSO_BUILT
                if named and not (protocol or private):
                    found.add(node.name)
    return found - NOT_BUILT


def _called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def constructions(classes: set[str], src: Path = SRC) -> dict[str, set[str]]:
    """Per module of src/ outside the wiring: the classes among ``classes`` it calls."""
    found: dict[str, set[str]] = {}
    for path in sorted((src / "tgraph_bot").rglob("*.py")):
        name = path.relative_to(src).as_posix()
        if name in WIRING:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {_called(n) for n in ast.walk(tree) if isinstance(n, ast.Call)} & classes
        if calls:
            found[name] = calls
    return found


CLOCK_READS = {"now", "utcnow", "today"}


def clock_reads(src: Path = SRC) -> dict[str, list[str]]:
    """Per module of src/ but the clock's: each ``datetime.now(...)``, ``date.today()``
    and the like (the wall clock read without the one ``utcnow``)."""
    found: dict[str, list[str]] = {}
    for path in sorted((src / "tgraph_bot").rglob("*.py")):
        name = path.relative_to(src).as_posix()
        if name == CLOCK:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
            if not isinstance(node.func, ast.Attribute):
                continue
            owner = ast.unparse(node.func.value).rpartition(".")[2]
            if owner in {"datetime", "date"} and node.func.attr in CLOCK_READS:
                found.setdefault(name, []).append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_the_program_is_built_only_in_app_and_build() -> None:
    classes = built_classes()
    # The scan knows the program's pieces (a rename must not empty it silently).
    assert {
        "TautulliClient",
        "PlexTvClient",
        "PostingService",
        "MyStatsService",
        "CameraService",
        "PlexService",
        "HistoryMirror",
        "WrappedService",
        "SqliteHistoryStore",
        "SqliteLinkStore",
        "Database",
        "Renderer",
        "TGraphBot",
    } <= classes
    assert constructions(classes) == {}


def test_the_wall_clock_is_read_only_by_the_one_utcnow() -> None:
    assert clock_reads() == {}


def test_the_scans_see_a_construction_and_a_clock_read(tmp_path: Path) -> None:
    module = tmp_path / "tgraph_bot" / "cli_new.py"
    module.parent.mkdir()
    module.write_text(
        "import datetime as dt\nfrom datetime import UTC, date, datetime\n"
        "from tgraph_bot.services import camera\n"
        "def main(db):\n"
        "    service = camera.CameraService(db, clock=lambda: datetime.now(UTC))\n"
        "    return service, Database(db), dt.datetime.now(), date.today(), date(2026, 1, 1)\n",
        encoding="utf-8",
    )
    (tmp_path / "tgraph_bot" / "build.py").write_text("Database(x)\n", encoding="utf-8")
    assert constructions({"CameraService", "Database"}, tmp_path) == {
        "tgraph_bot/cli_new.py": {"CameraService", "Database"}
    }
    assert clock_reads(tmp_path) == {
        "tgraph_bot/cli_new.py": [
            "line 5: datetime.now(UTC)",
            "line 6: dt.datetime.now()",
            "line 6: date.today()",
        ]
    }


@pytest.mark.usefixtures("restore_discord_urls")
async def test_build_hands_its_clock_and_endpoints_to_the_program(tmp_path: Path) -> None:
    """The clock given to app.build is the one the program's services read: a graph drawn
    by the built program says it was made at that time, not at the wall clock's. The
    Discord endpoint given is where the bot will call."""
    made_at = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    async with FakeTautulli(api_key="key") as tautulli:
        config = tmp_path / "config.yml"
        config.write_text(
            f'TAUTULLI_URL: "{tautulli.url}"\nTAUTULLI_API_KEY: "key"\n{ONE_GRAPH}\n',
            encoding="utf-8",
        )
        store = ConfigStore(config, environ={}, use_dotenv=False)
        async with AsyncExitStack() as stack:
            drawing = stack.enter_context(Renderer(workers=1))
            fake_discord = Endpoints(discord_api="http://127.0.0.1:9")
            program = await build(
                store, stack, clock=lambda: made_at, drawing=drawing, endpoints=fake_discord
            )
            assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
            assert program.bot.clock() == made_at  # its schedule, cooldowns and uptime
            assert program.services.rendering is not None
            report = await program.services.rendering.render(store.settings, tmp_path / "out")
    [graph] = report.graphs
    sidecar = json.loads(graph.sidecar.read_text(encoding="utf-8"))
    assert sidecar["generated_at"] == made_at.isoformat()
