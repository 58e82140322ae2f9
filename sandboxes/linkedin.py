"""A local LinkedIn Marketing API (``/rest`` + ``/oauth/v2``) with a deterministic data model.

Wire format as the real API speaks it (per LinkedIn's Marketing API documentation):

* every ``/rest`` call needs ``LinkedIn-Version: YYYYMM`` (inactive -> 426 ``NONEXISTENT_VERSION``)
  and ``X-Restli-Protocol-Version: 2.0.0``; bearer tokens carry scopes and account roles
  (401 ``INVALID_ACCESS_TOKEN``, 403 ``ACCESS_DENIED``);
* Rest.li 2.0 query values are parsed from the raw query string: ``(``, ``)``, ``,`` and ``:``
  must be literal and URNs inside them percent-encoded (``urn%3Ali%3AsponsoredAccount%3A1``);
  a percent-encoded structure is refused with 400 like LinkedIn does;
* query tunneling: ``POST`` + ``X-HTTP-Method-Override: GET`` with the query string as a
  form-encoded body; a ``GET`` whose URL exceeds ``max_url_length`` gets 414;
* entity finders page with ``pageSize``/``pageToken`` and ``metadata.nextPageToken``;
* ``adAnalytics`` (``q=analytics`` one pivot, ``q=statistics`` up to three) takes at most 20
  ``fields``, returns ``dateRange``/``pivotValues`` only when asked, omits a row whose requested
  metrics are all zero, is not paginated and silently truncates at 15,000 elements (in pivot
  order, so a truncated answer is not a date prefix). Money metrics are decimal strings;
* ``qps_limit`` > 0 answers a burst 429 to ``/rest`` calls beyond that many within one wall-clock
  second, as LinkedIn's infrastructure protection does for an app going too fast.

Deterministic data model (``LinkedInDataModel``), the contract tests compute expectations from:

* account ``a`` (0-based) has id ``500000001 + a``; campaign group ``g`` of it has id
  ``510000000 + a*1000 + g``; campaign ``c`` has id ``520000000 + a*10000 + c`` and belongs to
  group ``c % groups_per_account``; creative ``k`` of campaign ``c`` has id
  ``530000000 + a*100000 + c*100 + k``;
* a campaign runs from ``first_day`` to ``last_day``, except every fourth one (``c % 4 == 3``),
  which ended half way (status ``COMPLETED``); even campaigns were last modified in 2020 (a
  connector that prunes campaigns by ``lastModified`` loses their analytics); creatives run with
  their campaign, a campaign group while any of its campaigns runs;
* the metrics of one entity on one day come from :func:`daily_metrics` (a pure function of the
  entity key, the day and the metric name): one day in ten is all zero (LinkedIn omits the row)
  and one in nine has only conversion metrics (so a chunk without them omits the row too).
  :meth:`LinkedInDataModel.expected_rows` returns the flat records a correct connector emits.
"""

from __future__ import annotations

import argparse
import base64
import calendar
import itertools
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote

from sandboxes.base import (
    FaultPlan,
    Request,
    Response,
    SandboxApp,
    SandboxServer,
    serve_until_interrupted,
)

SANDBOX_ACCESS_TOKEN = "changeme-linkedin-access-token"
SANDBOX_CLIENT_ID = "changeme-linkedin-client-id"
SANDBOX_CLIENT_SECRET = "changeme-linkedin-client-secret"
SANDBOX_REFRESH_TOKEN = "changeme-linkedin-refresh-token"
ALL_SCOPES = frozenset({"r_ads", "r_ads_reporting"})
ACTIVE_VERSIONS = frozenset(f"2026{m:02d}" for m in range(1, 12))
MAX_FIELDS = 20
MAX_ELEMENTS = 15_000
ENTITY_PAGE_LIMITS = {"adAccounts": 1000, "adCampaignGroups": 1000, "adCampaigns": 1000}
CREATIVE_PAGE_LIMIT = 100

MONEY_METRICS = ("costInLocalCurrency", "costInUsd", "conversionValueInLocalCurrency")
CONVERSION_METRICS = (
    "externalWebsiteConversions",
    "externalWebsitePostClickConversions",
    "externalWebsitePostViewConversions",
    "conversionValueInLocalCurrency",
    "oneClickLeads",
    "qualifiedLeads",
)
METRICS = (
    "impressions", "clicks", "costInLocalCurrency", "costInUsd", "landingPageClicks",
    "totalEngagements", "likes", "comments", "shares", "follows", "reactions", "videoViews",
    "videoStarts", "videoCompletions", "oneClickLeadFormOpens", "actionClicks", "adUnitClicks",
    "cardClicks", "cardImpressions", "commentLikes", "companyPageClicks", "documentCompletions",
    "downloadClicks", "fullScreenPlays", "jobApplications", "jobApplyClicks", "opens",
    "otherEngagements", "registrations", "sends", "textUrlClicks", "validWorkEmailLeads",
    "videoFirstQuartileCompletions", "videoMidpointCompletions", "videoThirdQuartileCompletions",
    "viralImpressions", "viralClicks", "viralLikes", "viralShares", "viralComments",
    "viralFollows", "viralVideoViews", "viralTotalEngagements", "averageDwellTime",
    "approximateMemberReach", "audiencePenetration", *CONVERSION_METRICS,
)  # fmt: skip
ENTITY_PIVOTS = {
    "ACCOUNT": ("sponsoredAccount", "account_id"),
    "CAMPAIGN_GROUP": ("sponsoredCampaignGroup", "campaign_group_id"),
    "CAMPAIGN": ("sponsoredCampaign", "campaign_id"),
    "CREATIVE": ("sponsoredCreative", "creative_id"),
}
# breakdown pivots the sandbox serves, with the values every campaign is split across
BREAKDOWN_VALUES = {
    "MEMBER_COUNTRY_V2": ("urn:li:geo:103644278", "urn:li:geo:101165590"),
    "IMPRESSION_DEVICE_TYPE": ("DESKTOP_WEB", "MOBILE_APP"),
    "MEMBER_SENIORITY": ("urn:li:seniority:4", "urn:li:seniority:6"),
}
DATA_LIMIT_MESSAGE = (
    "Too Many Requests: data limit exceeded, queries over the last 5 minutes returned more than "
    "45000000 metric values"
)
DAILY_QUOTA_MESSAGE = "Resource level throttle limit for calls to this resource is reached."
BURST_MESSAGE = "Too many requests, please retry later"


def _mix(*parts: int) -> int:
    value = 0x811C9DC5
    for part in parts:
        value = ((value ^ (part & 0xFFFFFFFF)) * 0x01000193) & 0xFFFFFFFF
        value ^= value >> 13
        value = (value * 0x5BD1E995) & 0xFFFFFFFF
        value ^= value >> 15
    return value


_METRIC_SALT = {name: zlib.crc32(name.encode()) for name in METRICS}


def daily_metrics(entity_key: int, day: date, metrics: Iterable[str]) -> dict[str, int]:
    """Metric values of one entity on one day; money metrics in cents (served as decimals)."""
    ordinal = day.toordinal()
    kind = _mix(entity_key, ordinal) % 90
    values: dict[str, int] = {}
    for name in metrics:
        if kind % 10 == 0 or (kind % 9 == 1 and name not in CONVERSION_METRICS):
            values[name] = 0
            continue
        raw = _mix(entity_key, ordinal, _METRIC_SALT.get(name, 7))
        if raw % 5 == 0:
            values[name] = 0
        elif name == "impressions":
            values[name] = 40 + raw % 2000
        elif name in MONEY_METRICS:
            values[name] = raw % 90_000
        else:
            values[name] = raw % 60
    return values


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def urn(kind: str, entity_id: int | str) -> str:
    return f"urn:li:{kind}:{entity_id}"


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


@dataclass(frozen=True)
class Entity:
    kind: str  # sponsoredAccount / sponsoredCampaignGroup / sponsoredCampaign / sponsoredCreative
    id: int
    account_index: int
    first_day: date
    last_day: date
    parent: int = 0  # campaign group of a campaign, campaign of a creative

    @property
    def urn(self) -> str:
        return urn(self.kind, self.id)


@dataclass(frozen=True)
class LinkedInDataModel:
    """The accounts, entities and daily metrics the sandbox serves (see the module docstring)."""

    accounts: int = 2
    groups_per_account: int = 2
    campaigns_per_account: int = 4
    creatives_per_campaign: int = 2
    first_day: date = date(2024, 1, 1)
    last_day: date = date(2024, 3, 31)

    def account_ids(self) -> list[int]:
        return [500_000_001 + a for a in range(self.accounts)]

    def account_index(self, account_id: int) -> int | None:
        index = account_id - 500_000_001
        return index if 0 <= index < self.accounts else None

    def campaign_last_day(self, c: int) -> date:
        if c % 4 != 3:
            return self.last_day
        return self.first_day + (self.last_day - self.first_day) // 2

    def entities(self, account_index: int, pivot: str) -> list[Entity]:
        a = account_index
        if pivot == "ACCOUNT":
            return [Entity("sponsoredAccount", 500_000_001 + a, a, self.first_day, self.last_day)]
        if pivot == "CAMPAIGN_GROUP":
            groups = []
            for g in range(self.groups_per_account):
                ends = [
                    self.campaign_last_day(c)
                    for c in range(self.campaigns_per_account)
                    if c % self.groups_per_account == g
                ]
                last = max(ends, default=self.first_day - timedelta(days=1))
                gid = 510_000_000 + a * 1000 + g
                groups.append(Entity("sponsoredCampaignGroup", gid, a, self.first_day, last))
            return groups
        campaigns = [
            Entity(
                "sponsoredCampaign",
                520_000_000 + a * 10_000 + c,
                a,
                self.first_day,
                self.campaign_last_day(c),
                parent=510_000_000 + a * 1000 + c % self.groups_per_account,
            )
            for c in range(self.campaigns_per_account)
        ]
        if pivot == "CAMPAIGN":
            return campaigns
        if pivot == "CREATIVE":
            return [
                Entity(
                    "sponsoredCreative",
                    530_000_000 + a * 100_000 + (camp.id % 10_000) * 100 + k,
                    a,
                    camp.first_day,
                    camp.last_day,
                    parent=camp.id,
                )
                for camp in campaigns
                for k in range(self.creatives_per_campaign)
            ]
        raise KeyError(pivot)

    def expected_rows(
        self, pivot: str, account_id: int, start: date, end: date, metrics: list[str]
    ) -> list[dict[str, Any]]:
        """The flat DAILY records a correct connector emits for one entity pivot and account."""
        index = self.account_index(account_id)
        assert index is not None
        id_field = ENTITY_PIVOTS[pivot][1]
        rows = []
        for entity in self.entities(index, pivot):
            day = max(start, entity.first_day)
            while day <= min(end, entity.last_day):
                values = daily_metrics(entity.id, day, metrics)
                if any(values.values()):
                    row: dict[str, Any] = {"date": day.isoformat(), "account_id": str(account_id)}
                    row[id_field] = str(entity.id)
                    for name, value in values.items():
                        row[name] = value / 100 if name in MONEY_METRICS else value
                    rows.append(row)
                day += timedelta(days=1)
        return rows

    def daily_row_count(self, pivot: str, account_id: int, start: date, end: date) -> int:
        """Rows a DAILY query with the given metrics would hold at most (active entity-days)."""
        index = self.account_index(account_id)
        assert index is not None
        total = 0
        for entity in self.entities(index, pivot):
            first, last = max(start, entity.first_day), min(end, entity.last_day)
            total += max(0, (last - first).days + 1)
        return total


# --------------------------------------------------------------------------- Rest.li parsing


class RestliError(ValueError):
    pass


def parse_restli(raw: str) -> Any:
    """Parse one Rest.li 2.0 query value (``List(..)``, ``(k:v,..)`` or a scalar) from raw text."""
    value, end = _parse_value(raw, 0)
    if end != len(raw):
        raise RestliError(f"unexpected {raw[end:]!r} in {raw!r}")
    return value


def _parse_value(raw: str, i: int) -> tuple[Any, int]:
    if raw.startswith("List(", i):
        items: list[Any] = []
        i += 5
        while i < len(raw) and raw[i] != ")":
            item, i = _parse_value(raw, i)
            items.append(item)
            if i < len(raw) and raw[i] == ",":
                i += 1
        return items, _expect(raw, i, ")")
    if i < len(raw) and raw[i] == "(":
        record: dict[str, Any] = {}
        i += 1
        while i < len(raw) and raw[i] != ")":
            colon = raw.find(":", i)
            if colon < 0:
                raise RestliError(f"missing ':' in {raw!r}")
            key = unquote(raw[i:colon])
            record[key], i = _parse_value(raw, colon + 1)
            if i < len(raw) and raw[i] == ",":
                i += 1
        return record, _expect(raw, i, ")")
    end = i
    while end < len(raw) and raw[end] not in ",)(":
        if raw[end] == ":":
            raise RestliError(f"unencoded ':' in a Rest.li scalar of {raw!r} (encode URNs)")
        end += 1
    return unquote(raw[i:end]), end


def _expect(raw: str, i: int, char: str) -> int:
    if i >= len(raw) or raw[i] != char:
        raise RestliError(f"expected {char!r} at {i} in {raw!r}")
    return i + 1


def split_query(raw_query: str) -> dict[str, str]:
    """Split a raw query string into raw (still Rest.li-encoded) values."""
    params: dict[str, str] = {}
    for part in filter(None, raw_query.split("&")):
        key, _, value = part.partition("=")
        lowered = value.lower()
        if any(code in lowered for code in ("%28", "%29", "%2c")):
            raise RestliError(f"parameter {key!r} has a percent-encoded Rest.li structure")
        params[unquote(key)] = value.replace("+", "%20")
    return params


def _date_of(node: Any) -> date:
    try:
        return date(int(node["year"]), int(node["month"]), int(node["day"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise RestliError(f"bad date {node!r}") from exc


def _restli_date(day: date) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


# --------------------------------------------------------------------------- the app


@dataclass
class TokenGrant:
    scopes: frozenset[str] = ALL_SCOPES
    accounts: frozenset[int] | None = None  # None: a role on every account


@dataclass
class LinkedInStats:
    refreshes: int = 0
    analytics_requests: int = 0
    truncated_responses: int = 0
    tunneled_requests: int = 0
    metric_values: int = 0
    elements: int = 0
    fields_per_request: list[int] = field(default_factory=list)
    throttled: int = 0


def _error(status: int, code: str, message: str, service_code: int = 0) -> Response:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if service_code:
        body["serviceErrorCode"] = service_code
    return Response.json(body, status=status)


def data_limit_429(_: Request | None = None) -> Response:
    return _error(429, "TOO_MANY_REQUESTS", DATA_LIMIT_MESSAGE)


def daily_quota_429(_: Request | None = None) -> Response:
    return _error(429, "TOO_MANY_REQUESTS", DAILY_QUOTA_MESSAGE)


def burst_429(_: Request | None = None) -> Response:
    return _error(429, "TOO_MANY_REQUESTS", BURST_MESSAGE)


def server_error_500(_: Request | None = None) -> Response:
    return _error(500, "INTERNAL_SERVER_ERROR", "Internal Server Error")


class LinkedInSandbox(SandboxApp):
    name = "linkedin"

    def __init__(
        self,
        model: LinkedInDataModel,
        *,
        max_url_length: int = 4096,
        max_elements: int = MAX_ELEMENTS,
        active_versions: frozenset[str] = ACTIVE_VERSIONS,
        qps_limit: int = 0,
    ) -> None:
        super().__init__()
        self.model = model
        # > 0: a burst 429 for /rest calls beyond that many within one wall-clock second, the way
        # LinkedIn's infrastructure protection answers (the only time-based behaviour)
        self.qps_limit = qps_limit
        self._qps_window: tuple[int, int] = (0, 0)
        self.max_url_length = max_url_length
        self.max_elements = max_elements
        self.active_versions = active_versions
        self.tokens: dict[str, TokenGrant] = {SANDBOX_ACCESS_TOKEN: TokenGrant()}
        self.refresh_tokens: dict[str, TokenGrant] = {SANDBOX_REFRESH_TOKEN: TokenGrant()}
        self.stats = LinkedInStats()
        self._stats_lock = threading.Lock()

    # -- routing ----------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.path == "/oauth/v2/accessToken":
            return self._token(request)
        if not request.path.startswith("/rest/"):
            return _error(404, "NOT_FOUND", f"no resource {request.path}")
        if self._over_qps_limit():
            return burst_429(request)
        raw_query = request.raw_query
        if request.method == "POST":
            if (request.header("x-http-method-override") or "").upper() != "GET":
                return _error(405, "METHOD_NOT_ALLOWED", "only tunneled GETs are served")
            raw_query = request.body.decode()
            with self._stats_lock:
                self.stats.tunneled_requests += 1
        elif len(request.path) + len(raw_query) + 1 > self.max_url_length:
            return Response.text("<h1>414 Request-URI Too Large</h1>", 414)
        denied = self._check_headers(request)
        if denied is not None:
            return denied
        grant = self.tokens.get((request.header("authorization") or "").removeprefix("Bearer "))
        if grant is None:
            return _error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)
        try:
            params = split_query(raw_query)
            return self._route(request.path.removeprefix("/rest/"), params, grant, request)
        except RestliError as exc:
            return _error(400, "ILLEGAL_ARGUMENT", f"Invalid query parameter: {exc}")

    def _over_qps_limit(self) -> bool:
        if self.qps_limit <= 0:
            return False
        with self._stats_lock:
            second = int(time.monotonic())
            start, count = self._qps_window
            count = count + 1 if start == second else 1
            self._qps_window = (second, count)
            if count <= self.qps_limit:
                return False
            self.stats.throttled += 1
            return True

    def _check_headers(self, request: Request) -> Response | None:
        version = request.header("linkedin-version")
        if not version:
            return _error(400, "VERSION_MISSING", "A version must be present", 0)
        if version not in self.active_versions:
            return _error(
                426, "NONEXISTENT_VERSION", f"Requested version {version}01 is not active"
            )
        if request.header("x-restli-protocol-version") != "2.0.0":
            return _error(400, "ILLEGAL_ARGUMENT", "X-Restli-Protocol-Version 2.0.0 is required")
        return None

    def _route(
        self, resource: str, params: dict[str, str], grant: TokenGrant, request: Request
    ) -> Response:
        if resource == "adAccounts":
            return self._accounts(params, grant)
        if resource == "adAnalytics":
            return self._analytics(params, grant)
        parts = resource.split("/")
        if len(parts) == 3 and parts[0] == "adAccounts" and parts[1].isdigit():
            account_id = int(parts[1])
            index = self.model.account_index(account_id)
            if index is None or not self._has_role(grant, account_id, "r_ads"):
                return self._denied(f"{parts[2]}.GET for account {account_id}")
            if parts[2] == "adCampaignGroups":
                return self._campaign_groups(index, params)
            if parts[2] == "adCampaigns":
                return self._campaigns(index, params)
            if parts[2] == "creatives":
                if (request.header("x-restli-method") or "").upper() != "FINDER":
                    return _error(400, "ILLEGAL_ARGUMENT", "X-RestLi-Method: FINDER is required")
                return self._creatives(index, params)
        return _error(404, "NOT_FOUND", f"no resource /rest/{resource}")

    @staticmethod
    def _has_role(grant: TokenGrant, account_id: int, scope: str) -> bool:
        if scope not in grant.scopes:
            return False
        return grant.accounts is None or account_id in grant.accounts

    @staticmethod
    def _denied(what: str) -> Response:
        return _error(403, "ACCESS_DENIED", f"Not enough permissions to access: {what}", 100)

    # -- oauth ------------------------------------------------------------------------------
    def _token(self, request: Request) -> Response:
        form = dict(parse_qsl(request.body.decode()))
        if form.get("client_id") != SANDBOX_CLIENT_ID or (
            form.get("client_secret") != SANDBOX_CLIENT_SECRET
        ):
            return Response.json(
                {"error": "invalid_client", "error_description": "Client authentication failed"},
                status=401,
            )
        grant = self.refresh_tokens.get(form.get("refresh_token", ""))
        if form.get("grant_type") != "refresh_token" or grant is None:
            return Response.json(
                {
                    "error": "invalid_grant",
                    "error_description": "The provided authorization grant or refresh token "
                    "is invalid, expired or revoked",
                },
                status=400,
            )
        with self._stats_lock:
            self.stats.refreshes += 1
            token = f"sandbox-oauth-access-{self.stats.refreshes}"
        self.tokens[token] = grant
        return Response.json({"access_token": token, "expires_in": 5_184_000})

    # -- entity finders ---------------------------------------------------------------------
    def _page(self, elements: list[dict[str, Any]], params: dict[str, str], limit: int) -> Response:
        size = int(params.get("pageSize", "100"))
        if not 1 <= size <= limit:
            raise RestliError(f"pageSize must be between 1 and {limit}")
        token = params.get("pageToken")
        offset = 0
        if token:
            try:
                offset = int(base64.urlsafe_b64decode(unquote(token)).decode().removeprefix("o"))
            except ValueError as exc:
                raise RestliError(f"invalid pageToken {token!r}") from exc
        page = elements[offset : offset + size]
        metadata: dict[str, Any] = {}
        if offset + size < len(elements):
            metadata["nextPageToken"] = base64.urlsafe_b64encode(
                f"o{offset + size}".encode()
            ).decode()
        return Response.json({"elements": page, "metadata": metadata, "paging": {"count": size}})

    @staticmethod
    def _status_filter(params: dict[str, str]) -> set[str] | None:
        if "search" not in params:
            return None
        search = parse_restli(params["search"])
        values = search.get("status", {}).get("values") if isinstance(search, dict) else None
        return set(values) if values else None

    def _accounts(self, params: dict[str, str], grant: TokenGrant) -> Response:
        if params.get("q") != "search":
            raise RestliError("adAccounts needs q=search")
        wanted: set[int] | None = None
        if "search" in params:
            search = parse_restli(params["search"])
            ids = search.get("id", {}).get("values") if isinstance(search, dict) else None
            wanted = {int(v) for v in ids} if ids else None
        elements = [
            {
                "id": account_id,
                "name": f"Sandbox Account {account_id}",
                "currency": "USD",
                "status": "ACTIVE",
                "type": "BUSINESS",
                "test": False,
                "reference": urn("organization", 9_000 + account_id % 1000),
                "servingStatuses": ["RUNNABLE"],
                "version": {"versionTag": "3"},
            }
            for account_id in self.model.account_ids()
            if (wanted is None or account_id in wanted)
            and (grant.accounts is None or account_id in grant.accounts)
        ]
        return self._page(elements, params, ENTITY_PAGE_LIMITS["adAccounts"])

    def _campaign_groups(self, index: int, params: dict[str, str]) -> Response:
        statuses = self._status_filter(params)
        elements = []
        for group in self.model.entities(index, "CAMPAIGN_GROUP"):
            status = "ACTIVE" if group.last_day >= self.model.last_day else "ARCHIVED"
            if statuses is None or status in statuses:
                elements.append(
                    {
                        "id": group.id,
                        "account": urn("sponsoredAccount", 500_000_001 + index),
                        "name": f"Group {group.id}",
                        "status": status,
                        "runSchedule": {"start": _ms(group.first_day)},
                        "changeAuditStamps": {
                            "created": {"time": _ms(group.first_day)},
                            "lastModified": {"time": _ms(group.first_day)},
                        },
                    }
                )
        return self._page(elements, params, ENTITY_PAGE_LIMITS["adCampaignGroups"])

    def _campaigns(self, index: int, params: dict[str, str]) -> Response:
        statuses = self._status_filter(params)
        elements = []
        for c, camp in enumerate(self.model.entities(index, "CAMPAIGN")):
            status = "ACTIVE" if camp.last_day >= self.model.last_day else "COMPLETED"
            if statuses is not None and status not in statuses:
                continue
            modified = date(2020, 1, 1) if c % 2 == 0 else camp.first_day
            elements.append(
                {
                    "id": camp.id,
                    "account": urn("sponsoredAccount", 500_000_001 + index),
                    "campaignGroup": urn("sponsoredCampaignGroup", camp.parent),
                    "name": f"Campaign {camp.id}",
                    "status": status,
                    "type": "SPONSORED_UPDATES",
                    "costType": "CPM",
                    "dailyBudget": {"amount": "50.00", "currencyCode": "USD"},
                    "runSchedule": {"start": _ms(camp.first_day), "end": _ms(camp.last_day)},
                    "changeAuditStamps": {
                        "created": {"time": _ms(date(2020, 1, 1))},
                        "lastModified": {"time": _ms(modified)},
                    },
                }
            )
        return self._page(elements, params, ENTITY_PAGE_LIMITS["adCampaigns"])

    def _creatives(self, index: int, params: dict[str, str]) -> Response:
        if params.get("q") != "criteria":
            raise RestliError("creatives needs q=criteria")
        elements = [
            {
                "id": creative.urn,
                "account": urn("sponsoredAccount", 500_000_001 + index),
                "campaign": urn("sponsoredCampaign", creative.parent),
                "intendedStatus": "ACTIVE",
                "isServing": creative.last_day >= self.model.last_day,
                "content": {"reference": urn("share", creative.id)},
                "createdAt": _ms(creative.first_day),
                "lastModifiedAt": _ms(creative.first_day),
            }
            for creative in self.model.entities(index, "CREATIVE")
        ]
        return self._page(elements, params, CREATIVE_PAGE_LIMIT)

    # -- analytics --------------------------------------------------------------------------
    def _analytics(self, params: dict[str, str], grant: TokenGrant) -> Response:
        finder = params.get("q")
        if finder == "analytics":
            pivots = [unquote(params.get("pivot", ""))]
        elif finder == "statistics":
            parsed = parse_restli(params.get("pivots", "List()"))
            pivots = parsed if isinstance(parsed, list) else []
            if not 1 <= len(pivots) <= 3:
                raise RestliError("q=statistics takes 1 to 3 pivots")
        else:
            raise RestliError("adAnalytics needs q=analytics or q=statistics")
        for pivot in pivots:
            if pivot not in ENTITY_PIVOTS and pivot not in BREAKDOWN_VALUES:
                raise RestliError(f"unsupported pivot {pivot!r}")
        granularity = params.get("timeGranularity", "")
        if granularity not in {"DAILY", "MONTHLY", "YEARLY", "ALL"}:
            raise RestliError("timeGranularity must be DAILY, MONTHLY, YEARLY or ALL")
        date_range = parse_restli(params.get("dateRange", ""))
        if not isinstance(date_range, dict) or "start" not in date_range:
            raise RestliError("dateRange=(start:(year:..,month:..,day:..)) is required")
        start = _date_of(date_range["start"])
        end = _date_of(date_range["end"]) if "end" in date_range else self.model.last_day
        fields = [f for f in unquote(params.get("fields", "")).split(",") if f]
        if len(fields) > MAX_FIELDS:
            return _error(
                400, "ILLEGAL_ARGUMENT", f"fields: at most {MAX_FIELDS} fields, got {len(fields)}"
            )
        unknown = [f for f in fields if f not in METRICS and f not in {"dateRange", "pivotValues"}]
        if unknown:
            raise RestliError(f"unknown fields {unknown}")
        accounts = parse_restli(params["accounts"]) if "accounts" in params else None
        if not accounts:
            raise RestliError(
                "a facet is required: accounts=List(urn%3Ali%3AsponsoredAccount%3A..)"
            )
        account_ids = [int(str(value).rsplit(":", 1)[-1]) for value in accounts]
        for account_id in account_ids:
            if self.model.account_index(account_id) is None or not self._has_role(
                grant, account_id, "r_ads_reporting"
            ):
                return self._denied(f"adAnalytics.GET for account {account_id}")
        metrics = [f for f in fields if f in METRICS]
        # LinkedIn stops at the cap; generating past it would only cost sandbox CPU
        rows = self._rows(account_ids, pivots, granularity, start, end, fields, metrics)
        elements = list(itertools.islice(rows, self.max_elements + 1))
        truncated = len(elements) > self.max_elements
        with self._stats_lock:
            self.stats.analytics_requests += 1
            self.stats.truncated_responses += truncated
            self.stats.fields_per_request.append(len(fields))
            kept = min(len(elements), self.max_elements)
            self.stats.elements += kept
            self.stats.metric_values += kept * len(metrics)
        return Response.json({"elements": elements[: self.max_elements], "paging": {}})

    def _rows(
        self,
        account_ids: list[int],
        pivots: list[str],
        granularity: str,
        start: date,
        end: date,
        fields: list[str],
        metrics: list[str],
    ) -> Iterator[dict[str, Any]]:
        # the first entity pivot decides which entities exist; breakdown pivots split them
        entity_pivot = next((p for p in pivots if p in ENTITY_PIVOTS), "CAMPAIGN")
        for account_id in account_ids:
            index = self.model.account_index(account_id)
            assert index is not None
            for entity in self.model.entities(index, entity_pivot):
                for combo in self._combos(entity, pivots, index):
                    key = zlib.crc32("|".join(combo).encode())
                    yield from self._periods(
                        entity, combo, key, granularity, start, end, fields, metrics
                    )

    def _combos(self, entity: Entity, pivots: list[str], index: int) -> Iterator[tuple[str, ...]]:
        combos: list[tuple[str, ...]] = [()]
        for pivot in pivots:
            if pivot in BREAKDOWN_VALUES:
                values: tuple[str, ...] = BREAKDOWN_VALUES[pivot]
            elif pivot == "ACCOUNT":
                values = (urn("sponsoredAccount", 500_000_001 + index),)
            elif pivot == entity_kind_pivot(entity.kind):
                values = (entity.urn,)
            elif pivot == "CAMPAIGN" and entity.kind == "sponsoredCreative":
                values = (urn("sponsoredCampaign", entity.parent),)
            elif pivot == "CAMPAIGN_GROUP" and entity.kind == "sponsoredCampaign":
                values = (urn("sponsoredCampaignGroup", entity.parent),)
            else:
                raise RestliError(f"pivot combination {pivots} is not served by the sandbox")
            combos = [(*combo, value) for combo in combos for value in values]
        yield from combos

    def _periods(
        self,
        entity: Entity,
        combo: tuple[str, ...],
        key: int,
        granularity: str,
        start: date,
        end: date,
        fields: list[str],
        metrics: list[str],
    ) -> Iterator[dict[str, Any]]:
        # single-pivot rows use the entity id as key so they match LinkedInDataModel.expected_rows
        entity_key = entity.id if len(combo) == 1 else key
        first, last = max(start, entity.first_day), min(end, entity.last_day)
        totals: dict[str, int] = {}
        period_start = first
        day = first
        while day <= last:
            values = daily_metrics(entity_key, day, metrics or METRICS)
            for name, value in values.items():
                totals[name] = totals.get(name, 0) + value
            if day == last or _period_ends(day, granularity):
                if any(totals.values()):
                    yield self._element(combo, max(period_start, start), day, fields, totals)
                totals = {}
                period_start = day + timedelta(days=1)
            day += timedelta(days=1)

    @staticmethod
    def _element(
        combo: tuple[str, ...], first: date, last: date, fields: list[str], totals: dict[str, int]
    ) -> dict[str, Any]:
        element: dict[str, Any] = {}
        for name in fields:
            if name == "pivotValues":
                element[name] = list(combo)
            elif name == "dateRange":
                element[name] = {"start": _restli_date(first), "end": _restli_date(last)}
            elif name in MONEY_METRICS:
                element[name] = money(totals.get(name, 0))
            else:
                element[name] = totals.get(name, 0)
        return element


def entity_kind_pivot(kind: str) -> str:
    return next(pivot for pivot, (k, _) in ENTITY_PIVOTS.items() if k == kind)


def _period_ends(day: date, granularity: str) -> bool:
    if granularity == "DAILY":
        return True
    if granularity == "MONTHLY":
        return day.day == calendar.monthrange(day.year, day.month)[1]
    if granularity == "YEARLY":
        return day.month == 12 and day.day == 31
    return False


def create_app(
    latency_ms: int = 0,
    *,
    model: LinkedInDataModel | None = None,
    faults: list[FaultPlan] | None = None,
    max_url_length: int = 4096,
    max_elements: int = MAX_ELEMENTS,
    active_versions: frozenset[str] = ACTIVE_VERSIONS,
    qps_limit: int = 0,
) -> LinkedInSandbox:
    """A LinkedIn sandbox app: serve it with ``sandboxes.base.serve(app)``; its base URL for the
    connector's ``api_base_url`` is ``<server.url>/rest`` and its token URL
    ``<server.url>/oauth/v2/accessToken``."""
    app = LinkedInSandbox(
        model or LinkedInDataModel(),
        max_url_length=max_url_length,
        max_elements=max_elements,
        active_versions=active_versions,
        qps_limit=qps_limit,
    )
    app.latency_s = latency_ms / 1000
    app.faults = list(faults or [])
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the LinkedIn sandbox on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--qps-limit", type=int, default=0)
    args = parser.parse_args(argv)
    server = SandboxServer(create_app(args.latency_ms, qps_limit=args.qps_limit), port=args.port)
    return serve_until_interrupted(
        server,
        f"LinkedIn sandbox on {server.url}/rest (token URL {server.url}/oauth/v2/accessToken)",
    )


if __name__ == "__main__":
    raise SystemExit(main())
