"""The seed's retry schedules: base-2 exponential backoff, full jitter, 5 attempts, 300 s / 900 s for config errors."""

from __future__ import annotations

import pytest

from airbyte_provisioning.api import RetryPolicy
from airbyte_provisioning.api.retry import parse_retry_after


def test_default_policy_makes_at_most_five_attempts_with_doubling_ceilings() -> None:
    policy = RetryPolicy()
    assert policy.max_attempts == 5
    assert policy.schedule() == [1.0, 2.0, 4.0, 8.0]
    assert [policy.should_retry(n) for n in range(1, 6)] == [True, True, True, True, False]


@pytest.mark.parametrize("draw", [0.0, 0.25, 0.999])
def test_full_jitter_draws_uniformly_below_the_ceiling(draw: float) -> None:
    policy = RetryPolicy(random=lambda: draw)
    assert [policy.delay(n) for n in range(1, 5)] == [draw * c for c in (1.0, 2.0, 4.0, 8.0)]


def test_ceiling_is_capped() -> None:
    policy = RetryPolicy(base_delay_s=10, max_delay_s=25, max_attempts=6)
    assert policy.schedule() == [10.0, 20.0, 25.0, 25.0, 25.0]


def test_configuration_error_schedule_uses_300_second_base_and_900_second_cap() -> None:
    policy = RetryPolicy.for_configuration_errors(random=lambda: 1.0)
    assert policy.max_attempts == 5
    assert policy.schedule() == [300.0, 600.0, 900.0, 900.0]
    assert policy.delay(3) == 900.0


def test_retry_after_raises_the_wait_but_never_past_the_cap() -> None:
    policy = RetryPolicy(random=lambda: 0.0, max_delay_s=30)
    assert policy.delay(1, retry_after=7) == 7
    assert policy.delay(1, retry_after=120) == 30


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        (" 1.5 ", 1.5),
        ("", None),
        (None, None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", None),
        ("-1", None),
    ],
)
def test_retry_after_header_parsing(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
