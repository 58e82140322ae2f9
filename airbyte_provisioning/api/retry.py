"""Retry schedules: exponential backoff, base 2, full jitter.

The seed design fixes two schedules. Transient API failures (429, 5xx, connection errors) are
retried by the client itself: at most 5 attempts, the n-th wait drawn uniformly from
``[0, min(cap, base * 2**(n-1))]`` ("full jitter", which spreads a thundering herd of tenants
better than equal or decorrelated jitter). Configuration errors (a failed check, a refused
config) are not retried by the client: :meth:`RetryPolicy.for_configuration_errors` carries the
slower schedule (300 s base, 900 s cap) for orchestration code that re-attempts a whole tenant.

``sleep`` and ``random`` are injectable so tests never wait and can assert the drawn delays.
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class RetryPolicy:
    max_attempts: int = 5
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0
    retry_statuses: frozenset[int] = RETRYABLE_STATUSES
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = field(default_factory=lambda: _random.Random().random)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay_s < 0 or self.max_delay_s < 0:
            raise ValueError("delays must not be negative")

    @classmethod
    def for_configuration_errors(cls, **overrides: object) -> RetryPolicy:
        """The seed's schedule for configuration errors: base 300 s, cap 900 s, 5 attempts."""
        settings: dict[str, object] = {"base_delay_s": 300.0, "max_delay_s": 900.0}
        settings.update(overrides)
        return cls(**settings)  # type: ignore[arg-type]

    def ceiling(self, attempt: int) -> float:
        """The largest wait after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_delay_s, self.base_delay_s * 2 ** max(attempt - 1, 0)))

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """A full-jitter wait after failed attempt ``attempt``.

        A server's ``Retry-After`` raises the wait to at least that value (still capped), since
        retrying earlier only earns another 429.
        """
        drawn = self.random() * self.ceiling(attempt)
        if retry_after is not None and retry_after > drawn:
            drawn = min(retry_after, self.max_delay_s)
        return drawn

    def should_retry(self, attempt: int) -> bool:
        return attempt < self.max_attempts

    def schedule(self) -> list[float]:
        """The ceilings of every wait this policy can make (for docs and plan output)."""
        return [self.ceiling(n) for n in range(1, self.max_attempts)]


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header; HTTP-date values are ignored (not used by Airbyte)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
