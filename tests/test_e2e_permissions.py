"""Who may run which command, as Discord decides it from default_member_permissions.

The fake Discord applies Discord's rule (owner and Administrator pass; otherwise every bit
of the command's default_member_permissions, from the OR of @everyone's and the member's
roles) and, like Discord, delivers nothing to the bot for a member it shuts out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.discord import (
    ADMIN_ID,
    ADMINISTRATOR_ID,
    MANAGE_GUILD,
    MEMBER_ID,
    MODERATOR_ID,
    FakeDiscord,
)
from tests.test_e2e_bot import bot_process, stop

pytestmark = pytest.mark.slow  # starts processes or renders for real

ADMIN_COMMANDS = ["config view", "update_graphs", "link", "unlink"]
MEMBER_COMMANDS = ["about", "uptime", "ranking", "camera", "my_stats"]


def test_the_fakes_rule_is_discords() -> None:
    fake = FakeDiscord()
    anyone = {"name": "about", "default_member_permissions": None}
    managers = {"name": "config", "default_member_permissions": str(MANAGE_GUILD)}
    admins_only = {"name": "purge", "default_member_permissions": "0"}
    rules = {
        user: [fake.may_use(c, user) for c in (anyone, managers, admins_only)]
        for user in (ADMIN_ID, ADMINISTRATOR_ID, MODERATOR_ID, MEMBER_ID)
    }
    assert rules == {
        ADMIN_ID: [True, True, True],  # the owner
        ADMINISTRATOR_ID: [True, True, True],
        MODERATOR_ID: [True, True, False],
        MEMBER_ID: [True, False, False],
    }
    # The owner passes without any role; a role given to @everyone counts for everyone.
    fake.member_roles[ADMIN_ID] = []
    assert fake.may_use(admins_only, ADMIN_ID)
    fake.role_permissions[str(fake.guild_payload()["id"])] |= MANAGE_GUILD
    assert fake.may_use(managers, MEMBER_ID) and not fake.may_use(admins_only, MEMBER_ID)


@pytest.mark.timeout(180)
async def test_a_plain_member_is_refused_every_admin_command_and_allowed_the_rest(
    tmp_path: Path,
) -> None:
    async with bot_process(tmp_path, last_post=datetime.now(UTC)) as running:
        fake = running.fake
        synced = {c["name"]: c.get("default_member_permissions") for c in fake.commands}
        assert {n: int(synced[n.split()[0]]) for n in ADMIN_COMMANDS} == dict.fromkeys(
            ADMIN_COMMANDS, MANAGE_GUILD
        )
        assert {n: synced[n] for n in MEMBER_COMMANDS} == dict.fromkeys(MEMBER_COMMANDS)
        for name in ADMIN_COMMANDS:
            record = await fake.invoke(name, user=MEMBER_ID)
            assert record.refused and record.callbacks == [], name
        for name in MEMBER_COMMANDS:
            record = await fake.invoke(name, user=MEMBER_ID)
            await fake.wait_for(lambda r=record: bool(r.callbacks), 60)
            assert not record.refused, name
        for user in (MODERATOR_ID, ADMINISTRATOR_ID, ADMIN_ID):  # Manage Server, Admin, owner
            record = await fake.invoke("config view", user=user)
            await fake.wait_for(lambda r=record: bool(r.callbacks), 60)
            assert "TAUTULLI_URL" in " ".join(record.shown()), user
        assert await stop(running) == 0
