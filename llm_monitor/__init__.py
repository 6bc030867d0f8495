"""llm-monitor: production CloudWatch monitoring for Amazon Bedrock, as a Pulumi component and program.

``from llm_monitor import BedrockMonitoring`` is the component (README, "Using the component"). It
is imported on first use, so the pure layer (``llm_monitor.config``, ``llm_monitor.plan``...) and
the offline tools never import Pulumi through this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"
"""The one place the version is written (pyproject.toml reads it; ``python -m llm_monitor --version``)."""

if TYPE_CHECKING:
    from llm_monitor.components.monitoring import BedrockMonitoring

__all__ = ["BedrockMonitoring", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "BedrockMonitoring":
        from llm_monitor.components.monitoring import BedrockMonitoring

        return BedrockMonitoring
    raise AttributeError(f"module 'llm_monitor' has no attribute {name!r}")
