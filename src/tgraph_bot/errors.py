"""One exception tree. A :class:`UserFacingError` carries a message a person may read.

Messages are marked with ``N_`` and formatted after translation, so the same error
reads in the configured language wherever it surfaces (CLI, Discord, logs in English).
"""

from __future__ import annotations

from typing import Any

from tgraph_bot.i18n import N_, Translator


class TGraphError(Exception):
    """Base of every error this program raises on purpose."""


class UserFacingError(TGraphError):
    """An error whose message is meant for the person who caused or can fix it."""

    message: str = N_("Something went wrong.")
    exit_status: int = 1  # what `tgraph-bot` exits with when this error ends it (see cli.py)

    def __init__(self, message: str | None = None, /, **params: Any) -> None:
        if message is not None:
            self.message = message
        self.params = params
        super().__init__(self.message.format(**params))

    def render(self, tr: Translator) -> str:
        return tr._(self.message).format(**self.params)


class ConfigError(UserFacingError):
    """The configuration file or a value for it is not acceptable."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__(N_("The configuration has {count} problem(s)."), count=len(problems))

    def render(self, tr: Translator) -> str:
        return "\n".join(p.render(tr) for p in self.problems)


class ConfigProblem:
    """One line of a configuration report: key, value, what is allowed."""

    def __init__(self, key: str, value: object, message: str, **params: Any) -> None:
        self.key = key
        self.value = value
        self.message = message
        self.params = params

    def _shown(self) -> str:
        """`` = value`` as a message may show it: masked, at most 80 characters."""
        if self.value is None:
            return ""
        from tgraph_bot.config.display import shown  # config imports this module

        return f" = {shown(self.value)}"

    def render(self, tr: Translator) -> str:
        return f"{self.key}{self._shown()}: {tr._(self.message).format(**self.params)}"

    def __str__(self) -> str:
        return f"{self.key}{self._shown()}: {self.message.format(**self.params)}"

    def __repr__(self) -> str:
        return f"ConfigProblem({self!s})"


class StorageError(UserFacingError):
    """The database could not be opened or migrated (one line saying what to do)."""


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
    """A seed 003 ``video_ranking.json`` that cannot be imported; nothing was imported."""

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

    def render(self, tr: Translator) -> str:
        reason = tr._(self.reason).format(**self.reason_params)
        return tr._(self.message).format(source=self.source, line=self.line, reason=reason)


# -- Discord bot (issue 4) ---------------------------------------------------------------


class NoGraphsError(UserFacingError):
    """Rendering produced no graph at all (every graph disabled or every one failed)."""

    message = N_(
        "No graphs could be made: check that Tautulli is reachable and a graph is enabled."
    )


class ChannelUnavailableError(UserFacingError):
    """The configured graph channel cannot be found or used."""

    message = N_("The graph channel (CHANNEL_ID) cannot be found. Check the setting and my access.")


# -- Plex automation (issue 11) ----------------------------------------------------------
# Messages name the URL (never the token) and say what to do.


class PlexError(UserFacingError):
    """Plex answered, but with an error (the base of every Plex problem)."""

    message = N_("Plex answered with an error (HTTP {status}).")


class PlexAuthError(PlexError):
    """Plex refused the token (HTTP 401)."""

    message = N_("Plex refused the token: check PLEX_TOKEN")


class PlexUnreachable(PlexError):
    """Nothing answered at PLEX_URL, or it answered too slowly."""

    message = N_("Cannot reach Plex at {url}: check PLEX_URL and that Plex is running")


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


class PlexAlbumNotFound(PlexError):
    message = N_("No album named {name} in the music library.")


class MetadataUnavailable(UserFacingError):
    """MusicBrainz or Discogs could not answer (after the retries)."""

    message = N_("{service} is not answering right now. Please try again later.")


class NotLinkedError(UserFacingError):
    """A member asked for their own numbers without a verified link to a Plex user."""

    message = N_(
        "Your Discord account is not linked to a Plex user yet: run /my_stats once to link it."
    )


# -- start-up (issue 9): each is one line with the fix; cli.py exits with ``exit_status`` ---


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
    exit_status = 6


class UnexpectedError(UserFacingError):
    """A bug or a failure nothing foresaw: one line naming it (the traceback only with
    --debug, masked like every log record)."""

    message = N_("Unexpected error ({error}): run it again with --debug for the details")


class FileProblem(UserFacingError):
    """Any other operating-system error on a file the bot needs."""

    message = N_("{path}: {reason}")
    exit_status = 6


__all__ = [
    "CameraImportError",
    "ChannelUnavailableError",
    "ConfigError",
    "ConfigProblem",
    "DiscordNotApi",
    "DiscordTokenRefused",
    "DiscordUnreachable",
    "FileProblem",
    "FirstStart",
    "GraphRenderError",
    "MetadataUnavailable",
    "NoGraphsError",
    "NoPermission",
    "NotLinkedError",
    "PlexAlbumNotFound",
    "PlexArtistNotFound",
    "PlexAuthError",
    "PlexError",
    "PlexLibraryMissing",
    "PlexNotApi",
    "PlexTvError",
    "PlexUnreachable",
    "PlexUserAmbiguousError",
    "PlexUserNotFoundError",
    "SampleDataMissing",
    "StorageError",
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
]
