"""core/plex.py and core/activity.py: the Plex module's pure decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tgraph_bot.core.activity import bandwidth, clock, fit, parse_activity, progress_bar
from tgraph_bot.core.plex import (
    BLOCK_START,
    Credit,
    PlaylistEntry,
    chunks,
    closest_names,
    completion,
    format_credits,
    merge_summary,
    plan_playlist,
    qualifies,
    strip_block,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tautulli" / "crafted"


def entries(keys: list[int]) -> list[PlaylistEntry]:
    return [PlaylistEntry(item_id=1000 + i, rating_key=k) for i, k in enumerate(keys)]


# -- playlist plan ---------------------------------------------------------------------------


def test_plan_adds_missing_removes_unwanted_and_duplicates() -> None:
    plan = plan_playlist(entries([1, 2, 2, 9, 3]), [1, 2, 3, 4, 5])
    assert plan.add == (4, 5)
    assert plan.remove == (1002, 1003)  # the second 2, and 9
    assert plan.total == 5


def test_plan_for_a_playlist_already_right_changes_nothing() -> None:
    plan = plan_playlist(entries([3, 1, 2]), [1, 2, 3])
    assert not plan.changes


def test_chunks_are_at_most_100_and_keep_order() -> None:
    parts = list(chunks(list(range(250))))
    assert [len(p) for p in parts] == [100, 100, 50]
    assert [k for p in parts for k in p] == list(range(250))
    with pytest.raises(ValueError):
        list(chunks([1], 0))


@given(
    st.lists(st.integers(1, 30), max_size=60),
    st.lists(st.integers(1, 30), max_size=60),
)
def test_plan_applied_gives_exactly_the_wanted_set_once(current: list[int], wanted: list[int]):
    now = entries(current)
    plan = plan_playlist(now, wanted)
    removed = set(plan.remove)
    after = [e.rating_key for e in now if e.item_id not in removed] + list(plan.add)
    assert sorted(after) == sorted(set(wanted))
    assert all(len(c) <= 100 for c in plan.add_chunks())
    # Applying it is a fixed point: the next plan changes nothing.
    again = plan_playlist(entries(after), wanted)
    assert not again.changes


def test_ratings_are_out_of_ten() -> None:
    assert qualifies(8, 4)
    assert qualifies(10, 4)
    assert not qualifies(7, 4)
    assert not qualifies(None, 0.5)
    assert qualifies(1, 0.5)


# -- credits ---------------------------------------------------------------------------------


def test_credits_are_merged_per_person_in_order() -> None:
    text = format_credits(
        [
            Credit("John Coltrane", "tenor saxophone"),
            Credit("McCoy Tyner", "piano"),
            Credit("John Coltrane", "Soprano Saxophone"),
            Credit("John  Coltrane", "Tenor Saxophone"),  # repeat, other spacing and case
            Credit("", "drums"),
            Credit("Elvin Jones", " "),
        ]
    )
    assert text == "John Coltrane: Tenor Saxophone, Soprano Saxophone | McCoy Tyner: Piano"


def test_roles_are_capitalised_outside_brackets_only() -> None:
    text = format_credits(
        [Credit("Elvin Jones", "drums (drum set)"), Credit("Michael Brecker", "EWI")]
    )
    assert text == "Elvin Jones: Drums (drum set) | Michael Brecker: EWI"


def test_no_credits_format_to_nothing() -> None:
    assert format_credits([]) == ""


# -- summary merge ---------------------------------------------------------------------------


@pytest.mark.parametrize("position", ["append", "prepend"])
def test_summary_merge_is_idempotent_and_replaces_its_block(position: str) -> None:
    once = merge_summary("A landmark album.", "A: Piano", position)  # type: ignore[arg-type]
    assert merge_summary(once, "A: Piano", position) == once  # type: ignore[arg-type]
    assert once.count(BLOCK_START) == 1
    changed = merge_summary(once, "B: Bass", position)  # type: ignore[arg-type]
    assert changed.count(BLOCK_START) == 1
    assert "B: Bass" in changed
    assert "A: Piano" not in changed
    assert strip_block(changed) == "A landmark album."
    if position == "append":
        assert once.startswith("A landmark album.")
    else:
        assert once.endswith("A landmark album.")


def test_summary_merge_into_an_empty_summary() -> None:
    assert merge_summary("", "A: Piano", "append") == "[Credits] A: Piano [/Credits]"


@given(
    st.text(max_size=80), st.text(min_size=1, max_size=40), st.sampled_from(["append", "prepend"])
)
def test_summary_merge_is_a_fixed_point(summary: str, text: str, position: str) -> None:
    once = merge_summary(summary, text, position)  # type: ignore[arg-type]
    assert merge_summary(once, text, position) == once  # type: ignore[arg-type]


# -- completion ------------------------------------------------------------------------------


def test_completion_counts_distinct_tracks_of_the_artist_only() -> None:
    result = completion([1, 2, 3, 4], [1, 1, 1, 2, 99])
    assert (result.played, result.total) == (2, 4)
    assert result.percent == 50.0
    assert completion([], [1]).percent == 0.0


def test_closest_names() -> None:
    names = ["John Coltrane", "Alice Coltrane", "Miles Davis", "McCoy Tyner"]
    assert closest_names("coltrane", names)[:2] == ["John Coltrane", "Alice Coltrane"]
    assert closest_names("Miles Davs", names)[0] == "Miles Davis"
    assert closest_names("zzzz", names) == []


# -- activity --------------------------------------------------------------------------------


def load(name: str) -> object:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))["body"]["response"]["data"]


def test_activity_parses_the_three_sessions() -> None:
    activity = parse_activity(load("get_activity__3_sessions.json"))
    tv, movie, music = activity.streams
    assert tv.decision == "direct play"
    assert tv.title.startswith("The Expanse")
    assert movie.decision == "transcode"
    assert movie.transcoding == ("video", "audio")
    assert movie.quality == "4K → 720p"  # as the resolution graphs write it
    assert movie.state == "paused"
    assert music.decision == "direct stream"  # Tautulli says "copy"
    assert music.title == "John Coltrane - A Love Supreme - Part 1: Acknowledgement"
    assert (activity.lan_kbps, activity.wan_kbps) == (13811, 4200)


def test_idle_activity() -> None:
    assert parse_activity(load("get_activity__idle.json")).count == 0
    with pytest.raises(ValueError):
        parse_activity([])


def test_clock_bar_and_bandwidth() -> None:
    assert clock(1034000) == "17:14"
    assert clock(5601000) == "1:33:21"
    assert progress_bar(50, 100, width=4) == "▓▓░░ 0:00 / 0:00"
    assert progress_bar(61000, 0) == "1:01"
    assert bandwidth(13811) == "13.8 Mbps"
    assert bandwidth(999) == "999 kbps"


def test_fit_respects_count_and_budget() -> None:
    assert fit([10] * 40, max_items=24, budget=10_000) == 24
    assert fit([100] * 10, max_items=24, budget=450) == 4
    assert fit([], max_items=24, budget=10) == 0
