"""CloudWatch (and KMS) list prices the cost estimate uses: data, with the Region and date they were taken for.

The table ships as ``cloudwatch-prices-us-east-1.json`` beside this module; ``--prices FILE`` loads
another one of the same shape (for another Region, or after AWS changes its prices).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import Field, ValidationError

from llm_monitor.config.base import Section

DEFAULT_FILE = Path(__file__).with_name("cloudwatch-prices-us-east-1.json")


class FreeTier(Section):
    """The always-free monthly allowance, per account (shared by everything in it)."""

    dashboards: int = Field(ge=0)
    metrics_per_free_dashboard: int = Field(ge=0)
    alarm_metrics: int = Field(ge=0)
    """Standard-resolution alarm metrics only."""
    custom_metrics: int = Field(ge=0)
    log_gb: float = Field(ge=0)
    """Shared by log ingestion, storage and Logs Insights scans."""


class PriceTable(Section):
    """USD list prices; every amount is per month unless its name says otherwise."""

    region: str
    taken: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    """Date (ISO) the prices were taken."""
    currency: str
    sources: list[str]
    notes: list[str]
    hours_per_month: float = Field(gt=0)
    """AWS bills alarms, metrics and dashboards hourly and calls 730 hours a month."""
    alarm_metric_standard: float = Field(ge=0)
    alarm_metric_high_resolution: float = Field(ge=0)
    anomaly_alarm_metrics: int = Field(ge=1)
    """Alarm metrics an anomaly-detection alarm is billed as, per metric it watches."""
    composite_alarm: float = Field(ge=0)
    dashboard: float = Field(ge=0)
    custom_metric: float = Field(ge=0)
    log_ingestion_standard: float = Field(ge=0)
    """Per GB ingested (Standard log class)."""
    log_ingestion_infrequent_access: float = Field(ge=0)
    """Per GB ingested (Infrequent Access log class)."""
    log_storage: float = Field(ge=0)
    """Per GB-month stored."""
    logs_insights_scanned: float = Field(ge=0)
    """Per GB scanned by Logs Insights queries."""
    log_data_protection: float = Field(ge=0)
    """Per GB ingested into a log group with a data-protection policy."""
    kms_key: float = Field(ge=0)
    """Per customer-managed key."""
    contributor_insights_rule: float = Field(default=0.50, ge=0)
    """Per Contributor Insights rule and month (us-east-1's list price when a table omits it)."""
    contributor_insights_events_per_million: float = Field(default=0.02, ge=0)
    """Per million log events a rule matches (us-east-1's list price when a table omits it)."""
    free_tier: FreeTier

    @property
    def days_per_month(self) -> float:
        return self.hours_per_month / 24


class PriceError(Exception):
    """The price file is missing or malformed."""


def load(path: Path = DEFAULT_FILE) -> PriceTable:
    try:
        return PriceTable.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise PriceError(f"cannot read the price table {path}: {exc.strerror or exc}") from None
    except ValueError as exc:  # JSONDecodeError and ValidationError are both ValueErrors
        details = (
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            if isinstance(exc, ValidationError)
            else str(exc)
        )
        raise PriceError(f"{path} is not a valid price table: {details}") from None
