"""The Plex commands with Plex or MusicBrainz in trouble, through the real adapters and the
fakes switched to misbehave: each command reports within its one deadline (a fraction of
a second here, 20 s for real), with the cause, and a second command does not wait again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plex_support import plex_rig, said
from tgraph_bot.errors import MetadataSlow, NotAnswering, PlexSlow


async def test_enrich_with_musicbrainz_hanging_reports_slow_within_the_command_deadline(
    tmp_path: Path,
) -> None:
    async with plex_rig(tmp_path, deadline=1.5) as rig:
        rig.mb.hang()
        with pytest.raises(MetadataSlow) as caught:
            await rig.service.enrich("A Love Supreme")
        # One attempt of at most what was left of 1.5 s; no 2 s pause and retry after it.
        assert rig.mb.arrived == 1
        assert "MusicBrainz" in said(caught.value) and "slow" in said(caught.value)
        assert "langsom" in said(caught.value, "da")
        assert rig.plex.writes == []


async def test_a_sync_with_plex_hanging_says_slow_and_the_next_command_answers_at_once(
    tmp_path: Path,
) -> None:
    async with plex_rig(tmp_path, deadline=0.5) as rig:
        rig.plex.hang()
        with pytest.raises(PlexSlow) as caught:
            await rig.service.sync_playlists()
        assert "PLEX_URL" not in said(caught.value)  # Plex is up: the address is not wrong
        assert "langsom" in said(caught.value, "da")
        assert await rig.service.store.last_sync() is None
        asked = rig.plex.arrived
        with pytest.raises(NotAnswering) as again:
            await rig.service.completion("John Coltrane", plex_user="HarperKPlex")
        assert rig.plex.arrived == asked
        assert "Plex svarer ikke, næste forsøg om 30 s" in said(again.value, "da")
