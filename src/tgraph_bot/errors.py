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


class StorageError(TGraphError):
    """The database could not be opened or migrated."""


__all__ = ["ConfigError", "ConfigProblem", "StorageError", "TGraphError", "UserFacingError"]


# -- Discord bot (issue 4) ---------------------------------------------------------------


class NoGraphsError(UserFacingError):
    """Rendering produced no graph at all (every graph disabled or every one failed)."""

    message = N_(
        "No graphs could be made: check that Tautulli is reachable and a graph is enabled."
    )


class ChannelUnavailableError(UserFacingError):
    """The configured graph channel cannot be found or used."""

    message = N_("The graph channel (CHANNEL_ID) cannot be found. Check the setting and my access.")
