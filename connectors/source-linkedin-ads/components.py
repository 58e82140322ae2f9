"""Custom components of source-linkedin-ads: the LinkedIn facts the declarative CDK cannot express.

Each class handles one API fact, named in its docstring; knobs come from ``manifest.yaml``.
"""

import hashlib
import json
import random
import threading
from collections import Counter
from collections.abc import Mapping, MutableMapping
from dataclasses import InitVar, dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.auth.oauth import DeclarativeOauth2Authenticator
from airbyte_cdk.sources.declarative.interpolation import InterpolatedString
from airbyte_cdk.sources.declarative.requesters.http_requester import HttpRequester
from airbyte_cdk.sources.declarative.requesters.request_options import (
    InterpolatedRequestOptionsProvider,
)
from airbyte_cdk.sources.declarative.schema.schema_loader import SchemaLoader
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

# pivot -> flat record field; entity pivots hold the numeric id of the pivot URN
ENTITY_PIVOT_FIELDS = {
    "ACCOUNT": "account_id",
    "CAMPAIGN_GROUP": "campaign_group_id",
    "CAMPAIGN": "campaign_id",
    "CREATIVE": "creative_id",
    "COMPANY": "company_id",
    "CONVERSION": "conversion_id",
    "SHARE": "share_id",
}
MONEY_METRICS = frozenset({"costInLocalCurrency", "costInUsd", "conversionValueInLocalCurrency"})
SHORT_WINDOW_METRICS = frozenset({"approximateMemberReach", "audiencePenetration"})


def pivot_field(pivot: str) -> str:
    """``CAMPAIGN`` -> ``campaign_id``; breakdown pivots keep their value: ``member_country_v2``."""
    return ENTITY_PIVOT_FIELDS.get(pivot, pivot.lower())


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return [str(item) for item in value or []]


@dataclass
class LinkedInRestliHttpRequester(HttpRequester):
    """Rest.li 2.0 wire format plus query tunneling.

    LinkedIn parses ``List(..)`` and ``(key:value)`` from the raw query, so parentheses, commas and
    colons go out literally while URNs inside them stay percent-encoded
    (``accounts=List(urn%3Ali%3AsponsoredAccount%3A1)``); ``requests`` would encode them all.
    URLs longer than ``max_url_length`` get 414, so such a call is sent as ``POST`` with
    ``X-HTTP-Method-Override: GET`` and the query string as a form body.
    """

    request_parameters: Mapping[str, Any] | None = None
    request_headers: Mapping[str, Any] | None = None
    max_url_length: int | str = 4000

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self.request_options_provider = InterpolatedRequestOptionsProvider(
            config=self.config,
            parameters=parameters,
            request_parameters=dict(self.request_parameters or {}),
            request_headers=dict(self.request_headers or {}),
        )
        super().__post_init__(parameters)
        limit = InterpolatedString.create(str(self.max_url_length), parameters=parameters)
        self._max_url_length = int(limit.eval(self.config))

    def send_request(
        self,
        stream_state: StreamState | None = None,
        stream_slice: StreamSlice | None = None,
        next_page_token: Mapping[str, Any] | None = None,
        path: str | None = None,
        request_headers: Mapping[str, Any] | None = None,
        request_params: Mapping[str, Any] | None = None,
        request_body_data: Mapping[str, Any] | str | None = None,
        request_body_json: Mapping[str, Any] | None = None,
        log_formatter: Any = None,
    ) -> requests.Response | None:
        url = self._get_url(
            path=path,
            stream_state=stream_state,
            stream_slice=stream_slice,
            next_page_token=next_page_token,
        )
        params = self._request_params(stream_state, stream_slice, next_page_token, request_params)
        headers = dict(
            self._request_headers(stream_state, stream_slice, next_page_token, request_headers)
        )
        query = "&".join(
            f"{quote(str(k), safe='')}={quote(str(v), safe='(),:%')}"
            for k, v in params.items()
            if v is not None and v != ""
        )
        method, data = "GET", None
        if len(url) + len(query) + 1 > self._max_url_length:
            method, data = "POST", query
            headers["X-HTTP-Method-Override"] = "GET"
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif query:
            url = f"{url}?{query}"
        _, response = self._http_client.send_request(
            http_method=method,
            url=url,
            request_kwargs={"stream": self.stream_response},
            headers=headers,
            params={},
            data=data,
            dedupe_query_params=False,
            log_formatter=log_formatter,
            exit_on_rate_limit=self._exit_on_rate_limit,
        )
        return response


@dataclass
class LinkedInAnalyticsHttpRequester(LinkedInRestliHttpRequester):
    """adAnalytics limits: at most 20 ``fields``, at most 15,000 elements, no pagination.

    Metrics are chunked (each chunk with ``dateRange`` and ``pivotValues``) and the chunks of one
    window are outer-merged on (pivotValues, dateRange), because LinkedIn omits a row whose
    requested metrics are all zero. A response at the cap is truncated: the window is re-planned
    (a ``MONTHLY`` probe counts the rows per month, then windows are packed below the cap) or, once
    probed, halved. Each window is one "page", so memory stays bounded; the remaining windows
    travel in ``_remaining_windows``. Windows holding ``approximateMemberReach`` or
    ``audiencePenetration`` are kept within 92 days, the longest range LinkedIn serves them for.
    """

    metrics: Any = ""
    default_metrics: list[str] = field(default_factory=list)
    time_granularity: str = "DAILY"
    max_fields: int = 20
    max_elements: int = 15_000
    fill_ratio: float = 0.9

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        super().__post_init__(parameters)
        self._metrics_value = InterpolatedString.create(
            str(self.metrics or ""), parameters=parameters
        )
        self._granularity = InterpolatedString.create(self.time_granularity, parameters=parameters)

    def _chunks(self) -> list[list[str]]:
        metrics = _as_list(self._metrics_value.eval(self.config)) or list(self.default_metrics)
        unique = list(dict.fromkeys(m for m in metrics if m not in {"dateRange", "pivotValues"}))
        size = self.max_fields - 2
        return [unique[i : i + size] for i in range(0, len(unique), size)]

    def send_request(  # type: ignore[override]
        self,
        stream_state: StreamState | None = None,
        stream_slice: StreamSlice | None = None,
        next_page_token: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> requests.Response | None:
        granularity = str(self._granularity.eval(self.config))
        chunks = self._chunks()
        token = (next_page_token or {}).get("next_page_token")
        if token:
            windows, probed = _decode_windows(token)
        else:
            assert stream_slice is not None
            start = date.fromisoformat(stream_slice["start_time"][:10])
            end = date.fromisoformat(stream_slice["end_time"][:10])
            short = any(SHORT_WINDOW_METRICS.intersection(chunk) for chunk in chunks)
            windows, probed = _split_days(start, end, 92 if short else 100_000), False
        while True:
            start, end = windows.pop(0)
            fetched = self._fetch(stream_slice, start, end, chunks, granularity)
            if fetched is not None:
                break
            windows[:0] = self._replan(stream_slice, start, end, chunks, granularity, probed)
            probed = True
        remaining = _encode_windows(windows, probed)
        body = {"elements": fetched, "_remaining_windows": remaining if windows else None}
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = self._get_url(stream_slice=stream_slice, stream_state=stream_state)
        return response

    def _query(
        self,
        stream_slice: StreamSlice | None,
        start: date,
        end: date,
        fields: list[str],
        granularity: str,
    ) -> list[dict[str, Any]]:
        extra = {
            "timeGranularity": granularity,
            "dateRange": f"(start:{_restli_date(start)},end:{_restli_date(end)})",
            "fields": ",".join(["dateRange", "pivotValues", *fields]),
        }
        response = super().send_request(stream_slice=stream_slice, request_params=extra)
        assert response is not None
        return list(response.json().get("elements", []))

    def _fetch(
        self,
        stream_slice: StreamSlice | None,
        start: date,
        end: date,
        chunks: list[list[str]],
        granularity: str,
    ) -> list[dict[str, Any]] | None:
        merged: dict[tuple[Any, ...], dict[str, Any]] = {}
        for chunk in chunks:
            rows = self._query(stream_slice, start, end, chunk, granularity)
            if len(rows) >= self.max_elements:
                return None
            for row in rows:
                key = (
                    tuple(row.get("pivotValues") or ()),
                    json.dumps(row.get("dateRange"), sort_keys=True),
                )
                merged.setdefault(key, {}).update(row)
        return list(merged.values())

    def _replan(
        self,
        stream_slice: StreamSlice | None,
        start: date,
        end: date,
        chunks: list[list[str]],
        granularity: str,
        probed: bool,
    ) -> list[tuple[date, date]]:
        split = _month_split(start, end) if granularity == "MONTHLY" else None
        if granularity == "DAILY" and start < end:
            split = start + (end - start) // 2
            probe = [] if probed else self._query(stream_slice, start, end, chunks[0], "MONTHLY")
            if probe and len(probe) < self.max_elements:
                per_month = Counter(
                    (r["dateRange"]["start"]["year"], r["dateRange"]["start"]["month"])
                    for r in probe
                )
                return _pack(start, end, per_month, self.max_elements * self.fill_ratio)
        if split is None:
            raise AirbyteTracedException(
                message=f"LinkedIn returned the 15,000-element maximum for {start}..{end} even "
                "for the smallest window: narrow the report (fewer pivots, or a DAILY or "
                "MONTHLY time_granularity) so rows fit.",
                failure_type=FailureType.config_error,
            )
        return [(start, split), (split + timedelta(days=1), end)]


def _pack(
    start: date, end: date, per_month: Counter[tuple[int, int]], budget: float
) -> list[tuple[date, date]]:
    """Consecutive windows whose estimated rows (active entities of the month per day) fit."""
    windows, used, window_start, day = [], 0.0, start, start
    while day <= end:
        rows = per_month[(day.year, day.month)]
        if used + rows > budget and day > window_start:
            windows.append((window_start, day - timedelta(days=1)))
            window_start, used = day, 0.0
        used += rows
        day += timedelta(days=1)
    windows.append((window_start, end))
    return windows


def _encode_windows(windows: list[tuple[date, date]], probed: bool) -> str:
    # "2024-01-01/2024-01-31;2024-02-01/2024-02-29|p": not a Python literal, so Jinja keeps a str
    spans = ";".join(f"{start.isoformat()}/{end.isoformat()}" for start, end in windows)
    return f"{spans}|{'p' if probed else ''}"


def _decode_windows(token: str) -> tuple[list[tuple[date, date]], bool]:
    spans, _, flag = token.rpartition("|")
    windows = []
    for span in filter(None, spans.split(";")):
        start, _, end = span.partition("/")
        windows.append((date.fromisoformat(start), date.fromisoformat(end)))
    return windows, flag == "p"


def _restli_date(day: date) -> str:
    return f"(year:{day.year},month:{day.month},day:{day.day})"


def _split_days(start: date, end: date, longest: int) -> list[tuple[date, date]]:
    windows = []
    while start <= end:
        last = min(end, start + timedelta(days=longest - 1))
        windows.append((start, last))
        start = last + timedelta(days=1)
    return windows


def _month_split(start: date, end: date) -> date | None:
    """The last day of a month in the middle of start..end, if the range spans two months."""
    middle = start + (end - start) // 2
    boundary = middle.replace(day=1) - timedelta(days=1)
    if boundary >= start:
        return boundary
    nxt = (middle.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return nxt if nxt < end else None


@dataclass
class LinkedInAnalyticsRowTransformation(RecordTransformation):
    """adAnalytics elements carry URNs, Rest.li dates and decimal strings; records are flat.

    ``{"pivotValues": ["urn:li:sponsoredCampaign:7"], "dateRange": {"start": {...2024-01-05}},
    "costInUsd": "1.50"}`` becomes ``{"date": "2024-01-05", "account_id": "<partition>",
    "campaign_id": "7", "costInUsd": 1.5}``: ids are strings, metrics numbers under LinkedIn's
    names. The account comes from the partition because a CAMPAIGN pivot does not name it.
    """

    pivots: Any = "CAMPAIGN"
    config: Config = field(default_factory=dict)
    parameters: InitVar[Mapping[str, Any]] = None

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._pivots = InterpolatedString.create(str(self.pivots), parameters=parameters or {})

    def transform(
        self,
        record: MutableMapping[str, Any],
        config: Config | None = None,
        stream_state: StreamState | None = None,
        stream_slice: StreamSlice | None = None,
    ) -> None:
        pivots = _as_list(self._pivots.eval(self.config))
        start = record.pop("dateRange", {}).get("start", {})
        values = record.pop("pivotValues", None) or []
        record["date"] = f"{start['year']:04d}-{start['month']:02d}-{start['day']:02d}"
        if stream_slice is not None and "account_id" in stream_slice.partition:
            record["account_id"] = str(stream_slice.partition["account_id"])
        for pivot, value in zip(pivots, values, strict=False):
            value = str(value)
            record[pivot_field(pivot)] = (
                value.rsplit(":", 1)[-1] if pivot in ENTITY_PIVOT_FIELDS else value
            )
        for name in MONEY_METRICS.intersection(record):
            record[name] = float(record[name])


@dataclass
class LinkedInAnalyticsSchemaLoader(SchemaLoader):
    """One analytics schema shape for every pivot: ``date``, ``account_id``, one string field per
    pivot (see ``pivot_field``) and every known metric typed as a number, so a user-selected
    metric list never needs a schema change."""

    metrics: list[str]
    pivots: Any = "CAMPAIGN"
    config: Config = field(default_factory=dict)
    parameters: InitVar[Mapping[str, Any]] = None

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._pivots = InterpolatedString.create(str(self.pivots), parameters=parameters or {})

    def get_json_schema(self) -> Mapping[str, Any]:
        properties: dict[str, Any] = {
            "date": {"type": "string", "format": "date"},
            "account_id": {"type": "string"},
        }
        for pivot in _as_list(self._pivots.eval(self.config)):
            properties[pivot_field(pivot)] = {"type": "string"}
        properties.update({name: {"type": ["null", "number"]} for name in self.metrics})
        return {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "additionalProperties": True,
            "required": ["date", "account_id"],
            "properties": properties,
        }


@dataclass
class LinkedInSharedOAuthAuthenticator(DeclarativeOauth2Authenticator):
    """LinkedIn access tokens live 60 days and any stream may refresh: share one per sync.

    Every stream gets its own authenticator instance, so the token is cached per process under a
    hash of (endpoint, client id, refresh token). LinkedIn answers an expired or revoked refresh
    token (365 days after the first consent) with ``400 invalid_grant``, reported as such.
    """

    _shared: ClassVar[dict[str, tuple[str, Any]]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def forget_tokens(cls) -> None:
        with cls._shared_lock:
            cls._shared.clear()

    def _cache_key(self) -> str:
        parts = (self.get_token_refresh_endpoint(), self.get_client_id(), self.get_refresh_token())
        return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()

    def refresh_access_token(self) -> tuple[str, Any]:
        key = self._cache_key()
        with self._shared_lock:
            cached = self._shared.get(key)
            if cached is not None and cached[1] > self._now():
                return cached
            try:
                token, expiry = super().refresh_access_token()
            except AirbyteTracedException as exc:
                if exc.failure_type != FailureType.config_error:
                    raise
                raise AirbyteTracedException(
                    message="LinkedIn refused credentials.refresh_token (invalid_grant): the "
                    "refresh token expired or was revoked: re-authorize the app and store the new "
                    "refresh token (LinkedIn refresh tokens expire 365 days after the first consent).",
                    internal_message=exc.internal_message,
                    failure_type=FailureType.config_error,
                ) from exc
            except requests.HTTPError as exc:
                status = exc.response.status_code if exc.response is not None else None
                if status not in (400, 401):
                    raise
                raise AirbyteTracedException(
                    message=f"LinkedIn refused the OAuth client (HTTP {status}): check "
                    "credentials.client_id and credentials.client_secret.",
                    failure_type=FailureType.config_error,
                ) from exc
            self._shared[key] = (token, expiry)
            return token, expiry

    @staticmethod
    def _now() -> Any:
        from airbyte_cdk.utils.datetime_helpers import ab_datetime_now

        return ab_datetime_now()


@dataclass
class LinkedInRateLimitBackoffStrategy(BackoffStrategy):
    """LinkedIn's 429s carry no Retry-After. The data throttle (45 million metric values per
    5 minutes; its message names the limit) needs a wait past the window; other 429s and 5xx are
    bursts: exponential backoff with full jitter."""

    data_limit_seconds: float = 330.0
    base_seconds: float = 2.0
    max_seconds: float = 120.0
    config: Config = field(default_factory=dict)
    parameters: InitVar[Mapping[str, Any]] = None

    def backoff_time(
        self,
        response_or_exception: requests.Response | requests.RequestException | None,
        attempt_count: int,
    ) -> float | None:
        if (
            isinstance(response_or_exception, requests.Response)
            and response_or_exception.status_code == 429
        ):
            text = response_or_exception.text.lower()
            if "metric value" in text or "data limit" in text:
                return self.data_limit_seconds
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** max(attempt_count - 1, 0))
        return random.uniform(ceiling / 2, ceiling)
