"""Fixtures for the readiness tests: a production-like environment that passes every rule.

Every value is invented but shaped like the real thing (random UUIDs, numeric ids, long tokens),
so a test can break exactly one rule by changing one variable.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def production_env() -> dict[str, str]:
    return {
        "AIRBYTE_BASE_URL": "https://airbyte.internal.agency.io",
        "AIRBYTE_CLIENT_ID": "8f14e45f-ceea-467a-9af7-4b8c1d2e3f40",
        "AIRBYTE_CLIENT_SECRET": "Qm9vU3RyYXBTZWNyZXQtNzM5MjE4NDY1",
        "AIRBYTE_DEFAULT_TIMEZONE": "America/Jamaica",
        "AIRBYTE_DEFAULT_METRICS_CRON": "0 6-22 * * *",
        "AIRBYTE_DEFAULT_DAILY_CRON": "15 2 * * *",
        "AIRBYTE_DEFAULT_DESTINATION_NAMESPACE": "marketing_raw",
        "AIRBYTE_TEMPLATE_DESTINATION_ID": "3c59dc04-8e88-4a5b-9d1f-0f2a7b6c5d41",
        "AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID": "c4ca4238-a0b9-4382-8dcc-509a6f75849b",
        "AIRBYTE_TEMPLATE_GOOGLE_METRICS_CONNECTION_ID": "c81e728d-9d4c-4f63-af06-7f89cc14862c",
        "AIRBYTE_TEMPLATE_DIMENSIONS_DAILY_CONNECTION_ID": "eccbc87e-4b5c-4e2f-a6b8-2b7f3c9d1e0a",
        "AIRBYTE_TENANTS": "acme,globex-eu",
        "AIRBYTE_ACME_WORKSPACE_ID": "a87ff679-a2f3-471d-9181-a67b7542122c",
        "AIRBYTE_ACME_DESTINATION_ID": "e4da3b7f-bbce-4345-9d77-7c1f3a5c2b19",
        "AIRBYTE_GLOBEX_EU_WORKSPACE_ID": "1679091c-5a88-4faf-afb5-e6087eb1b2dc",
        "AIRBYTE_GLOBEX_EU_DESTINATION_ID": "8f14e45f-ceea-4167-a5a3-6e2c9b7d8f10",
        "AIRBYTE_GLOBEX_EU_TIMEZONE": "Europe/Berlin",
        "AIRBYTE_META_ACCOUNT_ID": "act_238401957734512",
        "AIRBYTE_META_ACCESS_TOKEN": "EAAGm0PX4ZCpsBAK" + "q7Zr2Lw9Xb3" * 12,
        "AIRBYTE_META_START_DATE": "2025-01-01T00:00:00Z",
        "AIRBYTE_GOOGLE_ADS_DEVELOPER_TOKEN": "Ab3dE-fGh1jKlM_nOpQr5t",
        "AIRBYTE_GOOGLE_ADS_CLIENT_ID": "918273645012-k2j3h4g5f6d7s8a9.apps.googleusercontent.com",
        "AIRBYTE_GOOGLE_ADS_CLIENT_SECRET": "GOCSPX-7hG2kL9mN4pQ1rS8tU3vW6xY0zA",
        "AIRBYTE_GOOGLE_ADS_REFRESH_TOKEN": "1//0gT7yKp3Xq9LmCgYIARAAGBASNwF-L9Ir" + "w4Ze8Qv2" * 6,
        "AIRBYTE_GOOGLE_ADS_CUSTOMER_ID": "678-394-8572",
        "AIRBYTE_GOOGLE_ADS_START_DATE": "2025-01-01",
    }
