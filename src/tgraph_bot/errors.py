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

    def render(self, tr: Translator) -> str:
        value = "" if self.value is None else f" = {self.value!r}"
        return f"{self.key}{value}: {tr._(self.message).format(**self.params)}"

    def __str__(self) -> str:
        value = "" if self.value is None else f" = {self.value!r}"
        return f"{self.key}{value}: {self.message.format(**self.params)}"

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


class TautulliAuthError(TautulliError):
    """The API key was refused (Tautulli says so with HTTP 400, not 401)."""

    message = N_("Tautulli refused the API key: check TAUTULLI_API_KEY")


class TautulliUnreachable(TautulliError):
    """Connection refused, DNS failure, connection reset: nothing answered."""

    message = N_("Cannot reach Tautulli at {url}: check TAUTULLI_URL and that Tautulli is running")
    unavailable = True


class TautulliTimeout(TautulliError):
    """Tautulli accepted the connection but did not answer in time."""

    message = N_(
        "Tautulli at {url} did not answer within {seconds} seconds: it may be busy or stuck"
    )
    unavailable = True


class TautulliNotApi(TautulliError):
    """An answer that is not Tautulli's API (a reverse proxy's login page, a 404 page, ...)."""

    message = N_(
        "The answer from {url} is not Tautulli's API: check TAUTULLI_URL "
        "(a reverse proxy's login page or a wrong base path?)"
    )


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


__all__ = [
    "CameraImportError",
    "ChannelUnavailableError",
    "ConfigError",
    "ConfigProblem",
    "GraphRenderError",
    "NoGraphsError",
    "PlexTvError",
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
    "UserFacingError",
]
