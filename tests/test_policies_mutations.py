"""The policy pack catches what would hurt, on the program's REAL output.

Each case takes what a stack file registers (the ``dev`` or ``prod`` preview), changes one thing
the way a careless edit or a bad merge would, and checks that the rule fires; the unmodified
stacks pass every rule (``tests/test_policies.py``). A mutation that no longer applies (the
resource or statement it edits is gone) fails loudly instead of passing vacuously.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pack_types as pt
import pytest
from access_rules import key_account_problems, principal_scope_problems

from llm_monitor.log_policies import large_data_bucket_policy, large_data_key_statement
from tests.policy_harness import BY_NAME, Resource, violations
from tests.program import Preview
from tests.test_policies import CASES

OTHER_ACCOUNT = "999999999999"


def only(resources: list[Resource], type_: str, name: str) -> Resource:
    (match,) = [r for r in resources if r["type"] == type_ and r["name"] == name]
    return match


def edit_policy(resource: Resource, field: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply ``change`` to the JSON policy document in ``resource.inputs[field]``."""
    document = json.loads(resource["inputs"][field])
    change(document)
    resource["inputs"][field] = json.dumps(document)


def statement(document: dict[str, Any], sid: str) -> dict[str, Any]:
    (match,) = [s for s in document["Statement"] if s.get("Sid") == sid]
    return match


def drop(document: dict[str, Any], sid: str) -> None:
    document["Statement"].remove(statement(document, sid))


def on_key(name: str, change: Callable[[dict[str, Any]], None]) -> Callable[[list[Resource]], None]:
    return lambda resources: edit_policy(only(resources, pt.KEY, name), "policy", change)


def on_topic_policy(change: Callable[[dict[str, Any]], None]) -> Callable[[list[Resource]], None]:
    return lambda resources: edit_policy(
        only(resources, pt.TOPIC_POLICY, "monitoring-notifications-topic-policy"), "policy", change
    )


def on_masking(group: str, change: Callable[[dict[str, Any]], None]) -> Callable[[list[Resource]], None]:
    return lambda resources: edit_policy(
        only(resources, pt.DATA_PROTECTION, f"monitoring-logs-groups-{group}-data-protection"), "policyDocument", change
    )


CW_KEY_SID = "AllowCloudWatchAlarmsToPublishEncrypted"
LOGS_KEY_SID = "AllowCloudWatchLogsForTheseLogGroups"
ADMIN_SID = "EnableAccountAdministration"


def set_condition(sid: str, condition: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    return lambda document: statement(document, sid).__setitem__("Condition", condition)


def append(extra: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    return lambda document: document["Statement"].append(extra)


def remove_resource(type_: str, name: str) -> Callable[[list[Resource]], None]:
    return lambda resources: resources.remove(only(resources, type_, name))


def encrypt_topic_with_the_logs_key(resources: list[Resource]) -> None:
    topic = only(resources, pt.TOPIC, "monitoring-notifications-topic")
    logs_key = only(resources, pt.KEY, "monitoring-logs-groups-key")
    topic["inputs"]["kmsMasterKeyId"] = "arn:aws:kms:eu-west-1:123456789012:key/logs-key"
    old = only(resources, pt.KEY, "monitoring-notifications-key")["urn"]
    topic["options"]["dependsOn"] = [logs_key["urn"] if u == old else u for u in topic["options"]["dependsOn"]]


def inline_the_logging_policy(resources: list[Resource]) -> None:
    """What the program registered before: the role's permissions as an inline RolePolicy."""
    policy = only(resources, pt.IAM_POLICY, "monitoring-logs-bedrock-policy")
    resources.remove(
        only(
            resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "monitoring-logs-bedrock-policy-attachment"
        )
    )
    policy["type"] = pt.ROLE_POLICY
    policy["inputs"] = {"role": "monitoring-logs-bedrock-role", "policy": policy["inputs"]["policy"]}


def embed_in_role(resources: list[Resource]) -> None:
    role = only(resources, pt.ROLE, "monitoring-logs-bedrock-role")
    policy = only(resources, pt.IAM_POLICY, "monitoring-logs-bedrock-policy")
    role["inputs"]["inlinePolicies"] = [{"name": "write-logs", "policy": policy["inputs"]["policy"]}]


def widen_to_every_resource(document: dict[str, Any]) -> None:
    document["Statement"][0]["Resource"] = "*"


def use_not_resource(document: dict[str, Any]) -> None:
    document["Statement"][0]["NotResource"] = document["Statement"][0].pop("Resource")


def mask_fewer_than_audited(document: dict[str, Any]) -> None:
    statement(document, "redact")["DataIdentifier"].pop()


@dataclass(frozen=True)
class Mutation:
    policy: str
    stack: str
    what: str
    change: Callable[[list[Resource]], None]
    message: str


MUTATIONS = [
    # --- a key policy that lets other accounts in, or locks its own account out
    Mutation(
        "kms-key-policy-own-account",
        "dev",
        "another account's root may decrypt with the alarm key",
        on_key(
            "monitoring-notifications-key",
            append(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                    "Action": "kms:Decrypt",
                    "Resource": "*",
                }
            ),
        ),
        f"of account {OTHER_ACCOUNT}, outside the key's account 123456789012",
    ),
    Mutation(
        "kms-key-policy-own-account",
        "dev",
        "a role of another account may use the logs key",
        on_key(
            "monitoring-logs-groups-key",
            append(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": [f"arn:aws:iam::{OTHER_ACCOUNT}:role/reader"]},
                    "Action": ["kms:Decrypt"],
                    "Resource": "*",
                }
            ),
        ),
        f"allows arn:aws:iam::{OTHER_ACCOUNT}:role/reader",
    ),
    Mutation(
        "kms-key-policy-own-account",
        "prod",
        "the logs key loses its account-root statement (lock-out)",
        on_key("monitoring-logs-groups-key", lambda d: drop(d, ADMIN_SID)),
        "no statement lets the account root",
    ),
    Mutation(
        "kms-key-policy-own-account",
        "prod",
        "the account root's statement gets a condition (lock-out once it stops matching)",
        on_key(
            "monitoring-notifications-key",
            set_condition(ADMIN_SID, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        ),
        "no statement lets the account root",
    ),
    Mutation(
        "kms-key-policy-own-account",
        "dev",
        "anyone may decrypt with the logs key",
        on_key(
            "monitoring-logs-groups-key",
            append({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}),
        ),
        "every principal ('*')",
    ),
    # --- service principals without a concrete scope, or '*', in topic and key policies
    Mutation(
        "resource-policy-principals-scoped",
        "dev",
        "the topic policy's CloudWatch grant loses its conditions",
        on_topic_policy(lambda d: statement(d, "AllowCloudWatchAlarmsToPublish").pop("Condition")),
        "lets cloudwatch.amazonaws.com act for anyone",
    ),
    Mutation(
        "resource-policy-principals-scoped",
        "prod",
        "the alarm key's CloudWatch grant is scoped by wildcards only",
        on_key(
            "monitoring-notifications-key",
            set_condition(
                CW_KEY_SID,
                {
                    "StringLike": {"aws:SourceAccount": "*"},
                    "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:*:*:alarm:*"},
                },
            ),
        ),
        "lets cloudwatch.amazonaws.com act for anyone",
    ),
    Mutation(
        "resource-policy-principals-scoped",
        "dev",
        "the alarm key's CloudWatch grant uses ...IfExists (requests without the key pass)",
        on_key(
            "monitoring-notifications-key",
            set_condition(CW_KEY_SID, {"StringEqualsIfExists": {"aws:SourceAccount": "123456789012"}}),
        ),
        "lets cloudwatch.amazonaws.com act for anyone",
    ),
    Mutation(
        "resource-policy-principals-scoped",
        "prod",
        "the logs key admits any account's log groups",
        on_key(
            "monitoring-logs-groups-key",
            set_condition(
                LOGS_KEY_SID, {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:*:*"}}
            ),
        ),
        "lets logs.eu-west-1.amazonaws.com act for anyone",
    ),
    Mutation(
        "resource-policy-principals-scoped",
        "dev",
        "anyone may subscribe to the alarm topic",
        on_topic_policy(
            append(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": "sns:Subscribe",
                    "Resource": "arn:aws:sns:us-east-1:123456789012:llm-monitor-dev-us-east-1-alarms",
                }
            )
        ),
        "every principal ('*')",
    ),
    # --- an alarm topic whose key keeps CloudWatch out: notifications silently dropped
    Mutation(
        "alarm-topic-key-allows-cloudwatch",
        "dev",
        "the alarm key loses its CloudWatch statement",
        on_key("monitoring-notifications-key", lambda d: drop(d, CW_KEY_SID)),
        "does not let cloudwatch.amazonaws.com use kms:Decrypt",
    ),
    Mutation(
        "alarm-topic-key-allows-cloudwatch",
        "prod",
        "CloudWatch may decrypt but not generate data keys",
        on_key(
            "monitoring-notifications-key", lambda d: statement(d, CW_KEY_SID).__setitem__("Action", ["kms:Decrypt"])
        ),
        "does not let cloudwatch.amazonaws.com use kms:GenerateDataKey",
    ),
    Mutation(
        "alarm-topic-key-allows-cloudwatch",
        "dev",
        "the key admits another stack's alarms only (a renamed prefix)",
        on_key(
            "monitoring-notifications-key",
            lambda d: statement(d, CW_KEY_SID)["Condition"]["ArnLike"].__setitem__(
                "aws:SourceArn", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:other-stack-*"
            ),
        ),
        "does not match, so its notifications would be dropped",
    ),
    Mutation(
        "alarm-topic-key-allows-cloudwatch",
        "prod",
        "the alarm topic is encrypted with the logs key",
        encrypt_topic_with_the_logs_key,
        "does not let cloudwatch.amazonaws.com use kms:Decrypt",
    ),
    # --- invocation logs without masking
    Mutation(
        "invocation-log-groups-masked",
        "dev",
        "the invocation group's data-protection policy is gone",
        remove_resource(pt.DATA_PROTECTION, "monitoring-logs-groups-invocations-data-protection"),
        "receives Bedrock invocation logs",
    ),
    Mutation(
        "invocation-log-groups-masked",
        "prod",
        "the policy audits one identifier more than it masks",
        on_masking("invocations", mask_fewer_than_audited),
        "both audits and masks the same identifiers",
    ),
    Mutation(
        "invocation-log-groups-masked",
        "prod",
        "the policy only audits",
        on_masking("invocations", lambda d: drop(d, "redact")),
        "both audits and masks the same identifiers",
    ),
    # --- IAM: inline policies, writes on every resource
    Mutation(
        "iam-no-inline-policies",
        "dev",
        "the logging role's permissions as an inline RolePolicy (the program before this rule)",
        inline_the_logging_policy,
        "an inline policy (RolePolicy)",
    ),
    Mutation(
        "iam-no-inline-policies",
        "prod",
        "the permissions embedded in the role",
        embed_in_role,
        "the role embeds 1 inline policy",
    ),
    Mutation(
        "iam-no-writes-on-every-resource",
        "dev",
        "the logging policy may write every log stream of the account",
        lambda resources: edit_policy(
            only(resources, pt.IAM_POLICY, "monitoring-logs-bedrock-policy"), "policy", widen_to_every_resource
        ),
        'allows logs:CreateLogStream, logs:PutLogEvents on every resource ("*")',
    ),
    Mutation(
        "iam-no-writes-on-every-resource",
        "prod",
        "the logging policy uses NotResource",
        lambda resources: edit_policy(
            only(resources, pt.IAM_POLICY, "monitoring-logs-bedrock-policy"), "policy", use_not_resource
        ),
        "NotResource",
    ),
]
#: The rules added for the hardening issue: each must be proven on real output.
HARDENING_RULES = {
    "kms-key-policy-own-account",
    "resource-policy-principals-scoped",
    "alarm-topic-key-allows-cloudwatch",
    "invocation-log-groups-masked",
    "iam-no-inline-policies",
    "iam-no-writes-on-every-resource",
}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: f"{m.policy}-{m.stack}-{m.what}")
def test_each_rule_fires_on_the_program_s_output_changed_one_way(
    mutation: Mutation, request: pytest.FixtureRequest
) -> None:
    run: Preview = request.getfixturevalue(mutation.stack)
    policy = BY_NAME[mutation.policy]
    assert violations(policy, run.resources) == []
    resources = copy.deepcopy(run.resources)
    mutation.change(resources)
    found = violations(policy, resources)
    assert any(mutation.message in f for f in found), found


def test_reading_every_resource_is_not_a_write(dev: Preview) -> None:
    resources = copy.deepcopy(dev.resources)

    def read_everything(document: dict[str, Any]) -> None:
        document["Statement"].append(
            {
                "Effect": "Allow",
                "Action": ["logs:Describe*", "logs:GetLogEvents", "logs:FilterLogEvents"],
                "Resource": "*",
            }
        )

    edit_policy(only(resources, pt.IAM_POLICY, "monitoring-logs-bedrock-policy"), "policy", read_everything)
    assert violations(BY_NAME["iam-no-writes-on-every-resource"], resources) == []


def test_every_policy_has_a_failing_case_and_the_hardening_rules_one_on_real_output() -> None:
    assert {c[0] for c in CASES} | {m.policy for m in MUTATIONS} == set(BY_NAME)
    assert {m.policy for m in MUTATIONS} == HARDENING_RULES


def test_the_large_data_policies_the_readme_prescribes_pass_the_scoping_rules() -> None:
    """Users write these by hand into their bucket's and key's policies: they must be as scoped as ours."""
    account, region = "123456789012", "eu-west-1"
    bucket = json.dumps(large_data_bucket_policy(region, account, "big-bodies", "llm"))
    (allow,) = json.loads(bucket)["Statement"]
    assert principal_scope_problems(pt.TOPIC_POLICY, {"policy": bucket}) == []  # same rules as a resource policy
    admin = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    key = {
        "policy": json.dumps({"Version": "2012-10-17", "Statement": [admin, large_data_key_statement(region, account)]})
    }
    assert principal_scope_problems(pt.KEY, key) == []
    assert key_account_problems(pt.KEY, key) == []
    # And the scoping rule would notice if they lost their conditions.
    assert principal_scope_problems(
        pt.TOPIC_POLICY, {"policy": json.dumps({"Statement": [{**allow, "Condition": {}}]})}
    )
