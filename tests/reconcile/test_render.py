"""Render is pure: environment + template snapshots -> desired state, no HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from airbyte_provisioning.core.envfile import read_env_file
from airbyte_provisioning.core.redact import AIRBYTE_MASK
from airbyte_provisioning.model.tenants import load_stack
from airbyte_provisioning.reconcile.model import FINGERPRINT_KEY, TemplateSnapshot
from airbyte_provisioning.reconcile.render import (
    render_tenants,
    select_streams,
    template_schedule,
)
from airbyte_provisioning.templates.source_templates import StreamSelection

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_WS = "00000000-0000-4000-8000-00000000a001"
META_DEFINITION = "e7778cfc-e97c-4458-9ecb-b4f2bba8946c"
STREAM = {
    "stream": {"name": "custom_ads_performance_daily", "supportedSyncModes": ["incremental"]},
    "config": {
        "selected": True,
        "syncMode": "incremental",
        "destinationSyncMode": "append_dedup",
        "cursorField": ["date_start"],
        "primaryKey": [["ad_id"], ["date_start"]],
    },
}


def _env(**extra: str) -> dict[str, str]:
    env = read_env_file(REPO / "env.example")
    env.update(extra)
    return env


def _snapshots(workspace: str = TEMPLATE_WS) -> dict[str, TemplateSnapshot]:
    def snap(key: str, platform: str, source: str) -> TemplateSnapshot:
        return TemplateSnapshot(
            template=key,
            variable=f"AIRBYTE_TEMPLATE_{key}_CONNECTION_ID",
            connection_id="00000000-0000-4000-8000-00000000c001",
            workspace_id=workspace,
            source_id=source,
            source_definition_id=META_DEFINITION,
            platform=platform,
            streams=(STREAM,),
            source_catalog_id="00000000-0000-4000-8000-0000000000ca",
        )

    return {
        "META_METRICS": snap("META_METRICS", "META", "00000000-0000-4000-8000-0000000005e1"),
        "GOOGLE_METRICS": snap(
            "GOOGLE_METRICS", "GOOGLE_ADS", "00000000-0000-4000-8000-0000000005e2"
        ),
        "DIMENSIONS_DAILY": snap(
            "DIMENSIONS_DAILY", "META", "00000000-0000-4000-8000-0000000005e1"
        ),
    }


def _render(env: dict[str, str]) -> dict[str, Any]:
    stack = load_stack(env)
    return {u.unit: u for u in render_tenants(stack, env, _snapshots())}


def test_a_tenant_in_the_template_workspace_shares_the_template_source() -> None:
    acme = _render(_env())["acme"]

    assert acme.sources == ()
    meta = next(c for c in acme.connections if c.template == "META_METRICS")
    assert (meta.source.how, meta.source.source_id) == (
        "template",
        "00000000-0000-4000-8000-0000000005e1",
    )
    assert meta.source_catalog_id == "00000000-0000-4000-8000-0000000000ca"
    assert (meta.name, meta.namespace, meta.prefix) == (
        "acme | Meta metrics",
        "acme_marketing",
        "acme_",
    )
    assert meta.schedule["scheduleData"]["cron"] == {
        "cronExpression": "0 0 6-22 * * ?",
        "cronTimeZone": "America/Jamaica",
    }


def test_a_tenant_overriding_its_account_gets_a_managed_source_with_its_own_ids() -> None:
    env = _env(
        AIRBYTE_GLOBEX_EU_META_ACCOUNT_ID="act_42",
        AIRBYTE_GLOBEX_EU_GOOGLE_ADS_SOURCE_ID="00000000-0000-4000-8000-0000000005e9",
    )
    globex = _render(env)["globex-eu"]

    (source,) = globex.sources
    assert (source.name, source.platform, source.definition_id) == (
        "stack:globex-eu:META",
        "META",
        META_DEFINITION,
    )
    assert source.config["account_ids"] == ["42"]
    redacted = source.redacted_config()
    assert redacted["credentials"]["access_token"] == AIRBYTE_MASK
    assert source.payload()[FINGERPRINT_KEY] == source.secret_fingerprint()
    meta = next(c for c in globex.connections if c.template == "META_METRICS")
    assert meta.source.how == "managed" and meta.source_catalog_id is None
    google = next(c for c in globex.connections if c.template == "GOOGLE_METRICS")
    assert (google.source.how, google.source.variable) == (
        "explicit",
        "AIRBYTE_GLOBEX_EU_GOOGLE_ADS_SOURCE_ID",
    )
    assert (google.status, google.prefix) == ("inactive", "globex_gads_")
    assert globex.bucket == "globex-eu-landing"


def test_the_secret_fingerprint_follows_the_secret_and_nothing_else() -> None:
    base = _env(AIRBYTE_GLOBEX_EU_META_ACCOUNT_ID="act_42")
    first = _render(base)["globex-eu"].sources[0]
    rotated = _render({**base, "AIRBYTE_META_ACCESS_TOKEN": "another-token-value"})[
        "globex-eu"
    ].sources[0]
    other_start = _render({**base, "AIRBYTE_META_START_DATE": "2024-01-01"})["globex-eu"].sources[0]

    assert first.secret_fingerprint() != rotated.secret_fingerprint()
    assert first.secret_fingerprint() == other_start.secret_fingerprint()
    assert "changeme-meta-access-token" not in repr(first)


def test_a_tenant_elsewhere_without_source_names_both_variables() -> None:
    env = _env()
    for name in [
        n
        for n in env
        if n.startswith("AIRBYTE_GLOBEX_EU_") and n.endswith(("_ACCOUNT_ID", "_CUSTOMER_ID"))
    ]:
        del env[name]
    globex = _render(env)["globex-eu"]

    assert globex.connections == ()
    reason = globex.connection_problems["META_METRICS"]
    assert (
        "AIRBYTE_GLOBEX_EU_META_SOURCE_ID" in reason
        and "AIRBYTE_GLOBEX_EU_META_ACCOUNT_ID" in reason
    )


def test_an_unrenderable_tenant_source_names_the_tenant_variable() -> None:
    globex = _render(
        _env(AIRBYTE_GLOBEX_EU_META_ACCOUNT_ID="act_1", AIRBYTE_GLOBEX_EU_META_START_DATE="soon")
    )["globex-eu"]

    reason = globex.connection_problems["META_METRICS"]
    assert "AIRBYTE_GLOBEX_EU_META_START_DATE -> start_date" in reason


def test_basic_interval_is_used_when_no_cron_is_set() -> None:
    env = _env(AIRBYTE_ACME_DAILY_BASIC_UNITS="6", AIRBYTE_ACME_DAILY_BASIC_TIME_UNIT="hours")
    acme = _render(env)["acme"]

    daily = next(c for c in acme.connections if c.template == "DIMENSIONS_DAILY")
    assert daily.schedule == {
        "scheduleType": "basic",
        "scheduleData": {"basicSchedule": {"timeUnit": "hours", "units": 6}},
    }


def test_tenants_sharing_workspace_and_destination_cannot_be_told_apart() -> None:
    env = _env(
        AIRBYTE_GLOBEX_EU_WORKSPACE_ID=TEMPLATE_WS,
        AIRBYTE_GLOBEX_EU_DESTINATION_ID="00000000-0000-4000-8000-00000000d101",
    )
    units = _render(env)

    assert "cannot be told apart" in units["globex-eu"].connection_problems["META_METRICS"]
    assert "cannot be told apart" in units["acme"].connection_problems["META_METRICS"]


def test_template_schedule_converts_unix_cron_to_quartz_in_the_default_zone() -> None:
    schedule = template_schedule(_env(), "METRICS", "America/Jamaica")

    assert not isinstance(schedule, str)
    assert schedule.to_airbyte()["scheduleData"]["cron"]["cronExpression"] == "0 0 6-22 * * ?"
    missing = template_schedule({}, "METRICS", "America/Jamaica")
    assert isinstance(missing, str) and "AIRBYTE_DEFAULT_METRICS_CRON" in missing


def test_select_streams_selects_the_template_streams_and_reports_missing_ones() -> None:
    discovered = [
        {
            "stream": {"name": "campaigns", "supportedSyncModes": ["full_refresh", "incremental"]},
            "config": {"selected": True},
        },
        {"stream": {"name": "ads", "supportedSyncModes": ["full_refresh"]}, "config": {}},
    ]
    wanted = [
        StreamSelection("campaigns", "incremental", "append_dedup", ("updated_time",), (("id",),)),
        StreamSelection("ad_sets", "incremental", "append_dedup"),
    ]

    items, problems = select_streams(discovered, wanted)

    assert [(i["stream"]["name"], i["config"]["selected"]) for i in items] == [
        ("campaigns", True),
        ("ads", False),
    ]
    assert items[0]["config"]["cursorField"] == ["updated_time"]
    assert problems == [
        "stream ad_sets is not in the discovered catalog (discovered: ads, campaigns)"
    ]


def _crons(unit: Any) -> dict[str, str]:
    return {
        c.template: c.schedule["scheduleData"]["cron"]["cronExpression"] for c in unit.connections
    }


def test_a_spread_moves_each_rendered_tenant_connection_by_its_stable_offset() -> None:
    from airbyte_provisioning.model.spread import spread_offset

    env = _env(
        AIRBYTE_DEFAULT_METRICS_CRON="0 6-21 * * *",
        AIRBYTE_DEFAULT_METRICS_SPREAD_MINUTES="30",
        AIRBYTE_DEFAULT_DAILY_SPREAD_MINUTES="16",
    )
    units = _render(env)
    acme = _crons(units["acme"])
    assert acme == {
        "META_METRICS": f"0 {spread_offset('acme', 'META_METRICS', 30)} 6-21 * * ?",
        "GOOGLE_METRICS": f"0 {spread_offset('acme', 'GOOGLE_METRICS', 30)} 6-21 * * ?",
        "DIMENSIONS_DAILY": f"0 {15 + spread_offset('acme', 'DIMENSIONS_DAILY', 16)} 2 * * ?",
    }
    # globex-eu writes its own crons: never shifted
    assert set(_crons(units["globex-eu"]).values()) == {"0 0 7-21 ? * MON-FRI", "0 30 1 * * ?"}
    # a second render (the next run) asks for exactly the same schedules: nothing to plan
    again = _render(dict(env))
    assert [c.schedule for c in again["acme"].connections] == [
        c.schedule for c in units["acme"].connections
    ]


def test_a_connection_without_a_usable_schedule_names_the_variables_to_fix() -> None:
    acme = _render(_env(AIRBYTE_ACME_METRICS_CRON="0 6 31 2 *"))["acme"]

    reason = acme.connection_problems["META_METRICS"]
    assert "AIRBYTE_ACME_METRICS_CRON" in reason and "AIRBYTE_DEFAULT_METRICS_CRON" in reason
