"""``tgraph-bot history sync``: bring the local copy of Tautulli's play history up to date
(the first time: fetch it all, month by month), with a line per month fetched."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable

from tgraph_bot.cli_common import open_store
from tgraph_bot.i18n import Translator

Handler = Callable[[argparse.Namespace, Translator], int]


def cmd_history_sync(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.adapters.tautulli import TautulliClient
    from tgraph_bot.app import history_mirror
    from tgraph_bot.storage.db import Database, database_path
    from tgraph_bot.storage.history import SqliteHistoryStore

    store = open_store(args, tr)
    settings = store.settings

    async def progress(month: str, sessions: int) -> None:
        text = tr.ngettext("{month}: {n} session", "{month}: {n} sessions", sessions)
        print(text.format(month=month, n=tr.number(sessions)), flush=True)

    async def main() -> int:
        async with (
            Database(database_path(store.data_dir)) as db,
            TautulliClient(
                settings.TAUTULLI_URL, settings.TAUTULLI_API_KEY.get_secret_value()
            ) as tautulli,
        ):
            started = time.monotonic()
            mirror = history_mirror(store, db, tautulli)
            if args.check:
                report = await mirror.sync(progress)
                await mirror.check(report, progress)
            else:
                report = await mirror.sync(progress)
            rows, size = await SqliteHistoryStore(db).size()
            kept = tr.ngettext(
                "History copy: {rows} session ({size}), up to date through {day}",
                "History copy: {rows} sessions ({size}), up to date through {day}",
                rows,
            )
            asked = tr.ngettext(
                "{n} request to Tautulli in {seconds} s",
                "{n} requests to Tautulli in {seconds} s",
                report.requests,
            )
            print(
                kept.format(
                    rows=tr.number(rows),
                    size=f"{size / 1_048_576:.1f} MB",
                    day=tr.date(mirror.today()),
                )
                + "; "
                + asked.format(
                    n=tr.number(report.requests), seconds=f"{time.monotonic() - started:.1f}"
                )
            )
            return 0

    return asyncio.run(main())


def add_history_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],  # pyright: ignore[reportPrivateUsage]
    common: argparse.ArgumentParser,
) -> None:
    history = sub.add_parser(
        "history", parents=[common], help="the local copy of Tautulli's play history"
    )
    actions = history.add_subparsers(dest="history_command", required=True, metavar="ACTION")
    p = actions.add_parser(
        "sync",
        parents=[common],
        help="fetch what is new (the first time: everything, month by month)",
        description="fetch what is new (the first time: everything, month by month)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="also compare every past month with Tautulli's count and fetch those that differ",
    )
    p.set_defaults(handler=cmd_history_sync)


__all__ = ["add_history_commands"]
