"""A local, deterministic TikTok API for Business v1.3 (the endpoints the connector reads).

Wire format as TikTok sends it: every answer is HTTP 200 with a JSON envelope
``{"code", "message", "request_id", "data"}``; errors carry a non-zero ``code``. Report numbers
are strings, ``"-"`` marks a ratio with a zero denominator, ``stat_time_day`` is
``"YYYY-MM-DD 00:00:00"`` in the advertiser's time zone.

Data model (everything derives from :class:`SandboxAdvertiser` and the sandbox clock):

* ids: campaign ``f"{advertiser_id}{c:02d}"`` (``c`` from 1), ad group ``f"{campaign_id}{g:02d}"``,
  ad ``f"{adgroup_id}{a:02d}"``. Each advertiser also has one deleted campaign
  (``c = campaigns + 1``) that is only listed with ``filtering={"primary_status": "STATUS_ALL"}``
  and has no delivery.
* delivery: every active ad has a row for every day from ``first_day`` to the advertiser's local
  "today" (``now`` converted to the advertiser's ``timezone``), with the counts of
  :func:`ad_day_counts`. Higher levels sum their ads; ratios are recomputed from the sums.
* breakdown dimensions (``country_code``, ``gender``, ``age``, ``platform``) split each row into
  two values with a 60/40 share (the first value takes the remainder).

Limits it enforces like TikTok: 30 days per request with ``stat_time_day`` (40002), ``page_size``
1..1000 (40002), metrics it does not know (40002 "Invalid metric fields"), the access token
(40105), advertiser authorization (40001), app credentials on ``oauth2/advertiser/get`` (40101),
and optionally a per-second request budget (40100 "App reaches the QPS limit", ``qps_limit``)
and a share of transient failures (``fault_rate``: 50002 "System busy" or an HTTP 503 page, drawn
from a generator seeded with ``seed``, so a run is repeatable).

Run ``python -m sandboxes.tiktok --port 8765`` to serve the default scenario for manual runs.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sandboxes.base import Request, Response, SandboxApp, SandboxServer, serve_until_interrupted

API_PREFIX = "/open_api/v1.3"
MAX_DAY_SPAN = 30
MAX_PAGE_SIZE = 1000

# Counts the sandbox computes for every ad and day; all other known metrics derive from them.
COUNT_METRICS = (
    "impressions",
    "clicks",
    "reach",
    "conversion",
    "real_time_conversion",
    "result",
    "video_play_actions",
    "video_watched_2s",
    "video_watched_6s",
    "video_views_p25",
    "video_views_p50",
    "video_views_p75",
    "video_views_p100",
    "profile_visits",
    "likes",
    "comments",
    "shares",
    "follows",
    "clicks_on_music_disc",
    "app_install",
    "real_time_app_install",
    "complete_payment",
    "purchase",
    "registration",
    "sales_lead",
    "engaged_view",
    "engaged_view_15s",
    "paid_engaged_view",
    "paid_engaged_view_15s",
    "duet_clicks",
    "stitch_clicks",
    "sound_usage_clicks",
    "anchor_clicks",
    "total_app_event_add_to_cart",
    "onsite_shopping",
)
MONEY_METRICS = ("spend", "total_purchase_value", "total_onsite_shopping_value", "cash_spend")
# ratio metric -> (numerator, denominator, factor); "-" when the denominator is zero
RATIO_METRICS: dict[str, tuple[str, str, float]] = {
    "ctr": ("clicks", "impressions", 100.0),
    "cpc": ("spend", "clicks", 1.0),
    "cpm": ("spend", "impressions", 1000.0),
    "frequency": ("impressions", "reach", 1.0),
    "cost_per_1000_reached": ("spend", "reach", 1000.0),
    "conversion_rate": ("conversion", "clicks", 100.0),
    "cost_per_conversion": ("spend", "conversion", 1.0),
    "real_time_cost_per_conversion": ("spend", "real_time_conversion", 1.0),
    "cost_per_result": ("spend", "result", 1.0),
    "result_rate": ("result", "impressions", 100.0),
    "average_video_play": ("video_watched_6s", "video_play_actions", 6.0),
    "average_video_play_per_user": ("video_watched_6s", "reach", 6.0),
    "real_time_app_install_cost": ("spend", "real_time_app_install", 1.0),
    "cost_per_complete_payment": ("spend", "complete_payment", 1.0),
    "complete_payment_roas": ("total_purchase_value", "spend", 1.0),
    "cost_per_purchase": ("spend", "purchase", 1.0),
    "cost_per_registration": ("spend", "registration", 1.0),
    "cost_per_sales_lead": ("spend", "sales_lead", 1.0),
}
ADVERTISER_ONLY_METRICS = frozenset({"cash_spend", "voucher_spend"})
# attribute metrics TikTok returns as text, and the levels that have them
TEXT_METRICS: dict[str, frozenset[str]] = {
    "campaign_name": frozenset({"AUCTION_CAMPAIGN", "AUCTION_ADGROUP", "AUCTION_AD"}),
    "objective_type": frozenset({"AUCTION_CAMPAIGN", "AUCTION_ADGROUP", "AUCTION_AD"}),
    "adgroup_name": frozenset({"AUCTION_ADGROUP", "AUCTION_AD"}),
    "ad_name": frozenset({"AUCTION_AD"}),
    "ad_text": frozenset({"AUCTION_AD"}),
    "campaign_id": frozenset({"AUCTION_ADGROUP", "AUCTION_AD"}),
    "adgroup_id": frozenset({"AUCTION_AD"}),
}
LEVEL_ID = {
    "AUCTION_ADVERTISER": "advertiser_id",
    "AUCTION_CAMPAIGN": "campaign_id",
    "AUCTION_ADGROUP": "adgroup_id",
    "AUCTION_AD": "ad_id",
}
BREAKDOWNS: dict[str, tuple[str, str]] = {
    "country_code": ("US", "GB"),
    "gender": ("MALE", "FEMALE"),
    "age": ("AGE_25_34", "AGE_18_24"),
    "platform": ("ANDROID", "IPHONE"),
}


def known_metrics(data_level: str) -> frozenset[str]:
    """Every metric name the sandbox accepts at ``data_level``."""
    names = set(COUNT_METRICS) | set(MONEY_METRICS) | set(RATIO_METRICS) | {"voucher_spend"}
    if data_level != "AUCTION_ADVERTISER":
        names -= ADVERTISER_ONLY_METRICS
    names |= {name for name, levels in TEXT_METRICS.items() if data_level in levels}
    return frozenset(names)


def _seed(*parts: object) -> int:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def ad_day_counts(ad_id: str, day: date) -> dict[str, float]:
    """The deterministic counts and money of one ad on one day (the base of every report row)."""
    seed = _seed(ad_id, day.isoformat())
    impressions = 500 + seed % 4500
    clicks = impressions * (1 + (seed >> 8) % 4) // 100
    # every 7th ad-day has no conversions, so cost_per_conversion comes back as "-"
    conversion = 0 if (seed >> 16) % 7 == 0 else 1 + clicks // 10
    counts: dict[str, float] = {
        "impressions": impressions,
        "clicks": clicks,
        "reach": impressions * 4 // 5,
        "conversion": conversion,
        "real_time_conversion": conversion,
        "result": conversion,
        "video_play_actions": impressions // 2,
        "video_watched_2s": impressions // 3,
        "video_watched_6s": impressions // 5,
        "video_views_p25": impressions // 4,
        "video_views_p50": impressions // 6,
        "video_views_p75": impressions // 8,
        "video_views_p100": impressions // 10,
        "profile_visits": clicks // 3,
        "likes": clicks // 2,
        "comments": clicks // 9,
        "shares": clicks // 7,
        "follows": clicks // 11,
        "clicks_on_music_disc": clicks // 13,
        "app_install": conversion // 2,
        "real_time_app_install": conversion // 2,
        "complete_payment": conversion // 3,
        "purchase": conversion // 3,
        "registration": conversion // 4,
        "sales_lead": conversion // 5,
        "engaged_view": impressions // 12,
        "engaged_view_15s": impressions // 20,
        "paid_engaged_view": impressions // 14,
        "paid_engaged_view_15s": impressions // 24,
        "duet_clicks": clicks // 17,
        "stitch_clicks": clicks // 19,
        "sound_usage_clicks": clicks // 23,
        "anchor_clicks": clicks // 29,
        "total_app_event_add_to_cart": conversion // 2,
        "onsite_shopping": conversion // 3,
    }
    spend_cents = impressions * (20 + (seed >> 24) % 60) // 10
    counts["spend"] = spend_cents / 100
    counts["cash_spend"] = counts["spend"]
    counts["voucher_spend"] = 0.0
    counts["total_purchase_value"] = counts["purchase"] * 25.0
    counts["total_onsite_shopping_value"] = counts["onsite_shopping"] * 25.0
    return counts


@dataclass(frozen=True)
class SandboxAdvertiser:
    advertiser_id: str
    name: str
    currency: str = "USD"
    timezone: str = "Etc/GMT"
    first_day: date = date(2024, 1, 1)
    campaigns: int = 2
    adgroups_per_campaign: int = 2
    ads_per_adgroup: int = 2

    def campaign_ids(self, include_deleted: bool = False) -> list[str]:
        count = self.campaigns + (1 if include_deleted else 0)
        return [f"{self.advertiser_id}{c:02d}" for c in range(1, count + 1)]

    def deleted_campaign_id(self) -> str:
        return f"{self.advertiser_id}{self.campaigns + 1:02d}"

    def adgroup_ids(self, campaign_id: str) -> list[str]:
        if campaign_id == self.deleted_campaign_id():
            return []
        return [f"{campaign_id}{g:02d}" for g in range(1, self.adgroups_per_campaign + 1)]

    def ad_ids(self, adgroup_id: str) -> list[str]:
        return [f"{adgroup_id}{a:02d}" for a in range(1, self.ads_per_adgroup + 1)]

    def all_ads(self) -> list[tuple[str, str, str]]:
        """(campaign_id, adgroup_id, ad_id) of every active ad."""
        return [
            (c, g, a)
            for c in self.campaign_ids()
            for g in self.adgroup_ids(c)
            for a in self.ad_ids(g)
        ]

    def local_today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.timezone)).date()

    def delivery_days(self, start: date, end: date, now: datetime) -> list[date]:
        """Days in [start, end] that have delivery: from first_day to the local today."""
        first = max(start, self.first_day)
        last = min(end, self.local_today(now))
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def default_advertisers() -> list[SandboxAdvertiser]:
    """Three advertisers on both sides of UTC, the default scenario of tests and benchmarks."""
    return [
        SandboxAdvertiser("7100000000000000001", "Acme Tokyo", "JPY", "Asia/Tokyo"),
        SandboxAdvertiser("7100000000000000002", "Acme London", "GBP", "Europe/London"),
        SandboxAdvertiser("7100000000000000003", "Acme Los Angeles", "USD", "America/Los_Angeles"),
    ]


_request_ids = itertools.count(1)


def envelope(data: Any = None, code: int = 0, message: str = "OK") -> Response:
    """TikTok's HTTP-200 envelope (request ids are a process-wide sequence)."""
    payload = {
        "code": code,
        "message": message,
        "request_id": f"sandbox{next(_request_ids):012d}",
        "data": data if data is not None else {},
    }
    return Response.json(payload)


def error(code: int, message: str) -> Callable[[Request], Response]:
    """A FaultPlan responder answering with TikTok error ``code`` inside an HTTP 200."""
    return lambda _request: envelope(code=code, message=message)


def http_error(
    status: int, body: str = "<html>upstream error</html>"
) -> Callable[[Request], Response]:
    """A FaultPlan responder answering with a gateway error and a non-JSON body."""
    return lambda _request: Response.text(body, status)


class _ParamError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _json_param(request: Request, name: str, required: bool = True) -> Any:
    raw = request.param(name)
    if raw is None or raw == "":
        if required:
            raise _ParamError(f"{name}: Missing data for required field.")
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _ParamError(f"{name}: Not a valid JSON: {raw!r}") from exc


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.param(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise _ParamError(f"{name}: Not a valid integer.") from exc
    if not low <= value <= high:
        raise _ParamError(f"{name}: must be between {low} and {high}.")
    return value


def _date_param(request: Request, name: str) -> date:
    raw = request.param(name)
    if not raw:
        raise _ParamError(f"{name}: Missing data for required field.")
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise _ParamError(f"{name}: Not a valid date (YYYY-MM-DD): {raw!r}") from exc


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


class TikTokSandboxApp(SandboxApp):
    """The TikTok Business API v1.3 subset behind ``/open_api/v1.3``.

    ``now`` is the sandbox clock (tests pass a fixed instant); ``qps_limit`` > 0 answers 40100 to
    requests beyond that many within one wall-clock second (the only time-based behaviour);
    ``fault_rate`` (0..1) answers that share of the requests within the limit with a transient
    failure, drawn from ``random.Random(seed)``. ``throttled`` and ``transient_faults`` count them.
    """

    name = "tiktok"

    def __init__(
        self,
        advertisers: Sequence[SandboxAdvertiser] | None = None,
        access_token: str = "changeme-sandbox-access-token",
        app_id: str = "changeme-sandbox-app-id",
        secret: str = "changeme-sandbox-app-secret",
        now: Callable[[], datetime] | None = None,
        qps_limit: int = 0,
        fault_rate: float = 0.0,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.advertisers = {a.advertiser_id: a for a in (advertisers or default_advertisers())}
        self.access_token = access_token
        self.app_id = app_id
        self.secret = secret
        self.now = now or (lambda: datetime.now(UTC))
        self.qps_limit = qps_limit
        self.throttled = 0
        self.fault_rate = fault_rate
        self.transient_faults = 0
        self._fault_random = random.Random(seed)
        self._window: tuple[int, int] = (0, 0)
        self._qps_lock = threading.Lock()
        self._routes: dict[str, Callable[[Request], Response]] = {
            "/oauth2/advertiser/get/": self._authorized_advertisers,
            "/advertiser/info/": self._advertiser_info,
            "/campaign/get/": self._campaigns,
            "/adgroup/get/": self._adgroups,
            "/ad/get/": self._ads,
            "/report/integrated/get/": self._report,
        }

    # ---- plumbing -------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if not request.path.startswith(API_PREFIX):
            return Response.text("not found", 404)
        route = self._routes.get(request.path[len(API_PREFIX) :])
        if route is None:
            return Response.text("not found", 404)
        if self._over_budget():
            return envelope(code=40100, message="App reaches the QPS limit. Please retry later.")
        fault = self._transient_fault()
        if fault is not None:
            return fault
        if request.header("Access-Token") != self.access_token:
            return envelope(code=40105, message="Access token is incorrect or has been revoked.")
        try:
            return route(request)
        except _ParamError as exc:
            return envelope(code=40002, message=exc.message)

    def _over_budget(self) -> bool:
        if self.qps_limit <= 0:
            return False
        with self._qps_lock:
            second = int(time.monotonic())
            start, count = self._window
            count = count + 1 if start == second else 1
            self._window = (second, count)
            if count > self.qps_limit:
                self.throttled += 1
                return True
            return False

    def _transient_fault(self) -> Response | None:
        if self.fault_rate <= 0:
            return None
        with self._qps_lock:
            if self._fault_random.random() >= self.fault_rate:
                return None
            self.transient_faults += 1
            gateway = self._fault_random.random() < 0.5
        if gateway:
            return Response.text("<html>503 Service Temporarily Unavailable</html>", 503)
        return envelope(code=50002, message="System busy. Please retry later.")

    def _advertiser(self, request: Request) -> SandboxAdvertiser:
        advertiser_id = request.param("advertiser_id")
        if not advertiser_id:
            raise _ParamError("advertiser_id: Missing data for required field.")
        advertiser = self.advertisers.get(advertiser_id)
        if advertiser is None:
            raise _Unauthorized(advertiser_id)
        return advertiser

    def dispatch(self, request: Request) -> Response:
        try:
            return super().dispatch(request)
        except _Unauthorized as exc:
            return envelope(
                code=40001,
                message=f"No permission to operate advertiser {exc.advertiser_id}. "
                "Please ask the advertiser to authorize your app.",
            )

    @staticmethod
    def _page(request: Request, rows: list[dict[str, Any]]) -> dict[str, Any]:
        page = _int_param(request, "page", 1, 1, 10**6)
        page_size = _int_param(request, "page_size", 10, 1, MAX_PAGE_SIZE)
        total_page = -(-len(rows) // page_size)
        chunk = rows[(page - 1) * page_size : page * page_size]
        return {
            "list": chunk,
            "page_info": {
                "page": page,
                "page_size": page_size,
                "total_number": len(rows),
                "total_page": total_page,
            },
        }

    # ---- account endpoints ----------------------------------------------------------------------

    def _authorized_advertisers(self, request: Request) -> Response:
        if request.param("app_id") != self.app_id or request.param("secret") != self.secret:
            return envelope(code=40101, message="The app_id or secret is invalid.")
        rows = [
            {"advertiser_id": a.advertiser_id, "advertiser_name": a.name}
            for a in self.advertisers.values()
        ]
        return envelope({"list": rows})

    def _advertiser_info(self, request: Request) -> Response:
        ids = _json_param(request, "advertiser_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _ParamError("advertiser_ids: Length must be between 1 and 100.")
        rows = []
        for advertiser_id in ids:
            advertiser = self.advertisers.get(str(advertiser_id))
            if advertiser is None:
                raise _Unauthorized(str(advertiser_id))
            rows.append(
                {
                    "advertiser_id": advertiser.advertiser_id,
                    "name": advertiser.name,
                    "currency": advertiser.currency,
                    "timezone": advertiser.timezone,
                    "display_timezone": advertiser.timezone,
                    "status": "STATUS_ENABLE",
                    "role": "ROLE_ADVERTISER",
                    "company": f"{advertiser.name} Ltd",
                    "country": "US",
                    "balance": 1000.0,
                    "create_time": 1704067200,
                }
            )
        return envelope({"list": rows})

    # ---- entity endpoints -----------------------------------------------------------------------

    @staticmethod
    def _include_deleted(request: Request) -> bool:
        filtering = _json_param(request, "filtering", required=False) or {}
        if not isinstance(filtering, dict):
            raise _ParamError("filtering: Not a valid mapping type.")
        return filtering.get("primary_status") == "STATUS_ALL"

    def _campaigns(self, request: Request) -> Response:
        advertiser = self._advertiser(request)
        deleted = advertiser.deleted_campaign_id()
        rows = [
            {
                "advertiser_id": advertiser.advertiser_id,
                "campaign_id": campaign_id,
                "campaign_name": f"Campaign {campaign_id}",
                "objective_type": "TRAFFIC",
                "budget": 100.0,
                "budget_mode": "BUDGET_MODE_DAY",
                "operation_status": "DISABLE" if campaign_id == deleted else "ENABLE",
                "secondary_status": (
                    "CAMPAIGN_STATUS_DELETE" if campaign_id == deleted else "CAMPAIGN_STATUS_ENABLE"
                ),
                "is_smart_performance_campaign": False,
                "create_time": "2024-01-01 00:00:00",
                "modify_time": "2024-01-02 00:00:00",
            }
            for campaign_id in advertiser.campaign_ids(self._include_deleted(request))
        ]
        return envelope(self._page(request, rows))

    def _adgroups(self, request: Request) -> Response:
        advertiser = self._advertiser(request)
        self._include_deleted(request)
        rows = [
            {
                "advertiser_id": advertiser.advertiser_id,
                "campaign_id": campaign_id,
                "adgroup_id": adgroup_id,
                "adgroup_name": f"Ad group {adgroup_id}",
                "placement_type": "PLACEMENT_TYPE_AUTOMATIC",
                "budget": 20.0,
                "bid_price": 0.5,
                "optimization_goal": "CLICK",
                "operation_status": "ENABLE",
                "secondary_status": "ADGROUP_STATUS_DELIVERY_OK",
                "create_time": "2024-01-01 00:00:00",
                "modify_time": "2024-01-02 00:00:00",
            }
            for campaign_id in advertiser.campaign_ids()
            for adgroup_id in advertiser.adgroup_ids(campaign_id)
        ]
        return envelope(self._page(request, rows))

    def _ads(self, request: Request) -> Response:
        advertiser = self._advertiser(request)
        self._include_deleted(request)
        rows = [
            {
                "advertiser_id": advertiser.advertiser_id,
                "campaign_id": campaign_id,
                "adgroup_id": adgroup_id,
                "ad_id": ad_id,
                "ad_name": f"Ad {ad_id}",
                "ad_text": "Try it today",
                "call_to_action": "LEARN_MORE",
                "operation_status": "ENABLE",
                "secondary_status": "AD_STATUS_DELIVERY_OK",
                "create_time": "2024-01-01 00:00:00",
                "modify_time": "2024-01-02 00:00:00",
            }
            for campaign_id, adgroup_id, ad_id in advertiser.all_ads()
        ]
        return envelope(self._page(request, rows))

    # ---- reports --------------------------------------------------------------------------------

    def _report(self, request: Request) -> Response:
        advertiser = self._advertiser(request)
        if (request.param("service_type") or "AUCTION") != "AUCTION":
            raise _ParamError("service_type: only AUCTION is available in this sandbox.")
        report_type = request.param("report_type")
        if report_type not in ("BASIC", "AUDIENCE"):
            raise _ParamError("report_type: Must be one of: BASIC, AUDIENCE.")
        data_level = request.param("data_level") or ""
        if data_level not in LEVEL_ID:
            raise _ParamError(f"data_level: Must be one of: {', '.join(LEVEL_ID)}.")
        dimensions = _json_param(request, "dimensions")
        metrics = _json_param(request, "metrics", required=False) or []
        id_dimension = LEVEL_ID[data_level]
        breakdowns = [d for d in dimensions if d in BREAKDOWNS]
        expected = {id_dimension, "stat_time_day", *breakdowns}
        if set(dimensions) != expected or id_dimension not in dimensions or len(breakdowns) > 1:
            raise _ParamError(f"dimensions: Invalid dimensions combination {dimensions}.")
        if report_type == "AUDIENCE" and not breakdowns:
            raise _ParamError("dimensions: AUDIENCE reports need an audience dimension.")
        unknown = [m for m in metrics if m not in known_metrics(data_level)]
        if unknown:
            raise _ParamError(f"Invalid metric fields: {unknown}")
        start, end = _date_param(request, "start_date"), _date_param(request, "end_date")
        if start > end:
            raise _ParamError("start_date: must be earlier than or equal to end_date.")
        if (end - start).days + 1 > MAX_DAY_SPAN:
            raise _ParamError("max time span is 30 days when use stat_time_day")
        rows = list(self._report_rows(advertiser, data_level, breakdowns, metrics, start, end))
        return envelope(self._page(request, rows))

    def _report_rows(
        self,
        advertiser: SandboxAdvertiser,
        data_level: str,
        breakdowns: list[str],
        metrics: list[str],
        start: date,
        end: date,
    ) -> Iterable[dict[str, Any]]:
        id_dimension = LEVEL_ID[data_level]
        groups: dict[str, list[tuple[str, str, str]]] = {}
        for ad in advertiser.all_ads():
            key = {
                "advertiser_id": advertiser.advertiser_id,
                "campaign_id": ad[0],
                "adgroup_id": ad[1],
                "ad_id": ad[2],
            }[id_dimension]
            groups.setdefault(key, []).append(ad)
        for day in advertiser.delivery_days(start, end, self.now()):
            for key, ads in groups.items():
                totals = _sum_counts(ad_day_counts(ad[2], day) for ad in ads)
                parts: list[tuple[dict[str, str], dict[str, float]]] = [({}, totals)]
                if breakdowns:
                    values = BREAKDOWNS[breakdowns[0]]
                    parts = [
                        ({breakdowns[0]: value}, part)
                        for value, part in zip(values, _split(totals), strict=True)
                    ]
                for extra_dims, counts in parts:
                    yield {
                        "dimensions": {
                            id_dimension: key,
                            "stat_time_day": f"{day.isoformat()} 00:00:00",
                            **extra_dims,
                        },
                        "metrics": {m: self._metric(m, counts, ads[0]) for m in metrics},
                    }

    @staticmethod
    def _metric(name: str, counts: dict[str, float], ad: tuple[str, str, str]) -> str:
        if name in RATIO_METRICS:
            numerator, denominator, factor = RATIO_METRICS[name]
            if not counts[denominator]:
                return "-"
            return f"{counts[numerator] * factor / counts[denominator]:.2f}"
        text = text_metric(name, ad)
        if text is not None:
            return text
        return _fmt(counts[name])


def text_metric(name: str, ad: tuple[str, str, str]) -> str | None:
    """The text a report row carries for an attribute metric of ``ad`` (campaign, ad group, ad
    ids), or None when ``name`` is not one of ``TEXT_METRICS``."""
    if name not in TEXT_METRICS:
        return None
    campaign_id, adgroup_id, ad_id = ad
    return {
        "campaign_name": f"Campaign {campaign_id}",
        "objective_type": "TRAFFIC",
        "adgroup_name": f"Ad group {adgroup_id}",
        "ad_name": f"Ad {ad_id}",
        "ad_text": "Try it today",
        "campaign_id": campaign_id,
        "adgroup_id": adgroup_id,
    }[name]


class _Unauthorized(Exception):
    def __init__(self, advertiser_id: str) -> None:
        super().__init__(advertiser_id)
        self.advertiser_id = advertiser_id


def _sum_counts(rows: Iterable[dict[str, float]]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for row in rows:
        for key, value in row.items():
            totals[key] = totals.get(key, 0) + value
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in totals.items()}


def _split(totals: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """A 60/40 split of a row for a breakdown dimension; the first part takes the remainder."""
    second = {
        k: (round(v * 0.4, 2) if isinstance(v, float) else int(v * 0.4)) for k, v in totals.items()
    }
    first = {
        k: (round(v - second[k], 2) if isinstance(v, float) else v - second[k])
        for k, v in totals.items()
    }
    return first, second


def expected_report_rows(
    advertisers: Iterable[SandboxAdvertiser],
    data_level: str,
    start: date,
    end: date,
    now: datetime,
) -> list[tuple[str, str, str]]:
    """(advertiser_id, level id, day) of every row a report over [start, end] has, in no order."""
    keys: list[tuple[str, str, str]] = []
    for advertiser in advertisers:
        ids = {
            "AUCTION_ADVERTISER": [advertiser.advertiser_id],
            "AUCTION_CAMPAIGN": advertiser.campaign_ids(),
            "AUCTION_ADGROUP": [
                g for c in advertiser.campaign_ids() for g in advertiser.adgroup_ids(c)
            ],
            "AUCTION_AD": [ad for _, _, ad in advertiser.all_ads()],
        }[data_level]
        days = advertiser.delivery_days(start, end, now)
        keys.extend(
            (advertiser.advertiser_id, level_id, day.isoformat())
            for level_id, day in itertools.product(ids, days)
        )
    return keys


def create_app(
    latency_ms: float = 0,
    advertisers: Sequence[SandboxAdvertiser] | None = None,
    now: datetime | None = None,
    qps_limit: int = 0,
    access_token: str = "changeme-sandbox-access-token",
    fault_rate: float = 0.0,
    seed: int = 0,
) -> TikTokSandboxApp:
    """A sandbox app; ``now`` fixes the clock (default: real time), latency applies per request."""
    app = TikTokSandboxApp(
        advertisers=advertisers,
        access_token=access_token,
        now=(lambda: now) if now is not None else None,
        qps_limit=qps_limit,
        fault_rate=fault_rate,
        seed=seed,
    )
    app.latency_s = latency_ms / 1000
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--qps-limit", type=int, default=0)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    app = create_app(
        args.latency_ms, qps_limit=args.qps_limit, fault_rate=args.fault_rate, seed=args.seed
    )
    server = SandboxServer(app, port=args.port)
    return serve_until_interrupted(
        server,
        f"TikTok sandbox on {server.url}{API_PREFIX} (token: changeme-sandbox-access-token); Ctrl-C stops",
    )


if __name__ == "__main__":
    raise SystemExit(main())
