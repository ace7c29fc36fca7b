"""Configuration: the schema, the store and the problem report."""

from tgraph_bot.config.schema import EDITABLE_KEYS, KEYS, SECRET_KEYS, Settings
from tgraph_bot.config.store import ConfigStore, EditResult, display_value

__all__ = [
    "EDITABLE_KEYS",
    "KEYS",
    "SECRET_KEYS",
    "ConfigStore",
    "EditResult",
    "Settings",
    "display_value",
]
