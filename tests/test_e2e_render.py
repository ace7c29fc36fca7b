"""`tgraph-bot render`: the configured (fake) Tautulli's graphs written to a folder."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from tests.fakes.discord import every_component, message_errors
from tests.fakes.tautulli import fake_tautulli_process
from tgraph_bot.cli import main
from tgraph_bot.graphs.registry import GRAPHS

pytestmark = pytest.mark.slow  # starts processes or renders for real

API_KEY = "render-tautulli-key"
EMAIL = "Harper.Kim11@mail.example.com"  # a recorded Tautulli user


def write_config(tmp_path: Path, url: str) -> Path:
    config = tmp_path / "config.yml"
    config.write_text(
        f'TAUTULLI_URL: "{url}"\nTAUTULLI_API_KEY: "{API_KEY}"\nLANGUAGE: da\n',
        encoding="utf-8",
    )
    return config


async def test_render_writes_every_graph_and_its_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with fake_tautulli_process(API_KEY) as tautulli:
        config = write_config(tmp_path, tautulli.url)
        out = tmp_path / "graphs"
        status = await asyncio.to_thread(
            main, ["--config", str(config), "render", "--out", str(out)]
        )
        server = capsys.readouterr().out.splitlines()
        assert status == 0
        mine = tmp_path / "mine"
        status = await asyncio.to_thread(
            main, ["--config", str(config), "render", "--out", str(mine), "--user", EMAIL]
        )
        personal = capsys.readouterr().out.splitlines()
        assert status == 0
    assert server[-1] == f"{len(GRAPHS)} grafer skrevet til {out.resolve()}"
    for spec in GRAPHS:
        assert (out / f"{spec.id}.png").read_bytes().startswith(b"\x89PNG")
        assert str(out / f"{spec.id}.png") in server
        assert json.loads((out / f"{spec.id}.json").read_text())
    # The member's graphs hold their own plays, not the server's.
    theirs = json.loads((mine / "daily_play_count.json").read_text())
    assert theirs != json.loads((out / "daily_play_count.json").read_text())
    assert personal[-1].endswith(f"skrevet til {mine.resolve()}")
    assert API_KEY not in "\n".join(server + personal)
    assert str(out / "post.json") in server and str(mine / "post.json") in personal
    assert_post_numbers_are_the_sidecars(out)
    assert_post_numbers_are_the_sidecars(mine)


NUMBER = re.compile(r"\d{1,3}(?:[.,]\d{3})+|\d+")  # Danish 2.489, English 2,489
HOUR = re.compile(r"\b(\d{1,2}):00\b")  # the busiest hour, "21:00": the number 21


def numbers(text: str) -> list[int]:
    return [int(re.sub(r"[.,]", "", n)) for n in NUMBER.findall(HOUR.sub(r"\1", text))]


def assert_post_numbers_are_the_sidecars(folder: Path) -> None:
    """post.json: the gallery post the bot would send of the graphs in ``folder``, each
    message one Discord accepts; every graph is in it once, as a line of the card and as a
    gallery item whose alt text is the attachment's, and every number its line and alt
    text give is its sidecar's (the peak, the total, or one in the title or the peak's
    date or name)."""
    post = json.loads((folder / "post.json").read_text(encoding="utf-8"))
    assert post["layout"] == "gallery"
    messages = post["messages"]
    assert all(message_errors(m) == {} and len(m["attachments"]) <= 10 for m in messages)
    parts = [c for m in messages for c in every_component(m["components"])]
    items = [item for c in parts if c["type"] == 12 for item in c["items"]]
    alts = {a["filename"]: a["description"] for m in messages for a in m["attachments"]}
    assert [i["media"]["url"] for i in items] == [f"attachment://{name}" for name in alts]
    assert [i["description"] for i in items] == list(alts.values())
    drawn = sorted(folder.glob("*.png"))
    assert sorted(alts) == [png.name for png in drawn]
    lines = "\n".join(c["content"] for c in parts if c["type"] == 10).splitlines()
    for png in drawn:
        sidecar = json.loads(png.with_suffix(".json").read_text(encoding="utf-8"))
        title, summary = sidecar["title"], sidecar["summary"]
        (line,) = [x for x in lines if x.startswith(f"**{title}**: ")]
        caption = line.removeprefix(f"**{title}**: ")
        assert alts[png.name] == f"{title}. {caption}"
        peak = summary["peak"]
        key = {round(peak["value"])} | ({round(summary["total"])} if summary["total"] else set())
        known = key | {*numbers(title), *numbers(str(peak["category"]))}
        assert key & set(numbers(caption)), line  # the number that matters is there
        assert set(numbers(caption)) <= known, line


async def test_render_for_an_unknown_email_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with fake_tautulli_process(API_KEY) as tautulli:
        config = write_config(tmp_path, tautulli.url)
        status = await asyncio.to_thread(
            main, ["--config", str(config), "render", "--user", "nobody@example.com"]
        )
    captured = capsys.readouterr()
    assert status == 1
    assert captured.err.splitlines() == ["Ingen Tautulli-bruger har den e-mailadresse."]
    assert not (tmp_path / "graphs").exists()
