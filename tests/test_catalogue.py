"""The metric catalogue against the metrics AWS documents for Bedrock."""

from __future__ import annotations

import pytest
from botocore.loaders import Loader  # type: ignore[import-untyped]

from llm_monitor import catalogue as cat

# From the Bedrock user guide, "Runtime metrics" (monitoring-runtime-metrics.html), and the
# TTFT / quota announcement (Mar 2026). Written out here, independently of the catalogue, so a
# typo in either is caught.
DOCUMENTED_RUNTIME = {
    "Invocations": "Count",
    "InvocationLatency": "Milliseconds",
    "InvocationClientErrors": "Count",
    "InvocationServerErrors": "Count",
    "InvocationThrottles": "Count",
    "InputTokenCount": "Count",
    "OutputTokenCount": "Count",
    "CacheReadInputTokens": "Count",
    "CacheWriteInputTokens": "Count",
    "CacheReadInputTokenCount": "Count",
    "CacheWriteInputTokenCount": "Count",
    "OutputImageCount": "Count",
    "LegacyModelInvocations": "Count",
    "TimeToFirstToken": "Milliseconds",
    "EstimatedTPMQuotaUsage": "Count",
}
# Invocation-logging delivery metrics, "Across all model IDs" (same page).
DOCUMENTED_DELIVERY = [
    "ModelInvocationLogsCloudWatchDeliverySuccess",
    "ModelInvocationLogsCloudWatchDeliveryFailure",
    "ModelInvocationLogsS3DeliverySuccess",
    "ModelInvocationLogsS3DeliveryFailure",
    "ModelInvocationLargeDataS3DeliverySuccess",
    "ModelInvocationLargeDataS3DeliveryFailure",
]
DOCUMENTED_GUARDRAILS = {
    "Invocations",
    "InvocationLatency",
    "InvocationClientErrors",
    "InvocationServerErrors",
    "InvocationThrottles",
    "TextUnitCount",
    "InvocationsIntervened",
}


def test_every_documented_runtime_metric_is_catalogued_with_its_unit() -> None:
    catalogued = {m.name: m.unit for m in cat.RUNTIME_METRICS}
    assert catalogued == DOCUMENTED_RUNTIME


def test_runtime_metrics_live_in_aws_bedrock_and_are_published_by_model_id_and_by_service_tier() -> None:
    for metric in cat.RUNTIME_METRICS:
        assert metric.namespace == "AWS/Bedrock"
        if metric.name == "OutputImageCount":
            assert metric.dimension_sets == (("ModelId", "ImageSize", "BucketedStepSize"),)
        else:
            # service-tiers-inference.html: "view service tier metrics ... under ModelId, ServiceTier, and
            # ResolvedServiceTier"; the ModelId series (the total of every tier) stays.
            assert metric.dimension_sets == (("ModelId",), ("ModelId", "ServiceTier", "ResolvedServiceTier")), (
                metric.name
            )


def test_service_tier_values_are_the_runtime_apis_service_tier_types() -> None:
    # botocore bedrock-runtime ServiceTierType, read from the installed model.
    model = Loader().load_service_model("bedrock-runtime", "service-2")
    enum = model["shapes"]["ServiceTierType"]["enum"]
    assert sorted(cat.TIERS) == sorted(enum) == ["default", "flex", "priority", "reserved"]


def test_guardrail_metrics_are_catalogued_in_their_own_namespace() -> None:
    assert {m.name for m in cat.GUARDRAIL_METRICS} == DOCUMENTED_GUARDRAILS
    assert {m.namespace for m in cat.GUARDRAIL_METRICS} == {"AWS/Bedrock/Guardrails"}
    for metric in cat.GUARDRAIL_METRICS:
        assert metric.has_dimensions(("GuardrailArn", "GuardrailVersion"))
        assert not metric.has_dimensions(("ModelId",))


def test_delivery_metrics_carry_no_dimension() -> None:
    assert sorted(m.name for m in cat.DELIVERY_METRICS) == sorted(DOCUMENTED_DELIVERY)
    for metric in cat.DELIVERY_METRICS:
        assert metric.namespace == "AWS/Bedrock", metric.name
        assert metric.dimension_sets == ((),), metric.name


@pytest.mark.parametrize("metric", cat.ALL_METRICS, ids=lambda m: f"{m.namespace}/{m.name}")
def test_statistics_are_cloudwatch_statistics(metric: cat.Metric) -> None:
    allowed = {"SampleCount", "Average", "Sum", "Minimum", "Maximum"}
    for stat in metric.statistics:
        assert stat in allowed or (stat.startswith("p") and 0 < float(stat[1:]) < 100), stat
    assert metric.description


def test_latency_metrics_offer_the_percentiles_dashboards_use() -> None:
    for metric in (cat.INVOCATION_LATENCY, cat.TIME_TO_FIRST_TOKEN):
        assert {"p50", "p90", "p99", "Average"} <= set(metric.statistics)


def test_lookup_finds_by_namespace_and_name_and_rejects_unknown() -> None:
    assert cat.lookup("AWS/Bedrock/Guardrails", "Invocations") is cat.GUARDRAIL_INVOCATIONS
    assert cat.lookup("AWS/Bedrock", "Invocations") is cat.INVOCATIONS
    with pytest.raises(KeyError, match="InvocationCount"):
        cat.lookup("AWS/Bedrock", "InvocationCount")


def test_dimension_match_ignores_order_but_not_membership() -> None:
    assert cat.OUTPUT_IMAGE_COUNT.has_dimensions(["ImageSize", "ModelId", "BucketedStepSize"])
    assert not cat.OUTPUT_IMAGE_COUNT.has_dimensions(["ModelId"])


# Bedrock's other surfaces, written out from AWS's pages (sources in catalogue_surfaces.py), independently
# of the catalogue: {namespace: {metric: unit}}.
DOCUMENTED_SURFACES = {
    "AWS/Bedrock/Agents": {
        "InvocationCount": "Count",
        "TotalTime": "Milliseconds",
        "TTFT": "Milliseconds",
        "InvocationThrottles": "Count",
        "InvocationServerErrors": "Count",
        "InvocationClientErrors": "Count",
        "ModelLatency": "Milliseconds",
        "ModelInvocationCount": "Count",
        "ModelInvocationThrottles": "Count",
        "ModelInvocationClientErrors": "Count",
        "ModelInvocationServerErrors": "Count",
        "InputTokenCount": "Count",
        # The metric table's spelling and the dimension table's: both catalogued.
        "outputTokenCount": "Count",
        "OutputTokenCount": "Count",
    },
    "Bedrock-AgentCore": {
        "Invocations": "Count",
        "Sessions": "Count",
        "Throttles": "Count",
        "SystemErrors": "Count",
        "UserErrors": "Count",
        "Latency": "Milliseconds",
    },
    "AWS/Bedrock/KnowledgeBases": {
        "Invocations": "Count",
        "ClientErrors": "Count",
        "ServerErrors": "Count",
        "Throttles": "Count",
    },
    "AWS/Bedrock/Batch": {
        "NumberOfRecordsPendingProcessing": "Count",
        "NumberOfTokensPendingProcessing": "Count",
        "NumberOfInputTokensProcessedPerMinute": "Count",
        "NumberOfOutputTokensProcessedPerMinute": "Count",
    },
    "AWS/BedrockMantle": {
        "Inferences": "Count",
        "InferenceClientErrors": "Count",
        "TotalInputTokens": "Count",
        "TotalOutputTokens": "Count",
    },
    "AWS/Bedrock/Guardrails": {"FindingCounts": "Count", "TotalFindings": "Count", "Latency": "Milliseconds"},
}


def test_every_documented_surface_metric_is_catalogued_with_its_unit() -> None:
    from llm_monitor import catalogue_surfaces as sc

    catalogued: dict[str, dict[str, str]] = {}
    for metric in sc.SURFACE_METRICS:
        catalogued.setdefault(metric.namespace, {})[metric.name] = metric.unit
    assert catalogued == DOCUMENTED_SURFACES
    assert set(sc.AGENTCORE_NAMESPACES) == {"bedrock-agentcore", "Bedrock-AgentCore", "AWS/Bedrock-AgentCore"}


def test_surface_dimensions_are_the_documented_sets() -> None:
    from llm_monitor import catalogue_surfaces as sc

    assert sc.AGENT_INVOCATION_COUNT.dimension_sets == (("Operation",), ("Operation", "AgentAliasArn", "ModelId"))
    assert sc.AGENT_MODEL_LATENCY.has_dimensions(("Operation", "ModelId"))
    assert not sc.AGENT_TTFT.has_dimensions(("Operation", "ModelId"))
    for metric in sc.MANTLE_METRICS:
        assert metric.dimension_sets == ((), ("Project",), ("Model",), ("Model", "Project"))
        assert not metric.has_dimensions(("ModelId",))
    for metric in sc.BATCH_METRICS:
        assert metric.dimension_sets == (("ModelId",),)
    # Automated-reasoning checks count under the guardrails' own Invocations, per policy.
    assert cat.GUARDRAIL_INVOCATIONS.has_dimensions(("PolicyArn", "PolicyVersion"))
