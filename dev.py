#!/usr/bin/env python3
"""Developer entry point: one command per job, each bringing its own virtual environment.

    python3 dev.py demo [ARGS]   render every graph from the bundled sample data
    python3 dev.py check         format, lint, types, translations and the whole test suite
    python3 dev.py i18n          refresh messages.pot and merge it into every .po file
    python3 dev.py bench         print the benchmark figures
    python3 dev.py run ARGS      any tgraph-bot command (run, render, check, config ...)

Needs only python3 (3.11 or newer). The environment lives in .venv and is reinstalled
whenever pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
LOCALE = ROOT / "src" / "tgraph_bot" / "i18n" / "locale"
POT = LOCALE / "messages.pot"
SOURCES = ["src", "tests", "bench", "dev.py", "hatch_build.py"]


def sh(*args: str | Path, **kw: object) -> int:
    return subprocess.call([str(a) for a in args], cwd=ROOT, **kw)  # type: ignore[arg-type]


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on any python3
        sys.exit("TGraph Bot needs Python 3.11 or newer; this is " + sys.version.split()[0])
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PY.exists():
        return
    if not PY.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print("Installing TGraph Bot and its tools into .venv ...", flush=True)
    pip = [PY, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    if sh(*pip, "-e", ".[dev]") != 0:
        sys.exit("Installing the dependencies failed (see above).")
    STAMP.write_text(wanted)


def compile_catalogs() -> int:
    """.po -> .mo (build artefacts, never committed); fails on a catalog that does not compile."""
    return sh(BIN / "pybabel", "compile", "-d", LOCALE, "-D", "messages", stdout=subprocess.DEVNULL)


def extract(out: Path) -> int:
    return sh(
        BIN / "pybabel",
        "extract",
        "-F",
        "babel.cfg",
        "--no-location",
        "--sort-output",
        "--project",
        "tgraph-bot",
        "--copyright-holder",
        "TGraph Bot contributors",
        "--msgid-bugs-address",
        "https://github.com/tgraph-bot/tgraph-bot/issues",
        "-o",
        out,
        "src",
    )


def _body(path: Path) -> str:
    return "\n".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith('"POT-Creation-Date')
    )


def check_i18n() -> int:
    fresh = VENV / "messages.pot"
    if extract(fresh) != 0:
        return 1
    if not POT.exists() or _body(fresh) != _body(POT):
        print("messages.pot is stale: run `python3 dev.py i18n` and commit the result.")
        return 1
    return compile_catalogs()


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    job, rest = argv[0], argv[1:]
    ensure_venv()
    if compile_catalogs() != 0:
        return 1
    if job == "demo":
        return sh(BIN / "tgraph-bot", "demo", *rest)
    if job == "run":
        return sh(BIN / "tgraph-bot", *rest)
    if job == "bench":
        status = 0
        for script in sorted((ROOT / "bench").glob("bench_*.py")):
            print(f"== {script.name}", flush=True)
            status |= sh(PY, script, *rest)
        return status
    if job == "i18n":
        if extract(POT) != 0:
            return 1
        return sh(
            BIN / "pybabel",
            "update",
            "--no-fuzzy-matching",
            "--ignore-obsolete",
            "-i",
            POT,
            "-d",
            LOCALE,
            "-D",
            "messages",
        )
    if job == "check":
        steps: list[tuple[str, list[str | Path]]] = [
            ("format", [BIN / "ruff", "format", "--check", *SOURCES]),
            ("lint", [BIN / "ruff", "check", *SOURCES]),
            ("types", [BIN / "basedpyright"]),
        ]
        for name, cmd in steps:
            print(f"== {name}", flush=True)
            if sh(*cmd) != 0:
                print(f"FAILED: {name}")
                return 1
        print("== translations", flush=True)
        if check_i18n() != 0:
            print("FAILED: translations")
            return 1
        print("== tests", flush=True)
        return sh(PY, "-m", "pytest", *rest)
    print(f"unknown job {job!r}\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
