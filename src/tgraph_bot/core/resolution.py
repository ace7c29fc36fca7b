"""Video resolutions as people write them: one spelling wherever a member reads one (the
resolution graphs, /plex usage and the live message), "4K" and never Tautulli's "4k"."""

from __future__ import annotations

RESOLUTION_ORDER = ("4K", "1440p", "1080p", "720p", "576p", "480p", "SD")
"""Source and stream resolutions, best first: the same order at any range, whatever the counts."""
_RESOLUTION_NAMES = {"4k": "4K", "2160p": "4K", "2k": "1440p", "sd": "SD", "unknown": "Unknown"}


def resolution_name(category: str) -> str:
    """Tautulli's resolution as people write it: ``"4k"`` -> ``"4K"``, ``"1080"`` -> ``"1080p"``."""
    name = category.strip()
    if name.isdigit():
        name += "p"
    return _RESOLUTION_NAMES.get(name.lower(), name)


__all__ = ["RESOLUTION_ORDER", "resolution_name"]
