"""The configuration schema: every key, its type, default and rules, in one place.

Keys are the original TGraph Bot's flat UPPER_CASE names. Secrets are ``SecretStr``. Every key is
applied live (the running bot reads it when it needs it, or rebuilds what is made from
it: the Tautulli and plex.tv clients) unless its metadata says ``restart=True``: then it
is read at start-up only, and an edit says it needs a restart. ``editable=False`` keeps a
key out of ``config set`` and ``/config edit`` (where it points the bot's token or data).
Everything else about a key (is it editable? is it secret? live?) is derived from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
)
from pydantic_core import PydanticCustomError

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
_MMDD = re.compile(r"^(\d\d)-(\d\d)$")
DECIMAL_INT = re.compile(r"[-+]?[0-9]+")
DECIMAL_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
MAX_DIGITS = 4300
"""Python turns at most this many digits into a number (``sys.get_int_max_str_digits``);
no setting comes near it, and a longer value is refused before anything converts it."""
_MENTION = re.compile(r"[@<>\s]")


def _colour(value: str) -> str:
    if _HEX.match(value):
        return value
    from matplotlib.colors import is_color_like  # deferred: only when a name is given

    if value.strip() and not value.strip().replace(".", "", 1).isdigit() and is_color_like(value):
        return value
    raise ValueError("not a colour: use #RRGGBB or a colour name such as 'steelblue'")


def _fixed_time(value: str) -> str:
    if value == "XX:XX" or _HHMM.match(value):
        return value
    raise ValueError('not a time: use "HH:MM" (24-hour) or "XX:XX" for no fixed time')


def _month_day(value: str) -> str:
    """``"MM-DD"``, a day every year has (not 02-29), or empty (off)."""
    match = _MMDD.match(value)
    if value == "" or (match is not None and _every_year(int(match[1]), int(match[2]))):
        return value
    raise ValueError('not a day of the year: use "MM-DD" such as "12-01", or "" for off')


def _every_year(month: int, day: int) -> bool:
    try:
        date(2001, month, day)  # not a leap year
    except ValueError:
        return False
    return True


def _timezone(value: str) -> str:
    if not value:  # empty: the store put the environment's TZ here when it names a zone
        return "UTC"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not a time zone: use an IANA name such as 'Europe/Copenhagen'") from None
    return value


def _number_text(value: str, pattern: re.Pattern[str]) -> str:
    """A number typed as text (the environment, ``config set``, a YAML scalar that was not
    plain decimal): only plain decimal digits, and not more of them than Python converts."""
    text = value.strip()
    if not pattern.fullmatch(text):
        raise PydanticCustomError("not_decimal", "not plain decimal")
    digits = sum(char.isdigit() for char in text)
    if digits > MAX_DIGITS:
        raise PydanticCustomError("too_many_digits", "too many digits", {"digits": digits})
    return text


def _whole_number(value: Any) -> Any:
    """Integers are plain decimal: ``0x10``, ``0o20``, ``1_000``, ``7.0`` or ``true`` are
    refused, not read as 16, 16, 1000, 7 or 1 (pydantic and YAML would accept them all)."""
    if isinstance(value, str):
        return _number_text(value, DECIMAL_INT)
    if isinstance(value, bool | float):
        raise PydanticCustomError("int_type", "not a whole number")
    return value


def _decimal_number(value: Any) -> Any:
    """A number with an optional decimal point (``4.5``), plain decimal like the integers."""
    if isinstance(value, str):
        return _number_text(value, DECIMAL_NUMBER)
    if isinstance(value, bool):
        raise PydanticCustomError("float_type", "not a number")
    return value


def _command_prefix(value: Any) -> Any:
    """Run before the length check: ``@everyone`` is refused as a mention, not as too long."""
    if isinstance(value, str) and _MENTION.search(value):
        raise ValueError(
            "cannot contain spaces, @, < or >: Discord reads those as mentions such as "
            "@here; use a character such as ! or ?"
        )
    return value


def _id_list(value: Any) -> Any:
    """Accept a YAML list, or a comma-separated string (from the environment)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


def _url(value: str) -> str:
    if value and not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("not a URL: use http://host:port or https://host")
    return value.rstrip("/")


Colour = Annotated[str, AfterValidator(_colour)]
Whole = Annotated[int, BeforeValidator(_whole_number)]
Number = Annotated[float, BeforeValidator(_decimal_number)]
DiscordId = Annotated[Whole, Field(ge=0, le=2**64 - 1)]
Secret = SecretStr


def _restart(**extra: Any) -> dict[str, Any]:
    return {"restart": True, **extra}


def _carries_secret() -> dict[str, Any]:
    """An address the bot sends a secret to (an API key, a token) or trusts to vouch for a
    member (plex.tv's sign-in): not editable from Discord, where a server admin who is not
    the owner could point it at their own host. The file, the environment and
    ``tgraph-bot config set`` (all on the owner's machine) still change it."""
    return {"carries_secret": True}


class Settings(BaseModel):
    """Every setting of TGraph Bot. Immutable: a change makes a new snapshot."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    # Essentials
    TAUTULLI_API_KEY: Secret = SecretStr("")
    TAUTULLI_URL: Annotated[str, AfterValidator(_url)] = Field(
        default="http://localhost:8181/api/v2", json_schema_extra=_carries_secret()
    )
    DISCORD_TOKEN: Secret = Field(default=SecretStr(""), json_schema_extra=_restart())
    CHANNEL_ID: DiscordId = 0

    # Timing and retention
    UPDATE_DAYS: Whole = Field(default=7, ge=1, le=365)
    FIXED_UPDATE_TIME: Annotated[str, AfterValidator(_fixed_time)] = "XX:XX"
    POST_ON_START: bool = True
    KEEP_DAYS: Whole = Field(default=7, ge=1, le=3650)
    TIME_RANGE_DAYS: Whole = Field(default=30, ge=1, le=3650)
    LANGUAGE: Literal["en", "da"] = "en"
    TIMEZONE: Annotated[str, AfterValidator(_timezone)] = "UTC"

    # Graph options
    CENSOR_USERNAMES: bool = True
    ENABLE_GRAPH_GRID: bool = False
    GRAPH_Y_AXIS: Literal["plays", "duration"] = "plays"
    POST_LAYOUT: Literal["gallery", "embeds", "plain"] = "gallery"
    DAILY_GRAPH_BUCKET: Literal["auto", "day", "week"] = "auto"
    ENABLE_DAILY_PLAY_COUNT: bool = True
    ENABLE_PLAY_COUNT_BY_DAYOFWEEK: bool = True
    ENABLE_PLAY_COUNT_BY_HOUROFDAY: bool = True
    ENABLE_TOP_10_PLATFORMS: bool = True
    ENABLE_TOP_10_USERS: bool = True
    ENABLE_PLAY_COUNT_BY_MONTH: bool = True
    ENABLE_DAILY_PLAY_COUNT_BY_STREAM_TYPE: bool = True
    ENABLE_DAILY_CONCURRENT_STREAM_COUNT: bool = True
    ENABLE_PLAY_COUNT_BY_SOURCE_RESOLUTION: bool = True
    ENABLE_PLAY_COUNT_BY_STREAM_RESOLUTION: bool = True
    ENABLE_TOP_10_PLATFORMS_BY_STREAM_TYPE: bool = True
    ENABLE_TOP_10_USERS_BY_STREAM_TYPE: bool = True

    # Graph colours
    GRAPH_THEME: Literal["light", "dark"] = "dark"
    TV_COLOR: Colour = "#1f77b4"
    MOVIE_COLOR: Colour = "#ff7f0e"
    MUSIC_COLOR: Colour = "#2ca02c"
    LIVE_TV_COLOR: Colour = "#d62728"
    GRAPH_BACKGROUND_COLOR: Colour = "#ffffff"
    ANNOTATION_COLOR: Colour = "#1f2328"
    ANNOTATION_OUTLINE_COLOR: Colour = "#ffffff"
    ENABLE_ANNOTATION_OUTLINE: bool = True

    # Annotation options
    ANNOTATE_DAILY_PLAY_COUNT: bool = True
    ANNOTATE_PLAY_COUNT_BY_DAYOFWEEK: bool = True
    ANNOTATE_PLAY_COUNT_BY_HOUROFDAY: bool = True
    ANNOTATE_TOP_10_PLATFORMS: bool = True
    ANNOTATE_TOP_10_USERS: bool = True
    ANNOTATE_PLAY_COUNT_BY_MONTH: bool = True
    ANNOTATE_DAILY_PLAY_COUNT_BY_STREAM_TYPE: bool = True
    ANNOTATE_DAILY_CONCURRENT_STREAM_COUNT: bool = True
    ANNOTATE_PLAY_COUNT_BY_SOURCE_RESOLUTION: bool = True
    ANNOTATE_PLAY_COUNT_BY_STREAM_RESOLUTION: bool = True
    ANNOTATE_TOP_10_PLATFORMS_BY_STREAM_TYPE: bool = True
    ANNOTATE_TOP_10_USERS_BY_STREAM_TYPE: bool = True

    # Command cooldowns
    CONFIG_COOLDOWN_MINUTES: Whole = Field(default=0, ge=0, le=1440)
    CONFIG_GLOBAL_COOLDOWN_SECONDS: Whole = Field(default=0, ge=0, le=86400)
    UPDATE_GRAPHS_COOLDOWN_MINUTES: Whole = Field(default=0, ge=0, le=1440)
    UPDATE_GRAPHS_GLOBAL_COOLDOWN_SECONDS: Whole = Field(default=0, ge=0, le=86400)
    MY_STATS_COOLDOWN_MINUTES: Whole = Field(default=5, ge=0, le=1440)
    MY_STATS_GLOBAL_COOLDOWN_SECONDS: Whole = Field(default=60, ge=0, le=86400)

    # Personal stats
    MY_STATS_VERIFICATION: Literal["plex", "admin", "none"] = "plex"
    PLEX_TV_URL: Annotated[str, AfterValidator(_url)] = Field(
        default="https://plex.tv", json_schema_extra=_carries_secret()
    )

    # Camera ranking
    CAMERA_TRACKING_ENABLED: bool = True
    CAMERA_IGNORED_CHANNEL_IDS: Annotated[list[DiscordId], BeforeValidator(_id_list)] = Field(
        default_factory=list[int]
    )
    COMMAND_PREFIX: Annotated[str, BeforeValidator(_command_prefix)] = Field(
        default="!", min_length=1, max_length=5
    )
    ENABLE_PREFIX_COMMANDS: bool = Field(default=False, json_schema_extra=_restart())

    # Plex automation
    PLEX_ENABLED: bool = Field(default=False, json_schema_extra=_restart())
    # The Plex and MusicBrainz connections are made at start-up: these need a restart.
    PLEX_URL: Annotated[str, AfterValidator(_url)] = Field(
        default="http://localhost:32400", json_schema_extra=_restart(**_carries_secret())
    )
    PLEX_TOKEN: Secret = Field(default=SecretStr(""), json_schema_extra=_restart())
    PLEX_MUSIC_LIBRARY: str = Field(default="Music", json_schema_extra=_restart())
    DISCOGS_TOKEN: Secret = Field(default=SecretStr(""), json_schema_extra=_restart())
    MUSICBRAINZ_USER_AGENT: str = Field(
        default="TGraphBot/0.1 ( https://github.com/tgraph-bot/tgraph-bot )",
        json_schema_extra=_restart(),
    )
    MUSICBRAINZ_URL: Annotated[str, AfterValidator(_url)] = Field(
        default="https://musicbrainz.org", json_schema_extra=_restart()
    )
    ENRICH_POSITION: Literal["append", "prepend"] = "append"
    ENRICH_LOCK_SUMMARY: bool = True
    TOP_RATED_PLAYLIST: str = Field(default="My Top Rated", min_length=1)
    TOP_RATED_MIN_STARS: Number = Field(default=4, ge=0.5, le=5)
    PLAYLIST_SYNC_HOURS: Whole = Field(default=24, ge=0, le=720)
    ACTIVITY_CHANNEL_ID: DiscordId = 0
    ACTIVITY_REFRESH_SECONDS: Whole = Field(default=0, ge=0, le=86400)

    # Wrapped: the play history kept locally
    HISTORY_SYNC_MINUTES: int = Field(default=60, ge=0, le=10080)
    WRAPPED_DATE: Annotated[str, AfterValidator(_month_day)] = "12-01"

    # Advanced
    DATA_DIR: str = Field(default="data", min_length=1, json_schema_extra=_restart(editable=False))
    DISCORD_API_BASE_URL: Annotated[str, AfterValidator(_url)] = Field(
        default="", json_schema_extra=_restart(editable=False)
    )


def _extra(name: str) -> dict[str, Any]:
    extra = Settings.model_fields[name].json_schema_extra
    return cast(dict[str, Any], extra) if isinstance(extra, dict) else {}


KEYS: tuple[str, ...] = tuple(Settings.model_fields)
SECRET_KEYS: frozenset[str] = frozenset(
    name for name, field in Settings.model_fields.items() if field.annotation is SecretStr
)
RESTART_KEYS: frozenset[str] = frozenset(name for name in KEYS if _extra(name).get("restart"))
"""Read at start-up only: an edit is saved and takes effect after a restart."""
LIVE_KEYS: frozenset[str] = frozenset(KEYS) - RESTART_KEYS
"""Applied by the running bot as soon as they change."""
EDITABLE_KEYS: tuple[str, ...] = tuple(
    name
    for name in KEYS
    if name not in SECRET_KEYS and _extra(name).get("editable", True) is not False
)


def changed(old: Settings, new: Settings, keys: Iterable[str]) -> bool:
    """Whether any of ``keys`` differs between two snapshots of the settings."""
    return any(getattr(old, key) != getattr(new, key) for key in keys)


SECRET_ROUTE_KEYS: frozenset[str] = frozenset(
    name for name in KEYS if _extra(name).get("carries_secret")
)
"""Where a secret goes (see ``_carries_secret``): editable on the owner's machine only."""
DISCORD_EDITABLE_KEYS: tuple[str, ...] = tuple(
    name for name in EDITABLE_KEYS if name not in SECRET_ROUTE_KEYS
)

__all__ = [
    "DECIMAL_INT",
    "DECIMAL_NUMBER",
    "DISCORD_EDITABLE_KEYS",
    "EDITABLE_KEYS",
    "KEYS",
    "LIVE_KEYS",
    "MAX_DIGITS",
    "RESTART_KEYS",
    "SECRET_KEYS",
    "SECRET_ROUTE_KEYS",
    "Settings",
    "changed",
]
