"""Translations: catalogs compile, Danish has its own words and plural forms."""

from __future__ import annotations

import gettext
import string

from babel.messages.pofile import read_po

from tgraph_bot.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, translator


def test_each_language_has_a_compiled_catalog_the_translator_uses() -> None:
    # gettext falls back to the English msgid in silence when a .mo is missing, so ask for
    # each catalog without the fallback: a missing or uncompiled one raises here.
    catalogs = {
        language: gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language])
        for language in LANGUAGES
    }
    message = "must be true or false"
    assert catalogs["da"].gettext(message) != message
    assert translator("da")._(message) == catalogs["da"].gettext(message)
    assert translator("en")._(message) == message


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_danish_message_is_translated_and_keeps_its_placeholders() -> None:
    with (LOCALE_DIR / "da" / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fh:
        catalog = read_po(fh)
    untranslated: list[str] = []
    wrong_fields: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(ids[0])
        elif isinstance(message.id, tuple):
            # The singular may say "the last day" without its number; no form may invent
            # a field, and the other forms keep every field.
            wanted = _fields(ids[-1])
            if any(not _fields(s) <= wanted for s in strings) or any(
                _fields(s) != wanted for s in strings[1:]
            ):
                wrong_fields.append(ids[0])
        elif _fields(strings[0]) != _fields(ids[0]):
            wrong_fields.append(ids[0])
    assert untranslated == []
    assert wrong_fields == []


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
