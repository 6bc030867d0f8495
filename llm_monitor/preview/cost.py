"""Monthly cost of the monitoring itself, estimated from what the program registers.

Pure: reads resources as ``resources.json`` holds them (type, logical name, engine inputs), so it
prices whatever the alarm, log and dashboard code actually creates rather than what it meant to.

Billing rules applied (prices and their sources are in ``prices.py``'s table):

- A metric alarm is billed per *alarm metric*: one for a plain alarm; one per metric it queries
  for a metric-math alarm (expressions are free); ``anomalyAlarmMetrics`` (3: the metric and the
  band's two bounds) per metric for an anomaly-detection alarm, i.e. one with ``thresholdMetricId``.
  Any period under 60 s (on the alarm or one of its queries) makes it high resolution.
- Composite alarms, dashboards and customer-managed KMS keys: a flat monthly price each.
- A metric filter creates one custom metric per combination of dimension values. A model
  dimension (``ModelId``) has one value per model: a stack-wide filter with one publishes each
  configured model's own series, billed to that model; every other dimension (tenant, app) has
  ``tenants`` values unless ``dimension_values`` names it. The figure is an upper bound: a
  combination with no traffic in an hour is not billed for that hour.
- Each log group ingests ``log_gb_per_month`` (or its own figure); storage is the steady state
  for its retention; a data-protection policy is billed per GB its log group ingests.
- Each dashboard log widget re-runs its query on every load of the dashboard and scans its log
  groups' data for the dashboard's default time range.

Attribution: a resource whose logical name carries a model's name as a ``-<name>-`` segment (or
ends with ``-<name>``) belongs to that model (the longest such name wins, so ``nova-lite`` is
not ``nova``), and so do the per-model series of a stack-wide metric filter; everything else —
dashboards, composite alarms, log groups, keys — is shared, shown in its own column and
optionally split evenly over the models.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from llm_monitor.catalogue import APPLICATION as APPLICATION_DIMENSION
from llm_monitor.config.models import ModelSettings
from llm_monitor.preview.prices import PriceTable
from llm_monitor.resource_types import (
    COMPOSITE_ALARM,
    CONTRIBUTOR_RULE,
    DASHBOARD,
    DATA_PROTECTION,
    KMS_KEY,
    LOG_GROUP,
    METRIC_ALARM,
    METRIC_FILTER,
)

STANDARD_ALARMS = "Standard alarms"
HIGH_RESOLUTION_ALARMS = "High-resolution alarms"
ANOMALY_ALARMS = "Anomaly-detection alarms"
MATH_ALARMS = "Metric-math alarms"
COMPOSITE_ALARMS = "Composite alarms"
DASHBOARDS = "Dashboards"
CUSTOM_METRICS = "Custom metrics (metric filters)"
LOG_INGESTION = "Log ingestion"
LOG_STORAGE = "Log storage"
LOG_DATA_PROTECTION = "Log data protection"
LOGS_INSIGHTS = "Logs Insights (dashboard log widgets)"
CONTRIBUTOR_INSIGHTS = "Contributor Insights rules"
KMS_KEYS = "KMS keys"
FREE_TIER = "Free tier"
CATEGORIES = (
    STANDARD_ALARMS,
    HIGH_RESOLUTION_ALARMS,
    ANOMALY_ALARMS,
    MATH_ALARMS,
    COMPOSITE_ALARMS,
    DASHBOARDS,
    CUSTOM_METRICS,
    LOG_INGESTION,
    LOG_STORAGE,
    LOG_DATA_PROTECTION,
    LOGS_INSIGHTS,
    CONTRIBUTOR_INSIGHTS,
    KMS_KEYS,
)
ALARM_CATEGORIES = CATEGORIES[:5]

#: ``Estimate.total``'s "every model and the shared lines" (no model name can be ``*``).
ALL_MODELS = "*"
#: The key of the expected totals among the categories' (no category has this name).
EXPECTED = "(expected)"
#: The console's default time range, for a dashboard whose body sets no ``start``.
DEFAULT_WINDOW = "-PT3H"
_DURATION = re.compile(r"^-P(?:(\d+)([DWM]))?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


@dataclass(frozen=True)
class Traffic:
    """Expected Bedrock traffic of one model."""

    requests_per_day: float
    input_tokens: float
    """Per request."""
    output_tokens: float
    """Per request."""
    tiers: Mapping[str, float] = field(default_factory=dict)
    """Shares of the requests served by Reserved, Priority or Flex; the rest by Standard."""


@dataclass(frozen=True)
class Assumptions:
    """What the estimate cannot know from the program: volumes and usage."""

    tenants: int = 10
    """Distinct values of every metric-filter dimension other than the model's and the application's."""
    applications: int = 10
    """Distinct values of the ``Application`` dimension (applications writing the application log)."""
    dimension_values: Mapping[str, int] = field(default_factory=dict)
    """Distinct values of a named dimension, overriding ``tenants`` and ``applications``."""
    events_per_gb: float = 500_000
    """Log events in a GB of log data (records of about 2 KB), for Contributor Insights' matched
    events when no ``traffic`` says how many calls there are."""
    log_gb_per_month: float = 1.0
    """GB ingested per month into each log group..."""
    log_gb_by_group: Mapping[str, float] = field(default_factory=dict)
    """...unless the group's name has its own figure here."""
    dashboard_loads_per_day: float = 50
    """Loads of each dashboard per day (a tab auto-refreshing every 5 minutes is 288)."""
    unexpiring_log_months: float = 12
    """Months of data a log group without retention holds (it grows without bound)."""
    traffic: Mapping[str, Traffic] = field(default_factory=dict)
    """Bedrock traffic by model name; key ``*`` applies to every model without its own entry."""

    def log_gb(self, group: str) -> float:
        return self.log_gb_by_group.get(group, self.log_gb_per_month)

    def values_of(self, dimension: str) -> int:
        """Distinct values of a metric-filter dimension other than the model's."""
        default = self.applications if dimension == APPLICATION_DIMENSION else self.tenants
        return self.dimension_values.get(dimension, default)

    def requests_per_hour(self, models: Sequence[str]) -> float | None:
        """Calls an hour to these models by ``traffic``; None: no traffic given for one of them."""
        rates = [self.traffic_of(m) for m in models]
        if not rates or any(t is None for t in rates):
            return None
        return sum(t.requests_per_day for t in rates if t is not None) / 24

    def traffic_of(self, model: str) -> Traffic | None:
        return self.traffic.get(model, self.traffic.get("*"))

    def describe(self, prices: PriceTable, region: str) -> list[str]:
        """The assumptions in words, to print beside the figures."""
        per_group = "".join(f"; {name}: {gb:g} GB" for name, gb in sorted(self.log_gb_by_group.items()))
        named = "".join(f"; {name}: {n}" for name, n in sorted(self.dimension_values.items()))
        lines = [
            f"Prices: {prices.region} list prices in {prices.currency} taken {prices.taken}"
            + ("." if prices.region == region else f"; this stack is in {region}, where prices may differ."),
            f"A month is {prices.hours_per_month:g} hours ({prices.days_per_month:.2f} days).",
            f"Log volume: {self.log_gb_per_month:g} GB ingested per month into each log group{per_group}.",
            "Stored log data: steady state for each group's retention, no compression credit"
            f"; groups without retention: {self.unexpiring_log_months:g} months of data.",
            f"Metric-filter dimensions: {self.applications} applications, {self.tenants} distinct values of any other "
            f"(tenants){named}; a model dimension has one value per model, billed to that model. Worst case: every "
            "combination reports every hour. Expected (with --traffic): a series is billed for the hours in which "
            "it gets a call, the calls spread evenly over its combinations (error series counted like calls).",
            f"Contributor Insights: matched events are the calls --traffic gives, else {self.events_per_gb:,.0f} "
            "log events per GB of the rule's log group.",
            f"Dashboards: each is loaded {self.dashboard_loads_per_day:g} times a day, and every load runs each "
            "log widget's query over the dashboard's default time range.",
            "Free tier: per account and shared with everything else in it, so the total is shown without it; "
            "the credit line says what it would save if nothing else used it.",
        ]
        if self.traffic:
            profile = "; ".join(
                f"{name}: {t.requests_per_day:g} requests/day × {t.input_tokens:g} in + {t.output_tokens:g} out tokens"
                + "".join(f", {share:.0%} {tier}" for tier, share in sorted(t.tiers.items()))
                for name, t in sorted(self.traffic.items())
            )
            lines.append(
                f"Bedrock traffic ({profile}); token prices from the stack config, each service tier's requests "
                "at that tier's prices (a reservation's monthly fee is not included)."
            )
        return lines


@dataclass(frozen=True)
class Line:
    """One billed item: ``quantity`` × ``unit_price`` per month."""

    category: str
    item: str
    model: str | None
    """Model the item belongs to; None: shared by the stack."""
    quantity: float
    unit: str
    unit_price: float
    expected: float | None = None
    """Quantity expected from the traffic, when less than the worst case ``quantity``."""

    @property
    def monthly(self) -> float:
        return self.quantity * self.unit_price

    @property
    def expected_monthly(self) -> float:
        return (self.quantity if self.expected is None else self.expected) * self.unit_price


@dataclass(frozen=True)
class BedrockSpend:
    model: str
    traffic: Traffic
    monthly: float | None
    """None: the model has no input or output token price in the config."""


@dataclass(frozen=True)
class Estimate:
    """Every billed line, the free-tier credit, and the optional Bedrock spend."""

    models: tuple[str, ...]
    lines: tuple[Line, ...]
    free_tier: tuple[Line, ...]
    bedrock: tuple[BedrockSpend, ...]
    notes: tuple[str, ...]
    """Things the estimate could not price, in words."""
    per_tenant: float = 0.0
    """What one more tenant adds (expected): the custom metrics with a tenant-counted dimension."""

    def total(self, model: str | None = ALL_MODELS, category: str | None = None) -> float:
        """Sum of lines: of every model (default), one model, or the shared ones (None); optionally of one category."""
        return self._totals.get((model, category), 0.0)

    def expected(self, model: str | None = ALL_MODELS) -> float:
        """``total`` with the quantities expected from the traffic (the worst case where none is given)."""
        return self._totals.get((model, EXPECTED), 0.0)

    @cached_property
    def _totals(self) -> dict[tuple[str | None, str | None], float]:
        """Every (model or ALL_MODELS or None, category or None or EXPECTED) sum, in one pass over the
        lines: the report asks for one per model and category, which summing each time made quadratic."""
        totals: dict[tuple[str | None, str | None], float] = defaultdict(float)
        for line in self.lines:
            for model in (line.model, ALL_MODELS):
                for category in (line.category, None):
                    totals[model, category] += line.monthly
                totals[model, EXPECTED] += line.expected_monthly
        return dict(totals)

    @property
    def shared_share(self) -> float:
        """Each model's even share of the shared costs."""
        return self.total(None) / len(self.models) if self.models else 0.0

    @property
    def free_tier_credit(self) -> float:
        return sum(line.monthly for line in self.free_tier)

    def as_json(self) -> dict[str, Any]:
        return {
            "models": list(self.models),
            "lines": [
                {
                    "category": line.category,
                    "item": line.item,
                    "model": line.model,
                    "quantity": line.quantity,
                    "unit": line.unit,
                    "unitPrice": line.unit_price,
                    "monthly": line.monthly,
                }
                for line in self.lines
            ],
            "totals": {
                "byModel": {m: self.total(m) for m in self.models},
                "shared": self.total(None),
                "total": self.total(),
                "freeTierCredit": self.free_tier_credit,
            },
            "bedrock": [{"model": s.model, "monthly": s.monthly} for s in self.bedrock],
            "notes": list(self.notes),
        }

    @property
    def categories(self) -> list[str]:
        present = {line.category for line in self.lines}
        return [c for c in CATEGORIES if c in present]


def model_of(name: str, models: Iterable[str]) -> str | None:
    """The model whose name is a ``-``-delimited segment of ``name`` (the longest if several are).

    Looks up each run of whole segments of ``name`` in the set of names, so the work grows with
    the length of ``name``, not with the number of models (pass a set to avoid building one).
    """
    known = models if isinstance(models, frozenset | set) else frozenset(models)
    parts = name.split("-")
    runs = ("-".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1))
    return max((run for run in runs if run in known), key=len, default=None)


def window_days(start: str) -> float:
    """Length of a relative dashboard time range (``-PT12H``, ``-P7D``, ``-P1W``, ``-P3M``) in days."""
    match = _DURATION.fullmatch(start)
    if match is None:  # an absolute start: the console's default is as good a guess as any
        return window_days(DEFAULT_WINDOW)
    amount, unit, hours, minutes = match.groups()
    days = int(amount or 0) * {"D": 1, "W": 7, "M": 30.4}.get(unit or "D", 1)
    return days + int(hours or 0) / 24 + int(minutes or 0) / 1440


def _periods(inputs: dict[str, Any]) -> list[int]:
    """Periods set on the alarm or on any of its metric queries, in seconds."""
    periods = [inputs.get("period")]
    for query in inputs.get("metricQueries") or []:
        periods += [query.get("period"), (query.get("metric") or {}).get("period")]
    # Numbers arrive as floats: the engine's wire format (protobuf Struct) has no integers.
    return [int(p) for p in periods if isinstance(p, int | float) and p > 0]


def _metric_alarm(r: dict[str, Any], model: str | None, prices: PriceTable) -> Line:
    inputs = r["inputs"]
    queries = inputs.get("metricQueries") or []
    metrics = max(1, sum(1 for q in queries if q.get("metric"))) if queries else 1
    high_resolution = any(p < 60 for p in _periods(inputs))
    if inputs.get("thresholdMetricId"):
        category, metrics = ANOMALY_ALARMS, metrics * prices.anomaly_alarm_metrics
    elif queries:
        category = MATH_ALARMS
    else:
        category = HIGH_RESOLUTION_ALARMS if high_resolution else STANDARD_ALARMS
    price = prices.alarm_metric_high_resolution if high_resolution else prices.alarm_metric_standard
    unit = "high-resolution alarm metric" if high_resolution else "alarm metric"
    return Line(category, str(inputs.get("name") or r["name"]), model, metrics, unit, price)


def _is_model_dimension(name: str, field_ref: str) -> bool:
    return bool(re.search(r"model(id)?$", name, re.I) or re.search(r"model(id)?$", field_ref, re.I))


def _metric_filters(
    filters: Sequence[tuple[dict[str, Any], str | None]], models: Sequence[str], a: Assumptions, prices: PriceTable
) -> tuple[list[Line], float]:
    """The custom metrics' lines, and what one more tenant adds to them (expected)."""
    seen: set[tuple[Any, ...]] = set()
    lines: list[Line] = []
    per_tenant = 0.0
    for r, model in filters:
        transformations = r["inputs"].get("metricTransformation") or []
        for t in transformations if isinstance(transformations, list) else [transformations]:
            dimensions: dict[str, str] = dict(t.get("dimensions") or {})
            key = (t.get("namespace"), t.get("name"), tuple(sorted(dimensions.items())), model)
            if key in seen:  # the same series published by another filter is one metric
                continue
            seen.add(key)
            by_model = any(_is_model_dimension(dim, ref) for dim, ref in dimensions.items())
            # A stack-wide filter with a model dimension publishes each model's own series: bill them to it.
            owners: list[str | None] = list(models) if by_model and model is None and models else [model]
            counts = {
                dim: 1 if _is_model_dimension(dim, ref) else a.values_of(dim) for dim, ref in sorted(dimensions.items())
            }
            combos = math.prod(counts.values())
            by = " × ".join(f"{dim} {n}" for dim, n in counts.items())
            item = f"{t.get('namespace')}/{t.get('name')}" + (f" ({by})" if by else "")
            # Dimensions counted by --tenants: one more tenant is one more value of each.
            by_tenant = [
                dim
                for dim, ref in dimensions.items()
                if not _is_model_dimension(dim, ref) and dim != APPLICATION_DIMENSION and dim not in a.dimension_values
            ]
            for owner in owners:
                share = _active_share(a.requests_per_hour([owner] if owner else models), combos)
                expected = combos * share if share is not None else None
                lines.append(Line(CUSTOM_METRICS, item, owner, combos, "metric", prices.custom_metric, expected))
                per_tenant += len(by_tenant) * combos / a.tenants * prices.custom_metric * (share or 1.0)
    return lines, per_tenant


def _active_share(requests_per_hour: float | None, combos: int) -> float | None:
    """Share of the hours in which a series with ``combos`` siblings gets at least one call, the
    calls arriving at random (Poisson); None: no traffic given, so every hour (the worst case)."""
    if requests_per_hour is None:
        return None
    return 1 - math.exp(-requests_per_hour / combos)


def _contributor_rules(
    rules: Sequence[dict[str, Any]], models: Sequence[str], a: Assumptions, prices: PriceTable
) -> list[Line]:
    """Each rule's monthly fee and the log events it matches (every call, or the group's volume)."""
    lines = []
    requests = a.requests_per_hour(models)
    for r in rules:
        name = str(r["inputs"].get("ruleName") or r["name"])
        groups = json.loads(r["inputs"]["ruleDefinition"]).get("LogGroupNames", [])
        events = requests * prices.hours_per_month if requests is not None else None
        if events is None:
            events = sum(a.log_gb(g) * a.events_per_gb for g in groups)
        lines += [
            Line(CONTRIBUTOR_INSIGHTS, name, None, 1, "rule", prices.contributor_insights_rule),
            Line(
                CONTRIBUTOR_INSIGHTS,
                f"{name}: matched log events",
                None,
                events / 1e6,
                "million events",
                prices.contributor_insights_events_per_million,
            ),
        ]
    return lines


def log_sources(query: str) -> list[str]:
    """Log groups a Logs Insights query in a dashboard log widget names (``SOURCE 'name' | ...``)."""
    return re.findall(r"SOURCE\s+'([^']+)'", query)


def _log_widgets(body: dict[str, Any]) -> Iterable[tuple[str, list[str]]]:
    for widget in body.get("widgets", []):
        if widget.get("type") == "log":
            props = widget.get("properties", {})
            yield str(props.get("title", "log widget")), log_sources(str(props.get("query", "")))


def estimate(
    resources: Sequence[dict[str, Any]],
    models: Sequence[ModelSettings],
    assumptions: Assumptions,
    prices: PriceTable,
) -> Estimate:
    """Price every billable resource in ``resources`` (the entries of ``resources.json``)."""
    a = assumptions
    names = [m.name for m in models]
    known = frozenset(names)
    lines: list[Line] = []
    filters: list[tuple[dict[str, Any], str | None]] = []
    retention: dict[str, float] = {}
    notes: list[str] = []
    dashboards: list[dict[str, Any]] = []
    rules: list[dict[str, Any]] = []
    for r in resources:
        model, inputs = model_of(r["name"], known), r["inputs"]
        if r["type"] == METRIC_ALARM:
            lines.append(_metric_alarm(r, model, prices))
        elif r["type"] == COMPOSITE_ALARM:
            name = str(inputs.get("alarmName") or r["name"])
            lines.append(Line(COMPOSITE_ALARMS, name, model, 1, "composite alarm", prices.composite_alarm))
        elif r["type"] == DASHBOARD:
            dashboards.append(r)
            name = str(inputs.get("dashboardName") or r["name"])
            lines.append(Line(DASHBOARDS, name, None, 1, "dashboard", prices.dashboard))
        elif r["type"] == METRIC_FILTER:
            filters.append((r, model))
        elif r["type"] == CONTRIBUTOR_RULE:
            rules.append(r)
        elif r["type"] == LOG_GROUP:
            group = str(inputs.get("name") or r["name"])
            gb = a.log_gb(group)
            days = inputs.get("retentionInDays") or 0
            months = days / prices.days_per_month if days else a.unexpiring_log_months
            retention[group] = days or a.unexpiring_log_months * prices.days_per_month
            infrequent = inputs.get("logGroupClass") == "INFREQUENT_ACCESS"
            ingestion = prices.log_ingestion_infrequent_access if infrequent else prices.log_ingestion_standard
            kept = f"{days:g} days" if days else "no retention"
            lines.append(Line(LOG_INGESTION, group, model, gb, "GB", ingestion))
            lines.append(Line(LOG_STORAGE, f"{group} ({kept})", model, gb * months, "GB-month", prices.log_storage))
        elif r["type"] == DATA_PROTECTION:
            group = str(inputs.get("logGroupName"))
            gb = a.log_gb(group)
            lines.append(Line(LOG_DATA_PROTECTION, group, model, gb, "GB scanned", prices.log_data_protection))
        elif r["type"] == KMS_KEY:
            lines.append(Line(KMS_KEYS, r["name"], model, 1, "key", prices.kms_key))
    metric_lines, per_tenant = _metric_filters(filters, names, a, prices)
    lines += metric_lines + _contributor_rules(rules, names, a, prices)
    loads = a.dashboard_loads_per_day * prices.days_per_month
    for r in dashboards:
        body = json.loads(r["inputs"]["dashboardBody"])
        window = window_days(str(body.get("start", DEFAULT_WINDOW)))
        for title, groups in _log_widgets(body):
            if not groups:
                notes.append(f"Log widget {title!r} names no log group (SOURCE); its scans are not estimated.")
            per_load = sum(a.log_gb(g) / prices.days_per_month * min(window, retention.get(g, window)) for g in groups)
            item = f"{r['inputs']['dashboardName']}: {title}"
            lines.append(Line(LOGS_INSIGHTS, item, None, per_load * loads, "GB scanned", prices.logs_insights_scanned))
    lines.sort(key=lambda line: (CATEGORIES.index(line.category), line.model or "", line.item))
    free_tier = _free_tier(lines, dashboards, prices)
    if dashboards and not any(line.unit == "dashboard" for line in free_tier):
        limit = prices.free_tier.metrics_per_free_dashboard
        notes.append(f"No dashboard here is in the free tier: each has more than {limit} metrics.")
    return Estimate(
        models=tuple(names),
        lines=tuple(lines),
        free_tier=tuple(free_tier),
        bedrock=tuple(_bedrock(models, a, prices)),
        notes=tuple(notes),
        per_tenant=per_tenant,
    )


def _free_tier(lines: list[Line], dashboards: list[dict[str, Any]], prices: PriceTable) -> list[Line]:
    """Negative lines: what the account's free tier would take off if nothing else in it used it."""
    free = prices.free_tier

    def metrics_in(r: dict[str, Any]) -> int:
        body = json.loads(r["inputs"]["dashboardBody"])
        return sum(len(w.get("properties", {}).get("metrics", [])) for w in body.get("widgets", []))

    small_dashboards = sum(1 for r in dashboards if metrics_in(r) <= free.metrics_per_free_dashboard)
    standard_alarm_metrics = sum(
        line.quantity for line in lines if line.category in ALARM_CATEGORIES and line.unit == "alarm metric"
    )
    custom_metrics = sum(line.quantity for line in lines if line.category == CUSTOM_METRICS)
    ingested = sum(line.quantity for line in lines if line.category == LOG_INGESTION)
    credits = [
        (f"dashboards of ≤{free.metrics_per_free_dashboard} metrics", "dashboard", free.dashboards, small_dashboards),
        ("standard-resolution alarm metrics", "alarm metric", free.alarm_metrics, standard_alarm_metrics),
        ("custom metrics", "metric", free.custom_metrics, custom_metrics),
        ("GB of logs (taken off ingestion)", "GB", free.log_gb, ingested),
    ]
    unit_prices = [prices.dashboard, prices.alarm_metric_standard, prices.custom_metric, prices.log_ingestion_standard]
    return [
        Line(FREE_TIER, f"first {allowance:g} {what}", None, min(allowance, used), unit, -price)
        for (what, unit, allowance, used), price in zip(credits, unit_prices, strict=True)
        if min(allowance, used) > 0
    ]


def _bedrock(models: Sequence[ModelSettings], a: Assumptions, prices: PriceTable) -> list[BedrockSpend]:
    spend = []
    for m in models:
        traffic = a.traffic_of(m.name)
        if traffic is None:
            continue
        monthly = None
        if m.input_token_price is not None and m.output_token_price is not None:
            per_request = sum(
                share
                * (
                    traffic.input_tokens * _tier_price(m, tier, "input")
                    + traffic.output_tokens * _tier_price(m, tier, "output")
                )
                for tier, share in _tier_shares(m, traffic).items()
            )
            monthly = traffic.requests_per_day * prices.days_per_month * per_request / 1000
        spend.append(BedrockSpend(m.name, traffic, monthly))
    return spend


def _tier_shares(model: ModelSettings, traffic: Traffic) -> dict[str, float]:
    """Shares of the requests by serving tier: the traffic's, for tiers the model declares; Standard the rest."""
    shares = {t: v for t, v in traffic.tiers.items() if t in model.tiers and t != "default"}
    return {**shares, "default": max(0.0, 1 - sum(shares.values()))}


def _tier_price(model: ModelSettings, tier: str, kind: str) -> float:
    """USD per 1,000 tokens of ``kind`` served by ``tier`` (the Standard price without serviceTiers)."""
    standard = model.prices[kind]
    if model.service_tiers is None or tier == "default":
        return standard or 0.0
    return model.service_tiers.price(tier, kind, standard) or 0.0
