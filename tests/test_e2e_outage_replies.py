"""A wrong Tautulli key, end to end: the real `tgraph-bot run` process against the fake
Discord and the fake Tautulli. The admin who can fix it reads the cause; a member reads a
plain sentence in their own language (en-US and da clients), and the owner finds the cause
in the log, one line per command."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.discord import ADMIN_ID, MEMBER_ID
from tests.test_e2e_bot import EMAIL, bot_process, stop
from tests.test_e2e_members import run

pytestmark = pytest.mark.slow  # starts processes or renders for real

MEMBER_READS = {
    "en-US": "The server's statistics are unavailable right now. Please try again later.",
    "da": "Serverens statistik er ikke tilgængelig lige nu. Prøv igen senere.",
}
CAUSE = "Tautulli refused the API key: check TAUTULLI_API_KEY"


@pytest.mark.timeout(180)
async def test_a_refused_key_reads_as_its_cause_to_the_admin_and_plainly_to_members(
    tmp_path: Path,
) -> None:
    # A typo in the key: Tautulli refuses it.
    async with bot_process(tmp_path, last_post=datetime.now(UTC), tautulli_key="a-typo") as running:
        fake = running.fake
        for locale, sentence in MEMBER_READS.items():
            record = await run(fake, "my_stats", MEMBER_ID, locale, email=EMAIL)
            assert record.texts()[-1] == sentence
            assert not any("TAUTULLI" in t or "http" in t for t in record.texts())
        update = await run(fake, "update_graphs", ADMIN_ID, "en-US")
        await fake.wait_for(lambda: any(CAUSE in t for t in update.texts()), 60)
        assert update.texts()[-1] == f"No graphs could be made: {CAUSE}"
        assert await stop(running) == 0
    log = running.log.read_text(encoding="utf-8").splitlines()
    members = [line for line in log if f"command /my_stats of a member (user {MEMBER_ID})" in line]
    assert len(members) == 2 and all(CAUSE in line for line in members)
    assert "a-typo" not in "\n".join(log)
