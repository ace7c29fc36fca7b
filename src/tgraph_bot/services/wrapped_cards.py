"""Wrapped as a story: a recap turned into translated cards, one idea a card.

Every card says what its numbers count, in its small print. A card with nothing to show (no
movies played, say) is left out, so a story has between one and seven cards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path

from tgraph_bot.core.history import Window
from tgraph_bot.core.wrapped import Ranked, Recap
from tgraph_bot.graphs.cards import Bar, CardJob
from tgraph_bot.graphs.theme import Theme
from tgraph_bot.i18n import N_, Translator

PLEX_AMBER = "#e5a00d"
MEDIA_LABELS = {
    "episode": N_("TV episodes"),
    "movie": N_("Movies"),
    "track": N_("Music tracks"),
    "live": N_("Live TV"),
}
STREAM_LABELS = {
    "direct play": N_("Direct play"),
    "direct stream": N_("Direct stream"),
    "transcode": N_("Transcode"),
}


@dataclass(frozen=True, slots=True)
class Story:
    """Who and when a story is about, as its cards name it."""

    title: str  # "Ann's 2026", "Your last 30 days", "Plex's 2026"
    member: bool  # a member's own (percentile, "you") or the server's (members, no "you")


def period_name(after: date, before: date, tr: Translator) -> str:
    """ "2026" for a calendar year (so far), else the span of days."""
    if after.month == after.day == 1 and before.year == after.year:
        return str(after.year)
    return tr._("{start} – {end}").format(start=tr.date(after), end=tr.date(before))


def story_title(name: str, window: Window, tr: Translator) -> str:
    """Whose story and which days, as every story names itself: "Ann: 2026"."""
    return tr._("{name}: {period}").format(
        name=name, period=period_name(window.after, window.before, tr)
    )


def _plays(n: int, tr: Translator) -> str:
    return tr.ngettext("{n} play", "{n} plays", n).format(n=tr.number(n))


def _hours(seconds: int, tr: Translator) -> str:
    """Time at a glance: whole hours, or whole minutes under an hour."""
    if seconds >= 3600:
        hours = round(seconds / 3600)
        return tr.ngettext("{n} hour", "{n} hours", hours).format(n=tr.number(hours))
    minutes = round(seconds / 60)
    return tr.ngettext("{n} minute", "{n} minutes", minutes).format(n=tr.number(minutes))


def _ranked_rows(items: Sequence[Ranked], tr: Translator) -> tuple[tuple[str, str], ...]:
    return tuple(
        (f"{i}. {item.title}", f"{_plays(item.plays, tr)} · {_hours(item.duration_seconds, tr)}")
        for i, item in enumerate(items, 1)
    )


def story_cards(
    found: Recap,
    story: Story,
    tr: Translator,
    theme: Theme,
    out_dir: Path,
    leaderboard: Sequence[tuple[str, int]] = (),
) -> list[CardJob]:
    """The cards of one recap, in the order they are shown; PNGs named card-N.png.
    ``leaderboard``: the server's most active (names only of those who agreed)."""
    # Drafts: everything but the file and the page number, which need the count of cards.
    card = partial(CardJob, png="", theme=theme, kicker="", bar_colour=PLEX_AMBER)
    drafts: list[CardJob] = []
    counted = tr._(
        "A play is one title played (a session resumed later counts once), as Tautulli "
        "counts it; time is time played, pauses left out."
    )
    drafts.append(
        card(
            title=tr._("Time played"),
            big=_hours(found.duration_seconds, tr),
            big_caption=tr._("in {plays}").format(plays=_plays(found.plays, tr)),
            rows=tuple(
                (tr._(MEDIA_LABELS[m]), f"{_plays(t.plays, tr)} · {_hours(t.duration_seconds, tr)}")
                for m, t in found.by_media_type.items()
                if t.plays
            ),
            footnote=counted,
        )
    )
    for items, title, note in (
        (found.top_shows, N_("Top shows"), N_("Episodes played, by show.")),
        (found.top_movies, N_("Top movies"), N_("Movies played, each title once a play.")),
        (found.top_artists, N_("Top artists"), N_("Tracks played, by artist.")),
    ):
        if items:
            drafts.append(
                card(
                    title=tr._(title),
                    rows=_ranked_rows(items, tr),
                    stacked=True,
                    footnote=tr._(note),
                )
            )
    records = _records(found, tr)
    if records:
        drafts.append(
            card(
                title=tr._("Records"),
                rows=records,
                footnote=tr._(
                    "Days are in {zone}. A binge: episodes of one show, each "
                    "started within an hour of the last one's end."
                ).format(zone=found.timezone),
            )
        )
    if found.peak_hour is not None:
        weekday = tr.weekday_names("wide")[found.peak_weekday or 0]
        drafts.append(
            card(
                title=tr._("When"),
                big=tr.hour(found.peak_hour),
                big_caption=tr._("the busiest hour, and {weekday} the busiest day").format(
                    weekday=weekday
                ),
                bars=tuple(
                    Bar(tr.month_names("narrow")[int(m[5:]) - 1], t.plays, "")
                    for m, t in found.months
                ),
                footnote=tr._("Plays started in each hour, day and month, in {zone}.").format(
                    zone=found.timezone
                ),
            )
        )
    how = _how(found, story, tr, card)
    if how is not None:
        drafts.append(how)
    if leaderboard:
        drafts.append(
            card(
                title=tr._("Most plays"),
                rows=tuple(
                    (f"{i}. {name}", _plays(plays, tr))
                    for i, (name, plays) in enumerate(leaderboard, 1)
                ),
                footnote=tr._(
                    "Members are named only if they said yes with /wrapped share:on; "
                    "the others are 'a member'."
                ),
            )
        )
    return [
        replace(
            draft,
            png=str(out_dir / f"card-{number}.png"),
            kicker=tr._("{story} · {n} of {count}").format(
                story=story.title, n=number, count=len(drafts)
            ),
        )
        for number, draft in enumerate(drafts, 1)
    ]


def _records(found: Recap, tr: Translator) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    if found.biggest_day is not None:
        rows.append(
            (
                tr._("Biggest day"),
                f"{tr.short_day(found.biggest_day.day)} · {_plays(found.biggest_day.plays, tr)}",
            )
        )
    streak = found.longest_streak
    if streak.days > 1 and streak.first is not None:
        days = tr.ngettext("{n} day", "{n} days", streak.days).format(n=tr.number(streak.days))
        rows.append((tr._("Longest streak"), days))
    if found.longest_binge is not None:
        binge = found.longest_binge
        episodes = tr.ngettext("{n} episode", "{n} episodes", binge.episodes)
        rows.append(
            (
                tr._("Longest binge: {show}").format(show=binge.show),
                episodes.format(n=tr.number(binge.episodes)),
            )
        )
    if found.first_play is not None:
        first = found.first_play
        rows.append(
            (
                tr._("First play: {title}").format(title=first.title),
                tr.short_day(first.started.date()),
            )
        )
    return tuple(rows)


def _how(
    found: Recap, story: Story, tr: Translator, card: Callable[..., CardJob]
) -> CardJob | None:
    if not found.plays:
        return None
    rows = [
        (tr._(STREAM_LABELS[k]), tr.percent(n / found.plays))
        for k, n in found.stream_types.items()
        if n
    ]
    rows += [(d.title, _plays(d.plays, tr)) for d in found.devices[:3]]
    if story.member and found.percentile is not None:
        return card(
            title=tr._("How"),
            big=tr.percent(found.percentile),
            big_caption=tr._("of the other members played less"),
            rows=tuple(rows),
            footnote=tr._(
                "Compared by plays over the same days, with {n} members; no names."
            ).format(n=tr.number(found.members)),
        )
    return card(
        title=tr._("How"),
        big=tr.number(found.members),
        big_caption=tr.ngettext("member played", "members played", found.members),
        rows=tuple(rows),
        footnote=tr._("Direct play: the file as it is; transcode: converted by the server."),
    )


__all__ = ["Story", "period_name", "story_cards", "story_title"]
