"""The config values the program keeps secret when Pulumi marks their key secret (pure).

Pulumi marks a whole top-level key secret when a value anywhere inside it is (``pulumi config set
--secret --path``); the program cannot tell which. ``BedrockMonitoring`` keeps these values secret
in every resource input that carries them (``llm_monitor.components._secrecy``); every other value
becomes part of names, dashboards or alarm definitions, which the state stores as they are, and the
preview says so when such a value is a secret.
"""

from __future__ import annotations

import re

from llm_monitor.config.root import NAMESPACE

#: Key paths (list indexes and tag keys as ``*``) whose values stay secret.
KEPT_SECRET = (
    "notifications.emails[*]",
    "notifications.httpsEndpoints[*]",
    "notifications.topicArns[*]",
    "tags.*",
    "logs.invocationLogging.largeDataS3.bucketName",
    "logs.invocationLogging.largeDataS3.keyPrefix",
)
_PATTERNS = [
    re.compile(re.escape(f"{NAMESPACE}:{p}").replace(r"\[\*\]", r"\[\d+\]").replace(r"\*", r"[^.\[\]]+") + "$")
    for p in KEPT_SECRET
]


def kept_secret(path: str) -> bool:
    """Whether the value at ``path`` (``llm-monitor:notifications.emails[1]``) stays secret."""
    return any(p.match(path) for p in _PATTERNS)
