"""Request matchers, response builders and a read helper for the requests-mock tests."""

import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any
from urllib.parse import unquote

import requests_mock
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.state_builder import StateBuilder

BASE = "https://api.test.linkedin/rest"
TOKEN_URL = "https://auth.test.linkedin/oauth/v2/accessToken"
ANALYTICS = re.compile(re.escape(f"{BASE}/adAnalytics"))


def config(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "credentials": {"auth_method": "access_token", "access_token": "changeme-token"},
        "account_ids": [111],
        "start_date": "2024-01-01",
        "end_date": "2024-01-10",
        "api_base_url": BASE,
        "token_url": TOKEN_URL,
    }
    base.update(overrides)
    return base


def oauth_config(**overrides: Any) -> dict[str, Any]:
    credentials = {
        "auth_method": "oauth2.0",
        "client_id": "changeme-client",
        "client_secret": "changeme-secret",
        "refresh_token": "changeme-refresh",
    }
    return config(credentials=credentials, **overrides)


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


def fields(request: Any) -> list[str]:
    return unquote(raw_params(request)["fields"]).split(",")


def element(pivot_urn: str, day: date, **metrics: Any) -> dict[str, Any]:
    restli = {"year": day.year, "month": day.month, "day": day.day}
    return {"pivotValues": [pivot_urn], "dateRange": {"start": restli, "end": restli}, **metrics}


def days(start: date, end: date) -> Iterable[date]:
    while start <= end:
        yield start
        start += timedelta(days=1)


def analytics_callback(
    rows: Callable[[Any, date, date], list[dict[str, Any]]],
) -> Callable[[Any, Any], str]:
    """A requests-mock body callback answering from ``rows(request, start, end)``."""

    def respond(request: Any, context: Any) -> str:
        start, end = date_range(request)
        return json.dumps({"elements": rows(request, start, end), "paging": {}})

    return respond


def page(elements: list[dict[str, Any]], next_token: str | None = None) -> dict[str, Any]:
    return {"elements": elements, "metadata": {"nextPageToken": next_token} if next_token else {}}


def run_read(
    get_source: Callable[..., Any],
    cfg: Mapping[str, Any],
    streams: Iterable[str],
    state: list[Any] | None = None,
    sync_mode: SyncMode = SyncMode.incremental,
) -> EntrypointOutput:
    builder = CatalogBuilder()
    for name in streams:
        mode = sync_mode if name.startswith("ad_analytics") else SyncMode.full_refresh
        builder.with_stream(name, mode)
    catalog = builder.build()
    return read(get_source(cfg, state=state, catalog=catalog), dict(cfg), catalog, state)


def stream_state(name: str, per_account: Mapping[int, str]) -> list[Any]:
    value = {
        "use_global_cursor": False,
        "states": [
            {"partition": {"account_id": account}, "cursor": {"date": cursor}}
            for account, cursor in per_account.items()
        ],
        "state": {"date": min(per_account.values())},
    }
    return StateBuilder().with_stream_state(name, value).build()


def analytics_requests(mocker: requests_mock.Mocker) -> list[Any]:
    return [r for r in mocker.request_history if "/adAnalytics" in r.url]


def error_messages(output: EntrypointOutput) -> list[str]:
    return [e.trace.error.message for e in output.errors if e.trace and e.trace.error]
