"""``tgraph-bot plex ...`` run as a separate process against the local fakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_support import tgraph as run_cli
from tests.fakes.musicbrainz import FakeMusicBrainz
from tests.fakes.plex import FakePlex, jazz_library
from tests.fakes.tautulli import DEFAULT_API_KEY, FakeTautulli
from tests.plex_support import HARPER
from tgraph_bot.build import PLAYLIST_LOCK

pytestmark = pytest.mark.slow  # starts processes or renders for real


def write_config(
    path: Path, plex: FakePlex, mb: FakeMusicBrainz, tautulli_url: str, **extra: object
) -> Path:
    config = path / "config.yml"
    lines = {
        "PLEX_ENABLED": "true",
        "PLEX_URL": plex.url,
        "PLEX_TOKEN": plex.token,
        "MUSICBRAINZ_URL": mb.url,
        "TAUTULLI_URL": tautulli_url,
        "TAUTULLI_API_KEY": DEFAULT_API_KEY,
        "DATA_DIR": str(path / "data"),
        "CENSOR_USERNAMES": "false",
        **{k: str(v) for k, v in extra.items()},
    }
    config.write_text("".join(f"{k}: {v}\n" for k, v in lines.items()), encoding="utf-8")
    return config


async def tgraph(config: Path, *args: str) -> tuple[int, str, str]:
    return await run_cli(config, "plex", *args)


async def test_sync_then_again_from_a_fresh_process(tmp_path: Path) -> None:
    with FakePlex() as plex, FakeMusicBrainz() as mb:
        jazz_library(plex)
        config = write_config(tmp_path, plex, mb, "http://127.0.0.1:9")
        code, out, err = await tgraph(config, "sync-playlists")
        assert (code, err) == (0, "")
        assert out.strip() == 'Created the playlist "My Top Rated": added 5, removed 0, 5 tracks'
        assert (tmp_path / "data" / PLAYLIST_LOCK).is_file()  # taken, as the bot takes it
        plex.clear_log()
        code, out, _ = await tgraph(config, "sync-playlists")
        assert out.strip() == 'Playlist "My Top Rated": added 0, removed 0, 5 tracks'
        assert plex.writes == []


async def test_enrich_dry_run_and_for_real_in_danish(tmp_path: Path) -> None:
    with FakePlex() as plex, FakeMusicBrainz() as mb:
        lib = jazz_library(plex)
        config = write_config(tmp_path, plex, mb, "http://127.0.0.1:9", LANGUAGE="da")
        code, out, _ = await tgraph(config, "enrich", "A Love Supreme", "--dry-run")
        assert code == 0
        assert "McCoy Tyner: Piano" in out
        assert plex.writes == []
        code, out, _ = await tgraph(config, "enrich", "Kind of", "--artist", "Miles Davis")
        assert code == 2  # two albums match
        assert "Kind of Blue (Legacy Edition)" in out
        code, out, _ = await tgraph(config, "enrich", "A Love Supreme")
        assert code == 0
        assert "[Credits]" in plex.albums[lib["supreme"].rating_key].summary
        assert "Skrev" in out  # Danish


async def test_failures_are_one_line_and_non_zero(tmp_path: Path) -> None:
    with FakePlex() as plex, FakeMusicBrainz() as mb:
        jazz_library(plex)
        config = write_config(tmp_path, plex, mb, "http://127.0.0.1:9", PLEX_MUSIC_LIBRARY="Musik")
        code, out, err = await tgraph(config, "sync-playlists")
        assert code == 1 and out == ""
        assert err.strip().count("\n") == 0
        assert "PLEX_MUSIC_LIBRARY" in err and "Music" in err
        plex.token = "changed"
        code, _, err = await tgraph(config, "enrich", "A Love Supreme")
        assert code == 1 and "PLEX_TOKEN" in err and "good-token" not in err
        plex.stop()
        code, _, err = await tgraph(config, "sync-playlists")
        assert code == 1 and err.strip().startswith("Cannot reach Plex at http://127.0.0.1:")
        assert plex.writes == []


async def test_usage_and_completion(tmp_path: Path) -> None:
    with FakePlex() as plex, FakeMusicBrainz() as mb:
        lib = jazz_library(plex)
        async with FakeTautulli(api_key=DEFAULT_API_KEY) as tautulli:
            tautulli.plays = plex.plays(HARPER, [lib["tracks"][0].rating_key])
            config = write_config(tmp_path, plex, mb, tautulli.url)
            code, out, err = await tgraph(config, "usage")
            assert code == 0, err
            assert "Harper K." in out and "Transcode (video, audio)" in out
            assert "3 streams" in out
            code, out, err = await tgraph(
                config, "completion", "John Coltrane", "--user", "HarperKPlex"
            )
            assert code == 0, err
            assert out.strip() == (
                "You have listened to 20% (1/5) of John Coltrane's collection on this server."
            )
