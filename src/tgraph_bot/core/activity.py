"""Tautulli's ``get_activity``: parsed into plain streams, pure helpers for showing them.

Tautulli sends most numbers as strings ("37", "1034000"), leaves fields empty rather
than absent, and says ``copy`` where Plex says direct stream. All of that is settled here,
once, so the Discord embed and the command line show the same facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

from tgraph_bot.core.resolution import resolution_name

Decision = Literal["direct play", "direct stream", "transcode"]
State = Literal["playing", "paused", "buffering"]


@dataclass(frozen=True, slots=True)
class Stream:
    user: str
    media_type: str
    title: str
    """Show - SxxEyy - episode; artist - album - track; or the title (movies, live TV)."""
    player: str
    platform: str
    quality: str
    decision: Decision
    transcoding: tuple[str, ...]
    """What is transcoded: ("video", "audio"); empty unless ``decision`` is transcode."""
    state: State
    offset_ms: int
    duration_ms: int
    location: str


@dataclass(frozen=True, slots=True)
class Activity:
    streams: tuple[Stream, ...]
    lan_kbps: int
    wan_kbps: int

    @property
    def count(self) -> int:
        return len(self.streams)


def _text(row: Mapping[str, object], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _int(row: Mapping[str, object], key: str) -> int:
    try:
        return max(0, int(float(_text(row, key) or 0)))
    except ValueError:
        return 0


def _decision(value: str) -> Decision:
    lowered = value.lower()
    if lowered == "transcode":
        return "transcode"
    if lowered in {"copy", "direct stream"}:
        return "direct stream"
    return "direct play"


def _state(value: str) -> State:
    lowered = value.lower()
    return cast(State, lowered) if lowered in {"paused", "buffering"} else "playing"


def _title(row: Mapping[str, object]) -> str:
    kind = _text(row, "media_type")
    title = _text(row, "title")
    if kind == "episode":
        show = _text(row, "grandparent_title")
        season = _int(row, "parent_media_index")
        episode = _int(row, "media_index")
        where = f"S{season:02d}E{episode:02d}" if season and episode else _text(row, "parent_title")
        return " - ".join(part for part in (show, where, title) if part)
    if kind == "track":
        parts = (_text(row, "grandparent_title"), _text(row, "parent_title"), title)
        return " - ".join(part for part in parts if part)
    return _text(row, "full_title") or title


def _quality(row: Mapping[str, object], decision: Decision) -> str:
    source = _text(row, "video_full_resolution")
    stream = _text(row, "stream_video_full_resolution")
    if not source:  # music
        codec = _text(row, "stream_audio_codec") or _text(row, "audio_codec")
        bitrate = _int(row, "stream_bitrate")
        parts = [codec.upper(), f"{bitrate} kbps" if bitrate else ""]
        return " ".join(part for part in parts if part) or _text(row, "quality_profile")
    source = resolution_name(source)
    stream = resolution_name(stream) if stream else ""
    if decision == "transcode" and stream and stream != source:
        return f"{source} → {stream}"
    return source


def parse_activity(data: object) -> Activity:
    """``get_activity``'s ``data`` as an :class:`Activity`; raises ValueError on a bad shape."""
    if not isinstance(data, Mapping):
        raise ValueError("get_activity data is not an object")
    body = cast(Mapping[str, object], data)
    sessions: object = body.get("sessions") or []
    if not isinstance(sessions, list):
        raise ValueError("get_activity sessions is not a list")
    streams: list[Stream] = []
    for raw in cast(list[object], sessions):
        if not isinstance(raw, Mapping):
            continue
        row = cast(Mapping[str, object], raw)
        decision = _decision(_text(row, "transcode_decision"))
        transcoding = tuple(
            kind
            for kind in ("video", "audio")
            if _text(row, f"{kind}_decision").lower() == "transcode"
        )
        streams.append(
            Stream(
                user=_text(row, "friendly_name") or _text(row, "user"),
                media_type=_text(row, "media_type"),
                title=_title(row),
                player=_text(row, "player"),
                platform=_text(row, "platform"),
                quality=_quality(row, decision),
                decision=decision,
                transcoding=transcoding if decision == "transcode" else (),
                state=_state(_text(row, "state")),
                offset_ms=_int(row, "view_offset"),
                duration_ms=_int(row, "duration"),
                location=_text(row, "location"),
            )
        )
    return Activity(
        streams=tuple(streams),
        lan_kbps=_int(body, "lan_bandwidth"),
        wan_kbps=_int(body, "wan_bandwidth"),
    )


def clock(ms: int) -> str:
    """``1034000`` -> ``"17:14"``; an hour or more -> ``"1:33:21"``."""
    seconds = max(0, ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_bar(offset_ms: int, duration_ms: int, width: int = 12) -> str:
    """``▓▓▓▓░░░░░░░░ 17:14 / 46:21``; without a duration (live TV) just the elapsed time."""
    if duration_ms <= 0:
        return clock(offset_ms)
    filled = round(width * min(1.0, max(0, offset_ms) / duration_ms))
    bar = "▓" * filled + "░" * (width - filled)
    return f"{bar} {clock(offset_ms)} / {clock(duration_ms)}"


def bandwidth(kbps: int) -> str:
    """``13811`` -> ``"13.8 Mbps"``; below 1 Mbps in kbps."""
    return f"{kbps / 1000:.1f} Mbps" if kbps >= 1000 else f"{kbps} kbps"


def fit(sizes: list[int], *, max_items: int, budget: int) -> int:
    """How many leading items fit in ``max_items`` and ``budget`` characters.

    Used for Discord's embed limits (25 fields, 6,000 characters): the caller shows that
    many and "and N more" for the rest (that line is part of what ``budget`` leaves room for).
    """
    used = 0
    for count, size in enumerate(sizes[:max_items]):
        if used + size > budget:
            return count
        used += size
    return min(len(sizes), max_items)


__all__ = [
    "Activity",
    "Decision",
    "State",
    "Stream",
    "bandwidth",
    "clock",
    "fit",
    "parse_activity",
    "progress_bar",
]
