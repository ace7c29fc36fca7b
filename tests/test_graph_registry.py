import pytest

from tgraph_bot.config.schema import Settings
from tgraph_bot.graphs.registry import BY_ID, GRAPHS
from tgraph_bot.i18n import translator

NOT_GRAPHS = {"ENABLE_GRAPH_GRID", "ENABLE_ANNOTATION_OUTLINE", "ENABLE_PREFIX_COMMANDS"}


def test_every_graph_switch_in_the_schema_names_exactly_one_registered_graph() -> None:
    schema = {
        key
        for key in Settings.model_fields
        if key.startswith(("ENABLE_", "ANNOTATE_")) and key not in NOT_GRAPHS
    }
    registry = [key for spec in GRAPHS for key in (spec.enable_key, spec.annotate_key)]
    assert len(registry) == len(set(registry))
    assert set(registry) == schema


def test_twelve_graphs_with_distinct_ids_and_commands() -> None:
    assert len(GRAPHS) == 12 == len(BY_ID)
    assert len({spec.command for spec in GRAPHS}) == 12
    assert all(spec.enable_key == "ENABLE_" + spec.id.upper() for spec in GRAPHS)


def test_the_tautulli_adapter_sends_exactly_the_registered_commands() -> None:
    from tgraph_bot.adapters.tautulli import GRAPH_COMMANDS

    assert {spec.command for spec in GRAPHS} == GRAPH_COMMANDS


def test_every_series_tautulli_returns_has_a_translated_name_and_a_colour() -> None:
    import json
    from importlib import resources

    from tgraph_bot.graphs.registry import SERIES_NAMES
    from tgraph_bot.graphs.theme import Theme

    sample = resources.files("tgraph_bot.graphs") / "sample"
    names = {
        series["name"]
        for entry in sample.iterdir()
        if entry.name.endswith(".json")
        for series in json.loads(entry.read_text(encoding="utf-8"))["series"]
    }
    assert names and names <= set(SERIES_NAMES)
    theme = Theme.from_settings(Settings())
    assert all(theme.colour(name, 99) == theme.colour(name, 0) for name in names)  # fixed


@pytest.mark.parametrize(("language", "your"), [("en", "Your "), ("da", "Dine ")])
def test_a_personal_title_says_what_the_server_title_says_with_your(
    language: str, your: str
) -> None:
    """One wording per idea: "Play count by hour of day" is "Your play count by hour of
    day" in /my_stats, never "Your plays by ..." (a member has no Top 10 of their own)."""
    tr = translator(language)

    def yours(server: str) -> str:
        said = tr._(server).removeprefix("Top 10 ")
        return your + said[0].lower() + said[1:]

    pairs = [(spec.title, spec.personal) for spec in GRAPHS]
    pairs += [spec.weekly for spec in GRAPHS if spec.weekly is not None]
    checked = [(server, mine) for server, mine in pairs if mine is not None]
    assert len(checked) == 11  # 9 graphs in /my_stats, 2 of them also weekly
    for server, mine in checked:
        assert tr._(mine) == yours(server), (server, mine)
