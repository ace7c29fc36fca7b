"""plex.tv's PIN sign-in for third-party apps, over httpx.

The flow, as plex.tv does it (and python-plexapi's ``MyPlexPinLogin``):

1. ``POST /api/v2/pins?strong=true`` with ``X-Plex-Product`` and
   ``X-Plex-Client-Identifier`` -> 201 ``{id, code, expiresAt, authToken: null, ...}``.
2. The member opens ``https://app.plex.tv/auth#?clientID=..&code=..&context[device][product]=..``
   and approves.
3. ``GET /api/v2/pins/{id}`` (same client identifier) until ``authToken`` is set; an expired
   or unknown PIN answers 404.
4. ``GET /api/v2/user`` with ``X-Plex-Token`` -> ``{id, uuid, username, email, title, ...}``.

The token lives only inside :meth:`PlexTvClient.check_pin`: it is never returned,
stored or logged. Errors never carry the response body (it may hold an email).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import quote, urlencode

import httpx

from tgraph_bot.core.my_stats import Pin, PinCheck, PinStatus, PlexAccount
from tgraph_bot.errors import PlexTvError

log = logging.getLogger(__name__)

PRODUCT = "TGraph Bot"
APP_AUTH_URL = "https://app.plex.tv/auth"


def _parse_time(value: object) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise PlexTvError()


def _object(response: httpx.Response) -> dict[str, Any]:
    try:
        body: object = response.json()
    except ValueError:
        log.warning("plex.tv answered %s with a body that is not JSON", response.status_code)
        raise PlexTvError() from None
    if not isinstance(body, dict):
        log.warning("plex.tv answered %s with JSON that is not an object", response.status_code)
        raise PlexTvError()
    return cast("dict[str, Any]", body)


def auth_url(client_identifier: str, code: str, product: str = PRODUCT) -> str:
    """The page where a member approves a PIN (Plex's app-auth page)."""
    query = urlencode(
        {"clientID": client_identifier, "code": code, "context[device][product]": product},
        quote_via=quote,
        safe="[]",
    )
    return f"{APP_AUTH_URL}#?{query}"


class PlexTvClient:
    """The few plex.tv endpoints the PIN sign-in needs."""

    def __init__(
        self,
        base_url: str,
        client_identifier: str,
        *,
        product: str = PRODUCT,
        version: str = "0.1.0",
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.client_identifier = client_identifier
        self.product = product
        self._timeout = timeout
        self._transport = transport
        self._headers = {
            "Accept": "application/json",
            "X-Plex-Product": product,
            "X-Plex-Version": version,
            "X-Plex-Client-Identifier": client_identifier,
        }
        self._base_url = base_url
        self._retired: list[httpx.AsyncClient] = []
        self._http = self._connect(base_url)

    def _connect(self, base_url: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=self._timeout,
            transport=self._transport,
            headers=self._headers,
        )

    def reconfigure(self, base_url: str) -> None:
        """Use another PLEX_TV_URL from the next request on (a live edit)."""
        if base_url == self._base_url:
            return
        old, self._http = self._http, self._connect(base_url)
        self._base_url = base_url
        self._retired.append(old)  # closed with the client: a request may be in flight

    async def __aenter__(self) -> PlexTvClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for http in [*self._retired, self._http]:
            await http.aclose()
        self._retired.clear()

    async def _send(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        try:
            return await self._http.request(method, path, headers=headers, **kw)
        except httpx.HTTPError as exc:
            log.warning("plex.tv %s %s failed: %s", method, path, type(exc).__name__)
            raise PlexTvError() from None

    async def create_pin(self) -> Pin:
        """Ask plex.tv for a strong PIN (one that is approved through the app-auth page)."""
        response = await self._send("POST", "/api/v2/pins", params={"strong": "true"})
        if response.status_code not in (200, 201):
            log.warning("plex.tv refused to create a PIN: HTTP %s", response.status_code)
            raise PlexTvError()
        body = _object(response)
        try:
            pin_id = int(body["id"])
            code = str(body["code"])
            expires_at = _parse_time(body["expiresAt"])
        except (KeyError, TypeError, ValueError):
            log.warning("plex.tv answered a PIN without id, code or expiresAt")
            raise PlexTvError() from None
        return Pin(pin_id, code, expires_at, auth_url(self.client_identifier, code, self.product))

    async def check_pin(self, pin_id: int) -> PinCheck:
        """Look at a PIN once; when approved, read the account behind it and drop the token."""
        response = await self._send("GET", f"/api/v2/pins/{int(pin_id)}")
        if response.status_code == 404:
            return PinCheck(PinStatus.EXPIRED)
        if response.status_code != 200:
            log.warning("plex.tv answered HTTP %s for a PIN", response.status_code)
            raise PlexTvError()
        token = _object(response).get("authToken")
        if not isinstance(token, str) or not token:
            return PinCheck(PinStatus.WAITING)
        account = await self._account(token)
        del token
        return PinCheck(PinStatus.APPROVED, account)

    async def _account(self, token: str) -> PlexAccount:
        response = await self._send("GET", "/api/v2/user", headers={"X-Plex-Token": token})
        if response.status_code != 200:
            log.warning("plex.tv answered HTTP %s for the signed-in user", response.status_code)
            raise PlexTvError()
        body = _object(response)
        try:
            email = body.get("email")
            return PlexAccount(
                id=int(body["id"]),
                uuid=str(body.get("uuid") or ""),
                username=str(body.get("username") or ""),
                email=email if isinstance(email, str) and email else None,
                title=str(body.get("title") or ""),
            )
        except (KeyError, TypeError, ValueError):
            log.warning("plex.tv answered a user without an id")
            raise PlexTvError() from None


__all__ = ["APP_AUTH_URL", "PRODUCT", "Pin", "PinCheck", "PinStatus", "PlexTvClient", "auth_url"]
