"""Custom components of source-tiktok-ads: one class per TikTok API fact the CDK cannot express.

Every knob comes from manifest.yaml; nothing here holds metric names or limits of its own.
This file is longer than the house's ~500 lines because a manifest-only connector ships exactly
one components module.
"""

import hashlib
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Generator, Iterable, Mapping, MutableMapping
from dataclasses import InitVar, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.decoders.json_decoder import JsonDecoder
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.migrations.state_migration import StateMigration
from airbyte_cdk.sources.declarative.requesters.http_requester import HttpRequester
from airbyte_cdk.sources.declarative.requesters.requester import HttpMethod, Requester
from airbyte_cdk.sources.declarative.schema.schema_loader import SchemaLoader
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.declarative.transformations.config_transformations.config_transformation import (
    ConfigTransformation,
)
from airbyte_cdk.sources.declarative.validators.validation_strategy import ValidationStrategy
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

LOGGER = logging.getLogger("airbyte")


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


def _config_error(message: str) -> AirbyteTracedException:
    return AirbyteTracedException(
        message=message, internal_message=message, failure_type=FailureType.config_error
    )


def _knob(value: Any, config: Config) -> float:
    """A number from the manifest, which may be a Jinja expression over the config."""
    if isinstance(value, str):
        value = InterpolatedString.create(value, parameters={}).eval(config)
    return float(value)


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


def _answer(response: requests.Response) -> Mapping[str, Any]:
    """TikTok's JSON envelope ``{"code", "message", ...}`` of an answer; ``{}`` for other bodies."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class _ParsedOnceResponse(requests.Response):
    """A ``requests`` answer whose ``json()`` keeps its first parse (``requests``' own).

    The parse is kept in the answer's own attributes, so a page's rows are freed with the answer.
    (A hook closure stored on the answer would make a cycle, answer -> closure -> answer, and keep
    every page alive until the garbage collector's next full pass.) Example: three readers of a
    1,000-row page -> one parse; a body that is not JSON raises the same error on every call.
    """

    def json(self, **kwargs: Any) -> Any:
        if kwargs:
            return super().json(**kwargs)
        if _PARSED not in self.__dict__:
            self.__dict__[_PARSED] = super().json()
        return self.__dict__[_PARSED]


_PARSED = "_parsed_json"


def _parse_body_once(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """A ``requests`` response hook: the first ``response.json()`` parses the body, later calls
    return that same object (see :class:`_ParsedOnceResponse`).

    TikTok answers errors with HTTP 200, so every error filter of the manifest tests the JSON
    ``code`` with a predicate, and the CDK's filter parses the whole body again for each one: ten
    parses of a 1,000-row report page before a record is extracted. One parse per answer gives
    every reader the same dict (none of them changes it), parsed by ``requests`` as before. A body
    that is not JSON is parsed again on each call, so it raises the same error every time.
    """
    if type(response) is requests.Response:
        # same layout, one method more: the answer keeps every attribute it has
        response.__class__ = _ParsedOnceResponse
    return response


def _parse_bodies_once(requester: HttpRequester) -> None:
    """Installs :func:`_parse_body_once` on the session of the CDK's requester (a speed-up only:
    without that session, answers are parsed once per reader as before)."""
    session = getattr(getattr(requester, "_http_client", None), "_session", None)
    if isinstance(session, requests.Session):
        hooks = session.hooks.setdefault("response", [])
        if _parse_body_once not in hooks:
            hooks.append(_parse_body_once)


def today_at_offset(hours: float) -> date:
    """Today's calendar date at a fixed UTC offset: -12 is the earliest date on Earth, +14 the latest."""
    return (datetime.now(UTC) + timedelta(hours=hours)).date()


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
class TikTokParsedAnswerDecoder(JsonDecoder):
    """The CDK's JSON decoder, reading the body ``response.json()`` already parsed.

    The paginator decodes each page to read ``page_info``; the error filters have parsed the same
    body before (:func:`_parse_body_once` keeps that parse), so a second parse of a 1,000-row page
    costs as much as extracting its records. Output as the JSON decoder's: ``{"code": 0, "data":
    {...}}`` gives that dict; any other body is left to the JSON decoder itself.
    """

    parameters: InitVar[Mapping[str, Any]]

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        super().__init__(parameters)

    def decode(
        self, response: requests.Response
    ) -> Generator[MutableMapping[str, Any], None, None]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            yield body
        else:
            # lists, empty and non-JSON bodies: rare, and given exactly as the CDK gives them
            yield from super().decode(response)


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


class TikTokPace:
    """The request pace of one TikTok app, shared by every stream of the connector (AIMD).

    TikTok's QPS limit belongs to the app, not to a connection: with several tenants on one app
    the share left to this connection is unknown and changes. So the connector starts at
    ``requests_per_second``, spaces its requests evenly at the current pace, adds
    ``increase_per_second`` per second of answered requests (additive increase) and multiplies
    the pace by ``decrease_factor`` when TikTok answers that the limit is reached (multiplicative
    decrease, at most once per ``decrease_interval_seconds``: TikTok counts requests per second,
    so the throttled answers of one second are one congestion), never below
    ``lowest_per_second``. Example: at 8/s a throttle leaves 4/s, eight answered requests later
    the pace is back to about 5/s.
    """

    _by_app: ClassVar[dict[str, "TikTokPace"]] = {}
    _by_app_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        requests_per_second: float,
        lowest_per_second: float = 1.0,
        increase_per_second: float = 0.5,
        decrease_factor: float = 0.5,
        decrease_interval_seconds: float = 1.0,
    ) -> None:
        self.highest = max(requests_per_second, 0.01)
        self.lowest = min(lowest_per_second, self.highest)
        self.increase_per_second = increase_per_second
        self.decrease_factor = decrease_factor
        self.decrease_interval_seconds = decrease_interval_seconds
        self.rate = self.highest
        # replaceable (tests use a fake clock); looked up at call time, so a patched time.sleep applies
        self.clock: Callable[[], float] = lambda: time.monotonic()
        self.sleep: Callable[[float], None] = lambda seconds: time.sleep(seconds)
        self._next_slot = float("-inf")
        self._last_decrease = float("-inf")
        self._lock = threading.Lock()

    @classmethod
    def for_app(cls, config: Config, settings: Mapping[str, Any]) -> "TikTokPace":
        """The pace of the app behind ``config``'s access token (one per process and token)."""
        token = str(config.get("access_token") or "")
        key = hashlib.sha256(token.encode()).hexdigest()
        with cls._by_app_lock:
            if key not in cls._by_app:
                cls._by_app[key] = cls(**{k: _knob(v, config) for k, v in settings.items()})
            return cls._by_app[key]

    @classmethod
    def forget_all(cls) -> None:
        with cls._by_app_lock:
            cls._by_app.clear()

    def reserve(self) -> float:
        """Books the next free slot at the current pace; returns the seconds until it."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self.rate
            return slot - now

    def wait_turn(self) -> None:
        delay = self.reserve()
        if delay > 0:
            self.sleep(delay)

    def answered(self) -> None:
        with self._lock:
            self.rate = min(self.highest, self.rate + self.increase_per_second / self.rate)

    def throttled(self) -> None:
        with self._lock:
            now = self.clock()
            if now - self._last_decrease >= self.decrease_interval_seconds:
                self.rate = max(self.lowest, self.rate * self.decrease_factor)
                self._last_decrease = now
            self._next_slot = max(self._next_slot, now + 1.0 / self.rate)


@dataclass
class TikTokRequester(Requester):
    """Every TikTok call, made by the CDK's own HttpRequester at the app's shared pace.

    The CDK builds a CustomRequester from its manifest fields only, so a subclass of HttpRequester
    keeps a no-op message repository and the Connector Builder shows none of its requests. Here
    ``requester`` is a plain HttpRequester the factory builds (with its message repository, API
    budget and error handler) and this class only waits for the app's turn (:class:`TikTokPace`,
    settings in ``pace``) before handing the call over; subclasses adjust or skip a request.

    With ``reuse_answers`` (parent streams, read again by every child stream) an answer with
    ``code`` 0 is kept for the rest of the process and given again for the same request; streams
    asking at the same time wait for the one request in flight. The CDK's own parent cache cannot
    be used: TikTok answers errors, throttling included, with HTTP 200, which that cache stores
    and then replays to every retry of the request.
    """

    requester: HttpRequester
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    pace: Mapping[str, Any] = field(default_factory=dict)
    reuse_answers: bool = False

    _answers: ClassVar[dict[str, requests.Response]] = {}
    _in_flight: ClassVar[dict[str, threading.Lock]] = {}
    _answers_lock: ClassVar[threading.Lock] = threading.Lock()

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        # the CDK builds config validators without the config, so they see one field at a time;
        # the rule over two fields runs here, when any stream is built (check, discover, read)
        start, end = self.config.get("start_date"), self.config.get("end_date")
        if start and end and str(end) < str(start):
            raise _config_error(
                f"end_date ({end}) is before start_date ({start}); move it later or leave it empty."
            )
        self._pace = TikTokPace.for_app(self.config, self.pace)
        _parse_bodies_once(self.requester)

    def request_params_for(
        self, stream_slice: StreamSlice | None, request_params: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        """The query to send for this slice, or None to send nothing."""
        return request_params

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
        log_formatter: Callable[[requests.Response], Any] | None = None,
    ) -> requests.Response | None:
        params = self.request_params_for(stream_slice, request_params or {})
        if params is None:
            return None

        def send() -> requests.Response | None:
            self._pace.wait_turn()
            response = self.requester.send_request(
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
            self._pace.answered()
            return response

        key = self._answer_key(stream_slice, next_page_token, params)
        return send() if key is None else self._reused(key, send)

    def _reused(
        self, key: str, send: Callable[[], requests.Response | None]
    ) -> requests.Response | None:
        with self._answers_lock:
            in_flight = self._in_flight.setdefault(key, threading.Lock())
        with in_flight:
            with self._answers_lock:
                if key in self._answers:
                    return self._answers[key]
            response = send()
            if response is not None and _answer(response).get("code") == 0:
                with self._answers_lock:
                    self._answers[key] = response
            return response

    def _answer_key(
        self,
        stream_slice: StreamSlice | None,
        next_page_token: Mapping[str, Any] | None,
        params: Mapping[str, Any],
    ) -> str | None:
        if not self.reuse_answers:
            return None
        url = self.requester.get_url(
            stream_state=None, stream_slice=stream_slice, next_page_token=next_page_token
        )
        token = str(self.config.get("access_token") or "")
        request = [url, hashlib.sha256(token.encode()).hexdigest(), dict(stream_slice or {})]
        return json.dumps([*request, next_page_token, params], sort_keys=True, default=str)

    @classmethod
    def forget_answers(cls) -> None:
        with cls._answers_lock:
            cls._answers.clear()
            cls._in_flight.clear()

    # the rest of the Requester interface is the CDK requester's
    def get_authenticator(self) -> Any:
        return self.requester.get_authenticator()

    def get_url(self, **kwargs: Any) -> str:
        return self.requester.get_url(**kwargs)

    def get_url_base(self, **kwargs: Any) -> str:
        return self.requester.get_url_base(**kwargs)

    def get_path(self, **kwargs: Any) -> str:
        return self.requester.get_path(**kwargs)

    def get_method(self) -> HttpMethod:
        return self.requester.get_method()

    def get_request_params(self, **kwargs: Any) -> MutableMapping[str, Any]:
        return self.requester.get_request_params(**kwargs)

    def get_request_headers(self, **kwargs: Any) -> Mapping[str, Any]:
        return self.requester.get_request_headers(**kwargs)

    def get_request_body_data(self, **kwargs: Any) -> Mapping[str, Any] | str:
        return self.requester.get_request_body_data(**kwargs)

    def get_request_body_json(self, **kwargs: Any) -> Mapping[str, Any]:
        return self.requester.get_request_body_json(**kwargs) or {}


@dataclass
class TikTokReportRequester(TikTokRequester):
    """Asks report/integrated/get for one report, over days the advertiser has begun.

    The report (``report_type``, ``data_level``, ``dimensions``, ``metrics``; from ``$parameters``)
    is sent the way TikTok takes lists: as JSON text, e.g. ``dimensions=["ad_id","stat_time_day"]``.
    Report dates are days of the ad account's time zone, so "today" differs per advertiser (up to
    26 hours apart). The cursor's windows run up to the latest date on Earth; this requester ends
    each window at the advertiser's today (``extra_fields[timezone_field]``), starts it no earlier
    than ``start_date`` and skips a window left empty: at 03:00 UTC Los Angeles is still on
    yesterday, so a window [today, today] is not sent for it. A ``start_date`` after that today is
    a config error, and a window longer than ``max_days`` (TikTok's limit with ``stat_time_day``)
    is never sent.
    """

    timezone_field: str = "timezone"
    max_days: int = 30

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._report = {
            "report_type": str(parameters.get("report_type") or "BASIC"),
            "data_level": str(parameters["data_level"]),
            "dimensions": json.dumps(list(parameters["dimensions"])),
            "metrics": json.dumps(list(parameters["metrics"])),
        }
        super().__post_init__(parameters)

    def request_params_for(
        self, stream_slice: StreamSlice | None, request_params: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        params = {**request_params, **self._report}
        if not params.get("start_date") or not params.get("end_date"):
            return params
        start_date = str(self.config.get("start_date") or "")
        extra = (stream_slice.extra_fields if stream_slice is not None else None) or {}
        zone = extra.get(self.timezone_field)
        today = local_today(zone)
        if today is not None and start_date > today.isoformat():
            advertiser = stream_slice.partition.get("advertiser_id") if stream_slice else None
            raise _config_error(
                f"start_date ({start_date}) is after today ({today}) in the time zone of "
                f"advertiser {advertiser} ({zone}); set start_date to {today} or earlier."
            )
        first = max(str(params["start_date"]), start_date)
        last = min(str(params["end_date"]), today.isoformat() if today else "9999-12-31")
        if first > last:
            LOGGER.info("skipping a window outside start_date..today %s: %s", today, params)
            return None
        span = (date.fromisoformat(last) - date.fromisoformat(first)).days + 1
        if span > self.max_days:
            message = (
                f"A report window of {span} days ({first}..{last}) was not sent: TikTok "
                f"accepts at most {self.max_days} days per request with stat_time_day."
            )
            raise AirbyteTracedException(
                message=message, internal_message=message, failure_type=FailureType.system_error
            )
        return {**params, "start_date": first, "end_date": last}


@dataclass
class TikTokAppCredentialsRequester(TikTokRequester):
    """Lists the advertisers that authorized the app, keeping the app secret out of error traces.

    oauth2/advertiser/get is only called when ``advertiser_ids_field`` is empty, and needs the
    app's ``app_id`` and ``secret``: without them the config is refused, naming the fields. The
    endpoint takes both as query parameters, and the CDK copies the failed request URL into the
    internal message of the stream's error trace, which is not masked. Failures leave here with
    those parameters' values replaced by ``****``.
    """

    redacted_parameters: list[str] = field(default_factory=lambda: ["app_id", "secret"])
    advertiser_ids_field: str = "advertiser_ids"

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        missing = [name for name in self.redacted_parameters if not self.config.get(name)]
        if not self.config.get(self.advertiser_ids_field) and missing:
            raise _config_error(
                f"{self.advertiser_ids_field} is empty: list the advertiser ids to read, e.g. "
                f'["7012345678901234567"], or set {" and ".join(self.redacted_parameters)} so the '
                "connector can discover the advertisers that authorized the app."
            )
        super().__post_init__(parameters)

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
    """Picks the wait before a retry from TikTok's answer, and slows the app's pace on throttling.

    A QPS answer (HTTP 429, or HTTP 200 with a code in ``rate_limit_codes``: 40100 "App reaches
    the QPS limit", 51021 "Too many requests") clears within a second: it lowers the shared pace
    and waits about a second, with up to ``jitter_seconds`` of jitter so the retries of several
    workers do not collide. Only when TikTok's message says the app is restricted ("... are
    temporarily restricted") does it wait minutes: ``restricted_seconds`` doubling up to
    ``restricted_max_seconds``. Other retried failures (5xx, 50000, 50002, 60001) wait
    ``transient_seconds`` doubling up to ``max_seconds``. The CDK sleeps the returned value plus
    one second, and a retry also takes its turn in the pace: ``backoff_time(40100, 1)`` is about
    0.25 (a 1.25 s sleep) at an idle pace.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    pace: Mapping[str, Any] = field(default_factory=dict)
    transient_seconds: float = 1
    max_seconds: float = 9
    jitter_seconds: float = 0.5
    restricted_seconds: float = 60
    restricted_max_seconds: float = 300
    restricted_marker: str = "restricted"
    rate_limit_codes: list[int] = field(default_factory=lambda: [40100, 51021])

    # the CDK's user-defined backoff sleeps the returned value plus this
    CDK_EXTRA_SECONDS: ClassVar[float] = 1.0

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._pace = TikTokPace.for_app(self.config, self.pace)
        self.rng = random.Random()

    def answer_kind(self, response_or_exception: Any) -> str:
        """``restricted``, ``qps`` or ``transient``: which wait an answer calls for."""
        if not isinstance(response_or_exception, requests.Response):
            return "transient"
        answer = _answer(response_or_exception)
        throttled = (
            response_or_exception.status_code == 429 or answer.get("code") in self.rate_limit_codes
        )
        if not throttled:
            return "transient"
        restricted = self.restricted_marker in str(answer.get("message") or "").lower()
        return "restricted" if restricted else "qps"

    def backoff_time(
        self,
        response_or_exception: requests.Response | requests.RequestException | None,
        attempt_count: int,
    ) -> float | None:
        kind = self.answer_kind(response_or_exception)
        doubling = 2 ** max(0, attempt_count - 1)
        if kind == "restricted":
            self._pace.throttled()
            return float(min(self.restricted_max_seconds, self.restricted_seconds * doubling))
        if kind == "qps":
            self._pace.throttled()
            # never 0: a falsy wait makes the CDK fall back to its own exponential backoff
            wait = max(0.01, self.rng.uniform(0, self.jitter_seconds))
        else:
            wait = float(min(self.max_seconds, self.transient_seconds * doubling))
        return max(wait, self._pace.reserve() - self.CDK_EXTRA_SECONDS)


@dataclass
class TikTokAdvertiserIdsNormalization(ConfigTransformation):
    """Reads ``advertiser_ids`` given as one string the way it reads as a list.

    API users sometimes send ``"7012345678901234567, 7012345678901234568"`` where the spec has a
    list; jsonschema would then answer that some other field is required. Here a string (or a
    bare number) becomes the list of its comma- or space-separated parts, and a missing value
    becomes ``[]``, so the checks in ``TikTokConfigFieldValidationStrategy`` name the field.
    """

    field_name: str = "advertiser_ids"

    def transform(self, config: MutableMapping[str, Any]) -> None:
        value = config.get(self.field_name)
        if value is None:
            config[self.field_name] = []
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            config[self.field_name] = str(value).replace(",", " ").split()


@dataclass
class TikTokConfigFieldValidationStrategy(ValidationStrategy):
    """Checks one config field against TikTok's limits, naming the field and the fix.

    jsonschema's messages omit the field name, so the spec keeps types only and these rules run
    before any request: ``date`` is ``YYYY-MM-DD`` and, with ``latest_offset_hours``, not after
    today at that UTC offset (+14: no account anywhere is on a later day; each advertiser's own
    today is checked when its reports are read); ``whole_number`` lies in [``minimum``,
    ``maximum``] (``lookback_days`` 0..28 is TikTok's longest attribution window,
    ``report_step_days`` 1..30 its span limit); ``advertiser_ids`` are digit strings such as
    ``"7012345678901234567"`` (TikTokAdvertiserIdsNormalization has made the value a list).
    """

    field: str
    rule: str
    minimum: int = 0
    maximum: int = 0
    latest_offset_hours: float | None = None

    def validate(self, value: Any) -> None:
        if value is None or value == "":
            return
        if self.rule == "advertiser_ids":
            self._advertiser_ids(value)
        elif self.rule == "date":
            self._date(value)
        elif self.rule == "whole_number":
            if isinstance(value, bool) or not isinstance(value, int):
                raise _config_error(f"{self.field} must be a whole number; got {value!r}.")
            if not self.minimum <= value <= self.maximum:
                raise _config_error(
                    f"{self.field} must be from {self.minimum} to {self.maximum}; got {value}."
                )
        else:
            raise ValueError(f"unknown validation rule {self.rule!r} for {self.field}")

    def _date(self, value: Any) -> None:
        try:
            parsed = date.fromisoformat(str(value))
            if parsed.isoformat() != str(value):
                raise ValueError(value)
        except ValueError:
            raise _config_error(
                f"{self.field} must be a date as YYYY-MM-DD, e.g. 2024-01-31; got {value!r}."
            ) from None
        if self.latest_offset_hours is not None:
            latest = today_at_offset(self.latest_offset_hours)
            if parsed > latest:
                raise _config_error(
                    f"{self.field} ({value}) is after today ({latest} in the first time zone to "
                    f"reach it); set {self.field} to today or earlier."
                )

    def _advertiser_ids(self, value: Any) -> None:
        bad = [i for i in value if not str(i).strip().isdigit()]
        if bad:
            raise _config_error(
                f"{self.field} must hold TikTok advertiser ids (digits only, e.g. "
                f'"7012345678901234567"); not {bad}.'
            )


@dataclass
class TikTokCustomReportsValidationStrategy(ValidationStrategy):
    """Checks ``custom_reports`` against what TikTok's report API accepts, entry by entry.

    A name becomes a stream name (unique lower_snake_case); the data level is one of the keys of
    ``level_ids`` (TikTok's auction levels and the id dimension of each); BASIC reports take at
    most one breakdown dimension, AUDIENCE reports exactly one; every metric must exist at the
    entry's level per ``metric_catalog`` (``[{levels: [...], metrics: [...]}]``), since TikTok
    rejects the whole request (40002 "Invalid metric fields") for a single unknown one.
    """

    metric_catalog: list[Mapping[str, Any]] = field(default_factory=list)
    level_ids: Mapping[str, str] = field(default_factory=dict)
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
        if level not in self.level_ids:
            raise _config_error(
                f"{where}.data_level must be one of {', '.join(self.level_ids)}; got {level!r}."
            )
        fixed = {"stat_time_day", *self.level_ids.values()}
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
class TikTokReportStateMigration(StateMigration):
    """Checks a report stream's saved state before the sync, and keeps its cursors in the past.

    A state this connector saves is ``{"states": [{"partition": {"advertiser_id": ...},
    "cursor": {"stat_time_day": "2024-03-19"}}], ...}`` (or a flat ``{"stat_time_day": ...}``).
    Anything else, or a cursor that is not a date in ``cursor_formats``, would fail deep inside
    the CDK with "Something went wrong"; here it is a config error naming the stream and how to
    reset it. A cursor later than today at UTC ``earliest_offset_hours`` (no advertiser is on an
    earlier day) is moved back to that day, so no state stays in the future: the days in between
    are read again, which the lookback does anyway.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    declarative_stream: Any = None
    cursor_field: str = "stat_time_day"
    cursor_formats: list[str] = field(default_factory=lambda: ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S"])
    earliest_offset_hours: float = -12

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._stream = str(getattr(self.declarative_stream, "name", None) or "this stream")

    def should_migrate(self, stream_state: Mapping[str, Any]) -> bool:
        if not stream_state:
            return False
        latest = today_at_offset(self.earliest_offset_hours)
        return any(day > latest for day in self._cursor_days(stream_state))

    def migrate(self, stream_state: Mapping[str, Any]) -> Mapping[str, Any]:
        latest = today_at_offset(self.earliest_offset_hours).isoformat()
        migrated = json.loads(json.dumps(stream_state))
        for cursor in self._cursors(migrated):
            if self._parse(cursor[self.cursor_field]) > date.fromisoformat(latest):
                cursor[self.cursor_field] = latest
        return migrated  # type: ignore[no-any-return]

    def _cursor_days(self, stream_state: Mapping[str, Any]) -> list[date]:
        return [self._parse(cursor[self.cursor_field]) for cursor in self._cursors(stream_state)]

    def _cursors(self, stream_state: Mapping[str, Any]) -> list[MutableMapping[str, Any]]:
        """Every mapping of the state that holds a cursor value, after checking the shape."""
        if not isinstance(stream_state, Mapping):
            self._refuse(f"it is a {type(stream_state).__name__}, not an object")
        cursors: list[Any] = []
        if self.cursor_field in stream_state:
            cursors.append(stream_state)
        if isinstance(stream_state.get("state"), Mapping) and stream_state["state"]:
            cursors.append(stream_state["state"])
        entries = stream_state.get("states", [])
        if not isinstance(entries, list):
            self._refuse('"states" is not a list')
        for entry in entries:
            cursor = entry.get("cursor") if isinstance(entry, Mapping) else None
            partition = entry.get("partition") if isinstance(entry, Mapping) else None
            if not isinstance(cursor, Mapping) or not isinstance(partition, Mapping):
                self._refuse(f"a partition entry has no partition or cursor object: {entry!r}")
            cursors.append(cursor)
        for cursor in cursors:
            if self.cursor_field not in cursor:
                self._refuse(f"a cursor has no {self.cursor_field}: {cursor!r}")
        return cursors

    def _parse(self, value: Any) -> date:
        for pattern in self.cursor_formats:
            try:
                return datetime.strptime(str(value), pattern).replace(tzinfo=UTC).date()
            except ValueError:
                continue
        self._refuse(f"the cursor {self.cursor_field}={value!r} is not a date")
        raise AssertionError("unreachable")

    def _refuse(self, problem: str) -> None:
        raise _config_error(
            f"The saved state of stream {self._stream} cannot be used: {problem}. Clear the "
            f"stream's data in Airbyte (connection > Status > {self._stream} > Clear data) so "
            "the next sync reads it again from start_date."
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
