"""What the cost estimate cannot know from the program, and assumes: volumes, dimension counts,
dashboard loads and (optionally) Bedrock traffic. Printed beside the figures (``describe``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from llm_monitor.catalogue import APPLICATION as APPLICATION_DIMENSION
from llm_monitor.preview.prices import PriceTable


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
