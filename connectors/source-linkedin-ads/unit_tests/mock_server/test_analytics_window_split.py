"""adAnalytics answers at most 15,000 elements and is not paginated: a capped answer is re-planned."""

from itertools import pairwise

from ..helpers import (
    ANALYTICS,
    ConfigBuilder,
    analytics_answer,
    analytics_requests,
    date_range,
    days,
    element,
    error_messages,
    raw_params,
    run_read,
)

CAP = 15_000
ENTITIES = 200  # rows a day: a 91-day window would need 18,200 elements


def _capped_rows(request, start, end):
    if raw_params(request)["timeGranularity"] == "MONTHLY":
        months = sorted({(day.year, day.month) for day in days(start, end)})
        return [
            element(
                f"urn:li:sponsoredCampaign:{entity}",
                start.replace(year=year, month=month, day=1),
                clicks=1,
            )
            for year, month in months
            for entity in range(ENTITIES)
        ]
    rows = [
        element(f"urn:li:sponsoredCampaign:{entity}", day, clicks=1)
        for day in days(start, end)
        for entity in range(ENTITIES)
    ]
    return rows[:CAP]


def test_a_capped_window_is_probed_and_re_requested_in_windows_under_the_cap(get_source, api):
    api.register_uri("GET", ANALYTICS, text=analytics_answer(_capped_rows))
    config = ConfigBuilder().with_(start_date="2024-01-01", end_date="2024-03-31").build()
    output = run_read(get_source, config, ["ad_analytics_by_campaign"])

    kinds = [(raw_params(r)["timeGranularity"], *date_range(r)) for r in analytics_requests(api)]
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
    keys = {(r.record.data["campaign_id"], r.record.data["date"]) for r in output.records}
    assert len(keys) == 91 * ENTITIES


def test_a_single_day_at_the_cap_fails_with_an_actionable_message(get_source, api):
    def rows(request, start, end):
        return [element(f"urn:li:sponsoredCreative:{e}", start, clicks=1) for e in range(CAP)]

    api.register_uri("GET", ANALYTICS, text=analytics_answer(rows))
    config = ConfigBuilder().with_(start_date="2024-01-01", end_date="2024-01-01").build()
    output = run_read(get_source, config, ["ad_analytics_by_creative"])

    assert any("15,000-element maximum" in message for message in error_messages(output))
