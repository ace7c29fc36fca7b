"""Members and the Plex accounts they are linked to (``/my_stats``, the Plex module)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar

from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.core.my_stats import Link, PendingSignin, Pin, PinCheck
from tgraph_bot.core.users import TautulliUser

T = TypeVar("T")


class PlexSignIn(Protocol):
    """plex.tv's PIN sign-in (adapters.plextv.PlexTvClient; tests: it against a fake)."""

    async def create_pin(self) -> Pin:
        """A new PIN and the page where the member approves it."""
        ...

    async def check_pin(self, pin_id: int) -> PinCheck:
        """Whether the PIN was approved (and by which account), is waiting, or expired."""
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


class UserDirectory(Protocol):
    """The server's Plex users as Tautulli lists them (the Tautulli adapter provides it)."""

    async def users(self) -> list[TautulliUser]: ...

    async def find_user_by_email(self, email: str) -> TautulliUser | None: ...


class MemberFolders(Protocol):
    """Where a member's images go while they are sent (services.my_stats.MyStatsService)."""

    async def image_dir_for(self, member_id: MemberId, base: Path) -> Path: ...

    async def discard_images(self, member_id: MemberId, base: Path) -> None: ...


__all__ = ["LinkReader", "LinkStore", "MemberFolders", "PlexSignIn", "UserDirectory"]
