"""Personal stats (``/my_stats``) without handing one member's history to another.

The service gathers facts (the caller's link, the Tautulli user of an email, the Plex
account a sign-in proved) and lets :mod:`tgraph_bot.core.my_stats` decide. It returns an
:class:`Outcome`: what to tell the caller and, only when allowed, the Tautulli user to
render stats for. The Discord cog sends the reply and the DM.

Privacy rules kept here: no email is stored (a pending sign-in keeps a keyed hash), none
is logged, and none names a file; images live under an opaque per-member id.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import math
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tgraph_bot.config.schema import Settings
from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.core.my_stats import (
    Decision,
    Link,
    Mode,
    PendingSignin,
    PinStatus,
    PlexAccount,
    Reply,
    account_matches,
    decide_request,
    decide_signin,
    link_counts,
    visible_reply,
)
from tgraph_bot.core.users import LOCAL_USER_ID, TautulliUser
from tgraph_bot.errors import PlexTvError, PlexUserAmbiguousError, PlexUserNotFoundError
from tgraph_bot.i18n import N_, Translator
from tgraph_bot.services.ports.common import Clock, Sleep
from tgraph_bot.services.ports.members import LinkReader, LinkStore, PlexSignIn, UserDirectory
from tgraph_bot.services.posting import delete_old_images

log = logging.getLogger(__name__)


REPLY_TEXTS: dict[Reply, str] = {
    Reply.SENDING: N_("Your stats are on their way by DM."),
    Reply.LINKED_AND_SENDING: N_(
        "You are now linked to the Plex account {username}, and your stats are on their "
        "way by DM. Next time just use {my_stats}."
    ),
    Reply.SIGN_IN: N_(
        "Sign in to Plex with the account you watch with (the button below): that proves "
        "the account is yours, and your stats will be sent by DM."
    ),
    Reply.NEED_EMAIL: N_(
        "You are not linked to a Plex account yet. The first time, give the email of "
        "your Plex account: {my_stats} email:you@example.com"
    ),
    Reply.ASK_ADMIN: N_(
        "You are not linked to a Plex account yet. Please ask an admin to link you."
    ),
    Reply.EMAIL_MODE_ACK: N_(
        "If that email belongs to a Plex user of this server who is not linked to another "
        "member, their stats are on their way by DM."
    ),
    Reply.NOT_THIS_ACCOUNT: N_(
        "Nothing was linked: the Plex account you signed in with does not use this server."
    ),
    Reply.SIGNIN_EXPIRED: N_(
        "The Plex sign-in was not completed in time. Use {my_stats} again for a new link."
    ),
    Reply.FORGOTTEN: N_(
        "Done: your link to a Plex account and any stored images of your stats are deleted."
    ),
}

# Said when an email is given where it is not looked at (only mode none uses one).
EMAIL_NOT_USED: dict[Mode, str] = {
    Mode.PLEX: N_(
        "The email you gave is not used: on this server you show that a Plex account is "
        "yours by signing in to Plex."
    ),
    Mode.ADMIN: N_(
        "The email you gave is not used: on this server an admin links members to their "
        "Plex accounts."
    ),
}

# The plain statement of what MY_STATS_VERIFICATION = none exposes (shown to admins).
EMAIL_MODE_NOTICE = N_(
    "Personal stats are in email-only mode: anyone who knows the email of a Plex user of "
    "this server can receive that user's viewing history by DM, until that user has used "
    "/my_stats themselves. Set MY_STATS_VERIFICATION to plex or admin to close this."
)

ADMIN_LINKED = N_("{member} is now linked to the Plex user {username}.")
ADMIN_UNLINKED = N_("{member} is no longer linked to a Plex user.")
ADMIN_NOT_LINKED = N_("{member} was not linked to a Plex user.")
NOT_AN_EMAIL = N_(
    "Name the Plex user by their Plex username or the name Tautulli shows, not by email."
)


def plain_mention(command: str) -> str:
    return f"/{command}"


@dataclass(frozen=True)
class SignInStart:
    """A Plex sign-in waiting for the member: the opaque id to finish it, and the page."""

    id: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class Outcome:
    """What to tell the caller, and the Tautulli user to send stats for (None: send nothing)."""

    decision: Decision
    reply: Reply
    user_id: TautulliUserId | None = None
    signin: SignInStart | None = None
    plex_username: str | None = None
    now: datetime | None = None
    note: str | None = None  # an N_ msgid said first (EMAIL_NOT_USED)

    @property
    def message(self) -> str:
        """The untranslated reply (an N_ msgid), before placeholders are filled."""
        return REPLY_TEXTS[self.reply]

    def render(self, tr: Translator, mention: Callable[[str], str] = plain_mention) -> str:
        """The reply in the caller's language, placeholders filled; ``mention`` names a
        command (Discord: a clickable ``</my_stats:ID>``)."""
        params: dict[str, Any] = {
            "username": self.plex_username or "",
            "my_stats": mention("my_stats"),
        }
        text = tr._(self.message).format(**params)
        if self.note is not None:
            text = tr._(self.note) + "\n" + text
        if self.signin is None:
            return text
        now = self.now or self.signin.expires_at
        minutes = max(1, math.ceil((self.signin.expires_at - now).total_seconds() / 60))
        expiry = tr.ngettext(
            "The link works for {minutes} minute.", "The link works for {minutes} minutes.", minutes
        )
        return text + "\n" + expiry.format(minutes=minutes)


def _outcome(
    decision: Decision,
    mode: Mode,
    *,
    user_id: TautulliUserId | None = None,
    signin: SignInStart | None = None,
    plex_username: str | None = None,
    now: datetime | None = None,
    email: str | None = None,
) -> Outcome:
    """``email``: the one the member gave; said to be unused where the mode ignores it."""
    return Outcome(
        decision,
        visible_reply(decision, mode),
        user_id=user_id,
        signin=signin,
        plex_username=plex_username,
        now=now,
        note=EMAIL_NOT_USED.get(mode) if email else None,
    )


def _keyed(key: bytes, purpose: str, value: str) -> str:
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


async def acting_for(links: LinkReader, member: MemberId, settings: Settings) -> Link | None:
    """The link through which the bot may act for ``member`` now, or None.

    Every feature that acts on a member's behalf (``/my_stats``, ``/plex completion``, and
    any later one) resolves the member here, so none can honour a link the current
    MY_STATS_VERIFICATION does not (the rule itself: :func:`core.my_stats.link_counts`).
    """
    link = await links.get_link(member)
    if link is None:
        return None
    mode = Mode(settings.MY_STATS_VERIFICATION)
    if not link_counts(link, mode):
        log.info(
            "my_stats: the %s link of member %s does not count in mode %s",
            link.how,
            member,
            mode,
        )
        return None
    return link


def find_by_name(users: list[TautulliUser], name: str) -> TautulliUser:
    """The user an admin named: Plex username first, then friendly name (case-insensitive)."""
    wanted = name.strip().casefold()
    real = [u for u in users if u.user_id != LOCAL_USER_ID]
    by_username = [u for u in real if u.username.casefold() == wanted]
    if len(by_username) == 1:
        return by_username[0]
    by_friendly = [u for u in real if u.friendly_name.casefold() == wanted]
    if len(by_friendly) == 1:
        return by_friendly[0]
    if "@" in name:
        # Never echo an email back (replies and error logs): say what to use instead.
        raise PlexUserNotFoundError(NOT_AN_EMAIL)
    if len(by_username) + len(by_friendly) > 1:
        raise PlexUserAmbiguousError(name=name.strip())
    raise PlexUserNotFoundError(name=name.strip())


class MyStatsService:
    """Links members to Plex users and decides whose stats a member may receive."""

    def __init__(
        self,
        links: LinkStore,
        plextv: PlexSignIn | None,
        users: UserDirectory,
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        poll_interval: float = 2.0,
        max_wait: timedelta | None = None,
    ) -> None:
        self._links = links
        self._plextv = plextv
        self._users = users
        self._clock = clock
        self._sleep = sleep
        self._poll_interval = poll_interval
        self._max_wait = max_wait
        self._key: bytes | None = None

    async def _secret(self) -> bytes:
        if self._key is None:
            self._key = await self._links.secret()
        return self._key

    # -- /my_stats [email] -------------------------------------------------------------

    async def request(self, member_id: MemberId, email: str | None, settings: Settings) -> Outcome:
        """Decide a ``/my_stats`` request; start a Plex sign-in when that is what is needed."""
        mode = Mode(settings.MY_STATS_VERIFICATION)
        given = (email or "").strip() or None
        linked = await acting_for(self._links, member_id, settings)
        if linked is not None:
            return _outcome(
                Decision.SEND_TO_LINKED,
                mode,
                user_id=linked.tautulli_user_id,
                plex_username=linked.plex_username,
                email=given,
            )
        now = self._clock()
        user: TautulliUser | None = None
        if mode is Mode.NONE and given is not None:
            user = await self._users.find_user_by_email(given)

        def decide(
            link: Link | None, elsewhere: bool
        ) -> tuple[tuple[Decision, TautulliUserId | None, str | None], Link | None]:
            if link is not None and not link_counts(link, mode):
                link = None  # not looked at: as if unlinked (acting_for's rule)
            verdict = decide_request(
                mode,
                linked=None if link is None else link.tautulli_user_id,
                email_given=given is not None,
                user=user,
                user_linked_elsewhere=elsewhere,
            )
            claim = None
            if verdict.decision is Decision.LINK_AND_SEND and verdict.link_to is not None:
                to = verdict.link_to
                claim = Link(member_id, to.user_id, to.username, now, "email")
            shown = link.plex_username if link is not None else None
            return (verdict.decision, verdict.grant, shown), claim

        # Checked and claimed in one transaction: two members naming the same email at
        # once cannot both be linked to it.
        candidate = None if user is None else user.user_id
        decision, grant, shown = await self._links.decide_and_link(
            member_id, candidate, now, decide
        )
        if decision is Decision.LINK_AND_SEND:
            log.info("my_stats: member %s linked by email to Tautulli user %s", member_id, grant)
        if decision is Decision.START_PLEX_SIGNIN:
            signin = await self._start_signin(member_id, now)
            return _outcome(decision, mode, signin=signin, now=now, email=given)
        return _outcome(decision, mode, user_id=grant, plex_username=shown, email=given)

    async def _start_signin(self, member_id: MemberId, now: datetime) -> SignInStart:
        if self._plextv is None:
            log.warning("my_stats: plex verification is on but there is no plex.tv client")
            raise PlexTvError()
        pin = await self._plextv.create_pin()
        pending = PendingSignin(
            id=secrets.token_urlsafe(18),
            member_id=member_id,
            pin_id=pin.id,
            email_hash="",  # no email: the account that signs in is the proof
            created_at=now,
            expires_at=pin.expires_at,
        )
        await self._links.put_signin(pending)
        log.info("my_stats: member %s started a Plex sign-in (PIN %s)", member_id, pin.id)
        return SignInStart(pending.id, pin.auth_url, pin.expires_at)

    async def complete_plex_signin(self, pending_id: str) -> Outcome:
        """Wait (bounded) for the member to approve the PIN, then link them if it is theirs."""
        pending = await self._links.get_signin(pending_id)
        if pending is None:
            return _outcome(Decision.SIGNIN_EXPIRED, Mode.PLEX)
        account = await self._wait_for_account(pending)
        await self._links.delete_signin(pending.id)
        if account is None:
            log.info("my_stats: the Plex sign-in of member %s ended unapproved", pending.member_id)
            return _outcome(Decision.SIGNIN_EXPIRED, Mode.PLEX)
        matches = [u for u in await self._users.users() if account_matches(u, account)]
        user = matches[0] if len(matches) == 1 else None
        verdict = decide_signin(user=user, account=account)
        if verdict.decision is Decision.LINK_AND_SEND and verdict.link_to is not None:
            link = Link(
                pending.member_id,
                verdict.link_to.user_id,
                account.username or verdict.link_to.username,
                self._clock(),
                "plex",
            )
            await self._links.put_link(link)
            log.info(
                "my_stats: member %s linked by Plex sign-in to Tautulli user %s",
                pending.member_id,
                link.tautulli_user_id,
            )
            return _outcome(
                verdict.decision,
                Mode.PLEX,
                user_id=verdict.grant,
                plex_username=link.plex_username,
            )
        log.info("my_stats: the Plex sign-in of member %s did not match", pending.member_id)
        return _outcome(verdict.decision, Mode.PLEX)

    async def _wait_for_account(self, pending: PendingSignin) -> PlexAccount | None:
        if self._plextv is None:
            raise PlexTvError()
        # As long as the PIN is valid (plex.tv says how long when it is made).
        deadline = pending.expires_at
        if self._max_wait is not None:
            deadline = min(deadline, self._clock() + self._max_wait)
        while True:
            try:
                check = await self._plextv.check_pin(pending.pin_id)
            except PlexTvError:
                check = None  # a passing failure: try again until the deadline
            if check is not None:
                if check.status is PinStatus.APPROVED:
                    return check.account
                if check.status is PinStatus.EXPIRED:
                    return None
            if self._clock() >= deadline:
                return None
            await self._sleep(self._poll_interval)

    # -- admins ------------------------------------------------------------------------

    async def link(self, member_id: MemberId, plex_user: str) -> TautulliUser:
        """Link a member to the Plex user an admin named (username or friendly name)."""
        user = find_by_name(await self._users.users(), plex_user)
        link = Link(member_id, user.user_id, user.username, self._clock(), "admin")
        await self._links.put_link(link)
        log.info("my_stats: an admin linked member %s to Tautulli user %s", member_id, user.user_id)
        return user

    async def unlink(self, member_id: MemberId) -> bool:
        """Remove a member's link; True when there was one."""
        removed = await self._links.delete_link(member_id)
        if removed:
            log.info("my_stats: an admin unlinked member %s", member_id)
        return removed

    async def plex_users(self) -> list[TautulliUser]:
        """The server's Plex users (for admins choosing whom to link), "Local" left out."""
        return [u for u in await self._users.users() if u.user_id != LOCAL_USER_ID]

    async def links(self) -> list[Link]:
        """Every member's link, newest first (for admins)."""
        return await self._links.all_links()

    async def linked_user(self, member_id: MemberId) -> Link | None:
        return await self._links.get_link(member_id)

    async def acting_for(self, member_id: MemberId, settings: Settings) -> Link | None:
        """The link through which the bot may act for the member now (the one rule)."""
        return await acting_for(self._links, member_id, settings)

    async def set_consent(self, member_id: MemberId, share: bool) -> None:
        """The member's choice to be named in the server's Wrapped (/wrapped share)."""
        await self._links.put_consent(member_id, share, self._clock())

    async def named_members(self, settings: Settings) -> dict[int, MemberId]:
        """Tautulli user -> the member who may be named for them in the server's Wrapped:
        linked by a link that counts now, and agreed (/wrapped share:on). Nobody else."""
        mode = Mode(settings.MY_STATS_VERIFICATION)
        agreed = await self._links.consenting()
        return {
            int(link.tautulli_user_id): link.member_id
            for link in await self._links.all_links()
            if link.member_id in agreed and link_counts(link, mode)
        }

    # -- images and forgetting ---------------------------------------------------------

    async def image_dir_for(self, member_id: MemberId, base: Path) -> Path:
        """The folder for this member's stat images, named by an opaque id (never an email)."""
        folder = base / _keyed(await self._secret(), "images", str(int(member_id)))[:32]
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        return folder

    async def discard_images(self, member_id: MemberId, base: Path) -> None:
        """Delete a member's images (after they are sent)."""
        folder = base / _keyed(await self._secret(), "images", str(int(member_id)))[:32]
        await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)

    async def forget(self, member_id: MemberId, images_dir: Path) -> Outcome:
        """``/my_stats forget``: delete the member's link, pending sign-ins and images."""

        await self._links.forget_member(member_id)
        await self.discard_images(member_id, images_dir)
        log.info("my_stats: member %s asked to be forgotten", member_id)
        return _outcome(Decision.FORGOTTEN, Mode.PLEX)

    async def purge_images(self, base: Path, keep_days: int, now: datetime) -> int:
        """Delete image files older than ``keep_days``; return how many were deleted.

        The same sweep as the server graphs' (:func:`services.posting.delete_old_images`).
        """
        return await asyncio.to_thread(delete_old_images, base, now, keep_days)


__all__ = [
    "ADMIN_LINKED",
    "ADMIN_NOT_LINKED",
    "ADMIN_UNLINKED",
    "EMAIL_MODE_NOTICE",
    "REPLY_TEXTS",
    "MyStatsService",
    "Outcome",
    "SignInStart",
    "acting_for",
    "find_by_name",
]
