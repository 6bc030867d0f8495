"""Stack configuration: parsed, validated settings with no Pulumi dependency."""

from llm_monitor.config.errors import ConfigError, LimitError, Problem
from llm_monitor.config.root import NAMESPACE, Settings, parse_settings

__all__ = ["NAMESPACE", "ConfigError", "LimitError", "Problem", "Settings", "parse_settings"]
