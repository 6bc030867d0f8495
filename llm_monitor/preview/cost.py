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
  configured model's own series, billed to that model; ``Application`` has ``applications``
  values, every other dimension ``tenants``, unless ``dimension_values`` names it. ``monthly``
  is the worst case (every combination every hour); ``expected_monthly``, with traffic, bills a
  series for the share of hours in which it gets a call (a combination with no data in an hour
  is not billed for that hour).
- A Contributor Insights rule: a monthly fee, plus the log events it matches.
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from llm_monitor.catalogue import APPLICATION as APPLICATION_DIMENSION
from llm_monitor.config.models import ModelSettings

# cost.Assumptions and cost.Traffic: the estimate's inputs, re-exported for its callers.
from llm_monitor.preview.assumptions import Assumptions as Assumptions
from llm_monitor.preview.assumptions import Traffic as Traffic
from llm_monitor.preview.prices import PriceTable
from llm_monitor.preview.spend import BedrockSpend, bedrock_spend
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
                    "expectedMonthly": line.expected_monthly,
                }
                for line in self.lines
            ],
            "totals": {
                "byModel": {m: self.total(m) for m in self.models},
                "shared": self.total(None),
                "total": self.total(),
                "expected": self.expected(),
                "expectedByModel": {m: self.expected(m) for m in self.models},
                "oneMoreTenant": self.per_tenant,
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
        bedrock=tuple(bedrock_spend(models, a, prices)),
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
