"""Config validation: every problem reported at once, each with its key path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_monitor.config import parse_settings
from llm_monitor.config.base import Section
from llm_monitor.config.models import check_model_id
from llm_monitor.config.root import SECTIONS
from llm_monitor.preview.stackconfig import project_defaults, read_yaml
from tests.program import ROOT, config_problems, fixture_config

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def raw(models: Any, **extra: Any) -> dict[str, Any]:
    return {"aws:region": "us-east-1", "llm-monitor:models": models, **extra}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_files_are_valid(stack: str) -> None:
    settings = parse_settings(fixture_config(stack))
    assert len(settings.models) >= (2 if stack == "dev" else 4)


def test_pulumi_passes_structured_values_as_json_text() -> None:
    as_text = {k: json.dumps(v) if not isinstance(v, str) else v for k, v in fixture_config("prod").items()}
    assert parse_settings(as_text) == parse_settings(fixture_config("prod"))


def test_prices_and_quota_are_read_in_camel_case() -> None:
    model = {"name": "m", "id": HAIKU, "inputTokenPrice": 0.00025, "outputTokenPrice": 0.00125}
    model |= {"cacheReadTokenPrice": 0.00003, "cacheWriteTokenPrice": 0.0003, "tokensPerMinuteQuota": 400000}
    (parsed,) = parse_settings(raw([model])).models
    assert parsed.prices == {"input": 0.00025, "output": 0.00125, "cacheRead": 0.00003, "cacheWrite": 0.0003}
    assert parsed.tokens_per_minute_quota == 400000


@pytest.mark.parametrize(
    "model_id",
    [
        HAIKU,
        "amazon.titan-text-express-v1",
        "meta.llama3-1-70b-instruct-v1:0",
        "anthropic.claude-3-sonnet-20240229-v1:0:28k",
        "us.amazon.nova-lite-v1:0",
        "eu.anthropic.claude-3-7-sonnet-20250219-v1:0",
        "apac.anthropic.claude-3-5-sonnet-20240620-v1:0",
        "us-gov.anthropic.claude-3-haiku-20240307-v1:0",
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "k3x9q2m7v4hz",
    ],
)
def test_ids_bedrock_publishes_as_model_id_are_accepted(model_id: str) -> None:
    assert check_model_id(model_id) == model_id


@pytest.mark.parametrize(
    ("model_id", "hint"),
    [
        (f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}", f"use the ID '{HAIKU}'"),
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0",
            "'us.amazon.nova-lite-v1:0'",
        ),
        ("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/k3x9q2m7v4hz", "'k3x9q2m7v4hz'"),
        ("Claude 3 Haiku", "not a value Bedrock publishes"),
        ("anthropic", "not a value Bedrock publishes"),
    ],
)
def test_ids_bedrock_never_publishes_are_rejected_with_a_hint(model_id: str, hint: str) -> None:
    found = config_problems(raw([{"name": "m", "id": model_id}]))
    assert list(found) == ["llm-monitor:models[0].id"]
    assert hint in found["llm-monitor:models[0].id"]


def test_all_problems_are_reported_together_with_key_paths() -> None:
    models = [
        {"name": "a", "id": HAIKU, "inputTokenPric": 0.1},
        {"name": "a", "id": HAIKU, "outputTokenPrice": -1},
        {"id": "amazon.nova-lite-v1:0", "tokensPerMinuteQuota": "lots"},
        "not-an-object",
    ]
    found = config_problems(raw(models, **{"llm-monitor:dashbord": {}}))
    assert set(found) == {
        "llm-monitor:models[0].inputTokenPric",
        "llm-monitor:models[1].name",
        "llm-monitor:models[1].id",
        "llm-monitor:models[1].outputTokenPrice",
        "llm-monitor:models[2].name",
        "llm-monitor:models[2].tokensPerMinuteQuota",
        "llm-monitor:models[3]",
        "llm-monitor:dashbord",
    }
    assert "did you mean 'inputTokenPrice'" in found["llm-monitor:models[0].inputTokenPric"]
    assert "did you mean 'dashboard'" in found["llm-monitor:dashbord"]
    assert "duplicate name 'a' (also models[0])" in found["llm-monitor:models[1].name"]
    assert "duplicate id" in found["llm-monitor:models[1].id"]
    assert "greater than or equal to 0" in found["llm-monitor:models[1].outputTokenPrice"]
    assert "required: a short name" in found["llm-monitor:models[2].name"]  # or a label to derive it from


def test_models_are_required_and_must_be_a_list() -> None:
    assert "required" in config_problems({"aws:region": "us-east-1"})["llm-monitor:models"]
    assert "list" in config_problems(raw({"name": "a"}))["llm-monitor:models"]


def test_region_must_be_set() -> None:
    found = config_problems({"llm-monitor:models": [{"name": "a", "id": HAIKU}]})
    assert "pulumi config set aws:region" in found["aws:region"]


@pytest.mark.parametrize(
    ("dashboard", "path"),
    [
        ({"periodSeconds": 90}, "llm-monitor:dashboard.periodSeconds"),
        ({"periodSeconds": 30}, "llm-monitor:dashboard.periodSeconds"),
        ({"start": "yesterday"}, "llm-monitor:dashboard.start"),
        ({"namePrefix": "has space"}, "llm-monitor:dashboard.namePrefix"),
        ({"guardrails": "yes"}, "llm-monitor:dashboard.guardrails"),
        ({"maxModelsPerDashboard": 0}, "llm-monitor:dashboard.maxModelsPerDashboard"),
    ],
)
def test_dashboard_options_are_validated(dashboard: dict[str, Any], path: str) -> None:
    found = config_problems(raw([{"name": "a", "id": HAIKU}], **{"llm-monitor:dashboard": dashboard}))
    assert list(found) == [path]


def test_model_names_must_be_usable_in_resource_names() -> None:
    found = config_problems(raw([{"name": "my model!", "id": HAIKU}]))
    assert "llm-monitor:models[0].name" in found


def test_tags_reject_reserved_prefix() -> None:
    found = config_problems(raw([{"name": "a", "id": HAIKU}], **{"llm-monitor:tags": {"aws:owner": "x"}}))
    assert "starting with 'aws:' (in any case) are reserved" in found["llm-monitor:tags.aws:owner"]


def test_project_defaults_in_pulumi_yaml_match_the_program_defaults() -> None:
    # Pulumi.yaml declares defaults for the CLI; the program has its own for omitted fields.
    # They must agree, or a stack that sets part of an object would silently change the rest.
    defaults = project_defaults(read_yaml(ROOT / "Pulumi.yaml"), "llm-monitor")
    assert defaults, "Pulumi.yaml declares no defaults"
    for key, value in defaults.items():
        section = SECTIONS[key.removeprefix("llm-monitor:")]
        if isinstance(section, type) and issubclass(section, Section):
            assert section.model_validate(value) == section(), key


# --- an empty model list ------------------------------------------------------------------------


def test_an_empty_model_list_is_a_mistake_unless_the_stack_is_account_wide_only() -> None:
    found = config_problems(raw([]))
    assert list(found) == ["llm-monitor:models"]
    assert "watch no model" in found["llm-monitor:models"]
    assert "llm-monitor:accountWideOnly: true" in found["llm-monitor:models"]
    settings = parse_settings(raw([], **{"llm-monitor:accountWideOnly": True}))
    assert settings.models == ()
    assert settings.account_wide_only is True
    # As the engine passes it: JSON text.
    assert parse_settings(raw("[]", **{"llm-monitor:accountWideOnly": "true"})).account_wide_only is True


def test_account_wide_only_lists_no_models_and_keeps_the_account_overview() -> None:
    listed = config_problems(raw([{"name": "a", "id": HAIKU}], **{"llm-monitor:accountWideOnly": True}))
    assert "models lists 1" in listed["llm-monitor:accountWideOnly"]
    hidden = config_problems(
        raw([], **{"llm-monitor:accountWideOnly": True, "llm-monitor:dashboard": {"accountOverview": False}})
    )
    assert "accountOverview is false" in hidden["llm-monitor:accountWideOnly"]


@pytest.mark.parametrize("value", ["yes", 1, "True"])
def test_account_wide_only_is_a_strict_boolean(value: Any) -> None:
    found = config_problems(raw([], **{"llm-monitor:accountWideOnly": value}))
    assert "llm-monitor:accountWideOnly" in found
    # The model list is judged once the switch is readable; a wrong switch is the one thing reported.
    assert list(found) == ["llm-monitor:accountWideOnly"]
