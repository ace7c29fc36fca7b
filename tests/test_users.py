"""core.users: parsing Tautulli's users defensively and finding one by email."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.fakes.tautulli import FIXTURES
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.core.users import TautulliUser, find_by_email, parse_user, parse_users


def recorded_users() -> list[TautulliUser]:
    body = json.loads((FIXTURES / "recorded" / "get_users.json").read_text(encoding="utf-8"))
    return parse_users(body["body"]["response"]["data"])


def user(user_id: int, email: str | None, name: str = "x") -> TautulliUser:
    return TautulliUser(TautulliUserId(user_id), name, name, email)


def test_recorded_users_parse() -> None:
    users = recorded_users()
    assert len(users) == 26
    assert users[0] == TautulliUser(TautulliUserId(0), "Local", "Local", None)
    assert users[1] == TautulliUser(
        TautulliUserId(695734), "HarperKPlex", "Harper K.", "harper.kim11@mail.example.com"
    )


def test_find_by_email_is_case_insensitive_and_trimmed() -> None:
    users = recorded_users()
    found = find_by_email(users, "\tZOE.Nguyen@Example.NET  ")
    assert found is not None and found.friendly_name == "Zoë Nguyen"


def test_unknown_or_blank_email_finds_nobody() -> None:
    users = recorded_users()
    assert find_by_email(users, "nobody@example.com") is None
    assert find_by_email(users, "") is None
    assert find_by_email(users, "   ") is None
    assert find_by_email(users, "harper.kim11@mail.example") is None  # no partial matches


def test_local_and_users_without_email_never_match() -> None:
    local = user(0, "admin@example.com")
    blank = user(5, "")
    missing = user(6, None)
    assert find_by_email([local, blank, missing], "admin@example.com") is None
    assert find_by_email([local, blank, missing], "") is None
    real = user(7, "admin@example.com")
    assert find_by_email([local, real], "ADMIN@example.com") == real


def test_the_first_of_two_users_sharing_an_email_wins() -> None:
    first, second = user(1, "a@b.c", "first"), user(2, "A@B.C", "second")
    assert find_by_email([first, second], "a@b.c") == first


def test_email_is_kept_out_of_repr() -> None:
    text = repr(user(3, "secret.person@example.com"))
    assert "secret.person" not in text and "user_id=3" in text


def test_parsing_is_defensive() -> None:
    data: list[object] = [
        {"user_id": "42", "username": "  spaced  ", "friendly_name": None, "email": ""},
        {"user_id": 43, "username": None, "friendly_name": "Only Friendly", "email": " a@b.c "},
        {"user_id": "not digits", "username": "skipped"},
        {"user_id": -1, "username": "skipped"},
        {"user_id": True, "username": "skipped"},
        {"username": "no id"},
        "not an object",
        None,
        {"user_id": 44, "username": ["odd"], "friendly_name": {"x": 1}, "email": 5},
    ]
    assert parse_users(data) == [
        TautulliUser(TautulliUserId(42), "spaced", "spaced", None),
        TautulliUser(TautulliUserId(43), "", "Only Friendly", "a@b.c"),
        TautulliUser(TautulliUserId(44), "", "", "5"),
    ]
    assert parse_users({"user_id": 1}) == []
    assert parse_users("users") == []
    assert parse_user({"user_id": 0, "username": "Local"}) == TautulliUser(
        TautulliUserId(0), "Local", "Local", None
    )


# A tiny alphabet, so that addresses differing only in case or spaces come up often.
addresses = st.text(alphabet="aAbB@. \t", max_size=6)


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=3), st.one_of(st.none(), addresses)),
        max_size=8,
    ),
    addresses,
)
def test_find_by_email_never_returns_local_nor_a_different_address(
    rows: list[tuple[int, str | None]], query: str
) -> None:
    users = [user(uid, email) for uid, email in rows]
    found = find_by_email(users, query)
    if found is not None:
        assert found.user_id != 0
        assert found.email is not None
        assert found.email.strip().lower() == query.strip().lower() != ""
        assert found is next(u for u in users if u == found)
    else:
        assert not any(
            u.user_id != 0 and u.email and u.email.strip().lower() == query.strip().lower()
            for u in users
            if query.strip()
        )
