"""A small dbt project consistent with the repository's contracts (rules dbt and seed-headers)."""

from __future__ import annotations

import shutil
from pathlib import Path

UNIFIED_COLUMNS = (
    "date platform account_id campaign_id campaign_name ad_group_id ad_group_name ad_id ad_name "
    "impressions clicks spend currency conversions conversion_value"
).split()


def make_dbt_project(root: Path) -> Path:
    project = root / "dbt"
    (project / "models" / "staging").mkdir(parents=True)
    (project / "seeds").mkdir()
    (project / "dbt_project.yml").write_text(
        "name: marketing\nversion: '1.0'\nvars:\n  enable_linkedin: false\n  enable_tiktok: false\n"
    )
    (project / "models" / "staging" / "sources.yml").write_text(
        "version: 2\nsources:\n  - name: airbyte\n    tables:\n"
        "      - name: ads_ad_group_ad_performance_daily\n        columns:\n"
        "          - name: segments.date\n          - name: metrics.cost_micros\n"
        "      - name: ads_ad_analytics_by_campaign\n        columns:\n"
        "          - name: costInLocalCurrency\n"
        "models:\n  - name: ads_performance\n    meta: {data_contract: ads_performance}\n"
        "    columns:\n" + "".join(f"      - name: {c}\n" for c in UNIFIED_COLUMNS)
    )
    (project / "models" / "staging" / "stg_google_ads.sql").write_text(
        'select "segments.date" as date, "metrics.cost_micros" / 1e6 as spend\n'
        "from {{ source('airbyte', 'ads_ad_group_ad_performance_daily') }}\n"
    )
    (project / "models" / "staging" / "stg_linkedin.sql").write_text(
        "{{ config(enabled=var('enable_linkedin', false)) }}\n"
        "select date, costInLocalCurrency from {{ source('airbyte', 'ads_ad_analytics_by_campaign') }}\n"
    )
    shutil.copy(
        root / "contract_checks/seeds/ads_platforms.csv", project / "seeds" / "ads_platforms.csv"
    )
    return project
