"""``llm-monitor:logs``: invocation and application log groups, logging and metric filters."""

from __future__ import annotations

from llm_monitor.config.base import Section


class LogSettings(Section):
    """Log settings."""
