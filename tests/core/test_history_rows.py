"""Reading get_history's rows from the answers a real Tautulli v2.17.2 gave."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tgraph_bot.core.history import ROW_FIELDS, parse_history, slim_row

RECORDED = Path(__file__).parents[1] / "fixtures" / "tautulli" / "recorded"


@pytest.mark.parametrize("name", ["get_history__page.json", "get_history__user.json"])
def test_rows_slimmed_while_read_give_the_same_plays_and_keep_only_what_is_read(
    name: str,
) -> None:
    text = json.dumps(json.loads((RECORDED / name).read_text(encoding="utf-8"))["body"])
    whole = json.loads(text)["response"]["data"]
    slim = json.loads(text, object_hook=slim_row)["response"]["data"]

    assert whole["data"], "the recording holds rows"
    assert parse_history(slim) == parse_history(whole)
    assert slim["recordsFiltered"] == whole["recordsFiltered"]  # the page around is kept
    assert all(set(row) <= ROW_FIELDS for row in slim["data"])
    assert len(whole["data"][0]) > 2 * len(slim["data"][0])  # most of a row is dropped
