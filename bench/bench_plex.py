"""Plex module figures against the local fakes (real plexapi, real HTTP on 127.0.0.1).

    .venv/py3.11/bin/python bench/bench_plex.py [--skip-musicbrainz]

1. A library of 20,000 tracks (2,000 rated 4 stars or more, 3,000 rated lower): the first
   sync into an empty playlist, in-process, timed, with the Plex requests counted and the
   event loop's stalls measured by a 5 ms ticker;
2. the second sync from a fresh ``tgraph-bot plex sync-playlists`` process: requests and
   writes;
3. completion for an artist with 2,000 tracks (Tautulli history from the fake Tautulli);
4. a 20-album enrich against the fake MusicBrainz with the real one-a-second limiter: the
   most requests that arrived in any one second;
5. outages, each from a fresh ``tgraph-bot plex ...`` process with the real timeouts and
   deadlines: how long until it reports (and what) with Plex hanging (it accepts, never
   answers), with MusicBrainz hanging, and with nothing listening at PLEX_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.musicbrainz import FakeMusicBrainz  # noqa: E402
from tests.fakes.plex import FakePlex, jazz_library  # noqa: E402
from tests.fakes.tautulli import DEFAULT_API_KEY, FakeTautulli  # noqa: E402

from tgraph_bot.adapters.musicbrainz import INTERVAL, MusicBrainz, RateLimiter  # noqa: E402
from tgraph_bot.adapters.plex import PlexLibrary  # noqa: E402
from tgraph_bot.adapters.tautulli import TautulliClient  # noqa: E402
from tgraph_bot.config.schema import Settings  # noqa: E402
from tgraph_bot.services.plex import PlexService  # noqa: E402
from tgraph_bot.storage.db import Database  # noqa: E402
from tgraph_bot.storage.links import SqliteLinkStore  # noqa: E402
from tgraph_bot.storage.musicbrainz import SqliteMetadataCache  # noqa: E402
from tgraph_bot.storage.plex import SqlitePlexStore  # noqa: E402

USER = 695734  # HarperKPlex in the recorded Tautulli


def machine() -> str:
    return (
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs ({platform.processor() or platform.platform()})"
    )


def build_library(plex: FakePlex) -> list[int]:
    """20,000 tracks: 180 artists x 10 albums x 10 tracks, and one artist with 2,000."""
    rng = random.Random(11)
    keys: list[int] = []
    for a in range(180):
        artist = plex.add_artist(f"Artist {a:03d}")
        for b in range(10):
            album = plex.add_album(artist, f"Album {a:03d}-{b}")
            keys += [plex.add_track(album, f"Track {t}").rating_key for t in range(10)]
    big = plex.add_artist("The Prolific One")
    for b in range(100):
        album = plex.add_album(big, f"Volume {b:03d}")
        keys += [plex.add_track(album, f"Piece {t}").rating_key for t in range(20)]
    chosen = rng.sample(keys, 5000)
    for key in chosen[:2000]:
        plex.tracks[key].user_rating = rng.choice([8, 9, 10])
    for key in chosen[2000:]:
        plex.tracks[key].user_rating = rng.choice([2, 4, 6, 7])
    return keys


class Ticker:
    """How late a 5 ms sleep wakes up: the event loop's stalls."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._running = True

    async def run(self) -> None:
        while self._running:
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            self.lags.append(time.perf_counter() - start - 0.005)

    def stop(self) -> None:
        self._running = False


def service(plex: FakePlex, db: Database, tautulli: TautulliClient, mb: MusicBrainz) -> PlexService:
    settings = Settings(PLEX_ENABLED=True, PLEX_URL=plex.url)
    library = PlexLibrary(plex.url, plex.token, "Music")
    return PlexService(
        library,
        tautulli,
        SqlitePlexStore(db),
        SqliteLinkStore(db),
        [mb],
        lambda: settings,
        clock=lambda: datetime.now(UTC),
    )


async def first_sync(svc: PlexService, plex: FakePlex) -> None:
    plex.clear_log()
    ticker = Ticker()
    ticking = asyncio.create_task(ticker.run())
    started = time.perf_counter()
    result = await svc.sync_playlists()
    took = time.perf_counter() - started
    ticker.stop()
    await ticking
    lags = sorted(ticker.lags)
    p99 = lags[int(len(lags) * 0.99) - 1] if lags else 0.0
    print(
        f"first sync (empty playlist): {result.added} added, {len(plex.requests)} Plex requests "
        f"({len(plex.writes)} writes), {took:.2f} s; loop stall p99 {p99 * 1000:.1f} ms, "
        f"max {lags[-1] * 1000:.1f} ms, median {statistics.median(lags) * 1000:.2f} ms "
        f"over {len(lags)} ticks"
    )


def plex_process(
    folder: Path, plex_url: str, token: str, *command: str, extra: str = ""
) -> tuple[subprocess.CompletedProcess[str], float]:
    """``tgraph-bot plex COMMAND...`` in a fresh process; its result and how long it took."""
    config = folder / "config.yml"
    config.write_text(
        f"PLEX_ENABLED: true\nPLEX_URL: {plex_url}\nPLEX_TOKEN: {token}\n"
        f"DATA_DIR: {folder / 'data'}\nTAUTULLI_URL: http://127.0.0.1:9\n{extra}",
        encoding="utf-8",
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tgraph_bot.cli", "plex", *command, "--config", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    return done, time.perf_counter() - started


def second_sync_process(plex: FakePlex, folder: Path) -> None:
    plex.clear_log()
    done, took = plex_process(folder, plex.url, plex.token, "sync-playlists")
    print(
        f"second sync, fresh `tgraph-bot plex sync-playlists` process: {done.stdout.strip()!r}, "
        f"{len(plex.requests)} Plex requests ({len(plex.writes)} writes), "
        f"{took:.2f} s for the whole process (exit {done.returncode})"
    )


async def completion(svc: PlexService, plex: FakePlex, tautulli: FakeTautulli) -> None:
    big = next(a for a in plex.artists.values() if a.title == "The Prolific One")
    tracks = [t for t in plex.tracks.values() if t.artist == big.rating_key]
    rng = random.Random(5)
    tautulli.plays = plex.plays(USER, [t.rating_key for t in rng.choices(tracks, k=1500)])
    plex.clear_log()
    started = time.perf_counter()
    report = await svc.completion("The Prolific One", plex_user="HarperKPlex")
    took = time.perf_counter() - started
    print(
        f"completion, artist with {report.result.total} tracks: {report.result.played} played, "
        f"{took:.2f} s ({len(plex.requests)} Plex requests, "
        f"{len(tautulli.api_requests('get_history'))} Tautulli history pages)"
    )


async def enrich_20(plex: FakePlex, db: Database, tautulli: TautulliClient) -> None:
    with FakeMusicBrainz(generate=True) as fake:
        brainz = MusicBrainz(
            fake.url,
            "TGraphBotBench/1.0 ( bench@example.invalid )",
            limiter=RateLimiter(INTERVAL),  # as app.py makes it
            cache=SqliteMetadataCache(db),
            clock=lambda: datetime.now(UTC),
        )
        svc = service(plex, db, tautulli, brainz)
        titles = [f"Album {a:03d}-0" for a in range(20)]
        started = time.perf_counter()
        for title in titles:
            await svc.enrich(title)
        took = time.perf_counter() - started
        await brainz.aclose()
        times = [s.at for s in fake.seen]
        most = max(sum(1 for u in times if t <= u < t + 1.0) for t in times)
        gaps = [b - a for a, b in itertools.pairwise(times)]
        print(
            f"MusicBrainz, 20-album enrich: {len(times)} requests in {took:.1f} s, "
            f"at most {most} in any one second, smallest gap {min(gaps):.3f} s"
        )


def outage(label: str, done: subprocess.CompletedProcess[str], took: float) -> None:
    said = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:]
    print(f"{label}: reported after {took:.1f} s (exit {done.returncode}): {said}")


def outages(folder: Path) -> None:
    with FakePlex() as plex, FakeMusicBrainz() as brainz:
        jazz_library(plex)
        plex.hang()
        done, took = plex_process(folder, plex.url, plex.token, "sync-playlists")
        outage("Plex hanging, `plex sync-playlists`", done, took)
        done, took = plex_process(folder, plex.url, plex.token, "enrich", "A Love Supreme")
        outage("Plex hanging, `plex enrich`", done, took)
        plex.behave()
        brainz.hang()
        done, took = plex_process(
            folder,
            plex.url,
            plex.token,
            "enrich",
            "A Love Supreme",
            extra=f"MUSICBRAINZ_URL: {brainz.url}\n",
        )
        outage("MusicBrainz hanging, `plex enrich`", done, took)
        print(f"  (MusicBrainz received {brainz.arrived} requests)")
        brainz.behave()
        url = plex.url
    done, took = plex_process(folder, url, "t", "sync-playlists")
    outage("nothing listening at PLEX_URL, `plex sync-playlists`", done, took)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-musicbrainz", action="store_true", help="skip the ~40 s enrich")
    parser.add_argument("--outages-only", action="store_true", help="only the ~45 s outages")
    args = parser.parse_args()
    print(machine())
    if args.outages_only:
        with tempfile.TemporaryDirectory() as tmp:
            outages(Path(tmp))
        return
    with FakePlex() as plex, tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        build_library(plex)
        print(
            f"library: {len(plex.tracks)} tracks, "
            f"{sum(1 for t in plex.tracks.values() if (t.user_rating or 0) >= 8)} rated >= 4 stars "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        async with (
            FakeTautulli(api_key=DEFAULT_API_KEY) as fake_tautulli,
            Database(Path(tmp) / "tgraph.db") as db,
            TautulliClient(fake_tautulli.url, DEFAULT_API_KEY) as tautulli,
        ):
            brainz = MusicBrainz(
                "http://127.0.0.1:9",
                "bench",
                limiter=RateLimiter(1.0),
                cache=None,
                clock=lambda: datetime.now(UTC),
            )
            svc = service(plex, db, tautulli, brainz)
            await first_sync(svc, plex)
            await asyncio.to_thread(second_sync_process, plex, Path(tmp))
            await completion(svc, plex, fake_tautulli)
            await brainz.aclose()
            if not args.skip_musicbrainz:
                await enrich_20(plex, db, tautulli)
        await asyncio.to_thread(outages, Path(tmp))


if __name__ == "__main__":
    asyncio.run(main())
