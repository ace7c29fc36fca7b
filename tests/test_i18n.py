"""Translations: catalogs compile, Danish has its own words and plural forms."""

from __future__ import annotations

from tgraph_bot.i18n import LANGUAGES, Translator, translator


def test_each_language_loads_a_compiled_catalog() -> None:
    for language in LANGUAGES:
        tr = Translator(language)
        assert tr.language == language


def test_danish_weekdays_and_months_come_from_cldr() -> None:
    da = translator("da")
    assert da.weekday_names()[0].lower().startswith("man")
    assert da.month_names("wide")[4].lower() == "maj"
    assert translator("en").weekday_names()[0] == "Mon"


def test_numbers_are_formatted_per_locale() -> None:
    assert translator("da").number(1234.5) == "1.234,5"
    assert translator("en").number(1234.5) == "1,234.5"


def test_danish_catalog_translates_config_problems() -> None:
    da = translator("da")
    assert da._("must be true or false") != "must be true or false"
