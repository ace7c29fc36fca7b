"""The figures of what holds (crash safety, secrets, equal answers), re-measured on real
processes so they stay true.

1. ``kill -9`` during ``config set``: a process saving the configuration in a loop is
   killed at a random moment, N times; every time the file must still load and keep its
   comments, and the next start must leave no temporary file behind.
2. A secrets grep over a whole run: the real ``tgraph-bot run`` process against the fake
   Discord (gateway + REST), the fake Tautulli (a process) and the fake plex.tv, with the
   Tautulli URL holding a password and an ``apikey``; /config view, /config edit,
   /update_graphs and /my_stats are used; then the log, every reply and message (text and
   files) and every file the bot wrote are searched for the API key, the Discord token,
   the URL password and the member's email.
3. /my_stats for a known and an unknown email, in ``plex`` and ``admin`` modes: the two
   replies must be byte-identical (in ``plex`` mode after blanking the one-time PIN code
   and id of the sign-in link, which differ for every request by design).

    .venv/py3.11/bin/python bench/bench_holds.py [--kills 400]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.discord import ADMIN_ID, CHANNEL_ID, MEMBER_ID, FakeDiscord  # noqa: E402
from tests.fakes.plextv import FakePlexTv  # noqa: E402
from tests.fakes.tautulli import fake_tautulli_process  # noqa: E402
from tests.test_crash_safety import SAVER  # noqa: E402  (the same saving loop the test kills)

from bench_render import machine  # noqa: E402
from tgraph_bot.config.store import ConfigStore, read_document, validate  # noqa: E402

SAMPLE = ROOT / "config.yml.sample"
API_KEY = "holds-tautulli-key-5f3a9c"
DISCORD_TOKEN = "holds-discord-token-8e21d4"
URL_PASSWORD = "holds-url-password-77b0e1"
KNOWN = "Harper.Kim11@mail.example.com"  # a recorded Tautulli user
UNKNOWN = "nobody.at.all@mail.example.com"


def kills(count: int) -> None:
    rng = random.Random(10)
    broken = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.yml"
        shutil.copyfile(SAMPLE, path)
        comments = [line for line in path.read_text().splitlines() if line.startswith("#")]
        for _ in range(count):
            with subprocess.Popen(
                [sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True
            ) as proc:
                assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
                time.sleep(rng.uniform(0.0, 0.2))
                proc.send_signal(signal.SIGKILL)
            try:
                validate(dict(read_document(path)))
                kept = [line for line in path.read_text().splitlines() if line.startswith("#")]
                broken += kept != comments
            except Exception:
                broken += 1
        ConfigStore(path, environ={})  # the next start sweeps what killed saves left
        left = [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"]
    print(
        f"{count} SIGKILLs during config set: {broken} broken files, "
        f"{len(left)} temporary files left after the next start "
        f"({time.perf_counter() - started:.0f} s)"
    )


def payload(record: Any) -> str:
    """What Discord received for an interaction, without its own ids and tokens."""
    items = [*record.callbacks, *record.edits, *record.followups]
    text = json.dumps(items, sort_keys=True, ensure_ascii=False)
    return re.sub(r'"(id|token|application_id)": "[^"]*"', r'"\1": "…"', text)


def without_pin(text: str) -> str:
    return re.sub(r"(code|pinID|pin_id|id)(=|%3D)[A-Za-z0-9]+", r"\1\2…", text)


async def run_bot(mode: str, tmp: Path) -> tuple[int, int, bool, list[str]]:
    """(secrets found, places searched, identical /my_stats replies, what the view and
    /my_stats answered) for one whole run."""
    data_dir = tmp / "data"
    plex = FakePlexTv()
    await plex.start()
    async with FakeDiscord() as fake, fake_tautulli_process(API_KEY) as tautulli:
        port = tautulli.url.rsplit(":", 1)[1]
        secret_url = f"http://tgraph:{URL_PASSWORD}@127.0.0.1:{port}/?apikey={API_KEY}"
        config = tmp / "config.yml"
        config.write_text(
            f'TAUTULLI_URL: "{secret_url}"\nTAUTULLI_API_KEY: "{API_KEY}"\n'
            f'DISCORD_TOKEN: "{DISCORD_TOKEN}"\nCHANNEL_ID: {CHANNEL_ID}\n'
            f'DISCORD_API_BASE_URL: "{fake.url}"\nDATA_DIR: "{data_dir}"\n'
            f'PLEX_TV_URL: "{plex.url}"\nMY_STATS_VERIFICATION: {mode}\n'
            "MY_STATS_COOLDOWN_MINUTES: 0\nMY_STATS_GLOBAL_COOLDOWN_SECONDS: 0\n",
            encoding="utf-8",
        )
        log = tmp / "bot.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TGRAPH_")}
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tgraph_bot.cli", "--config", str(config), "run",
                cwd=tmp, env=env, stdout=out, stderr=out,
            )  # fmt: skip
            try:
                await fake.wait_for(lambda: bool(fake.commands) and fake.connected.is_set(), 60)
                records = []
                for name, user, options in [
                    ("config view", ADMIN_ID, {}),
                    ("config view", ADMIN_ID, {"key": "TAUTULLI_URL"}),
                    ("config edit", ADMIN_ID, {"key": "TAUTULLI_URL", "value": secret_url}),
                    ("update_graphs", ADMIN_ID, {}),
                    ("my_stats", MEMBER_ID, {"email": KNOWN}),
                    ("my_stats", MEMBER_ID, {"email": UNKNOWN}),
                ]:
                    record = await fake.invoke(name, user=user, options=options)
                    await fake.wait_for(lambda r=record: bool(r.followups or r.callbacks), 60)
                    if name == "update_graphs":
                        await fake.wait_for(
                            lambda r=record: any("Posted" in t for t in r.texts()), 90
                        )
                    await asyncio.sleep(0.5)  # let any follow-up arrive
                    records.append(record)
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 30)
        places: list[bytes] = [log.read_bytes()]
        places += [payload(r).encode() for r in records]
        for message in fake.messages.values():
            places.append(message.content.encode())
            places += [data for _, data in message.files]
        places += [p.read_bytes() for p in data_dir.rglob("*") if p.is_file()]
        needles = [s.encode() for s in (API_KEY, DISCORD_TOKEN, URL_PASSWORD)]
        found = sum(place.count(n) for place in places for n in needles) + sum(
            place.lower().count(KNOWN.lower().encode()) for place in places
        )
        known, unknown = (without_pin(payload(r)) for r in records[-2:])
        said = [" | ".join(records[i].texts())[:150] for i in (1, 4)]
    await plex.close()
    return found, len(places), known == unknown, said


async def whole_runs() -> None:
    for mode in ("plex", "admin"):
        with tempfile.TemporaryDirectory() as tmp:
            found, places, same, said = await run_bot(mode, Path(tmp))
        print(
            f"whole run, MY_STATS_VERIFICATION={mode}: {found} secrets in {places} places "
            f"(log, replies, messages, files); /my_stats known vs unknown email: "
            f"{'byte-identical' if same else 'DIFFERENT'}"
        )
        for line in said:
            print(f"    answered: {line}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=400)
    args = parser.parse_args()
    print(machine())
    asyncio.run(whole_runs())
    kills(args.kills)


if __name__ == "__main__":
    main()
