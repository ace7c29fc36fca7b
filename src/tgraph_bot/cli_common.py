"""What every ``tgraph-bot`` command module shares: where the configuration is, opening
it with the one-line answer when it is missing, and :func:`say`, the one way a line reaches
stdout or stderr (masked). cli.py, cli_plex.py and online.py import this; none imports
another's functions (cli.py only adds cli_plex's subcommands and calls check_online)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tgraph_bot.config.display import hide_configured_secrets, mask_secrets
from tgraph_bot.errors import UserFacingError
from tgraph_bot.i18n import Translator

if TYPE_CHECKING:
    from tgraph_bot.config.store import ConfigStore

DEFAULT_CONFIG = "config.yml"


def say(text: str, *, error: bool = False) -> None:
    """Print one line for a person (stderr when ``error``), secrets masked."""
    print(mask_secrets(text), file=sys.stderr if error else sys.stdout)


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
    store = ConfigStore(path, read_only=read_only)
    hide_configured_secrets(lambda: store.settings)  # in every line and log record from now on
    return store


__all__ = ["DEFAULT_CONFIG", "config_path", "open_store", "say"]
