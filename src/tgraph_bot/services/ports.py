"""The ports services depend on. Adapters and storage implement them (the composition
root, app.py, hands the implementations in); tests use real implementations.

Storage ports and what implements them over SQLite: :class:`CameraStore`
(storage.camera.CameraRepository), :class:`LinkStore` (storage.links.SqliteLinkStore),
:class:`PlexStore` (storage.plex.SqlitePlexStore), :class:`PostingStore`
(storage.posting.SqlitePostingStore). A use case that needs several reads and writes to be
atomic gets one port method for them, never a connection.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from tgraph_bot.core.camera import Metric, OpenRow, TotalRow, Totals
from tgraph_bot.core.graphdata import GraphSource as GraphSource  # defined with its data
from tgraph_bot.core.ids import ChannelId, MemberId, MessageId, TautulliUserId
from tgraph_bot.core.my_stats import Link, PendingSignin, Pin, PinCheck

T = TypeVar("T")

Clock = Callable[[], datetime]
"""Now (an aware datetime): what every use case that decides by time is given."""
Sleep = Callable[[float], Awaitable[None]]
"""Wait this many seconds (``asyncio.sleep``; tests pass one that does not wait)."""
Progress = Callable[[int, int], Awaitable[None]]
"""Told ``(done, total)`` as a piece of work advances."""


class PlexSignIn(Protocol):
    """plex.tv's PIN sign-in (adapters.plextv.PlexTvClient; tests: it against a fake)."""

    async def create_pin(self) -> Pin:
        """A new PIN and the page where the member approves it."""
        ...

    async def check_pin(self, pin_id: int) -> PinCheck:
        """Whether the PIN was approved (and by which account), is waiting, or expired."""
        ...


class CameraTables(Protocol):
    """The camera tables as seen from inside one transaction (storage.camera).

    Times are integer milliseconds since the Unix epoch, UTC. Its methods block: they are
    only ever called inside :meth:`CameraStore.write` or :meth:`CameraStore.read`.
    """

    def open_sessions(self, guild_id: int, member_id: int) -> dict[Metric, int]:
        """A member's open sessions: the start of each, by metric."""
        ...

    def all_open(self, guild_id: int | None = None) -> list[OpenRow]:
        """Every open session (of one guild, or of all)."""
        ...

    def open_session(self, guild_id: int, member_id: int, metric: Metric, at: int) -> None:
        """Start a session; one already open for that key is kept (first start wins)."""
        ...

    def close_session(
        self, guild_id: int, member_id: int, metric: Metric, started_at: int, ended_at: int
    ) -> bool:
        """Finish the open session started at ``started_at``; False when it is not open."""
        ...

    def put_name(self, guild_id: int, member_id: int, name: str) -> None: ...

    def put_heartbeat(self, at: int) -> None: ...

    def get_heartbeat(self) -> int | None: ...

    def top(
        self, guild_id: int, metric: Metric, start: int | None, now: int, limit: int = 10
    ) -> list[TotalRow]:
        """The ``limit`` members with the most time since ``start`` (all time when None)."""
        ...

    def member_total(
        self, guild_id: int, member_id: int, metric: Metric, start: int | None, now: int
    ) -> Totals:
        """One member's time since ``start`` (all time, imports included, when None)."""
        ...

    def import_totals(
        self,
        guild_id: int,
        metric: Metric,
        totals: Sequence[tuple[int, int, int]],
        source_hash: str,
    ) -> int:
        """Store imported (member, seconds, sessions) totals; how many rows changed."""
        ...


class CameraStore(Protocol):
    """Where camera sessions are kept (storage.camera.CameraRepository over SQLite)."""

    async def write(self, ops: Sequence[Callable[[CameraTables], object]]) -> list[object]:
        """Run ``ops`` in order in one transaction and return their results.

        All of them are committed, or none: the first that raises rolls the transaction
        back and its error propagates. :class:`~tgraph_bot.errors.StorageUnavailable` says
        the storage failed (a full disk, say), not the operations: the same batch may be
        written later.
        """
        ...

    async def read(self, work: Callable[[CameraTables], T]) -> T:
        """Run ``work`` against the stored tables (no write expected) and return its result."""
        ...


class LinkReader(Protocol):
    """Which Tautulli user a member is linked to (all the Plex module needs)."""

    async def get_link(self, member_id: MemberId) -> Link | None: ...


class LinkStore(LinkReader, Protocol):
    """Members' links to Tautulli users and their pending Plex sign-ins (``/my_stats``)."""

    async def secret(self) -> bytes:
        """This installation's key for opaque ids, made once and kept."""
        ...

    async def all_links(self) -> list[Link]:
        """Every link, the newest first."""
        ...

    async def put_link(self, link: Link) -> None:
        """Store a link, replacing the member's earlier one."""
        ...

    async def delete_link(self, member_id: MemberId) -> bool:
        """Remove a member's link; True when there was one."""
        ...

    async def decide_and_link(
        self,
        member_id: MemberId,
        candidate: TautulliUserId | None,
        now: datetime,
        decide: Callable[[Link | None, bool], tuple[T, Link | None]],
    ) -> T:
        """One ``/my_stats`` request's facts and its link, in one transaction.

        Forgets the sign-ins expired by ``now``, reads the member's link and whether
        ``candidate`` is linked to another member, calls ``decide(link, elsewhere)``, stores
        the link it returns (None: none), and returns its answer. Checked and claimed in one
        step: two members naming the same user at once cannot both be linked to it.
        ``decide`` runs inside the transaction (on the database thread): pure and quick.
        """
        ...

    async def put_signin(self, signin: PendingSignin) -> None:
        """Store a pending sign-in, replacing any earlier one of the same member."""
        ...

    async def get_signin(self, signin_id: str) -> PendingSignin | None: ...

    async def delete_signin(self, signin_id: str) -> None: ...

    async def forget_member(self, member_id: MemberId) -> None:
        """Delete the member's link, pending sign-ins and Wrapped consent, together."""
        ...

    async def put_consent(self, member_id: MemberId, share: bool, at: datetime) -> None:
        """Whether the member may be named in the server's Wrapped (/wrapped share)."""
        ...

    async def consenting(self) -> set[MemberId]:
        """The members who said yes."""
        ...


class PlexStore(Protocol):
    """What the Plex module remembers across restarts."""

    async def last_sync(self) -> datetime | None:
        """When the Top Rated playlist was last synced (None: never)."""
        ...

    async def record_sync(self, at: datetime) -> None: ...

    async def activity_message(self) -> tuple[ChannelId, MessageId] | None:
        """The live activity message to edit in place (None: none posted yet)."""
        ...

    async def record_activity_message(self, channel: ChannelId, message: MessageId) -> None: ...


class PostingStore(Protocol):
    """The posted graph messages and the time of the last post, per channel.

    It is also the graph posting job's RunRecord (services.jobs): its last run is the last
    post, which :meth:`record_post` stores with the post's messages.
    """

    async def last_post(self) -> datetime | None:
        """The last successful post in any channel."""
        ...

    async def last_run(self) -> datetime | None: ...

    async def record_run(self, at: datetime) -> None: ...

    async def posted_messages(self, channel: ChannelId) -> list[MessageId]: ...

    async def remember_message(self, channel: ChannelId, message: MessageId, at: datetime) -> None:
        """Store one sent message at once, before the rest of its post is sent."""
        ...

    async def forget_messages(self, channel: ChannelId, messages: Sequence[MessageId]) -> None: ...

    async def begin_post(self, channel: ChannelId, at: datetime) -> None:
        """A post to ``channel`` starts sending now (:meth:`record_post` ends it)."""
        ...

    async def unfinished_post(self, channel: ChannelId) -> datetime | None:
        """When a post to ``channel`` began that never finished (a crash), if one did."""
        ...

    async def record_post(
        self, channel: ChannelId, messages: Sequence[MessageId], at: datetime
    ) -> None:
        """Remember a successful post: its messages (if not stored yet) and its time; the
        post is no longer unfinished."""
        ...
