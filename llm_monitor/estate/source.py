"""A source stack as its monitoring stack sees it (read from its ``estateSource`` output)."""

from __future__ import annotations

from dataclasses import dataclass

from llm_monitor.config.models import ModelSettings


@dataclass(frozen=True)
class Source:
    """One source stack as its monitoring stack sees it."""

    stack: str
    """The stack reference the monitoring stack names (``estate.sourceStacks``)."""
    account: str
    region: str
    models: tuple[ModelSettings, ...]
    log_groups: tuple[str, ...] = ()
