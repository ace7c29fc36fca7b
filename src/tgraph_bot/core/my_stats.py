"""Who may see whose personal stats: the decision table behind ``/my_stats``.

Pure: no I/O. The service gathers the facts (the caller's link, the Tautulli user an
email names, the Plex account a sign-in proved) and this module decides.

The invariant, in modes ``plex`` and ``admin``: a caller is only ever granted the
Tautulli user they are linked to, or the one whose Plex account they have just proved
they own. And in every mode, what the caller sees for an email that belongs to someone
else is exactly what they see for an email nobody has (:func:`visible_reply`).

Mode ``none`` is the original bot's behaviour (an email alone is enough), softened: the first
member to name an email is linked to it, and after that the email no longer works for
anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from typing import Literal

from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.core.users import LOCAL_USER_ID, TautulliUser


class Mode(StrEnum):
    """MY_STATS_VERIFICATION: how a member is linked to a Plex account."""

    PLEX = "plex"
    ADMIN = "admin"
    NONE = "none"


class Decision(Enum):
    """The outcome of one ``/my_stats`` request or one finished Plex sign-in."""

    SEND_TO_LINKED = "send_to_linked"  # already linked: send the linked user's stats
    START_PLEX_SIGNIN = "start_plex_signin"  # plex mode: answer with a Plex sign-in link
    NEED_EMAIL = "need_email"  # not linked and no email given
    ASK_ADMIN = "ask_admin"  # admin mode, not linked: an admin must link the member
    NEUTRAL_ACK = "neutral_ack"  # nothing is sent; the same answer as for an unknown email
    LINK_AND_SEND = "link_and_send"  # link the member now and send the stats
    SIGNIN_EXPIRED = "signin_expired"  # the Plex sign-in was not approved in time
    FORGOTTEN = "forgotten"  # /my_stats forget: link and images deleted


class Reply(Enum):
    """What the caller is told; two decisions that must look alike share one Reply."""

    SENDING = "sending"
    LINKED_AND_SENDING = "linked_and_sending"
    SIGN_IN = "sign_in"
    NEED_EMAIL = "need_email"
    ASK_ADMIN = "ask_admin"
    EMAIL_MODE_ACK = "email_mode_ack"
    NOT_THIS_ACCOUNT = "not_this_account"
    SIGNIN_EXPIRED = "signin_expired"
    FORGOTTEN = "forgotten"


@dataclass(frozen=True)
class PlexAccount:
    """The plex.tv account a member proved they own by approving a sign-in."""

    id: int
    uuid: str
    username: str
    email: str | None
    title: str


@dataclass(frozen=True)
class Pin:
    """A PIN plex.tv made for one sign-in, and the page where the member approves it."""

    id: int
    code: str
    expires_at: datetime
    auth_url: str


class PinStatus(Enum):
    WAITING = "waiting"
    APPROVED = "approved"
    EXPIRED = "expired"


@dataclass(frozen=True)
class PinCheck:
    status: PinStatus
    account: PlexAccount | None = None


LinkHow = Literal["plex", "admin", "email"]


@dataclass(frozen=True)
class Link:
    """A member linked to a Tautulli user, and how (a Plex sign-in, an admin, an email)."""

    member_id: MemberId
    tautulli_user_id: TautulliUserId
    plex_username: str
    linked_at: datetime
    how: LinkHow


@dataclass(frozen=True)
class PendingSignin:
    """A Plex sign-in a member started and has not finished (no email: ``email_hash`` is a
    keyed hash, or empty)."""

    id: str
    member_id: MemberId
    pin_id: int
    email_hash: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Verdict:
    """A decision, the Tautulli user whose stats may be sent (if any), and a link to make."""

    decision: Decision
    grant: TautulliUserId | None = None
    link_to: TautulliUser | None = None


def normalise_email(email: str) -> str:
    """The form in which two spellings of one email compare equal (trimmed, lower case)."""
    return email.strip().lower()


def link_counts(link: Link, mode: Mode) -> bool:
    """May the bot act for the member through this link in this mode (send them their
    stats, count their plays)? The one link rule; every feature that acts for a member
    asks it (through ``services.my_stats.acting_for``).

    A link made from an email alone (mode none) proves nothing, so it stops counting once
    verification is switched on, and counts again only if it is switched off. A Plex
    sign-in or an admin's link counts in every mode. A link to "Local" never counts.
    """
    if link.tautulli_user_id == LOCAL_USER_ID:
        return False
    return mode is Mode.NONE or link.how != "email"


def decide_request(
    mode: Mode,
    *,
    linked: TautulliUserId | None,
    email_given: bool,
    user: TautulliUser | None,
    user_linked_elsewhere: bool,
) -> Verdict:
    """Decide a ``/my_stats [email]`` request.

    ``linked``: the caller's existing link. ``user``: the Tautulli user whose email was
    given (None when unknown or none given). ``user_linked_elsewhere``: that user is
    already linked to another member. Only mode ``none`` looks at ``user`` at all.
    """
    if linked is not None:
        return Verdict(Decision.SEND_TO_LINKED, grant=linked)
    if mode is Mode.ADMIN:
        return Verdict(Decision.ASK_ADMIN)
    if mode is Mode.PLEX:
        # The sign-in is the proof: no email is needed, and one given is not looked at.
        return Verdict(Decision.START_PLEX_SIGNIN)
    if not email_given:
        return Verdict(Decision.NEED_EMAIL)
    if user is None or user.user_id == LOCAL_USER_ID or user_linked_elsewhere:
        return Verdict(Decision.NEUTRAL_ACK)
    return Verdict(Decision.LINK_AND_SEND, grant=user.user_id, link_to=user)


def account_matches(user: TautulliUser, account: PlexAccount) -> bool:
    """Is this Plex account the Tautulli user? (Tautulli's user_id is the plex.tv account id.)"""
    if user.user_id == LOCAL_USER_ID:
        return False
    if int(user.user_id) == account.id:
        return True
    return bool(
        user.email
        and account.email
        and normalise_email(user.email) == normalise_email(account.email)
    )


def decide_signin(*, user: TautulliUser | None, account: PlexAccount | None) -> Verdict:
    """Decide a finished Plex sign-in.

    ``user``: the Tautulli user that is the signed-in account (None when the account does
    not use this server). ``account``: the Plex account that approved, or None when the code expired
    or was never approved.
    """
    if account is None:
        return Verdict(Decision.SIGNIN_EXPIRED)
    if user is not None and account_matches(user, account):
        return Verdict(Decision.LINK_AND_SEND, grant=user.user_id, link_to=user)
    return Verdict(Decision.NEUTRAL_ACK)


_REPLIES: dict[tuple[Decision, Mode | None], Reply] = {
    (Decision.SEND_TO_LINKED, None): Reply.SENDING,
    (Decision.START_PLEX_SIGNIN, None): Reply.SIGN_IN,
    (Decision.NEED_EMAIL, None): Reply.NEED_EMAIL,
    (Decision.ASK_ADMIN, None): Reply.ASK_ADMIN,
    (Decision.SIGNIN_EXPIRED, None): Reply.SIGNIN_EXPIRED,
    (Decision.FORGOTTEN, None): Reply.FORGOTTEN,
    # Mode none: linking and not linking read the same; only the DM differs.
    (Decision.LINK_AND_SEND, Mode.NONE): Reply.EMAIL_MODE_ACK,
    (Decision.NEUTRAL_ACK, Mode.NONE): Reply.EMAIL_MODE_ACK,
    (Decision.LINK_AND_SEND, None): Reply.LINKED_AND_SENDING,
    (Decision.NEUTRAL_ACK, None): Reply.NOT_THIS_ACCOUNT,
}


def visible_reply(decision: Decision, mode: Mode) -> Reply:
    """The answer the caller sees for a decision in a mode."""
    return _REPLIES.get((decision, mode)) or _REPLIES[(decision, None)]


__all__ = [
    "Decision",
    "Link",
    "LinkHow",
    "Mode",
    "PendingSignin",
    "Pin",
    "PinCheck",
    "PinStatus",
    "PlexAccount",
    "Reply",
    "Verdict",
    "account_matches",
    "decide_request",
    "decide_signin",
    "link_counts",
    "normalise_email",
    "visible_reply",
]
