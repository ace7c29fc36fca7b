"""``tgraph-bot plex usage | completion | enrich | sync-playlists``: the bot's Plex commands
on the command line, over the same services, in plain text. A failure is one line on
stderr and exit status 1 (the caller in cli.py prints it)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tgraph_bot.cli_common import open_store, say
from tgraph_bot.config.store import ConfigStore
from tgraph_bot.errors import UserFacingError
from tgraph_bot.i18n import Translator
from tgraph_bot.services.plex import AlbumChoice, CompletionReport, NoCredits, PlexService

T = TypeVar("T")

Handler = Callable[[argparse.Namespace, Translator], int]


def _run(store: ConfigStore, tr: Translator, work: Callable[[PlexService], Awaitable[T]]) -> T:
    from tgraph_bot.build import database, plex_service, tautulli_client
    from tgraph_bot.clock import utcnow

    settings = store.settings
    if not settings.PLEX_ENABLED:
        raise UserFacingError(tr._("The Plex module is off: set PLEX_ENABLED to true first."))

    async def main() -> T:
        async with (
            database(store.data_dir) as db,
            tautulli_client(settings) as tautulli,
            plex_service(lambda: store.settings, db, tautulli, clock=utcnow) as service,
        ):
            return await work(service)

    return asyncio.run(main())


def cmd_usage(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.services.plex_text import usage_text, usage_view

    store = open_store(args, tr)
    activity = _run(store, tr, lambda service: service.usage())
    view = usage_view(activity, tr, censor_names=store.settings.CENSOR_USERNAMES)
    say(usage_text(view, tr))
    return 0


def cmd_completion(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.services.plex_text import completion_text

    async def work(service: PlexService) -> CompletionReport:
        # Without --user: the account PLEX_TOKEN belongs to (the server's owner, usually).
        user = args.user or await service.owner()
        return await service.completion(args.artist, plex_user=user)

    report = _run(open_store(args, tr), tr, work)
    say(completion_text(report, tr))
    return 0


def cmd_enrich(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.services.plex_text import enrich_text

    outcome = _run(
        open_store(args, tr),
        tr,
        lambda s: s.enrich(args.album, artist=args.artist, dry_run=args.dry_run),
    )
    say(enrich_text(outcome, tr))
    if isinstance(outcome, AlbumChoice):
        say(tr._("Run it again with --artist NAME (or a fuller album title)."))
        return 2
    return 1 if isinstance(outcome, NoCredits) else 0


def cmd_sync(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.services.plex_text import sync_text

    result = _run(open_store(args, tr), tr, lambda s: s.sync_playlists())
    say(sync_text(result, tr))
    return 0


def add_plex_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],  # pyright: ignore[reportPrivateUsage]
    common: argparse.ArgumentParser,
) -> None:
    plex = sub.add_parser(
        "plex",
        parents=[common],
        help="the Plex commands: usage, completion, enrich, sync-playlists",
    )
    actions = plex.add_subparsers(dest="plex_command", required=True, metavar="ACTION")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = actions.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    add("usage", cmd_usage, "what is playing right now (Tautulli)")
    p = add("completion", cmd_completion, "how much of an artist's tracks a Plex user has played")
    p.add_argument("artist", metavar="ARTIST")
    p.add_argument(
        "--user",
        metavar="PLEX_USER",
        default=None,
        help="Plex username (default: the account of PLEX_TOKEN)",
    )
    p = add("enrich", cmd_enrich, "put an album's performer credits into its Plex summary")
    p.add_argument("album", metavar="ALBUM")
    p.add_argument("--artist", metavar="NAME", default=None, help="when several albums match")
    p.add_argument("--dry-run", action="store_true", help="show the text, write nothing")
    p.epilog = (
        "exit status: 0 written or unchanged, 1 failure or no credits, 2 several albums match"
    )
    add("sync-playlists", cmd_sync, "make TOP_RATED_PLAYLIST hold exactly the top-rated tracks")


__all__ = ["add_plex_commands"]
