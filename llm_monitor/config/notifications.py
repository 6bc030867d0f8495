"""``llm-monitor:notifications``: where alarm notifications go."""

from __future__ import annotations

from llm_monitor.config.base import Section


class NotificationSettings(Section):
    """Notification endpoints."""
