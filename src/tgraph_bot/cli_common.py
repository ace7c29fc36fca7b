"""What every ``tgraph-bot`` command module shares: where the configuration is, opening
it with the one-line answer when it is missing, and :func:`say`, the one way a line reaches
stdout or stderr (masked); and :func:`report_files`, the lines ``demo`` and ``render`` print.
The other cli_*.py modules and online.py import this; none imports another's functions
(cli.py only adds their subcommands and calls them)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tgraph_bot.config.display import hide_configured_secrets, mask_secrets
from tgraph_bot.errors import UserFacingError
from tgraph_bot.i18n import Translator

if TYPE_CHECKING:
    from tgraph_bot.config.store import ConfigStore
    from tgraph_bot.services.graphs import RenderReport

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


def report_files(report: RenderReport, out: Path, tr: Translator, timezone: str = "UTC") -> int:
    """Print each file written and each graph that failed; non-zero when any failed.

    Graphs drawn from the data kept from an earlier answer (Tautulli could not be reached)
    are written and good: the last line says from when, and the status stays 0."""
    from tgraph_bot.services.graph_wording import STALE

    for graph in report.graphs:
        sys.stdout.write(f"{graph.png}\n{graph.sidecar}\n")
    failed: dict[str, list[str]] = {}  # one line per reason, not per graph
    for failure in report.failures:
        error = failure.error
        reason = error.render(tr) if isinstance(error, UserFacingError) else tr._("internal error")
        reason = mask_secrets(reason)  # it may name TAUTULLI_URL
        failed.setdefault(reason, []).append(failure.graph_id)
    for reason, graphs in failed.items():
        sys.stdout.write(f"{', '.join(graphs)}: {reason}\n")
    count = len(report.graphs)
    summary = tr.ngettext(
        "{count} graph written to {folder}", "{count} graphs written to {folder}", count
    ).format(count=count, folder=out.resolve())
    sys.stdout.write(summary + "\n")
    if report.stale_since is not None:
        when = report.stale_since.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")
        sys.stdout.write(tr._(STALE).format(when=when) + "\n")
    return 1 if report.failures else 0


__all__ = ["DEFAULT_CONFIG", "config_path", "open_store", "report_files", "say"]
