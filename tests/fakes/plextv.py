"""A local fake of plex.tv's PIN sign-in endpoints (aiohttp.web on 127.0.0.1).

It speaks what plex.tv speaks to a third-party app:

- ``POST /api/v2/pins[?strong=true]`` with ``X-Plex-Client-Identifier`` (400 without) ->
  201 and the PIN as JSON (``authToken: null``); without ``Accept: application/json`` the
  answer is XML, as plex.tv's is.
- ``GET /api/v2/pins/{id}`` -> 200 with the PIN (``authToken`` set once approved); 404
  ``{"errors": [...]}`` when the PIN expired, is unknown, or belongs to another client id.
- ``GET /api/v2/user`` with ``X-Plex-Token`` -> 200 the account; 401 ``{"errors": [...]}``.

Tests steer it: :meth:`FakePlexTv.approve` (a given account approves a PIN),
:meth:`FakePlexTv.deny` (the member closes the page: nothing ever happens),
:meth:`FakePlexTv.expire`. Its clock is injectable so expiry follows the test's clock.
"""

from __future__ import annotations

import json
import secrets
import socket
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class FakeAccount:
    id: int
    uuid: str
    username: str
    email: str
    title: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uuid": self.uuid,
            "username": self.username,
            "title": self.title,
            "email": self.email,
            "friendlyName": "",
            "locale": None,
            "confirmed": True,
            "joinedAt": 1609459200,
            "emailOnlyAuth": False,
            "hasPassword": True,
            "protected": False,
            "thumb": f"https://plex.tv/users/{self.uuid}/avatar",
            "authToken": "(not sent by the fake)",
            "mailingListStatus": "unsubscribed",
            "mailingListActive": False,
            "scrobbleTypes": "",
            "country": "DK",
            "subscription": {"active": False, "status": "Inactive", "plan": None},
            "restricted": False,
            "home": False,
            "guest": False,
            "homeSize": 1,
            "homeAdmin": False,
            "maxHomeSize": 15,
            "rememberExpiresAt": 1893456000,
            "profile": {"autoSelectAudio": True, "defaultAudioLanguage": None},
            "entitlements": [],
            "roles": [],
            "services": [],
            "adsConsent": None,
            "adsConsentSetAt": None,
            "adsConsentReminderAt": None,
            "experimentalFeatures": False,
            "twoFactorEnabled": False,
            "backupCodesCreated": False,
        }


@dataclass
class FakePin:
    id: int
    code: str
    client_identifier: str
    product: str
    strong: bool
    created_at: datetime
    expires_at: datetime
    auth_token: str | None = None
    denied: bool = False

    def as_json(self, now: datetime) -> dict[str, Any]:
        def iso(t: datetime) -> str:
            return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        return {
            "id": self.id,
            "code": self.code,
            "product": self.product,
            "trusted": False,
            "qr": f"https://plex.tv/api/v2/pins/qr/{self.code}",
            "clientIdentifier": self.client_identifier,
            "location": {
                "code": "DK",
                "european_union_member": True,
                "continent_code": "EU",
                "country": "Denmark",
                "city": "Copenhagen",
                "time_zone": "Europe/Copenhagen",
                "postal_code": "1000",
                "in_privacy_restricted_country": True,
                "in_privacy_restricted_region": True,
                "subdivisions": "Capital Region",
                "coordinates": "55.6759, 12.5655",
            },
            "expiresIn": max(0, int((self.expires_at - now).total_seconds())),
            "createdAt": iso(self.created_at),
            "expiresAt": iso(self.expires_at),
            "authToken": self.auth_token,
            "newRegistration": None,
        }


def _errors(status: int, code: int, message: str) -> web.Response:
    body = {"errors": [{"code": code, "message": message, "status": status}]}
    return web.Response(
        status=status, text=json.dumps(body), content_type="application/json", charset="utf-8"
    )


def _json(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(body), content_type="application/json", charset="utf-8"
    )


def _xml(status: int, tag: str, attrs: dict[str, Any]) -> web.Response:
    attr = " ".join(f'{k}="{"" if v is None else v}"' for k, v in attrs.items() if k != "location")
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n<{tag} {attr}/>\n'
    return web.Response(status=status, text=text, content_type="application/xml")


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class FakePlexTv:
    """The fake server; ``url`` is set once started."""

    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    pin_lifetime: timedelta = timedelta(minutes=30)
    url: str = ""
    pins: dict[int, FakePin] = field(default_factory=dict[int, FakePin])
    tokens: dict[str, FakeAccount] = field(default_factory=dict[str, FakeAccount])
    seen: list[Seen] = field(default_factory=list[Seen])
    _runner: web.AppRunner | None = None
    _next_id: int = 1_800_000_000

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/api/v2/pins", self._create_pin)
        app.router.add_get("/api/v2/pins/{id}", self._get_pin)
        app.router.add_get("/api/v2/user", self._user)
        # A short shutdown: aiohttp's default waits 60 s for open connections.
        self._runner = web.AppRunner(app, shutdown_timeout=0.2, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
        await web.SockSite(self._runner, sock).start()
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- steering ----------------------------------------------------------------------

    @property
    def last_pin(self) -> FakePin:
        return self.pins[max(self.pins)]

    def approve(self, pin_id: int, account: FakeAccount) -> str:
        """``account`` signs in and approves the PIN: plex.tv gives it a token."""
        token = secrets.token_urlsafe(15)
        self.tokens[token] = account
        self.pins[pin_id].auth_token = token
        return token

    def deny(self, pin_id: int) -> None:
        """The member closes the page without approving: the PIN just stays unclaimed."""
        self.pins[pin_id].denied = True

    def expire(self, pin_id: int) -> None:
        self.pins[pin_id].expires_at = self.clock() - timedelta(seconds=1)

    # -- endpoints ---------------------------------------------------------------------

    def _record(self, request: web.Request) -> None:
        self.seen.append(
            Seen(request.method, request.path, dict(request.query), dict(request.headers))
        )

    async def _create_pin(self, request: web.Request) -> web.Response:
        self._record(request)
        client_id = request.headers.get("X-Plex-Client-Identifier", "")
        if not client_id:
            return _errors(400, 1000, "X-Plex-Client-Identifier is missing")
        strong = request.query.get("strong", "").lower() in ("true", "1")
        alphabet = string.ascii_lowercase + string.digits
        code = "".join(
            secrets.choice(alphabet if strong else string.ascii_uppercase + string.digits)
            for _ in range(25 if strong else 4)
        )
        now = self.clock()
        self._next_id += 7
        pin = FakePin(
            id=self._next_id,
            code=code,
            client_identifier=client_id,
            product=request.headers.get("X-Plex-Product", ""),
            strong=strong,
            created_at=now,
            expires_at=now + (self.pin_lifetime if strong else timedelta(minutes=15)),
        )
        self.pins[pin.id] = pin
        if "application/json" not in request.headers.get("Accept", ""):
            return _xml(201, "pin", pin.as_json(now))
        return _json(201, pin.as_json(now))

    async def _get_pin(self, request: web.Request) -> web.Response:
        self._record(request)
        try:
            pin = self.pins.get(int(request.match_info["id"]))
        except ValueError:
            pin = None
        client_id = request.headers.get("X-Plex-Client-Identifier", "")
        now = self.clock()
        if pin is None or pin.client_identifier != client_id or now >= pin.expires_at:
            return _errors(404, 1020, "Code not found or expired")
        if "application/json" not in request.headers.get("Accept", ""):
            return _xml(200, "pin", pin.as_json(now))
        return _json(200, pin.as_json(now))

    async def _user(self, request: web.Request) -> web.Response:
        self._record(request)
        token = request.headers.get("X-Plex-Token") or request.query.get("X-Plex-Token", "")
        account = self.tokens.get(token)
        if account is None:
            return _errors(401, 1001, "User could not be authenticated")
        return _json(200, account.as_json())
