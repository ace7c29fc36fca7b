"""What every ``tgraph-bot`` command module shares: where the configuration is, and opening
it with the one-line answer when it is missing. cli.py and cli_plex.py both import this;
neither imports the other's functions (cli.py only adds cli_plex's subcommands)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from tgraph_bot.errors import UserFacingError
from tgraph_bot.i18n import Translator

if TYPE_CHECKING:
    from tgraph_bot.config.store import ConfigStore

DEFAULT_CONFIG = "config.yml"


def config_path(args: argparse.Namespace) -> Path:
    return Path(getattr(args, "config", None) or os.environ.get("TGRAPH_CONFIG") or DEFAULT_CONFIG)


def open_store(
    args: argparse.Namespace, tr: Translator, *, must_exist: bool = True, read_only: bool = False
) -> ConfigStore:
    """The configuration named by ``--config`` (or $TGRAPH_CONFIG, or ./config.yml)."""
    from tgraph_bot.config.store import ConfigStore  # pydantic and ruamel: only when needed

    path = config_path(args)
    if must_exist and not path.is_file():
        raise UserFacingError(
            tr._(
                "No configuration file at {path}. `tgraph-bot run` writes the annotated sample "
                "there on its first start; or copy config.yml.sample to {path} and edit it."
            ),
            path=str(path),
        )
    return ConfigStore(path, read_only=read_only)


__all__ = ["DEFAULT_CONFIG", "config_path", "open_store"]
