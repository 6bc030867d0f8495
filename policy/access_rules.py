"""Who may use the stack's KMS keys and SNS topics, and what its IAM policies allow.

Plain check functions (see ``policies.py`` for the policy objects built from them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Any

from pack_types import (
    COMPOSITE_ALARM,
    IDENTITY_POLICIES,
    INLINE_POLICIES,
    KEY,
    KEY_ALIAS,
    KEY_POLICIES,
    KEY_POLICY,
    METRIC_ALARM,
    ROLE,
    TOPIC,
    TOPIC_POLICIES,
)
from policy_documents import (
    ACCOUNT_ID,
    actions,
    allows,
    arn_account,
    conditions,
    covers,
    document,
    everyone,
    is_account_root,
    many,
    principal_account,
    principals,
    restricting_values,
    statements,
)
from pulumi_policy import PolicyResource

Problems = list[str]

CLOUDWATCH = "cloudwatch.amazonaws.com"
#: What a service publishing to an encrypted topic needs of the topic's key (SNS developer guide,
#: "Key management": compatibility between event sources from AWS services and encrypted topics
#: grants ``kms:Decrypt`` and ``kms:GenerateDataKey*``; SNS calls GenerateDataKey).
PUBLISHER_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
#: Action names (after ``service:``) that only read. Anything else, and any wildcard that can match
#: something else, counts as a write: stricter than IAM's access levels on purpose (``logs:StartQuery``
#: is "Read" there and a write here), because a false alarm costs a look and a miss costs data.
READ_ONLY_VERBS = ("get", "list", "describe", "batchget", "view", "search", "lookup", "filter")
#: Actions that work only on ``Resource: "*"`` in IAM (Service Authorization Reference: no resource
#: types), so naming resources is impossible for them.
ACCOUNT_WIDE_ACTIONS = frozenset({"sts:getcalleridentity"})


# --- key policies: the account keeps control, no one else gets in ---------------------------------


def _is_admin_statement(statement: Mapping[str, Any]) -> bool:
    """KMS's default statement: the account root alone may do ``kms:*``, unconditionally
    (KMS developer guide, "Default key policy": it enables IAM policies and prevents lock-out)."""
    aws = principals(statement, "AWS")
    return (
        bool(aws)
        and all(is_account_root(p) for p in aws)
        and any(a in ("*", "kms:*") for a in actions(statement))
        and not list(conditions(statement))
        and "NotAction" not in statement
        and "NotPrincipal" not in statement
    )


def key_account_problems(resource_type: str, props: Mapping[str, Any]) -> Problems:
    """A key policy names its account's root as administrator and lets no other account, nor ``*``, in.

    A key with no policy gets KMS's default policy (the account root alone), which passes.
    """
    doc = document(props.get("policy")) if resource_type in KEY_POLICIES else {}
    if not statements(doc):
        return []
    problems = []
    admins = sorted(
        {principal_account(p) or p for s in allows(doc) if _is_admin_statement(s) for p in principals(s, "AWS")}
    )
    if not admins:
        problems.append(
            "no statement lets the account root (arn:aws:iam::<account>:root) do kms:* without conditions: "
            "the key can become unmanageable (KMS default key policy)"
        )
    elif len(admins) > 1:
        problems.append(f"the roots of several accounts administer the key ({', '.join(admins)}); keep the key's own")
    own = admins[0] if len(admins) == 1 else None
    for statement in allows(doc):
        if everyone(statement):
            problems.append("an Allow for every principal ('*'): name the principals")
            continue
        for principal in principals(statement, "AWS"):
            account = principal_account(principal)
            if own is not None and account is not None and account != own:
                problems.append(f"allows {principal}, of account {account}, outside the key's account {own}")
    return problems


# --- topic and key policies: every service principal is scoped --------------------------------------


def _concrete_arns(values: list[str]) -> bool:
    return bool(values) and all(ACCOUNT_ID.fullmatch(arn_account(v)) for v in values)


def _scoped(statement: Mapping[str, Any], services: list[str], *, key: bool) -> bool:
    """Restricted to concrete values: an account ID, an ARN naming its account, or (CloudWatch Logs on
    a key) the log groups' ARNs in the encryption context, as "Encrypt log data in CloudWatch Logs
    using AWS KMS" documents. A bare ``*`` or an ARN with a wildcard account does not count."""
    accounts = restricting_values(statement, "aws:SourceAccount")
    if any(values and all(ACCOUNT_ID.fullmatch(v) for v in values) for values in accounts):
        return True
    if any(_concrete_arns(values) for values in restricting_values(statement, "aws:SourceArn")):
        return True
    if key and all(s.startswith("logs.") for s in services):
        context = restricting_values(statement, "kms:EncryptionContext:aws:logs:arn")
        return any(_concrete_arns(values) for values in context)
    return False


def principal_scope_problems(resource_type: str, props: Mapping[str, Any]) -> Problems:
    """In a topic or key policy, no Allow for ``*`` and no service principal without a scoping condition."""
    if resource_type not in (*KEY_POLICIES, *TOPIC_POLICIES):
        return []
    doc = document(props.get("policy"))
    problems = []
    key = resource_type in KEY_POLICIES
    for statement in allows(doc):
        if everyone(statement):
            problems.append("an Allow for every principal ('*'): name the principals")
        services = principals(statement, "Service")
        if services and not _scoped(statement, services, key=key):
            extra = " (or, for CloudWatch Logs, kms:EncryptionContext:aws:logs:arn)" if key else ""
            problems.append(
                f"lets {', '.join(services)} act for anyone: add a StringEquals aws:SourceAccount or ArnLike "
                f"aws:SourceArn condition with concrete values{extra} (confused deputy)"
            )
    return problems


# --- an alarm topic's key lets CloudWatch in -----------------------------------------------------------


def _notifies(alarm: PolicyResource, topic: PolicyResource) -> bool:
    fields = ("alarmActions", "okActions", "insufficientDataActions")
    if any(topic in alarm.property_dependencies.get(f, []) for f in fields):
        return True
    arn = topic.props.get("arn")
    if arn is not None and any(arn in many(alarm.props.get(f)) for f in fields):
        return True
    return topic in alarm.dependencies


def _key_of(topic: PolicyResource, resources: list[PolicyResource]) -> PolicyResource | None:
    """The stack's key that encrypts ``topic`` (by dependency, ARN, key ID or alias); None if not in the stack."""
    ref = topic.props.get("kmsMasterKeyId")
    keys = [r for r in resources if r.resource_type == KEY]
    depended = [
        k for k in keys if k in topic.property_dependencies.get("kmsMasterKeyId", []) or k in topic.dependencies
    ]
    if len(depended) == 1:
        return depended[0]
    for key in keys:
        if ref is not None and ref in (key.props.get("arn"), key.props.get("keyId")):
            return key
    for alias in (r for r in resources if r.resource_type == KEY_ALIAS and r.props.get("name") == ref):
        target = alias.props.get("targetKeyId")
        for key in keys:
            if key in alias.dependencies or target in (key.props.get("arn"), key.props.get("keyId")):
                return key
    return None


def _admits(statement: Mapping[str, Any], alarm_name: str) -> bool:
    """The statement's aws:SourceArn patterns (if any) match the alarm's ARN resource part."""
    patterns = [v for values in restricting_values(statement, "aws:SourceArn") for v in values]
    resources = [p.split(":", 5)[5] for p in patterns if p.count(":") >= 5]
    return not patterns or any(fnmatchcase(f"alarm:{alarm_name}", r) for r in resources)


def cloudwatch_key_problems(docs: list[Mapping[str, Any]], alarm_names: list[str]) -> Problems:
    """The key policy lets CloudWatch use the key for these alarms (missing: notifications silently fail)."""
    grants = [s for doc in docs for s in allows(doc) if CLOUDWATCH in principals(s, "Service")]
    denials = [
        s
        for doc in docs
        for s in statements(doc)
        if s.get("Effect") == "Deny"
        and not list(conditions(s))
        and (everyone(s) or CLOUDWATCH in principals(s, "Service"))
    ]
    problems = []
    for action in PUBLISHER_KEY_ACTIONS:
        granting = [s for s in grants if covers(actions(s), action)]
        if not granting or any(covers(actions(s), action) for s in denials):
            problems.append(
                f"the key policy does not let {CLOUDWATCH} use {action}: the alarms' notifications to this topic "
                "would be dropped without an error"
            )
            continue
        for name in alarm_names:
            if not any(_admits(s, name) for s in granting):
                arns = sorted(
                    {v for s in granting for values in restricting_values(s, "aws:SourceArn") for v in values}
                )
                problems.append(
                    f"the key lets {CLOUDWATCH} use {action} only for aws:SourceArn {', '.join(arns)}; "
                    f"alarm {name!r} does not match, so its notifications would be dropped"
                )
    return problems


def alarm_topic_keys(resources: Iterable[PolicyResource]) -> list[tuple[str, str]]:
    """(urn, message) for each encrypted topic that alarms notify whose key (in the stack) keeps CloudWatch out."""
    resources = list(resources)
    alarms = [r for r in resources if r.resource_type in (METRIC_ALARM, COMPOSITE_ALARM)]
    found = []
    for topic in (r for r in resources if r.resource_type == TOPIC):
        users = [a for a in alarms if _notifies(a, topic)]
        if not users or not topic.props.get("kmsMasterKeyId"):
            continue  # unencrypted topics: the sns-topic-customer-managed-key policy reports them
        key = _key_of(topic, resources)
        if key is None:
            continue  # a key outside the stack: its policy is not visible here
        docs = [document(key.props.get("policy"))]
        docs += [
            document(p.props.get("policy"))
            for p in resources
            if p.resource_type == KEY_POLICY
            and (key in p.dependencies or p.props.get("keyId") == key.props.get("keyId"))
        ]
        if not any(statements(d) for d in docs):
            docs = []  # KMS's default policy: the account root only
        names = [str(n) for n in (a.props.get("alarmName") or a.props.get("name") for a in users) if n]
        found += [(topic.urn, message) for message in cloudwatch_key_problems(docs, names)]
    return found


# --- IAM: managed policies only, no writes on every resource ------------------------------------------


def inline_policy_problems(resource_type: str, props: Mapping[str, Any]) -> Problems:
    """No inline identity policy (cdk-nag NIST 800-53 rule IAMNoInlinePolicy): attach a managed one."""
    advice = "use an aws.iam.Policy attached with aws.iam.RolePolicyAttachment (or the user/group equivalent)"
    if resource_type in INLINE_POLICIES:
        return [f"an inline policy ({resource_type.rsplit(':', 1)[-1]}): {advice}"]
    if resource_type == ROLE:
        inline = [p for p in many(props.get("inlinePolicies")) if isinstance(p, Mapping) and p.get("policy")]
        if inline:
            return [f"the role embeds {len(inline)} inline polic{'y' if len(inline) == 1 else 'ies'}: {advice}"]
    return []


def _read_only(action: str) -> bool:
    service, _, name = action.lower().partition(":")
    if action.lower() in ACCOUNT_WIDE_ACTIONS:
        return True
    return bool(service) and name.startswith(READ_ONLY_VERBS)


def write_on_any_resource_problems(resource_type: str, props: Mapping[str, Any]) -> Problems:
    """No identity policy allows a write action on ``Resource: "*"`` (or with ``NotResource``)."""
    docs: list[tuple[str, Mapping[str, Any]]] = []
    if resource_type in IDENTITY_POLICIES:
        docs.append(("policy", document(props.get("policy"))))
    if resource_type == ROLE:
        for index, inline in enumerate(many(props.get("inlinePolicies"))):
            if isinstance(inline, Mapping):
                docs.append((f"inlinePolicies[{index}]", document(inline.get("policy"))))
    problems = []
    for where, doc in docs:
        for statement in allows(doc):
            if "NotResource" in statement:
                problems.append(f"{where}: an Allow with NotResource applies to every resource but those listed")
                continue
            if "*" not in [str(r) for r in many(statement.get("Resource"))]:
                continue
            writes = [a for a in actions(statement) if not _read_only(a)]
            if writes:
                problems.append(f'{where}: allows {", ".join(writes)} on every resource ("*"); name the resources')
    return problems
