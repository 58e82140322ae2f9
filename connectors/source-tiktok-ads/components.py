"""Custom components of source-tiktok-ads: one class per TikTok API fact the CDK cannot express.

Every knob comes from manifest.yaml; nothing here holds metric names or limits of its own.
"""

import json
import logging
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import InitVar, dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.requesters.http_requester import HttpRequester
from airbyte_cdk.sources.declarative.requesters.request_options.interpolated_request_options_provider import (
    InterpolatedRequestOptionsProvider,
)
from airbyte_cdk.sources.declarative.schema.schema_loader import SchemaLoader
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.declarative.validators.validation_strategy import ValidationStrategy
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

LOGGER = logging.getLogger("airbyte")
LEVELS = ("AUCTION_ADVERTISER", "AUCTION_CAMPAIGN", "AUCTION_ADGROUP", "AUCTION_AD")


def _number(value: Any) -> Any:
    """TikTok sends every metric as a string; "-" means "not applicable" (a ratio over zero)."""
    if not isinstance(value, str):
        return value
    if value in ("-", ""):
        return None
    try:
        return int(value) if value.lstrip("-").isdigit() else float(value)
    except ValueError:
        return value


@dataclass
class TikTokReportRecordExtractor(RecordExtractor):
    """Flattens report/integrated/get rows into typed records.

    TikTok nests each row as ``{"dimensions": {...}, "metrics": {...}}``, sends numbers as strings,
    ``"-"`` for ratios without a denominator and ``stat_time_day`` as ``"YYYY-MM-DD 00:00:00"``:
    ``{"dimensions": {"ad_id": "17", "stat_time_day": "2024-01-01 00:00:00"},
    "metrics": {"spend": "1.50", "clicks": "3", "ctr": "-"}}`` becomes
    ``{"ad_id": "17", "stat_time_day": "2024-01-01", "spend": 1.5, "clicks": 3, "ctr": None}``.
    Dimensions and the ``text_metrics`` (names, ids) stay strings.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    text_metrics: list[str] = field(default_factory=list)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._text = frozenset(self.text_metrics)

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        rows = ((response.json().get("data") or {}).get("list")) or []
        text = self._text
        for row in rows:
            record: dict[str, Any] = {k: str(v) for k, v in (row.get("dimensions") or {}).items()}
            day = record.get("stat_time_day")
            if day:
                record["stat_time_day"] = day[:10]
            for name, value in (row.get("metrics") or {}).items():
                record[name] = (None if value == "-" else value) if name in text else _number(value)
            yield record


@dataclass
class TikTokAdvertiserContextTransformation(RecordTransformation):
    """Stamps every report row with its advertiser: id, account currency and time zone.

    TikTok report rows carry neither the advertiser nor its currency, and their dates are in the
    account's time zone; ``advertiser/info`` gives both, and the partition router passes them in
    the slice's ``extra_fields``. Without them, rows of several advertisers cannot be told apart
    and money cannot be converted.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    context_fields: list[str] = field(default_factory=lambda: ["currency", "timezone"])

    def transform(
        self,
        record: dict[str, Any],
        config: Config | None = None,
        stream_state: StreamState | None = None,
        stream_slice: StreamSlice | None = None,
    ) -> None:
        if stream_slice is None:
            return
        record["advertiser_id"] = str(stream_slice.partition["advertiser_id"])
        extra = stream_slice.extra_fields or {}
        for name in self.context_fields:
            record[name] = extra.get(name)


def local_today(timezone: str | None) -> date | None:
    """Today's date in an IANA time zone, or None when the zone is missing or unknown."""
    if not timezone:
        return None
    try:
        return datetime.now(ZoneInfo(timezone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        LOGGER.warning(
            "unknown advertiser time zone %r; report windows end at the cursor end", timezone
        )
        return None


@dataclass
class _RequestParametersHttpRequester(HttpRequester):
    """An HttpRequester built as a CustomRequester: takes ``request_parameters`` like the real one."""

    request_parameters: Mapping[str, str] | None = None

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        if self.request_parameters is not None:
            self.request_options_provider = InterpolatedRequestOptionsProvider(
                config=self.config,
                request_parameters=self.request_parameters,
                parameters=parameters,
            )
        super().__post_init__(parameters)


@dataclass
class TikTokReportHttpRequester(_RequestParametersHttpRequester):
    """Asks report/integrated/get for one report, only for days begun in the advertiser's zone.

    The report (``report_type``, ``data_level``, ``dimensions``, ``metrics``; from ``$parameters``)
    is sent the way TikTok takes lists: as JSON text, e.g. ``dimensions=["ad_id","stat_time_day"]``.
    TikTok report dates are calendar days of the ad account's time zone, so "today" differs per
    advertiser (up to 26 hours apart). The cursor runs windows up to the latest date anywhere on
    Earth; this requester ends each window at the advertiser's local today (from
    ``extra_fields[timezone_field]``) and skips a window that starts after it.
    """

    timezone_field: str = "timezone"

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        start, end = self.config.get("start_date"), self.config.get("end_date")
        if start and end and str(end) < str(start):
            raise _config_error(
                f"end_date ({end}) is before start_date ({start}); move it later or leave it empty."
            )
        self._report = {
            "report_type": str(parameters.get("report_type") or "BASIC"),
            "data_level": str(parameters["data_level"]),
            "dimensions": json.dumps(list(parameters["dimensions"])),
            "metrics": json.dumps(list(parameters["metrics"])),
        }
        super().__post_init__(parameters)

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
        params = {**(request_params or {}), **self._report}
        extra = (stream_slice.extra_fields if stream_slice is not None else None) or {}
        today = local_today(extra.get(self.timezone_field))
        if today is not None:
            last_day = today.isoformat()
            if str(params.get("start_date", "")) > last_day:
                LOGGER.info(
                    "skipping a window after the advertiser's today %s: %s", last_day, params
                )
                return None
            if str(params.get("end_date", "")) > last_day:
                params["end_date"] = last_day
        return super().send_request(
            stream_state=stream_state,
            stream_slice=stream_slice,
            next_page_token=next_page_token,
            path=path,
            request_headers=request_headers,
            request_params=params,
            request_body_data=request_body_data,
            request_body_json=request_body_json,
            log_formatter=log_formatter,
        )


@dataclass
class TikTokAppCredentialsHttpRequester(_RequestParametersHttpRequester):
    """Keeps the app secret out of error traces of oauth2/advertiser/get.

    That endpoint takes ``app_id`` and ``secret`` as query parameters, and the CDK copies the
    failed request URL into the internal message of the stream's error trace, which is not
    masked. Failures leave here with those parameters' values replaced by ``****``.
    """

    redacted_parameters: list[str] = field(default_factory=lambda: ["app_id", "secret"])

    def send_request(self, *args: Any, **kwargs: Any) -> requests.Response | None:
        try:
            return super().send_request(*args, **kwargs)
        except AirbyteTracedException as error:
            for name in self.redacted_parameters:
                value = str(self.config.get(name) or "")
                for attribute in ("message", "internal_message"):
                    text = getattr(error, attribute)
                    if value and text:
                        setattr(
                            error,
                            attribute,
                            text.replace(quote_plus(value), "****").replace(value, "****"),
                        )
            raise


@dataclass
class TikTokBackoffStrategy(BackoffStrategy):
    """Waits long on TikTok's rate limits and briefly on its transient failures.

    Throttling arrives as HTTP 429 or as HTTP 200 with code 40100 ("App reaches the QPS limit")
    or 51021 ("Too many requests"); an app "temporarily restricted" stays so for minutes, so these
    wait ``rate_limit_seconds`` doubling per attempt. Everything else retried (5xx, 50000, 50002,
    60001) waits ``transient_seconds`` doubling. Both are capped at ``max_seconds``.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    rate_limit_seconds: float = 15
    transient_seconds: float = 2
    max_seconds: float = 300
    rate_limit_codes: list[int] = field(default_factory=lambda: [40100, 51021])

    def backoff_time(
        self,
        response_or_exception: requests.Response | requests.RequestException | None,
        attempt_count: int,
    ) -> float | None:
        base = self.transient_seconds
        if isinstance(response_or_exception, requests.Response):
            if response_or_exception.status_code == 429:
                base = self.rate_limit_seconds
            else:
                try:
                    code = response_or_exception.json().get("code")
                except (ValueError, AttributeError):
                    code = None
                if code in self.rate_limit_codes:
                    base = self.rate_limit_seconds
        return float(min(self.max_seconds, base * 2 ** max(0, attempt_count - 1)))


def _config_error(message: str) -> AirbyteTracedException:
    return AirbyteTracedException(
        message=message, internal_message=message, failure_type=FailureType.config_error
    )


@dataclass
class TikTokConfigFieldValidationStrategy(ValidationStrategy):
    """Checks one config field against TikTok's limits, naming the field and the fix.

    jsonschema's messages omit the field name, so the spec keeps types only and these rules run
    before any request: ``date`` is ``YYYY-MM-DD``; ``whole_number`` lies in
    [``minimum``, ``maximum``] (``lookback_days`` 0..28 is TikTok's longest attribution window,
    ``report_step_days`` 1..30 its span limit with ``stat_time_day``); ``advertiser_ids`` are
    digit strings such as ``"7012345678901234567"``.
    """

    field: str
    rule: str
    minimum: int = 0
    maximum: int = 0

    def validate(self, value: Any) -> None:
        if value is None or value == "":
            return
        if self.rule == "date":
            try:
                parsed = date.fromisoformat(str(value))
                if parsed.isoformat() != str(value):
                    raise ValueError(value)
            except ValueError:
                raise _config_error(
                    f"{self.field} must be a date as YYYY-MM-DD, e.g. 2024-01-31; got {value!r}."
                ) from None
        elif self.rule == "whole_number":
            if isinstance(value, bool) or not isinstance(value, int):
                raise _config_error(f"{self.field} must be a whole number; got {value!r}.")
            if not self.minimum <= value <= self.maximum:
                raise _config_error(
                    f"{self.field} must be from {self.minimum} to {self.maximum}; got {value}."
                )
        elif self.rule == "advertiser_ids":
            bad = [i for i in value if not str(i).strip().isdigit()]
            if bad:
                raise _config_error(
                    f"{self.field} must hold TikTok advertiser ids (digits only, e.g. "
                    f'"7012345678901234567"); not {bad}.'
                )
        else:
            raise ValueError(f"unknown validation rule {self.rule!r} for {self.field}")


@dataclass
class TikTokCustomReportsValidationStrategy(ValidationStrategy):
    """Checks ``custom_reports`` against what TikTok's report API accepts, entry by entry.

    A name becomes a stream name (unique lower_snake_case); the data level is one of TikTok's
    auction levels; BASIC reports take at most one breakdown dimension, AUDIENCE reports exactly
    one; every metric must exist at the entry's level per ``metric_catalog``
    (``[{levels: [...], metrics: [...]}]``), since TikTok rejects the whole request (40002
    "Invalid metric fields") for a single unknown one.
    """

    metric_catalog: list[Mapping[str, Any]] = field(default_factory=list)
    breakdown_dimensions: list[str] = field(default_factory=list)
    reserved_names: list[str] = field(default_factory=list)

    def validate(self, value: Any) -> None:
        names: set[str] = set(self.reserved_names)
        for index, report in enumerate(value or []):
            self._check(f"custom_reports[{index}]", report, names)

    def _check(self, where: str, report: Mapping[str, Any], names: set[str]) -> None:
        name = str(report.get("name") or "")
        if not name.replace("_", "").isalnum() or not name.islower() or not name[0].isalpha():
            raise _config_error(
                f"{where}.name must be lower_snake_case, e.g. ads_by_country; got {name!r}."
            )
        if name in names:
            raise _config_error(f"{where}.name {name!r} is already a stream name; pick another.")
        names.add(name)
        level = report.get("data_level")
        if level not in LEVELS:
            raise _config_error(
                f"{where}.data_level must be one of {', '.join(LEVELS)}; got {level!r}."
            )
        fixed = {"stat_time_day", "advertiser_id", "campaign_id", "adgroup_id", "ad_id"}
        breakdowns = [d for d in report.get("dimensions") or [] if d not in fixed]
        if len(breakdowns) > 1 or any(d not in self.breakdown_dimensions for d in breakdowns):
            raise _config_error(
                f"{where}.dimensions may add one of {', '.join(self.breakdown_dimensions)}; "
                f"got {report.get('dimensions')!r}."
            )
        if (report.get("report_type") or "BASIC") == "AUDIENCE" and not breakdowns:
            raise _config_error(
                f"{where}: an AUDIENCE report needs one of {', '.join(self.breakdown_dimensions)} in dimensions."
            )
        valid = {
            m for group in self.metric_catalog if level in group["levels"] for m in group["metrics"]
        }
        metrics = report.get("metrics") or []
        invalid = [m for m in metrics if m not in valid]
        if not metrics or invalid:
            raise _config_error(
                f"{where}.metrics {invalid or '(empty)'} not available at {level}; "
                f"valid metrics are: {', '.join(sorted(valid))}."
            )


@dataclass
class TikTokReportSchemaLoader(SchemaLoader):
    """The JSON schema of a report stream, derived from exactly what the stream requests.

    A report row has the dimensions asked for, the metrics asked for (numbers, or strings for the
    ``text_metrics``; ``"-"`` arrives as null and TikTok may omit a metric), and the advertiser
    context. Deriving it avoids advertising metrics a stream never requests.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    dimensions: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    text_metrics: list[str] = field(default_factory=list)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        # a report stream declares its dimensions and metrics once, in $parameters
        self.dimensions = list(self.dimensions or parameters.get("dimensions") or [])
        self.metrics = list(self.metrics or parameters.get("metrics") or [])

    def get_json_schema(self) -> Mapping[str, Any]:
        text = set(self.text_metrics)
        properties: dict[str, Any] = {
            "advertiser_id": {"type": "string"},
            "currency": {"type": ["null", "string"]},
            "timezone": {"type": ["null", "string"]},
        }
        for name in self.dimensions:
            properties[name] = (
                {"type": "string", "format": "date"}
                if name == "stat_time_day"
                else {"type": "string"}
            )
        for name in self.metrics:
            properties[name] = {"type": ["null", "string"] if name in text else ["null", "number"]}
        return {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "additionalProperties": True,
            "properties": properties,
        }
