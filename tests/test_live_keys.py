"""Every setting is live or says it needs a restart: for EVERY key of the schema, either it is
marked restart-only (an edit answers "takes effect when the bot restarts"), or the running bot
follows it: a subscriber rebuilds or reschedules what is made from it, or the code reads it
from the live settings where it is used. And what the composition root reads once, while it
builds the program, is restart-only or rebuilt on an edit (the bug of PLEX_TOKEN and
DISCOGS_TOKEN: read once at start-up, yet not marked restart-only)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.import_rules import SRC
from tgraph_bot.app import PLEX_TV_KEYS, TAUTULLI_KEYS
from tgraph_bot.config.schema import KEYS, RESTART_KEYS
from tgraph_bot.graphs.registry import GRAPHS

PACKAGE = SRC / "tgraph_bot"
WIRING = (PACKAGE / "app.py", PACKAGE / "build.py")
REBUILT = frozenset(TAUTULLI_KEYS + PLEX_TV_KEYS)
"""Read once by the wiring, and rebuilt on an edit (app.follow_settings)."""
GRAPH_KEYS = {key for spec in GRAPHS for key in (spec.enable_key, spec.annotate_key)}
"""Read by name (the registry's spec.enable_key) from the settings each render is given."""


def _modules() -> list[Path]:
    """The running program's code: everything but the schema and store themselves."""
    return [p for p in sorted(PACKAGE.rglob("*.py")) if "config" not in p.parts]


def subscribed_keys() -> set[str]:
    """Keys in the tuples a subscriber compares (``changed(old, new, KEYS)``,
    ``follow_keys(stack, store, KEYS, job.reschedule)``): named ``*_KEYS``/``*_keys``."""
    found: set[str] = set()
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if any(name.lower().endswith("_keys") for name in names):
                    found |= {
                        e.value
                        for e in node.value.elts
                        if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    }
    return found & set(KEYS)


def read_keys(paths: list[Path]) -> set[str]:
    """Keys read anywhere in ``paths``: as an attribute (``settings.LANGUAGE``) or by name
    (the theme's ``pick("TV_COLOR", ...)``)."""
    found: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                found.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found & set(KEYS)


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _reads_when_called(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Keys ``function`` reads when it runs; not those of the lambdas and functions it
    defines (they read the live settings later, when called)."""
    found: set[str] = set()
    todo: list[ast.AST] = list(function.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.Attribute) and node.attr in KEYS:
            found.add(node.attr)
        todo.extend(ast.iter_child_nodes(node))
    return found


def read_while_building(paths: tuple[Path, ...] = WIRING) -> dict[str, set[str]]:
    """Per function of the wiring: the keys it reads once, when it is called."""
    found: dict[str, set[str]] = {}
    for path in paths:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            keys = _reads_when_called(node) if isinstance(node, FUNCTIONS) else set()
            if keys:
                found[f"{path.name}:{node.name}"] = keys
    return found


def test_every_key_is_restart_only_or_followed_by_the_running_bot() -> None:
    subscribed = subscribed_keys()
    read = read_keys(_modules()) | GRAPH_KEYS
    unfollowed = [key for key in KEYS if key not in RESTART_KEYS and key not in subscribed | read]
    assert unfollowed == []
    # The subscribers' tables are found (a rename must not make this pass on nothing).
    assert {"HISTORY_SYNC_MINUTES", "WRAPPED_DATE", "UPDATE_DAYS", "TAUTULLI_URL"} <= subscribed


def test_what_the_wiring_reads_once_is_restart_only_or_rebuilt_on_an_edit() -> None:
    once = read_while_building()
    stale = {
        function: sorted(keys - RESTART_KEYS - REBUILT)
        for function, keys in once.items()
        if keys - RESTART_KEYS - REBUILT
    }
    assert stale == {}
    # The Plex module's credentials are among what is read once: so they are restart-only.
    plex = once["build.py:plex_service"] | once["build.py:plex_library"]
    assert {"PLEX_TOKEN", "DISCOGS_TOKEN", "PLEX_URL"} <= plex <= RESTART_KEYS
    assert once["build.py:tautulli_client"] <= REBUILT


def test_the_scans_tell_a_read_at_build_from_a_live_read(tmp_path: Path) -> None:
    module = tmp_path / "wiring.py"
    module.write_text(
        "def build(store, settings):\n"
        "    client = Client(settings.PLEX_TOKEN)\n"
        "    live = lambda: store.settings.LANGUAGE\n"
        "    def later():\n"
        "        return store.settings.TIMEZONE\n"
        "    return client, live, later\n"
        "WATCHED_KEYS = ('WRAPPED_DATE', 'not a key')\n"
        "colour = getattr(settings, 'TV_COLOR')\n",
        encoding="utf-8",
    )
    assert read_while_building((module,)) == {"wiring.py:build": {"PLEX_TOKEN"}}
    assert read_keys([module]) == {"PLEX_TOKEN", "LANGUAGE", "TIMEZONE", "WRAPPED_DATE", "TV_COLOR"}
