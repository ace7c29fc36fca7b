"""Command cooldowns: one per member and one shared by everyone, per command.

Pure: the caller passes ``now`` and the current limits (read from the live settings, so an
edit applies at once). State lives in a tracker instance owned by the bot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class CooldownPolicy:
    per_member: timedelta
    everyone: timedelta

    @classmethod
    def of(cls, member_minutes: int, global_seconds: int) -> CooldownPolicy:
        return cls(timedelta(minutes=member_minutes), timedelta(seconds=global_seconds))


@dataclass(slots=True)
class CooldownTracker:
    _by_member: dict[tuple[str, int], datetime] = field(
        default_factory=dict[tuple[str, int], datetime]
    )
    _by_command: dict[str, datetime] = field(default_factory=dict[str, datetime])

    def retry_at(
        self, command: str, member: int, now: datetime, policy: CooldownPolicy
    ) -> datetime | None:
        """When the member may use the command again, or None when they may now."""
        waits: list[datetime] = []
        last_member = self._by_member.get((command, member))
        if last_member is not None and now < last_member + policy.per_member:
            waits.append(last_member + policy.per_member)
        last_any = self._by_command.get(command)
        if last_any is not None and now < last_any + policy.everyone:
            waits.append(last_any + policy.everyone)
        return max(waits) if waits else None

    def hit(
        self, command: str, member: int, now: datetime, policy: CooldownPolicy
    ) -> datetime | None:
        """Use the command if allowed (returns None) or say when it is allowed again."""
        blocked_until = self.retry_at(command, member, now, policy)
        if blocked_until is not None:
            return blocked_until
        self._by_member[(command, member)] = now
        self._by_command[command] = now
        return None

    def forget(self, command: str, member: int) -> None:
        """Give a use back (the command was refused for another reason)."""
        self._by_member.pop((command, member), None)


__all__ = ["CooldownPolicy", "CooldownTracker"]
