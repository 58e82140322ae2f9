"""Source checks and discovers fail on the markers and switches tests set."""

from __future__ import annotations

from sandboxes.airbyte import (
    DISCOVER_FAIL_MARKER,
    AirbyteSandboxApp,
)
from sandboxes.airbyte.catalogs import (
    GA4_ID,
    GOOGLE_ADS_ID,
)

from .helpers import GOOGLE_ADS_CONFIG, call, make_source


def test_discover_failure_switches(app: AirbyteSandboxApp) -> None:
    by_marker = make_source(
        app,
        GOOGLE_ADS_ID,
        {**GOOGLE_ADS_CONFIG, "customer_id": "1234567890", "start_date": DISCOVER_FAIL_MARKER},
    )
    assert (
        call(app, "sources/discover_schema", {"sourceId": by_marker["sourceId"]})[1]["jobInfo"][
            "succeeded"
        ]
        is False
    )
    app.fail_discover(GA4_ID, "quota exhausted")
    ga4 = make_source(app, GA4_ID, {"property_ids": ["1"]})
    assert (
        call(app, "sources/discover_schema", {"sourceId": ga4["sourceId"]})[1]["jobInfo"][
            "failureReason"
        ]["externalMessage"]
        == "quota exhausted"
    )
