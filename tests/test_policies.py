"""The CrossGuard policy pack in policy/: every stack file passes, hand-made bad resources fail.

Policies are exercised the way the CrossGuard runtime calls them (pulumi/pulumi.md §3.2):
``policy.validate(ResourceValidationArgs(...), report)`` for resource policies and
``StackValidationArgs`` for stack policies, with the properties wrapped in CrossGuard's
unknown-checking proxy as the real analyzer does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy

from policy import policies as pp
from tests.program import ROOT, Preview, models, preview

Resource = dict[str, Any]
BY_NAME = {p.name: p for p in pp.POLICIES}


def _options(resource: Resource) -> PolicyResourceOptions:
    options = resource.get("options", {})
    return PolicyResourceOptions(
        protect=bool(options.get("protect")),
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=resource.get("parent") or None,
    )


def _urn(resource: Resource) -> str:
    return str(resource.get("urn") or f"urn:pulumi:test::llm-monitor::{resource['type']}::{resource['name']}")


def violations(policy: ResourceValidationPolicy | StackValidationPolicy, resources: list[Resource]) -> list[str]:
    """Messages ``policy`` reports for ``resources`` (resources.json records), each prefixed by its resource."""
    found: list[str] = []
    if isinstance(policy, ResourceValidationPolicy):
        for r in resources:
            args = ResourceValidationArgs(
                r["type"], unknown_checking_proxy(r["inputs"]), _urn(r), r["name"], _options(r), None
            )

            def report(message: str, urn: str | None = None, name: str = r["name"]) -> None:
                found.append(f"{name}: {message}")

            policy.validate(args, report)
        return found
    stack = {
        _urn(r): PolicyResource(
            r["type"], unknown_checking_proxy(r["inputs"]), _urn(r), r["name"], _options(r), None, None, [], {}
        )
        for r in resources
    }
    for r in resources:
        # The recording monitor keeps each registration's dependencies (explicit and from inputs).
        stack[_urn(r)].dependencies = [stack[u] for u in r.get("options", {}).get("dependsOn", []) if u in stack]
    names = {urn: r.name for urn, r in stack.items()}

    def report_stack(message: str, urn: str | None = None) -> None:
        found.append(f"{names.get(urn or '', 'stack')}: {message}")

    policy.validate(StackValidationArgs(list(stack.values())), report_stack)
    return found


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
    assert len(run.of_type(pp.COMPOSITE_ALARM)) > 1
    assert {name: violations(policy, run.resources) for name, policy in BY_NAME.items()} == {n: [] for n in BY_NAME}


APPLIES_TO = {
    "log-group-customer-managed-key": [pp.LOG_GROUP],
    "log-group-retention": [pp.LOG_GROUP],
    "sns-topic-customer-managed-key": [pp.TOPIC],
    "sns-topic-tls-only": [pp.TOPIC],
    "alarm-has-actions": [pp.METRIC_ALARM, pp.COMPOSITE_ALARM],
    "service-role-confused-deputy": [pp.ROLE],
    "no-wildcard-actions-on-sensitive-services": [pp.ROLE_POLICY, pp.KEY, pp.TOPIC_POLICY],
    "kms-key-rotation": [pp.KEY],
    "invocation-log-groups-protected": [pp.INVOCATION_LOGGING],
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
    topic = res(pp.TOPIC, "topic", kmsMasterKeyId=KEY_ARN)
    depends = [_urn(topic)] if attached else []
    policy = res(pp.TOPIC_POLICY, "topic-policy", {"dependsOn": depends}, arn=TOPIC_ARN, policy=doc(*policy_statements))
    return [topic, policy]


def logging_stack(**group: Any) -> list[Resource]:
    name = "/llm-monitor/dev/bedrock/model-invocations"
    options = group.pop("options", {})
    return [
        res(pp.LOG_GROUP, "invocations", options, name=name, kmsKeyId=KEY_ARN, retentionInDays=30.0, **group),
        res(pp.INVOCATION_LOGGING, "logging", loggingConfig={"cloudwatchConfig": {"logGroupName": name}}),
    ]


SERVICE_TRUST = {"Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "sts:AssumeRole"}
SCOPED = {"StringEquals": {"aws:SourceAccount": "123456789012"}}
ROOT_ADMIN = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*"}

# (policy, resources that must pass, the same with one thing wrong, expected message fragment)
CASES: list[tuple[str, list[Resource], list[Resource], str]] = [
    (
        "log-group-customer-managed-key",
        [res(pp.LOG_GROUP, kmsKeyId=KEY_ARN, retentionInDays=30.0)],
        [res(pp.LOG_GROUP, retentionInDays=30.0)],
        "kmsKeyId is not set",
    ),
    (
        "log-group-customer-managed-key",
        [res(pp.LOG_GROUP, kmsKeyId=KEY_ARN)],
        [res(pp.LOG_GROUP, kmsKeyId="arn:aws:kms:us-east-1:123456789012:alias/aws/logs")],
        "AWS-managed key",
    ),
    (
        "log-group-retention",
        [res(pp.LOG_GROUP, retentionInDays=30.0)],
        [res(pp.LOG_GROUP, retentionInDays=0.0)],
        "never expire",
    ),
    ("log-group-retention", [res(pp.LOG_GROUP, retentionInDays=1.0)], [res(pp.LOG_GROUP)], "never expire"),
    (
        "sns-topic-customer-managed-key",
        [res(pp.TOPIC, kmsMasterKeyId=KEY_ARN)],
        [res(pp.TOPIC, name="alarms")],
        "kmsMasterKeyId is not set",
    ),
    (
        "sns-topic-customer-managed-key",
        [res(pp.TOPIC, kmsMasterKeyId=KEY_ARN)],
        [res(pp.TOPIC, kmsMasterKeyId="alias/aws/sns")],
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
        [res(pp.METRIC_ALARM, alarmActions=[TOPIC_ARN])],
        [res(pp.METRIC_ALARM, okActions=[TOPIC_ARN])],
        "alarmActions is empty",
    ),
    (
        "alarm-has-actions",
        [res(pp.METRIC_ALARM, alarmActions=[TOPIC_ARN], actionsEnabled=True)],
        [res(pp.METRIC_ALARM, alarmActions=[TOPIC_ARN], actionsEnabled=False)],
        "actionsEnabled is false",
    ),
    (
        "alarm-has-actions",
        [res(pp.COMPOSITE_ALARM, alarmActions=[TOPIC_ARN])],
        [res(pp.COMPOSITE_ALARM, alarmActions=[])],
        "alarmActions is empty",
    ),
    (
        # A silent part of a nested roll-up passes only while a roll-up above it names it.
        "alarm-has-actions",
        [
            res(pp.COMPOSITE_ALARM, "part", alarmName="health-part-1", alarmActions=[], alarmRule='ALARM("a")'),
            res(
                pp.COMPOSITE_ALARM,
                "top",
                alarmName="health",
                alarmActions=[TOPIC_ARN],
                alarmRule='ALARM("health-part-1")',
            ),
        ],
        [
            res(pp.COMPOSITE_ALARM, "part", alarmName="health-part-1", alarmActions=[], alarmRule='ALARM("a")'),
            res(pp.COMPOSITE_ALARM, "top", alarmName="health", alarmActions=[TOPIC_ARN], alarmRule='ALARM("other")'),
        ],
        "alarmActions is empty",
    ),
    (
        "service-role-confused-deputy",
        [res(pp.ROLE, assumeRolePolicy=doc({**SERVICE_TRUST, "Condition": SCOPED}))],
        [res(pp.ROLE, assumeRolePolicy=doc(SERVICE_TRUST))],
        "confused deputy",
    ),
    (
        "service-role-confused-deputy",
        [res(pp.ROLE, assumeRolePolicy=doc({**SERVICE_TRUST, "Condition": {"ArnLike": {"aws:SourceArn": "arn:x"}}}))],
        [
            res(
                pp.ROLE,
                assumeRolePolicy=doc({**SERVICE_TRUST, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "1"}}}),
            )
        ],
        "confused deputy",
    ),
    (
        "no-wildcard-actions-on-sensitive-services",
        [res(pp.ROLE_POLICY, policy=doc({"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "*"}))],
        [res(pp.ROLE_POLICY, policy=doc({"Effect": "Allow", "Action": ["logs:*"], "Resource": "*"}))],
        "allows logs:*",
    ),
    (
        "no-wildcard-actions-on-sensitive-services",
        [res(pp.ROLE, inlinePolicies=[{"name": "p", "policy": doc({"Effect": "Allow", "Action": "s3:GetObject"})}])],
        [res(pp.ROLE, inlinePolicies=[{"name": "p", "policy": doc({"Effect": "Allow", "Action": "*"})}])],
        "inlinePolicies[0]: allows *",
    ),
    (
        "no-wildcard-actions-on-sensitive-services",
        [res(pp.IAM_POLICY, policy=doc({"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}))],
        [res(pp.IAM_POLICY, policy=doc({"Effect": "Allow", "NotAction": "s3:GetObject", "Resource": "*"}))],
        "NotAction",
    ),
    (
        "no-wildcard-actions-on-sensitive-services",
        [res(pp.KEY, policy=doc(ROOT_ADMIN))],
        [res(pp.KEY, policy=doc({**ROOT_ADMIN, "Principal": {"Service": "logs.us-east-1.amazonaws.com"}}))],
        "allows kms:*",
    ),
    (
        "no-wildcard-actions-on-sensitive-services",
        [res(pp.TOPIC_POLICY, policy=doc(TLS_ONLY))],
        [res(pp.TOPIC_POLICY, policy=doc({**TLS_ONLY, "Effect": "Allow", "Action": "SNS:*"}))],
        "allows SNS:*",
    ),
    ("kms-key-rotation", [res(pp.KEY, enableKeyRotation=True)], [res(pp.KEY)], "enableKeyRotation is not true"),
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


def test_every_policy_has_a_failing_case() -> None:
    assert {c[0] for c in CASES} == set(BY_NAME)


def test_policies_ignore_resources_they_do_not_govern() -> None:
    unrelated = [res("aws:cloudwatch/dashboard:Dashboard", dashboardName="d", dashboardBody="{}")]
    assert {name: violations(p, unrelated) for name, p in BY_NAME.items()} == {name: [] for name in BY_NAME}


def test_unknown_values_surface_as_crossguard_unknowns() -> None:
    """During preview an ARN not yet known must not read as "not set"; CrossGuard reports it as unknown."""
    from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

    with pytest.raises(UnknownValueError):
        violations(BY_NAME["log-group-customer-managed-key"], [res(pp.LOG_GROUP, kmsKeyId=UNKNOWN_STRING_VALUE)])


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
