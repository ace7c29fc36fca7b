"""Discord's message limits, and the one place a reply is fitted to them before it is sent.

Discord refuses a whole message (HTTP 400, code 50035) when one text is too long: content
2,000 characters; an embed's title 256, description 4,096, field name 256, field value
1,024, footer 2,048, author name 256, at most 25 fields; at most 10 embeds and 6,000
characters over all embeds of a message. A reply that echoes a value or a name (a
setting, an artist, a title) can reach any of them, so every send point passes its
content and embeds through :func:`fit_content` / :func:`fit_embeds`: a text over its
limit is cut and ends in "…", and the message goes out. What Discord refuses anyway is
logged by :func:`log_refused` (one line: the command, the HTTP status and Discord's
reason), never dropped silently. A Components V2 message (flag 1 << 15) has no content
and no embeds: at most 40 components and 4,000 characters over all its text displays
(:func:`fit_texts`).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from typing import overload

import discord

from tgraph_bot.config.display import clip

log = logging.getLogger(__name__)

CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
FIELDS = 25
EMBEDS = 10
EMBED_TOTAL = 6000
"""Characters over all embeds of one message: titles, descriptions, field names and
values, footers and author names."""
COMPONENTS = 40
"""Components V2: components in one message, nested ones included."""
COMPONENTS_TEXT = 4000
"""Components V2: characters over all text displays of one message."""


@overload
def fit_content(text: str) -> str: ...
@overload
def fit_content(text: None) -> None: ...
def fit_content(text: str | None) -> str | None:
    """A message's content within 2,000 characters."""
    return None if text is None else clip(text, CONTENT)


def _fit(text: str | None, limit: int, budget: list[int], reserve: int = 0) -> str | None:
    """``text`` within its own ``limit`` and what is left of the message's ``budget``
    (a one-item list, spent as texts are kept) less ``reserve``; None when no room is left."""
    room = min(limit, budget[0] - reserve)
    if not text or room < 1:
        return None
    kept = clip(text, room)
    budget[0] -= len(kept)
    return kept


def _fit_one(embed: discord.Embed, budget: list[int]) -> discord.Embed:
    """A copy of ``embed`` within every limit; short texts (title, author, footer) are
    fitted first so a long description or field gives way, not the heading."""
    fitted = discord.Embed.from_dict(copy.deepcopy(embed.to_dict()))  # .copy() shares fields
    fitted.title = _fit(embed.title, TITLE, budget)
    name = _fit(embed.author.name, AUTHOR, budget)
    fitted.remove_author()
    if name:
        fitted.set_author(name=name, url=embed.author.url, icon_url=embed.author.icon_url)
    if embed.footer.text:
        text = _fit(embed.footer.text, FOOTER, budget)
        fitted.set_footer(text=text, icon_url=embed.footer.icon_url)
    fitted.description = _fit(embed.description, DESCRIPTION, budget)
    fitted.clear_fields()
    for item in embed.fields[:FIELDS]:
        name = _fit(item.name, FIELD_NAME, budget, reserve=1)
        value = _fit(item.value, FIELD_VALUE, budget)
        if name is None or value is None:
            break  # no room left: the rest of the fields are left out
        fitted.add_field(name=name, value=value, inline=item.inline)
    return fitted


def fit_embeds(embeds: Iterable[discord.Embed]) -> list[discord.Embed]:
    """The embeds of one message within Discord's limits: at most 10, each text within its
    own limit, 6,000 characters in all (later embeds give way to earlier ones)."""
    budget = [EMBED_TOTAL]
    return [_fit_one(embed, budget) for embed in list(embeds)[:EMBEDS]]


def fit_texts(texts: Iterable[str]) -> list[str]:
    """The text displays of one Components V2 message within 4,000 characters in all
    (later texts give way to earlier ones; one with no room left is left out)."""
    budget = [COMPONENTS_TEXT]
    return [kept for text in texts if (kept := _fit(text, COMPONENTS_TEXT, budget))]


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """One embed alone in its message, within Discord's limits."""
    return fit_embeds([embed])[0]


def pack_lines(lines: Iterable[str], limit: int = FIELD_VALUE) -> list[str]:
    """``lines`` joined into as few texts of at most ``limit`` characters as keep their
    order, never cutting a line (only a line longer than ``limit`` alone is clipped)."""
    texts: list[str] = []
    for line in lines:
        if texts and len(texts[-1]) + 1 + len(line) <= limit:
            texts[-1] += "\n" + line
        else:
            texts.append(clip(line, limit))
    return texts


def refused(error: BaseException) -> discord.HTTPException | None:
    """The HTTP error when Discord refused a message we sent (400: a limit, a malformed
    field), else None."""
    while not isinstance(error, discord.HTTPException):
        original = getattr(error, "original", None)
        if not isinstance(original, BaseException):
            return None
        error = original
    return error if error.status == 400 else None


def reason(error: discord.HTTPException) -> str:
    """Discord's reason, on one line and short (its form errors come one per line)."""
    return clip(" ".join(error.text.split()), 300) or str(error.code)


def log_refused(command: str, error: discord.HTTPException) -> None:
    log.error(
        "Discord refused the reply to %s (HTTP %d, code %d): %s",
        command,
        error.status,
        error.code,
        reason(error),
    )


__all__ = [
    "COMPONENTS",
    "COMPONENTS_TEXT",
    "CONTENT",
    "EMBEDS",
    "EMBED_TOTAL",
    "FIELDS",
    "FIELD_VALUE",
    "fit_content",
    "fit_embed",
    "fit_embeds",
    "fit_texts",
    "log_refused",
    "pack_lines",
    "reason",
    "refused",
]
