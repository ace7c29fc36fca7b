"""Translations: a Translator object handed to whoever draws or says something.

There is no global ``_``: code receives a :class:`Translator` and calls ``tr._("...")``.
Strings that must be named before a translator exists (graph titles in the registry,
error messages) are marked with :func:`N_` and translated where they are shown.
"""

from __future__ import annotations

import gettext
import math
from collections.abc import Sequence
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Literal

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_interval,
    format_skeleton,
    format_time,
    get_day_names,
    get_month_names,
)
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol
from babel.units import format_unit

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
LANGUAGES: tuple[str, ...] = ("en", "da")


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translate it where shown)."""
    return message


class Translator:
    """Translations and locale-aware formatting for one language."""

    def __init__(self, language: str = "en") -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        self.language = language
        self.locale = Locale.parse(language)
        self._catalog: gettext.NullTranslations = gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True
        )

    def _(self, message: str) -> str:
        return self._catalog.gettext(message)

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def possessive(self, name: str) -> str:
        """``name`` as the owner of what follows: English adds 's ("Miles Davis's");
        Danish adds s, or only an apostrophe after s, x or z ("John Coltranes",
        "Miles Davis'", "Bix'")."""
        if self.language != "da":
            return f"{name}'s"
        return f"{name}'" if name.lower().endswith(("s", "x", "z")) else f"{name}s"

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def number_symbols(self) -> tuple[str, str]:
        """The thousands separator and the decimal mark: ``(",", ".")`` in English."""
        return get_group_symbol(self.locale), get_decimal_symbol(self.locale)

    def date(self, value: date, fmt: str = "medium") -> str:
        return format_date(value, format=fmt, locale=self.locale)

    def datetime(self, value: datetime, fmt: str = "medium") -> str:
        return format_datetime(value, format=fmt, locale=self.locale)

    def percent(self, value: float) -> str:
        """0.123 -> "12%" ("12 %" in Danish)."""
        return format_percent(value, locale=self.locale)

    def short_day(self, value: date) -> str:
        """A day with its weekday, short: "Fri, Nov 13", "fre. 13. nov."."""
        return format_skeleton("MMMEd", value, locale=self.locale)

    def day_span(self, first: date, last: date) -> str:
        """Two days as one short span: "Oct 12 – 18", "12.–18. okt."."""
        return format_interval(first, last, "MMMd", locale=self.locale)

    def hour(self, hour: int) -> str:
        """An hour of the day as the language writes it: "21:00"."""
        return format_time(time(hour % 24), "HH:mm", locale=self.locale)

    def duration(self, seconds: float) -> str:
        """A length of time in words, at most two units, largest first: "2 hours, 5 minutes",
        "2 timer og 5 minutter", "6 seconds". From 100 hours on, whole hours only.

        Rounded once, to the nearest of the smallest unit shown (halves up): 7.99 s is
        "8 seconds", 1 h 3 min 45 s is "1 hour, 4 minutes", 59.6 s is "1 minute"."""
        seconds = max(0.0, seconds)
        minutes = _nearest(seconds / 60)
        if minutes >= 100 * 60:
            parts = [(_nearest(seconds / 3600), "duration-hour")]
        elif minutes >= 60:
            parts = [(minutes // 60, "duration-hour"), (minutes % 60, "duration-minute")]
        else:
            mins, secs = divmod(_nearest(seconds), 60)
            parts = [(mins, "duration-minute"), (secs, "duration-second")]
        shown = [p for p in parts if p[0]] or parts[-1:]
        words = [format_unit(n, unit, length="long", locale=self.locale) for n, unit in shown]
        return format_list(words, style="unit", locale=self.locale)

    def weekday_names(
        self, width: Literal["abbreviated", "narrow", "short", "wide"] = "abbreviated"
    ) -> Sequence[str]:
        """Monday first, as Tautulli's day-of-week graph orders them."""
        names = get_day_names(width, context="stand-alone", locale=self.locale)
        return [str(names[i]) for i in range(7)]

    def month_names(
        self, width: Literal["abbreviated", "narrow", "wide"] = "abbreviated"
    ) -> Sequence[str]:
        """January first."""
        names = get_month_names(width, context="stand-alone", locale=self.locale)
        return [str(names[i]) for i in range(1, 13)]


def _nearest(value: float) -> int:
    return math.floor(value + 0.5)


@cache
def translator(language: str) -> Translator:
    """A shared, immutable Translator per language."""
    return Translator(language)


__all__ = ["LANGUAGES", "N_", "Translator", "translator"]
