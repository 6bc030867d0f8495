"""The component package's schema, as the plugin (provider/__main__.py) serves it to other languages.

Generated offline the way ``component_provider_host`` generates it (the SDK's analyzer, through
``ComponentProvider``) and compared with the committed provider/schema.json, so a change to the
arguments or outputs shows in review as a change of the schema other languages see.
"""

from __future__ import annotations

import json
import runpy
from typing import Any

import pytest
import yaml

import llm_monitor
from llm_monitor.components.monitoring import BedrockMonitoring
from llm_monitor.components.package import COMPONENTS, NAME, component_schema
from llm_monitor.config.root import SECTIONS
from tests.program import ROOT

TOKEN = "llm-monitor:index:BedrockMonitoring"
REGENERATE = "venv/bin/python -m llm_monitor schema > provider/schema.json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return component_schema()


def test_the_committed_schema_is_the_generated_one(schema: dict[str, Any]) -> None:
    committed = json.loads((ROOT / "provider" / "schema.json").read_text())
    assert committed == schema, f"provider/schema.json is out of date; regenerate it: {REGENERATE}"


def test_the_plugin_hosts_the_component_under_the_package_name() -> None:
    plugin = yaml.safe_load((ROOT / "PulumiPlugin.yaml").read_text())
    assert plugin["runtime"]["name"] == "python"
    entry = ROOT / plugin["main"] / "__main__.py"
    hosted = runpy.run_path(str(entry), run_name="not-main")  # not __main__: nothing is served
    assert hosted["COMPONENTS"] == [BedrockMonitoring] == COMPONENTS
    assert hosted["NAME"] == NAME == TOKEN.split(":")[0]
    assert "component_provider_host(components=COMPONENTS, name=NAME, version=__version__)" in entry.read_text()


def test_the_component_takes_every_config_section_and_gives_the_stack_outputs(schema: dict[str, Any]) -> None:
    assert schema["name"] == NAME
    assert schema["version"] == llm_monitor.__version__
    assert list(schema["resources"]) == [TOKEN]
    component = schema["resources"][TOKEN]
    assert component["isComponent"] is True
    assert set(component["inputProperties"]) == {"region", *SECTIONS}  # the config keys, camelCase
    assert component["requiredInputs"] == ["models"]
    assert set(component["properties"]) == {
        "dashboardNames",
        "dashboardUrls",
        "logGroupNames",
        "logsKmsKeyArn",
        "alarmTopicArn",
        "alarmNames",
        "sinkArn",  # a monitoring stack's OAM sink (the estate)
    }
    urls = component["properties"]["dashboardUrls"]
    assert (urls["type"], urls["items"]["type"]) == ("array", "string")
    assert urls["description"] == "CloudWatch console links to the dashboards, in page order."
    assert set(component["required"]) == {"dashboardNames", "dashboardUrls", "logGroupNames", "alarmNames"}


def test_arguments_are_plain_typed_objects_and_enums(schema: dict[str, Any]) -> None:
    component = schema["resources"][TOKEN]
    # Every argument decides which resources exist: plain values, known when the component is built.
    assert all(p.get("plain") for p in component["inputProperties"].values())
    models = component["inputProperties"]["models"]
    assert models["items"]["$ref"] == "#/types/llm-monitor:index:ModelArgs"
    model = schema["types"]["llm-monitor:index:ModelArgs"]
    assert "required" not in model  # id may come from applicationInferenceProfile, name from label
    assert {"label", "name", "id", "inputTokenPrice", "outputTokenPrice", "alarms"} <= set(model["properties"])
    assert model["properties"]["inputTokenPrice"]["type"] == "number"
    assert model["properties"]["tokensPerMinuteQuota"]["type"] == "integer"
    part = schema["types"]["llm-monitor:index:Part"]
    assert part["type"] == "string"
    assert [e["value"] for e in part["enum"]] == ["dashboards", "alarms", "logs"]
    urgency = schema["types"]["llm-monitor:index:Urgency"]
    assert [e["value"] for e in urgency["enum"]] == ["page", "notify"]
    widget = schema["types"]["llm-monitor:index:WidgetArgs"]
    assert widget["properties"]["properties"]["additionalProperties"]["$ref"] == "pulumi.json#/Any"
    # Documented for other languages' SDKs: the component, its arguments and the types.
    assert component["description"].startswith("CloudWatch monitoring for Amazon Bedrock models")
    assert model["properties"]["label"]["description"].startswith("Free text shown on the dashboards")
