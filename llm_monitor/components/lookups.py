"""Deploy-time reads: live quota values (Service Quotas) and the models behind application inference profiles.

- ``quota_values``: ``aws.servicequotas.get_service_quota_output(service_code="bedrock", quota_code=…)``
  (GetServiceQuota) for each quota given by code; its ``value`` replaces the placeholder, the typed
  number when the read gives 0 (new accounts can show 0 before AWS assigns their quotas, and a
  quota of 0 would divide by zero) or when there is no code. Not ``SERVICE_QUOTA()`` in metric
  math: it reads only ``AWS/Usage`` metrics linked to a quota, and Bedrock publishes none.
- ``resolve_profiles``: ``aws.bedrock.get_inference_profile`` (GetInferenceProfile) for every
  existing application inference profile whose model the config does not state. The model decides
  which graphs and prices the model gets, so it is read before the plan is built (a plain invoke:
  it runs in ``pulumi preview`` too, and the preview's mocks answer it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from llm_monitor.config import NAMESPACE, ConfigError, Problem, Settings
from llm_monitor.config.profiles import profile_model
from llm_monitor.deployvalues import SERVICE_CODE, QuotaLookup


def quota_values(
    lookups: Sequence[QuotaLookup], opts: pulumi.InvokeOutputOptions
) -> dict[tuple[str, str], pulumi.Output[float]]:
    values: dict[tuple[str, str], pulumi.Output[float]] = {}
    for lookup in lookups:
        if lookup.code is None:
            values[(lookup.model, lookup.kind)] = pulumi.Output.from_input(float(lookup.fallback or 0))
            continue
        read = aws.servicequotas.get_service_quota_output(
            service_code=SERVICE_CODE,
            quota_code=lookup.code,
            opts=opts,
        )

        def value(live: float | None, fallback: float | None = lookup.fallback, scale: int = lookup.scale) -> float:
            return float(live) * scale if live else float(fallback or 0)

        values[(lookup.model, lookup.kind)] = read.value.apply(value)
    return values


def _model_arn(entry: Any) -> str:
    if isinstance(entry, dict):
        return str(entry.get("model_arn") or entry.get("modelArn") or "")
    return str(getattr(entry, "model_arn", ""))


def resolve_profiles(settings: Settings, opts: pulumi.InvokeOptions) -> Settings:
    """The settings with the model behind each looked-up application inference profile filled in."""
    resolved: dict[str, tuple[str, str]] = {}
    problems = []
    for index, model in enumerate(settings.models):
        profile = model.application_inference_profile
        if profile is None or profile.identifier is None or profile.model is not None:
            continue
        found = aws.bedrock.get_inference_profile(inference_profile_id=profile.identifier, opts=opts)
        try:
            resolved[model.name] = profile_model([_model_arn(m) for m in found.models or []])
        except ValueError as exc:
            path = f"{NAMESPACE}:models[{index}].applicationInferenceProfile"
            problems.append(Problem(path, f"GetInferenceProfile({profile.identifier}): {exc}; state its model"))
    if problems:
        raise pulumi.RunError(str(ConfigError(problems)))
    return settings.with_profiles(resolved)
