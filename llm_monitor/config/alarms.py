"""``llm-monitor:alarms``: alarm thresholds (stack-wide defaults; per-model overrides)."""

from __future__ import annotations

from llm_monitor.config.base import Section


class AlarmSettings(Section):
    """Stack-wide alarm settings."""


class ModelAlarmOverrides(Section):
    """Per-model overrides of ``llm-monitor:alarms``."""
