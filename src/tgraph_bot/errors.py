"""One exception tree. A :class:`UserFacingError` carries a message a person may read.

Messages are marked with ``N_`` and formatted after translation, so the same error
reads in the configured language wherever it surfaces (CLI, Discord, logs in English).

Two readers: ``message`` is for whoever can act on it (the owner at the CLI and in the
log, an admin on Discord): the cause and the fix, a URL or a setting's name included.
``member_message``, where set, is what a member reads instead: a plain sentence with no
address, no setting and no instruction they cannot follow (the cause goes to the log).
"""

from __future__ import annotations

import errno
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from tgraph_bot.i18n import N_, Translator


class TGraphError(Exception):
    """Base of every error this program raises on purpose."""


class UserFacingError(TGraphError):
    """An error whose message is meant for the person who caused or can fix it."""

    message: str = N_("Something went wrong.")
    member_message: str | None = None
    """What a member reads instead of ``message``; None: ``message`` is fit for anyone."""
    exit_status: int = 1  # what `tgraph-bot` exits with when this error ends it (see cli.py)

    def __init__(self, message: str | None = None, /, **params: Any) -> None:
        if message is not None:
            self.message = message
        self.params = params
        super().__init__(self.message.format(**params))

    def render(self, tr: Translator, *, admin: bool = True) -> str:
        """The message in ``tr``'s language: the cause and the fix for an ``admin`` (or
        the owner), the plain sentence for a member."""
        if not admin and self.member_message is not None:
            return tr._(self.member_message)
        return tr._(self.message).format(**self.params)

    def render_mentions(
        self, tr: Translator, *, admin: bool = True, mention: Callable[[str], str]
    ) -> str:
        """:meth:`render`, with each command the message names given by ``mention`` (on
        Discord a clickable ``</my_stats:ID>``); the same as :meth:`render` for most."""
        return self.render(tr, admin=admin)

    def hides_cause(self) -> bool:
        """A member reads something else than the cause (so the owner should see it logged)."""
        return self.member_message is not None


STORAGE_TROUBLE = N_("The bot cannot save its files right now. Please try again later.")
"""What a member reads about a full or unwritable DATA_DIR (the owner reads the cause)."""


class StorageError(UserFacingError):
    """The database could not be opened or migrated (one line saying what to do)."""

    member_message = STORAGE_TROUBLE


class StorageUnavailable(TGraphError):
    """The database cannot take a write right now (disk full, I/O error, locked, read-only).

    Nothing of the attempt was written, and the same write may succeed when tried again.
    """


class PlexTvError(UserFacingError):
    """plex.tv could not be reached or answered something unexpected."""

    message = N_("Plex sign-in is not available right now. Please try again later.")


class PlexUserNotFoundError(UserFacingError):
    """An admin named a Plex user this server's Tautulli does not know."""

    message = N_("No Plex user named {name} uses this server.")


class PlexUserAmbiguousError(UserFacingError):
    """An admin named a Plex user by a friendly name several users share."""

    message = N_("Several Plex users are called {name}: use the Plex username instead.")


# --- Tautulli -------------------------------------------------------------------------------
# Messages name the URL (never the API key) and say what to do. ``unavailable`` marks the
# errors that mean "Tautulli cannot answer right now": those are retried, and the graph cache
# may stand in for them. A wrong key, a wrong URL or an outdated Tautulli are not masked: the
# admin has to learn about them.


class TautulliError(UserFacingError):
    """Tautulli answered, but with an error (the base of every Tautulli problem)."""

    message = N_("Tautulli answered with an error.")
    member_message = N_(
        "The server's statistics are unavailable right now. Please try again later."
    )
    unavailable: bool = False
    whole_api: bool = False
    """True when every other request would get the same answer (a refused key, a page
    that is not the API): the client stops asking for a while instead of repeating it."""


class TautulliAuthError(TautulliError):
    """The API key was refused (Tautulli says so with HTTP 400, not 401)."""

    message = N_("Tautulli refused the API key: check TAUTULLI_API_KEY")
    whole_api = True


class TautulliUnreachable(TautulliError):
    """Connection refused, DNS failure, connection reset: nothing answered."""

    message = N_("Cannot reach Tautulli at {url}: check TAUTULLI_URL and that Tautulli is running")
    unavailable = True


class TautulliTimeout(TautulliError):
    """Tautulli accepted the connection but did not answer in time."""

    message = N_("Tautulli at {url} did not answer in {seconds} seconds: it may be busy or stuck")
    unavailable = True


class TautulliNotApi(TautulliError):
    """An answer that is not Tautulli's API (a reverse proxy's login page, a 404 page, ...)."""

    message = N_(
        "The answer from {url} is not Tautulli's API: check TAUTULLI_URL "
        "(a reverse proxy's login page or a wrong base path?)"
    )
    whole_api = True


class TautulliUnknownCommand(TautulliError):
    """This Tautulli does not know a command: it is older than the bot needs."""

    message = N_("Tautulli does not know the command {command}: update Tautulli")


class TautulliServerError(TautulliError):
    """Tautulli (or the proxy in front of it) failed with a 5xx."""

    message = N_("Tautulli failed with HTTP {status} on {command}: see Tautulli's logs")
    unavailable = True


class SampleDataMissing(UserFacingError):
    """The bundled sample data has nothing for a graph command."""

    message = N_("The sample data has nothing for {command}.")


class GraphRenderError(UserFacingError):
    """Drawing one graph failed; the others are still drawn."""

    message = N_("The graph {graph} could not be drawn.")


class CameraImportError(UserFacingError):
    """An original camera-ranking bot's ``video_ranking.json`` that cannot be imported; nothing
    was imported."""

    def __init__(self, source: str, line: int, reason: str, **params: Any) -> None:
        self.source = source
        self.line = line
        self.reason = reason
        super().__init__(
            N_("{source}, line {line}: {reason} Nothing was imported."),
            source=source,
            line=line,
            reason=reason.format(**params),
        )
        self.reason_params = params

    def render(self, tr: Translator, *, admin: bool = True) -> str:
        reason = tr._(self.reason).format(**self.reason_params)
        return tr._(self.message).format(source=self.source, line=self.line, reason=reason)


# -- Discord bot ---------------------------------------------------------------


class NoGraphsError(UserFacingError):
    """Rendering produced no graph at all: its ``cause`` is why (the most common reason the
    graphs failed for), or None when no graph is enabled or drawing failed unexpectedly."""

    message = N_("No graphs could be made: no graph is enabled (the ENABLE_ settings).")
    member_message = N_("Your graphs cannot be made right now. Please try again later.")

    def __init__(self, cause: UserFacingError | None = None, *, failed: bool = False) -> None:
        self.cause = cause
        if cause is not None:
            super().__init__(N_("No graphs could be made: {reason}"), reason=str(cause))
        elif failed:
            super().__init__(N_("No graphs could be made: drawing them failed; see the log."))
        else:
            super().__init__()

    @classmethod
    def of(cls, failures: Iterable[object]) -> NoGraphsError:
        """The error for a render that made nothing, from its failures' errors."""
        errors = list(failures)
        causes = [e for e in errors if isinstance(e, UserFacingError)]
        if not causes:
            return cls(failed=bool(errors))
        # An outage fails every graph alike: the most common message is the cause.
        top = Counter(str(e) for e in causes).most_common(1)[0][0]
        return cls(next(e for e in causes if str(e) == top))

    def render(self, tr: Translator, *, admin: bool = True) -> str:
        if self.cause is None:
            return super().render(tr, admin=admin)
        if not admin:
            return self.cause.render(tr, admin=False)
        return tr._(self.message).format(reason=self.cause.render(tr))

    def hides_cause(self) -> bool:
        return self.cause.hides_cause() if self.cause is not None else True


class ChannelUnavailableError(UserFacingError):
    """The configured graph channel cannot be found or used."""

    message = N_("The graph channel (CHANNEL_ID) cannot be found. Check the setting and my access.")


# -- Plex automation ----------------------------------------------------------
# Messages name the URL (never the token) and say what to do.


class PlexError(UserFacingError):
    """Plex answered, but with an error (the base of every Plex problem)."""

    message = N_("Plex answered with an error (HTTP {status}).")
    member_message = N_("Plex is not answering right now. Please try again later.")
    unavailable: bool = False
    """Plex cannot answer right now (down, slow, failing): its breaker opens on these."""


class PlexServerError(PlexError):
    """Plex (or the proxy in front of it) failed with a 5xx."""

    message = N_("Plex failed with HTTP {status}: see Plex's logs")
    unavailable = True


class PlexAuthError(PlexError):
    """Plex refused the token (HTTP 401)."""

    message = N_("Plex refused the token: check PLEX_TOKEN")


class PlexUnreachable(PlexError):
    """Nothing answered at PLEX_URL: connection refused, unknown host, no route."""

    message = N_("Cannot reach Plex at {url}: check PLEX_URL and that Plex is running")
    unavailable = True


class PlexSlow(PlexError):
    """Plex accepted the connection but did not answer in time."""

    message = N_(
        "Plex at {url} did not answer in {seconds} seconds: it is up but slow (busy or stuck)"
    )
    unavailable = True


class PlexNotApi(PlexError):
    """An answer that is not Plex's (a reverse proxy's login page, another service)."""

    message = N_(
        "The answer from {url} is not Plex's API: check PLEX_URL "
        "(a reverse proxy's login page or a wrong address?)"
    )


class PlexLibraryMissing(PlexError):
    """No music library has the name PLEX_MUSIC_LIBRARY."""

    message = N_(
        "Plex has no music library named {name} (it has: {existing}): check PLEX_MUSIC_LIBRARY"
    )


class PlexArtistNotFound(PlexError):
    message = N_("No artist named {name} in the music library.")
    member_message = None


class PlexAlbumNotFound(PlexError):
    message = N_("No album named {name} in the music library.")
    member_message = None


class MetadataUnavailable(UserFacingError):
    """MusicBrainz or Discogs could not answer (after the retries)."""

    message = N_("{service} is not answering right now. Please try again later.")


class MetadataSlow(MetadataUnavailable):
    """The service accepted the connection but did not answer within the deadline."""

    message = N_("{service} did not answer in {seconds} seconds: it is up but slow. Try later.")


class MetadataUnreachable(MetadataUnavailable):
    """Nothing answered at the service's address: connection refused, unknown host."""

    message = N_("Cannot reach {service} at {url}: check the address and the network")


class MetadataRefused(MetadataUnavailable):
    """The service answered with an HTTP error (a refused token, a failure of its own)."""

    message = N_("{service} answered with HTTP {status}: check its token, or try again later")


class NotAnswering(UserFacingError):
    """A service failed just now (``cause``), so it is not asked again for a while: the
    answer comes at once instead of after another timeout."""

    message = N_("{service} is not answering, next try in {seconds} s: {cause}")

    def __init__(self, service: str, seconds: int, cause: UserFacingError) -> None:
        self.cause = cause
        super().__init__(service=service, seconds=seconds, cause=str(cause))

    def render(self, tr: Translator, *, admin: bool = True) -> str:
        """With the cause in ``tr``'s language; a reader who is not to see causes
        (``admin=False``) reads only the cause's own words for them."""
        cause = self.cause.render(tr, admin=admin)
        if not admin:
            return cause
        return tr._(self.message).format(**{**self.params, "cause": cause})

    def hides_cause(self) -> bool:
        return self.cause.hides_cause()


# -- Wrapped -----------------------------------------------------------------------


class WrappedOff(UserFacingError):
    """/wrapped while the history copy is switched off."""

    message = N_(
        "Wrapped needs the bot's copy of the play history: set HISTORY_SYNC_MINUTES above 0."
    )
    member_message = N_("Wrapped is not switched on for this server.")


class HistoryNotReady(UserFacingError):
    """/wrapped before the first history sync has finished."""

    message = N_(
        "The play history has not been copied from Tautulli yet: it starts with the bot, "
        "see its log (or run tgraph-bot history sync)."
    )
    member_message = N_("The server's history is still being gathered. Try again later.")


class NotLinkedError(UserFacingError):
    """A member asked for their own numbers without a verified link to a Plex user. The
    hint is how a member gets linked under the server's MY_STATS_VERIFICATION (``mode``):
    /my_stats with a Plex sign-in, /my_stats with an email, or an admin."""

    HINTS: ClassVar[dict[str, str]] = {
        "plex": N_(
            "Your Discord account is not linked to a Plex account yet: use {my_stats} once "
            "and sign in to Plex to link it."
        ),
        "none": N_(
            "Your Discord account is not linked to a Plex account yet: use {my_stats} once "
            "with the email of your Plex account to link it."
        ),
        "admin": N_(
            "Your Discord account is not linked to a Plex account yet. Please ask an admin "
            "to link you."
        ),
    }

    def __init__(self, mode: str) -> None:
        super().__init__(self.HINTS.get(mode, self.HINTS["plex"]), my_stats="/my_stats")

    def render_mentions(
        self, tr: Translator, *, admin: bool = True, mention: Callable[[str], str]
    ) -> str:
        return tr._(self.message).format(my_stats=mention("my_stats"))


# -- start-up: each is one line with the fix; cli.py exits with ``exit_status`` ---


class FirstStart(UserFacingError):
    """No configuration file yet: the annotated sample was written in its place."""

    message = N_(
        "First start: wrote the annotated sample configuration to {path}. Fill in "
        "DISCORD_TOKEN, TAUTULLI_URL, TAUTULLI_API_KEY and CHANNEL_ID, then start the bot again."
    )
    exit_status = 3


class DiscordTokenRefused(UserFacingError):
    """Discord answered 401 to the bot's token."""

    message = N_(
        "Discord refused DISCORD_TOKEN: copy the token again from the Developer Portal "
        "(your application > Bot > Reset Token)"
    )
    exit_status = 4


class DiscordUnreachable(UserFacingError):
    """Discord's API did not answer (no network, DNS, firewall, an outage)."""

    message = N_(
        "Cannot reach Discord at {url}: check this machine's network connection "
        "(and DISCORD_API_BASE_URL, if set)"
    )
    exit_status = 5


class DiscordNotApi(UserFacingError):
    """What answered at DISCORD_API_BASE_URL is not Discord's API (a login page, a 404)."""

    message = N_(
        "The answer from {url} is not Discord's API: check DISCORD_API_BASE_URL "
        "(a login page or a wrong address?)"
    )
    exit_status = 5


class NoPermission(UserFacingError):
    """A file or folder the bot needs is not readable or writable by the user it runs as."""

    message = N_(
        "{path} is not readable and writable by uid {uid} (gid {gid}), which the bot runs as: "
        "on the host, run chown -R {uid}:{gid} on the folder mapped to {folder}"
    )
    member_message = STORAGE_TROUBLE
    exit_status = 6


class NoWritePermission(UserFacingError):
    """A file or folder that belongs to the bot's user, but whose mode forbids it (chown is
    no help there)."""

    message = N_(
        "{path} belongs to uid {uid}, which the bot runs as, but its permissions do not let it "
        "read and write there: on the host, run chmod -R u+rwX on the folder mapped to {folder}"
    )
    exit_status = 6


class ReadOnlyStorage(UserFacingError):
    """A file or folder on a read-only file system (a volume mounted ``:ro``, say)."""

    message = N_(
        "{path} is on a read-only file system, and the bot must write there: remove :ro from "
        "the volume mapped to {folder} (or remount that disk read-write)"
    )
    exit_status = 6


class UnexpectedError(UserFacingError):
    """A bug or a failure nothing foresaw: one line naming it (the traceback only with
    --debug, masked like every log record)."""

    message = N_("Unexpected error ({error}): run it again with --debug for the details")


class FileProblem(UserFacingError):
    """Any other operating-system error on a file the bot needs."""

    message = N_("{path}: {reason}")
    member_message = STORAGE_TROUBLE
    exit_status = 6


class DiskFull(FileProblem):
    """Writing a file (or the database) failed: no space left on the disk of DATA_DIR."""

    message = N_("The disk holding {path} is full: free some space on it")


class NotWritable(FileProblem):
    """Writing a file (or the database) was refused: permissions, or a read-only disk."""

    message = N_(
        "{path} cannot be written ({reason}): make DATA_DIR writable for the user the bot runs as"
    )


_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
_REFUSED = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
_SQLITE_FULL, _SQLITE_READONLY, _SQLITE_CANTOPEN = 13, 8, 14
DATABASE = "DATA_DIR/tgraph.db"  # how a message names the database (storage.db.DB_FILENAME)


def storage_problem(exc: BaseException, where: object = "DATA_DIR") -> FileProblem | None:
    """A file or database error while the bot runs, as the one line that names its cause
    (a full disk, a refused write, another OS error); None for anything else. ``where``:
    what was being written, when the error does not say (a failed ``write`` does not)."""
    if isinstance(exc, OSError):
        path = str(exc.filename if exc.filename is not None else where)
        reason = exc.strerror or type(exc).__name__
        if exc.errno in _FULL:
            return DiskFull(path=path)
        if exc.errno in _REFUSED:
            return NotWritable(path=path, reason=reason)
        return FileProblem(path=path, reason=reason)
    if isinstance(exc, sqlite3.OperationalError):
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code == _SQLITE_FULL:
            return DiskFull(path=DATABASE)
        if code in {_SQLITE_READONLY, _SQLITE_CANTOPEN}:
            return NotWritable(path=DATABASE, reason=str(exc))
    return None


__all__ = [
    "CameraImportError",
    "ChannelUnavailableError",
    "DiscordNotApi",
    "DiscordTokenRefused",
    "DiscordUnreachable",
    "DiskFull",
    "FileProblem",
    "FirstStart",
    "GraphRenderError",
    "HistoryNotReady",
    "MetadataRefused",
    "MetadataSlow",
    "MetadataUnavailable",
    "MetadataUnreachable",
    "NoGraphsError",
    "NoPermission",
    "NoWritePermission",
    "NotAnswering",
    "NotLinkedError",
    "NotWritable",
    "PlexAlbumNotFound",
    "PlexArtistNotFound",
    "PlexAuthError",
    "PlexError",
    "PlexLibraryMissing",
    "PlexNotApi",
    "PlexServerError",
    "PlexSlow",
    "PlexTvError",
    "PlexUnreachable",
    "PlexUserAmbiguousError",
    "PlexUserNotFoundError",
    "ReadOnlyStorage",
    "SampleDataMissing",
    "StorageError",
    "StorageUnavailable",
    "TGraphError",
    "TautulliAuthError",
    "TautulliError",
    "TautulliNotApi",
    "TautulliServerError",
    "TautulliTimeout",
    "TautulliUnknownCommand",
    "TautulliUnreachable",
    "UnexpectedError",
    "UserFacingError",
    "WrappedOff",
]
