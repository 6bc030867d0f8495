"""The component package other Pulumi languages use: its name, its one component and its schema.

provider/__main__.py hosts ``COMPONENTS`` with the SDK's ``component_provider_host``, which infers
the schema from the type annotations; ``component_schema`` builds the same schema the same way
(``ComponentProvider``), offline: ``python -m llm_monitor schema`` prints it (provider/schema.json).
"""

from __future__ import annotations

import json
from typing import Any

import pulumi

from llm_monitor import __version__
from llm_monitor.components.monitoring import BedrockMonitoring

NAME = "llm-monitor"
"""The package name: the first part of the type token ``llm-monitor:index:BedrockMonitoring``."""
COMPONENTS: list[type[pulumi.ComponentResource]] = [BedrockMonitoring]


def component_schema() -> dict[str, Any]:
    """The package schema the plugin serves, as ``component_provider_host`` infers it."""
    from pulumi.provider.experimental.component import ComponentProvider

    provider = ComponentProvider(COMPONENTS, NAME, None, __version__)
    return dict(json.loads(provider.schema or "{}"))
