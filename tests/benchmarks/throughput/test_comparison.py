"""Connectors against both floors, and a what-if against the same scenarios without it."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.throughput.comparison import vs_floor, vs_without


def _figures(us_per_record: float, startup: float = 1.0) -> dict[str, Any]:
    return {
        "records_per_cpu_second": round(1e6 / us_per_record),
        "us_per_record": us_per_record,
        "startup_cpu_seconds": startup,
    }


def _measured() -> dict[str, Any]:
    return {
        "tiktok": _figures(150.0, startup=1.3),
        "linkedin": _figures(200.0, startup=1.2),
        "floor": _figures(50.0, startup=1.0),
        "floor_incremental": _figures(100.0, startup=1.1),
    }


def test_a_connector_is_compared_with_both_floors_and_its_cost_split_into_the_cdks_and_its_own():
    compared = vs_floor(_measured())

    assert compared["tiktok"] == {
        "cpu_per_record": 3.0,
        "cpu_per_record_vs_incremental_floor": 1.5,
        "same_pages_as_floors": True,
        "us_per_record_parts": {"cdk_read": 50.0, "cdk_cursor": 50.0, "connector": 50.0},
        "startup": 1.3,
    }
    assert compared["linkedin"]["cpu_per_record_vs_incremental_floor"] == 2.0


def test_a_connector_reading_other_pages_than_the_floors_gets_multiples_but_no_split():
    # LinkedIn's rows are smaller than the floors' TikTok rows: a split would be meaningless
    measured = _measured()
    measured["linkedin"] = _figures(80.0)

    compared = vs_floor(measured)

    assert compared["linkedin"]["same_pages_as_floors"] is False
    assert "us_per_record_parts" not in compared["linkedin"]
    assert compared["linkedin"]["cpu_per_record_vs_incremental_floor"] == 0.8


def test_the_incremental_floor_is_compared_with_the_plain_one_and_the_plain_one_with_nothing():
    compared = vs_floor(_measured())

    assert compared["floor_incremental"] == {"cpu_per_record": 2.0, "startup": 1.1}
    assert "floor" not in compared


def test_a_what_if_is_given_as_multiples_of_the_same_scenario_without_it():
    without = _measured()
    with_change = {**without, "tiktok": _figures(120.0, startup=1.3)}

    compared = vs_without(without, with_change)

    assert compared["tiktok"] == {
        "cpu_per_record": 0.8,
        "us_per_record_saved": 30.0,
        "startup": 1.0,
    }
    assert compared["floor"]["cpu_per_record"] == pytest.approx(1.0)


def test_a_what_if_is_also_compared_on_the_in_process_reads_when_both_sides_have_them():
    without = _measured()
    with_change = {**without, "tiktok": _figures(120.0, startup=1.3)}
    without["tiktok"] = {**without["tiktok"], "records": 1000}
    without["tiktok"]["read_cpu_seconds_in_process_runs"] = [0.2, 0.25, 0.3]
    with_change["tiktok"] = {**with_change["tiktok"], "records": 1000}
    with_change["tiktok"]["read_cpu_seconds_in_process_runs"] = [0.2, 0.15, 0.1]

    compared = vs_without(without, with_change)

    assert compared["tiktok"]["in_process"] == {
        "us_per_record_without": 250.0,
        "us_per_record_with": 150.0,
        "us_per_record_saved": 100.0,
        "cpu_per_record": 0.6,
    }
    assert "in_process" not in compared["linkedin"]
