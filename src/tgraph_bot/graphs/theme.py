"""One theme for every graph, built from the settings. Plain data, so workers get a copy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tgraph_bot.core.graphdata import PEAK_SERIES, TOTAL_SERIES

if TYPE_CHECKING:
    from tgraph_bot.config.schema import Settings

DARK_TEXT = "#1f2328"
LIGHT_TEXT = "#e8e8e8"


@dataclass(frozen=True, slots=True)
class Palette:
    """One coherent look: what GRAPH_THEME picks before any colour key overrides a part."""

    background: str
    colours: dict[str, str]  # Tautulli series name -> colour


LIGHT = Palette(  # the colour keys' defaults
    background="#ffffff",
    colours={
        "TV": "#1f77b4",
        "Movies": "#ff7f0e",
        "Music": "#2ca02c",
        "Live TV": "#d62728",
        "Direct Play": "#2a9d8f",
        "Direct Stream": "#8e7cc3",
        "Transcode": "#e76f51",
    },
)
DARK = Palette(  # Discord's dark theme: its embed colour, brighter lines, light labels
    background="#2b2d31",
    colours={
        "TV": "#4dabf7",
        "Movies": "#ffa94d",
        "Music": "#69db7c",
        "Live TV": "#ff6b6b",
        "Direct Play": "#38d9a9",
        "Direct Stream": "#b197fc",
        "Transcode": "#ff8a65",
    },
)
PALETTES = {"light": LIGHT, "dark": DARK}
COLOUR_KEYS = {  # setting -> series it colours
    "TV_COLOR": "TV",
    "MOVIE_COLOR": "Movies",
    "MUSIC_COLOR": "Music",
    "LIVE_TV_COLOR": "Live TV",
}


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


def mix(colour: str, other: str, amount: float) -> str:
    """``colour`` moved ``amount`` (0 to 1) of the way towards ``other``."""
    a, b = _rgb(colour), _rgb(other)
    channels = (round((x + (y - x) * amount) * 255) for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{c:02x}" for c in channels)


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

    @property
    def axes(self) -> str:
        """Axis lines and ticks: the text colour, softened towards the background."""
        return mix(self.text, self.background, 0.35)

    @property
    def grid_colour(self) -> str:
        return mix(self.text, self.background, 0.8)

    def colour(self, series: str, index: int) -> str:
        """The colour of a Tautulli series by its name; the text colour for totals and maxima."""
        fallback = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
        return self.colours.get(series, fallback[index % len(fallback)])

    @classmethod
    def from_settings(cls, settings: Settings) -> Theme:
        """GRAPH_THEME's palette; a colour key set to anything but its default overrides its part.

        Text, axes and grid always follow the background's luminance, so a dark background
        key alone still gives readable light text.
        """
        palette = PALETTES[settings.GRAPH_THEME]

        def pick(key: str, themed: str) -> str:
            value: str = getattr(settings, key)
            default = type(settings).model_fields[key].default
            return value if value.lower() != str(default).lower() else themed

        background = pick("GRAPH_BACKGROUND_COLOR", palette.background)
        text = contrast_text(background)
        colours = {
            **palette.colours,
            **{series: pick(key, palette.colours[series]) for key, series in COLOUR_KEYS.items()},
            PEAK_SERIES: text,
            TOTAL_SERIES: text,
        }
        # Value labels, unless set: the text colour with a thin outline of the background,
        # so they read like the rest of the text on whatever background, and the outline
        # parts them from a line or a bar they pass over. (The original bot's red outlined in black
        # was lost on Discord's dark background and shouted on a white one.)
        outline = pick("ANNOTATION_OUTLINE_COLOR", background)
        return cls(
            background=background,
            text=text,
            grid=settings.ENABLE_GRAPH_GRID,
            annotation=pick("ANNOTATION_COLOR", text),
            annotation_outline=outline if settings.ENABLE_ANNOTATION_OUTLINE else None,
            colours=colours,
        )


__all__ = ["DARK", "LIGHT", "Palette", "Theme", "contrast_text", "luminance", "mix"]
