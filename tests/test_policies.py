"""The CrossGuard policy pack in policy/: every stack file passes, hand-made bad resources fail.

Policies run as the CrossGuard runtime calls them (``tests/policy_harness.py``). The rules that
guard against what would hurt a real stack are also proven on the program's own output, mutated
(``tests/test_policies_mutations.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pack_types as pt
import pytest

from tests.policy_harness import BY_NAME, Resource, urn_of, violations
from tests.program import ROOT, Preview, models, preview

# --- every stack file passes ----------------------------------------------------------------------


STACK_POLICY_PAIRS = [(stack, name) for stack in ("dev", "prod") for name in sorted(BY_NAME)]


@pytest.mark.parametrize(("stack", "name"), STACK_POLICY_PAIRS)
def test_stack_files_pass_every_policy(stack: str, name: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    assert violations(BY_NAME[name], run.resources) == []


def test_a_stack_with_a_nested_roll_up_passes_every_policy(tmp_path: Path) -> None:
    # 40 models give more than 100 alarms: the roll-up is split into silent parts under one top.
    run = preview(
        tmp_path, "wide", {"aws:region": "us-east-1", "llm-monitor:models": models(40, inputTokenPrice=0.001)}
    )
    assert len(run.of_type(pt.COMPOSITE_ALARM)) > 1
    assert {name: violations(policy, run.resources) for name, policy in BY_NAME.items()} == {n: [] for n in BY_NAME}


def test_an_account_wide_only_stack_that_owns_invocation_logging_passes_every_policy(tmp_path: Path) -> None:
    config = {
        "aws:region": "us-east-1",
        "llm-monitor:models": [],
        "llm-monitor:accountWideOnly": True,
        "llm-monitor:logs": {"invocationLogging": {"enabled": True}},
    }
    run = preview(tmp_path, "account", config)
    assert run.of_type(pt.INVOCATION_LOGGING)
    # Delivery failures and the topic's failed notifications (no model to judge stopped delivery by).
    assert len(run.of_type(pt.METRIC_ALARM)) == 2
    assert {name: violations(policy, run.resources) for name, policy in BY_NAME.items()} == {n: [] for n in BY_NAME}


APPLIES_TO = {
    "log-group-customer-managed-key": [pt.LOG_GROUP],
    "log-group-retention": [pt.LOG_GROUP],
    "sns-topic-customer-managed-key": [pt.TOPIC],
    "sns-topic-tls-only": [pt.TOPIC],
    "alarm-has-actions": [pt.METRIC_ALARM, pt.COMPOSITE_ALARM],
    "service-role-confused-deputy": [pt.ROLE],
    "no-wildcard-actions-on-sensitive-services": [pt.IAM_POLICY, pt.KEY, pt.TOPIC_POLICY],
    "kms-key-rotation": [pt.KEY],
    "invocation-log-groups-protected": [pt.INVOCATION_LOGGING],
    "invocation-log-groups-masked": [pt.INVOCATION_LOGGING, pt.DATA_PROTECTION],
    "kms-key-policy-own-account": [pt.KEY],
    "resource-policy-principals-scoped": [pt.KEY, pt.TOPIC_POLICY],
    "alarm-topic-key-allows-cloudwatch": [pt.TOPIC, pt.KEY, pt.METRIC_ALARM, pt.COMPOSITE_ALARM],
    "iam-no-inline-policies": [pt.ROLE],
    "iam-no-writes-on-every-resource": [pt.IAM_POLICY],
}


def test_every_policy_has_something_to_check_in_prod(prod: Preview) -> None:
    """Passing is not vacuous: prod registers resources of every type a policy looks at."""
    assert sorted(APPLIES_TO) == sorted(BY_NAME)
    registered = {r["type"] for r in prod.resources}
    missing = {name: types for name, types in APPLIES_TO.items() if not set(types) <= registered}
    assert missing == {}


# --- hand-made resources: each policy fails where it should -------------------------------------------------

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alarms"
TLS_ONLY = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "sns:*",
    "Resource": TOPIC_ARN,
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def res(type_: str, _name: str = "r", _options: dict[str, Any] | None = None, **inputs: Any) -> Resource:
    """A resources.json record: ``_name`` is the Pulumi name, keyword arguments the inputs."""
    return {"type": type_, "name": _name, "inputs": inputs, "options": _options or {}}


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def topic_with(policy_statements: list[dict[str, Any]], *, attached: bool = True) -> list[Resource]:
    topic = res(pt.TOPIC, "topic", kmsMasterKeyId=KEY_ARN)
    depends = [urn_of(topic)] if attached else []
    policy = res(pt.TOPIC_POLICY, "topic-policy", {"dependsOn": depends}, arn=TOPIC_ARN, policy=doc(*policy_statements))
    return [topic, policy]


def logging_stack(**group: Any) -> list[Resource]:
    name = "/llm-monitor/dev/bedrock/model-invocations"
    options = group.pop("options", {})
    return [
        res(pt.LOG_GROUP, "invocations", options, name=name, kmsKeyId=KEY_ARN, retentionInDays=30.0, **group),
        res(pt.INVOCATION_LOGGING, "logging", loggingConfig={"cloudwatchConfig": {"logGroupName": name}}),
    ]


SERVICE_TRUST = {"Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "sts:AssumeRole"}
SCOPED = {"StringEquals": {"aws:SourceAccount": "123456789012"}}
ROOT_ADMIN = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*"}

# (policy, resources that must pass, the same with one thing wrong, expected message fragment)
CASES: list[tuple[str, list[Resource], list[Resource], str]] = [
    (
        "log-group-customer-managed-key",
        [res(pt.LOG_GROUP, kmsKeyId=KEY_ARN, retentionInDays=30.0)],
        [res(pt.LOG_GROUP, retentionInDays=30.0)],
        "kmsKeyId is not set",
    ),
    (
        "log-group-customer-managed-key",
        [res(pt.LOG_GROUP, kmsKeyId=KEY_ARN)],
        [res(pt.LOG_GROUP, kmsKeyId="arn:aws:kms:us-east-1:123456789012:alias/aws/logs")],
        "AWS-managed key",
    ),
    (
        "log-group-retention",
        [res(pt.LOG_GROUP, retentionInDays=30.0)],
        [res(pt.LOG_GROUP, retentionInDays=0.0)],
        "never expire",
    ),
    ("log-group-retention", [res(pt.LOG_GROUP, retentionInDays=1.0)], [res(pt.LOG_GROUP)], "never expire"),
    (
        "sns-topic-customer-managed-key",
        [res(pt.TOPIC, kmsMasterKeyId=KEY_ARN)],
        [res(pt.TOPIC, name="alarms")],
        "kmsMasterKeyId is not set",
    ),
    (
        "sns-topic-customer-managed-key",
        [res(pt.TOPIC, kmsMasterKeyId=KEY_ARN)],
        [res(pt.TOPIC, kmsMasterKeyId="alias/aws/sns")],
        "alias/aws/sns",
    ),
    ("sns-topic-tls-only", topic_with([TLS_ONLY]), topic_with([]), "aws:SecureTransport is false"),
    (
        "sns-topic-tls-only",
        topic_with([TLS_ONLY]),
        topic_with([{**TLS_ONLY, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]),
        "aws:SecureTransport is false",
    ),
    (
        "sns-topic-tls-only",
        topic_with([TLS_ONLY]),
        topic_with([{**TLS_ONLY, "Principal": {"AWS": "arn:aws:iam::123456789012:role/x"}}]),
        "aws:SecureTransport is false",
    ),
    (
        "sns-topic-tls-only",
        topic_with([TLS_ONLY]),
        topic_with([{**TLS_ONLY, "Action": "sns:Subscribe"}]),
        "aws:SecureTransport is false",
    ),
    ("sns-topic-tls-only", topic_with([TLS_ONLY]), topic_with([TLS_ONLY], attached=False), "SecureTransport"),
    (
        "alarm-has-actions",
        [res(pt.METRIC_ALARM, alarmActions=[TOPIC_ARN])],
        [res(pt.METRIC_ALARM, okActions=[TOPIC_ARN])],
        "alarmActions is empty",
    ),
    (
        "alarm-has-actions",
        [res(pt.METRIC_ALARM, alarmActions=[TOPIC_ARN], actionsEnabled=True)],
        [res(pt.METRIC_ALARM, alarmActions=[TOPIC_ARN], actionsEnabled=False)],
        "actionsEnabled is false",
    ),
    (
        "alarm-has-actions",
        [res(pt.COMPOSITE_ALARM, alarmActions=[TOPIC_ARN])],
        [res(pt.COMPOSITE_ALARM, alarmActions=[])],
        "alarmActions is empty",
    ),
    (
        # A silent part of a nested roll-up passes only while a roll-up above it names it.
        "alarm-has-actions",
        [
            res(pt.COMPOSITE_ALARM, "part", alarmName="health-part-1", alarmActions=[], alarmRule='ALARM("a")'),
            res(
                pt.COMPOSITE_ALARM,
                "top",
                alarmName="health",
                alarmActions=[TOPIC_ARN],
                alarmRule='ALARM("health-part-1")',
            ),
        ],
        [
            res(pt.COMPOSITE_ALARM, "part", alarmName="health-part-1", alarmActions=[], alarmRule='ALARM("a")'),
            res(pt.COMPOSITE_ALARM, "top", alarmName="health", alarmActions=[TOPIC_ARN], alarmRule='ALARM("other")'),
        ],
        "alarmActions is empty",
    ),
    (
        "service-role-confused-deputy",
        [res(pt.ROLE, assumeRolePolicy=doc({**SERVICE_TRUST, "Condition": SCOPED}))],
        [res(pt.ROLE, assumeRolePolicy=doc(SERVICE_TRUST))],
        "confused deputy",
    ),
    (
        "service-role-confused-deputy",
        [
            res(
                pt.ROLE,
                assumeRolePolicy=doc({**SERVICE_TRUST, "Condition": {"ArnLike": {"aws:SourceArn": "arn:x"}}}),
            )
        ],
        [
            res(
                pt.ROLE,
                assumeRolePolicy=doc({**SERVICE_TRUST, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "1"}}}),
            )
        ],
        "confused deputy",
    ),
    (
        "no-wildcard-actions-on-sensitive-services",
        [res(pt.ROLE_POLICY, policy=doc({"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "*"}))],
        [res(pt.ROLE_POLICY, policy=doc({"Effect": "Allow", "Action": ["logs:*"], "Resource": "*"}))],
        "allows logs:*",
    ),
    (
        "no-wildcard-actions-on-sensitive-services",
        [res(pt.ROLE, inlinePolicies=[{"name": "p", "policy": doc({"Effect": "Allow", "Action": "s3:GetObject"})}])],
        [res(pt.ROLE, inlinePolicies=[{"name": "p", "policy": doc({"Effect": "Allow", "Action": "*"})}])],
        "inlinePolicies[0]: allows *",
    ),
    (
        "no-wildcard-actions-on-sensitive-services",
        [res(pt.IAM_POLICY, policy=doc({"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}))],
        [res(pt.IAM_POLICY, policy=doc({"Effect": "Allow", "NotAction": "s3:GetObject", "Resource": "*"}))],
        "NotAction",
    ),
    (
        "no-wildcard-actions-on-sensitive-services",
        [res(pt.KEY, policy=doc(ROOT_ADMIN))],
        [res(pt.KEY, policy=doc({**ROOT_ADMIN, "Principal": {"Service": "logs.us-east-1.amazonaws.com"}}))],
        "allows kms:*",
    ),
    (
        "no-wildcard-actions-on-sensitive-services",
        [res(pt.TOPIC_POLICY, policy=doc(TLS_ONLY))],
        [res(pt.TOPIC_POLICY, policy=doc({**TLS_ONLY, "Effect": "Allow", "Action": "SNS:*"}))],
        "allows SNS:*",
    ),
    ("kms-key-rotation", [res(pt.KEY, enableKeyRotation=True)], [res(pt.KEY)], "enableKeyRotation is not true"),
    (
        "invocation-log-groups-protected",
        logging_stack(deletionProtectionEnabled=True),
        logging_stack(deletionProtectionEnabled=False),
        "holds Bedrock invocation logs",
    ),
    (
        "invocation-log-groups-protected",
        logging_stack(options={"protect": True}),
        logging_stack(options={"protect": False, "retainOnDelete": True}),
        "holds Bedrock invocation logs",
    ),
    (
        "invocation-log-groups-protected",
        logging_stack(skipDestroy=True),
        logging_stack(skipDestroy=False),
        "holds Bedrock invocation logs",
    ),
]


@pytest.mark.parametrize(("name", "good", "bad", "message"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_policy_fails_where_it_should(name: str, good: list[Resource], bad: list[Resource], message: str) -> None:
    policy = BY_NAME[name]
    assert violations(policy, good) == []
    found = violations(policy, bad)
    assert any(message in f for f in found), found


def test_policies_ignore_resources_they_do_not_govern() -> None:
    unrelated = [res("aws:cloudwatch/dashboard:Dashboard", dashboardName="d", dashboardBody="{}")]
    assert {name: violations(p, unrelated) for name, p in BY_NAME.items()} == {name: [] for name in BY_NAME}


def test_unknown_values_surface_as_crossguard_unknowns() -> None:
    """During preview an ARN not yet known must not read as "not set"; CrossGuard reports it as unknown."""
    from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

    with pytest.raises(UnknownValueError):
        violations(BY_NAME["log-group-customer-managed-key"], [res(pt.LOG_GROUP, kmsKeyId=UNKNOWN_STRING_VALUE)])


def test_the_pack_starts_and_serves_crossguard() -> None:
    """``policy/__main__.py`` builds the PolicyPack (names valid, policies importable) and listens for the CLI."""
    process = subprocess.Popen(
        [sys.executable, "__main__.py"], cwd=ROOT / "policy", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        assert port.isdigit(), process.stderr.read() if process.stderr else port
    finally:
        process.kill()
        process.wait()
