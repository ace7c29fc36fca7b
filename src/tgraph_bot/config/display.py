"""How a configuration value may appear in a reply, a log line or an error.

- :func:`mask_secrets` is the one mask every output goes through (the command line's
  lines, every log record, Discord's error replies). It hides the password of any URL
  (``user:***@host``), the value of any ``apikey``/``api_key``/``token``/``X-Plex-Token``/
  ``password`` query parameter, and the configured secrets themselves (DISCORD_TOKEN,
  TAUTULLI_API_KEY, PLEX_TOKEN, DISCOGS_TOKEN, once :func:`hide_configured_secrets` names
  where the settings are), in whatever text it is given.
- :func:`clip` keeps a value shown inside a message to at most 80 characters.

Both are cheap on any input (regular expressions without backtracking traps, and the
text is cut before anything is done to it where it can be).
"""

from __future__ import annotations

import logging
import re
import reprlib
from collections.abc import Callable
from typing import TYPE_CHECKING, cast
from urllib.parse import quote

if TYPE_CHECKING:
    from pydantic import SecretStr

    from tgraph_bot.config.schema import Settings

SHOWN_LIMIT = 80
"""The most characters of a value any message shows."""

_MASK = "***"
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,15}://[^\s/?#@:]*):[^\s/?#@]*@")
# The value ends where the parameter does; up to three closing marks before that end
# (``)``, ``.``, ``,``, ``:``) belong to the sentence around the URL and stay.
_SECRET_PARAM = re.compile(
    r"(?i)([?&;](?:[a-z0-9_.-]*token|api_?key|passw(?:or)?d|secret)=)"
    r"[^&;#\s\"'<>]*?(?=[).,:]{0,3}(?:[&;#\s\"'<>]|$))"
)

_REPR = reprlib.Repr()
_REPR.maxstring = 2 * SHOWN_LIMIT  # cut again by clip(), which marks the cut at the end
_REPR.maxother = 2 * SHOWN_LIMIT
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 8
_REPR.maxlevel = 2


MIN_SECRET_LENGTH = 6
"""A configured secret shorter than this is not searched for in text: it would mask
ordinary words (no real key or token is that short)."""

_settings: Callable[[], Settings] | None = None


def hide_configured_secrets(settings: Callable[[], Settings] | None) -> None:
    """From now on :func:`mask_secrets` also hides the secret values of ``settings()``,
    read at every call, so a secret changed by an edit is hidden at once (None: stop)."""
    global _settings
    _settings = settings


def _configured_secrets() -> list[str]:
    """The configured secrets, as typed and as they look inside a URL, longest first."""
    if _settings is None:
        return []
    from tgraph_bot.config.schema import SECRET_KEYS

    settings = _settings()
    found: set[str] = set()
    for key in SECRET_KEYS:
        value = cast("SecretStr", getattr(settings, key)).get_secret_value()
        if len(value) >= MIN_SECRET_LENGTH:
            found.update((value, quote(value, safe="")))
    return sorted(found, key=len, reverse=True)


def mask_secrets(text: str) -> str:
    """``text`` with URL passwords, secret query parameters and the configured secrets
    replaced by ``***``."""
    for secret in _configured_secrets():
        text = text.replace(secret, _MASK)
    if "://" not in text and "=" not in text:
        return text
    return _SECRET_PARAM.sub(rf"\1{_MASK}", _USERINFO.sub(rf"\1:{_MASK}@", text))


def clip(text: str, limit: int = SHOWN_LIMIT) -> str:
    """At most ``limit`` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: object) -> str:
    """A value inside a message: ``repr``-like, masked, at most 80 characters.

    ``reprlib`` bounds the work on huge values (a 10 MB string, a list of millions).
    """
    return clip(mask_secrets(_REPR.repr(value)))


class MaskSecretsFilter(logging.Filter):
    """A handler filter that masks secrets in every record it lets through: the message,
    the traceback attached to it (an exception's text may hold a URL) and its stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_secrets(record.stack_info)
        return True


_TRACEBACKS = logging.Formatter()


__all__ = [
    "MIN_SECRET_LENGTH",
    "SHOWN_LIMIT",
    "MaskSecretsFilter",
    "clip",
    "hide_configured_secrets",
    "mask_secrets",
    "shown",
]
