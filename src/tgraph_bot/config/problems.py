"""A configuration report: :class:`ConfigProblem` is one translated line (key, value, what is
allowed), :class:`ConfigError` the error that carries them; and pydantic's validation errors
turned into such lines."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from tgraph_bot.config.display import clip, shown
from tgraph_bot.config.schema import KEYS
from tgraph_bot.errors import UserFacingError
from tgraph_bot.i18n import N_, Translator


class ConfigError(UserFacingError):
    """The configuration file or a value for it is not acceptable."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__(N_("The configuration has {count} problem(s)."), count=len(problems))

    def render(self, tr: Translator, *, admin: bool = True) -> str:
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
        return f" = {shown(self.value)}"

    def render(self, tr: Translator) -> str:
        return f"{self.key}{self._shown()}: {tr._(self.message).format(**self.params)}"

    def __str__(self) -> str:
        return f"{self.key}{self._shown()}: {self.message.format(**self.params)}"

    def __repr__(self) -> str:
        return f"ConfigProblem({self!s})"


# pydantic error type -> (message, names of ctx values it uses)
_MESSAGES: dict[str, str] = {
    "greater_than_equal": N_("must be at least {ge}"),
    "greater_than": N_("must be more than {gt}"),
    "less_than_equal": N_("must be at most {le}"),
    "less_than": N_("must be less than {lt}"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "bool_parsing": N_("must be true or false"),
    "bool_type": N_("must be true or false"),
    "string_type": N_("must be text"),
    "string_too_short": N_("must be at least {min_length} character(s) long"),
    "string_too_long": N_("must be at most {max_length} character(s) long"),
    "list_type": N_("must be a list of Discord ids"),
    "literal_error": N_("must be one of: {expected}"),
    "missing": N_("is required"),
    # raised by the schema's number validators (schema._number_text)
    "not_decimal": N_(
        "must be written in plain decimal digits, such as 16 or 4.5 (not 0x10, 0o20 or 1_000)"
    ),
    "too_many_digits": N_("is not a valid number: it has {digits} digits"),
}

# Messages raised by the schema's own validators, marked here for translation.
VALIDATOR_MESSAGES = (
    N_("not a colour: use #RRGGBB or a colour name such as 'steelblue'"),
    N_('not a time: use "HH:MM" (24-hour) or "XX:XX" for no fixed time'),
    N_('not a day of the year: use "MM-DD" such as "12-01", or "" for off'),
    N_("not a time zone: use an IANA name such as 'Europe/Copenhagen'"),
    N_("not a URL: use http://host:port or https://host"),
    N_(
        "cannot contain spaces, @, < or >: Discord reads those as mentions such as "
        "@here; use a character such as ! or ?"
    ),
)


def unknown_key(key: str) -> ConfigProblem:
    key = clip(key)  # a key is shown whole: a hostile one is cut like any value
    close = difflib.get_close_matches(key.upper(), KEYS, n=1, cutoff=0.6)
    if close:
        return ConfigProblem(key, None, N_("unknown key; did you mean {close}?"), close=close[0])
    return ConfigProblem(key, None, N_("unknown key"))


def from_validation_error(
    error: ValidationError, data: Mapping[str, Any], secret_keys: frozenset[str]
) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for err in error.errors(include_url=False):
        key = str(err["loc"][0]) if err["loc"] else "?"
        if err["type"] == "extra_forbidden":
            problems.append(unknown_key(key))
            continue
        shown = "********" if key in secret_keys else data.get(key)
        ctx: dict[str, Any] = dict(err.get("ctx") or {})
        if err["type"] == "value_error":
            problems.append(ConfigProblem(key, shown, str(ctx.get("error", err["msg"]))))
            continue
        message = _MESSAGES.get(err["type"])
        if message is None:
            problems.append(ConfigProblem(key, shown, "{detail}", detail=err["msg"]))
        else:
            problems.append(ConfigProblem(key, shown, message, **ctx))
    return problems
