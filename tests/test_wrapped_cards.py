"""Wrapped's cards: each states the recap's own numbers, and every word on them is legible
at the width a phone shows a portrait image (360 px), in both themes and both languages."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import matplotlib.text
import pytest

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.history import Window, parse_play
from tgraph_bot.core.wrapped import Recap, recap
from tgraph_bot.graphs.card_worker import build_card
from tgraph_bot.graphs.sample_history import history
from tgraph_bot.graphs.theme import Theme
from tgraph_bot.i18n import translator
from tgraph_bot.services.wrapped_cards import Story, story_cards

WINDOW = Window(date(2026, 1, 1), date(2026, 11, 22))
PHONE_PX = 360
MIN_TEXT_PX = 11


@pytest.fixture(scope="module")
def found() -> Recap:
    rows = [parse_play(r) for r in history(WINDOW.after, WINDOW.before)]
    plays = Counter(r.user_id for r in rows)
    mine = [r for r in rows if r.user_id == 101]
    return recap(mine, WINDOW, "Europe/Copenhagen", plays_by_user=dict(plays), user_id=101)


def test_the_cards_state_the_recaps_numbers(found: Recap, tmp_path: Path) -> None:
    tr = translator("en")
    cards = story_cards(found, Story("Ann: 2026", member=True), tr, theme(), tmp_path)
    time_played, shows = cards[0], next(c for c in cards if c.title == "Top shows")
    hours = round(found.duration_seconds / 3600)
    assert time_played.big == f"{tr.number(hours)} hours"
    assert time_played.big_caption == f"in {tr.number(found.plays)} plays"
    assert [name for name, _ in shows.rows] == [
        f"{i}. {s.title}" for i, s in enumerate(found.top_shows, 1)
    ]
    assert [value.split(" · ")[0] for _, value in shows.rows] == [
        f"{tr.number(s.plays)} plays" for s in found.top_shows
    ]
    how = cards[-1]
    assert found.percentile is not None and how.big == tr.percent(found.percentile)
    assert all(c.kicker.endswith(f"{n} of {len(cards)}") for n, c in enumerate(cards, 1))
    assert all(c.footnote for c in cards)  # every card says what its numbers count


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("graph_theme", ["light", "dark"])
def test_every_word_on_a_card_is_legible_on_a_phone(
    found: Recap, tmp_path: Path, language: str, graph_theme: str
) -> None:
    tr = translator(language)
    story = Story(tr._("{name}: {period}").format(name="Ann", period="2026"), member=True)
    for job in story_cards(found, story, tr, theme(graph_theme), tmp_path):
        fig, canvas = build_card(job)
        canvas.draw()
        renderer = canvas.get_renderer()
        scale = PHONE_PX / (job.width * job.dpi)
        for text in fig.findobj(matplotlib.text.Text):
            if not text.get_visible() or not text.get_text().strip():
                continue
            height = text.get_window_extent(renderer).height / max(
                1, text.get_text().count("\n") + 1
            )
            assert height * scale >= MIN_TEXT_PX, (job.title, text.get_text(), height * scale)
            box = text.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= job.width * job.dpi, (job.title, text.get_text())


def theme(name: str = "light") -> Theme:
    return Theme.from_settings(Settings.model_validate({"GRAPH_THEME": name}))
