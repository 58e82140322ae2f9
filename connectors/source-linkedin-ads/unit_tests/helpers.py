"""Config, request and response builders for the mock-server tests (LinkedIn's wire format)."""

import json
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import requests_mock
from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessageSerializer,
    ConfiguredAirbyteCatalog,
    SyncMode,
    Type,
)
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.state_builder import StateBuilder

BASE = "https://api.test.linkedin/rest"
TOKEN_URL = "https://auth.test.linkedin/oauth/v2/accessToken"
ANALYTICS = re.compile(re.escape(f"{BASE}/adAnalytics"))
ACCESS_TOKEN = "changeme-token"
REFRESH_TOKEN = "changeme-refresh"
ANALYTICS_STREAMS = (
    "ad_analytics_by_campaign",
    "ad_analytics_by_creative",
    "ad_analytics_by_campaign_group",
    "ad_analytics_by_account",
)
ENTITY_STREAMS = ("ad_accounts", "campaign_groups", "campaigns", "creatives")


class ConfigBuilder:
    """A valid access-token config for account 111 over 2024-01-01..2024-01-10."""

    def __init__(self) -> None:
        self._config: dict[str, Any] = {
            "credentials": {"auth_method": "access_token", "access_token": ACCESS_TOKEN},
            "account_ids": [111],
            "start_date": "2024-01-01",
            "end_date": "2024-01-10",
            "api_base_url": BASE,
            "token_url": TOKEN_URL,
        }

    def with_(self, **values: Any) -> "ConfigBuilder":
        self._config.update(values)
        return self

    def without(self, *keys: str) -> "ConfigBuilder":
        for key in keys:
            self._config.pop(key, None)
        return self

    def with_oauth(self) -> "ConfigBuilder":
        return self.with_(
            credentials={
                "auth_method": "oauth2.0",
                "client_id": "changeme-client",
                "client_secret": "changeme-secret",
                "refresh_token": REFRESH_TOKEN,
            }
        )

    def build(self) -> dict[str, Any]:
        return json.loads(json.dumps(self._config))


# -- requests as LinkedIn receives them --------------------------------------------------------


def raw_params(request: Any) -> dict[str, str]:
    """Query parameters as sent (Rest.li values undecoded), from the URL or a tunneled body."""
    query = request.body if request.method == "POST" else request.url.partition("?")[2]
    if isinstance(query, bytes):
        query = query.decode()
    return dict(part.split("=", 1) for part in (query or "").split("&") if part)


def date_range(request: Any) -> tuple[date, date]:
    value = raw_params(request)["dateRange"]
    numbers = [int(n) for n in re.findall(r"\d+", value)]
    return date(*numbers[:3]), date(*numbers[3:6])


def requested_fields(request: Any) -> list[str]:
    return unquote(raw_params(request)["fields"]).split(",")


def analytics_requests(api: requests_mock.Mocker) -> list[Any]:
    return [r for r in api.request_history if "/adAnalytics" in r.url]


# -- answers ------------------------------------------------------------------------------------


def element(pivot_urn: str, day: date, **metrics: Any) -> dict[str, Any]:
    """One adAnalytics element of one pivot value on one day."""
    restli = {"year": day.year, "month": day.month, "day": day.day}
    return {"pivotValues": [pivot_urn], "dateRange": {"start": restli, "end": restli}, **metrics}


def days(start: date, end: date) -> Iterable[date]:
    while start <= end:
        yield start
        start += timedelta(days=1)


def analytics_answer(
    rows: Callable[[Any, date, date], list[dict[str, Any]]],
) -> Callable[[Any, Any], str]:
    """A requests-mock body callback answering from ``rows(request, start, end)``."""

    def respond(request: Any, context: Any) -> str:
        start, end = date_range(request)
        return json.dumps({"elements": rows(request, start, end), "paging": {}})

    return respond


def page(elements: list[dict[str, Any]], next_token: str | None = None) -> dict[str, Any]:
    """One page of an entity finder."""
    return {"elements": elements, "metadata": {"nextPageToken": next_token} if next_token else {}}


# -- reading ------------------------------------------------------------------------------------


def catalog(
    streams: Iterable[str], sync_mode: SyncMode = SyncMode.incremental
) -> ConfiguredAirbyteCatalog:
    builder = CatalogBuilder()
    for name in streams:
        entity = name in ENTITY_STREAMS
        builder.with_stream(name, SyncMode.full_refresh if entity else sync_mode)
    return builder.build()


def run_read(
    get_source: Callable[..., Any],
    config: Mapping[str, Any],
    streams: Iterable[str],
    state: list[Any] | None = None,
    sync_mode: SyncMode = SyncMode.incremental,
) -> EntrypointOutput:
    configured = catalog(streams, sync_mode)
    source = get_source(config, state=state, catalog=configured)
    return read(source, dict(config), configured, state)


def run_check(get_source: Callable[..., Any], config: Mapping[str, Any]) -> AirbyteConnectionStatus:
    """``check`` as the platform runs it: the entrypoint validates the config, then the source."""
    entrypoint = AirbyteEntrypoint(get_source(config))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "config.json")
        path.write_text(json.dumps(config))
        lines = list(entrypoint.run(entrypoint.parse_args(["check", "--config", str(path)])))
    messages = [AirbyteMessageSerializer.load(json.loads(line)) for line in lines]
    (status,) = [m.connectionStatus for m in messages if m.type == Type.CONNECTION_STATUS]
    assert status is not None
    return status


def per_account_state(stream: str, cursors: Mapping[int, str]) -> list[Any]:
    """The per-partition state the connector saves: one cursor per account."""
    value = {
        "use_global_cursor": False,
        "states": [
            {"partition": {"account_id": account}, "cursor": {"date": cursor}}
            for account, cursor in cursors.items()
        ],
        "state": {"date": min(cursors.values())},
    }
    return StateBuilder().with_stream_state(stream, value).build()


def error_messages(output: EntrypointOutput) -> list[str]:
    return [e.trace.error.message for e in output.errors if e.trace and e.trace.error]
