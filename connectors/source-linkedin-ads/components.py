"""Custom components of source-linkedin-ads: the LinkedIn facts the declarative CDK cannot express.

Each class handles one API fact, named in its docstring; knobs come from ``manifest.yaml``. Every
HTTP call is made by the CDK's own ``HttpRequester`` declared in the manifest, which the component
factory wires with the authenticator, the error handler, the API budget and the message repository
the Connector Builder reads requests and responses from; the requesters here only decide what to
call. A manifest-only connector ships exactly one components file, so it holds every class.
"""

import hashlib
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Mapping, MutableMapping
from dataclasses import InitVar, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, Literal, get_args
from urllib.parse import quote

import orjson
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.auth.declarative_authenticator import DeclarativeAuthenticator
from airbyte_cdk.sources.declarative.auth.oauth import DeclarativeOauth2Authenticator
from airbyte_cdk.sources.declarative.decoders.json_decoder import JsonDecoder
from airbyte_cdk.sources.declarative.interpolation import InterpolatedString
from airbyte_cdk.sources.declarative.migrations.state_migration import StateMigration
from airbyte_cdk.sources.declarative.requesters.http_requester import HttpRequester
from airbyte_cdk.sources.declarative.requesters.request_options import (
    InterpolatedRequestOptionsProvider,
)
from airbyte_cdk.sources.declarative.requesters.requester import HttpMethod, Requester
from airbyte_cdk.sources.declarative.schema.schema_loader import SchemaLoader
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.declarative.validators.validation_strategy import ValidationStrategy
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState
from airbyte_cdk.utils.mapping_helpers import combine_mappings
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
TUNNEL_HEADERS = {
    "X-HTTP-Method-Override": "GET",
    "Content-Type": "application/x-www-form-urlencoded",
}
RESET_HINT = (
    "Reset the stream: in Airbyte, clear its data (connection > the stream's menu > Clear data) "
    "so the next sync starts again from start_date; when running the connector yourself, drop "
    "the stream's entry from the state file passed with --state."
)


def pivot_field(pivot: str) -> str:
    """``CAMPAIGN`` -> ``campaign_id``; breakdown pivots keep their value: ``member_country_v2``."""
    return ENTITY_PIVOT_FIELDS.get(pivot, pivot.lower())


def utc_today() -> date:
    """LinkedIn's reporting days are UTC days."""
    return datetime.now(UTC).date()


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return [str(item) for item in value or []]


def _config_error(message: str) -> AirbyteTracedException:
    return AirbyteTracedException(
        message=message, internal_message=message, failure_type=FailureType.config_error
    )


def restli_query(params: Mapping[str, Any]) -> str:
    """``{"q": "search", "search": "(id:(values:List(1,2)))"}`` -> ``q=search&search=(id:(values:
    List(1,2)))``: Rest.li structure stays literal, anything else is percent-encoded, and a
    value that already holds ``%3A`` (a URN inside a structure) is sent as it is."""
    return "&".join(
        f"{quote(str(key), safe='')}={quote(str(value), safe='(),:%')}"
        for key, value in params.items()
        if value is not None and value != ""
    )


# ----------------------------------------------------------------------------- pacing and errors


@dataclass
class LinkedInAdaptivePace:
    """LinkedIn publishes no per-second limit and counts calls per app, across every connection
    of the app, so the pace it tolerates changes while a sync runs. A burst 429 halves the pace of
    every stream of the connector (once per ``cooldown_seconds``, since one burst answers several
    calls in flight; never below ``floor`` calls a second); successful calls win back about one
    call a second per second (each adds ``1 / pace``), up to ``ceiling`` (``requests_per_second``,
    which the API budget enforces by itself). Calls and the retries of throttled calls take turns,
    so retries do not collide again. Example: ceiling 5, two burst 429s a second apart -> 1.25
    calls a second, calls 0.8 s apart; 2 successful calls later the pace is 2.65.
    """

    ceiling: float
    floor: float = 0.5
    cooldown_seconds: float = 1.0
    # injectable for tests; by default looked up when used, so a patched time.sleep applies
    clock: Callable[[], float] | None = None
    sleep: Callable[[float], None] | None = None

    _shared: ClassVar["LinkedInAdaptivePace | None"] = None
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._rate = self.ceiling
        self._next_call = 0.0
        self._last_decrease: float | None = None

    @classmethod
    def shared(cls, ceiling: float) -> "LinkedInAdaptivePace":
        """The one pace of this process: every stream and requester slows down together."""
        with cls._shared_lock:
            if cls._shared is None or cls._shared.ceiling != ceiling:
                cls._shared = cls(ceiling=ceiling)
            return cls._shared

    @classmethod
    def forget(cls) -> None:
        with cls._shared_lock:
            cls._shared = None

    @property
    def calls_per_second(self) -> float:
        return self._rate

    def _now(self) -> float:
        return (self.clock or time.monotonic)()

    def reserve(self, earliest: float = 0.0) -> float:
        """Takes the next turn at least ``earliest`` seconds from now; returns the wait until it."""
        with self._lock:
            now = self._now()
            turn = max(now + earliest, self._next_call)
            self._next_call = turn + 1 / self._rate
        return turn - now

    def acquire(self) -> None:
        """Waits for this call's turn while the pace is below the ceiling."""
        if self._rate >= self.ceiling:
            return
        wait = self.reserve()
        if wait > 0:
            (self.sleep or time.sleep)(wait)

    def on_throttled(self) -> None:
        with self._lock:
            now = self._now()
            if (
                self._last_decrease is not None
                and now - self._last_decrease < self.cooldown_seconds
            ):
                return
            self._last_decrease = now
            self._rate = max(self.floor, self._rate / 2)

    def on_success(self) -> None:
        with self._lock:
            self._rate = min(self.ceiling, self._rate + 1 / self._rate)


@dataclass
class LinkedInRateLimitBackoffStrategy(BackoffStrategy):
    """LinkedIn's 429s carry no Retry-After; their message tells the limits apart.

    The data throttle (45 million metric values per 5 minutes; its message names "metric values"
    or "data limit") is waited past its window: ``data_limit_seconds``, the only long wait. Any
    other 429 is a burst that clears within a second: up to ``burst_seconds`` per attempt with
    full jitter, and the connector's shared pace halves and gives the retry its turn, so retries
    find room instead of colliding (the daily quota never gets here: its error filter fails at
    once). 5xx and connection errors are transient
    faults: exponential backoff with full jitter. The CDK sleeps one second more than the wait
    returned here, so the waits stop at ``max_seconds`` (9): no retry waits over 10 s. Example: a
    burst 429 on the third attempt returns 0-3 s, so the retry comes 1-4 s later.
    """

    data_limit_seconds: float = 330.0
    burst_seconds: float = 1.0
    base_seconds: float = 2.0
    max_seconds: float = 9.0
    requests_per_second: Any = 5
    config: Config = field(default_factory=dict)
    parameters: InitVar[Mapping[str, Any]] = None

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        pace = InterpolatedString.create(str(self.requests_per_second), parameters=parameters or {})
        self._ceiling = float(pace.eval(self.config))

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
            pace = LinkedInAdaptivePace.shared(self._ceiling)
            pace.on_throttled()
            longest = min(self.max_seconds, self.burst_seconds * max(attempt_count, 1))
            return min(self.max_seconds, pace.reserve(earliest=random.uniform(0, longest)))
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** max(attempt_count - 1, 0))
        return random.uniform(ceiling / 2, ceiling)


# ----------------------------------------------------------------------------- requesters


@dataclass
class LinkedInRestliRequester(Requester):
    """Rest.li 2.0 queries and query tunneling, sent by the CDK's own ``requester``.

    LinkedIn parses ``List(..)`` and ``(key:value)`` from the raw query, so parentheses, commas and
    colons go out literally while URNs inside them stay percent-encoded; ``requests`` would encode
    them all, so the query is built here (``restli_query``) and handed to ``requester`` with the
    path. A URL longer than ``max_url_length`` gets 414, so that call goes to ``tunnel_requester``
    (the same requester as ``POST``) with ``X-HTTP-Method-Override: GET`` and the query as a form
    body. Example: ``path: adAccounts/1/adCampaigns`` with ``request_parameters: {q: search,
    search: "(status:(values:List(ACTIVE)))"}`` sends ``GET <url>/adAccounts/1/adCampaigns?
    q=search&search=(status:(values:List(ACTIVE)))``. Calls wait their turn in the shared
    ``LinkedInAdaptivePace`` while 429s have slowed it down.
    """

    requester: HttpRequester
    tunnel_requester: HttpRequester
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    path: str = ""
    request_parameters: Mapping[str, Any] | None = None
    request_headers: Mapping[str, Any] | None = None
    max_url_length: Any = 4000
    requests_per_second: Any = 5

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._path = InterpolatedString.create(self.path, parameters=parameters)
        self._options = InterpolatedRequestOptionsProvider(
            config=self.config,
            parameters=parameters,
            request_parameters=dict(self.request_parameters or {}),
            request_headers=dict(self.request_headers or {}),
        )
        limit = InterpolatedString.create(str(self.max_url_length), parameters=parameters)
        self._max_url_length = int(limit.eval(self.config))
        pace = InterpolatedString.create(str(self.requests_per_second), parameters=parameters)
        self._pace = LinkedInAdaptivePace.shared(float(pace.eval(self.config)))
        _parse_bodies_once(self.requester)
        _parse_bodies_once(self.tunnel_requester)

    # -- the Requester interface: the CDK requester's, with this stream's path and options
    def get_authenticator(self) -> DeclarativeAuthenticator:
        return self.requester.get_authenticator()

    def get_url(self, **context: Any) -> str:
        return self.requester.get_url(**context)

    def get_url_base(self, **context: Any) -> str:
        return self.requester.get_url_base(**context)

    def get_path(self, **context: Any) -> str:
        return str(self._path.eval(self.config, **_interpolation(context))).lstrip("/")

    def get_method(self) -> HttpMethod:
        return self.requester.get_method()

    def get_request_params(self, **context: Any) -> MutableMapping[str, Any]:
        return self._options.get_request_params(**_options_context(context))

    def get_request_headers(self, **context: Any) -> Mapping[str, Any]:
        return self._options.get_request_headers(**_options_context(context))

    def get_request_body_data(self, **context: Any) -> Mapping[str, Any] | str:
        return {}

    def get_request_body_json(self, **context: Any) -> Mapping[str, Any]:
        return {}

    @property
    def exit_on_rate_limit(self) -> bool:
        return self.requester.exit_on_rate_limit

    @exit_on_rate_limit.setter
    def exit_on_rate_limit(self, value: bool) -> None:
        self.requester.exit_on_rate_limit = value
        self.tunnel_requester.exit_on_rate_limit = value

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
        return self._send(
            stream_slice, next_page_token, request_params, request_headers, log_formatter
        )

    def _send(
        self,
        stream_slice: StreamSlice | None,
        next_page_token: Mapping[str, Any] | None = None,
        extra_params: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, Any] | None = None,
        log_formatter: Callable[[requests.Response], Any] | None = None,
    ) -> requests.Response | None:
        context = {"stream_slice": stream_slice, "next_page_token": next_page_token}
        path = self.get_path(**context)
        params = _merged(self.get_request_params(**context), extra_params)
        headers = dict(_merged(self.get_request_headers(**context), extra_headers))
        query = restli_query(params)
        url_length = len(self.get_url(**context)) + 1 + len(path) + 1 + len(query)
        self._pace.acquire()
        if url_length > self._max_url_length:
            response = self.tunnel_requester.send_request(
                stream_slice=stream_slice,
                next_page_token=next_page_token,
                path=f"./{path}",
                request_headers={**headers, **TUNNEL_HEADERS},
                request_body_data=query,
                log_formatter=log_formatter,
            )
        else:
            response = self.requester.send_request(
                stream_slice=stream_slice,
                next_page_token=next_page_token,
                path=f"./{path}?{query}" if query else f"./{path}",
                request_headers=headers,
                log_formatter=log_formatter,
            )
        self._pace.on_success()
        return response


def _merged(options: Mapping[str, Any], extra: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The stream's options and the retriever's (page token, ...); a key set twice is an error."""
    merged = combine_mappings([options, extra])
    assert not isinstance(merged, str)
    return merged


def _interpolation(context: Mapping[str, Any]) -> dict[str, Any]:
    stream_slice = context.get("stream_slice")
    extra = stream_slice.extra_fields if isinstance(stream_slice, StreamSlice) else {}
    return {
        "stream_slice": stream_slice,
        "next_page_token": context.get("next_page_token"),
        **extra,
    }


def _options_context(context: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("stream_state", "stream_slice", "next_page_token")
    return {key: context.get(key) for key in keys}


@dataclass
class LinkedInAnalyticsRequester(LinkedInRestliRequester):
    """adAnalytics limits: at most 20 ``fields``, at most 15,000 elements, no pagination.

    Metrics are chunked (each chunk with ``dateRange`` and ``pivotValues``) and the chunks of one
    window are outer-merged on (pivotValues, dateRange), because LinkedIn omits a row whose
    requested metrics are all zero. A response at the cap is truncated: the window is re-planned
    (a ``MONTHLY`` probe counts the rows per month, then windows are packed below the cap) or, once
    probed, halved. Each window is one "page", so memory stays bounded; the remaining windows
    travel in ``_remaining_windows``. Windows holding ``approximateMemberReach`` or
    ``audiencePenetration`` are kept within 92 days, the longest range LinkedIn serves them for.
    Example: 36 metrics over 2024-01-01..2024-03-31 are two requests of 20 fields each; their rows
    come back as one page of merged elements.
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
        log_formatter: Callable[[requests.Response], Any] | None = None,
        **kwargs: Any,
    ) -> requests.Response | None:
        window = _Window(self, stream_slice, log_formatter)
        token = (next_page_token or {}).get("next_page_token")
        if token:
            windows, probed = _decode_windows(token)
        else:
            assert stream_slice is not None
            start = date.fromisoformat(stream_slice["start_time"][:10])
            end = date.fromisoformat(stream_slice["end_time"][:10])
            short = any(SHORT_WINDOW_METRICS.intersection(chunk) for chunk in window.chunks)
            windows, probed = _split_days(start, end, 92 if short else 100_000), False
        while True:
            start, end = windows.pop(0)
            fetched = window.fetch(start, end)
            if fetched is not None:
                break
            windows[:0] = window.replan(start, end, probed)
            probed = True
        remaining = _encode_windows(windows, probed)
        body = {"elements": fetched, "_remaining_windows": remaining if windows else None}
        return MergedPage(body, f"{self.get_url(stream_slice=stream_slice)}/{self.get_path()}")


class MergedPage(requests.Response):
    """The page an analytics requester assembled from its chunk answers: ``{"elements": [...],
    "_remaining_windows": ...}``, kept as parsed objects.

    Its records were parsed once from LinkedIn's answers; :class:`LinkedInMergedPageDecoder`
    hands them on as they are instead of a JSON dump and a second parse (a JSON round trip
    cost more per row than the row's transformation). ``content`` is the JSON text of the body,
    made only when something reads it (the Connector Builder, logs).
    """

    def __init__(self, body: dict[str, Any], url: str) -> None:
        super().__init__()
        self.body = body
        self.status_code = 200
        self.headers["Content-Type"] = "application/json"
        self.url = url

    @property
    def content(self) -> bytes:
        if not self._content:
            self._content = json.dumps(self.body).encode()
        return self._content


@dataclass
class LinkedInMergedPageDecoder(JsonDecoder):
    """The CDK's JSON decoder, except for a :class:`MergedPage`: its body as it is, each element
    a copy (the stream's transformations change records in place; the page keeps what LinkedIn
    sent). ``{"elements": [{"costInUsd": "1.5"}], "_remaining_windows": None}`` is given as that
    same mapping, without serializing it and parsing it again."""

    parameters: InitVar[Mapping[str, Any]]

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        super().__init__(parameters)

    def decode(
        self, response: requests.Response
    ) -> Generator[MutableMapping[str, Any], None, None]:
        if isinstance(response, MergedPage):
            elements = response.body.get("elements") or []
            yield {**response.body, "elements": [dict(row) for row in elements]}
        else:
            yield from super().decode(response)


class _Window:
    """The requests of one page of an analytics stream: one slice, its chunks, its log format."""

    def __init__(
        self,
        requester: LinkedInAnalyticsRequester,
        stream_slice: StreamSlice | None,
        log_formatter: Callable[[requests.Response], Any] | None,
    ) -> None:
        self.requester = requester
        self.stream_slice = stream_slice
        self.log_formatter = log_formatter
        self.granularity = str(requester._granularity.eval(requester.config))
        self.chunks = requester._chunks()

    def query(
        self, start: date, end: date, fields: list[str], granularity: str
    ) -> list[dict[str, Any]]:
        extra = {
            "timeGranularity": granularity,
            "dateRange": f"(start:{_restli_date(start)},end:{_restli_date(end)})",
            "fields": ",".join(["dateRange", "pivotValues", *fields]),
        }
        response = self.requester._send(
            self.stream_slice, extra_params=extra, log_formatter=self.log_formatter
        )
        assert response is not None
        return list(response.json().get("elements", []))

    def fetch(self, start: date, end: date) -> list[dict[str, Any]] | None:
        """The merged rows of start..end, or None when a chunk came back at the cap."""
        merged: dict[tuple[Any, ...], dict[str, Any]] = {}
        for chunk in self.chunks:
            rows = self.query(start, end, chunk, self.granularity)
            if len(rows) >= self.requester.max_elements:
                return None
            for row in rows:
                key = (tuple(row.get("pivotValues") or ()), _date_range_key(row.get("dateRange")))
                merged.setdefault(key, {}).update(row)
        return list(merged.values())

    def replan(self, start: date, end: date, probed: bool) -> list[tuple[date, date]]:
        split = _month_split(start, end) if self.granularity == "MONTHLY" else None
        if self.granularity == "DAILY" and start < end:
            split = start + (end - start) // 2
            probe = [] if probed else self.query(start, end, self.chunks[0], "MONTHLY")
            if probe and len(probe) < self.requester.max_elements:
                per_month = Counter(
                    (r["dateRange"]["start"]["year"], r["dateRange"]["start"]["month"])
                    for r in probe
                )
                budget = self.requester.max_elements * self.requester.fill_ratio
                return _pack(start, end, per_month, budget)
        if split is None:
            raise _config_error(
                f"LinkedIn returned the 15,000-element maximum for {start}..{end} even for the "
                "smallest window: narrow the report (fewer pivots, or a DAILY or MONTHLY "
                "time_granularity) so rows fit."
            )
        return [(start, split), (split + timedelta(days=1), end)]


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

    The daily-quota error filter tests every answer's ``message`` with a predicate, which parses
    the body, and the analytics requester parses it again for its rows. One parse per answer
    (``requests``' own, as before) gives every reader the same dict; none of them changes it.
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


def _date_range_key(date_range: Any) -> bytes | str:
    """The same text for equal ``dateRange`` objects, whatever their key order (the rows of
    several chunks are merged on it). orjson is about ten times faster than ``json.dumps``; a value
    it cannot write (none LinkedIn sends) falls back to ``json.dumps``."""
    try:
        return orjson.dumps(date_range, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return json.dumps(date_range, sort_keys=True)


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


# ----------------------------------------------------------------------------- records and schemas


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
        self._pivot_fields: list[tuple[str, bool]] | None = None

    def pivot_fields(self) -> list[tuple[str, bool]]:
        """(record field, value is a URN) per pivot, in the order of ``pivotValues``.

        The pivots depend on the config only, so they are evaluated once per stream, not per
        record (Jinja costs more than the rest of the transformation)."""
        if self._pivot_fields is None:
            self._pivot_fields = [
                (pivot_field(pivot), pivot in ENTITY_PIVOT_FIELDS)
                for pivot in _as_list(self._pivots.eval(self.config))
            ]
        return self._pivot_fields

    def transform(
        self,
        record: MutableMapping[str, Any],
        config: Config | None = None,
        stream_state: StreamState | None = None,
        stream_slice: StreamSlice | None = None,
    ) -> None:
        start = record.pop("dateRange", {}).get("start", {})
        values = record.pop("pivotValues", None) or []
        record["date"] = f"{start['year']:04d}-{start['month']:02d}-{start['day']:02d}"
        if stream_slice is not None and "account_id" in stream_slice.partition:
            record["account_id"] = str(stream_slice.partition["account_id"])
        for (name, is_urn), value in zip(self.pivot_fields(), values, strict=False):
            value = str(value)
            record[name] = value.rsplit(":", 1)[-1] if is_urn else value
        for name in MONEY_METRICS.intersection(record):
            record[name] = float(record[name])


@dataclass
class LinkedInAnalyticsSchemaLoader(SchemaLoader):
    """One analytics schema shape for every pivot: ``date``, ``account_id``, one string field per
    pivot (see ``pivot_field``) and every known metric typed as a number, so a user-selected
    metric list never needs a schema change. ``pivots: CAMPAIGN,MEMBER_COUNTRY_V2`` gives
    ``date``, ``account_id``, ``campaign_id``, ``member_country_v2`` and the metrics."""

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


# ----------------------------------------------------------------------------- authentication


@dataclass
class LinkedInSharedOAuthAuthenticator(DeclarativeOauth2Authenticator):
    """LinkedIn access tokens live 60 days and any stream may refresh: share one per sync.

    Every stream gets its own authenticator instance, so the token is cached per process under a
    hash of (endpoint, client id, refresh token). LinkedIn answers an expired or revoked refresh
    token (365 days after the first consent) with ``400 invalid_grant``, reported as such.
    Example: eight streams, two accounts -> one POST to the token endpoint.
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
                raise _config_error(
                    f"LinkedIn refused the OAuth client (HTTP {status}): check "
                    "credentials.client_id and credentials.client_secret."
                ) from exc
            self._shared[key] = (token, expiry)
            return token, expiry

    @staticmethod
    def _now() -> Any:
        from airbyte_cdk.utils.datetime_helpers import ab_datetime_now

        return ab_datetime_now()


# ----------------------------------------------------------------------------- config and state

ConfigRule = Literal["date", "start_date", "date_range", "whole_number", "account_ids"]


@dataclass
class LinkedInConfigFieldValidationStrategy(ValidationStrategy):
    """Checks one config field, with a message naming the field and the rule.

    jsonschema's messages do not name the field ("-1 is less than the minimum of 0"), so the spec
    keeps types and choices only and these rules run before any request. ``date`` is a
    ``YYYY-MM-DD`` day; ``start_date`` also lies not after today in UTC (LinkedIn's reporting days
    are UTC days); ``date_range`` gets ``{start_date, end_date}`` and wants the end not before the
    start; ``whole_number`` lies in [``minimum``, ``maximum``]; ``account_ids`` is a non-empty
    list of distinct positive numbers. Example: ``lookback_days: -1`` -> "lookback_days must be 0
    or more; got -1."
    """

    field: str
    rule: ConfigRule
    minimum: int | None = None
    maximum: int | None = None

    def __post_init__(self) -> None:
        if self.rule not in get_args(ConfigRule):
            raise ValueError(f"unknown validation rule {self.rule!r} for {self.field}")

    def validate(self, value: Any) -> None:
        if self.rule == "account_ids":
            self._account_ids(value)
        elif self.rule == "date_range":
            self._date_range(value)
        elif value is None or value == "":
            return
        elif self.rule == "whole_number":
            self._whole_number(value)
        else:
            day = _parse_day(self.field, value)
            if self.rule == "start_date" and day > utc_today():
                raise _config_error(
                    f"start_date {day} is after today ({utc_today()} in UTC, the time zone of "
                    "LinkedIn's reporting days): set start_date to today or an earlier day."
                )

    def _whole_number(self, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _config_error(f"{self.field} must be a whole number; got {value!r}.")
        if self.minimum is not None and value < self.minimum:
            raise _config_error(f"{self.field} must be {self.minimum} or more; got {value}.")
        if self.maximum is not None and value > self.maximum:
            raise _config_error(f"{self.field} must be {self.maximum} or less; got {value}.")

    def _account_ids(self, value: Any) -> None:
        numeric = isinstance(value, list) and all(
            isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in value
        )
        if not value or not numeric:
            raise _config_error(
                "account_ids must be a non-empty list of numeric ids (LinkedIn ad account ids "
                f"as in Campaign Manager, e.g. [500000000]); got {value!r}."
            )
        repeated = sorted({i for i in value if value.count(i) > 1})
        if repeated:
            raise _config_error(f"account_ids must list each id once; repeated: {repeated}.")

    @staticmethod
    def _date_range(value: Any) -> None:
        start, end = (value or {}).get("start_date"), (value or {}).get("end_date")
        days = [d for d in (start, end) if isinstance(d, str) and _is_day(d)]
        if len(days) == 2 and date.fromisoformat(days[1]) < date.fromisoformat(days[0]):
            raise _config_error(
                f"end_date {end} is before start_date {start}: set end_date on or after "
                "start_date, or leave it empty to read up to today."
            )


def _is_day(value: str) -> bool:
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _parse_day(name: str, value: Any) -> date:
    if not isinstance(value, str) or not _is_day(value):
        raise _config_error(f"{name} must be a date as YYYY-MM-DD, e.g. 2024-01-31; got {value!r}.")
    return date.fromisoformat(value)


@dataclass
class LinkedInCustomReportsValidationStrategy(ValidationStrategy):
    """Checks ``custom_reports`` entry by entry, naming the entry and the rule.

    A name becomes the stream ``custom_<name>``, so it is lower_snake_case (at most 49
    characters) and unique; ``q=statistics`` takes one to three distinct pivots. Pivot and metric
    names are choices in the spec. Example: two reports named ``by_country`` -> "custom_reports[1]
    .name 'by_country' is already used by custom_reports[0]; names must be unique."
    """

    max_pivots: int = 3

    def validate(self, value: Any) -> None:
        seen: dict[str, int] = {}
        for index, report in enumerate(value or []):
            where = f"custom_reports[{index}]"
            name = str(report.get("name") or "")
            if not (name[:1].isalpha() and name.islower() and name.replace("_", "").isalnum()):
                raise _config_error(
                    f"{where}.name must be lower_snake_case starting with a letter, e.g. "
                    f"campaign_by_country; got {name!r}."
                )
            if len(name) > 49:
                raise _config_error(f"{where}.name must be at most 49 characters; got {name!r}.")
            if name in seen:
                raise _config_error(
                    f"{where}.name {name!r} is already used by custom_reports[{seen[name]}]; "
                    "names must be unique."
                )
            seen[name] = index
            pivots = report.get("pivots") or []
            if not 1 <= len(pivots) <= self.max_pivots or len(set(pivots)) != len(pivots):
                raise _config_error(
                    f"{where}.pivots must hold one to {self.max_pivots} different pivots; "
                    f"got {pivots!r}."
                )


@dataclass
class LinkedInAnalyticsStateCheck(StateMigration):
    """Refuses a saved analytics state this connector cannot resume from, naming the stream.

    The connector saves ``{"states": [{"partition": {"account_id": 1}, "cursor": {"date":
    "2024-01-31"}}], "state": {"date": "2024-01-31"}, ...}`` (an older global ``{"date":
    "2024-01-31"}`` also resumes). A cursor that is not a ``YYYY-MM-DD`` day, or lies after today
    in UTC (no sync writes one: the slicer stops at today), or any other shape would make the sync
    fail deep inside the CDK or read nothing: fail first, saying how to reset the stream.
    """

    declarative_stream: Any = None
    cursor_field: str = "date"
    config: Config = field(default_factory=dict)
    parameters: InitVar[Mapping[str, Any]] = None

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._stream = str(getattr(self.declarative_stream, "name", None) or "this stream")

    def should_migrate(self, stream_state: Mapping[str, Any]) -> bool:
        return bool(stream_state)

    def migrate(self, stream_state: Mapping[str, Any]) -> Mapping[str, Any]:
        problem = self._problem(stream_state)
        if problem:
            raise _config_error(
                f"The saved state of stream {self._stream} cannot be resumed: {problem}. "
                f"{RESET_HINT}"
            )
        return stream_state

    def _problem(self, state: Mapping[str, Any]) -> str | None:
        cursors: list[Any] = []
        if "states" in state:
            partitions = state["states"]
            if not isinstance(partitions, list) or not all(
                isinstance(p, Mapping) and isinstance(p.get("cursor"), Mapping) for p in partitions
            ):
                return "'states' must be a list of {partition, cursor} objects"
            cursors += [p["cursor"].get(self.cursor_field) for p in partitions]
        if isinstance(state.get("state"), Mapping):
            cursors.append(state["state"].get(self.cursor_field))
        elif self.cursor_field in state:
            cursors.append(state[self.cursor_field])
        elif "states" not in state:
            return f"it holds neither 'states' nor a '{self.cursor_field}' cursor"
        for cursor in cursors:
            if not isinstance(cursor, str) or not _is_day(cursor):
                return f"the cursor {cursor!r} is not a {self.cursor_field} as YYYY-MM-DD"
            if date.fromisoformat(cursor) > utc_today():
                return f"the cursor {cursor} is after today ({utc_today()} in UTC)"
        return None
