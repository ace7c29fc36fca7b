from tgraph_bot.config.schema import Settings
from tgraph_bot.graphs.registry import BY_ID, GRAPHS

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
