"""Ports in one room: every Protocol a use case depends on is defined in services/ports/,
and the time and progress types (Clock, Sleep, Progress) once, in services/ports/common.py.

Protocols elsewhere are an adapter's or a drawing's own seams, never a service's port: the
Discord adapter's (what a cog sees of the bot) and graphs/render.py's (a cancellable future).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.import_rules import SRC

PACKAGE = SRC / "tgraph_bot"
PORTS = "services/ports/"
OWN_SEAMS = ("adapters/discord/", "graphs/render.py")
TIME_TYPES = {
    "Callable[[], datetime]": "Clock",
    "Callable[[float], Awaitable[None]]": "Sleep",
    "Callable[[int, int], Awaitable[None]]": "Progress",
}


def protocols(package: Path) -> dict[str, list[str]]:
    """File (relative to ``package``) -> the Protocol classes it defines."""
    found: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                ast.unparse(base).split(".")[-1] == "Protocol" for base in node.bases
            ):
                found.setdefault(path.relative_to(package).as_posix(), []).append(node.name)
    return found


def time_aliases(package: Path) -> dict[str, str]:
    """``file:name`` -> which of Clock, Sleep, Progress a module-level alias spells out."""
    found: dict[str, str] = {}
    for path in sorted(package.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and ast.unparse(node.value) in TIME_TYPES:
                for target in node.targets:
                    name = f"{path.relative_to(package).as_posix()}:{ast.unparse(target)}"
                    found[name] = TIME_TYPES[ast.unparse(node.value)]
    return found


def test_every_port_is_in_services_ports() -> None:
    found = protocols(PACKAGE)
    elsewhere = {
        path: names
        for path, names in found.items()
        if not path.startswith(PORTS) and not path.startswith(OWN_SEAMS)
    }
    assert elsewhere == {}
    assert sum(len(names) for path, names in found.items() if path.startswith(PORTS)) >= 20


def test_clock_sleep_and_progress_are_defined_once() -> None:
    assert time_aliases(PACKAGE) == {
        "services/ports/common.py:Clock": "Clock",
        "services/ports/common.py:Sleep": "Sleep",
        "services/ports/common.py:Progress": "Progress",
    }


def test_the_checks_see_a_stray_port_and_a_second_sleep(tmp_path: Path) -> None:
    package = tmp_path / "tgraph_bot"
    (package / "services").mkdir(parents=True)
    (package / "services" / "mail.py").write_text(
        "import typing\nfrom collections.abc import Awaitable, Callable\n"
        "class Mailer(typing.Protocol): ...\nclass Plain: ...\n"
        "Pause = Callable[[float], Awaitable[None]]\n",
        encoding="utf-8",
    )
    assert protocols(package) == {"services/mail.py": ["Mailer"]}
    assert time_aliases(package) == {"services/mail.py:Pause": "Sleep"}
