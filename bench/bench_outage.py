"""How long a Tautulli outage takes to report: a whole `tgraph-bot render` process per failure.

A fake Tautulli (tests/fakes/tautulli.py) runs as its own process; for each mode it is
switched over its control port, and `tgraph-bot render` is run with a fresh data folder
(nothing kept, so every graph fails and the reason is printed). Printed per mode: the
seconds until the process ended, the requests that reached the fake, and the lines the
process wrote (the reason lines, then the progress lines on stderr). The targets:
hang, HTTP 500 and stopped each reported within 30 s with at most 15 requests; a wrong
key and a login page after 1 request, with one line.

    .venv/py3.11/bin/python bench/bench_outage.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench_render import machine

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-outage-key"
MODES = (
    ("hang", KEY),
    ("error500", KEY),
    ("down", KEY),
    ("ok", "a-wrong-key"),
    ("html", KEY),
)


def control(base: str, method: str, path: str, body: str | None = None) -> bytes:
    data = body.encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:  # loopback only
        return answer.read()


def render(exe: str, url: str, key: str, folder: Path) -> tuple[float, str, str]:
    config = folder / "config.yml"
    config.write_text(
        f'TAUTULLI_URL: "{url}"\nTAUTULLI_API_KEY: "{key}"\nDATA_DIR: data\n', encoding="utf-8"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [exe, "--config", str(config), "render", "--out", str(folder / "out")],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    return time.perf_counter() - started, done.stdout, done.stderr


def main() -> None:
    exe = shutil.which("tgraph-bot", path=str(Path(sys.executable).parent)) or "tgraph-bot"
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.tautulli", "--api-key", KEY],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    url = fake.stdout.readline().strip()
    ctl = fake.stdout.readline().split()[-1]
    print(machine())
    print(f"{'mode':<16} {'seconds':>8} {'requests':>9} {'reason lines':>13}  first reason line")
    try:
        for mode, key in MODES:
            control(ctl, "PUT", "/mode", mode)
            control(ctl, "DELETE", "/requests")
            with tempfile.TemporaryDirectory() as tmp:
                seconds, out, err = render(exe, url, key, Path(tmp))
            requests = len(json.loads(control(ctl, "GET", "/requests")))
            reasons = [line for line in out.splitlines() if ": " in line]
            warnings = [line for line in err.splitlines() if " of " not in line]
            label = mode if key == KEY else "wrong key"
            first = reasons[0] if reasons else "(none)"
            print(f"{label:<16} {seconds:8.1f} {requests:9d} {len(reasons):13d}  {first[:110]}")
            if warnings:
                print(f"{'':<16} stderr besides progress: {len(warnings)} line(s): {warnings[0]}")
    finally:
        fake.terminate()
        fake.wait()


if __name__ == "__main__":
    main()
