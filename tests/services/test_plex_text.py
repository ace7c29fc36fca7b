"""The Plex module's answers as members read them, in English and Danish."""

from __future__ import annotations

import pytest

from tgraph_bot.core.plex import Completion, SyncResult
from tgraph_bot.i18n import translator
from tgraph_bot.services.plex import CompletionReport
from tgraph_bot.services.plex_text import completion_text, sync_text


@pytest.mark.parametrize(
    ("language", "name", "whose"),
    [
        ("da", "Miles Davis", "Miles Davis'"),  # a name ending in s: an apostrophe only
        ("da", "Max Roach & Felix", "Max Roach & Felix'"),
        ("da", "Sarah Vaughan", "Sarah Vaughans"),
        ("da", "Lars Fritz", "Lars Fritz'"),
        ("en", "Miles Davis", "Miles Davis's"),
        ("en", "Sarah Vaughan", "Sarah Vaughan's"),
    ],
)
def test_a_name_is_made_possessive_as_the_language_writes_it(
    language: str, name: str, whose: str
) -> None:
    assert translator(language).possessive(name) == whose


def test_completion_names_the_artists_collection_in_danish() -> None:
    report = CompletionReport("Miles Davis", Completion(played=1, total=4))
    assert completion_text(report, translator("da")) == (
        "Du har lyttet til 25 % (1/4) af Miles Davis' samling på denne server."
    )
    assert completion_text(report, translator("en")) == (
        "You have listened to 25% (1/4) of Miles Davis's collection on this server."
    )


def test_a_sync_names_its_playlist() -> None:
    kept = SyncResult(0, 0, 5, playlist="Jazz I love")
    assert sync_text(kept, translator("en")) == (
        'Playlist "Jazz I love": added 0, removed 0, 5 tracks'
    )
    made = SyncResult(5, 0, 5, created=True, playlist="Jazz I love")
    assert sync_text(made, translator("da")) == (
        'Afspilningslisten "Jazz I love" er oprettet: tilføjede 5, fjernede 0, 5 numre'
    )
