#!/usr/bin/env python3
"""Developer entry point: one command per job, each bringing its own virtual environment.

    python3 dev.py demo [ARGS]   render every graph from the bundled sample data
    python3 dev.py check [ARGS]  lock, format, lint, types, translations and the whole test suite
                                 with coverage (ARGS: pytest arguments, e.g. -m "not slow")
    python3 dev.py i18n          refresh messages.pot and merge it into every .po file
    python3 dev.py bench         print the benchmark figures
    python3 dev.py run ARGS      any tgraph-bot command (run, render, check, config ...)
    python3 dev.py lock [--upgrade]  re-resolve the locks after pyproject.toml changed
                                     (--upgrade: the newest versions pyproject.toml allows)

Needs only python3 (3.11 or newer). Each interpreter gets its own environment in
.venv/pyX.Y, installed from requirements-dev.txt (exact versions, checked by hash) and
reinstalled whenever the lock or pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv" / f"py{sys.version_info.major}.{sys.version_info.minor}"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
LOCALE = ROOT / "src" / "tgraph_bot" / "i18n" / "locale"
POT = LOCALE / "messages.pot"
SOURCES = ["src", "tests", "bench", "dev.py", "hatch_build.py"]
# The runtime lock (the Docker image installs it) and the development lock (runtime, tools,
# tests). Both hold the build backend too, so the project itself builds without isolation.
LOCK = ROOT / "requirements.txt"
DEV_LOCK = ROOT / "requirements-dev.txt"
LOCK_PYTHON = "3.11"  # the oldest supported; the locks are universal (3.11 and newer)
INPUTS_LINE = "# inputs-sha256: "


def sh(*args: str | Path, **kw: object) -> int:
    return subprocess.call([str(a) for a in args], cwd=ROOT, **kw)  # type: ignore[arg-type]


def lock_inputs() -> dict[str, object]:
    """What the locks are resolved from: pyproject.toml's requirements and nothing else."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {
        "requires-python": meta["project"]["requires-python"],
        "dependencies": meta["project"]["dependencies"],
        "dev": meta["project"]["optional-dependencies"]["dev"],
        "build": meta["build-system"]["requires"],
    }


def inputs_digest() -> str:
    return hashlib.sha256(json.dumps(lock_inputs(), sort_keys=True).encode()).hexdigest()


def recorded_digest(lock: Path) -> str | None:
    if not lock.exists():
        return None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(INPUTS_LINE):
            return line.removeprefix(INPUTS_LINE).strip()
    return None


def stale_locks() -> list[str]:
    """The locks that were not made from pyproject.toml as it is now."""
    digest = inputs_digest()
    return [lock.name for lock in (LOCK, DEV_LOCK) if recorded_digest(lock) != digest]


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on any python3
        sys.exit("TGraph Bot needs Python 3.11 or newer; this is " + sys.version.split()[0])
    if not DEV_LOCK.exists():
        sys.exit(
            f"{DEV_LOCK.name} is missing: run `python3 dev.py lock` (needs the package index)."
        )
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + DEV_LOCK.read_bytes()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PY.exists():
        return
    if not PY.exists():
        print(f"Creating the virtual environment in {VENV.relative_to(ROOT)} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print("Installing TGraph Bot and its tools from the lock ...", flush=True)
    pip = [PY, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    # Exactly the locked files (--require-hashes), then the project itself with the locked
    # build backend (--no-build-isolation: nothing is resolved behind the lock's back).
    if sh(*pip, "--require-hashes", "--no-deps", "-r", DEV_LOCK) != 0:
        sys.exit("Installing the locked dependencies failed (see above).")
    if sh(*pip, "--no-deps", "--no-build-isolation", "-e", ".") != 0:
        sys.exit("Installing TGraph Bot failed (see above).")
    STAMP.write_text(wanted)


def lock(upgrade: bool) -> int:
    """Re-resolve both locks with uv, for every supported Python, with hashes."""
    inputs = lock_inputs()
    with tempfile.TemporaryDirectory() as tmp:
        build_in = Path(tmp) / "build.in"
        build_in.write_text("\n".join(inputs["build"]) + "\n")  # type: ignore[arg-type]
        # The dev lock is resolved first; the runtime lock is held to its versions, so the
        # image runs exactly what the tests ran.
        jobs = [
            (DEV_LOCK, ["pyproject.toml", "--extra", "dev", build_in]),
            (LOCK, ["pyproject.toml", build_in, "--constraint", DEV_LOCK]),
        ]
        for target, args in jobs:
            cmd: list[str | Path] = [
                os.environ.get("UV") or BIN / "uv",
                "pip",
                "compile",
                "--quiet",
                "--universal",
                "--generate-hashes",
                "--no-strip-extras",
                "--python-version",
                LOCK_PYTHON,
                "--custom-compile-command",
                "python3 dev.py lock",
                *(["--upgrade"] if upgrade else []),
                *args,
                "-o",
                target,
            ]
            if sh(*cmd, env={**os.environ, "UV_NO_CONFIG": "1"}) != 0:
                return 1
            text = target.read_text(encoding="utf-8")
            text = "\n".join(line for line in text.splitlines() if not line.startswith(INPUTS_LINE))
            # The build requirements come from a temporary file: name their source instead of
            # its random path, so two runs in a row write the same bytes.
            text = text.replace(f"-r {build_in}", "pyproject.toml (build-system)")
            target.write_text(f"{INPUTS_LINE}{inputs_digest()}\n{text}\n", encoding="utf-8")
    print(f"wrote {LOCK.name} and {DEV_LOCK.name}")
    return 0


def compile_catalogs() -> int:
    """.po -> .mo (build artefacts, never committed); fails on a catalog that does not compile."""
    return sh(BIN / "pybabel", "-q", "compile", "-d", LOCALE, "-D", "messages")


def extract(out: Path) -> int:
    return sh(
        BIN / "pybabel",
        "-q",
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
        "config.yml.sample",  # the keys' comments (babel.cfg)
    )


CATALOG_DIFF = """
import sys
from babel.messages.pofile import read_po

def messages(path):
    with open(path, "rb") as fh:
        catalog = read_po(fh)
    return {
        (m.id if isinstance(m.id, str) else tuple(m.id), m.context): (
            sorted(m.locations), sorted(m.auto_comments), sorted(m.flags)
        )
        for m in catalog if m.id
    }

old, new = messages(sys.argv[1]), messages(sys.argv[2])
for key in sorted(old.keys() - new.keys(), key=str):
    print("  no longer in the code:", key[0])
for key in sorted(new.keys() - old.keys(), key=str):
    print("  new in the code:", key[0])
for key in sorted(old.keys() & new.keys(), key=str):
    if old[key] != new[key]:
        print("  changed (locations, comments or flags):", key[0])
"""


def check_i18n() -> int:
    """Compare the committed catalog with a fresh extraction as catalogs (messages, plural
    forms, contexts, locations, comments, flags), not as bytes, so a tool's header never
    fails it."""
    fresh = VENV / "messages.pot"
    if extract(fresh) != 0:
        return 1
    if not POT.exists():
        print("messages.pot is missing: run `python3 dev.py i18n` and commit the result.")
        return 1
    diff = subprocess.run(
        [str(PY), "-c", CATALOG_DIFF, str(POT), str(fresh)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if diff.returncode != 0 or diff.stdout:
        print("messages.pot is stale: run `python3 dev.py i18n` and commit the result.")
        print(diff.stdout + diff.stderr, end="")
        return 1
    return compile_catalogs()


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    job, rest = argv[0], argv[1:]
    if job == "lock":
        if not os.environ.get("UV"):  # UV=/path/to/uv makes the very first lock, before any env
            ensure_venv()
        return lock(upgrade="--upgrade" in rest)
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
            "-q",
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
        print(f"== lock (Python {sys.version.split()[0]})", flush=True)
        stale = stale_locks()
        if stale:
            print(
                f"{', '.join(stale)} not made from pyproject.toml as it is: "
                "run `python3 dev.py lock` and commit the result."
            )
            print("FAILED: lock")
            return 1
        steps: list[tuple[str, list[str | Path]]] = [
            ("format", [BIN / "ruff", "format", "--check", *SOURCES]),
            ("lint", [BIN / "ruff", "check", *SOURCES]),
            ("types", [BIN / "basedpyright", "--pythonpath", PY]),
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
        # The whole suite is measured, child processes included, and fails below
        # [tool.coverage.report] fail_under; a selection (ARGS) runs without coverage.
        cov = [] if rest else ["--cov", "--cov-report=term"]
        return sh(PY, "-m", "pytest", *cov, *rest)
    print(f"unknown job {job!r}\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
