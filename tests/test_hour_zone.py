"""The hour-of-day graphs name the time zone their hours are in, server and personal, in
both languages: on the drawn axis, in the sidecar, in the caption and alt text, and in a
member's summary.

Tautulli counts a play's hour in its own local time (SQLite's ``localtime``) and no API
command says which zone that is; the bot's TIMEZONE must be Tautulli's (the history mirror
warns when it is not), so TIMEZONE is the zone named.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.graph_support import NOW, drawn_graphs
from tgraph_bot.config.schema import Settings
from tgraph_bot.core.highlights import PeriodSummary
from tgraph_bot.graphs.render import Renderer
from tgraph_bot.graphs.sample_source import SampleGraphSource
from tgraph_bot.i18n import translator
from tgraph_bot.services.graphs import GraphService
from tgraph_bot.services.post_layout import embed_text, personal_messages, read_card

ZONE = "Europe/Copenhagen"
HOUR = "play_count_by_hourofday"
AXIS = {"en": f"Hour of day ({ZONE})", "da": f"Time på døgnet ({ZONE})"}


@pytest.mark.parametrize("personal", [False, True])
@pytest.mark.parametrize("language", ["en", "da"])
def test_the_drawn_hour_axis_names_the_zone(language: str, personal: bool, tmp_path: Path) -> None:
    drawn = {
        graph_id: fig.axes[0].get_xlabel()
        for graph_id, _, fig, _ in drawn_graphs(
            language, 30, "dark", tmp_path, personal=personal, zone=ZONE
        )
    }
    assert drawn[HOUR] == AXIS[language]
    assert all(ZONE not in label for graph_id, label in drawn.items() if graph_id != HOUR)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", f"Busiest hour: 21:00 {ZONE} (238 plays)"),
        ("da", f"Travleste time: kl. 21:00 {ZONE} (238 afspilninger)"),
    ],
)
async def test_the_caption_and_alt_text_name_the_zone_from_the_sidecar(
    language: str, said: str, tmp_path: Path
) -> None:
    settings = Settings.model_validate(
        {"LANGUAGE": language, "TIMEZONE": ZONE}
        | {
            k: False
            for k in Settings.model_fields
            if k.startswith("ENABLE_") and HOUR.upper() not in k
        }
    )
    service = GraphService(SampleGraphSource(), Renderer(), clock=lambda: NOW)
    async with service.renderer:
        report = await service.render(settings, tmp_path)
    (graph,) = report.graphs
    card = read_card(HOUR, graph.png, graph.sidecar, translator(language))
    assert '"time_zone": "Europe/Copenhagen"' in graph.sidecar.read_text(encoding="utf-8")
    assert card.caption == said
    assert card.alt.endswith(said)


@pytest.mark.parametrize(
    ("language", "field"),
    [("en", f"**Busiest hour**: 21:00 {ZONE}"), ("da", f"**Travleste time**: kl. 21:00 {ZONE}")],
)
def test_a_members_summary_names_the_zone_of_their_busiest_hour(language: str, field: str) -> None:
    period = PeriodSummary(
        date(2026, 10, 23),
        date(2026, 11, 21),
        40,
        30,
        36000,
        30000,
        date(2026, 11, 1),
        5,
        busiest_hour=21,
    )
    (message,) = personal_messages(
        [], period, layout="gallery", days=30, tr=translator(language), zone=ZONE
    )
    assert field in message.texts[0].splitlines()
    (embeds,) = personal_messages(
        [], period, layout="embeds", days=30, tr=translator(language), zone=ZONE
    )
    assert field in embed_text(embeds.embeds[0]).splitlines()
