"""A fake Discord REST API and gateway on 127.0.0.1, enough for the real discord.py to run a bot.

Point discord.py at it with DISCORD_API_BASE_URL = ``fake.url`` (the bot sets
``discord.http.Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` from it). The test holds
the object and drives it: ``await fake.invoke("update_graphs", user=ADMIN)`` sends an
INTERACTION_CREATE over the gateway; messages, DMs, deletions and interaction replies are
recorded. Discord's rules that matter here are modelled: at most 10 attachments a message
(30015), the upload limit (40005), DMs refused (50007), one 429 on demand (with ``Via``),
the documented message limits (content, embeds, Components V2: 400 with code 50035) on
channel messages, DMs, interaction callbacks and webhook followups and edits, a refused
command sync on demand (``refuse_command_sync``), and files that an embed shows
(``attachment://``) left out of the message's ``attachments``, as Discord does: only the
embed's image URL names them.

Facts from DESIGN.md: answers carry exactly ``Content-Type: application/json``; a 429 needs a
``Via`` header or discord.py does not retry; INTERACTION_CREATE needs ``attachment_size_limit``
and member ``flags``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import BodyPartReader, WSMsgType, web

APP_ID = 900000000000000001
BOT_ID = APP_ID
GUILD_ID = 910000000000000001
CHANNEL_ID = 920000000000000001
VOICE_CHANNEL_ID = 920000000000000002
ADMIN_ID = 930000000000000001
MEMBER_ID = 930000000000000002
MODERATOR_ID = 930000000000000003  # a role with Manage Server only
ADMINISTRATOR_ID = 930000000000000004  # a role with Administrator only (not the owner)
UPLOAD_LIMIT = 10 * 1024 * 1024
ALL_PERMISSIONS = str((1 << 50) - 1)
ADMINISTRATOR = 0x8
MANAGE_GUILD = 0x20
EVERYONE_PERMISSIONS = 0x400 | 0x800 | 0x8000 | 0x4000 | 0x10000 | 0x2000
JSON = "application/json"


def _user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    }


def _member(user: dict[str, Any], roles: list[str]) -> dict[str, Any]:
    return {
        "user": user,
        "roles": roles,
        "joined_at": "2026-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
        "avatar": None,
        "pending": False,
    }


def json_response(data: object, status: int = 200, **headers: str) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": JSON, **headers},
    )


def error(status: int, code: int, message: str) -> web.Response:
    return json_response({"code": code, "message": message}, status)


# Discord's documented message limits (HTTP 400, code 50035 "Invalid Form Body").
CONTENT_LIMIT = 2000
EMBED_LIMITS = {"title": 256, "description": 4096}
FIELD_LIMITS = {"name": 256, "value": 1024}
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
MAX_FIELDS = 25
MAX_EMBEDS = 10
EMBEDS_TOTAL = 6000
MAX_FILES = 10
IS_COMPONENTS_V2 = 1 << 15
MAX_COMPONENTS = 40
COMPONENTS_TEXT = 4000


def _too_long(limit: int) -> dict[str, Any]:
    return {
        "_errors": [
            {"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {limit} or fewer in length."}
        ]
    }


def _embed_errors(embed: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """One embed's errors, Discord-shaped, and the characters it counts towards 6,000."""
    errors: dict[str, Any] = {}
    texts = {key: str(embed.get(key) or "") for key in EMBED_LIMITS}
    footer = str((embed.get("footer") or {}).get("text") or "")
    author = str((embed.get("author") or {}).get("name") or "")
    for key, limit in EMBED_LIMITS.items():
        if len(texts[key]) > limit:
            errors[key] = _too_long(limit)
    if len(footer) > FOOTER_LIMIT:
        errors["footer"] = {"text": _too_long(FOOTER_LIMIT)}
    if len(author) > AUTHOR_LIMIT:
        errors["author"] = {"name": _too_long(AUTHOR_LIMIT)}
    fields: list[dict[str, Any]] = list(embed.get("fields") or [])
    if len(fields) > MAX_FIELDS:
        errors["fields"] = _too_long(MAX_FIELDS)
    total = sum(len(t) for t in texts.values()) + len(footer) + len(author)
    for i, item in enumerate(fields):
        for key, limit in FIELD_LIMITS.items():
            text = str(item.get(key) or "")
            total += len(text)
            if len(text) > limit:
                errors.setdefault("fields", {}).setdefault(str(i), {})[key] = _too_long(limit)
    return errors, total


def every_component(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component, nested ones included (rows, containers, sections, accessories)."""
    for item in items:
        yield item
        yield from every_component(list(item.get("components") or []))
        if isinstance(item.get("accessory"), dict):
            yield from every_component([item["accessory"]])


def message_errors(payload: dict[str, Any]) -> dict[str, Any]:
    """What Discord finds wrong with a message's JSON, in its own error shape; empty
    when it would accept it."""
    errors: dict[str, Any] = {}
    content = str(payload.get("content") or "")
    if len(content) > CONTENT_LIMIT:
        errors["content"] = _too_long(CONTENT_LIMIT)
    embeds: list[dict[str, Any]] = list(payload.get("embeds") or [])
    if len(embeds) > MAX_EMBEDS:
        errors["embeds"] = _too_long(MAX_EMBEDS)
    total = 0
    for i, embed in enumerate(embeds):
        found, size = _embed_errors(embed)
        total += size
        if found:
            errors.setdefault("embeds", {})[str(i)] = found
    if total > EMBEDS_TOTAL:
        errors.setdefault("embeds", {}).setdefault("_errors", []).append(
            {
                "code": "MAX_EMBED_SIZE_EXCEEDED",
                "message": "Embed size exceeds maximum size of 6000",
            }
        )
    if int(payload.get("flags") or 0) & IS_COMPONENTS_V2:
        errors.update(_components_v2_errors(payload))
    return errors


def _components_v2_errors(payload: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for key in ("content", "embeds"):
        if payload.get(key):
            errors[key] = {
                "_errors": [
                    {
                        "code": "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                        "message": "The 'content' and 'embeds' fields cannot be used when "
                        "using MessageFlags.IS_COMPONENTS_V2",
                    }
                ]
            }
    found = list(every_component(list(payload.get("components") or [])))
    text = sum(len(str(c.get("content") or "")) for c in found if c.get("type") == 10)
    if len(found) > MAX_COMPONENTS:
        errors["components"] = _too_long(MAX_COMPONENTS)
    if text > COMPONENTS_TEXT:
        errors.setdefault("components", {}).setdefault("_errors", []).append(
            {"code": "MAX_TEXT_DISPLAY_LENGTH", "message": "Text display content too long"}
        )
    return errors


def refusal(payload: dict[str, Any], files: list[tuple[str, bytes]]) -> web.Response | None:
    """Discord's answer to a message over its limits, or None when it fits."""
    if len(files) > MAX_FILES:
        return error(400, 30015, "Maximum number of attachments in a message reached (10)")
    if any(len(data) > UPLOAD_LIMIT for _, data in files):
        return error(413, 40005, "Request entity too large")
    errors = message_errors(payload)
    if not errors:
        return None
    return json_response({"code": 50035, "message": "Invalid Form Body", "errors": errors}, 400)


def used_by_embeds(embeds: list[dict[str, Any]]) -> set[str]:
    """The files a message's embeds show (``attachment://name``): Discord does not list
    them among the message's attachments."""
    urls = [
        str((embed.get(key) or {}).get(url) or "")
        for embed in embeds
        for key, url in (("image", "url"), ("thumbnail", "url"), ("footer", "icon_url"))
    ]
    return {u.removeprefix("attachment://") for u in urls if u.startswith("attachment://")}


def media_of(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The media items of a message's components (galleries, files, thumbnails)."""
    for item in every_component(components):
        entries: list[dict[str, Any]] = list(item.get("items") or [])
        yield from (entry["media"] for entry in entries if "media" in entry)
        if item.get("type") in (11, 13) and isinstance(item.get("media"), dict):
            yield item["media"]


def used_by_components(components: list[dict[str, Any]]) -> set[str]:
    """The files a message's components show (``attachment://name``)."""
    urls = [str(media.get("url") or "") for media in media_of(components)]
    return {u.removeprefix("attachment://") for u in urls if u.startswith("attachment://")}


@dataclass
class Sent:
    """A message as Discord stored it."""

    id: int
    channel_id: int
    content: str
    files: list[tuple[str, bytes]]
    deleted: bool = False
    payload: dict[str, Any] = field(default_factory=dict[str, Any])  # embeds, attachments...
    edits: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    """Each PATCH's body, oldest first (``payload`` is the message as edited)."""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.payload.get("embeds") or [])

    @property
    def attachments(self) -> list[dict[str, Any]]:
        """The attachment metadata sent (filename, description = alt text)."""
        return list(self.payload.get("attachments") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        return list(self.payload.get("components") or [])

    def shown_files(self) -> set[str]:
        """The files its embeds or components show: Discord does not list them among the
        message's attachments (a gallery post lists none)."""
        return used_by_embeds(self.embeds) | used_by_components(self.components)


@dataclass
class InteractionRecord:
    id: int
    token: str
    name: str
    user_id: int
    refused: bool = False  # Discord never delivered it: the member may not use the command
    callbacks: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    edits: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    followups: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    # Callbacks, followups and edits Discord refused (over a limit): never shown.
    refusals: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])

    @property
    def deferred(self) -> bool:
        return bool(self.callbacks) and self.callbacks[0].get("type") == 5

    @property
    def ephemeral(self) -> bool:
        data = self.callbacks[0].get("data") or {} if self.callbacks else {}
        return bool(int(data.get("flags", 0)) & 64)

    def texts(self) -> list[str]:
        out: list[str] = []
        for item in [*self.callbacks, *self.edits, *self.followups]:
            data = item.get("data", item)
            if isinstance(data, dict) and data.get("content"):
                out.append(str(data["content"]))
        return out

    def shown(self) -> list[str]:
        """Everything a member reads in the replies: texts, then each embed's title,
        description and fields."""
        out = self.texts()
        for item in [*self.callbacks, *self.edits, *self.followups]:
            data = item.get("data", item)
            embeds = data.get("embeds") if isinstance(data, dict) else None
            for embed in embeds or []:
                out += [str(embed.get(k)) for k in ("title", "description") if embed.get(k)]
                for entry in embed.get("fields") or []:
                    out += [str(entry.get("name", "")), str(entry.get("value", ""))]
        return out


LOGIN_MODES = ("ok", "refuse", "hang")


DISCORD_EPOCH_MS = 1420070400000  # 2015-01-01T00:00:00Z


def _snowflakes() -> Iterator[int]:
    """Discord ids: milliseconds since Discord's epoch in the top bits, so an id says when
    it was made; strictly increasing."""
    last = 0
    while True:
        last = max(last + 1, (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22)
        yield last


class FakeDiscord:
    """``login``: "ok"; "refuse" (401 on GET /users/@me, as for a revoked token); "hang"
    (accept GET /users/@me and never answer, as a black-holing firewall does)."""

    def __init__(self, *, port: int = 0, login: str = "ok") -> None:
        if login not in LOGIN_MODES:
            raise ValueError(f"login must be one of {LOGIN_MODES}")
        self.login = login
        self._port = port
        self._runner: web.AppRunner | None = None
        self._ids = _snowflakes()  # ids from the time, as Discord's: history(after=...) works
        self._ws: web.WebSocketResponse | None = None
        self._seq = itertools.count(1)
        # Every event sent, by number, for a RESUME to replay (see resume()).
        self.dispatched: list[tuple[int, str, object]] = []
        self.resumes = 0
        self._replay_after: int | None = None
        self.connected = asyncio.Event()
        self.identified = 0
        self.messages: dict[int, Sent] = {}
        self.dm_channels: dict[int, int] = {}  # channel id -> user id
        self.dm_blocked: set[int] = set()
        self.interactions: dict[int, InteractionRecord] = {}
        self.commands: list[dict[str, Any]] = []
        # Discord's reason when it should refuse PUT .../commands (say, a bad localised name).
        self.refuse_command_sync: str | None = None
        # Commands whose first reply Discord refuses for a reason the bot cannot foresee
        # (400, 50035), as it may for a limit or rule it adds; later replies go through.
        self.refuse_first_reply: set[str] = set()
        self.rate_limit_next: dict[str, float] = {}  # "POST /channels/{id}/messages" -> seconds
        self.rate_limited: list[str] = []
        self.requests: list[tuple[str, str]] = []
        # Once the graph channel holds this many messages, sends hang until release_sends().
        self.hang_sends_after: int | None = None
        # The same, but the message is made first: Discord has it, the bot never learns its id.
        self.lose_replies_after: int | None = None
        self._sends_released = asyncio.Event()
        self._changed = asyncio.Condition()
        self.users = {
            BOT_ID: _user(BOT_ID, "TGraph", bot=True),
            ADMIN_ID: _user(ADMIN_ID, "admin"),
            MEMBER_ID: _user(MEMBER_ID, "bob"),
            MODERATOR_ID: _user(MODERATOR_ID, "mo"),
            ADMINISTRATOR_ID: _user(ADMINISTRATOR_ID, "ada"),
        }
        self.owner_id = ADMIN_ID
        self.admin_role = str(GUILD_ID + 1)
        self.moderator_role = str(GUILD_ID + 2)
        self.administrator_role = str(GUILD_ID + 3)
        # Role id -> permission bits; @everyone's id is the guild's.
        self.role_permissions: dict[str, int] = {
            str(GUILD_ID): EVERYONE_PERMISSIONS,
            self.admin_role: int(ALL_PERMISSIONS),
            self.moderator_role: MANAGE_GUILD,
            self.administrator_role: ADMINISTRATOR,
        }
        self.member_roles: dict[int, list[str]] = {
            BOT_ID: [self.admin_role],
            ADMIN_ID: [self.admin_role],
            MEMBER_ID: [],
            MODERATOR_ID: [self.moderator_role],
            ADMINISTRATOR_ID: [self.administrator_role],
        }

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    async def start(self) -> Self:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        # A short shutdown: aiohttp's default waits 60 s for open connections.
        self._runner = web.AppRunner(app, shutdown_timeout=0.2, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port)
        await site.start()
        server = site._server  # pyright: ignore[reportPrivateUsage]
        sockets = getattr(server, "sockets", None) or []
        self._port = int(sockets[0].getsockname()[1])
        return self

    def release_sends(self) -> None:
        """Stop hanging sends: those waiting now fail with a 503, later ones go through."""
        self.hang_sends_after = None
        self.lose_replies_after = None
        self._sends_released.set()

    def add_message(self, content: str, channel_id: int = CHANNEL_ID) -> int:
        """A message already in a channel (an earlier post, say); returns its id."""
        sent = Sent(next(self._ids), channel_id, content, [])
        self.messages[sent.id] = sent
        return sent.id

    async def stop(self) -> None:
        self.release_sends()
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], limit: float = 20.0) -> None:
        """Wait until ``predicate()`` holds (re-checked whenever the fake sees a request)."""

        async def wait() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(wait(), limit)

    # -- gateway ---------------------------------------------------------------------------

    # -- permissions, as Discord works them out ---------------------------------------------

    def permissions_of(self, user_id: int) -> int:
        """Guild-level permissions: the OR of @everyone's and the member's roles; the owner
        and anyone with Administrator have them all (there are no channel overwrites here)."""
        bits = self.role_permissions[str(GUILD_ID)]
        for role in self.member_roles.get(user_id, []):
            bits |= self.role_permissions[role]
        if user_id == self.owner_id or bits & ADMINISTRATOR:
            return int(ALL_PERMISSIONS)
        return bits

    def may_use(self, command: dict[str, Any], user_id: int) -> bool:
        """Discord's default_member_permissions rule: null lets everyone in; otherwise the
        member needs every bit of it, so "0" leaves only the owner and Administrators
        (command permission overrides set in the server's settings are not modelled)."""
        required = command.get("default_member_permissions")
        if required is None:
            return True
        needed, has = int(required), self.permissions_of(user_id)
        return bool(has & ADMINISTRATOR) or (needed != 0 and has & needed == needed)

    def guild_payload(self) -> dict[str, Any]:
        names = {
            str(GUILD_ID): "@everyone",
            self.admin_role: "Admins",
            self.moderator_role: "Moderators",
            self.administrator_role: "Administrators",
        }
        roles = [
            {
                "id": role_id,
                "name": names.get(role_id, f"role {role_id}"),
                "permissions": str(bits),
                "position": position,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
            for position, (role_id, bits) in enumerate(self.role_permissions.items())
        ]
        return {
            "id": str(GUILD_ID),
            "name": "Plex friends",
            "owner_id": str(self.owner_id),
            "icon": None,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": roles,
            "channels": [
                {
                    "id": str(CHANNEL_ID),
                    "type": 0,
                    "guild_id": str(GUILD_ID),
                    "name": "graphs",
                    "position": 0,
                    "permission_overwrites": [],
                    "nsfw": False,
                    "parent_id": None,
                    "topic": None,
                    "last_message_id": None,
                    "rate_limit_per_user": 0,
                },
                {
                    "id": str(VOICE_CHANNEL_ID),
                    "type": 2,
                    "guild_id": str(GUILD_ID),
                    "name": "lounge",
                    "position": 1,
                    "permission_overwrites": [],
                    "nsfw": False,
                    "parent_id": None,
                    "bitrate": 64000,
                    "user_limit": 0,
                    "rtc_region": None,
                },
            ],
            "members": [
                _member(self.users[user_id], roles) for user_id, roles in self.member_roles.items()
            ],
            "voice_states": [],
            "presences": [],
            "threads": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "member_count": len(self.member_roles),
            "large": False,
            "unavailable": False,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "system_channel_id": None,
            "joined_at": "2026-01-01T00:00:00+00:00",
        }

    async def send_dispatch(self, name: str, data: object) -> None:
        """A DISPATCH of any shape, as an independent server might send one (a test's
        malformed payload, say)."""
        await self._send_event(name, data)

    async def _send_event(self, name: str, data: object) -> None:
        if self._ws is None:
            raise RuntimeError("the bot is not connected to the gateway")
        seq = next(self._seq)
        if name not in ("READY", "RESUMED"):
            self.dispatched.append((seq, name, data))
        await self._ws.send_str(json.dumps({"op": 0, "t": name, "s": seq, "d": data}))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op = payload.get("op")
            if op == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:
                self.identified += 1
                await self._send_event(
                    "READY",
                    {
                        "v": 10,
                        "user": self.users[BOT_ID],
                        "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                        "session_id": "fake-session",
                        "resume_gateway_url": f"ws://127.0.0.1:{self._port}/gateway",
                        "application": {"id": str(APP_ID), "flags": 0},
                        "private_channels": [],
                        "relationships": [],
                    },
                )
                await self._send_event("GUILD_CREATE", self.guild_payload())
                self.connected.set()
                await self._notify()
            elif op == 6:
                await self._replay(ws, int(payload["d"].get("seq") or 0))
        if self._ws is ws:
            self._ws = None
            self.connected.clear()
        return ws

    # -- RESUME, as Discord does it --------------------------------------------------------

    @property
    def last_seq(self) -> int:
        """The number of the last event sent (0: none yet)."""
        return self.dispatched[-1][0] if self.dispatched else 0

    async def resume(self, *, replay_after: int | None = None, limit: float = 20.0) -> None:
        """Ask the bot to reconnect (op 7 RECONNECT) and wait until it has RESUMEd.

        On its RESUME Discord re-sends the events numbered after the ``seq`` it gives, with
        their numbers, then RESUMED. ``replay_after`` below the bot's number re-sends events
        it has already handled, as when a client's number lags behind what it processed."""
        if self._ws is None:
            raise RuntimeError("the bot is not connected to the gateway")
        self._replay_after, before = replay_after, self.resumes
        await self._ws.send_str(json.dumps({"op": 7, "d": None}))
        await self.wait_for(lambda: self.resumes > before, limit)

    async def _replay(self, ws: web.WebSocketResponse, client_seq: int) -> None:
        after = client_seq if self._replay_after is None else min(client_seq, self._replay_after)
        self._replay_after = None
        for seq, name, data in [e for e in self.dispatched if e[0] > after]:
            await ws.send_str(json.dumps({"op": 0, "t": name, "s": seq, "d": data}))
        self.resumes += 1
        await self._send_event("RESUMED", {})
        self.connected.set()
        await self._notify()

    async def voice_burst(self, states: list[tuple[int, int | None, bool, bool]]) -> None:
        """Send VOICE_STATE_UPDATEs back to back: (user id, channel id, self_video,
        self_stream) each, for members the guild payload need not list (the event carries
        the member, as Discord's does)."""
        for user_id, channel_id, video, stream in states:
            await self._send_event(
                "VOICE_STATE_UPDATE",
                {
                    "guild_id": str(GUILD_ID),
                    "channel_id": None if channel_id is None else str(channel_id),
                    "user_id": str(user_id),
                    "member": _member(_user(user_id, f"member{user_id % 10_000}"), []),
                    "session_id": f"voice-{user_id}",
                    "deaf": False,
                    "mute": False,
                    "self_deaf": False,
                    "self_mute": False,
                    "self_video": video,
                    "self_stream": stream,
                    "suppress": False,
                    "request_to_speak_timestamp": None,
                },
            )

    async def invoke(
        self,
        name: str,
        *,
        user: int = ADMIN_ID,
        options: dict[str, str | bool | int] | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """A member runs a slash command (top-level name, or "group sub").

        As on Discord, a member the command's default_member_permissions shut out gets
        nothing sent to the bot: the record comes back ``refused``."""
        parts = name.split()
        command = next(c for c in self.commands if c["name"] == parts[0])
        interaction_id = next(self._ids)
        if not self.may_use(command, user):
            record = InteractionRecord(interaction_id, "", name, user, refused=True)
            self.interactions[interaction_id] = record
            return record
        opts: list[dict[str, Any]] = [
            {
                "name": k,
                "type": 5 if isinstance(v, bool) else 4 if isinstance(v, int) else 3,
                "value": v,
            }
            for k, v in (options or {}).items()
        ]
        if len(parts) == 2:
            opts = [{"name": parts[1], "type": 1, "options": opts}]
        token = f"token-{interaction_id}"
        member = _member(self.users[user], self.member_roles.get(user, []))
        member["permissions"] = str(self.permissions_of(user))
        record = InteractionRecord(interaction_id, token, name, user)
        self.interactions[interaction_id] = record
        await self._send_event(
            "INTERACTION_CREATE",
            {
                "id": str(interaction_id),
                "application_id": str(APP_ID),
                "type": 2,
                "token": token,
                "version": 1,
                "guild_id": str(GUILD_ID),
                "channel_id": str(CHANNEL_ID),
                "channel": {"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID)},
                "member": member,
                "data": {
                    "id": command["id"],
                    "name": parts[0],
                    "type": 1,
                    "options": opts,
                    "guild_id": str(GUILD_ID),
                },
                "app_permissions": ALL_PERMISSIONS,
                "locale": locale,
                "guild_locale": "en-US",
                "entitlements": [],
                "authorizing_integration_owners": {"0": str(GUILD_ID)},
                "context": 0,
                "attachment_size_limit": UPLOAD_LIMIT,
            },
        )
        return record

    # -- REST ------------------------------------------------------------------------------

    async def _body(self, request: web.Request) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
        if request.content_type.startswith("multipart/"):
            payload: dict[str, Any] = {}
            files: list[tuple[str, bytes]] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                data = await part.read()
                if part.name == "payload_json":
                    payload = json.loads(data)
                else:
                    files.append((part.filename or "file", bytes(data)))
            return payload, files
        if request.can_read_body:
            raw = await request.read()
            return (json.loads(raw) if raw else {}), []
        return {}, []

    def _message_payload(self, sent: Sent) -> dict[str, Any]:
        return {
            "id": str(sent.id),
            "channel_id": str(sent.channel_id),
            "guild_id": str(GUILD_ID) if sent.channel_id == CHANNEL_ID else None,
            "author": self.users[BOT_ID],
            "content": sent.content,
            "timestamp": "2026-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                {
                    "id": str(sent.id + i + 1),
                    "filename": name,
                    "size": len(data),
                    "url": self.file_url(sent, name),
                    "proxy_url": self.file_url(sent, name),
                }
                for i, (name, data) in enumerate(sent.files)
                if name not in sent.shown_files()
            ],
            "embeds": [self._shown_embed(sent, embed) for embed in sent.embeds],
            "components": self._shown_components(sent),
            "pinned": False,
            "type": 0,
            "flags": int(sent.payload.get("flags") or 0),
        }

    def _refuse_once(self, record: InteractionRecord, data: object) -> web.Response | None:
        if record.name not in self.refuse_first_reply or record.refusals or not data:
            return None
        errors = {"content": {"_errors": [{"code": "FAKE_RULE", "message": "Refused."}]}}
        return json_response({"code": 50035, "message": "Invalid Form Body", "errors": errors}, 400)

    def as_returned(self, message_id: int) -> dict[str, Any]:
        """A stored message as Discord answers GET .../messages/{id}."""
        return self._message_payload(self.messages[message_id])

    def file_url(self, sent: Sent, name: str) -> str:
        """Where Discord serves a message's file (its CDN adds an expiry query)."""
        return f"{self.url}/attachments/{sent.channel_id}/{sent.id}/{name}?ex=6a000000&is=1"

    def _shown_embed(self, sent: Sent, embed: dict[str, Any]) -> dict[str, Any]:
        """An embed as Discord returns it: an ``attachment://`` image is now the file's
        CDN address (the file itself is no longer among the attachments)."""
        shown = dict(embed)
        for key in ("image", "thumbnail"):
            url = str((embed.get(key) or {}).get("url") or "")
            if url.startswith("attachment://"):
                cdn = self.file_url(sent, url.removeprefix("attachment://"))
                shown[key] = {"url": cdn, "proxy_url": cdn, "width": 800, "height": 450}
        return shown

    def _shown_components(self, sent: Sent) -> list[dict[str, Any]]:
        """The components as Discord returns them: each ``attachment://`` media is now the
        file's CDN address."""
        shown = copy.deepcopy(sent.components)
        for media in media_of(shown):
            url = str(media.get("url") or "")
            if url.startswith("attachment://"):
                cdn = self.file_url(sent, url.removeprefix("attachment://"))
                media.update(url=cdn, proxy_url=cdn, width=800, height=450)
        return shown

    def _store(
        self, channel_id: int, payload: dict[str, Any], files: list[tuple[str, bytes]]
    ) -> Sent | web.Response:
        refused = refusal(payload, files)
        if refused is not None:
            return refused
        sent = Sent(
            next(self._ids), channel_id, str(payload.get("content") or ""), files, payload=payload
        )
        self.messages[sent.id] = sent
        return sent

    async def _edit(self, request: web.Request, channel_id: int, message_id: int) -> web.Response:
        """PATCH .../messages/{id}: the fields sent replace the message's own (as Discord
        does), within the same limits as a new message."""
        sent = self.messages.get(message_id)
        if sent is None or sent.deleted or sent.channel_id != channel_id:
            return error(404, 10008, "Unknown Message")
        payload, files = await self._body(request)
        edited = {**sent.payload, **payload}
        refused = refusal(edited, files or sent.files)
        if refused is not None:
            return refused
        sent.edits.append(payload)
        sent.payload = edited
        sent.content = str(edited.get("content") or "")
        sent.files = files or sent.files
        return json_response(self._message_payload(sent))

    def channel_messages(self, channel_id: int = CHANNEL_ID) -> list[Sent]:
        return [m for m in self.messages.values() if m.channel_id == channel_id and not m.deleted]

    def dms_to(self, user_id: int) -> list[Sent]:
        channels = {c for c, u in self.dm_channels.items() if u == user_id}
        return [m for m in self.messages.values() if m.channel_id in channels]

    async def _rest(self, request: web.Request) -> web.Response:
        try:
            return await self._route(request)
        finally:
            await self._notify()

    async def _route(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        method = request.method
        self.requests.append((method, path))
        parts = path.strip("/").split("/")
        key = f"{method} /{'/'.join(parts[:1])}"
        for pattern, seconds in list(self.rate_limit_next.items()):
            if pattern == f"{method} {path}" or pattern == key:
                del self.rate_limit_next[pattern]
                self.rate_limited.append(f"{method} {path}")
                return json_response(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": seconds,
                        "global": False,
                    },
                    429,
                    Via="1.1 google",
                    **{
                        "Retry-After": str(seconds),
                        "X-RateLimit-Limit": "5",
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset-After": str(seconds),
                        "X-RateLimit-Bucket": "fake-bucket",
                        "X-RateLimit-Scope": "user",
                    },
                )
        if method == "GET" and path == "/users/@me":
            if self.login == "refuse":
                return error(401, 0, "401: Unauthorized")
            if self.login == "hang":
                await self._notify()
                await asyncio.Event().wait()
            return json_response(self.users[BOT_ID])
        if method == "GET" and path == "/oauth2/applications/@me":
            return json_response(
                {
                    "id": str(APP_ID),
                    "name": "TGraph",
                    "icon": None,
                    "description": "",
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": self.users[ADMIN_ID],
                    "verify_key": "0" * 64,
                    "flags": 0,
                    "team": None,
                }
            )
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            payload, _ = await self._body(request)
            if self.refuse_command_sync is not None:
                return json_response(
                    {
                        "code": 50035,
                        "message": "Invalid Form Body",
                        "errors": {
                            "0": {
                                "name_localizations": {
                                    "da": {
                                        "_errors": [
                                            {
                                                "code": "APPLICATION_COMMAND_INVALID_NAME",
                                                "message": self.refuse_command_sync,
                                            }
                                        ]
                                    }
                                }
                            }
                        },
                    },
                    400,
                )
            commands = payload if isinstance(payload, list) else []
            self.commands = [
                {
                    **c,
                    "id": str(next(self._ids)),
                    "application_id": str(APP_ID),
                    "version": "1",
                    "type": c.get("type", 1),
                }
                for c in commands
            ]
            return json_response(self.commands)
        if method == "GET" and parts[0] == "applications" and parts[-1] == "commands":
            return json_response(self.commands)
        if method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            payload, files = await self._body(request)
            record = self.interactions.get(int(parts[1]))
            if record is None:
                return error(404, 10062, "Unknown interaction")
            if record.callbacks:
                return error(400, 40060, "Interaction has already been acknowledged.")
            refused = self._refuse_once(record, payload.get("data")) or refusal(
                payload.get("data") or {}, files
            )
            if refused is not None:
                record.refusals.append(payload)
                return refused
            record.callbacks.append(payload)
            msg_id = next(self._ids)
            return json_response(
                {
                    "interaction": {
                        "id": str(record.id),
                        "type": 2,
                        "response_message_id": str(msg_id),
                        "response_message_loading": payload.get("type") == 5,
                        "response_message_ephemeral": bool(
                            int((payload.get("data") or {}).get("flags", 0)) & 64
                        ),
                    },
                    "resource": {"type": payload.get("type", 4)},
                }
            )
        if parts[0] == "webhooks" and len(parts) >= 3:
            record = next((r for r in self.interactions.values() if r.token == parts[2]), None)
            if record is None:
                return error(404, 10015, "Unknown Webhook")
            payload, files = await self._body(request)
            refused = (
                self._refuse_once(record, payload) or refusal(payload, files)
                if method in ("POST", "PATCH")
                else None
            )
            if refused is not None:
                record.refusals.append(payload)
                return refused
            if method == "PATCH":
                record.edits.append(payload)
            elif method == "POST":
                record.followups.append(payload)
            elif method == "GET":
                pass
            sent = Sent(
                next(self._ids),
                CHANNEL_ID,
                str(payload.get("content") or ""),
                files,
                payload=payload,
            )
            message = self._message_payload(sent)
            message["webhook_id"] = str(APP_ID)
            message["flags"] = int(payload.get("flags", 0))
            return json_response(message)
        if method == "POST" and path == "/users/@me/channels":
            payload, _ = await self._body(request)
            user_id = int(payload["recipient_id"])
            channel_id = next((c for c, u in self.dm_channels.items() if u == user_id), None)
            if channel_id is None:
                channel_id = next(self._ids)
                self.dm_channels[channel_id] = user_id
            return json_response(
                {
                    "id": str(channel_id),
                    "type": 1,
                    "recipients": [self.users[user_id]],
                    "last_message_id": None,
                }
            )
        if parts[0] == "channels" and len(parts) >= 2:
            channel_id = int(parts[1])
            if method == "GET" and len(parts) == 2:
                if channel_id == CHANNEL_ID:
                    return json_response(self.guild_payload()["channels"][0])
                return error(404, 10003, "Unknown Channel")
            if method == "POST" and parts[2:] == ["messages"]:
                if channel_id in self.dm_channels:
                    if self.dm_channels[channel_id] in self.dm_blocked:
                        return error(403, 50007, "Cannot send messages to this user")
                elif channel_id != CHANNEL_ID:
                    return error(404, 10003, "Unknown Channel")
                elif (
                    self.hang_sends_after is not None
                    and len(self.channel_messages()) >= self.hang_sends_after
                ):
                    await self._sends_released.wait()
                    return error(503, 0, "Service Unavailable")
                payload, files = await self._body(request)
                losing = channel_id == CHANNEL_ID and (
                    self.lose_replies_after is not None
                    and len(self.channel_messages()) >= self.lose_replies_after
                )
                stored = self._store(channel_id, payload, files)
                if isinstance(stored, web.Response):
                    return stored
                if losing:
                    await self._notify()  # the message is there: waiters may look now
                    await self._sends_released.wait()
                    return error(503, 0, "Service Unavailable")
                return json_response(self._message_payload(stored))
            if method == "GET" and parts[2:] == ["messages"] and channel_id == CHANNEL_ID:
                # Only ``after`` and ``limit``: up to ``limit`` messages after that id, the
                # newest first, as Discord answers.
                after = int(request.query.get("after", "0"))
                limit = min(100, int(request.query.get("limit", "50")))
                found = sorted(m.id for m in self.channel_messages() if m.id > after)[:limit]
                return json_response(
                    [self._message_payload(self.messages[i]) for i in reversed(found)]
                )
            if method == "PATCH" and len(parts) == 4 and parts[2] == "messages":
                return await self._edit(request, channel_id, int(parts[3]))
            if method == "DELETE" and len(parts) == 4 and parts[2] == "messages":
                sent = self.messages.get(int(parts[3]))
                if sent is None or sent.deleted:
                    return error(404, 10008, "Unknown Message")
                sent.deleted = True
                return web.Response(status=204)
        return error(404, 0, f"fake Discord has no route {method} {path}")


async def _main(port: int, login: str) -> None:
    async with FakeDiscord(port=port, login=login) as fake:
        print(fake.url, flush=True)  # noqa: T201
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.Event().wait()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--login", choices=LOGIN_MODES, default="ok")
    args = parser.parse_args()
    asyncio.run(_main(args.port, args.login))
