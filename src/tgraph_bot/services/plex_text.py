"""The Plex module's answers as text, translated: one wording for Discord and the CLI.

The usage view is also laid out here as (name, value) fields, so the Discord embed and
``tgraph-bot plex usage`` show the same facts; the cog only turns fields into an embed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from tgraph_bot.core.activity import Activity, Stream, bandwidth, fit, progress_bar
from tgraph_bot.core.censor import censor
from tgraph_bot.core.plex import SyncResult
from tgraph_bot.i18n import Translator
from tgraph_bot.services.plex import (
    AlbumChoice,
    CompletionReport,
    Enriched,
    EnrichOutcome,
    NoCredits,
    album_label,
)

MAX_FIELDS = 25
EMBED_BUDGET = 5500
"""Characters for the fields: Discord allows 6,000 in all; title and footer need the rest."""
FIELD_NAME = 256
FIELD_VALUE = 1024
NAME_LIMIT = 200
"""The most characters of a name (an artist's, say) a sentence echoes."""


def sync_text(result: SyncResult, tr: Translator) -> str:
    """``'Playlist "My Top Rated": added 12, removed 3, 240 tracks'`` (or "Created the
    playlist ..." when it was new)."""
    summary = tr._("added {added}, removed {removed}, {total} tracks").format(
        added=result.added, removed=result.removed, total=result.total
    )
    text = (
        tr._('Created the playlist "{playlist}": {summary}')
        if result.created
        else tr._('Playlist "{playlist}": {summary}')
    )
    return text.format(playlist=_clip(result.playlist, NAME_LIMIT), summary=summary)


def completion_text(report: CompletionReport, tr: Translator) -> str:
    result = report.result
    text = tr._(
        "You have listened to {percent}% ({played}/{total}) of {whose} collection on this server."
    )
    return text.format(
        percent=tr.number(round(result.percent, 1)),
        played=result.played,
        total=result.total,
        whose=tr.possessive(_clip(report.artist, NAME_LIMIT)),
    )


def enrich_text(outcome: EnrichOutcome, tr: Translator) -> str:
    if isinstance(outcome, AlbumChoice):
        lines = [tr._("Several albums match. Which one?")]
        lines += [f"{n}. {album_label(a)}" for n, a in enumerate(outcome.albums, 1)]
        return "\n".join(lines)
    if isinstance(outcome, NoCredits):
        return tr._(
            "No performer credits found for {album} ({sources}). Nothing was changed."
        ).format(album=album_label(outcome.album), sources=", ".join(outcome.sources))
    return _enriched(outcome, tr)


def _enriched(outcome: Enriched, tr: Translator) -> str:
    if outcome.written:
        head = tr._("Wrote the credits from {source} into the summary of {album}:")
    elif outcome.summary == outcome.album.summary:
        head = tr._(
            "The summary of {album} already has these credits from {source}; nothing was changed:"
        )
    else:
        head = tr._("Dry run: this would be written into the summary of {album} ({source}):")
    return (
        head.format(source=outcome.source, album=album_label(outcome.album))
        + "\n"
        + outcome.credits
    )


def _decision(stream: Stream, tr: Translator) -> str:
    if stream.decision == "transcode":
        what = {"video": tr._("video"), "audio": tr._("audio")}
        parts = ", ".join(what[k] for k in stream.transcoding)
        return tr._("Transcode ({what})").format(what=parts) if parts else tr._("Transcode")
    return tr._("Direct stream") if stream.decision == "direct stream" else tr._("Direct play")


def _state(stream: Stream, tr: Translator) -> str:
    return {"playing": tr._("Playing"), "paused": tr._("Paused"), "buffering": tr._("Buffering")}[
        stream.state
    ]


@dataclass(frozen=True, slots=True)
class UsageView:
    title: str
    fields: list[tuple[str, str]]
    footer: str
    empty: bool
    note: str = ""
    """A line above the streams (the live message: when it was updated, an outage)."""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def usage_view(activity: Activity, tr: Translator, *, censor_names: bool) -> UsageView:
    """Title, one field per stream (within Discord's limits, then "and N more"), footer."""
    title = tr._("Now playing on Plex")
    footer = (
        tr.ngettext("{count} stream", "{count} streams", activity.count).format(
            count=activity.count
        )
        + " · "
        + tr._("LAN {lan} · WAN {wan}").format(
            lan=bandwidth(activity.lan_kbps), wan=bandwidth(activity.wan_kbps)
        )
    )
    if not activity.streams:
        return UsageView(title, [], footer, empty=True)
    fields: list[tuple[str, str]] = []
    for stream in activity.streams:
        user = censor(stream.user) if censor_names else stream.user
        name = _clip(f"{user} · {stream.title}", FIELD_NAME)
        value = "\n".join(
            [
                f"{stream.player} · {stream.platform}",
                f"{stream.quality} · {_decision(stream, tr)}"
                if stream.quality
                else _decision(stream, tr),
                f"{_state(stream, tr)} {progress_bar(stream.offset_ms, stream.duration_ms)}",
            ]
        )
        fields.append((name, _clip(value, FIELD_VALUE)))
    sizes = [len(n) + len(v) for n, v in fields]
    shown = fit(sizes, max_items=MAX_FIELDS, budget=EMBED_BUDGET)
    if shown < len(fields):
        shown = fit(sizes, max_items=MAX_FIELDS - 1, budget=EMBED_BUDGET - 100)
        more = len(fields) - shown
        fields = [*fields[:shown], ("…", tr._("and {count} more").format(count=more))]
    return UsageView(title, fields, footer, empty=False)


LiveState = Literal["live", "down", "stopped"]
"""The live message: refreshed from Tautulli; Tautulli cannot be reached (the last streams
read stay, marked); the bot has stopped (the message is no longer kept up to date)."""


def live_note(tr: Translator, state: LiveState, *, updated: str | None, checked: str) -> str:
    """The live message's line: when its streams were read (``updated``, None if never in
    this run) and what holds it back. Both times are Discord timestamps (``<t:...:R>``)."""
    if state == "live":
        return tr._("Updated {when}").format(when=updated or checked)
    if state == "down":
        if updated is None:
            return tr._("Tautulli cannot be reached right now. Checked {when}.").format(
                when=checked
            )
        return tr._("Tautulli cannot be reached right now. Last updated {when}.").format(
            when=updated
        )
    if updated is None:
        return tr._("The bot has stopped: this message is no longer updated.")
    return tr._(
        "The bot has stopped: this message is no longer updated. Last updated {when}."
    ).format(when=updated)


def live_view(
    activity: Activity | None, tr: Translator, *, note: str, censor_names: bool
) -> UsageView:
    """The live message: the streams of ``activity`` (none: only the title and the note)."""
    if activity is None:
        return UsageView(tr._("Now playing on Plex"), [], "", empty=False, note=note)
    return replace(usage_view(activity, tr, censor_names=censor_names), note=note)


def usage_text(view: UsageView, tr: Translator) -> str:
    """The view as plain text (the command line)."""
    if view.empty:
        return tr._("Nobody is watching or listening right now.") + "\n" + view.footer
    blocks = [view.title] + [
        f"{name}\n  " + value.replace("\n", "\n  ") for name, value in view.fields
    ]
    return "\n\n".join([*blocks, view.footer])


__all__ = [
    "LiveState",
    "UsageView",
    "completion_text",
    "enrich_text",
    "live_note",
    "live_view",
    "sync_text",
    "usage_text",
    "usage_view",
]
