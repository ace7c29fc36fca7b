"""The Plex module's decisions, pure: playlist plan, credits, summary merge, completion.

Nothing here talks to Plex, MusicBrainz or Tautulli; the services hand in plain values
(rating keys, credits, summaries) and carry out what these functions decide.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

T = TypeVar("T")

CHUNK = 100
"""Most rating keys in one playlist request: longer URIs fail with HTTP 414."""

# -- what the library holds (the Plex adapter converts plexapi's objects into these) -------


@dataclass(frozen=True, slots=True)
class PlexTrack:
    rating_key: int
    title: str
    album: str
    artist: str
    user_rating: float | None


@dataclass(frozen=True, slots=True)
class PlexArtist:
    rating_key: int
    title: str


@dataclass(frozen=True, slots=True)
class PlexAlbum:
    rating_key: int
    title: str
    artist: str
    year: int | None
    summary: str
    track_count: int


@dataclass(frozen=True, slots=True)
class PlexPlaylist:
    rating_key: int
    title: str
    entries: tuple[PlaylistEntry, ...]


# -- ratings and the Top Rated playlist ------------------------------------------------------


def min_rating(stars: float) -> float:
    """Plex's ``userRating`` (0-10) for a number of stars: 4 stars = 8."""
    return stars * 2


def rating_floor(stars: float) -> int:
    """The whole number for Plex's ``userRating>>=`` filter, which means *strictly* greater.

    Ratings are whole numbers 0-10 (half stars are odd numbers), so "at least 8" is ">7";
    the caller still checks :func:`qualifies` on what comes back.
    """
    return math.ceil(min_rating(stars) - 1e-9) - 1


def qualifies(user_rating: float | None, stars: float) -> bool:
    """Is a track rated at least ``stars``? Unrated tracks never are."""
    return user_rating is not None and user_rating >= min_rating(stars) - 1e-9


@dataclass(frozen=True, slots=True)
class PlaylistEntry:
    """One entry of a playlist: its own id in the playlist, and the track it holds."""

    item_id: int
    rating_key: int


@dataclass(frozen=True, slots=True)
class PlaylistPlan:
    """What to change so a playlist holds exactly the wanted tracks, each once.

    ``add`` keeps the wanted order; ``remove`` lists playlist item ids (not tracks):
    entries no longer wanted, and every entry after the first of a duplicated track.
    """

    add: tuple[int, ...] = ()
    remove: tuple[int, ...] = ()
    total: int = 0

    @property
    def changes(self) -> bool:
        return bool(self.add or self.remove)

    def add_chunks(self, size: int = CHUNK) -> list[tuple[int, ...]]:
        return list(chunks(self.add, size))


def plan_playlist(current: Iterable[PlaylistEntry], wanted: Iterable[int]) -> PlaylistPlan:
    """The plan that turns ``current`` into exactly the set ``wanted`` (order kept)."""
    wanted_keys = list(dict.fromkeys(wanted))
    wanted_set = set(wanted_keys)
    present: set[int] = set()
    remove: list[int] = []
    for entry in current:
        if entry.rating_key not in wanted_set or entry.rating_key in present:
            remove.append(entry.item_id)
        else:
            present.add(entry.rating_key)
    add = tuple(key for key in wanted_keys if key not in present)
    return PlaylistPlan(add=add, remove=tuple(remove), total=len(wanted_keys))


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[tuple[T, ...]]:
    """``items`` in consecutive slices of at most ``size``."""
    if size < 1:
        raise ValueError("size must be at least 1")
    for start in range(0, len(items), size):
        yield tuple(items[start : start + size])


# -- album credits ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Credit:
    """One performer credit: who, and on what (an instrument or a kind of vocals)."""

    name: str
    role: str


def _role_key(role: str) -> str:
    return " ".join(role.split()).casefold()


def _display_role(role: str) -> str:
    """``"tenor saxophone"`` -> ``"Tenor Saxophone"``; words in brackets and other capitals
    are kept: ``"drums (drum set)"`` -> ``"Drums (drum set)"``, ``"EWI"`` stays."""
    words: list[str] = []
    depth = 0
    for word in role.split():
        words.append(word if depth else word[:1].upper() + word[1:])
        depth = max(0, depth + word.count("(") - word.count(")"))
    return " ".join(words)


def merge_credits(credits: Iterable[Credit]) -> list[tuple[str, list[str]]]:
    """Credits grouped per person, people and roles in first-seen order, no repeats."""
    people: dict[str, tuple[str, dict[str, str]]] = {}
    for credit in credits:
        name = " ".join(credit.name.split())
        role = _display_role(credit.role)
        if not name or not role:
            continue
        _, roles = people.setdefault(name.casefold(), (name, {}))
        roles.setdefault(_role_key(role), role)
    return [(name, list(roles.values())) for name, roles in people.values()]


def format_credits(credits: Iterable[Credit]) -> str:
    """``"John Coltrane: Tenor Saxophone, Soprano Saxophone | McCoy Tyner: Piano"``."""
    return " | ".join(f"{name}: {', '.join(roles)}" for name, roles in merge_credits(credits))


# -- the album summary -----------------------------------------------------------------------

EnrichPosition = Literal["append", "prepend"]

BLOCK_START = "[Credits]"
BLOCK_END = "[/Credits]"
_BLOCK = re.compile(re.escape(BLOCK_START) + r".*?" + re.escape(BLOCK_END), re.DOTALL)


def credits_block(text: str) -> str:
    """The marked block the bot writes, so a later run finds and replaces it."""
    return f"{BLOCK_START} {text} {BLOCK_END}"


def strip_block(summary: str) -> str:
    """The summary without any credits block the bot wrote earlier."""
    return _BLOCK.sub("", summary).strip()


def merge_summary(summary: str, credits_text: str, position: EnrichPosition) -> str:
    """``summary`` with exactly one credits block, at ``position``; idempotent.

    Any earlier block is removed first, so running again with the same credits gives the
    same text, and with new credits replaces the block instead of adding a second one.
    """
    base = strip_block(summary)
    block = credits_block(credits_text)
    if not base:
        return block
    return f"{base}\n\n{block}" if position == "append" else f"{block}\n\n{base}"


# -- artist completion -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Completion:
    played: int
    total: int

    @property
    def percent(self) -> float:
        return 0.0 if self.total == 0 else 100.0 * self.played / self.total


def completion(artist_tracks: Iterable[int], played: Iterable[int]) -> Completion:
    """How many distinct tracks of the artist were played (plays of other tracks ignored)."""
    tracks = set(artist_tracks)
    return Completion(played=len(tracks.intersection(played)), total=len(tracks))


def closest_names(name: str, names: Iterable[str], limit: int = 5) -> list[str]:
    """The names most like ``name`` (case-insensitive), best first: "did you mean"."""
    by_folded: dict[str, str] = {}
    for candidate in names:
        by_folded.setdefault(candidate.casefold(), candidate)
    folded = name.casefold()
    contains = [orig for key, orig in by_folded.items() if folded and folded in key]
    close = difflib.get_close_matches(folded, list(by_folded), n=limit, cutoff=0.5)
    ordered = dict.fromkeys([*sorted(contains, key=len), *(by_folded[key] for key in close)])
    return list(ordered)[:limit]


def find_by_name(name: str, names: Iterable[str]) -> list[str]:
    """Exact (case-insensitive) matches of ``name`` among ``names``."""
    folded = " ".join(name.split()).casefold()
    return [candidate for candidate in names if " ".join(candidate.split()).casefold() == folded]


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one playlist sync changed: "added 12, removed 3, 240 tracks"."""

    added: int
    removed: int
    total: int
    created: bool = False
    playlist: str = ""  # its title, as the answer names it


__all__ = [
    "BLOCK_END",
    "BLOCK_START",
    "CHUNK",
    "Completion",
    "Credit",
    "EnrichPosition",
    "PlaylistEntry",
    "PlaylistPlan",
    "PlexAlbum",
    "PlexArtist",
    "PlexPlaylist",
    "PlexTrack",
    "SyncResult",
    "chunks",
    "closest_names",
    "completion",
    "credits_block",
    "find_by_name",
    "format_credits",
    "merge_credits",
    "merge_summary",
    "min_rating",
    "plan_playlist",
    "qualifies",
    "rating_floor",
    "strip_block",
]
