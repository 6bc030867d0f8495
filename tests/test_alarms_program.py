"""Alarms and notifications in the whole program, run under mocks the way `pulumi up` runs it.

Most checks run a stack owned by this file (``ALARMED``), so the shipped example stacks can be
edited freely; for those, the checks are generic: what the program registers is exactly the plan.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from llm_monitor.alarms import TOPIC_TOKEN, build_alarms
from llm_monitor.aws import ACCOUNT_ID_TOKEN
from llm_monitor.config import parse_settings
from llm_monitor.preview.mocks import MOCK_ACCOUNT
from tests.program import PRICED, Preview, fixture_config, models, preview, preview_failure

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
ALARMS = "llm-monitor:index:BedrockAlarms"
NOTIFICATIONS = "llm-monitor:index:AlarmNotifications"
PAGER = "arn:aws:sns:us-west-2:123456789012:pager"

ALARMED: dict[str, Any] = {
    "aws:region": "us-west-2",
    "llm-monitor:models": [
        PRICED,
        {
            "name": "busy",
            "id": "amazon.nova-lite-v1:0",
            "alarms": {"trafficLoss": {"enabled": True, "threshold": 40}, "latency": {"threshold": 9000}},
        },
    ],
    "llm-monitor:alarms": {"applications": {"names": ["search-api"]}, "throttles": {"enabled": True}},
    "llm-monitor:logs": {"invocationLogging": {"enabled": True}, "protect": False},
    "llm-monitor:notifications": {"emails": ["oncall@example.com"], "topicArns": [PAGER]},
}


@pytest.fixture(scope="module")
def alarmed(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    return preview(tmp_path_factory.mktemp("alarmed"), "alarmed", ALARMED)


def topic_arn(run: Preview) -> str:
    (topic,) = run.of_type(TOPIC)
    arn: str = run.outputs["alarmTopicArn"]
    assert arn.endswith(":" + topic["inputs"]["name"])
    return arn


def rule_children(composite: dict[str, Any]) -> list[str]:
    """The alarms an ``ALARM("a") OR ALARM("b")`` rule names."""
    return re.findall(r'ALARM\("([^"]+)"\)', composite["inputs"]["alarmRule"])


def camel(value: Any) -> Any:
    """Spec inputs (snake_case) as the engine records them (camelCase)."""
    if isinstance(value, dict):
        return {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


def test_each_model_gets_each_enabled_alarm_with_its_threshold(alarmed: Preview) -> None:
    thresholds = {a["name"]: a["inputs"].get("threshold") for a in alarmed.of_type(METRIC_ALARM)}
    per_model = {
        "latency": 30000,
        "time-to-first-token": 5000,
        "latency-anomaly": None,
        "error-rate": 5,
        "application-error-rate": 5,
        "throttles": 50,
        "throttle-rate": 10,
    }
    expected = {f"monitoring-alarms-haiku-{k}": v for k, v in (per_model | {"quota": 80, "cost": 10}).items()}
    expected |= {
        f"monitoring-alarms-busy-{k}": v for k, v in (per_model | {"latency": 9000, "traffic-loss": 40}).items()
    }
    expected |= {
        "monitoring-alarms-invocation-log-delivery-failures": 1,
        "monitoring-alarms-invocation-log-delivery-stopped": 1,
        "monitoring-alarms-notification-failures": 1,
        "monitoring-alarms-app-search-api-error-rate": 5,
    }
    assert thresholds == expected
    loss = alarmed.named("monitoring-alarms-busy-traffic-loss")["inputs"]
    assert (loss["comparisonOperator"], loss["treatMissingData"]) == ("LessThanThreshold", "breaching")


def test_only_the_health_roll_ups_page_and_the_rest_email(alarmed: Preview) -> None:
    topic = topic_arn(alarmed)
    rollups = {c["name"]: c for c in alarmed.of_type(COMPOSITE)}
    assert sorted(rollups) == ["monitoring-alarms-busy-health", "monitoring-alarms-haiku-health"]
    children = {child for c in rollups.values() for child in rule_children(c)}
    for rollup in rollups.values():
        assert rollup["inputs"]["alarmActions"] == rollup["inputs"]["okActions"] == [topic, PAGER]
        assert rollup["inputs"]["actionsEnabled"] is True
    for alarm in alarmed.of_type(METRIC_ALARM):
        inputs = alarm["inputs"]
        expected = [] if inputs["name"] in children else [topic]
        assert inputs["alarmActions"] == inputs["okActions"] == expected, alarm["name"]
        assert inputs["actionsEnabled"] is True
    # The roll-ups' children are each model's paging kinds.
    busy = sorted(n.rsplit("/busy-", 1)[1] for n in rule_children(rollups["monitoring-alarms-busy-health"]))
    assert busy == sorted(
        ["latency", "time-to-first-token", "error-rate", "application-error-rate", "throttle-rate", "traffic-loss"]
    )


def test_roll_ups_wait_for_their_children(alarmed: Preview) -> None:
    by_name = {a["inputs"]["name"]: a for a in alarmed.of_type(METRIC_ALARM)}
    for rollup in alarmed.of_type(COMPOSITE):
        urns = {by_name[child]["urn"] for child in rule_children(rollup)}
        assert urns <= set(rollup["options"]["dependsOn"])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_program_registers_exactly_the_stacks_alarm_plan(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    alarm_plan = build_alarms(parse_settings(fixture_config(stack)), project="llm-monitor", stack=stack)
    topic = topic_arn(run)
    registered = {a["inputs"].get("name") or a["inputs"]["alarmName"]: a["inputs"] for a in run.of_type(METRIC_ALARM)}
    registered |= {c["inputs"]["alarmName"]: c["inputs"] for c in run.of_type(COMPOSITE)}
    assert sorted(registered) == sorted(alarm_plan.names)
    for spec in alarm_plan.alarms:
        inputs = dict(registered[spec.name])
        targets = [topic if t == TOPIC_TOKEN else t for t in alarm_plan.targets(spec)]
        assert inputs.pop("alarmActions") == inputs.pop("okActions") == targets, spec.name
        unevaluated = [topic if t == TOPIC_TOKEN else t for t in alarm_plan.insufficient_data_targets(spec)]
        assert inputs.pop("insufficientDataActions", []) == unevaluated, spec.name
        description = inputs.pop("alarmDescription")
        # The plan's own description, linked to the dashboard page that shows the model.
        assert description.startswith(spec.description), spec.name
        assert inputs.pop("tags") == fixture_config(stack)["llm-monitor:tags"], spec.name
        assert inputs == {k: v for k, v in camel(spec.inputs()).items() if k != "alarmDescription"}, spec.name


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_alarm_resources_are_children_of_their_components_on_the_stacks_provider(
    stack: str, request: pytest.FixtureRequest
) -> None:
    run: Preview = request.getfixturevalue(stack)
    (provider,) = run.of_type("pulumi:providers:aws")
    (alarms,) = run.of_type(ALARMS)
    (notifications,) = run.of_type(NOTIFICATIONS)
    for resource in run.of_type(METRIC_ALARM) + run.of_type(COMPOSITE):
        assert resource["parent"] == alarms["urn"]
        assert resource["provider"].startswith(provider["urn"] + "::")
    for type_ in (TOPIC, SUBSCRIPTION, "aws:sns/topicPolicy:TopicPolicy", "aws:kms/key:Key", "aws:kms/alias:Alias"):
        for resource in run.of_type(type_):
            if resource["name"].startswith("monitoring-notifications-"):
                assert resource["parent"] == notifications["urn"]
                assert resource["provider"].startswith(provider["urn"] + "::")


def test_topic_is_encrypted_with_a_rotating_key_only_cloudwatch_alarms_may_use(alarmed: Preview) -> None:
    (topic,) = alarmed.of_type(TOPIC)
    key = alarmed.named("monitoring-notifications-key")
    alias = alarmed.named("monitoring-notifications-key-alias")
    assert key["inputs"]["enableKeyRotation"] is True
    assert topic["inputs"]["kmsMasterKeyId"].endswith(f":key/{alias['inputs']['targetKeyId']}")
    key_policy = json.loads(key["inputs"]["policy"])
    cloudwatch = {s["Sid"]: s for s in key_policy["Statement"]}["AllowCloudWatchAlarmsToPublishEncrypted"]
    assert cloudwatch["Condition"]["StringEquals"] == {"aws:SourceAccount": MOCK_ACCOUNT}
    assert cloudwatch["Condition"]["ArnLike"]["aws:SourceArn"] == (
        f"arn:aws:cloudwatch:us-west-2:{MOCK_ACCOUNT}:alarm:llm-monitor-alarmed-us-west-2/*"
    )
    # Every alarm that notifies falls under that pattern.
    for alarm in alarmed.of_type(METRIC_ALARM) + alarmed.of_type(COMPOSITE):
        name = alarm["inputs"].get("name") or alarm["inputs"]["alarmName"]
        assert name.startswith("llm-monitor-alarmed-us-west-2/")


def test_topic_policy_is_bound_to_the_topic_and_account(alarmed: Preview) -> None:
    policy = alarmed.named("monitoring-notifications-topic-policy")["inputs"]
    topic = topic_arn(alarmed)
    assert policy["arn"] == topic
    assert ACCOUNT_ID_TOKEN not in policy["policy"]
    document = json.loads(policy["policy"])
    assert {s["Resource"] for s in document["Statement"]} == {topic}


def test_configured_emails_are_subscribed(alarmed: Preview) -> None:
    topic = topic_arn(alarmed)
    subscriptions = alarmed.of_type(SUBSCRIPTION)
    assert [(s["inputs"]["protocol"], s["inputs"]["endpoint"], s["inputs"]["topic"]) for s in subscriptions] == [
        ("email", "oncall@example.com", topic)
    ]


def test_outputs_name_the_topic_and_every_alarm_roll_ups_first(alarmed: Preview) -> None:
    names = alarmed.outputs["alarmNames"]
    rollups = sorted(c["inputs"]["alarmName"] for c in alarmed.of_type(COMPOSITE))
    assert sorted(names[:2]) == rollups
    assert sorted(names[2:]) == sorted(a["inputs"]["name"] for a in alarmed.of_type(METRIC_ALARM))
    region = "us-west-2"
    assert (
        alarmed.outputs["alarmTopicArn"] == f"arn:aws:sns:{region}:{MOCK_ACCOUNT}:llm-monitor-alarmed-{region}-alarms"
    )


def test_dashboard_shows_alarm_states_and_thresholds(alarmed: Preview) -> None:
    (body, *_) = alarmed.dashboard_bodies().values()
    (status,) = [w for w in body["widgets"] if w["type"] == "alarm"]
    assert status["properties"]["alarms"] == [
        f"arn:aws:cloudwatch:us-west-2:{MOCK_ACCOUNT}:alarm:{n}" for n in alarmed.outputs["alarmNames"]
    ]
    latency = alarmed.named("monitoring-alarms-busy-latency")["inputs"]
    (widget,) = [w for w in body["widgets"] if w["properties"].get("title") == "busy: Invocation latency (ms)"]
    line = {"label": f"p90 alarm: {latency['threshold']:g} ms", "value": latency["threshold"], "color": "#d62728"}
    assert line in widget["properties"]["annotations"]["horizontal"]
    (activity,) = [
        w
        for w in body["widgets"]
        if w["properties"].get("title") == "busy: Invocations, errors and throttles (per minute)"
    ]
    floor = {"label": "Traffic floor: 40 per 5 minutes", "value": 8, "color": "#d62728"}
    assert floor in activity["properties"]["annotations"]["horizontal"]
    for alarm in alarmed.of_type(METRIC_ALARM) + alarmed.of_type(COMPOSITE):
        assert alarm["inputs"]["alarmDescription"].endswith(f"#dashboards:name={alarmed.outputs['dashboardNames'][0]}")


# --- parametrized configs -----------------------------------------------------------------------


def test_without_roll_ups_paging_alarms_page_themselves(tmp_path: Path) -> None:
    model_list = models(3, inputTokenPrice=0.001)
    model_list[1]["alarms"] = {"latency": {"enabled": True, "threshold": 1234}}
    config = {
        "aws:region": "us-west-2",
        "llm-monitor:models": model_list,
        "llm-monitor:alarms": {"health": {"enabled": False}, "latency": {"enabled": False}},
        "llm-monitor:notifications": {
            "emails": ["oncall@example.com"],
            "httpsEndpoints": ["https://hooks.example.com/T0/B0/secret-token"],
            "topicArns": [PAGER],
        },
    }
    run = preview(tmp_path, "switches", config)
    assert run.of_type(COMPOSITE) == []
    latency = [a for a in run.of_type(METRIC_ALARM) if a["name"].endswith("-latency")]
    assert [(a["name"], a["inputs"]["threshold"]) for a in latency] == [("monitoring-alarms-model-001-latency", 1234)]
    topic = topic_arn(run)
    for alarm in run.of_type(METRIC_ALARM):
        paging = alarm["name"].endswith(("-latency", "-time-to-first-token", "-error-rate", "-throttle-rate"))
        assert alarm["inputs"]["alarmActions"] == ([topic, PAGER] if paging else [topic]), alarm["name"]
    (https,) = [s for s in run.of_type(SUBSCRIPTION) if s["inputs"]["protocol"] == "https"]
    # Passed as a Pulumi secret: the preview records values with the SDK's secret signature as [secret].
    assert https["inputs"]["endpoint"] == "[secret]"
    assert "secret-token" not in https["name"]


def test_many_models_each_page_through_their_own_roll_up(tmp_path: Path) -> None:
    config = {"aws:region": "us-east-1", "llm-monitor:models": models(40, inputTokenPrice=0.001)}
    run = preview(tmp_path, "many", config)
    alarms = {a["inputs"]["name"]: a for a in run.of_type(METRIC_ALARM) if "/model-" in a["inputs"]["name"]}
    assert len(alarms) == 40 * 7
    composites = {c["inputs"]["alarmName"]: c for c in run.of_type(COMPOSITE)}
    assert sorted(composites) == [f"llm-monitor-many-us-east-1/model-{i:03d}-health" for i in range(40)]
    for name, rollup in composites.items():
        model = name.removeprefix("llm-monitor-many-us-east-1/").removesuffix("-health")
        assert all(child.startswith(f"llm-monitor-many-us-east-1/{model}-") for child in rule_children(rollup))
        assert rollup["inputs"]["alarmActions"] == [topic_arn(run)]


def test_invalid_alarm_config_fails_with_every_key_path(tmp_path: Path) -> None:
    config = dict(ALARMED)
    config["llm-monitor:alarms"] = {
        "serverErrors": {"threshold": -3},
        "latency": {"statistic": "p999"},
        "errorRate": {"periodSeconds": 600, "evaluationPeriods": 200},
    }
    config["llm-monitor:notifications"] = {"emails": ["oncall"]}
    failure = preview_failure(tmp_path, config)
    assert failure.returncode == 2
    for path in (
        "llm-monitor:alarms.serverErrors.threshold",
        "llm-monitor:alarms.latency.statistic",
        "llm-monitor:alarms.errorRate:",
        "llm-monitor:notifications.emails[0]",
    ):
        assert path in failure.stderr
    assert "Traceback" not in failure.stderr
    assert not failure.out_dir.exists()


def test_a_models_alarm_it_lacks_the_data_for_fails(tmp_path: Path) -> None:
    config = dict(ALARMED)
    config["llm-monitor:models"] = [PRICED, {"name": "busy", "id": "amazon.nova-lite-v1:0", "alarms": {"quota": {}}}]
    failure = preview_failure(tmp_path, config)
    assert "llm-monitor:models[1].alarms.quota: the quota alarm is a percentage of tokensPerMinuteQuota" in (
        failure.stderr
    )
