"""Alarms and notifications in the whole program, run under mocks the way `pulumi up` runs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llm_monitor.aws import ACCOUNT_ID_TOKEN
from llm_monitor.preview.mocks import MOCK_ACCOUNT
from tests.program import Preview, models, preview, preview_failure, stack_config

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
ALARMS = "llm-monitor:index:BedrockAlarms"
NOTIFICATIONS = "llm-monitor:index:AlarmNotifications"

# What each stack file asks for: logical name → threshold (stack defaults, then the models' overrides).
DEV_COMMON = {"latency": 60000, "time-to-first-token": 10000, "server-errors": 10, "error-rate": 20}
DEV_COMMON |= {"throttle-rate": 25, "cost": 5}
EXPECTED = {
    "dev": {
        **{f"alarms-claude-haiku-{k}": v for k, v in (DEV_COMMON | {"quota": 90}).items()},
        **{f"alarms-nova-lite-{k}": v for k, v in DEV_COMMON.items()},
        "alarms-invocation-log-delivery-failures": 1,
    },
    "prod": {
        **{
            f"alarms-{model}-{kind}": threshold
            for model in ("claude-sonnet", "claude-haiku", "nova-pro", "nova-micro", "search-assistant", "nova-canvas")
            for kind, threshold in {
                "latency": 20000,
                "time-to-first-token": 3000,
                "server-errors": 5,
                "error-rate": 2,
                "throttles": 20,
                "throttle-rate": 5,
                "quota": 75,
                "cost": 25,
            }.items()
            # Quota only with tokensPerMinuteQuota, cost only with prices, no TTFT for the image model.
            if not (kind == "quota" and model in ("nova-micro", "search-assistant", "nova-canvas"))
            and not (kind == "cost" and model == "nova-canvas")
            and not (kind == "time-to-first-token" and model == "nova-canvas")
        },
        "alarms-claude-sonnet-latency": 45000,
        "alarms-claude-sonnet-cost": 40,
        "alarms-nova-canvas-latency": 60000,
        "alarms-search-assistant-invocation-anomaly": None,
        "alarms-invocation-log-delivery-failures": 1,
    },
}


def topic_arn(run: Preview) -> str:
    (topic,) = run.of_type(TOPIC)
    arn: str = run.outputs["alarmTopicArn"]
    assert arn.endswith(":" + topic["inputs"]["name"])
    return arn


def rule_children(composite: dict[str, Any]) -> list[str]:
    """The alarms an ``ALARM("a") OR ALARM("b")`` rule names."""
    rule: str = composite["inputs"]["alarmRule"]
    assert rule.startswith('ALARM("')
    assert rule.endswith('")')
    return rule[len('ALARM("') : -len('")')].split('") OR ALARM("')


def model_dimensions(alarm: dict[str, Any]) -> set[str]:
    inputs = alarm["inputs"]
    dims = [inputs.get("dimensions")] + [
        q["metric"].get("dimensions") for q in inputs.get("metricQueries", []) if "metric" in q
    ]
    return {d["ModelId"] for d in dims if d}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_model_gets_each_enabled_alarm_with_its_threshold(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    alarms = {a["name"]: a for a in run.of_type(METRIC_ALARM)}
    assert {n: a["inputs"].get("threshold") for n, a in alarms.items()} == EXPECTED[stack]
    ids = {m["name"]: m["id"] for m in stack_config(stack)["llm-monitor:models"]}
    for name, alarm in alarms.items():
        model = next((m for m in ids if name.startswith(f"alarms-{m}-")), None)
        # On the model's own series, or (log delivery) on the account-wide metric without dimensions.
        assert model_dimensions(alarm) == ({ids[model]} if model else set()), name
        namespaces = {alarm["inputs"].get("namespace")} | {
            q["metric"]["namespace"] for q in alarm["inputs"].get("metricQueries", []) if "metric" in q
        }
        assert namespaces - {None} == {"AWS/Bedrock"}
        assert alarm["inputs"]["treatMissingData"] == "notBreaching"


def test_prod_overrides_reach_the_resources(prod: Preview) -> None:
    sonnet = prod.named("alarms-claude-sonnet-latency")["inputs"]
    assert (sonnet["extendedStatistic"], sonnet["threshold"]) == ("p99", 45000)
    haiku = prod.named("alarms-claude-haiku-latency")["inputs"]
    assert (haiku["extendedStatistic"], haiku["period"], haiku["evaluationPeriods"], haiku["datapointsToAlarm"]) == (
        "p90",
        60,
        5,
        3,
    )
    anomaly = prod.named("alarms-search-assistant-invocation-anomaly")["inputs"]
    assert anomaly["thresholdMetricId"] == "band"
    assert anomaly["comparisonOperator"] == "LessThanLowerOrGreaterThanUpperThreshold"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_alarm_notifies_the_topic_on_alarm_and_ok(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    topic = topic_arn(run)
    pager = stack_config(stack).get("llm-monitor:notifications", {}).get("topicArns", [])
    (top,) = run.of_type(COMPOSITE)
    assert top["inputs"]["alarmActions"] == [topic, *pager]
    for alarm in run.of_type(METRIC_ALARM):
        assert alarm["inputs"]["alarmActions"] == [topic], alarm["name"]
        assert alarm["inputs"]["okActions"] == [topic], alarm["name"]
        assert alarm["inputs"]["actionsEnabled"] is True
    assert top["inputs"]["okActions"] == top["inputs"]["alarmActions"]


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
            if resource["name"].startswith("notifications-"):
                assert resource["parent"] == notifications["urn"]
                assert resource["provider"].startswith(provider["urn"] + "::")


def test_rollup_names_every_model_alarm_and_waits_for_them(prod: Preview) -> None:
    (top,) = prod.of_type(COMPOSITE)
    per_model = [a for a in prod.of_type(METRIC_ALARM) if a["name"] != "alarms-invocation-log-delivery-failures"]
    assert sorted(rule_children(top)) == sorted(a["inputs"]["name"] for a in per_model)
    assert {a["urn"] for a in per_model} <= set(top["options"]["dependsOn"])


def test_topic_is_encrypted_with_a_rotating_key_only_cloudwatch_alarms_may_use(prod: Preview) -> None:
    (topic,) = prod.of_type(TOPIC)
    key = prod.named("notifications-key")
    alias = prod.named("notifications-key-alias")
    assert key["inputs"]["enableKeyRotation"] is True
    assert topic["inputs"]["kmsMasterKeyId"].endswith(f":key/{alias['inputs']['targetKeyId']}")
    assert topic["inputs"]["kmsMasterKeyId"] != "alias/aws/sns"
    key_policy = json.loads(key["inputs"]["policy"])
    grants = {s["Sid"]: s for s in key_policy["Statement"]}
    cloudwatch = grants["AllowCloudWatchAlarmsToPublishEncrypted"]
    assert cloudwatch["Condition"]["StringEquals"] == {"aws:SourceAccount": MOCK_ACCOUNT}
    assert cloudwatch["Condition"]["ArnLike"]["aws:SourceArn"] == (
        f"arn:aws:cloudwatch:eu-west-1:{MOCK_ACCOUNT}:alarm:llm-monitor-prod-eu-west-1-*"
    )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_topic_policy_is_bound_to_the_topic_and_account(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    policy = run.named("notifications-topic-policy")["inputs"]
    topic = topic_arn(run)
    assert policy["arn"] == topic
    assert ACCOUNT_ID_TOKEN not in policy["policy"]
    document = json.loads(policy["policy"])
    assert {s["Resource"] for s in document["Statement"]} == {topic}
    effects = {s["Sid"]: s["Effect"] for s in document["Statement"]}
    assert effects == {
        "AllowCloudWatchAlarmsToPublish": "Allow",
        "DenyPublishExceptThisAccountsServices": "Deny",
        "DenyInsecureTransport": "Deny",
    }


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_configured_emails_are_subscribed(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    topic = topic_arn(run)
    emails = stack_config(stack)["llm-monitor:notifications"]["emails"]
    subscriptions = run.of_type(SUBSCRIPTION)
    assert sorted(s["inputs"]["endpoint"] for s in subscriptions) == sorted(emails)
    assert {(s["inputs"]["protocol"], s["inputs"]["topic"]) for s in subscriptions} == {("email", topic)}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_outputs_name_the_topic_and_every_alarm(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    region = stack_config(stack)["aws:region"]
    (top,) = run.of_type(COMPOSITE)
    names = run.outputs["alarmNames"]
    assert names[0] == top["inputs"]["alarmName"] == f"llm-monitor-{stack}-{region}-llm-health"
    assert sorted(names[1:]) == sorted(a["inputs"]["name"] for a in run.of_type(METRIC_ALARM))
    assert run.outputs["alarmTopicArn"] == f"arn:aws:sns:{region}:{MOCK_ACCOUNT}:llm-monitor-{stack}-{region}-alarms"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_dashboard_shows_alarm_states_and_thresholds(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    region = stack_config(stack)["aws:region"]
    (body, *_) = run.dashboard_bodies().values()
    (status,) = [w for w in body["widgets"] if w["type"] == "alarm"]
    assert status["properties"]["alarms"] == [
        f"arn:aws:cloudwatch:{region}:{MOCK_ACCOUNT}:alarm:{n}" for n in run.outputs["alarmNames"]
    ]
    first_model = stack_config(stack)["llm-monitor:models"][0]["name"]
    latency = run.named(f"alarms-{first_model}-latency")["inputs"]
    (widget,) = [
        w for w in body["widgets"] if w["properties"].get("title") == f"{first_model}: Invocation latency (ms)"
    ]
    line = {
        "label": f"{latency['extendedStatistic']} alarm: {latency['threshold']:g} ms",
        "value": latency["threshold"],
    }
    assert line | {"color": "#d62728"} in widget["properties"]["annotations"]["horizontal"]
    for alarm in run.of_type(METRIC_ALARM):
        assert alarm["inputs"]["alarmDescription"].endswith(f"#dashboards:name={run.outputs['dashboardNames'][0]}")


# --- parametrized configs -----------------------------------------------------------------------


def test_switches_overrides_and_extra_endpoints(tmp_path: Path) -> None:
    model_list = models(3, inputTokenPrice=0.001)
    model_list[1]["alarms"] = {"latency": {"enabled": True, "threshold": 1234}}
    pager = "arn:aws:sns:us-west-2:123456789012:pager"
    config = {
        "aws:region": "us-west-2",
        "llm-monitor:models": model_list,
        "llm-monitor:alarms": {"health": {"enabled": False}, "latency": {"enabled": False}},
        "llm-monitor:notifications": {
            "emails": ["oncall@example.com"],
            "httpsEndpoints": ["https://hooks.example.com/T0/B0/secret-token"],
            "topicArns": [pager],
        },
    }
    run = preview(tmp_path, "switches", config)
    assert run.of_type(COMPOSITE) == []
    latency = [a for a in run.of_type(METRIC_ALARM) if a["name"].endswith("-latency")]
    assert [(a["name"], a["inputs"]["threshold"]) for a in latency] == [("alarms-model-001-latency", 1234)]
    topic = topic_arn(run)
    # Without the roll-up, every alarm reaches the pager too.
    for alarm in run.of_type(METRIC_ALARM):
        assert alarm["inputs"]["alarmActions"] == alarm["inputs"]["okActions"] == [topic, pager]
    (https,) = [s for s in run.of_type(SUBSCRIPTION) if s["inputs"]["protocol"] == "https"]
    endpoint = https["inputs"]["endpoint"]
    # Passed as a Pulumi secret: the preview records values with the SDK's secret signature as [secret].
    assert endpoint == "[secret]"
    assert "secret-token" not in https["name"]


def test_many_models_get_a_nested_rollup(tmp_path: Path) -> None:
    config = {"aws:region": "us-east-1", "llm-monitor:models": models(40, inputTokenPrice=0.001)}
    run = preview(tmp_path, "many", config)
    alarms = {a["inputs"]["name"]: a for a in run.of_type(METRIC_ALARM)}
    assert len(alarms) == 40 * 6
    composites = {c["inputs"]["alarmName"]: c for c in run.of_type(COMPOSITE)}
    top = composites.pop("llm-monitor-many-us-east-1-llm-health")
    assert sorted(composites) == [f"llm-monitor-many-us-east-1-llm-health-part-{n}" for n in (1, 2, 3)]
    children = [c for part in composites.values() for c in rule_children(part)]
    assert sorted(children) == sorted(alarms)
    assert sorted(rule_children(top)) == sorted(composites)
    for part in composites.values():
        assert part["inputs"]["alarmActions"] == []
        assert len(part["inputs"]["alarmRule"]) <= 10_240
    assert top["inputs"]["alarmActions"] == [topic_arn(run)]
    assert {c["urn"] for c in composites.values()} <= set(top["options"]["dependsOn"])
    assert run.outputs["alarmNames"][0] == top["inputs"]["alarmName"]
    assert sorted(run.outputs["alarmNames"][1:]) == sorted([*alarms, *composites])


def test_invalid_alarm_config_fails_with_every_key_path(tmp_path: Path) -> None:
    config = stack_config("dev")
    config["llm-monitor:alarms"] = {
        "serverErrors": {"threshold": -3},
        "latency": {"statistic": "p999"},
        "errorRate": {"periodSeconds": 600, "evaluationPeriods": 200},
    }
    config["llm-monitor:models"][1]["alarms"] = {"quota": {"threshold": 50}}
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


def test_quota_override_without_a_quota_fails(tmp_path: Path) -> None:
    config = stack_config("dev")
    config["llm-monitor:models"][1]["alarms"] = {"quota": {"threshold": 50}}
    failure = preview_failure(tmp_path, config)
    assert (
        "llm-monitor:models[1].alarms.quota: the quota alarm is a percentage of tokensPerMinuteQuota" in failure.stderr
    )
