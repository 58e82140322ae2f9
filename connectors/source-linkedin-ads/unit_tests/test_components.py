"""The custom components on their own, with LinkedIn-shaped inputs and a fake clock."""

import json
from itertools import pairwise

import pytest
import requests

from sandboxes.linkedin import BURST_MESSAGE, DATA_LIMIT_MESSAGE


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def answer(status: int, message: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps({"status": status, "message": message}).encode()
    return response


def test_the_pace_never_waits_while_at_its_ceiling(components_module):
    clock = FakeClock()
    pace = components_module.LinkedInAdaptivePace(ceiling=5, clock=clock, sleep=clock.sleep)

    for _ in range(50):
        pace.acquire()

    assert clock.sleeps == []


def test_each_burst_429_halves_the_pace_and_successes_win_it_back(components_module):
    clock = FakeClock()
    pace = components_module.LinkedInAdaptivePace(ceiling=5, clock=clock, sleep=clock.sleep)

    pace.on_throttled()
    clock.sleep(1.0)
    pace.on_throttled()
    assert pace.calls_per_second == 1.25
    clock.sleeps.clear()
    for _ in range(3):
        pace.acquire()
    assert clock.sleeps == [pytest.approx(0.8), pytest.approx(0.8)]

    pace.on_success()
    pace.on_success()
    assert pace.calls_per_second == pytest.approx(1.25 + 0.8 + 1 / 2.05)
    for _ in range(30):
        pace.on_success()
    assert pace.calls_per_second == 5


def test_one_burst_answering_several_calls_in_flight_halves_the_pace_once(components_module):
    clock = FakeClock()
    pace = components_module.LinkedInAdaptivePace(ceiling=5, clock=clock, sleep=clock.sleep)

    for _ in range(6):
        pace.on_throttled()
    assert pace.calls_per_second == 2.5
    clock.sleep(1.0)
    pace.on_throttled()
    assert pace.calls_per_second == 1.25


def test_the_pace_never_drops_below_its_floor(components_module):
    clock = FakeClock()
    pace = components_module.LinkedInAdaptivePace(ceiling=5, floor=0.2, clock=clock)
    for _ in range(20):
        pace.on_throttled()
        clock.sleep(1.0)
    assert pace.calls_per_second == 0.2


def test_the_pace_is_shared_by_every_requester_of_the_process(components_module):
    first = components_module.LinkedInAdaptivePace.shared(5)
    first.on_throttled()
    assert components_module.LinkedInAdaptivePace.shared(5) is first


def _backoff(components_module):
    return components_module.LinkedInRateLimitBackoffStrategy(config={}, parameters={})


def test_a_lone_burst_429_is_retried_within_a_second_or_so(components_module):
    strategy = _backoff(components_module)
    for _ in range(20):
        components_module.LinkedInAdaptivePace.forget()
        # the CDK sleeps one second more than the strategy returns
        wait = 1 + strategy.backoff_time(answer(429, BURST_MESSAGE), 1)
        assert 1 <= wait <= 2


def test_no_burst_429_is_retried_after_more_than_ten_seconds(components_module):
    strategy = _backoff(components_module)
    waits = [
        1 + strategy.backoff_time(answer(429, BURST_MESSAGE), attempt)
        for attempt in range(1, 21)
        for _ in range(20)
    ]
    assert all(1 <= wait <= 10 for wait in waits)


def test_throttled_retries_take_turns_at_the_lowered_pace(components_module):
    clock = FakeClock()
    pace = components_module.LinkedInAdaptivePace(ceiling=5, clock=clock, sleep=clock.sleep)
    pace.on_throttled()

    turns = sorted(pace.reserve(earliest=jitter) for jitter in (0.9, 0.1, 0.5, 0.0, 0.3))

    assert all(later - earlier >= 0.4 - 1e-9 for earlier, later in pairwise(turns))


def test_a_burst_429_slows_down_the_shared_pace(components_module):
    strategy = _backoff(components_module)
    pace = components_module.LinkedInAdaptivePace.shared(5)

    strategy.backoff_time(answer(429, BURST_MESSAGE), 1)

    assert pace.calls_per_second == 2.5


def test_the_data_throttle_is_waited_past_its_five_minute_window(components_module):
    strategy = _backoff(components_module)
    pace = components_module.LinkedInAdaptivePace.shared(5)

    assert strategy.backoff_time(answer(429, DATA_LIMIT_MESSAGE), 1) == 330
    assert pace.calls_per_second == 5  # a volume limit, not a pace: the window must pass


def test_server_errors_back_off_exponentially_with_full_jitter_up_to_nine_seconds(
    components_module,
):
    strategy = _backoff(components_module)
    for attempt, ceiling in [(1, 2), (2, 4), (3, 8), (4, 9), (7, 9)]:
        for _ in range(20):
            wait = strategy.backoff_time(answer(503, "Service Unavailable"), attempt)
            assert ceiling / 2 <= wait <= ceiling
