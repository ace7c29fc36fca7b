"""One theme for every graph, built from the settings. Plain data, so workers get a copy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tgraph_bot.core.graphdata import PEAK_SERIES, TOTAL_SERIES

if TYPE_CHECKING:
    from tgraph_bot.config.schema import Settings

STREAM_COLOURS: dict[str, str] = {
    "Direct Play": "#2a9d8f",
    "Direct Stream": "#8e7cc3",
    "Transcode": "#e76f51",
}
"""Stream types get their own palette, apart from the media-type colours."""

DARK_TEXT = "#1f2328"
LIGHT_TEXT = "#e8e8e8"


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.strip()
    if value.startswith("#") and len(value) in (4, 5, 7, 9):
        digits = value[1:]
        if len(digits) in (3, 4):
            digits = "".join(ch * 2 for ch in digits)
        return (int(digits[0:2], 16) / 255, int(digits[2:4], 16) / 255, int(digits[4:6], 16) / 255)
    from matplotlib.colors import to_rgb  # only for colour names, which the schema allows

    r, g, b = to_rgb(value)
    return (float(r), float(g), float(b))


def luminance(colour: str) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_text(background: str) -> str:
    """Dark text on a light background, light text on a dark one (whichever contrasts more)."""
    lum = luminance(background)
    dark = (lum + 0.05) / (luminance(DARK_TEXT) + 0.05)
    light = (luminance(LIGHT_TEXT) + 0.05) / (lum + 0.05)
    return DARK_TEXT if dark >= light else LIGHT_TEXT


@dataclass(frozen=True, slots=True)
class Theme:
    background: str
    text: str
    grid: bool
    annotation: str
    annotation_outline: str | None
    colours: dict[str, str] = field(default_factory=dict[str, str])

    @property
    def dark(self) -> bool:
        return self.text == LIGHT_TEXT

    def colour(self, series: str, index: int) -> str:
        """The colour of a Tautulli series by its name; the text colour for totals and maxima."""
        fallback = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
        return self.colours.get(series, fallback[index % len(fallback)])

    @classmethod
    def from_settings(cls, settings: Settings) -> Theme:
        text = contrast_text(settings.GRAPH_BACKGROUND_COLOR)
        colours = {
            "TV": settings.TV_COLOR,
            "Movies": settings.MOVIE_COLOR,
            "Music": settings.MUSIC_COLOR,
            "Live TV": settings.LIVE_TV_COLOR,
            **STREAM_COLOURS,
            PEAK_SERIES: text,
            TOTAL_SERIES: text,
        }
        return cls(
            background=settings.GRAPH_BACKGROUND_COLOR,
            text=text,
            grid=settings.ENABLE_GRAPH_GRID,
            annotation=settings.ANNOTATION_COLOR,
            annotation_outline=(
                settings.ANNOTATION_OUTLINE_COLOR if settings.ENABLE_ANNOTATION_OUTLINE else None
            ),
            colours=colours,
        )


__all__ = ["Theme", "contrast_text", "luminance"]
