"""``llm-monitor:dashboard``: how the CloudWatch dashboards are laid out and named."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, field_validator

from llm_monitor.config.base import Section

# Relative start times the console accepts: -PT<n>M, -PT<n>H, -P<n>D, -P<n>W, -P<n>M.
START_PATTERN = r"^-P(T[1-9][0-9]*[HM]|[1-9][0-9]*[DWM])$"


#: Widget types a dashboard body takes that need no other AWS resource (the body reference's ``type``).
WidgetType = Literal["metric", "text", "log", "alarm"]


class WidgetSettings(Section):
    """A widget of your own, as the dashboard body reference writes one, without ``x`` and ``y``.

    Placed on the first dashboard in a section of their own, left to right in rows of 24 columns.
    Metric and log widgets without a ``region`` get the stack's.
    """

    type: WidgetType
    """``metric``, ``text``, ``log`` or ``alarm``."""
    width: int = Field(default=6, ge=1, le=24)
    """Columns of the 24-column grid."""
    height: int = Field(default=6, ge=1, le=1000)
    """Rows of the grid."""
    properties: dict[str, Any]
    """The widget's ``properties`` (``metrics``, ``view``, ``title``, ``markdown``...), as JSON."""

    @field_validator("properties")
    @classmethod
    def _json(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"must be JSON (strings, numbers, booleans, lists, objects): {exc}") from None
        return value


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
    models_first: bool = False
    """Put the model sections first, the stack-wide sections (alarm status, account overview, logs,
    guardrails, your widgets) after them. Default: stack-wide first (README, "Layout")."""
    widgets: list[WidgetSettings] = Field(default_factory=list, max_length=100)
    """Widgets of your own (e.g. a single-value tile of every model's server errors)."""

    @field_validator("period_seconds")
    @classmethod
    def _multiple_of_60(cls, value: int) -> int:
        if value % 60:
            raise ValueError(f"{value} is not a multiple of 60; dashboard periods are whole minutes")
        return value
