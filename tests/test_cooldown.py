"""core/cooldown: per member and for everyone, with ``now`` passed in; and which settings
each command's cooldown reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tgraph_bot.adapters.discord.checks import COOLDOWN_LIMITS, policy_for
from tgraph_bot.config.schema import KEYS, Settings
from tgraph_bot.core.cooldown import CooldownPolicy, CooldownTracker

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)


def test_per_member_cooldown_blocks_only_that_member() -> None:
    tracker = CooldownTracker()
    policy = CooldownPolicy.of(member_minutes=5, global_seconds=0)
    assert tracker.hit("my_stats", 1, T0, policy) is None
    assert tracker.hit("my_stats", 1, T0 + timedelta(minutes=1), policy) == T0 + timedelta(
        minutes=5
    )
    assert tracker.hit("my_stats", 2, T0 + timedelta(minutes=1), policy) is None
    assert tracker.hit("my_stats", 1, T0 + timedelta(minutes=5), policy) is None


def test_global_cooldown_blocks_everyone() -> None:
    tracker = CooldownTracker()
    policy = CooldownPolicy.of(member_minutes=0, global_seconds=60)
    assert tracker.hit("update_graphs", 1, T0, policy) is None
    assert tracker.hit("update_graphs", 2, T0 + timedelta(seconds=10), policy) == T0 + timedelta(
        seconds=60
    )
    assert tracker.hit("config", 2, T0 + timedelta(seconds=10), policy) is None


def test_the_later_of_both_limits_wins() -> None:
    tracker = CooldownTracker()
    policy = CooldownPolicy.of(member_minutes=2, global_seconds=30)
    tracker.hit("config", 1, T0, policy)
    assert tracker.retry_at("config", 1, T0, policy) == T0 + timedelta(minutes=2)


def test_a_lowered_limit_applies_at_once() -> None:
    tracker = CooldownTracker()
    tracker.hit("config", 1, T0, CooldownPolicy.of(10, 0))
    assert tracker.retry_at("config", 1, T0 + timedelta(minutes=1), CooldownPolicy.of(0, 0)) is None


def test_a_refused_use_does_not_extend_the_wait() -> None:
    tracker = CooldownTracker()
    policy = CooldownPolicy.of(1, 0)
    tracker.hit("config", 1, T0, policy)
    tracker.hit("config", 1, T0 + timedelta(seconds=59), policy)
    assert tracker.hit("config", 1, T0 + timedelta(seconds=60), policy) is None


def test_each_command_with_a_cooldown_reads_its_own_two_keys() -> None:
    member_keys = [key for key in KEYS if key.endswith("_COOLDOWN_MINUTES")]
    everyone_keys = [key for key in KEYS if key.endswith("_GLOBAL_COOLDOWN_SECONDS")]
    assert {k.removesuffix("_COOLDOWN_MINUTES").lower() for k in member_keys} == set(
        COOLDOWN_LIMITS
    )
    values = {key: 10 + n for n, key in enumerate(member_keys + everyone_keys)}
    settings = Settings.model_validate(values)  # every key a different number
    for command in COOLDOWN_LIMITS:
        name = command.upper()
        assert policy_for(command, settings) == CooldownPolicy.of(
            values[f"{name}_COOLDOWN_MINUTES"], values[f"{name}_GLOBAL_COOLDOWN_SECONDS"]
        ), command
