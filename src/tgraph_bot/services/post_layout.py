"""What a graph post looks like: rendered graphs and a period summary -> messages to send.

Pure apart from reading each graph's sidecar JSON (:func:`read_card`): no Discord, no
sending. :func:`compose` turns cards into :class:`OutgoingMessage` specs that the channel
adapter sends one by one, so the order of sending and deleting stays the posting
service's business. Three layouts (``POST_LAYOUT``):

- ``gallery`` (Discord's Components V2): the first message is one card with the summary of
  the period and a line per graph (its title and the number that matters), then the graphs
  in a gallery a member opens and swipes through; 10 graphs a message, so twelve graphs
  are two messages, the second a gallery of the last two;
- ``embeds``: a summary embed of the period, then one embed per graph (a caption with the
  number that matters and the image as ``attachment://``), 10 a message;
- ``plain``: the header line and the images, 10 a message (the bot's first layout).

Every image has alt text (the attachment's ``description``, and the gallery item's) in all.

No title is shown twice: a graph's title is drawn in its image and only there, so a graph
embed has no title of its own, just the caption above the image. The image keeps it because
the image is what travels: opened full size, saved, forwarded or swiped through in Discord's
viewer it is seen without its embed, and a graph without its title is a graph of nothing.
The alt text still starts with the title, for whoever cannot see the image.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, cast

from tgraph_bot.core.highlights import PeriodSummary
from tgraph_bot.core.ids import GraphId
from tgraph_bot.graphs.registry import BY_ID, GraphSpec
from tgraph_bot.i18n import N_, Translator

MAX_EMBEDS_PER_MESSAGE = 10
MAX_FILES_PER_MESSAGE = 10
MAX_ALT_TEXT = 1024
EMBED_COLOUR = 0xE5A00D  # Plex's amber

Layout = Literal["gallery", "embeds", "plain"]

MEDIA_NAMES = {"tv": N_("TV"), "movies": N_("Movies"), "music": N_("Music")}


@dataclass(frozen=True, slots=True)
class Attachment:
    path: Path
    filename: str
    description: str  # alt text


@dataclass(frozen=True, slots=True)
class EmbedField:
    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True, slots=True)
class Embed:
    title: str
    description: str = ""
    image: str | None = None  # the filename of an attachment of the same message
    fields: tuple[EmbedField, ...] = ()
    footer: str = ""
    colour: int = EMBED_COLOUR


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    content: str = ""
    embeds: tuple[Embed, ...] = ()
    files: tuple[Attachment, ...] = ()
    texts: tuple[str, ...] = ()
    """Components V2 (``gallery``): the blocks of text of the card, Markdown."""
    gallery: bool = False
    """Components V2: one card with :attr:`texts`, then :attr:`files` as a media gallery
    (no content and no embeds beside it: Discord refuses them)."""


@dataclass(frozen=True, slots=True)
class GraphCard:
    """One rendered graph, ready to show: translated title, caption, alt text."""

    graph_id: GraphId
    png: Path
    title: str
    caption: str
    alt: str = field(default="")


# -- one graph ---------------------------------------------------------------------------


def _amount(spec: GraphSpec, y_axis: str, value: float, tr: Translator) -> str:
    if spec.counts_streams:
        n = round(value)
        return tr.ngettext("{n} stream", "{n} streams", n).format(n=tr.number(n))
    if y_axis == "duration":
        hours = round(value)  # the sidecar holds hours for duration graphs
        return tr.ngettext("{n} hour", "{n} hours", hours).format(n=tr.number(hours))
    n = round(value)
    return tr.ngettext("{n} play", "{n} plays", n).format(n=tr.number(n))


def _day(label: str, tr: Translator) -> str:
    try:
        return tr.short_day(date.fromisoformat(label))
    except ValueError:
        return label


def _hour(label: str, tr: Translator) -> str:
    try:
        return tr.hour(int(label))
    except ValueError:
        return label


def busiest_hour(hour: str, zone: str, tr: Translator) -> str:
    """An hour of the day with the time zone it is in ("21:00 Europe/Copenhagen", "kl.
    21:00 UTC"): the graph caption and a member's summary say it the same way."""
    return tr._("{hour} {zone}").format(hour=hour, zone=zone)


def _week(label: str, tr: Translator) -> str:
    """A weekly point is labelled with its Monday: the span of that week."""
    try:
        monday = date.fromisoformat(label)
    except ValueError:
        return label
    return tr.day_span(monday, monday + timedelta(days=6))


def caption(spec: GraphSpec, document: dict[str, Any], tr: Translator) -> str:
    """The number that matters in one graph: the sidecar's own ``summary`` (the one
    function that makes it is :func:`tgraph_bot.services.graphs.summary`), never recounted
    here, so the caption, the alt text and the sidecar cannot disagree."""
    found = document.get("summary")
    known = cast(dict[str, Any], found) if isinstance(found, dict) else {}
    peak = known.get("peak")
    if not isinstance(peak, dict):
        return tr._("No data for this period")
    drawn = cast(dict[str, Any], peak)
    category, value = str(drawn.get("category")), float(drawn.get("value") or 0)
    y_axis = str(document.get("y_axis", "plays"))
    amount = _amount(spec, y_axis, value, tr)
    weekly = document.get("bucket") == "week"
    if spec.counts_streams:
        if weekly:
            return tr._("Peak: {amount} at once, in the week {week}").format(
                amount=amount, week=_week(category, tr)
            )
        return tr._("Peak: {amount} at once, on {day}").format(
            amount=amount, day=_day(category, tr)
        )
    if spec.axis == "date":
        total = _amount(spec, y_axis, float(known.get("total") or 0), tr)
        if weekly:
            return tr._("{total}, busiest week {week}").format(
                total=total, week=_week(category, tr)
            )
        return tr._("{total}, busiest day {day}").format(total=total, day=_day(category, tr))
    if spec.axis == "hour":  # Tautulli's hours, in TIMEZONE (the sidecar names it)
        zone = str(document.get("time_zone") or "UTC")
        return tr._("Busiest hour: {peak} ({amount})").format(
            peak=busiest_hour(_hour(category, tr), zone, tr), amount=amount
        )
    texts = {
        "weekday": N_("Busiest day: {peak} ({amount})"),
        "month": N_("Busiest month: {peak} ({amount})"),
        "platform": N_("Most used: {peak} ({amount})"),
        "user": N_("Most active: {peak} ({amount})"),
        "resolution": N_("Most played: {peak} ({amount})"),
    }
    return tr._(texts[spec.axis]).format(peak=category, amount=amount)


def card_from_sidecar(
    graph_id: str, png: Path, document: dict[str, Any], tr: Translator
) -> GraphCard:
    spec = BY_ID.get(GraphId(graph_id))
    title = str(document.get("title") or (tr._(spec.title) if spec else graph_id))
    text = caption(spec, document, tr) if spec else ""
    alt = f"{title}. {text}"[:MAX_ALT_TEXT]
    return GraphCard(GraphId(graph_id), png, title, text, alt)


def read_card(graph_id: str, png: Path, sidecar: Path | None, tr: Translator) -> GraphCard:
    """A card from the rendered files (blocking: call it in a thread)."""
    document: dict[str, Any] = {}
    if sidecar is not None:
        try:
            loaded: object = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        if isinstance(loaded, dict):
            document = cast(dict[str, Any], loaded)
    return card_from_sidecar(graph_id, png, document, tr)


# -- the period ----------------------------------------------------------------------------


def _change(change: float | None, tr: Translator) -> str:
    if change is None:
        return ""
    percent = tr.percent(abs(change))
    if round(change * 100) == 0:
        return " " + tr._("(same as the period before)")
    arrow = "▲" if change > 0 else "▼"
    return " " + tr._("({arrow} {percent} on the period before)").format(
        arrow=arrow, percent=percent
    )


def date_range(first: date, last: date, tr: Translator) -> str:
    return tr._("{start} – {end}").format(start=tr.date(first), end=tr.date(last))


def summary_embed(
    summary: PeriodSummary,
    tr: Translator,
    *,
    title: str,
    next_post: datetime | None = None,
    hint: str = "",
    personal: bool = False,
    zone: str = "UTC",
) -> Embed:
    """The first embed of a post: the period in numbers (hours in ``zone``, TIMEZONE)."""
    lines: list[str] = []
    if summary.first_day is not None and summary.last_day is not None:
        lines.append(date_range(summary.first_day, summary.last_day, tr))
    if next_post is not None:
        lines.append(tr._("Next post {when}").format(when=f"<t:{int(next_post.timestamp())}:R>"))
    if hint:
        lines.append(hint)
    if personal and summary.rank is not None:  # a place, never anyone else's name
        rank = summary.rank
        if rank.everyone:
            text = tr._("You are #{place} of {count} this period")
        else:
            text = tr._("You are #{place} in the top {count} this period")
        lines.append(text.format(place=rank.place, count=rank.of))
    fields = [
        EmbedField(tr._("Plays"), tr.number(summary.plays) + _change(summary.plays_change, tr)),
        EmbedField(
            tr._("Watch time"),
            tr.duration(summary.watch_seconds) + _change(summary.watch_change, tr),
        ),
    ]
    if summary.busiest_day is not None:
        fields.append(
            EmbedField(
                tr._("Busiest day"),
                "{day} ({amount})".format(
                    day=tr.short_day(summary.busiest_day),
                    amount=tr.ngettext("{n} play", "{n} plays", summary.busiest_day_plays).format(
                        n=tr.number(summary.busiest_day_plays)
                    ),
                ),
            )
        )
    if personal and summary.top_platform:
        fields.append(EmbedField(tr._("Favourite platform"), summary.top_platform))
    if personal and summary.busiest_hour is not None:
        hour = busiest_hour(tr.hour(summary.busiest_hour), zone, tr)
        fields.append(EmbedField(tr._("Busiest hour"), hour))
    if summary.top_titles:
        fields.append(
            EmbedField(
                tr._("Most played"),
                "\n".join(
                    "**{media}**: {title} ({amount})".format(
                        media=tr._(MEDIA_NAMES.get(t.media, t.media)),
                        title=t.title,
                        amount=tr.ngettext("{n} play", "{n} plays", t.plays).format(
                            n=tr.number(t.plays)
                        ),
                    )
                    for t in summary.top_titles
                ),
                inline=False,
            )
        )
    return Embed(title=title, description="\n".join(lines), fields=tuple(fields))


# -- the post ------------------------------------------------------------------------------


def _attachment(card: GraphCard) -> Attachment:
    return Attachment(card.png, card.png.name, card.alt or card.title)


def graph_embed(card: GraphCard) -> Embed:
    """The caption and the image; the title is in the image (see the module docstring)."""
    return Embed(title="", description=card.caption, image=card.png.name)


def embed_text(embed: Embed) -> str:
    """What an embed says, as Markdown: the same words in a Components V2 text block."""
    lines = [f"### {embed.title}"] if embed.title else []
    if embed.description:
        lines.append(embed.description)
    for item in embed.fields:
        joint = "\n" if "\n" in item.value else " "
        lines.append(f"**{item.name}**:{joint}{item.value}")
    if embed.footer:
        lines.append(f"-# {embed.footer}")
    return "\n".join(lines)


def graph_line(card: GraphCard) -> str:
    """One graph in the card of a gallery post: its title and the number that matters."""
    return f"**{card.title}**: {card.caption}" if card.caption else f"**{card.title}**"


def _gallery(
    cards: Sequence[GraphCard], header: str, summary: Embed | None
) -> list[OutgoingMessage]:
    first = embed_text(summary) if summary is not None else f"### {header}"
    lines = "\n".join(graph_line(c) for c in cards)
    texts = (first, lines) if lines else (first,)
    step = MAX_FILES_PER_MESSAGE
    groups = [cards[i : i + step] for i in range(0, len(cards), step)] or [cards[:0]]
    return [
        OutgoingMessage(
            texts=texts if i == 0 else (),
            files=tuple(_attachment(c) for c in group),
            gallery=True,
        )
        for i, group in enumerate(groups)
    ]


def compose(
    cards: Sequence[GraphCard],
    *,
    layout: Layout,
    header: str,
    summary: Embed | None = None,
) -> list[OutgoingMessage]:
    """The messages of one post, in order; each within Discord's 10 embeds and 10 files."""
    if layout == "gallery":
        return _gallery(cards, header, summary)
    if layout == "plain":
        groups = [cards[i : i + 10] for i in range(0, len(cards), 10)]
        return [
            OutgoingMessage(
                content=header if i == 0 else "",
                files=tuple(_attachment(c) for c in group),
            )
            for i, group in enumerate(groups)
        ]
    items: list[tuple[Embed, Attachment | None]] = []
    if summary is not None:
        items.append((summary, None))
    items += [(graph_embed(c), _attachment(c)) for c in cards]
    messages: list[OutgoingMessage] = []
    for i in range(0, len(items), MAX_EMBEDS_PER_MESSAGE):
        chunk = items[i : i + MAX_EMBEDS_PER_MESSAGE]
        messages.append(
            OutgoingMessage(
                content=header if i == 0 and summary is None else "",
                embeds=tuple(e for e, _ in chunk),
                files=tuple(a for _, a in chunk if a is not None),
            )
        )
    return messages


def personal_messages(
    cards: Sequence[GraphCard],
    period: PeriodSummary | None,
    *,
    layout: Layout,
    days: int,
    tr: Translator,
    zone: str,
) -> list[OutgoingMessage]:
    """The direct messages of a member's own graphs (/my_stats), in ``layout``: what the
    bot sends, and what ``tgraph-bot render --user`` writes to post.json (hours in
    ``zone``, TIMEZONE)."""
    heading = tr.ngettext(
        "Your Plex statistics for the last {days} day",
        "Your Plex statistics for the last {days} days",
        days,
    ).format(days=tr.number(days))
    summary = None
    if period is not None and layout != "plain":
        summary = summary_embed(period, tr, title=heading, personal=True, zone=zone)
    return compose(cards, layout=layout, header=heading, summary=summary)


__all__ = [
    "Attachment",
    "Embed",
    "EmbedField",
    "GraphCard",
    "Layout",
    "OutgoingMessage",
    "caption",
    "card_from_sidecar",
    "compose",
    "date_range",
    "embed_text",
    "graph_embed",
    "graph_line",
    "personal_messages",
    "read_card",
    "summary_embed",
]
