"""The whole program with every surface turned on (``llm-monitor:surfaces``): what it registers meets the
dashboard schema, the catalogue, the AWS API models and the provider's input types."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_monitor import resource_types as rt
from tests import aws_constraints as ac
from tests import provider_types as pt
from tests.program import Preview, preview, stack_config
from tests.test_dashboard_schema import catalogue_problems
from tests.test_surfaces import EVERYTHING


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    config = stack_config("prod")
    config["llm-monitor:surfaces"] = EVERYTHING | {"agentCore": {"enabled": True, "namespace": "AWS/Bedrock-AgentCore"}}
    return preview(Path(tmp_path_factory.mktemp("surfaces")), "surfaces", config)


def test_every_surface_reaches_the_dashboard(everything: Preview) -> None:
    text = json.dumps(everything.dashboard_bodies())
    for namespace in (
        "AWS/Bedrock/Agents",
        "AWS/Bedrock-AgentCore",
        "AWS/Bedrock/KnowledgeBases",
        "AWS/Bedrock/Batch",
        "AWS/BedrockMantle",
        "GuardrailPolicyType",
    ):
        assert namespace in text, namespace


def test_dashboards_match_the_schema_and_the_grid(everything: Preview) -> None:
    problems = [
        f"{name}{p}"
        for name, body in everything.dashboard_bodies().items()
        for p in ac.schema_errors(body) + ac.layout_errors(body)
    ]
    assert problems == [], "\n".join(problems)


def test_every_metric_read_is_catalogued(everything: Preview) -> None:
    assert catalogue_problems(everything.resources) == []


def test_every_resource_meets_the_api_models_and_the_sdk_types(everything: Preview) -> None:
    aws = [r for r in everything.resources if r["type"].startswith("aws:")]
    problems = [p for r in aws for p in ac.violations(r)] + [p for r in everything.resources for p in pt.problems(r)]
    assert problems == [], "\n".join(problems)


def test_the_surface_alarms_are_registered_with_their_rollup(everything: Preview) -> None:
    names = {r["inputs"]["name"] for r in everything.of_type(rt.METRIC_ALARM)}
    prefix = "llm-monitor-surfaces-eu-west-1"
    assert {
        f"{prefix}/guardrails-errors",
        f"{prefix}/guardrails-latency",
        f"{prefix}/guardrails-intervention-rate",
    } <= names
    assert f"{prefix}/batch-anthropic-claude-3-haiku-20240307-v1-0-stalled" in names
    rollup = next(
        r for r in everything.of_type(rt.COMPOSITE_ALARM) if r["inputs"]["alarmName"] == f"{prefix}/guardrails-health"
    )
    assert rollup["inputs"]["alarmRule"] == f'ALARM("{prefix}/guardrails-errors")'
