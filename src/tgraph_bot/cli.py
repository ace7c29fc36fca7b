"""The ``tgraph-bot`` command line. Each subcommand is a small function below."""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tgraph_bot import __version__
from tgraph_bot.cli_common import config_path, open_store, say
from tgraph_bot.config.problems import ConfigError
from tgraph_bot.errors import UnexpectedError, UserFacingError
from tgraph_bot.i18n import LANGUAGES, Translator, translator

log = logging.getLogger("tgraph_bot")

Handler = Callable[[argparse.Namespace, Translator], int]


def _language_for(args: argparse.Namespace) -> str:
    """The language to speak before the config is known to be valid."""
    wanted = getattr(args, "language", None) or os.environ.get("TGRAPH_LANGUAGE")
    if wanted in LANGUAGES:
        return str(wanted)
    try:
        from tgraph_bot.config.store import read_document

        value = read_document(config_path(args)).get("LANGUAGE")
    except (ConfigError, OSError):
        return "en"
    return str(value) if value in LANGUAGES else "en"


# -- check / config ----------------------------------------------------------------------


def cmd_check(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.config.readiness import readiness_problems

    store = open_store(args, tr, read_only=True)
    problems = readiness_problems(store.settings)
    for problem in problems:
        say(problem.render(tr))
    if problems:
        return 1
    say(tr._("{path}: the configuration is valid.").format(path=store.path))
    if args.online:
        from tgraph_bot.online import check_online

        return check_online(store.settings, tr)
    return 0


def cmd_health(args: argparse.Namespace, tr: Translator) -> int:
    """Docker's HEALTHCHECK: 0 when the running bot is connected to Discord, else 1."""
    from tgraph_bot.clock import utcnow
    from tgraph_bot.core.health import Health, assess
    from tgraph_bot.storage.heartbeat import STALE_AFTER, heartbeat_path, read_heartbeat

    try:
        path = heartbeat_path(open_store(args, tr, read_only=True).data_dir)
    except UserFacingError as exc:
        say(tr._("unhealthy: {reason}").format(reason=exc.render(tr)))
        return 1
    beat = read_heartbeat(path)
    now = utcnow()
    health = assess(beat, now, STALE_AFTER)
    waiting_for = [] if health is Health.HEALTHY else _configuration_problems(args, tr)
    if waiting_for:  # the image waits for config.yml to be filled in: say what is missing
        say(
            tr._("unhealthy: waiting for the configuration: {problems}").format(
                problems="; ".join(waiting_for)
            )
        )
        return 1
    age = round((now - beat.at).total_seconds()) if beat is not None else 0
    lines = {
        Health.HEALTHY: tr._("healthy: connected to Discord (heartbeat {age} s ago)"),
        Health.NOT_CONNECTED: tr._(
            "unhealthy: not connected to Discord (heartbeat {age} s ago); see the bot's log"
        ),
        Health.STALE: tr._(
            "unhealthy: no heartbeat for {age} s: the bot is stopped or stuck; see its log"
        ),
        Health.MISSING: tr._("unhealthy: no heartbeat at {path}: the bot has not started yet"),
    }
    say(lines[health].format(age=age, path=path))
    return 0 if health is Health.HEALTHY else 1


def cmd_config_get(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.config.problems import unknown_key
    from tgraph_bot.config.schema import KEYS
    from tgraph_bot.config.store import display_value

    store = open_store(args, tr, must_exist=False, read_only=True)
    keys = [args.key] if args.key else list(KEYS)
    for key in keys:
        if key not in KEYS:
            raise ConfigError([unknown_key(key)])
        value = display_value(store.settings, key)
        say(value if args.key else f"{key}: {value}")
    return 0


def cmd_config_set(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.config.display import clip
    from tgraph_bot.config.store import display_value

    store = open_store(args, tr)
    result = store.set(args.key, args.value)
    say(
        tr._("{key} is now {value}.").format(
            key=args.key, value=clip(display_value(result.settings, args.key))
        )
    )
    if result.needs_restart:
        say(tr._("It takes effect when the bot restarts."))
    if result.overridden_by_environment:
        say(
            tr._(
                "Note: {key} is also set in the environment or .env, which wins over the file."
            ).format(key=args.key)
        )
    return 0


# -- run -------------------------------------------------------------------------------


def _configuration_problems(args: argparse.Namespace, tr: Translator) -> list[str]:
    """What keeps ``run`` from starting, one line each (none: it may start)."""
    from tgraph_bot.config.readiness import readiness_problems

    try:
        store = open_store(args, tr, read_only=True)
    except UserFacingError as exc:  # no file, not YAML, a bad value: the lines that say so
        return exc.render(tr).splitlines()
    return [problem.render(tr) for problem in readiness_problems(store.settings)]


def cmd_run(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.startup import (
        first_start,
        require_usable_tree,
        require_writable,
        stop_signals,
        wait_for_configuration,
        waits_for_configuration,
    )

    path = config_path(args)
    if waits_for_configuration(os.environ):  # the image: wait (unhealthy), never a restart loop
        with stop_signals() as stop:
            problems = functools.partial(_configuration_problems, args, tr)
            if not wait_for_configuration(
                path, problems, functools.partial(say, error=True), tr, stop.wait
            ):
                return 0
    elif not path.exists():
        first_start(path)  # writes the annotated sample, then exits with status 3
    require_writable(path.parent, path.parent)  # the lock file and saved edits go there
    problems = _configuration_problems(args, tr)
    for line in problems:
        say(line, error=True)
    if problems:
        return 1
    store = open_store(args, tr)
    require_usable_tree(store.data_dir, path.parent)  # the database, the images, the heartbeat
    from tgraph_bot.app import run

    return asyncio.run(run(store))


# -- graphs ------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.cli_demo import default_demo_dir, run_demo

    language = args.language or "en"
    out = Path(args.out) if args.out else default_demo_dir(language, args.days, args.theme)
    return run_demo(out, language=language, tr=tr, days=args.days, theme=args.theme)


def cmd_render(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.cli_common import report_files
    from tgraph_bot.cli_render import POST_FILE, render_live

    store = open_store(args, tr)
    out = Path(args.out)

    async def progress(done: int, total: int) -> None:
        # On stderr: stdout lists the files written, for scripts.
        say(tr._("{done} of {total} graphs").format(done=done, total=total), error=True)

    report = asyncio.run(
        render_live(store.settings, store.data_dir, out, email=args.user, progress=progress)
    )
    if report.graphs:
        say(str(out / POST_FILE))  # the post the bot would send of them
    return report_files(report, out, tr, store.settings.TIMEZONE)


# -- camera ------------------------------------------------------------------------------


def cmd_import_camera(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.build import camera_service, database
    from tgraph_bot.clock import utcnow

    store = open_store(args, tr)
    source = Path(args.file)
    if not source.is_file():
        raise UserFacingError(tr._("No file at {path}."), path=str(source))

    async def work() -> tuple[int, int]:
        async with database(store.data_dir) as db:
            service = camera_service(db, utcnow)
            result = await service.import_ranking_file(source, args.guild)
            return result.members, result.changed

    members, changed = asyncio.run(work())
    if changed == 0:
        say(
            tr._("{path}: already imported, nothing changed ({members} members).").format(
                path=source, members=members
            )
        )
    else:
        say(
            tr._("{path}: imported the all-time camera totals of {members} members.").format(
                path=source, members=members
            )
        )
    return 0


# -- database --------------------------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace, tr: Translator) -> int:
    from tgraph_bot.storage.db import connect, database_path, migration_lock
    from tgraph_bot.storage.migrations import bundled, pending, upgrade

    store = open_store(args, tr)
    path = database_path(store.data_dir)
    with migration_lock(path):  # as storage.db.open_migrated: one process at a time
        conn = connect(path)
        try:
            steps = bundled()
            if args.sql:
                for migration in pending(conn, steps):
                    say(f"-- {migration.name}\n{migration.sql.rstrip()}\n")
                return 0
            for migration in upgrade(conn, steps):
                say(tr._("Applied {name}.").format(name=migration.name))
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    say(
        tr._("{path}: the database is up to date (version {version}).").format(
            path=path, version=version
        )
    )
    return 0


# -- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="configuration file (default: $TGRAPH_CONFIG or ./config.yml)",
    )
    parser = argparse.ArgumentParser(
        prog="tgraph-bot",
        description="Tautulli graphs, personal stats and a camera-time ranking for Discord.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"tgraph-bot {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="debug logging, with tracebacks of fatal errors"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = add(
        "demo", cmd_demo, "render every graph from the bundled sample data (no config, no network)"
    )
    p.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="where to write the images (default: demo-graphs/LANGUAGE-DAYSd, e.g. en-30d)",
    )
    p.add_argument("--language", choices=LANGUAGES, default=None, help="language of the graphs")
    p.add_argument("--days", type=int, choices=(30, 365), default=30, help="period in days")
    p.add_argument("--theme", choices=("light", "dark"), default="light", help="GRAPH_THEME")

    p = add("render", cmd_render, "render the graphs from the configured Tautulli")
    p.add_argument("--out", default="graphs", metavar="DIR", help="where to write the images")
    p.add_argument("--user", metavar="EMAIL", default=None, help="one member's graphs (by email)")

    add("run", cmd_run, "start the bot (stops cleanly on SIGTERM or Ctrl-C)")

    p = add("check", cmd_check, "validate the configuration file and say what is missing")
    p.add_argument(
        "--online",
        action="store_true",
        help="also try each credential (Tautulli, Discord, Plex when enabled)",
    )

    add("health", cmd_health, "exit 0 when the running bot is connected to Discord, else 1")

    p = add(
        "import-camera",
        cmd_import_camera,
        "import the original camera bot's video_ranking.json as all-time camera totals "
        "(safe to re-run)",
    )
    p.add_argument("file", metavar="FILE", help="the video_ranking.json to import")
    p.add_argument("--guild", type=int, required=True, metavar="ID", help="the Discord server id")

    db = sub.add_parser("db", parents=[common], help="the database in DATA_DIR")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    p = db_sub.add_parser(
        "upgrade", parents=[common], help="apply the pending migrations (run does it too)"
    )
    p.add_argument(
        "--sql", action="store_true", help="print the SQL that would run; change nothing"
    )
    p.set_defaults(handler=cmd_db_upgrade)

    from tgraph_bot.cli_plex import add_plex_commands

    add_plex_commands(sub, common)

    from tgraph_bot.cli_history import add_history_commands

    add_history_commands(sub, common)

    config = sub.add_parser("config", parents=[common], help="read or change one setting")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    p = config_sub.add_parser("get", parents=[common], help="print a setting (secrets are masked)")
    p.add_argument("key", nargs="?", help="the key; all keys when left out")
    p.set_defaults(handler=cmd_config_get)
    p = config_sub.add_parser("set", parents=[common], help="validate and save one setting")
    p.add_argument("key")
    p.add_argument("value")
    p.set_defaults(handler=cmd_config_set)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    tr = translator(_language_for(args))
    handler: Handler = args.handler
    quiet = logging.INFO if handler is cmd_run else logging.WARNING
    _set_up_logging(logging.DEBUG if args.debug else quiet)
    try:
        return handler(args, tr)
    except UserFacingError as exc:
        return _fatal(exc, tr)
    except OSError as exc:  # a file or folder we may not read or write: one line, the fix
        from tgraph_bot.startup import os_error

        return _fatal(os_error(exc, config_path(args).parent), tr, exc)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line, and its text masked like every other
        return _fatal(UnexpectedError(error=type(exc).__name__), tr, exc)


CHATTY_LIBRARIES = ("httpx", "httpcore")
"""Loggers kept at WARNING whatever the level: their warnings and errors still show."""


def _set_up_logging(level: int) -> None:
    """Log lines on stderr, every record masked (URL passwords, keys, the configured secrets
    in any library's log, tracebacks included)."""
    from tgraph_bot.config.display import MaskSecretsFilter

    handler = logging.StreamHandler()
    handler.addFilter(MaskSecretsFilter())
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", handlers=[handler]
    )
    for chatty in CHATTY_LIBRARIES:  # one INFO line per HTTP request: the live message
        logging.getLogger(chatty).setLevel(max(level, logging.WARNING))  # would flood the log


def _fatal(error: UserFacingError, tr: Translator, cause: BaseException | None = None) -> int:
    """One line with the fix on stderr (the traceback only with --debug); the exit status."""
    log.debug("fatal error", exc_info=cause or error)
    say(error.render(tr), error=True)
    return error.exit_status


if __name__ == "__main__":
    sys.exit(main())
