"""Incremental analytics: first sync in large windows, then slice_days windows after a lookback."""

from datetime import date

import freezegun
import requests_mock


def _echo(h):
    def rows(request, start, end):
        account = h.raw_params(request)["accounts"].removeprefix("List(").removesuffix(")")
        return [h.element(account.replace("%3A", ":"), d, clicks=1) for d in h.days(start, end)]

    return h.analytics_callback(rows)


@freezegun.freeze_time("2024-02-01T10:00:00Z", tick=True)
def test_first_sync_reads_each_account_in_one_window_up_to_today(get_source, h):
    cfg = h.config(account_ids=[111, 222], start_date="2024-01-01")
    del cfg["end_date"]
    with requests_mock.Mocker() as m:
        m.register_uri("GET", h.ANALYTICS, text=_echo(h))
        output = h.run_read(get_source, cfg, ["ad_analytics_by_account"])

    windows = sorted(
        (h.raw_params(r)["accounts"], *h.date_range(r)) for r in h.analytics_requests(m)
    )
    assert windows == [
        ("List(urn%3Ali%3AsponsoredAccount%3A111)", date(2024, 1, 1), date(2024, 2, 1)),
        ("List(urn%3Ali%3AsponsoredAccount%3A222)", date(2024, 1, 1), date(2024, 2, 1)),
    ]
    assert len(output.records) == 2 * 32
    assert {r.record.data["account_id"] for r in output.records} == {"111", "222"}


@freezegun.freeze_time("2024-02-01T10:00:00Z", tick=True)
def test_state_restarts_each_account_lookback_days_early_in_slice_days_windows(get_source, h):
    cfg = h.config(account_ids=[111, 222], start_date="2024-01-20", lookback_days=3, slice_days=7)
    del cfg["end_date"]
    state = h.stream_state("ad_analytics_by_account", {111: "2024-01-25", 222: "2024-01-31"})
    with requests_mock.Mocker() as m:
        m.register_uri("GET", h.ANALYTICS, text=_echo(h))
        output = h.run_read(get_source, cfg, ["ad_analytics_by_account"], state=state)

    per_account: dict[str, list[tuple[date, date]]] = {}
    for request in h.analytics_requests(m):
        per_account.setdefault(h.raw_params(request)["accounts"][-4:-1], []).append(
            h.date_range(request)
        )
    assert sorted(per_account["111"]) == [
        (date(2024, 1, 22), date(2024, 1, 28)),
        (date(2024, 1, 29), date(2024, 2, 1)),
    ]
    assert sorted(per_account["222"]) == [(date(2024, 1, 28), date(2024, 2, 1))]
    final = output.most_recent_state.stream_state.__dict__
    assert {s["partition"]["account_id"]: s["cursor"]["date"] for s in final["states"]} == {
        111: "2024-02-01",
        222: "2024-02-01",
    }
