"""The logs resources of the whole program, as `pulumi up` would register them (mock runtime)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.aws_constraints import violations
from tests.program import Preview, fixture_config, preview, preview_failure

COMPONENT = "llm-monitor:index:InvocationLogs"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
KEY = "aws:kms/key:Key"
PROTECTION = "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy"
FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
QUERY = "aws:cloudwatch/queryDefinition:QueryDefinition"
RULE = "aws:cloudwatch/contributorInsightRule:ContributorInsightRule"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
LOG_TYPES = (
    LOG_GROUP,
    KEY,
    "aws:kms/alias:Alias",
    PROTECTION,
    FILTER,
    RULE,
    QUERY,
    ROLE,
    IAM_POLICY,
    ATTACHMENT,
    LOGGING,
)
ACCOUNT = "123456789012"  # the preview's mock account
# Masked when a stack lists no identifiers (README, "llm-monitor:logs").
DOCUMENTED_DEFAULT_IDENTIFIERS = [
    "AwsSecretKey",
    "CreditCardNumber",
    "EmailAddress",
    "OpenSshPrivateKey",
    "PgpPrivateKey",
    "PkcsPrivateKey",
    "PuttyPrivateKey",
]
REGIONS = {"dev": "us-east-1", "prod": "eu-west-1"}


def run_of(stack: str, request: pytest.FixtureRequest) -> Preview:
    run: Preview = request.getfixturevalue(stack)
    return run


def logs_resources(run: Preview) -> list[dict[str, Any]]:
    """Every AWS resource under the InvocationLogs component (any depth)."""
    (component,) = run.of_type(COMPONENT)
    inside = {component["urn"]}
    while True:
        found = [r for r in run.resources if r["parent"] in inside]
        if {r["urn"] for r in found} <= inside:
            return found
        inside |= {r["urn"] for r in found}


def groups(run: Preview) -> dict[str, dict[str, Any]]:
    """Log groups by the last part of their logical name (invocations, application)."""
    return {r["name"].rsplit("-", 1)[-1]: r for r in run.of_type(LOG_GROUP)}


def policy_statements(document: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = json.loads(document)["Statement"]
    return statements


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_logs_resource_is_inside_the_component_on_the_stack_provider(
    stack: str, request: pytest.FixtureRequest
) -> None:
    run = run_of(stack, request)
    (provider,) = run.of_type("pulumi:providers:aws")
    inside = logs_resources(run)
    custom = [r for r in inside if r["custom"]]
    assert {r["type"] for r in custom} == set(LOG_TYPES)
    assert len([r for r in run.resources if r["type"] in LOG_TYPES and "monitoring-logs-" in r["name"]]) == len(custom)
    for r in inside:
        assert r["name"].startswith("monitoring-logs-"), r["name"]
    for r in custom:
        assert r["provider"].startswith(provider["urn"] + "::"), r["name"]
        assert violations(r) == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_log_groups_are_encrypted_kept_and_exported(stack: str, request: pytest.FixtureRequest) -> None:
    run = run_of(stack, request)
    config = fixture_config(stack)["llm-monitor:logs"]
    found = groups(run)
    assert set(found) == {"invocations", "application"}
    (key,) = [k for k in run.of_type(KEY) if k["name"].startswith("monitoring-logs-")]
    assert run.outputs["logGroupNames"] == [
        found["invocations"]["inputs"]["name"],
        found["application"]["inputs"]["name"],
    ]
    assert run.outputs["logsKmsKeyArn"].startswith(f"arn:aws:kms:{REGIONS[stack]}:{ACCOUNT}:key/")
    for group in found.values():
        inputs = group["inputs"]
        assert inputs["kmsKeyId"] == run.outputs["logsKmsKeyArn"]
        assert inputs["retentionInDays"] == config["retentionDays"]
        assert inputs["logGroupClass"] == "STANDARD"
        assert inputs["deletionProtectionEnabled"] is config["protect"]
        assert group["options"]["retainOnDelete"] is True
        assert group["options"]["protect"] is config["protect"]
        assert key["urn"] in group["options"]["dependsOn"]
    assert key["inputs"]["enableKeyRotation"] is True
    assert key["options"] == {**key["options"], "retainOnDelete": True, "protect": config["protect"]}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_masking_is_kept_and_protected_exactly_like_its_log_group(stack: str, request: pytest.FixtureRequest) -> None:
    """A destroy that kept a group but deleted its masking would leave applications writing unmasked."""
    run = run_of(stack, request)
    protect = fixture_config(stack)["llm-monitor:logs"]["protect"]
    policies = run.of_type(PROTECTION)
    assert len(policies) == 2
    for policy in policies:
        (group,) = [g for g in run.of_type(LOG_GROUP) if g["inputs"]["name"] == policy["inputs"]["logGroupName"]]
        assert group["urn"] in policy["options"]["dependsOn"]
        assert policy["options"]["retainOnDelete"] is True
        assert policy["options"]["protect"] is protect
        kept = ("protect", "retainOnDelete")
        assert {k: policy["options"][k] for k in kept} == {k: group["options"][k] for k in kept}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_key_policy_names_exactly_the_two_log_groups_of_the_stack(stack: str, request: pytest.FixtureRequest) -> None:
    run = run_of(stack, request)
    region = REGIONS[stack]
    (key,) = [k for k in run.of_type(KEY) if k["name"].startswith("monitoring-logs-")]
    assert "${AWS::AccountId}" not in key["inputs"]["policy"]
    admin, logs = policy_statements(key["inputs"]["policy"])
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert logs["Principal"] == {"Service": f"logs.{region}.amazonaws.com"}
    (condition,) = logs["Condition"].values()
    expected = sorted(f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}" for name in run.outputs["logGroupNames"])
    assert condition == {"kms:EncryptionContext:aws:logs:arn": expected}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_group_masks_the_configured_identifiers(stack: str, request: pytest.FixtureRequest) -> None:
    run = run_of(stack, request)
    protection = fixture_config(stack)["llm-monitor:logs"].get("dataProtection", {})
    policies = {p["inputs"]["logGroupName"]: json.loads(p["inputs"]["policyDocument"]) for p in run.of_type(PROTECTION)}
    assert sorted(policies) == sorted(run.outputs["logGroupNames"])
    for policy in policies.values():
        audit, mask = policy["Statement"]
        assert "Audit" in audit["Operation"]
        assert mask["Operation"] == {"Deidentify": {"MaskConfig": {}}}
        assert audit["DataIdentifier"] == mask["DataIdentifier"]
        managed = [i.rsplit("/", 1)[-1] for i in audit["DataIdentifier"] if i.startswith("arn:")]
        assert managed == protection.get("identifiers", DOCUMENTED_DEFAULT_IDENTIFIERS)
        custom = [c["name"] for c in protection.get("customIdentifiers", [])]
        assert [i for i in audit["DataIdentifier"] if not i.startswith("arn:")] == custom


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_bedrock_logs_into_the_invocation_group_through_a_least_privilege_role(
    stack: str, request: pytest.FixtureRequest
) -> None:
    run = run_of(stack, request)
    region, invocations = REGIONS[stack], run.outputs["logGroupNames"][0]
    (role,) = run.of_type(ROLE)
    (policy,) = run.of_type(IAM_POLICY)
    (attachment,) = run.of_type(ATTACHMENT)
    (logging,) = run.of_type(LOGGING)
    # A managed policy attached to the role, no inline one (cdk-nag IAMNoInlinePolicy).
    assert run.of_type(ROLE_POLICY) == []
    assert "inlinePolicies" not in role["inputs"]
    assert {role["urn"], policy["urn"]} <= set(attachment["options"]["dependsOn"])
    assert attachment["inputs"]["role"] == role["name"]  # the role's ID is its name
    assert attachment["inputs"]["policyArn"].endswith(f":{policy['name']}")
    (trust,) = policy_statements(role["inputs"]["assumeRolePolicy"])
    assert trust["Principal"] == {"Service": "bedrock.amazonaws.com"}
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:{region}:{ACCOUNT}:*"},
    }
    (allow,) = policy_statements(policy["inputs"]["policy"])
    assert sorted(allow["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert allow["Resource"] == (
        f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{invocations}:log-stream:aws/bedrock/modelinvocations"
    )
    cloudwatch = logging["inputs"]["loggingConfig"]["cloudwatchConfig"]
    assert cloudwatch["logGroupName"] == invocations
    assert cloudwatch["roleArn"] == f"arn:aws:iam::{ACCOUNT}:role/{role['name']}"
    assert attachment["urn"] in logging["options"]["dependsOn"]
    # Masking must exist before the first record arrives: it applies only to later events.
    (masking,) = [r for r in run.of_type(PROTECTION) if r["inputs"]["logGroupName"] == invocations]
    assert masking["urn"] in logging["options"]["dependsOn"]
    configured = fixture_config(stack)["llm-monitor:logs"]["invocationLogging"]
    delivered = {
        t
        for t in ("text", "image", "embedding", "video")
        if logging["inputs"]["loggingConfig"][f"{t}DataDeliveryEnabled"]
    }
    assert delivered == set(configured.get("dataTypes", ["text"]))
    assert ("largeDataDeliveryS3Config" in cloudwatch) == ("largeDataS3" in configured)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_filters_and_queries_sit_on_the_group_whose_records_they_read(
    stack: str, request: pytest.FixtureRequest
) -> None:
    run = run_of(stack, request)
    invocations, application = run.outputs["logGroupNames"]
    filters = run.of_type(FILTER)
    assert filters
    for f in filters:
        reads_bedrock_records = '$.schemaType = "ModelInvocationLog"' in f["inputs"]["pattern"]
        assert f["inputs"]["logGroupName"] == (invocations if reads_bedrock_records else application)
        transformation = f["inputs"]["metricTransformation"]
        dimensions = transformation.get("dimensions", {})
        assert len(dimensions) <= 3
        assert not (dimensions and "defaultValue" in transformation)
        for selector in [transformation["value"], *dimensions.values()]:
            assert selector == "1" or f"({selector} " in f["inputs"]["pattern"]
    queries = run.of_type(QUERY)
    assert len(queries) >= 8
    for q in queries:
        expected = invocations if "schemaType" in q["inputs"]["queryString"] else application
        assert q["inputs"]["logGroupNames"] == [expected], q["name"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_dashboard_shows_delivery_failures_and_queries_the_stack_s_groups(
    stack: str, request: pytest.FixtureRequest
) -> None:
    run = run_of(stack, request)
    text = json.dumps(run.dashboard_bodies())
    assert "ModelInvocationLogsCloudWatchDeliveryFailure" in text
    sources = set(re.findall(r"SOURCE '([^']+)'", text))
    assert sources == set(run.outputs["logGroupNames"])


def test_a_stack_that_does_not_own_invocation_logging_keeps_groups_filters_and_queries(tmp_path: Path) -> None:
    config = fixture_config("dev")
    config["llm-monitor:logs"] = {**config["llm-monitor:logs"], "invocationLogging": {"enabled": False}}
    run = preview(tmp_path, "shared", config)
    assert not run.of_type(LOGGING)
    assert not run.of_type(ROLE)
    assert not run.of_type("llm-monitor:index:BedrockInvocationLogging")
    assert len(run.of_type(LOG_GROUP)) == 2
    assert run.of_type(FILTER)
    assert run.of_type(QUERY)
    assert "ModelInvocationLogsCloudWatchDeliveryFailure" not in json.dumps(run.dashboard_bodies())


def test_invalid_logs_config_fails_with_key_paths_and_registers_nothing(tmp_path: Path) -> None:
    config = fixture_config("prod")
    config["llm-monitor:logs"] = {
        **config["llm-monitor:logs"],
        "retentionDays": 45,
        "invocationLogging": {"enabled": True, "dataTypes": ["video"]},
    }
    failure = preview_failure(tmp_path, config)
    assert "llm-monitor:logs.retentionDays" in failure.stderr
    assert "llm-monitor:logs.invocationLogging" in failure.stderr
    assert "Traceback" not in failure.stderr
    assert not failure.out_dir.exists()
