"""Every value the program sends to AWS meets the constraints of the AWS API models (botocore).

The checker (``tests/aws_constraints.py``) is run over everything the program registers for each
stack file and for a wider generated config, and over hand-made resources that each break one
rule, so that it is shown to fail where AWS would.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests import aws_constraints as ac
from tests.program import Preview, feature_config, fixture_config, models, preview

# --- the program's resources ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    """The prod config (every feature on) with 50 more models: several dashboards, nested alarm roll-ups."""
    # With every runtime feature on: service tiers, quotas read by code, daily quotas, profiles looked up and created.
    config = feature_config(fixture_config("prod"))
    config["llm-monitor:models"] = config["llm-monitor:models"] + models(50, inputTokenPrice=0.001)
    run = preview(Path(tmp_path_factory.mktemp("wide")), "wide", config)
    assert len(run.of_type("aws:cloudwatch/dashboard:Dashboard")) > 1
    # The feature models' profile (CreateInferenceProfile) and wall-clock alarm (EvaluationWindow) are checked too.
    assert run.of_type("aws:bedrock/inferenceProfile:InferenceProfile")
    assert any(r["inputs"].get("evaluationWindow") for r in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"))
    return run


@pytest.mark.parametrize("stack", ["dev", "prod", "wide"])
def test_every_registered_resource_meets_the_api_models(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    aws = [r for r in run.resources if r["type"].startswith("aws:")]
    assert aws
    problems = [p for r in aws for p in ac.violations(r)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_alarm_and_dashboard_maps_to_its_put_call(stack: str, request: pytest.FixtureRequest) -> None:
    """The mapping is not vacuous: each resource type yields the API requests AWS receives."""
    run: Preview = request.getfixturevalue(stack)
    operations = {str(c) for r in run.resources if r["type"].startswith("aws:") for c in ac.api_calls(r)[0]}
    assert {"cloudwatch:PutDashboard"} <= operations
    for type_, operation in [
        (ALARM, "cloudwatch:PutMetricAlarm"),
        (LOG_GROUP, "logs:CreateLogGroup"),
        (TOPIC_TYPE, "sns:CreateTopic"),
        (KEY, "kms:CreateKey"),
    ]:
        if run.of_type(type_):
            assert operation in operations


# --- reading the models ---------------------------------------------------------------------------


def test_rules_are_read_from_the_model_documentation() -> None:
    assert ac.alarm_periods() == ({10, 20, 30}, 60)
    assert ac.evaluation_limits() == (604_800, 3_600, 86_400)
    days = ac.retention_days()
    assert {1, 7, 30, 90, 365, 3653} <= days
    assert 45 not in days
    assert len(days) >= 20
    assert ac.dashboard_name_rule()[0] == 255
    assert ac.data_protection_limit() == 30_720
    assert ac.pending_window_days() == (7, 30)
    assert {"KmsMasterKeyId", "Policy", "DisplayName"} <= ac.topic_attribute_names()
    assert {"email", "https", "sqs", "lambda"} <= set(ac.subscription_protocols())
    assert ac.statistics() == ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]


def test_the_extended_statistic_grammar_accepts_the_models_examples() -> None:
    examples = ac.extended_statistic_examples()
    assert {"p90", "IQM"} <= set(examples)
    assert len(examples) >= 10
    assert [e for e in examples if ac.extended_statistic_problem(e)] == []
    for good in ("p50", "p99.9", "p0.0", "p100", "tm90", "TM(10%:90%)", "PR(100:2000)", "IQM", "wm99"):
        assert ac.statistic_problem(good) is None, good
    assert ac.percentile_bounds() == (0.0, 100.0)
    for bad in ("Avg", "average", "P90", "p101", "p100.5", "p", "TM(5%:90%)", "median"):
        assert ac.statistic_problem(bad), bad


def test_a_reworded_rule_is_model_drift_not_a_silent_pass() -> None:
    with pytest.raises(ac.ModelDrift, match="re-read the rule"):
        ac.read(r"Valid values are 15 and 45", ac.member_doc("cloudwatch", "PutMetricAlarmInput", "Period"), "x")


def test_java_unicode_classes_are_translated() -> None:
    tag_key = ac.python_pattern(r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$")
    assert tag_key.fullmatch("Cost Center:ai/1234")
    assert not tag_key.fullmatch("a;b")


# --- the checker on hand-made resources -------------------------------------------------------------

TOPIC = "arn:aws:sns:us-east-1:123456789012:alarms"
ROLE = "arn:aws:iam::123456789012:role/bedrock-logging"

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
QUERY = "aws:cloudwatch/queryDefinition:QueryDefinition"
DATA_PROTECTION = "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy"
TOPIC_TYPE = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
ROLE_TYPE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"

VALID: dict[str, dict[str, Any]] = {
    ALARM: {
        "name": "llm-monitor-dev-us-east-1/m-latency",
        "namespace": "AWS/Bedrock",
        "metricName": "InvocationLatency",
        "dimensions": {"ModelId": "amazon.nova-lite-v1:0"},
        "extendedStatistic": "p90",
        "period": 300.0,
        "evaluationPeriods": 3.0,
        "datapointsToAlarm": 2.0,
        "threshold": 20000.0,
        "comparisonOperator": "GreaterThanThreshold",
        "treatMissingData": "notBreaching",
        "alarmActions": [TOPIC],
        "okActions": [TOPIC],
    },
    COMPOSITE: {
        "alarmName": "health",
        "alarmRule": 'ALARM("a") OR ALARM(b)',
        "alarmActions": [TOPIC],
        "actionsSuppressor": {"alarm": "maintenance", "waitPeriod": 120.0, "extensionPeriod": 60.0},
    },
    DASHBOARD: {"dashboardName": "llm-monitor-dev_1", "dashboardBody": '{"widgets":[]}'},
    LOG_GROUP: {
        "name": "/llm-monitor/dev/bedrock/model-invocations",
        "retentionInDays": 30.0,
        "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "logGroupClass": "STANDARD",
        "deletionProtectionEnabled": True,
    },
    FILTER: {
        "name": "llm-monitor-dev-input-tokens",
        "logGroupName": "/llm-monitor/dev/bedrock/model-invocations",
        "pattern": '{ $.schemaType = "ModelInvocationLog" }',
        "metricTransformation": {
            "name": "InputTokens",
            "namespace": "LLM/InvocationLogs",
            "value": "$.input.inputTokenCount",
            "dimensions": {"ModelId": "$.modelId"},
            "unit": "Count",
        },
    },
    QUERY: {
        "name": "llm-monitor/dev/Tokens by caller",
        "queryString": "stats sum(input.inputTokenCount) by identity.arn",
        "logGroupNames": ["/llm-monitor/dev/bedrock/model-invocations"],
    },
    DATA_PROTECTION: {
        "logGroupName": "/llm-monitor/dev/bedrock/model-invocations",
        "policyDocument": json.dumps(
            {
                "Name": "p",
                "Version": "2021-06-01",
                "Statement": [
                    {
                        "Sid": "audit",
                        "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
                        "Operation": {"Audit": {"FindingsDestination": {}}},
                    },
                    {
                        "Sid": "redact",
                        "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
                        "Operation": {"Deidentify": {"MaskConfig": {}}},
                    },
                ],
            }
        ),
    },
    TOPIC_TYPE: {
        "name": "llm-monitor-dev-alarms",
        "kmsMasterKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "signatureVersion": 2.0,
    },
    TOPIC_POLICY: {"arn": TOPIC, "policy": '{"Version":"2012-10-17","Statement":[]}'},
    SUBSCRIPTION: {"topic": TOPIC, "protocol": "email", "endpoint": "oncall@example.com"},
    KEY: {
        "description": "alarms",
        "enableKeyRotation": True,
        "rotationPeriodInDays": 365.0,
        "deletionWindowInDays": 30.0,
        "policy": '{"Version":"2012-10-17","Statement":[]}',
    },
    ALIAS: {"name": "alias/llm-monitor-dev-alarms", "targetKeyId": "1234abcd"},
    ROLE_TYPE: {
        "name": "llm-monitor-dev-bedrock-logging",
        "assumeRolePolicy": '{"Version":"2012-10-17","Statement":[]}',
        "maxSessionDuration": 3600.0,
    },
    ROLE_POLICY: {"role": "r", "name": "write-logs", "policy": '{"Version":"2012-10-17"}'},
    LOGGING: {
        "loggingConfig": {
            "cloudwatchConfig": {
                "logGroupName": "/llm-monitor/dev/bedrock/model-invocations",
                "roleArn": ROLE,
                "largeDataDeliveryS3Config": {"bucketName": "acme-large", "keyPrefix": "dev"},
            },
            "textDataDeliveryEnabled": True,
            "imageDataDeliveryEnabled": False,
        }
    },
}

MATH_ALARM = {
    "name": "llm-monitor-dev-m-error-rate",
    "comparisonOperator": "GreaterThanThreshold",
    "threshold": 5.0,
    "evaluationPeriods": 3.0,
    "metricQueries": [
        {
            "id": "inv",
            "metric": {
                "namespace": "AWS/Bedrock",
                "metricName": "Invocations",
                "dimensions": {"ModelId": "m"},
                "period": 300.0,
                "stat": "Sum",
            },
        },
        {
            "id": "err",
            "metric": {
                "namespace": "AWS/Bedrock",
                "metricName": "InvocationServerErrors",
                "dimensions": {"ModelId": "m"},
                "period": 300.0,
                "stat": "Sum",
            },
        },
        {"id": "rate", "expression": "100*FILL(err,0)/inv", "label": "Error %", "returnData": True},
    ],
    "alarmActions": [TOPIC],
}

ANOMALY_ALARM = {
    "name": "llm-monitor-dev-m-invocation-anomaly",
    "comparisonOperator": "LessThanLowerOrGreaterThanUpperThreshold",
    "thresholdMetricId": "band",
    "evaluationPeriods": 3.0,
    "metricQueries": [
        {
            "id": "inv",
            "returnData": True,
            "metric": {
                "namespace": "AWS/Bedrock",
                "metricName": "Invocations",
                "dimensions": {"ModelId": "m"},
                "period": 300.0,
                "stat": "Sum",
            },
        },
        {"id": "band", "expression": "ANOMALY_DETECTION_BAND(inv, 2)", "returnData": True},
    ],
    "alarmActions": [TOPIC],
}


def resource(type_: str, inputs: dict[str, Any], name: str = "r") -> dict[str, Any]:
    return {"type": type_, "name": name, "inputs": inputs}


def changed(inputs: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``inputs`` with the value at dotted ``path`` (list indexes as numbers) replaced."""
    result = copy.deepcopy(inputs)
    *parents, last = path.split(".")
    target: Any = result
    for step in parents:
        target = target[int(step)] if isinstance(target, list) else target[step]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return result


DELETE = object()


@pytest.mark.parametrize("type_", sorted(VALID))
def test_valid_hand_made_resources_pass(type_: str) -> None:
    assert ac.violations(resource(type_, VALID[type_])) == []


@pytest.mark.parametrize("inputs", [MATH_ALARM, ANOMALY_ALARM], ids=["math", "anomaly"])
def test_valid_math_and_anomaly_alarms_pass(inputs: dict[str, Any]) -> None:
    assert ac.violations(resource(ALARM, inputs)) == []


BREAKS: list[tuple[str, dict[str, Any], str, Any, str]] = [
    # (type, valid base, path, bad value, expected message fragment)
    (ALARM, VALID[ALARM], "extendedStatistic", "P90", "not a CloudWatch extended statistic"),
    (ALARM, VALID[ALARM], "extendedStatistic", DELETE, "needs Statistic or ExtendedStatistic"),
    (
        ALARM,
        changed(changed(VALID[ALARM], "extendedStatistic", DELETE), "statistic", "Average"),
        "statistic",
        "Avg",
        "is not one of SampleCount",
    ),
    (ALARM, VALID[ALARM], "statistic", "Sum", "mutually exclusive"),
    (ALARM, VALID[ALARM], "period", 45.0, "45 s; valid values are [10, 20, 30] or a multiple of 60"),
    (ALARM, VALID[ALARM], "period", 0.0, "below the minimum 1"),
    (ALARM, VALID[ALARM], "evaluationPeriods", 300.0, "AWS allows 86,400 s"),
    (ALARM, VALID[ALARM], "datapointsToAlarm", 4.0, "exceeds EvaluationPeriods"),
    (ALARM, VALID[ALARM], "treatMissingData", "notbreaching", "is not one of breaching"),
    (ALARM, VALID[ALARM], "comparisonOperator", "GreaterThan", "is not one of GreaterThanOrEqualToThreshold"),
    (ALARM, VALID[ALARM], "comparisonOperator", "GreaterThanUpperThreshold", "needs ThresholdMetricId"),
    (ALARM, VALID[ALARM], "name", "a" * 256, "more than the maximum 255"),
    (ALARM, VALID[ALARM], "alarmActions", [TOPIC] * 6, "6 items, more than the maximum 5"),
    (ALARM, VALID[ALARM], "namespace", ":Bedrock", "does not match the pattern"),
    (ALARM, VALID[ALARM], "threshold", DELETE, "required for a static-threshold alarm"),
    (ALARM, VALID[ALARM], "unit", "Millisecond", "is not one of Seconds"),
    (ALARM, VALID[ALARM], "alarmActionz", [TOPIC], "input not mapped"),
    (ALARM, MATH_ALARM, "metricQueries.0.metric.stat", "Avg", "not a CloudWatch extended statistic"),
    (ALARM, MATH_ALARM, "metricQueries.0.metric.period", 45.0, "Metrics[0].MetricStat.Period: 45 s"),
    (ALARM, MATH_ALARM, "metricQueries.0.returnData", True, "exactly one query must have ReturnData"),
    (ALARM, MATH_ALARM, "metricQueries.2.returnData", False, "exactly one query must have ReturnData"),
    (ALARM, MATH_ALARM, "metricQueries.2.id", "Rate", "must start with a lowercase letter"),
    (ALARM, MATH_ALARM, "metricQueries.2.expression", "x" * 2049, "more than the maximum 2048"),
    (ALARM, MATH_ALARM, "period", 300.0, "Period cannot be combined with Metrics"),
    (ALARM, ANOMALY_ALARM, "comparisonOperator", "GreaterThanThreshold", "anomaly-band alarms use one of"),
    (ALARM, ANOMALY_ALARM, "thresholdMetricId", "inv", "must be the Id of an ANOMALY_DETECTION_BAND expression"),
    (ALARM, ANOMALY_ALARM, "threshold", 3.0, "must not be set on an anomaly-detection alarm"),
    (
        COMPOSITE,
        VALID[COMPOSITE],
        "alarmRule",
        " OR ".join(f"ALARM(a{i})" for i in range(101)),
        "101 underlying alarms; AWS allows 100",
    ),
    (COMPOSITE, VALID[COMPOSITE], "alarmRule", "ALARM(x) OR " * 1000 + "TRUE", "more than the maximum 10240"),
    (COMPOSITE, VALID[COMPOSITE], "actionsSuppressor.waitPeriod", DELETE, "required when ActionsSuppressor is set"),
    (DASHBOARD, VALID[DASHBOARD], "dashboardName", "llm monitor", "at most 255 of A-Z"),
    (DASHBOARD, VALID[DASHBOARD], "dashboardName", "d" * 256, "at most 255 of A-Z"),
    (DASHBOARD, VALID[DASHBOARD], "dashboardBody", "{widgets: []}", "not JSON"),
    (LOG_GROUP, VALID[LOG_GROUP], "retentionInDays", 45.0, "45.0 is not one of [1, 3, 5"),
    (LOG_GROUP, VALID[LOG_GROUP], "name", "llm logs", "does not match the pattern"),
    (LOG_GROUP, VALID[LOG_GROUP], "name", "aws/bedrock", "must not start with 'aws/'"),
    (LOG_GROUP, VALID[LOG_GROUP], "logGroupClass", "STANDARD_IA", "is not one of STANDARD"),
    (FILTER, VALID[FILTER], "name", "tokens:input", "does not match the pattern [^:*]*"),
    (FILTER, VALID[FILTER], "metricTransformation.namespace", "LLM/$Logs", "does not match the pattern [^:*$]*"),
    (FILTER, VALID[FILTER], "pattern", "x" * 1025, "more than the maximum 1024"),
    (QUERY, VALID[QUERY], "queryString", "x" * 10_001, "more than the maximum 10000"),
    (QUERY, VALID[QUERY], "name", "", "fewer than the minimum 1"),
    (TOPIC_TYPE, VALID[TOPIC_TYPE], "name", "llm.alarms", "ASCII letters, digits, _ or -"),
    (SUBSCRIPTION, VALID[SUBSCRIPTION], "protocol", "mail", "is not one of ['http'"),
    (SUBSCRIPTION, VALID[SUBSCRIPTION], "endpoint", "oncall", "is not an email address"),
    (KEY, VALID[KEY], "deletionWindowInDays", 3.0, "AWS documents 7-30 days"),
    (KEY, VALID[KEY], "rotationPeriodInDays", 30.0, "below the minimum 90"),
    (KEY, VALID[KEY], "customerMasterKeySpec", "AES_256", "is not one of RSA_2048"),
    (KEY, VALID[KEY], "policy", "{", "not JSON"),
    (ALIAS, VALID[ALIAS], "name", "llm-monitor", "must begin with alias/"),
    (ALIAS, VALID[ALIAS], "name", "alias/aws/sns", "not with alias/aws/"),
    (ROLE_TYPE, VALID[ROLE_TYPE], "name", "r" * 65, "more than the maximum 64"),
    (ROLE_TYPE, VALID[ROLE_TYPE], "maxSessionDuration", 1800.0, "below the minimum 3600"),
    (ROLE_POLICY, VALID[ROLE_POLICY], "name", "write logs", "does not match the pattern"),
    (
        LOGGING,
        VALID[LOGGING],
        "loggingConfig.cloudwatchConfig.roleArn",
        "arn:aws:iam::123456789012:user/x",
        "does not match the pattern",
    ),
    (
        LOGGING,
        VALID[LOGGING],
        "loggingConfig.cloudwatchConfig.largeDataDeliveryS3Config.bucketName",
        "ab",
        "fewer than the minimum 3",
    ),
]


@pytest.mark.parametrize(("type_", "base", "path", "value", "message"), BREAKS)
def test_each_broken_value_is_reported(type_: str, base: dict[str, Any], path: str, value: Any, message: str) -> None:
    assert ac.violations(resource(type_, base)) == []
    problems = ac.violations(resource(type_, changed(base, path, value)))
    assert any(message in p for p in problems), problems


def test_data_protection_policy_shape_is_checked() -> None:
    type_ = DATA_PROTECTION
    policy = json.loads(VALID[type_]["policyDocument"])
    mismatched = copy.deepcopy(policy)
    mismatched["Statement"][1]["DataIdentifier"].append("arn:aws:dataprotection::aws:data-identifier/IpAddress")
    masked = copy.deepcopy(policy)
    masked["Statement"][1]["Operation"]["Deidentify"]["MaskConfig"] = {"x": 1}
    huge = copy.deepcopy(policy)
    huge["Description"] = "x" * 31_000
    for broken, message in [
        (mismatched, "must be identical"),
        (masked, "Deidentify must be exactly"),
        (huge, "AWS allows 30,720"),
    ]:
        problems = ac.violations(resource(type_, {**VALID[type_], "policyDocument": json.dumps(broken)}))
        assert any(message in p for p in problems), problems


def test_an_unmapped_resource_type_is_reported() -> None:
    (problem,) = ac.violations(resource("aws:s3/bucket:Bucket", {"bucket": "x"}))
    assert "no mapping to an AWS API" in problem
