"""Translator.duration: a length of time in words, rounded once to the unit it ends on."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tgraph_bot.i18n import translator

UNITS = {"hour": 3600, "minute": 60, "second": 1}


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 seconds"),
        (-3, "0 seconds"),
        (7.4, "7 seconds"),
        (7.5, "8 seconds"),
        (7.99, "8 seconds"),  # not cut down to 7
        (59.6, "1 minute"),  # not "60 seconds"
        (89.5, "1 minute, 30 seconds"),
        (3569.6, "59 minutes, 30 seconds"),
        (3599.7, "1 hour"),
        (3825, "1 hour, 4 minutes"),  # 1 h 3 min 45 s
        (99 * 3600 + 40 * 60, "99 hours, 40 minutes"),
        (99 * 3600 + 59 * 60 + 40, "100 hours"),
        (123 * 3600 + 1800, "124 hours"),
    ],
)
def test_rounded_to_the_nearest_unit_shown(seconds: float, text: str) -> None:
    assert translator("en").duration(seconds) == text


def test_danish() -> None:
    assert translator("da").duration(3825) == "1 time og 4 minutter"


def shown_seconds(text: str) -> tuple[int, int]:
    """(the seconds an English duration says, the smallest unit it names)."""
    parts = re.findall(r"([\d,]+) (hour|minute|second)s?", text)  # "1,000 hours"
    assert parts, text
    return (
        sum(int(n.replace(",", "")) * UNITS[u] for n, u in parts),
        min(UNITS[u] for _, u in parts),
    )


@given(st.floats(0, 10**7, allow_nan=False))
def test_within_half_a_unit_of_the_truth(seconds: float) -> None:
    shown, unit = shown_seconds(translator("en").duration(seconds))
    assert -unit / 2 < shown - seconds <= unit / 2 + 1e-6
