"""Translations: a Translator object handed to whoever draws or says something.

There is no global ``_``: code receives a :class:`Translator` and calls ``tr._("...")``.
Strings that must be named before a translator exists (graph titles in the registry,
error messages) are marked with :func:`N_` and translated where they are shown.
"""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_datetime, get_day_names, get_month_names
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

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

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def number_symbols(self) -> tuple[str, str]:
        """The thousands separator and the decimal mark: ``(",", ".")`` in English."""
        return get_group_symbol(self.locale), get_decimal_symbol(self.locale)

    def date(self, value: date, fmt: str = "medium") -> str:
        return format_date(value, format=fmt, locale=self.locale)

    def datetime(self, value: datetime, fmt: str = "medium") -> str:
        return format_datetime(value, format=fmt, locale=self.locale)

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


@cache
def translator(language: str) -> Translator:
    """A shared, immutable Translator per language."""
    return Translator(language)


__all__ = ["LANGUAGES", "N_", "Translator", "translator"]
