"""adAnalytics answers at most 15,000 elements and is not paginated: a capped answer is re-planned."""

from itertools import pairwise

import requests_mock

CAP = 15_000
ENTITIES = 200  # rows a day: a 91-day window would need 18,200 elements


def _capped_rows(request, start, end, h):
    granularity = h.raw_params(request)["timeGranularity"]
    if granularity == "MONTHLY":
        months = sorted({(d.year, d.month) for d in h.days(start, end)})
        return [
            h.element(
                f"urn:li:sponsoredCampaign:{e}", start.replace(year=y, month=m, day=1), clicks=1
            )
            for y, m in months
            for e in range(ENTITIES)
        ]
    rows = [
        h.element(f"urn:li:sponsoredCampaign:{e}", day, clicks=1)
        for day in h.days(start, end)
        for e in range(ENTITIES)
    ]
    return rows[:CAP]


def test_a_capped_window_is_probed_and_re_requested_in_windows_under_the_cap(get_source, h):
    cfg = h.config(start_date="2024-01-01", end_date="2024-03-31")
    with requests_mock.Mocker() as m:
        m.register_uri(
            "GET", h.ANALYTICS, text=h.analytics_callback(lambda r, s, e: _capped_rows(r, s, e, h))
        )
        output = h.run_read(get_source, cfg, ["ad_analytics_by_campaign"])

    requests = h.analytics_requests(m)
    kinds = [(h.raw_params(r)["timeGranularity"], *h.date_range(r)) for r in requests]
    capped, probe, *planned = kinds
    assert capped[0] == "DAILY" and (capped[2] - capped[1]).days == 90
    assert probe[0] == "MONTHLY" and probe[1:] == capped[1:]
    assert all(kind == "DAILY" for kind, _, _ in planned)
    # planned windows tile the range without overlap and each stays under the cap
    assert planned[0][1] == capped[1] and planned[-1][2] == capped[2]
    for (_, _, end), (_, start, _) in pairwise(planned):
        assert (start - end).days == 1
    assert all(((end - start).days + 1) * ENTITIES < CAP for _, start, end in planned)
    assert len(planned) == 2
    assert len(output.records) == 91 * ENTITIES
    assert (
        len({(r.record.data["campaign_id"], r.record.data["date"]) for r in output.records})
        == 91 * ENTITIES
    )


def test_a_single_day_at_the_cap_fails_with_an_actionable_message(get_source, h):
    def rows(request, start, end):
        return [h.element(f"urn:li:sponsoredCreative:{e}", start, clicks=1) for e in range(CAP)]

    cfg = h.config(start_date="2024-01-01", end_date="2024-01-01")
    with requests_mock.Mocker() as m:
        m.register_uri("GET", h.ANALYTICS, text=h.analytics_callback(rows))
        output = h.run_read(get_source, cfg, ["ad_analytics_by_creative"])

    assert any("15,000-element maximum" in message for message in h.error_messages(output))
