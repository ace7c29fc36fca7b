"""The /my_stats decision table and its privacy invariant, by example and by property."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from tgraph_bot.core.ids import MemberId, TautulliUserId
from tgraph_bot.core.my_stats import (
    Decision,
    Link,
    LinkHow,
    Mode,
    PlexAccount,
    Reply,
    account_matches,
    decide_request,
    decide_signin,
    link_counts,
    visible_reply,
)
from tgraph_bot.core.users import LOCAL_USER_ID, TautulliUser, find_by_email

emails = st.emails().map(str)
users = st.builds(
    TautulliUser,
    user_id=st.integers(min_value=0, max_value=10**9).map(TautulliUserId),
    username=st.text(min_size=1, max_size=12),
    friendly_name=st.text(min_size=1, max_size=12),
    email=st.none() | emails,
)
accounts = st.builds(
    PlexAccount,
    id=st.integers(min_value=1, max_value=10**9),
    uuid=st.text(max_size=8),
    username=st.text(max_size=12),
    email=st.none() | emails,
    title=st.text(max_size=12),
)
links = st.none() | st.integers(min_value=1, max_value=10**9).map(TautulliUserId)
modes = st.sampled_from(list(Mode))
verified_modes = st.sampled_from([Mode.PLEX, Mode.ADMIN])


@given(verified_modes, links, st.booleans(), st.none() | users, st.booleans())
def test_a_request_in_a_verified_mode_grants_only_the_callers_own_link(
    mode: Mode,
    linked: TautulliUserId | None,
    email_given: bool,
    user: TautulliUser | None,
    elsewhere: bool,
) -> None:
    verdict = decide_request(
        mode, linked=linked, email_given=email_given, user=user, user_linked_elsewhere=elsewhere
    )
    assert verdict.grant is None or verdict.grant == linked
    assert verdict.link_to is None


@given(modes, links, users, st.booleans())
def test_someone_elses_email_reads_exactly_like_an_unknown_email_at_request(
    mode: Mode, linked: TautulliUserId | None, other: TautulliUser, other_is_linked: bool
) -> None:
    # "Member B" is linked to ``other``. (In mode none an email still works for whoever
    # names it first, before its owner is linked: that is what mode none exposes. The
    # verified modes never look at whether the user is linked elsewhere.)
    elsewhere = True if mode is Mode.NONE else other_is_linked
    b = decide_request(
        mode, linked=linked, email_given=True, user=other, user_linked_elsewhere=elsewhere
    )
    unknown = decide_request(
        mode, linked=linked, email_given=True, user=None, user_linked_elsewhere=False
    )
    assert visible_reply(b.decision, mode) == visible_reply(unknown.decision, mode)
    assert b.grant is None or b.grant == linked
    if linked != other.user_id:
        assert b.grant != other.user_id


@given(st.none() | users, st.none() | accounts)
def test_a_signin_grants_only_the_user_the_account_is(
    user: TautulliUser | None, account: PlexAccount | None
) -> None:
    verdict = decide_signin(user=user, account=account)
    if verdict.grant is not None:
        assert user is not None and account is not None
        assert verdict.grant == user.user_id
        assert account_matches(user, account)


@given(users, accounts)
def test_a_signin_with_another_account_reads_like_an_unknown_email(
    other: TautulliUser, account: PlexAccount
) -> None:
    b = decide_signin(user=other, account=account)
    unknown = decide_signin(user=None, account=account)
    if not account_matches(other, account):
        assert b.grant is None
        assert visible_reply(b.decision, Mode.PLEX) == visible_reply(unknown.decision, Mode.PLEX)


def test_the_table_by_example() -> None:
    harper = TautulliUser(TautulliUserId(695734), "HarperKPlex", "Harper K.", "h@example.com")
    ask = {"email_given": True, "user": harper, "user_linked_elsewhere": False}
    assert decide_request(Mode.PLEX, linked=None, **ask).decision is Decision.START_PLEX_SIGNIN
    assert decide_request(Mode.ADMIN, linked=None, **ask).decision is Decision.ASK_ADMIN
    none = decide_request(Mode.NONE, linked=None, **ask)
    assert (none.decision, none.grant, none.link_to) == (
        Decision.LINK_AND_SEND,
        harper.user_id,
        harper,
    )
    mine = decide_request(Mode.PLEX, linked=TautulliUserId(5), **ask)
    assert (mine.decision, mine.grant) == (Decision.SEND_TO_LINKED, 5)
    no_email = decide_request(
        Mode.PLEX, linked=None, email_given=False, user=None, user_linked_elsewhere=False
    )
    assert no_email.decision is Decision.START_PLEX_SIGNIN  # the sign-in is the proof
    none_mode = decide_request(
        Mode.NONE, linked=None, email_given=False, user=None, user_linked_elsewhere=False
    )
    assert none_mode.decision is Decision.NEED_EMAIL
    assert visible_reply(Decision.LINK_AND_SEND, Mode.NONE) is Reply.EMAIL_MODE_ACK
    assert visible_reply(Decision.NEUTRAL_ACK, Mode.NONE) is Reply.EMAIL_MODE_ACK
    assert visible_reply(Decision.LINK_AND_SEND, Mode.PLEX) is Reply.LINKED_AND_SENDING

    by_id = PlexAccount(695734, "u", "HarperKPlex", None, "Harper")
    by_mail = PlexAccount(1, "u", "x", " H@Example.com ", "Harper")
    stranger = PlexAccount(2, "u", "y", "y@example.com", "Y")
    assert decide_signin(user=harper, account=by_id).grant == harper.user_id
    assert decide_signin(user=harper, account=by_mail).grant == harper.user_id
    assert decide_signin(user=harper, account=stranger).decision is Decision.NEUTRAL_ACK
    assert decide_signin(user=harper, account=None).decision is Decision.SIGNIN_EXPIRED


def _link(how: LinkHow, user: int = 695734) -> Link:
    return Link(MemberId(1), TautulliUserId(user), "someone", datetime(2026, 1, 1, tzinfo=UTC), how)


def test_only_verified_links_count_once_verification_is_on() -> None:
    table = {
        (how, mode): link_counts(_link(how), mode)
        for how in ("email", "admin", "plex")
        for mode in Mode
    }
    assert table == {
        ("email", Mode.NONE): True,
        ("email", Mode.ADMIN): False,
        ("email", Mode.PLEX): False,
        ("admin", Mode.NONE): True,
        ("admin", Mode.ADMIN): True,
        ("admin", Mode.PLEX): True,
        ("plex", Mode.NONE): True,
        ("plex", Mode.ADMIN): True,
        ("plex", Mode.PLEX): True,
    }


@given(st.sampled_from(["email", "admin", "plex"]), st.sampled_from(list(Mode)))
def test_a_link_to_local_never_counts(how: LinkHow, mode: Mode) -> None:
    assert not link_counts(_link(how, int(LOCAL_USER_ID)), mode)


def test_local_never_matches() -> None:
    local = TautulliUser(TautulliUserId(0), "Local", "Local", "local@example.com")
    assert find_by_email([local], "local@example.com") is None
    assert not account_matches(local, PlexAccount(0, "", "", "local@example.com", ""))
    assert (
        decide_request(
            Mode.NONE, linked=None, email_given=True, user=local, user_linked_elsewhere=False
        ).decision
        is Decision.NEUTRAL_ACK
    )


def test_find_by_email_is_trimmed_and_case_insensitive() -> None:
    harper = TautulliUser(TautulliUserId(1), "h", "H", "Harper.Kim@Example.com")
    assert find_by_email([harper], "  harper.kim@example.COM ") is harper
    assert find_by_email([harper], "") is None
    assert find_by_email([harper], "kim@example.com") is None
