"""Facebook Marketing discover: insights, objects, custom insights."""

from __future__ import annotations

from sandboxes.airbyte import (
    AirbyteSandboxApp,
)
from sandboxes.airbyte.catalogs import (
    FACEBOOK_MARKETING_ID,
    camel_to_snake,
)

from ..helpers import discovered, make_source


def test_facebook_catalog_has_insights_and_custom_insight_names(app: AirbyteSandboxApp) -> None:
    config = {
        "account_ids": ["111"],
        "credentials": {"auth_type": "Service", "access_token": "fb-token"},
        "custom_insights": [
            {
                "name": "MyWeekly",
                "level": "campaign",
                "fields": ["spend"],
                "breakdowns": ["country"],
            },
            {"name": "daily_spend", "fields": ["spend"]},
        ],
    }
    streams = discovered(app, make_source(app, FACEBOOK_MARKETING_ID, config)["sourceId"])
    insights = streams["ads_insights"]["stream"]
    assert insights["sourceDefinedPrimaryKey"] == [["date_start"], ["account_id"], ["ad_id"]]
    assert insights["defaultCursorField"] == ["date_start"]
    assert streams["custom_my_weekly"]["stream"]["sourceDefinedPrimaryKey"] == [
        ["date_start"],
        ["account_id"],
        ["campaign_id"],
        ["country"],
    ]
    assert "customdaily_spend" in streams
    assert streams["campaigns"]["stream"]["defaultCursorField"] == ["updated_time"]
    assert camel_to_snake("CustomMyWeekly") == "custom_my_weekly"
