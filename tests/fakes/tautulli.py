"""A fake Tautulli: an aiohttp server on 127.0.0.1 replaying answers recorded from a real one.

In-process (tests)::

    async with FakeTautulli(api_key="k") as fake:
        client = TautulliClient(fake.url, "k")
        await fake.set_mode("down")          # or "html", "hang", "error500", "refused",
                                             # "slow:0.5", "ok"
        fake.requests                        # what it received (apikey left out)

As a separate process (end-to-end tests, benchmarks)::

    python -m tests.fakes.tautulli [--port N] [--mode MODE] [--api-key KEY] [--base-path /p]

prints ``http://127.0.0.1:PORT`` (the TAUTULLI_URL to use) on stdout line 1 and
``control http://127.0.0.1:CPORT`` on line 2, then serves until SIGTERM or SIGINT.
The control port stays open while the API is "down":

    GET /mode                      the current mode
    PUT /mode        body: MODE    switch mode
    GET /requests                  JSON list of the requests received
    DELETE /requests               forget them

Requests are matched like the recorded file names: cmd + time_range + y_axis + user_id,
normalised as Tautulli does (a bad or 0 time_range is 30, any y_axis but "plays" is
duration, a user_id that is not digits is ignored). A combination that was not recorded
gets the closest recording of that command (another time_range, or the one recorded
user's data for any user); the header ``X-Fake-Recording`` names the file served.
A wrong key gets the recorded 400 "Invalid apikey"; an unknown cmd the recorded error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import AsyncIterator, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Self
from zoneinfo import ZoneInfo

from aiohttp import ClientSession, web

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tautulli"
DEFAULT_API_KEY = "fake-tautulli-api-key"
MODES = ("ok", "down", "html", "hang", "error500", "refused", "slow:SECONDS")

LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><form method="post" action="/login"><h1>Sign in to continue</h1>
<input name="username"><input name="password" type="password"><button>Sign in</button>
</form></body></html>
"""

NOT_FOUND_PAGE = """<!DOCTYPE html>
<html><head><title>404 Not Found</title></head>
<body><h2>404 Not Found</h2><p>The path '{path}' was not found.</p></body></html>
"""

# Not recordable without breaking a Tautulli: what its API sends when a command raises.
SERVER_ERROR_BODY = {
    "response": {"result": "error", "message": "Check logs for errors", "data": {}}
}


@dataclass(frozen=True, slots=True)
class SeenRequest:
    """One request the fake received. The apikey itself is never kept."""

    method: str
    path: str
    params: dict[str, str]
    apikey: str  # "ok", "wrong" or "missing"
    mode: str

    @property
    def cmd(self) -> str | None:
        return self.params.get("cmd")


@dataclass(frozen=True, slots=True)
class Recording:
    file: str
    request: dict[str, Any]
    status: int
    body: Any


def parse_mode(mode: str) -> str:
    if mode in {"ok", "down", "html", "hang", "error500", "refused"}:
        return mode
    if mode.startswith("slow:"):
        try:
            seconds = float(mode.removeprefix("slow:"))
        except ValueError:
            seconds = -1.0
        if seconds >= 0:
            return mode
    raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")


def _load(path: Path) -> Recording:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Recording(path.name, dict(raw["request"]), int(raw["http_status"]), raw["body"])


class Recordings:
    """Every recorded and crafted answer, and the rules that pick one for a request."""

    def __init__(self, root: Path = FIXTURES) -> None:
        self.by_cmd: dict[str, list[Recording]] = {}
        self.errors: dict[str, Recording] = {}
        files = sorted((root / "recorded").glob("*.json")) + sorted(
            (root / "crafted").glob("*.json")
        )
        for path in files:
            if path.name == "index.json":
                continue
            recording = _load(path)
            if path.name.startswith("error__"):
                self.errors[path.name.removeprefix("error__").removesuffix(".json")] = recording
            else:
                self.by_cmd.setdefault(str(recording.request["cmd"]), []).append(recording)
        unknown = self.errors["unknown_cmd"].body["response"]["message"]
        self.known_commands = frozenset(unknown.split("Possible commands are: ", 1)[1].split(", "))
        self.command_list = unknown.split("Possible commands are: ", 1)[1]

    @staticmethod
    def normalise(params: dict[str, str], *, graph: bool) -> dict[str, Any]:
        """The parameters as Tautulli reads them."""
        out: dict[str, Any] = {}
        for key, value in params.items():
            if key in {"cmd", "apikey"}:
                continue
            if key == "user_id":
                if value.strip().isdigit():
                    out[key] = int(value)
            elif key in {"time_range", "length", "start"}:
                out[key] = int(value) if value.strip().isdigit() else value
            else:
                out[key] = value
        if graph:
            time_range = out.get("time_range")
            out["time_range"] = time_range if isinstance(time_range, int) and time_range else 30
            out["y_axis"] = "plays" if out.get("y_axis", "plays") == "plays" else "duration"
        return out

    def find(self, cmd: str, params: dict[str, str], activity: str) -> Recording | None:
        candidates = self.by_cmd.get(cmd)
        if not candidates:
            return None
        if cmd == "get_activity":
            wanted = f"get_activity__{activity}.json"
            return next((r for r in candidates if r.file == wanted), candidates[0])
        graph = "y_axis" in candidates[0].request
        asked = self.normalise(params, graph=graph)
        if cmd == "get_user":
            if "user_id" not in asked:
                return self.errors["missing_parameter"]
            recorded = next(r for r in candidates if r.file == "get_user.json")
            if asked["user_id"] != recorded.request["user_id"]:
                # A real Tautulli answers an unknown user_id with "Local".
                return next(r for r in candidates if r.file == "get_user__unknown.json")
            return recorded
        return min(candidates, key=lambda r: self._distance(asked, r.request))

    @staticmethod
    def _distance(asked: dict[str, Any], recorded: dict[str, Any]) -> int:
        score = 0
        for key in (set(asked) | set(recorded)) - {"cmd"}:
            mine, theirs = asked.get(key), recorded.get(key)
            if mine == theirs:
                continue
            if key == "user_id":
                # Never serve one user's data for a server-wide question if avoidable.
                score += 1000 if mine is None else 500 if theirs is None else 100
            elif key == "y_axis":
                score += 1000
            elif key == "time_range" and isinstance(mine, int) and isinstance(theirs, int):
                score += abs(mine - theirs)
            else:
                score += 10
        return score


def _media_type_live(row: dict[str, Any]) -> str:
    return "live" if row.get("live") else str(row.get("media_type"))


def _group(row: dict[str, Any]) -> object:
    """What Tautulli's grouping counts once: resumed sessions share a reference_id."""
    return row.get("reference_id") or row.get("row_id") or id(row)


class FakeTautulli:
    """The fake server. Use ``async with``; ``url`` is the base URL to give the client."""

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_API_KEY,
        mode: str = "ok",
        port: int = 0,
        base_path: str = "",
        activity: str = "3_sessions",
        missing_commands: Iterable[str] = (),
        fixtures: Path = FIXTURES,
    ) -> None:
        self.api_key = api_key
        self.base_path = "/" + base_path.strip("/") if base_path.strip("/") else ""
        self.activity = activity
        # Commands this Tautulli is "too old" to know: answered like any unknown command.
        self.missing_commands = frozenset(missing_commands)
        self.recordings = Recordings(fixtures)
        self.requests: list[SeenRequest] = []
        # Plays to answer get_history from (the Plex module's completion tests): each a
        # history row with at least user_id, rating_key, grandparent_rating_key, media_type.
        # None: get_history is served from the recordings like every other command.
        self.plays: list[dict[str, Any]] | None = None
        self.timezone = "UTC"  # the server's local time, which get_history's days are in
        # Users of :attr:`plays` Tautulli marks deleted: get_users_table does not list them.
        self.deleted_users: set[int] = set()
        self._mode = parse_mode(mode)
        self._port = port
        self._runner: web.AppRunner | None = None
        self._release = asyncio.Event()

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        """The base URL, as a user would write TAUTULLI_URL (without /api/v2)."""
        return f"http://127.0.0.1:{self._port}{self.base_path}"

    @property
    def mode(self) -> str:
        return self._mode

    async def start(self) -> Self:
        self._release = asyncio.Event()
        if self._mode != "down":
            await self._listen()
        elif self._port == 0:
            # Reserve a port number that is then closed: "down" from the start.
            await self._listen()
            await self._close()
        return self

    async def stop(self) -> None:
        await self._close()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def set_mode(self, mode: str) -> None:
        mode = parse_mode(mode)
        previous, self._mode = self._mode, mode
        if mode == "down" and previous != "down":
            await self._close()
        elif mode != "down" and previous == "down":
            self._release = asyncio.Event()
            await self._listen()
        if previous == "hang" and mode != "hang":
            self._release.set()
            self._release = asyncio.Event()

    def clear_requests(self) -> None:
        self.requests.clear()

    def api_requests(self, cmd: str | None = None) -> list[SeenRequest]:
        """Requests that reached the API path, optionally only those for ``cmd``."""
        return [
            r
            for r in self.requests
            if r.path.rstrip("/") == f"{self.base_path}/api/v2" and (cmd is None or r.cmd == cmd)
        ]

    async def _listen(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, shutdown_timeout=0.2, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self._port, reuse_address=True)
        await site.start()
        self._port = int(runner.addresses[0][1])
        self._runner = runner

    async def _close(self) -> None:
        self._release.set()  # let hanging handlers finish so shutdown is quick
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    # -- the API -----------------------------------------------------------------------------

    def _json(self, status: int, body: Any, recording: str | None = None) -> web.Response:
        headers = {"X-Fake-Recording": recording} if recording else None
        return web.Response(
            status=status,
            text=json.dumps(body, ensure_ascii=False),
            content_type="application/json",
            headers=headers,
        )

    def _error(self, message: str) -> web.Response:
        return self._json(400, {"response": {"result": "error", "message": message, "data": {}}})

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        params = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            params.update({k: str(v) for k, v in (await request.post()).items()})
        key = params.pop("apikey", None)
        verdict = "missing" if key is None else "ok" if key == self.api_key else "wrong"
        mode = self._mode
        self.requests.append(SeenRequest(request.method, request.path, params, verdict, mode))

        if mode == "hang":
            await self._release.wait()
            return web.Response(status=503, text="released")
        if mode.startswith("slow:"):
            await asyncio.sleep(float(mode.removeprefix("slow:")))
        if mode == "html":
            return web.Response(text=LOGIN_PAGE, content_type="text/html")
        if request.path.rstrip("/") != f"{self.base_path}/api/v2":
            return web.Response(
                status=404, text=NOT_FOUND_PAGE.format(path=request.path), content_type="text/html"
            )
        if mode == "error500":
            return self._json(500, SERVER_ERROR_BODY)
        if mode == "refused":  # the key was regenerated in Tautulli: every key is wrong now
            verdict = "wrong"
        return self._answer(params, verdict)

    def _answer(self, params: dict[str, str], verdict: str) -> web.Response:
        recordings = self.recordings
        if verdict == "missing":
            return self._error("Parameter apikey is required")
        if verdict == "wrong":
            wrong = recordings.errors["wrong_apikey"]
            return self._json(wrong.status, wrong.body, wrong.file)
        cmd = params.get("cmd")
        if not cmd:
            return self._error(
                f"Parameter cmd is required. Possible commands are: {recordings.command_list}"
            )
        if cmd not in recordings.known_commands or cmd in self.missing_commands:
            unknown = recordings.errors["unknown_cmd"]
            body = json.loads(json.dumps(unknown.body))
            body["response"]["message"] = body["response"]["message"].replace(
                "get_nonexistent", cmd, 1
            )
            return self._json(unknown.status, body, unknown.file)
        if cmd == "get_history" and self.plays is not None:
            return self._json(200, self._history(params))
        if cmd == "get_users_table" and self.plays is not None:
            return self._json(200, self._users_table(params))
        if cmd == "get_plays_by_date" and self.plays is not None and "user_id" not in params:
            return self._json(200, self._plays_by_date(params))
        found = recordings.find(cmd, params, self.activity)
        if found is None:
            return self._error(f"Fake Tautulli has no recording for {cmd}")
        return self._json(found.status, found.body, found.file)

    def _history(self, params: dict[str, str]) -> dict[str, Any]:
        """``get_history`` over :attr:`plays`, filtered and paged as Tautulli v2.17.2 does:
        ``after``/``before`` are inclusive days in the server's local time
        (:attr:`timezone`), ``grouping=1`` (the default) counts resumed sessions (one
        ``reference_id``) once, ``length=0`` answers the count alone."""
        zone = ZoneInfo(self.timezone)

        def day(row: dict[str, Any]) -> str:
            return datetime.fromtimestamp(int(row["started"]), zone).date().isoformat()

        rows = [
            row
            for row in self.plays or []
            if all(
                str(row.get(key)) == params[key]
                for key in ("user_id", "rating_key", "grandparent_rating_key")
                if key in params
            )
            # Tautulli filters on media_type_live: a live TV session is "live".
            and ("media_type" not in params or _media_type_live(row) == params["media_type"])
            and ("after" not in params or day(row) >= params["after"])
            and ("before" not in params or day(row) <= params["before"])
        ]
        rows.sort(
            key=lambda row: int(row.get("started", 0)), reverse=params.get("order_dir") != "asc"
        )
        grouped = params.get("grouping", "1") != "0"
        if grouped:
            firsts: dict[object, dict[str, Any]] = {}
            for row in rows:
                firsts.setdefault(_group(row), row)
            rows = list(firsts.values())
        everything = self.plays or []
        total = len({_group(r) for r in everything}) if grouped else len(everything)
        start, length = int(params.get("start", 0)), int(params.get("length", 25))
        data = {
            "recordsFiltered": len(rows),
            "recordsTotal": total,
            "draw": 1,
            "data": rows[start : start + length] if length > 0 else [],
        }
        return {"response": {"result": "success", "message": None, "data": data}}

    def _users_table(self, params: dict[str, str]) -> dict[str, Any]:
        """``get_users_table`` over :attr:`plays`, as Tautulli v2.17.2 answers it: a row per
        user not deleted, its ``plays`` counting sessions with ``grouping=0`` and resumed
        sessions once otherwise (the default), paged by ``start``/``length``."""
        grouped = params.get("grouping", "1") != "0"
        sessions: dict[int, set[object]] = {}
        for row in self.plays or []:
            if int(row["user_id"]) not in self.deleted_users:
                key = _group(row) if grouped else row.get("row_id") or id(row)
                sessions.setdefault(int(row["user_id"]), set()).add(key)
        rows = [
            {"user_id": user_id, "friendly_name": f"User {user_id}", "plays": len(keys)}
            for user_id, keys in sorted(sessions.items())
        ]
        start, length = int(params.get("start", 0)), int(params.get("length", 25))
        data = {
            "recordsFiltered": len(rows),
            "recordsTotal": len(rows),
            "draw": 1,
            "data": rows[start : start + length] if length > 0 else [],
        }
        return {"response": {"result": "success", "message": None, "data": data}}

    def _plays_by_date(self, params: dict[str, str]) -> dict[str, Any]:
        """``get_plays_by_date`` over :attr:`plays`: the last ``time_range`` days (today
        included, in the server's local time), grouped plays a day and media type."""
        zone = ZoneInfo(self.timezone)
        today = datetime.now(zone).date()
        days = [
            today - timedelta(days=n) for n in range(int(params.get("time_range", 30)) - 1, -1, -1)
        ]
        names = {"episode": "TV", "movie": "Movies", "track": "Music", "live": "Live TV"}
        counts: dict[tuple[str, str], set[object]] = {}
        for row in self.plays or []:
            day = datetime.fromtimestamp(int(row["started"]), zone).date().isoformat()
            counts.setdefault((day, names[_media_type_live(row)]), set()).add(_group(row))
        labels = [d.isoformat() for d in days]
        series = [
            {"name": name, "data": [len(counts.get((d, name), ())) for d in labels]}
            for name in names.values()
        ]
        series.append(
            {
                "name": "Total",
                "data": [sum(s["data"][i] for s in series) for i in range(len(labels))],
            }
        )
        data = {"categories": labels, "series": series}
        return {"response": {"result": "success", "message": None, "data": data}}

    # -- control, for other processes --------------------------------------------------------

    def control_app(self) -> web.Application:
        app = web.Application()

        async def get_mode(_: web.Request) -> web.Response:
            return web.Response(text=self._mode)

        async def put_mode(request: web.Request) -> web.Response:
            try:
                await self.set_mode((await request.text()).strip())
            except ValueError as exc:
                return web.Response(status=400, text=str(exc))
            return web.Response(text=self._mode)

        async def get_requests(_: web.Request) -> web.Response:
            return web.json_response([asdict(r) for r in self.requests])

        async def delete_requests(_: web.Request) -> web.Response:
            self.clear_requests()
            return web.Response(status=204)

        app.router.add_get("/mode", get_mode)
        app.router.add_put("/mode", put_mode)
        app.router.add_post("/mode", put_mode)
        app.router.add_get("/requests", get_requests)
        app.router.add_delete("/requests", delete_requests)
        return app


async def serve(args: argparse.Namespace) -> None:
    fake = FakeTautulli(
        api_key=args.api_key, mode=args.mode, port=args.port, base_path=args.base_path
    )
    await fake.start()
    control = web.AppRunner(fake.control_app(), access_log=None)
    await control.setup()
    site = web.TCPSite(control, "127.0.0.1", args.control_port)
    await site.start()
    control_port = int(control.addresses[0][1])
    sys.stdout.write(f"{fake.url}\ncontrol http://127.0.0.1:{control_port}\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await control.cleanup()
        await fake.stop()


PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class FakeProcess:
    """A fake Tautulli running as its own process: its API URL, process id and control
    URL (see the module docstring)."""

    url: str
    pid: int
    control: str

    async def set_mode(self, mode: str) -> None:
        """Switch its mode ("down", "ok", ...) through the control port."""
        async with ClientSession() as session, session.put(f"{self.control}/mode", data=mode) as r:
            answer = await r.text()
        if r.status != 200:
            raise ValueError(answer)


@contextlib.asynccontextmanager
async def fake_tautulli_process(api_key: str) -> AsyncIterator[FakeProcess]:
    """Run ``python -m tests.fakes.tautulli`` (for end-to-end tests and benchmarks)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.tautulli",
        "--api-key",
        api_key,
        cwd=PROJECT_ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        url = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().strip()
        control = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().split()[-1]
        yield FakeProcess(url, process.pid, control)
    finally:
        process.terminate()
        await process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.tautulli", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--control-port", type=int, default=0)
    parser.add_argument("--mode", default="ok", help=" | ".join(MODES))
    parser.add_argument("--api-key", default=DEFAULT_API_KEY)
    parser.add_argument("--base-path", default="", help="serve under a reverse-proxy base path")
    args = parser.parse_args(argv)
    try:
        parse_mode(args.mode)
    except ValueError as exc:
        parser.error(str(exc))
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
