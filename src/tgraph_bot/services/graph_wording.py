"""What a graph says in words: its title, axis labels and small print, in the member's
language (the drawing itself is graphs/; the numbers are the sidecar's)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tgraph_bot.core.graphdata import FetchedGraph, months_for
from tgraph_bot.graphs.model import PreparedGraph
from tgraph_bot.graphs.registry import AXIS_LABELS, GraphSpec
from tgraph_bot.i18n import N_, Translator

STALE = N_("Drawn from data of {when}: Tautulli could not be reached.")
"""The line a post's reply and ``render`` add when a graph was drawn from kept data."""


def title(
    spec: GraphSpec, days: int, tr: Translator, *, personal: bool = False, weekly: bool = False
) -> str:
    """ "Daily play count (last 30 days)"; "Your daily play count (...)" for one member;
    "Weekly play count (last 365 days)" when the points are weeks."""
    if spec.monthly:
        months = months_for(days)
        period = tr.ngettext("last {count} month", "last {count} months", months).format(
            count=months
        )
    else:
        period = tr.ngettext("last {count} day", "last {count} days", days).format(count=days)
    mine = spec.personal if personal else None  # None: the graph has no personal title
    name = mine or spec.title
    if weekly and spec.weekly is not None:
        name = (spec.weekly[1] if mine else None) or spec.weekly[0]
    return tr._("{title} ({period})").format(title=tr._(name), period=period)


def y_label(spec: GraphSpec, graph: PreparedGraph, tr: Translator) -> str:
    weekly = graph.bucket == "week"
    if spec.counts_streams:
        return tr._("Peak concurrent streams in the week") if weekly else tr._("Concurrent streams")
    if graph.y_axis == "duration":
        return tr._("Hours per week") if weekly else tr._("Hours")
    return tr._("Plays per week") if weekly else tr._("Plays")


def x_label(spec: GraphSpec, graph: PreparedGraph, tr: Translator, zone: str = "UTC") -> str:
    """The x axis; the hours of day name their time zone: TIMEZONE, which must be Tautulli's
    (Tautulli counts hours in its own local time and its API does not say which that is)."""
    if graph.bucket == "week":
        return tr._("Week")
    if spec.axis == "hour":
        return tr._("Hour of day ({zone})").format(zone=zone)
    return tr._(AXIS_LABELS[spec.axis])


def stale_note(fetched: FetchedGraph, tr: Translator, timezone: str = "UTC") -> str | None:
    """Small print on a graph drawn from the last good answer, in the configured time zone."""
    if not fetched.stale:
        return None
    when = fetched.fetched_at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")
    return tr._("Data from {when} (Tautulli unavailable)").format(when=when)


def partial_note(graph: PreparedGraph, tr: Translator) -> str | None:
    """Small print saying which points (dashed, hollow) or columns (hatched) are drawn
    apart, and why."""
    if not graph.partial:
        return None
    if graph.kind != "line":  # the month graph's column of this month
        return tr._("Hatched: this month, not over yet")
    if graph.bucket == "week":
        return tr._("Dashed: a week only partly in this period, or not over yet")
    return tr._("Dashed: today, not over yet")


__all__ = ["STALE", "partial_note", "stale_note", "title", "x_label", "y_label"]
