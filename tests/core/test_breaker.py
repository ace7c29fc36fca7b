"""The breaker and the deadline, with a clock the test moves."""

from __future__ import annotations

from tgraph_bot.core.breaker import Breaker, Deadline


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_gives_the_error_while_open_then_closes_by_itself() -> None:
    clock = Clock()
    breaker: Breaker[ValueError] = Breaker(10.0, clock)
    assert breaker.blocked() is None
    error = ValueError("down")
    breaker.trip(error)
    clock.now += 9.9
    assert breaker.blocked() is error
    clock.now += 0.1
    assert breaker.blocked() is None


def test_reset_closes_the_breaker_at_once() -> None:
    clock = Clock()
    breaker: Breaker[ValueError] = Breaker(10.0, clock)
    breaker.trip(ValueError("down"))
    breaker.reset()
    assert breaker.blocked() is None


def test_a_deadline_counts_down_on_the_clock_it_was_given() -> None:
    clock = Clock()
    deadline = Deadline.after(3.0, clock)
    assert deadline.remaining() == 3.0
    clock.now += 4.0
    assert deadline.remaining() == -1.0


def test_remaining_counts_down_to_when_the_breaker_closes() -> None:
    clock = Clock()
    breaker: Breaker[ValueError] = Breaker(30.0, clock)
    assert breaker.remaining() == 0.0
    breaker.trip(ValueError("down"))
    clock.now += 12.5
    assert breaker.remaining() == 17.5
    clock.now += 17.5
    assert breaker.remaining() == 0.0
