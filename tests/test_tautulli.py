"""TautulliClient against the fake Tautulli on 127.0.0.1 (recorded real answers)."""

from __future__ import annotations

import json
import logging
import random
import re
import traceback
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.fakes.tautulli import FIXTURES, FakeTautulli
from tests.fakes.time import MonotonicClock
from tgraph_bot.adapters.tautulli import API_DISABLED, GRAPH_COMMANDS, TautulliClient, api_url
from tgraph_bot.core.breaker import Deadline
from tgraph_bot.core.graphdata import GraphData
from tgraph_bot.core.ids import TautulliUserId
from tgraph_bot.errors import (
    TautulliAuthError,
    TautulliError,
    TautulliNotApi,
    TautulliServerError,
    TautulliTimeout,
    TautulliUnknownCommand,
    TautulliUnreachable,
)
from tgraph_bot.i18n import Translator

KEY = "k3y-0f-th3-f4k3-t4utull1"
RECORDED = FIXTURES / "recorded"
HARPER = TautulliUserId(695734)  # the first real user of get_users.json


def recorded_graph(name: str) -> GraphData:
    body = json.loads((RECORDED / name).read_text(encoding="utf-8"))["body"]
    return GraphData.parse(body["response"]["data"])


def default_range(command: str) -> int:
    return 12 if command == "get_plays_per_month" else 30


@pytest.fixture
async def fake() -> AsyncIterator[FakeTautulli]:
    async with FakeTautulli(api_key=KEY) as server:
        yield server


def client_for(url: str, key: str = KEY, **kw: float) -> TautulliClient:
    options: dict[str, float] = {
        "timeout": 2.0,
        "retry_budget": 0.0,
        "backoff_base": 0.01,
        "breaker_seconds": 0.0,  # these tests switch modes; the breaker has its own tests
    }
    options.update(kw)
    return TautulliClient(url, key, **options)  # pyright: ignore[reportArgumentType]


# -- URL normalisation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://host:8181", "http://host:8181/api/v2"),
        ("http://host:8181/", "http://host:8181/api/v2"),
        ("http://host:8181/api/v2", "http://host:8181/api/v2"),
        ("http://host:8181/api/v2/", "http://host:8181/api/v2"),
        ("http://host:8181/api", "http://host:8181/api/v2"),
        ("  https://x.example/tautulli  ", "https://x.example/tautulli/api/v2"),
        ("https://x.example/tautulli/", "https://x.example/tautulli/api/v2"),
        ("https://x.example/tautulli/api/v2", "https://x.example/tautulli/api/v2"),
        ("http://host:8181/api/v2?apikey=OLD&cmd=arnold", "http://host:8181/api/v2"),
    ],
)
def test_api_url_reaches_api_v2_exactly_once(given: str, expected: str) -> None:
    assert str(api_url(given)) == expected


@pytest.mark.parametrize("bad", ["", "host:8181", "ftp://host/", "http://"])
def test_api_url_refuses_what_is_not_an_http_url(bad: str) -> None:
    with pytest.raises(ValueError, match="TAUTULLI_URL"):
        api_url(bad)


def test_shown_url_has_no_credentials() -> None:
    client = TautulliClient("https://me:pa55@x.example/tautulli?apikey=OLD", KEY)
    assert client.url == "https://x.example/tautulli/api/v2"


@pytest.mark.parametrize("suffix", ["", "/", "/api/v2", "/api/v2/"])
async def test_every_url_form_reaches_the_api(fake: FakeTautulli, suffix: str) -> None:
    async with client_for(fake.url + suffix) as client:
        assert await client.server_name() == "Synthetic Plex"
    assert [(r.path, r.cmd, r.apikey) for r in fake.requests] == [
        ("/api/v2", "get_server_info", "ok")
    ]


@pytest.mark.parametrize("suffix", ["", "/", "/api/v2"])
async def test_reverse_proxy_base_path(suffix: str) -> None:
    async with FakeTautulli(api_key=KEY, base_path="/tautulli") as fake:
        assert fake.url.endswith("/tautulli")
        async with client_for(fake.url + suffix) as client:
            assert await client.server_name() == "Synthetic Plex"
        assert [r.path for r in fake.requests] == ["/tautulli/api/v2"]


async def test_wrong_base_path_is_not_the_api(fake: FakeTautulli) -> None:
    async with client_for(fake.url + "/tautulli") as client:
        with pytest.raises(TautulliNotApi) as caught:
            await client.server_name()
    assert "/tautulli/api/v2" in str(caught.value)
    assert len(fake.requests) == 1  # a 404 is not retried


# -- graphs --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", sorted(GRAPH_COMMANDS))
async def test_each_graph_command_equals_the_recording(fake: FakeTautulli, command: str) -> None:
    time_range = default_range(command)
    async with client_for(fake.url) as client:
        graph = await client.graph(command, time_range=time_range, y_axis="plays")
    assert graph == recorded_graph(f"{command}__time_range-{time_range}.json")
    assert graph.series and graph.categories
    # Exactly one request, to the aggregate command itself: no history paging.
    assert [r.params for r in fake.requests] == [
        {"cmd": command, "time_range": str(time_range), "y_axis": "plays"}
    ]


@pytest.mark.parametrize("command", sorted(GRAPH_COMMANDS))
async def test_per_user_graph_carries_user_id(fake: FakeTautulli, command: str) -> None:
    time_range = default_range(command)
    async with client_for(fake.url) as client:
        graph = await client.graph(command, time_range=time_range, y_axis="plays", user_id=HARPER)
    assert graph == recorded_graph(f"{command}__time_range-{time_range}__user.json")
    assert [r.params for r in fake.requests] == [
        {"cmd": command, "time_range": str(time_range), "y_axis": "plays", "user_id": "695734"}
    ]


async def test_duration_and_long_ranges(fake: FakeTautulli) -> None:
    async with client_for(fake.url) as client:
        duration = await client.graph("get_plays_by_date", time_range=30, y_axis="duration")
        year = await client.graph("get_plays_by_date", time_range=365, y_axis="plays")
    assert duration == recorded_graph("get_plays_by_date__time_range-30__y_axis-duration.json")
    assert year == recorded_graph("get_plays_by_date__time_range-365.json")
    assert len(year.categories) > 300
    assert [s.name for s in year.series] == ["TV", "Movies", "Music", "Live TV", "Total"]
    assert [r.params["y_axis"] for r in fake.requests] == ["duration", "plays"]


@pytest.mark.parametrize(
    ("command", "kwargs"),
    [
        ("get_history", {"time_range": 30, "y_axis": "plays"}),
        ("get_plays_by_date", {"time_range": 0, "y_axis": "plays"}),
        ("get_plays_by_date", {"time_range": 30, "y_axis": "minutes"}),
        ("get_plays_by_date", {"time_range": 30, "y_axis": "plays", "user_id": -1}),
    ],
)
async def test_arguments_tautulli_would_silently_misread_are_refused(
    fake: FakeTautulli, command: str, kwargs: dict[str, object]
) -> None:
    async with client_for(fake.url) as client:
        with pytest.raises(ValueError):
            await client.graph(command, **kwargs)  # pyright: ignore[reportArgumentType]
    assert fake.requests == []


async def test_a_tautulli_too_old_for_a_command() -> None:
    old = FakeTautulli(api_key=KEY, missing_commands={"get_stream_type_by_top_10_users"})
    async with old as fk, client_for(fk.url, retry_budget=5.0) as client:
        with pytest.raises(TautulliUnknownCommand) as caught:
            await client.graph("get_stream_type_by_top_10_users", time_range=30, y_axis="plays")
    assert "get_stream_type_by_top_10_users" in str(caught.value)
    assert "update Tautulli" in str(caught.value)
    assert len(fk.requests) == 1


# -- users ---------------------------------------------------------------------------------


async def test_users_include_local(fake: FakeTautulli) -> None:
    async with client_for(fake.url) as client:
        users = await client.users()
    assert len(users) == 26
    assert users[0].user_id == 0 and users[0].username == "Local" and users[0].email is None
    assert users[1].user_id == HARPER and users[1].friendly_name == "Harper K."
    assert "Zoë Nguyen" in {u.friendly_name for u in users}


async def test_find_user_by_email(fake: FakeTautulli) -> None:
    async with client_for(fake.url) as client:
        harper = await client.find_user_by_email("  Harper.KIM11@mail.example.com \n")
        nobody = await client.find_user_by_email("nobody@example.com")
        blank = await client.find_user_by_email("   ")
    assert harper is not None and harper.user_id == HARPER
    assert nobody is None and blank is None
    assert "harper.kim11" not in repr(harper)  # an email never reaches a log line
    assert [r.cmd for r in fake.requests] == ["get_users", "get_users"]  # blank: no request


# -- errors, retries and secrets -----------------------------------------------------------


async def test_wrong_key_is_an_auth_error_and_never_retried(fake: FakeTautulli) -> None:
    async with client_for(fake.url, "not-the-key", retry_budget=5.0) as client:
        with pytest.raises(TautulliAuthError) as caught:
            await client.users()
    assert str(caught.value) == "Tautulli refused the API key: check TAUTULLI_API_KEY"
    assert [(r.cmd, r.apikey) for r in fake.requests] == [("get_users", "wrong")]


async def test_html_login_page_is_not_the_api(fake: FakeTautulli) -> None:
    await fake.set_mode("html")
    async with client_for(fake.url, retry_budget=5.0) as client:
        with pytest.raises(TautulliNotApi) as caught:
            await client.graph("get_plays_by_date", time_range=30, y_axis="plays")
    assert fake.url in str(caught.value)
    assert len(fake.requests) == 1


async def test_hang_times_out(fake: FakeTautulli) -> None:
    await fake.set_mode("hang")
    async with client_for(fake.url, timeout=0.2) as client:
        with pytest.raises(TautulliTimeout) as caught:
            await client.graph("get_plays_by_date", time_range=30, y_axis="plays")
    assert " did not answer in 0." in str(caught.value)
    assert len(fake.requests) == 1


async def test_a_timeout_states_the_time_really_waited_over_every_retry(
    fake: FakeTautulli,
) -> None:
    await fake.set_mode("hang")
    async with client_for(fake.url, timeout=0.2, retry_budget=0.5, backoff_cap=0.0) as client:
        with pytest.raises(TautulliTimeout) as caught:
            await client.graph("get_plays_by_date", time_range=30, y_axis="plays")
    attempts = len(fake.requests)
    assert attempts >= 2
    waited = re.search(r"did not answer in ([0-9.]+) seconds", str(caught.value))
    assert waited is not None
    # Not one attempt's 0.2 s: every attempt's (it can only have taken longer).
    assert float(waited.group(1)) >= 0.2 * attempts - 0.05


async def test_down_is_unreachable(fake: FakeTautulli) -> None:
    await fake.set_mode("down")
    async with client_for(fake.url) as client:
        with pytest.raises(TautulliUnreachable) as caught:
            await client.users()
        assert str(caught.value).startswith(f"Cannot reach Tautulli at {fake.url}/api/v2")
        await fake.set_mode("ok")
        assert len(await client.users()) == 26  # and it recovers


async def test_server_error_is_retried_then_raised(fake: FakeTautulli) -> None:
    await fake.set_mode("error500")
    async with client_for(fake.url, retry_budget=1.0, backoff_base=0.05, backoff_cap=0.1) as c:
        with pytest.raises(TautulliServerError) as caught:
            await c.graph("get_plays_by_dayofweek", time_range=30, y_axis="plays")
    assert "HTTP 500" in str(caught.value)
    assert len(fake.requests) >= 3
    assert {r.cmd for r in fake.requests} == {"get_plays_by_dayofweek"}


async def test_retry_recovers_when_tautulli_comes_back(fake: FakeTautulli) -> None:
    await fake.set_mode("error500")
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            await fake.set_mode("ok")

    client = TautulliClient(fake.url, KEY, retry_budget=60.0, sleep=sleep)
    async with client:
        graph = await client.graph("get_plays_by_hourofday", time_range=30, y_axis="plays")
    assert graph == recorded_graph("get_plays_by_hourofday__time_range-30.json")
    assert [r.mode for r in fake.requests] == ["error500", "error500", "ok"]


@pytest.mark.parametrize("mode", ["error500", "down"])
async def test_retries_stop_within_the_budget(fake: FakeTautulli, mode: str) -> None:
    await fake.set_mode(mode)
    clock = MonotonicClock()
    client = TautulliClient(
        fake.url,
        KEY,
        timeout=1.0,
        retry_budget=3.0,
        backoff_base=0.1,
        backoff_cap=1.0,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        rng=random.Random(7),
    )
    async with client:
        with pytest.raises((TautulliServerError, TautulliUnreachable)):
            await client.graph("get_plays_by_date", time_range=30, y_axis="plays")
    assert len(clock.sleeps) >= 3
    assert sum(clock.sleeps) <= 3.0
    # Full jitter under an exponential ceiling: 0.1, 0.2, 0.4, 0.8, then the 1.0 cap.
    for attempt, delay in enumerate(clock.sleeps):
        assert 0.0 <= delay <= min(1.0, 0.1 * 2**attempt)
    if mode == "error500":
        assert len(fake.requests) == len(clock.sleeps) + 1


async def test_no_budget_means_one_attempt(fake: FakeTautulli) -> None:
    await fake.set_mode("error500")
    clock = MonotonicClock()
    client = TautulliClient(fake.url, KEY, retry_budget=0.0, sleep=clock.sleep)
    async with client:
        with pytest.raises(TautulliServerError):
            await client.users()
    assert clock.sleeps == []
    assert len(fake.requests) == 1


@pytest.mark.parametrize("mode", ["ok", "down", "html", "hang", "error500"])
async def test_the_api_key_never_appears_in_errors_or_logs(
    fake: FakeTautulli, caplog: pytest.LogCaptureFixture, mode: str
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "S3CRET-apikey-value-0123456789"
    await fake.set_mode(mode)
    errors: list[BaseException] = []
    async with client_for(fake.url, secret, timeout=0.2, retry_budget=0.3) as client:
        for call in (
            client.users(),
            client.server_name(),
            client.graph("get_plays_by_date", time_range=30, y_axis="plays", user_id=HARPER),
        ):
            try:
                await call
            except TautulliError as exc:
                errors.append(exc)
    assert len(errors) == 3
    if mode == "ok":  # the key is wrong for this fake
        assert all(isinstance(e, TautulliAuthError) for e in errors)
    tr = Translator("en")
    for exc in errors:
        texts = [str(exc), repr(exc), exc.render(tr), "".join(traceback.format_exception(exc))]
        assert not any(secret in text for text in texts)
        # Nothing from httpx is chained in: its text may hold the full URL.
        assert exc.__cause__ is None and exc.__context__ is None
    logged = [r.getMessage() for r in caplog.records] + [caplog.text]
    assert logged and not any(secret in text for text in logged)
    if mode not in {"down", "hang"}:
        assert any("HTTP Request" in r.getMessage() for r in caplog.records)  # httpx did log


# -- answers only a MockTransport can shape ------------------------------------------------


NO_KEY = b'{"response": {"result": "error", "message": "Parameter apikey is required"}}'


def mock_client(status: int, body: bytes, content_type: str = "application/json") -> TautulliClient:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["apikey"] == KEY
        return httpx.Response(status, content=body, headers={"Content-Type": content_type})

    return TautulliClient(
        "http://tautulli.invalid:8181",
        KEY,
        retry_budget=0.0,
        transport=httpx.MockTransport(handler),
    )


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b'{"status": "ok"}', TautulliNotApi),  # JSON, but not Tautulli's envelope
        (200, b'{"response": {"data": {}}}', TautulliNotApi),  # no result
        (200, b"[1, 2]", TautulliNotApi),
        (401, b"<html>Authorization Required</html>", TautulliNotApi),  # a proxy's basic auth
        (502, b"<html>Bad Gateway</html>", TautulliServerError),  # the proxy, Tautulli gone
        (400, NO_KEY, TautulliAuthError),
    ],
)
async def test_answers_that_are_not_a_good_api_answer(
    status: int, body: bytes, expected: type[TautulliError]
) -> None:
    async with mock_client(status, body) as client:
        with pytest.raises(expected):
            await client.users()


async def test_api_switched_off_says_where_to_switch_it_on() -> None:
    body = b'{"response": {"result": "error", "message": "API not enabled", "data": {}}}'
    async with mock_client(400, body) as client:
        with pytest.raises(TautulliAuthError) as caught:
            await client.users()
    assert caught.value.message == API_DISABLED


async def test_other_tautulli_errors_carry_tautullis_words() -> None:
    body = (
        b'{"response": {"result": "error", "message": "Graph failed for '
        + KEY.encode()
        + b'", "data": {}}}'
    )
    async with mock_client(400, body) as client:
        with pytest.raises(TautulliError) as caught:
            await client.graph("get_plays_by_date", time_range=30, y_axis="plays")
    assert type(caught.value) is TautulliError
    assert "Graph failed for ***" in str(caught.value)
    assert KEY not in str(caught.value)


async def test_a_graph_of_the_wrong_shape_is_refused() -> None:
    body = b'{"response": {"result": "success", "message": null, "data": {"rows": []}}}'
    async with mock_client(200, body) as client:
        with pytest.raises(TautulliNotApi, match="get_plays_by_date"):
            await client.graph("get_plays_by_date", time_range=30, y_axis="plays")


async def test_a_redirect_is_not_followed_and_shown_without_its_query() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        target = request.url.copy_with(scheme="https")  # carries ?apikey=... along
        return httpx.Response(301, headers={"Location": str(target)})

    transport = httpx.MockTransport(handler)
    async with TautulliClient("http://tautulli.invalid", KEY, transport=transport) as client:
        with pytest.raises(TautulliNotApi) as caught:
            await client.users()
    assert str(caught.value).startswith(
        "http://tautulli.invalid/api/v2 redirects to https://tautulli.invalid/api/v2: "
    )
    assert KEY not in str(caught.value)


async def test_slow_tautulli_within_and_beyond_the_timeout(fake: FakeTautulli) -> None:
    await fake.set_mode("slow:0.05")
    async with client_for(fake.url, timeout=2.0) as client:
        assert await client.server_name() == "Synthetic Plex"
    await fake.set_mode("slow:1")
    async with client_for(fake.url, timeout=0.1) as client:
        with pytest.raises(TautulliTimeout):
            await client.server_name()
    assert [r.mode for r in fake.requests] == ["slow:0.05", "slow:1"]


# -- one outage, one wait: the breaker and the shared deadline -------------------------------


def breaker_client(url: str, clock: MonotonicClock, key: str = KEY, **kw: float) -> TautulliClient:
    options: dict[str, float] = {
        "timeout": 1.0,
        "retry_budget": 3.0,
        "backoff_base": 0.1,
        "backoff_cap": 1.0,
        "breaker_seconds": 60.0,
    }
    options.update(kw)
    return TautulliClient(
        url,
        key,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        rng=random.Random(3),
        **options,  # pyright: ignore[reportArgumentType]
    )


@pytest.mark.parametrize("mode", ["error500", "down"])
async def test_after_an_outage_the_other_graphs_fail_at_once_until_the_breaker_closes(
    fake: FakeTautulli, mode: str
) -> None:
    await fake.set_mode(mode)
    clock = MonotonicClock()
    async with breaker_client(fake.url, clock) as client:
        with pytest.raises(TautulliError) as first:
            await client.graph("get_plays_by_date", time_range=30, y_axis="plays")
        asked, slept = len(fake.requests), len(clock.sleeps)
        for command in sorted(GRAPH_COMMANDS - {"get_plays_by_date"}):
            with pytest.raises(TautulliError) as later:
                await client.graph(command, time_range=default_range(command), y_axis="plays")
            assert str(later.value) == str(first.value)  # one reason, so one line
            assert later.value.unavailable  # so the cache stands in
        assert (len(fake.requests), len(clock.sleeps)) == (asked, slept)  # nothing sent
        await fake.set_mode("ok")
        clock.now += 61.0  # the breaker closes again by itself
        assert len(await client.users()) == 26


@pytest.mark.parametrize(("mode", "key"), [("ok", "not-the-key"), ("html", KEY)])
async def test_a_wrong_key_or_a_page_that_is_not_tautulli_stops_after_the_first_answer(
    fake: FakeTautulli, mode: str, key: str
) -> None:
    await fake.set_mode(mode)
    clock = MonotonicClock()
    reasons: set[str] = set()
    async with breaker_client(fake.url, clock, key) as client:
        for command in sorted(GRAPH_COMMANDS):
            with pytest.raises((TautulliAuthError, TautulliNotApi)) as caught:
                await client.graph(command, time_range=default_range(command), y_axis="plays")
            reasons.add(str(caught.value))
    assert len(fake.requests) == 1
    assert len(reasons) == 1


async def test_a_success_closes_the_breaker(fake: FakeTautulli) -> None:
    await fake.set_mode("error500")
    clock = MonotonicClock()
    async with breaker_client(fake.url, clock, retry_budget=0.0, breaker_seconds=5.0) as client:
        with pytest.raises(TautulliServerError):
            await client.users()
        await fake.set_mode("ok")
        clock.now += 5.0
        assert len(await client.users()) == 26
        await fake.set_mode("error500")
        fake.clear_requests()
        with pytest.raises(TautulliServerError):
            await client.users()
        assert len(fake.requests) == 1  # asked again: the success had closed it


async def test_the_live_messages_read_asks_once_even_while_the_breaker_is_open(
    fake: FakeTautulli,
) -> None:
    await fake.set_mode("error500")
    clock = MonotonicClock()
    async with breaker_client(fake.url, clock) as client:
        with pytest.raises(TautulliServerError):
            await client.activity(live=True)
        assert (len(fake.requests), clock.sleeps) == (1, [])  # one attempt: no retries
        with pytest.raises(TautulliServerError):
            await client.users()  # the breaker is open: not asked
        assert len(fake.requests) == 1
        await fake.set_mode("ok")
        assert (await client.activity(live=True)).count == 3  # asked all the same
        assert len(await client.users()) == 26  # and its success closed the breaker


async def test_one_deadline_bounds_the_retries_of_every_graph_together(
    fake: FakeTautulli,
) -> None:
    await fake.set_mode("error500")
    clock = MonotonicClock()
    # No breaker here, so each graph is asked: only the shared deadline limits the retries.
    async with breaker_client(fake.url, clock, retry_budget=3.0, breaker_seconds=0.0) as client:
        deadline = Deadline.after(3.0, clock.monotonic)
        for command in sorted(GRAPH_COMMANDS):
            with pytest.raises(TautulliServerError):
                await client.graph(
                    command, time_range=default_range(command), y_axis="plays", deadline=deadline
                )
    # 3 s of retries in all (each graph alone would have had 3 s): after the deadline,
    # every graph is asked once and not retried.
    assert sum(clock.sleeps) <= 3.0
    assert len(fake.requests) == len(GRAPH_COMMANDS) + len(clock.sleeps)
    assert {r.cmd for r in fake.requests[-6:]} == set(sorted(GRAPH_COMMANDS)[-6:])


async def test_reconfigure_sends_the_next_request_to_the_new_url_and_key() -> None:
    async with (
        FakeTautulli(api_key=KEY) as old,
        FakeTautulli(api_key="new-key") as new,
        client_for(old.url, breaker_seconds=60.0) as client,
    ):
        await old.set_mode("html")
        with pytest.raises(TautulliNotApi):
            await client.users()
        client.reconfigure(new.url, "new-key")  # and the breaker forgets the old Tautulli
        assert len(await client.users()) == 26
        assert client.url == f"{new.url}/api/v2"
    assert [r.apikey for r in new.requests] == ["ok"]
    assert len(old.requests) == 1
