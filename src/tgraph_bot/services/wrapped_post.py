"""The server's Wrapped, posted once a year on WRAPPED_DATE, and each opted-in member's by DM.

- **When**: :func:`wrapped_post_policy`, once a year on WRAPPED_DATE at FIXED_UPDATE_TIME (or
  :data:`DEFAULT_TIME` when there is none) in TIMEZONE; a bot that was down then posts when
  it is back within a few days, never twice a year (core.schedule.yearly). Off while
  WRAPPED_DATE is empty or the history copy is off (HISTORY_SYNC_MINUTES 0).
- **Which days**: :func:`post_window`, the calendar year up to the day before the post (on
  12-01: 1 January to 30 November; on 01-01: the whole year before). The day of the post
  itself is left out: it has only begun.
- **The post**: the server's story (every card, at most ten) as one message in CHANNEL_ID;
  its leaderboard names only members who said yes (``/wrapped share:on``), with a link that
  counts now; the others are "a member".
- **The DMs**: then each of exactly those members gets their own story, one member at a
  time, :data:`DM_SPACING` seconds apart (far inside Discord's limits on opening DMs). A
  member who does not accept DMs from the bot (Discord's 50007), has left the server or
  played nothing is skipped with one log line; a member who did not say yes gets nothing.
  No failure of one DM fails the run: that would post the server's Wrapped again.
- **Stopped half-way**: how far a run got is kept (``PostProgress``: the day of the
  server post, then each member dealt with). A bot stopped during the DMs, back within the
  grace, goes on with the next member: nobody gets a second DM and the channel no second post.

The Discord side is a port (services.ports.wrapped.WrappedAudience, implemented in
adapters.discord.cogs.wrapped); the DMs go through its ``dms``
(services.ports.messages.DirectMessages), whose refused answer (the member's DMs are
closed) is a skip like any other.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.history import Window
from tgraph_bot.core.ids import MemberId
from tgraph_bot.core.schedule import (
    YEARLY_GRACE,
    Policy,
    parse_fixed_time,
    parse_month_day,
    yearly,
)
from tgraph_bot.errors import HistoryNotReady
from tgraph_bot.graphs.cards import CardJob
from tgraph_bot.graphs.theme import Theme
from tgraph_bot.i18n import Translator, translator
from tgraph_bot.services.ports.common import Sleep
from tgraph_bot.services.ports.messages import Delivery
from tgraph_bot.services.ports.wrapped import DrawnCard, Members, PostProgress, WrappedAudience
from tgraph_bot.services.post_layout import Attachment, OutgoingMessage
from tgraph_bot.services.wrapped import WrappedService, leaderboard_names
from tgraph_bot.services.wrapped_cards import Story, story_cards, story_title

log = logging.getLogger(__name__)

DEFAULT_TIME = time(12, 0)
"""The hour of the post when FIXED_UPDATE_TIME is not set: midday, when people are awake."""
DM_SPACING = 2.0
"""Seconds between two members' DMs."""
MAX_CARDS = 10  # files in one Discord message
ALT_LIMIT = 1024  # Discord's limit on a media item's description

Draw = Callable[[CardJob], Awaitable[Path]]


def alt_text(job: CardJob) -> str:
    """A card in words, for screen readers (and a test): its title and numbers as drawn."""
    number = " ".join(p for p in (job.big, job.big_caption) if p)  # "281 hours in 505 plays"
    said = [number, *(f"{name}: {value}" for name, value in job.rows)]
    return ". ".join(p for p in (job.title, *said) if p)[:ALT_LIMIT]


def story_message(text: str, cards: Sequence[DrawnCard]) -> OutgoingMessage:
    """A whole story in one message: a short text and every card in a gallery."""
    files = tuple(Attachment(c.png, c.png.name, alt_text(c.job)) for c in cards)
    return OutgoingMessage(texts=(text,), files=files, gallery=True)


@dataclass
class PostReport:
    cards: int  # in the channel's message (0: posted before a restart, not again)
    sent: list[MemberId] = field(default_factory=list[MemberId])  # got their Wrapped by DM
    skipped: list[MemberId] = field(default_factory=list[MemberId])  # said yes, got none


def wrapped_post_policy(settings: Callable[[], Settings]) -> Policy:
    """Once a year on WRAPPED_DATE (see the module docstring), the settings read live."""

    def policy(last_run: datetime | None, now: datetime) -> datetime | None:
        live = settings()
        if live.HISTORY_SYNC_MINUTES <= 0:
            return None
        at = parse_fixed_time(live.FIXED_UPDATE_TIME) or DEFAULT_TIME
        day = parse_month_day(live.WRAPPED_DATE)
        return yearly(day, at, ZoneInfo(live.TIMEZONE))(last_run, now)

    return policy


def post_window(today: date) -> Window:
    """The calendar year up to yesterday (yesterday's year: on 1 January, the year before)."""
    end = today - timedelta(days=1)
    return Window(date(end.year, 1, 1), end)


async def draw_cards(jobs: Sequence[CardJob], draw: Draw) -> list[DrawnCard]:
    """Draw the cards (in the graph workers, side by side), at most :data:`MAX_CARDS`."""
    jobs = list(jobs)[:MAX_CARDS]
    if jobs:
        await asyncio.to_thread(Path(jobs[0].png).parent.mkdir, parents=True, exist_ok=True)
    pngs = await asyncio.gather(*(draw(job) for job in jobs))
    return [DrawnCard(png, job) for png, job in zip(pngs, jobs, strict=True)]


class WrappedPost:
    """Posts the server's Wrapped and DMs the members who said yes (:meth:`run`)."""

    def __init__(
        self,
        wrapped: WrappedService,
        members: Members,
        draw: Draw,
        images_dir: Path,
        settings: Callable[[], Settings],
        progress: PostProgress,
        *,
        pause: Sleep = asyncio.sleep,
        spacing: float = DM_SPACING,
    ) -> None:
        self._wrapped = wrapped
        self._members = members
        self._draw = draw
        self._images_dir = images_dir
        self._settings = settings
        self._progress = progress
        self._pause = pause
        self._spacing = spacing

    async def run(self, audience: WrappedAudience) -> PostReport:
        settings = self._settings()
        if await self._wrapped.freshness() is None:
            raise HistoryNotReady()
        today = self._wrapped.mirror.today()
        unfinished = await self._progress.get()
        if unfinished is not None and not today - YEARLY_GRACE <= unfinished[0] <= today:
            unfinished = None  # a finished year's
        day, done_through = unfinished or (today, MemberId(0))
        tr = translator(settings.LANGUAGE)
        post = _Post(audience, post_window(day), tr, Theme.from_settings(settings))
        named = await self._members.named_members(settings)
        report = PostReport(0)
        if unfinished is None:
            report.cards = await self._post_server(post, named)
            await self._progress.put(day, done_through)
        else:
            log.info("wrapped post: posted on %s already; the DMs go on", day.isoformat())
        tried = False  # a DM was tried: wait before the next member's
        for user_id, member in sorted(named.items(), key=lambda item: item[1]):
            if member <= done_through:
                continue  # dealt with before a restart
            if tried:
                await self._pause(self._spacing)
            sent = await self._dm(post, user_id, member)
            tried = tried or sent is not None
            (report.sent if sent else report.skipped).append(member)
            await self._progress.put(day, member)
        log.info(
            "wrapped post: %d card(s) in the channel; %d member(s) got theirs by DM, %d skipped",
            report.cards,
            len(report.sent),
            len(report.skipped),
        )
        return report

    async def _post_server(self, post: _Post, named: dict[int, MemberId]) -> int:
        tr, window = post.tr, post.window
        found = await self._wrapped.server(window)
        board = await leaderboard_names(self._wrapped, window, named, post.audience.name_of, tr)
        title = post.title(await post.audience.server_name())
        folder = self._images_dir / "wrapped-server" / "post"
        jobs = story_cards(found, Story(title, member=False), tr, post.theme, folder, board)
        cards = await draw_cards(jobs, self._draw)
        text = tr._(
            "## Wrapped: {title}\nThe server's year from {start} to {end}. Yours: /wrapped. "
            "Say yes with /wrapped share:on to be named here and get yours by DM."
        ).format(title=title, start=tr.date(window.after), end=tr.date(window.before))
        await post.audience.post(story_message(text, cards))
        return len(cards)

    async def _dm(self, post: _Post, user_id: int, member: MemberId) -> bool | None:
        """Send one member their story: True when sent; False (one log line) when refused
        or failed; None (one log line) when there is nothing to send."""
        try:
            story = await self._member_story(post, user_id, member)
            if story is None:
                log.info("wrapped post: member %s has no Wrapped to send; skipped", member)
                return None
            if await post.audience.dms.send(member, [story]) is Delivery.SENT:
                return True
            log.info("wrapped post: member %s does not accept DMs from the bot; skipped", member)
        except Exception as exc:  # one member's DM never fails (and repeats) the whole post
            log.warning(
                "wrapped post: no DM for member %s (%s: %s)", member, type(exc).__name__, exc
            )
        return False

    async def _member_story(
        self, post: _Post, user_id: int, member: MemberId
    ) -> OutgoingMessage | None:
        """The member's DM (its text and cards); None when they left the server or played
        nothing in the window."""
        name = await post.audience.name_of(member)
        found = await self._wrapped.member(user_id, post.window)
        if name is None or found.plays == 0:
            return None
        title = post.title(name)
        folder = await self._members.image_dir_for(member, self._images_dir) / "wrapped"
        jobs = story_cards(found, Story(title, member=True), post.tr, post.theme, folder)
        text = post.tr._(
            "## Your Wrapped: {title}\nYou get it because you said yes with /wrapped share:on; "
            "/wrapped share:off stops it."
        ).format(title=title)
        return story_message(text, await draw_cards(jobs, self._draw))


@dataclass(frozen=True, slots=True)
class _Post:
    """One run's audience, days, language and theme."""

    audience: WrappedAudience
    window: Window
    tr: Translator
    theme: Theme

    def title(self, name: str) -> str:
        return story_title(name, self.window, self.tr)


__all__ = [
    "DEFAULT_TIME",
    "DM_SPACING",
    "PostReport",
    "WrappedPost",
    "alt_text",
    "draw_cards",
    "post_window",
    "story_message",
    "wrapped_post_policy",
]
