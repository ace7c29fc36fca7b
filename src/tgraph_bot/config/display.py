"""How a configuration value may appear in a reply, a log line or an error.

- :func:`mask_secrets` hides the password of any URL (``user:***@host``) and the value of
  any ``apikey``/``api_key``/``token``/``X-Plex-Token``/``password`` query parameter, in
  whatever text it is given: a value, a message, a log line.
- :func:`clip` keeps a value shown inside a message to at most 80 characters.

Both are cheap on any input (regular expressions without backtracking traps, and the
text is cut before anything is done to it where it can be).
"""

from __future__ import annotations

import logging
import re
import reprlib

SHOWN_LIMIT = 80
"""The most characters of a value any message shows."""

_MASK = "***"
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,15}://[^\s/?#@:]*):[^\s/?#@]*@")
_SECRET_PARAM = re.compile(
    r"(?i)([?&;](?:[a-z0-9_.-]*token|api_?key|passw(?:or)?d|secret)=)[^&;#\s\"'<>]*"
)

_REPR = reprlib.Repr()
_REPR.maxstring = 2 * SHOWN_LIMIT  # cut again by clip(), which marks the cut at the end
_REPR.maxother = 2 * SHOWN_LIMIT
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 8
_REPR.maxlevel = 2


def mask_secrets(text: str) -> str:
    """``text`` with URL passwords and secret query parameters replaced by ``***``."""
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
    """A handler filter that masks URL secrets in every record it lets through."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


__all__ = ["SHOWN_LIMIT", "MaskSecretsFilter", "clip", "mask_secrets", "shown"]
