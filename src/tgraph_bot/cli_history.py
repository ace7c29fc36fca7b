"""``tgraph-bot history sync``: bring the local copy of Tautulli's play history up to date
(the first time: fetch it all, window by window), with a line per window fetched; and
``tgraph-bot wrapped``: a member's or the server's year from that copy."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tgraph_bot.cli_common import open_store, say
from tgraph_bot.core.history import HistoryFilter
from tgraph_bot.core.wrapped import Recap
from tgraph_bot.i18n import Translator

if TYPE_CHECKING:
    from tgraph_bot.adapters.tautulli import TautulliClient
    from tgraph_bot.config.store import ConfigStore
    from tgraph_bot.services.history import HistoryMirror

Handler = Callable[[argparse.Namespace, Translator], int]


@asynccontextmanager
async def _history(store: ConfigStore) -> AsyncGenerator[tuple[HistoryMirror, TautulliClient]]:
    """The history copy over the configured Tautulli and DATA_DIR's database, as the bot
    keeps it (both commands of this module work on it)."""
    from tgraph_bot.build import database, history_mirror, tautulli_client
    from tgraph_bot.clock import utcnow

    async with database(store.data_dir) as db, tautulli_client(store.settings) as tautulli:
        yield history_mirror(lambda: store.settings, db, tautulli, utcnow), tautulli


def _asked(only: HistoryFilter, tr: Translator) -> str:
    """What one request asked for: "2026-03", "user 12" or "user 12 (2026-01-01 – 2026-06-30)"."""
    if only.user_id is None:
        return only.window.label if only.window is not None else ""
    if only.window is None:
        return tr._("user {user}").format(user=only.user_id)
    return tr._("user {user} ({window})").format(user=only.user_id, window=only.window.label)


def cmd_history_sync(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.storage.history import SqliteHistoryStore

    store = open_store(args, tr)

    async def progress(only: HistoryFilter, sessions: int) -> None:
        text = tr.ngettext("{asked}: {n} session", "{asked}: {n} sessions", sessions)
        say(text.format(asked=_asked(only, tr), n=tr.number(sessions)))

    async def main() -> int:
        async with _history(store) as (mirror, _):
            started = time.monotonic()
            report = await mirror.sync(progress)
            if args.check:
                await mirror.check(report, progress)
            assert isinstance(mirror.store, SqliteHistoryStore)
            rows, size = await mirror.store.size()
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
            say(
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


def cmd_wrapped(args: argparse.Namespace, tr: Translator) -> int:
    import json

    from tgraph_bot.build import renderer as graph_renderer
    from tgraph_bot.build import wrapped_service
    from tgraph_bot.errors import TautulliError, UserFacingError
    from tgraph_bot.files import atomic_write
    from tgraph_bot.graphs.theme import Theme
    from tgraph_bot.services.my_stats import find_by_name
    from tgraph_bot.services.wrapped import (
        days_window,
        render_story,
        wrapped_document,
        year_window,
    )
    from tgraph_bot.services.wrapped_cards import Story, story_title

    store = open_store(args, tr)
    settings = store.settings
    if not args.server and not args.user:
        raise UserFacingError(
            tr._("Name a member with --user EMAIL_OR_PLEX_USER, or use --server.")
        )

    async def main() -> tuple[Recap, dict[str, object]]:
        async with _history(store) as (mirror, tautulli):
            service = wrapped_service(mirror)
            try:
                await mirror.sync()
            except TautulliError as exc:
                synced = await service.freshness()
                if synced is None:
                    raise
                say(
                    tr._(
                        "Tautulli did not answer ({reason}): the history copy of {when} is used."
                    ).format(reason=exc.render(tr), when=tr.datetime(synced, "short")),
                    error=True,
                )
            today = mirror.today()
            window = (
                days_window(args.days, today)
                if args.days
                else year_window(args.year or today.year, today)
            )
            user_id: int | None = None
            name = await tautulli.server_name() if args.server else ""
            if not args.server:
                from tgraph_bot.core.users import find_by_email

                users = await tautulli.users()
                user = find_by_email(users, args.user) if "@" in args.user else None
                member = user or find_by_name(users, args.user)
                user_id, name = int(member.user_id), member.display_name
            found = (
                await service.server(window)
                if user_id is None
                else await service.member(user_id, window)
            )
            synced_at = await service.freshness()
            title = story_title(name, found.window, tr)
            async with graph_renderer(workers=1) as renderer:
                await render_story(
                    found,
                    Story(title, member=user_id is not None),
                    tr,
                    Theme.from_settings(settings),
                    Path(args.out),
                    renderer,
                )
            return found, wrapped_document(found, user_id=user_id, synced_at=synced_at)

    found, document = asyncio.run(main())
    out = Path(args.out)
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    atomic_write(out / "wrapped.json", text.encode())  # readable by the owner's other tools
    plays = tr.ngettext("{n} play", "{n} plays", found.plays).format(n=tr.number(found.plays))
    say(
        tr._("{after} – {before}: {plays}, {time} ({zone}); written to {path}").format(
            after=tr.date(found.window.after),
            before=tr.date(found.window.before),
            plays=plays,
            time=tr.duration(found.duration_seconds),
            zone=found.timezone,
            path=out / "wrapped.json",
        )
    )
    return 0


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

    help_text = "a member's year (or the server's) from the history copy, as wrapped.json"
    p = sub.add_parser("wrapped", parents=[common], help=help_text, description=help_text)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--user", metavar="EMAIL_OR_PLEX_USER", help="the member")
    who.add_argument("--server", action="store_true", help="the whole server")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--year", type=int, help="a calendar year (default: this year)")
    when.add_argument("--days", type=int, help="the last N days instead of a year")
    p.add_argument("--out", default="wrapped", metavar="DIR", help="where to write wrapped.json")
    p.set_defaults(handler=cmd_wrapped)


__all__ = ["add_history_commands"]
