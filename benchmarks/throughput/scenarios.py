"""What the throughput benchmark reads: each connector's main report stream, and the floor.

* ``tiktok``: ``ads_reports_daily`` for 4 advertisers (4 time zones) x 90 days, 64 ads each:
  23,040 rows in 1,000-row pages (two pages per 30-day window).
* ``linkedin``: ``ad_analytics_by_campaign`` for 4 accounts x 90 days, 25 campaigns each
  (every fourth ended half way; LinkedIn omits all-zero days), one OAuth refresh.
* ``floor``: a manifest without custom components (``floor/manifest.yaml``: ``DpathExtractor``,
  ``PageIncrement``, an inline schema) reading the very report pages recorded for ``tiktok``, one
  after the other: what the CDK itself spends on a record of the same JSON.
* ``floor_incremental``: the same rows read incrementally (``floor_incremental/manifest.yaml``):
  one partition per advertiser and a ``DatetimeBasedCursor`` with ``ads_reports_daily``'s cursor
  settings, still no custom component. A connector's report stream pays the CDK's per-record
  cursor work (parsing and formatting each cursor value, keying the partition) that the plain
  floor does not; this floor says how much of a connector's cost that is.

The dates lie in the past and the sandboxes' clocks are fixed, so a connector asks for the same
requests on every run, whatever day it is, and the recorded answers keep matching.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

from airbyte_provisioning.connectors.folder import ConnectorFolder, connector
from benchmarks.throughput.recording import RecordedResponse, Recording, RecordingError
from sandboxes import linkedin, tiktok
from sandboxes.base import SandboxApp
from sandboxes.linkedin import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN

ScenarioName = Literal["tiktok", "linkedin", "floor", "floor_incremental"]
FIRST_DAY, LAST_DAY = date(2025, 1, 1), date(2025, 3, 31)
SANDBOX_NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
FLOOR_FOLDER = Path(__file__).parent / "floor"
FLOOR_PATH = "/floor/report"
FLOOR_INCREMENTAL_FOLDER = Path(__file__).parent / "floor_incremental"
FLOOR_INCREMENTAL_PATH = "/floor/incremental"
TIKTOK_REPORT_PATH = f"{tiktok.API_PREFIX}/report/integrated/get/"

TIKTOK_ADVERTISERS = tuple(
    tiktok.SandboxAdvertiser(
        f"74000000000000000{i}",
        f"Throughput {i}",
        currency,
        timezone,
        first_day=FIRST_DAY,
        campaigns=4,
        adgroups_per_campaign=4,
        ads_per_adgroup=4,
    )
    for i, (currency, timezone) in enumerate(
        [
            ("JPY", "Asia/Tokyo"),
            ("GBP", "Europe/London"),
            ("USD", "America/Los_Angeles"),
            ("EUR", "Europe/Berlin"),
        ],
        start=1,
    )
)
LINKEDIN_MODEL = linkedin.LinkedInDataModel(
    accounts=4,
    groups_per_account=5,
    campaigns_per_account=25,
    creatives_per_campaign=1,
    first_day=FIRST_DAY,
    last_day=LAST_DAY,
)


@dataclass(frozen=True)
class Scenario:
    """One read: the folder run by ``source-declarative-manifest``, its stream and its config.

    ``sandbox`` builds the API stand-in a recording is made from (``None`` for the floor, whose
    answers are derived from the TikTok recording); ``config`` takes the server's base URL.
    """

    name: ScenarioName
    folder: ConnectorFolder
    stream: str
    config: Callable[[str], dict[str, Any]]
    sandbox: Callable[[], SandboxApp] | None
    conditions: dict[str, Any]


def _tiktok_config(base_url: str) -> dict[str, Any]:
    return {
        "access_token": "changeme-sandbox-access-token",
        "advertiser_ids": [a.advertiser_id for a in TIKTOK_ADVERTISERS],
        "start_date": FIRST_DAY.isoformat(),
        "end_date": LAST_DAY.isoformat(),
        "api_base_url": base_url,
        # pacing sleeps cost no CPU, but the recording is quicker without them
        "requests_per_second": 50,
    }


def _linkedin_config(base_url: str) -> dict[str, Any]:
    return {
        "credentials": {
            "auth_method": "oauth2.0",
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
            "refresh_token": SANDBOX_REFRESH_TOKEN,
        },
        "account_ids": LINKEDIN_MODEL.account_ids(),
        "start_date": FIRST_DAY.isoformat(),
        "end_date": LAST_DAY.isoformat(),
        "api_base_url": f"{base_url}/rest",
        "token_url": f"{base_url}/oauth/v2/accessToken",
        "requests_per_second": 100,
    }


def _floor_config(base_url: str) -> dict[str, Any]:
    return {"api_base_url": base_url}


def _floor_incremental_config(base_url: str) -> dict[str, Any]:
    return {
        "api_base_url": base_url,
        "advertiser_ids": [a.advertiser_id for a in TIKTOK_ADVERTISERS],
        "start_date": FIRST_DAY.isoformat(),
        "end_date": LAST_DAY.isoformat(),
    }


DAYS = (LAST_DAY - FIRST_DAY).days + 1

SCENARIOS: dict[ScenarioName, Scenario] = {
    "tiktok": Scenario(
        "tiktok",
        connector("tiktok-ads"),
        "ads_reports_daily",
        _tiktok_config,
        lambda: tiktok.create_app(advertisers=TIKTOK_ADVERTISERS, now=SANDBOX_NOW),
        {"advertisers": len(TIKTOK_ADVERTISERS), "days": DAYS, "page_size": 1000},
    ),
    "linkedin": Scenario(
        "linkedin",
        connector("linkedin-ads"),
        "ad_analytics_by_campaign",
        _linkedin_config,
        lambda: linkedin.create_app(model=LINKEDIN_MODEL),
        {
            "accounts": LINKEDIN_MODEL.accounts,
            "campaigns": LINKEDIN_MODEL.accounts * LINKEDIN_MODEL.campaigns_per_account,
            "days": DAYS,
        },
    ),
    "floor": Scenario(
        "floor",
        ConnectorFolder(FLOOR_FOLDER),
        "report_rows",
        _floor_config,
        None,
        {"pages": "the tiktok scenario's recorded report pages, in key order"},
    ),
    "floor_incremental": Scenario(
        "floor_incremental",
        ConnectorFolder(FLOOR_INCREMENTAL_FOLDER),
        "report_rows_incremental",
        _floor_incremental_config,
        None,
        {
            "pages": "the tiktok scenario's recorded report pages, by advertiser, with a "
            "top-level stat_time_day",
            "partitions": len(TIKTOK_ADVERTISERS),
            "slices_per_partition": 1,
        },
    ),
}


def floor_recording(tiktok_recording: Recording) -> Recording:
    """The TikTok report pages served as ``/floor/report?page=1..n``, then an empty page.

    The floor manifest pages with ``PageIncrement`` until a page has no rows; pages are taken in
    key order, so the floor reads the same bytes in the same order on every run.
    """
    pages = [answer for _, answer in _report_pages(tiktok_recording)]
    responses = {f"GET {FLOOR_PATH}?page={n}": page for n, page in enumerate(pages, start=1)}
    responses[f"GET {FLOOR_PATH}?page={len(pages) + 1}"] = _EMPTY_PAGE
    return Recording(responses)


def floor_incremental_recording(tiktok_recording: Recording) -> Recording:
    """Each advertiser's TikTok report pages served as
    ``/floor/incremental?advertiser_id=<id>&page=1..n``, then an empty page, every row given a
    top-level ``stat_time_day`` (``"YYYY-MM-DD"``, the day of its dimensions).

    The incremental floor's partitions are the advertisers, so each one must read its own
    advertiser's rows; its cursor reads ``stat_time_day`` at the top of a row, and the day is the
    value the TikTok connector's cursor sees (it shortens TikTok's ``"YYYY-MM-DD 00:00:00"`` the
    same way), so the CDK parses the same strings. An advertiser's pages are taken by window
    start, then page number: the same rows in the same order on every run.
    """
    by_advertiser: dict[str, list[tuple[tuple[str, int], RecordedResponse]]] = {}
    for key, answer in _report_pages(tiktok_recording):
        query = dict(parse_qsl(key.partition("?")[2]))
        try:
            # TikTok's first page of a window is asked for without a page number
            number = int(query.get("page", "1"))
            advertiser, order = query["advertiser_id"], (query["start_date"], number)
        except (KeyError, ValueError):
            raise RecordingError(
                f"the tiktok report request {key[:160]!r}... has no advertiser_id or start_date, "
                "or a page that is not a number: the incremental floor cannot tell whose rows "
                "it holds; delete the recording folder and run again"
            ) from None
        by_advertiser.setdefault(advertiser, []).append((order, _with_cursor_day(key, answer)))
    responses: dict[str, RecordedResponse] = {}
    for advertiser, pages in sorted(by_advertiser.items()):
        ordered = [page for _, page in sorted(pages, key=lambda item: item[0])]
        for n, page in enumerate([*ordered, _EMPTY_PAGE], start=1):
            served = urlencode([("advertiser_id", advertiser), ("page", n)])
            responses[f"GET {FLOOR_INCREMENTAL_PATH}?{served}"] = page
    return Recording(responses)


CURSOR_FIELD = "stat_time_day"
_EMPTY_PAGE = RecordedResponse(
    200,
    "application/json",
    json.dumps({"code": 0, "message": "OK", "data": {"list": []}}).encode(),
)


def _report_pages(tiktok_recording: Recording) -> list[tuple[str, RecordedResponse]]:
    """The recording's report pages that have rows, in key order."""
    pages = [
        (key, answer)
        for key, answer in sorted(tiktok_recording.responses.items())
        if key.startswith(f"GET {TIKTOK_REPORT_PATH}?") and _rows(answer)
    ]
    if not pages:
        raise RecordingError(
            f"the tiktok recording has no report page with rows ({TIKTOK_REPORT_PATH}): the "
            "floor has nothing to read; delete the recording folder and run again"
        )
    return pages


def _with_cursor_day(key: str, answer: RecordedResponse) -> RecordedResponse:
    payload = json.loads(answer.body)
    try:
        for row in payload["data"]["list"]:
            row[CURSOR_FIELD] = row["dimensions"][CURSOR_FIELD][:10]
    except (KeyError, TypeError):
        raise RecordingError(
            f"a row of the tiktok report page {key[:160]!r}... has no "
            f"dimensions.{CURSOR_FIELD}: the incremental floor's cursor would have nothing to "
            "read; delete the recording folder and run again"
        ) from None
    return RecordedResponse(answer.status, answer.content_type, json.dumps(payload).encode())


def _rows(answer: RecordedResponse) -> int:
    try:
        rows = json.loads(answer.body)["data"]["list"]
    except (ValueError, KeyError, TypeError):
        return 0
    return len(rows) if isinstance(rows, list) else 0
