"""The Pulumi side of ``llm_monitor.deployvalues``: placeholders replaced by values known at deploy time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from llm_monitor.deployvalues import TOKEN, substitute


@dataclass(frozen=True)
class DeployValues:
    """What the placeholders stand for: quotas by (model, ``tpm``/``tpd``), created profiles' IDs by model."""

    quotas: Mapping[tuple[str, str], pulumi.Output[float]] = field(default_factory=dict)
    profiles: Mapping[str, pulumi.Output[str]] = field(default_factory=dict)


def resolve_text(text: str, values: DeployValues) -> pulumi.Input[str]:
    """``text`` with its placeholders replaced (the text itself when it holds none)."""
    matches = list(TOKEN.finditer(text))
    if not matches:
        return text
    quota_keys = sorted({(m.group("model"), m.group("kind")) for m in matches if m.group("model")} & set(values.quotas))
    names = sorted({m.group("profile") for m in matches if m.group("profile")} & set(values.profiles))
    outputs = [values.quotas[k] for k in quota_keys] + [values.profiles[n] for n in names]

    def fill(resolved: list[Any]) -> str:
        quotas = dict(zip(quota_keys, resolved[: len(quota_keys)], strict=True))
        profiles = dict(zip(names, resolved[len(quota_keys) :], strict=True))
        return substitute(text, lambda model, kind: quotas.get((model, kind)), profiles.get)

    return pulumi.Output.all(*outputs).apply(fill)


def resolve_inputs(value: Any, values: DeployValues) -> Any:
    """Resource inputs (nested dicts and lists) with every string's placeholders replaced."""
    if isinstance(value, str):
        return resolve_text(value, values)
    if isinstance(value, dict):
        return {k: resolve_inputs(v, values) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [resolve_inputs(v, values) for v in value]
    return value
