"""The play-history mirror and Wrapped against a Tautulli: backfill, an idle sync, member and
server recaps, memory on both sides, and every recap number checked against get_history.

    TAUTULLI_URL=http://127.0.0.1:PORT TAUTULLI_APIKEY=KEY [TAUTULLI_PID=PID] \\
        python bench/bench_wrapped.py [--members 5] [--timezone UTC]

TIMEZONE must be Tautulli's (its process's local time). Without TAUTULLI_URL it runs against
the test suite's fake Tautulli with a synthetic history (smaller, and no Tautulli memory).
Targets: backfill <= 120 s with Tautulli growing <= 200 MB; a sync with nothing new
<= 2 s and <= 5 requests; a member's recap <= 3 s; the server's <= 5 s; this process grows
<= 30 MB with the mirror.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tgraph_bot.build import database, history_mirror, tautulli_client, wrapped_service
from tgraph_bot.clock import utcnow
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.history import Window
from tgraph_bot.services.wrapped import WrappedService, year_window
from tgraph_bot.storage.history import SqliteHistoryStore

MB = 1024 * 1024


def rss(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


@asynccontextmanager
async def tautulli() -> AsyncIterator[tuple[str, str, int | None, str]]:
    url, key = os.environ.get("TAUTULLI_URL"), os.environ.get("TAUTULLI_APIKEY")
    if url and key:
        pid = os.environ.get("TAUTULLI_PID")
        yield url, key, int(pid) if pid else None, "a real Tautulli"
        return
    from tests.fakes.tautulli import DEFAULT_API_KEY, FakeTautulli

    from tgraph_bot.graphs.sample_history import history

    today = utcnow().date()
    async with FakeTautulli() as fake:
        fake.plays = history(today - timedelta(days=730), today, per_day=40)
        yield fake.url, DEFAULT_API_KEY, None, f"the fake Tautulli ({len(fake.plays):,} sessions)"


async def asked(url: str, key: str, **params: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=120) as http:
        answer = await http.get(
            url.rstrip("/") + "/api/v2",
            params={"apikey": key, "cmd": "get_history", "length": "0", **params},
        )
        return answer.json()["response"]["data"]


async def main(members: int, timezone: str) -> int:
    print(
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    me = os.getpid()
    async with tautulli() as (url, key, pid, what):
        print(f"against {what} at {url}")
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(TAUTULLI_URL=url, TAUTULLI_API_KEY=key, TIMEZONE=timezone)  # pyright: ignore[reportArgumentType]
            async with database(Path(tmp)) as db, tautulli_client(settings) as client:
                mirror = history_mirror(lambda: settings, db, client, utcnow)
                store = SqliteHistoryStore(db)  # the same table, for its size
                before_me = rss(me)
                before_t = rss(pid) if pid else 0
                started = time.monotonic()
                report = await mirror.sync()
                backfill = time.monotonic() - started
                rows, size = await store.size()
                line = (
                    f"backfill: {rows:,} sessions in {backfill:.1f} s, {report.requests} requests"
                )
                if pid:
                    peak = rss(pid, "VmHWM")
                    line += (
                        f"; Tautulli RSS {before_t / MB:.0f} -> peak {peak / MB:.0f} MB "
                        f"(+{(peak - before_t) / MB:.0f} MB)"
                    )
                print(line)
                print(
                    f"mirror on disk: {size / MB:.1f} MB (table and indexes), "
                    f"database file {(Path(tmp) / 'tgraph.db').stat().st_size / MB:.1f} MB"
                )
                started = time.monotonic()
                idle = await mirror.sync()
                print(
                    f"sync with nothing new: {time.monotonic() - started:.2f} s, "
                    f"{idle.requests} request(s)"
                )
                print(
                    f"this process after the backfill and a sync: RSS {before_me / MB:.0f} -> "
                    f"{rss(me) / MB:.0f} MB (+{(rss(me) - before_me) / MB:.0f} MB)"
                )

                service = wrapped_service(mirror)
                today = mirror.today()
                window = year_window(today.year, today)
                everyone = await mirror.plays_by_user(window)
                chosen = sorted(everyone, key=lambda u: -everyone[u])[
                    :: max(1, len(everyone) // members)
                ][:members]
                failures = 0
                for user_id in chosen:
                    started = time.monotonic()
                    found = await service.member(user_id, window)
                    took = time.monotonic() - started
                    failures += await compare(url, key, user_id, window, found)
                    print(f"member {user_id}: recap in {took:.2f} s, {found.plays:,} plays")
                await cards(service, chosen[0], window, Path(tmp))
                started = time.monotonic()
                server = await service.server(window)
                took = time.monotonic() - started
                truth = await asked(
                    url, key, after=window.after.isoformat(), before=window.before.isoformat()
                )
                same = truth["recordsFiltered"] == server.plays
                failures += 0 if same else 1
                print(
                    f"server: recap in {took:.2f} s, {server.plays:,} plays "
                    f"({'equal to' if same else 'NOT equal to'} get_history's "
                    f"{truth['recordsFiltered']:,})"
                )
                print(
                    f"this process after the recaps and the checks against get_history: RSS "
                    f"{rss(me) / MB:.0f} MB, peak {rss(me, 'VmHWM') / MB:.0f} MB"
                )
                print(
                    "every number equal to get_history's"
                    if failures == 0
                    else f"{failures} number(s) differ from get_history's"
                )
                return 1 if failures else 0


async def cards(service: WrappedService, user_id: int, window: Window, tmp: Path) -> None:
    """What /wrapped waits for before its first card: the recap, then the cards drawn, with
    the graph worker started cold (as after the renderer's idle timeout) and warm."""
    from tgraph_bot.build import renderer
    from tgraph_bot.graphs.theme import Theme
    from tgraph_bot.i18n import translator
    from tgraph_bot.services.wrapped import render_story
    from tgraph_bot.services.wrapped_cards import Story

    theme = Theme.from_settings(Settings())
    async with renderer(workers=1) as drawing:
        for state in ("cold", "warm"):
            started = time.monotonic()
            found = await service.member(user_id, window)
            pngs = await render_story(
                found,
                Story("Bench: 2026", member=True),
                translator("en"),
                theme,
                tmp / f"cards-{state}",
                drawing,
            )
            took = time.monotonic() - started
            print(
                f"member {user_id}: recap and {len(pngs)} cards drawn ({state} worker) "
                f"in {took:.2f} s (/wrapped shows the first card before the others are drawn)"
            )


async def compare(url: str, key: str, user_id: int, window: Window, found: Any) -> int:
    """Plays per media type and every top-5 show and artist against get_history."""
    base = {
        "user_id": str(user_id),
        "after": window.after.isoformat(),
        "before": window.before.isoformat(),
    }
    checks: list[tuple[str, int, int]] = []
    total = await asked(url, key, **base)
    checks.append(("plays", found.plays, total["recordsFiltered"]))
    for media in ("movie", "episode", "track", "live"):
        answer = await asked(url, key, **base, media_type=media)
        checks.append((media, found.by_media_type[media].plays, answer["recordsFiltered"]))
    rows = (await asked(url, key, **base, length="100000"))["data"]
    keys = {(r["media_type"], r["grandparent_title"]): r["grandparent_rating_key"] for r in rows}
    for kind, ranked in (("episode", found.top_shows), ("track", found.top_artists)):
        for item in ranked:
            grand = keys.get((kind, item.title))
            answer = await asked(
                url, key, **base, grandparent_rating_key=str(grand), media_type=kind
            )
            checks.append((f"{kind} {item.title}", item.plays, answer["recordsFiltered"]))
    movies = {r["title"]: r["rating_key"] for r in rows if r["media_type"] == "movie"}
    for item in found.top_movies:
        answer = await asked(url, key, **base, rating_key=str(movies[item.title]))
        checks.append((f"movie {item.title}", item.plays, answer["recordsFiltered"]))
    wrong = [(name, ours, theirs) for name, ours, theirs in checks if ours != theirs]
    for name, ours, theirs in wrong:
        print(f"  user {user_id} {name}: {ours} here, {theirs} in Tautulli")
    return len(wrong)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--timezone", default="UTC")
    parser.add_argument(
        "--window", type=int, default=None, help="sessions a backfill request brings at most"
    )
    args = parser.parse_args()
    if args.window:
        from tgraph_bot.services import history as history_service

        history_service.WINDOW_SESSIONS = args.window
    sys.exit(asyncio.run(main(args.members, args.timezone)))
