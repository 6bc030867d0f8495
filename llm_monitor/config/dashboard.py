"""``llm-monitor:dashboard``: how the CloudWatch dashboards are laid out and named."""

from __future__ import annotations

from pydantic import Field, field_validator

from llm_monitor.config.base import Section

# Relative start times the console accepts: -PT<n>M, -PT<n>H, -P<n>D, -P<n>W, -P<n>M.
START_PATTERN = r"^-P(T[1-9][0-9]*[HM]|[1-9][0-9]*[DWM])$"


class DashboardSettings(Section):
    """Dashboard options."""

    name_prefix: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,120}$")
    """Start of every dashboard name; default: the Pulumi project name."""
    period_seconds: int = Field(default=300, ge=60, le=86400)
    """Period of graphs (CloudWatch needs a multiple of 60)."""
    start: str = Field(default="-PT12H", pattern=START_PATTERN)
    """Default time range (ISO 8601 duration before now)."""
    account_overview: bool = True
    """Add the account-wide section (all models, including ones the config does not list)."""
    guardrails: bool = False
    """Add the AWS/Bedrock/Guardrails section."""
    max_models_per_dashboard: int | None = Field(default=None, ge=1, le=100)
    """Cap on model sections per dashboard; default: as many as CloudWatch's limits allow."""

    @field_validator("period_seconds")
    @classmethod
    def _multiple_of_60(cls, value: int) -> int:
        if value % 60:
            raise ValueError(f"{value} is not a multiple of 60; dashboard periods are whole minutes")
        return value
