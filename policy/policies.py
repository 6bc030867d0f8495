"""The llm-monitor CrossGuard policies: plain check functions, and the policy objects built from them.

The checks of key, topic and IAM access live in ``access_rules.py``, those of the invocation log
groups in ``logging_rules.py``; ``policy_documents.py`` reads policy documents, ``pack_types.py``
names the resource types. The modules import each other by bare name, as the pack runs them.

Each check returns the problems it finds as messages (empty when the resource is fine), so that
tests can call it directly; the policy objects only report those messages. Properties are the
engine's camelCase inputs. During ``pulumi preview`` some are unknown (an ARN of a resource not
created yet); reading one raises ``UnknownValueError``, which CrossGuard turns into "can't run
during preview" and the check runs again on ``pulumi up``.

Values are Mappings and Sequences (CrossGuard wraps them in proxies), never assumed to be dict
or list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from access_rules import (
    alarm_topic_keys,
    inline_policy_problems,
    key_account_problems,
    principal_scope_problems,
    write_on_any_resource_problems,
)
from logging_rules import invocation_log_groups_masked, invocation_log_groups_protected
from pack_types import (
    COMPOSITE_ALARM,
    IAM_POLICY,
    KEY,
    KEY_POLICY,
    LOG_GROUP,
    METRIC_ALARM,
    ROLE,
    ROLE_POLICY,
    TOPIC,
    TOPIC_POLICY,
)
from policy_documents import condition_keys, document, is_account_root, many, principals, statements
from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

#: Services where "<service>:*" (or "*") hands over control of data, keys, identities or alerting.
SENSITIVE_SERVICES = (
    "bedrock",
    "cloudwatch",
    "iam",
    "kms",
    "logs",
    "organizations",
    "s3",
    "secretsmanager",
    "sns",
    "ssm",
    "sts",
)
#: Global condition keys that stop a service acting on behalf of another account (confused deputy).
CONFUSED_DEPUTY_KEYS = ("aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths")

Problems = list[str]


# --- resource checks --------------------------------------------------------------------------------


def _aws_managed(key: str, alias: str) -> bool:
    return key == alias or key.endswith(f":{alias}")


def log_group_encryption(props: Mapping[str, Any]) -> Problems:
    """Encrypted with a customer-managed KMS key."""
    key = props.get("kmsKeyId")
    if not key:
        return ["kmsKeyId is not set: encrypt the log group with a customer-managed KMS key (with rotation)"]
    if str(key).startswith("alias/aws/") or ":alias/aws/" in str(key):
        return [f"kmsKeyId {key!r} is an AWS-managed key; use a customer-managed key"]
    return []


def log_group_retention(props: Mapping[str, Any]) -> Problems:
    """Events expire: retentionInDays is set and not 0 (0 means never expire)."""
    if not props.get("retentionInDays"):
        return ["retentionInDays is not set (or 0): log events never expire; set a retention period"]
    return []


def topic_encryption(props: Mapping[str, Any]) -> Problems:
    """Encrypted with a customer-managed key: CloudWatch cannot publish to a topic under alias/aws/sns."""
    key = props.get("kmsMasterKeyId")
    if not key:
        return ["kmsMasterKeyId is not set: encrypt the topic with a customer-managed KMS key"]
    if _aws_managed(str(key), "alias/aws/sns"):
        return [
            "kmsMasterKeyId is the AWS-managed alias/aws/sns: its key policy cannot grant cloudwatch.amazonaws.com, "
            "so alarm notifications would be dropped; use a customer-managed key"
        ]
    return []


def alarm_actions(props: Mapping[str, Any]) -> Problems:
    """Someone is told when the alarm fires."""
    problems = []
    if props.get("actionsEnabled") is False:
        problems.append("actionsEnabled is false: the alarm changes state silently")
    if not many(props.get("alarmActions")):
        problems.append("alarmActions is empty: nobody is notified when the alarm fires")
    return problems


def alarms_notify(resources: Iterable[PolicyResource]) -> list[tuple[str, str]]:
    """(urn, message) for each alarm that changes state without telling anyone.

    One exception: an alarm named in the rule of a composite alarm that notifies (a child of a
    roll-up, which is how llm-monitor pages once per incident) may stay silent, because the
    roll-up speaks for it; notifying for both would send two messages for one incident.
    """
    resources = list(resources)
    rules = [
        str(r.props.get("alarmRule", ""))
        for r in resources
        if r.resource_type == COMPOSITE_ALARM and not alarm_actions(r.props)
    ]
    problems = []
    for alarm in (r for r in resources if r.resource_type in (METRIC_ALARM, COMPOSITE_ALARM)):
        messages = alarm_actions(alarm.props)
        name = str(alarm.props.get("alarmName") or alarm.props.get("name") or "")
        referenced = re.compile(rf'ALARM\(\s*"?{re.escape(name)}"?\s*\)')
        if name and any(referenced.search(rule) for rule in rules):
            messages = [m for m in messages if not m.startswith("alarmActions is empty")]
        problems += [(alarm.urn, message) for message in messages]
    return problems


def confused_deputy(props: Mapping[str, Any]) -> Problems:
    """A role that an AWS service assumes names the account or resource it acts for."""
    problems = []
    for statement in statements(document(props.get("assumeRolePolicy"))):
        services = principals(statement, "Service")
        if statement.get("Effect") != "Allow" or not services:
            continue
        if not condition_keys(statement) & set(CONFUSED_DEPUTY_KEYS):
            problems.append(
                f"trust policy lets {', '.join(services)} assume the role without an aws:SourceAccount or "
                "aws:SourceArn condition (confused deputy)"
            )
    return problems


def _policy_documents(resource_type: str, props: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if resource_type in (ROLE_POLICY, IAM_POLICY, KEY, KEY_POLICY, TOPIC, TOPIC_POLICY):
        yield "policy", document(props.get("policy"))
    if resource_type == ROLE:
        for index, inline in enumerate(many(props.get("inlinePolicies"))):
            if isinstance(inline, Mapping):
                yield f"inlinePolicies[{index}]", document(inline.get("policy"))


def _wildcard(action: str) -> bool:
    action = action.lower()
    return action == "*" or any(fnmatchcase(f"{service}:*", action) for service in SENSITIVE_SERVICES)


def wildcard_actions(resource_type: str, props: Mapping[str, Any]) -> Problems:
    """No Allow of every action ("*", "kms:*", ...) on a sensitive service, and no Allow with NotAction.

    Exception: a key policy's statement for the account root alone. That is KMS's default key
    policy; without it the key can become unmanageable, and IAM policies still decide who may use it.
    """
    problems = []
    for where, doc in _policy_documents(resource_type, props):
        for statement in statements(doc):
            if statement.get("Effect") != "Allow":
                continue
            accounts = principals(statement, "AWS")
            is_key_policy = resource_type in (KEY, KEY_POLICY)
            if is_key_policy and accounts and all(is_account_root(p) for p in accounts):
                continue
            if "NotAction" in statement:
                problems.append(f"{where}: an Allow with NotAction grants everything not listed")
            wild = [a for a in many(statement.get("Action")) if _wildcard(str(a))]
            if wild:
                problems.append(f"{where}: allows {', '.join(map(str, wild))}; list the actions needed instead")
    return problems


def key_rotation(props: Mapping[str, Any]) -> Problems:
    """Customer-managed keys rotate their key material."""
    if props.get("enableKeyRotation") is not True:
        return ["enableKeyRotation is not true: turn on automatic rotation of the key material"]
    return []


# --- stack checks ---------------------------------------------------------------------------------------


def _linked(resource: PolicyResource, target: PolicyResource, prop: str, value: Any) -> bool:
    """``resource`` points at ``target`` through input ``prop`` (by dependency, or by equal value)."""
    if target in resource.property_dependencies.get(prop, []) or target in resource.dependencies:
        return True
    return value is not None and value == resource.props.get(prop)


def _denies_insecure_transport(doc: Mapping[str, Any], action: str) -> bool:
    for statement in statements(doc):
        condition = statement.get("Condition")
        if statement.get("Effect") != "Deny" or not isinstance(condition, Mapping):
            continue
        everyone = statement.get("Principal") == "*" or "*" in principals(statement, "AWS")
        covers = any(fnmatchcase(action.lower(), str(a).lower()) for a in many(statement.get("Action")))
        insecure = any(
            str(key).lower() == "aws:securetransport" and str(value).lower() == "false"
            for operator, block in condition.items()
            if str(operator) in ("Bool", "BoolIfExists") and isinstance(block, Mapping)
            for key, value in block.items()
        )
        if everyone and covers and insecure:
            return True
    return False


def topics_tls_only(resources: Iterable[PolicyResource]) -> list[tuple[str, str]]:
    """(urn, message) for each topic no policy denies sns:Publish over plain HTTP."""
    resources = list(resources)
    policies = [r for r in resources if r.resource_type == TOPIC_POLICY]
    problems = []
    for topic in (r for r in resources if r.resource_type == TOPIC):
        docs = [document(topic.props.get("policy"))]
        docs += [document(p.props.get("policy")) for p in policies if _linked(p, topic, "arn", topic.props.get("arn"))]
        if not any(_denies_insecure_transport(doc, "sns:Publish") for doc in docs):
            problems.append(
                (
                    topic.urn,
                    "no topic policy denies sns:Publish when aws:SecureTransport is false; add a Deny for "
                    "Principal * with that condition",
                )
            )
    return problems


# --- the policies ---------------------------------------------------------------------------------------


def _for_types(types: tuple[str, ...], check: Callable[[Mapping[str, Any]], Problems]) -> Any:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type in types:
            for message in check(args.props):
                report(message, None)

    return validate


def _by_type(check: Callable[[str, Mapping[str, Any]], Problems]) -> Any:
    """A check that decides itself which resource types it governs."""

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        for message in check(args.resource_type, args.props):
            report(message, None)

    return validate


def _stack(check: Callable[[Iterable[PolicyResource]], list[tuple[str, str]]]) -> Any:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        for urn, message in check(args.resources):
            report(message, urn)

    return validate


MANDATORY = EnforcementLevel.MANDATORY

POLICIES: list[ResourceValidationPolicy | StackValidationPolicy] = [
    ResourceValidationPolicy(
        name="log-group-customer-managed-key",
        description="CloudWatch log groups are encrypted with a customer-managed KMS key.",
        validate=_for_types((LOG_GROUP,), log_group_encryption),
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="log-group-retention",
        description="CloudWatch log groups have a retention period (events do not live forever).",
        validate=_for_types((LOG_GROUP,), log_group_retention),
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="sns-topic-customer-managed-key",
        description="SNS topics are encrypted with a customer-managed KMS key (not alias/aws/sns).",
        validate=_for_types((TOPIC,), topic_encryption),
        enforcement_level=MANDATORY,
    ),
    StackValidationPolicy(
        name="sns-topic-tls-only",
        description="Every SNS topic's policy denies sns:Publish without TLS (aws:SecureTransport false).",
        validate=_stack(topics_tls_only),
        enforcement_level=MANDATORY,
    ),
    StackValidationPolicy(
        name="alarm-has-actions",
        description="Every CloudWatch alarm has alarm actions and actions enabled (a roll-up speaks for its children).",
        validate=_stack(alarms_notify),
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="service-role-confused-deputy",
        description="Roles assumed by AWS services carry aws:SourceAccount or aws:SourceArn conditions.",
        validate=_for_types((ROLE,), confused_deputy),
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="no-wildcard-actions-on-sensitive-services",
        description="IAM, key and topic policies allow no '*' or '<service>:*' on sensitive services, nor NotAction.",
        validate=_by_type(wildcard_actions),
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="kms-key-rotation",
        description="Customer-managed KMS keys rotate their key material.",
        validate=_for_types((KEY,), key_rotation),
        enforcement_level=MANDATORY,
    ),
    StackValidationPolicy(
        name="invocation-log-groups-protected",
        description="Log groups receiving Bedrock invocation logs are protected from deletion.",
        validate=_stack(invocation_log_groups_protected),
        enforcement_level=MANDATORY,
    ),
    StackValidationPolicy(
        name="invocation-log-groups-masked",
        description="Log groups receiving Bedrock invocation logs have a data-protection policy that audits and masks.",
        validate=_stack(invocation_log_groups_masked),
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="kms-key-policy-own-account",
        description="Key policies keep the account root as administrator and let no other account, nor '*', in.",
        validate=_by_type(key_account_problems),
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="resource-policy-principals-scoped",
        description="Topic and key policies allow no '*', and each service principal only under concrete "
        "aws:SourceAccount / aws:SourceArn (or, for CloudWatch Logs on a key, encryption-context) conditions.",
        validate=_by_type(principal_scope_problems),
        enforcement_level=MANDATORY,
    ),
    StackValidationPolicy(
        name="alarm-topic-key-allows-cloudwatch",
        description="The key of an encrypted topic that alarms notify lets cloudwatch.amazonaws.com use it "
        "(kms:Decrypt, kms:GenerateDataKey) for those alarms.",
        validate=_stack(alarm_topic_keys),
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="iam-no-inline-policies",
        description="No inline IAM policies: managed policies attached to the principal (cdk-nag IAMNoInlinePolicy).",
        validate=_by_type(inline_policy_problems),
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="iam-no-writes-on-every-resource",
        description='IAM identity policies allow no write action on Resource "*" (nor use NotResource).',
        validate=_by_type(write_on_any_resource_problems),
        enforcement_level=MANDATORY,
    ),
]
