"""``tgraph-bot demo``: placeholder until the graphs land."""

from __future__ import annotations

from pathlib import Path

from tgraph_bot.i18n import Translator


def run_demo(out: Path, *, language: str, tr: Translator) -> int:
    raise NotImplementedError
