"""A Bot that can also call plain functions at the moment discord.py parses an event.

discord.py runs every listener as its own task, started after the gateway frame that
caused it has been parsed, and often after many later frames too. For most events that
is harmless; for VOICE_STATE_UPDATE it is not: discord.py keeps ONE ``VoiceState`` per
member and updates it in place, so a listener that runs late reads the newest state,
not its event's. A *synchronous listener* runs inside ``dispatch``, while the objects
still describe that event, and in gateway order. It must not block: copy what it
needs and hand the work on (the camera cog queues a write and returns).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from discord.ext import commands

log = logging.getLogger(__name__)

SyncListener = Callable[..., None]


def tolerant(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
    """``parse`` for one gateway event, made harmless: a payload discord.py cannot read
    (a missing or mistyped field) is logged with its event name and skipped, where it
    would otherwise end the connection loop and the run. The payload itself is never
    logged (an interaction carries its token)."""

    def guarded(data: Any) -> None:
        try:
            parse(data)
        except Exception as exc:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            log.error(
                "Discord sent a %s event the library cannot read (%s in %s, line %d); "
                "skipped it, the bot runs on",
                event,
                type(exc).__name__,
                Path(where.filename).name,
                where.lineno or 0,
            )

    return guarded


class SyncDispatchBot(commands.Bot):
    """commands.Bot plus :meth:`add_sync_listener`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._sync_listeners: dict[str, list[SyncListener]] = {}
        super().__init__(*args, **kwargs)
        parsers: dict[str, Callable[[Any], None]] = self._connection.parsers  # pyright: ignore[reportPrivateUsage]
        for event, parse in list(parsers.items()):
            parsers[event] = tolerant(event, parse)

    def add_sync_listener(self, event: str, func: SyncListener) -> None:
        """Call ``func(*args)`` synchronously whenever ``event`` (no ``on_``) is dispatched."""
        self._sync_listeners.setdefault(event, []).append(func)

    def remove_sync_listener(self, event: str, func: SyncListener) -> None:
        funcs = self._sync_listeners.get(event, [])
        if func in funcs:
            funcs.remove(func)

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        for func in self._sync_listeners.get(event_name, ()):
            try:
                func(*args, **kwargs)
            except Exception:  # one bad listener must not stop the gateway reader
                log.exception("synchronous listener for %s failed", event_name)
        super().dispatch(event_name, *args, **kwargs)


__all__ = ["SyncDispatchBot", "SyncListener"]
