"""llm-monitor: production CloudWatch monitoring for Amazon Bedrock, as a Pulumi program."""

__version__ = "0.2.0"
"""The one place the version is written (pyproject.toml reads it; ``python -m llm_monitor --version``)."""
