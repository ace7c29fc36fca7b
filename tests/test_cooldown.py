"""core/cooldown: per member and for everyone, with ``now`` passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
