"""The alarm topic: its KMS key, policies and subscriptions, as data (pure; no Pulumi imports).

Why a customer-managed key: CloudWatch can publish to an encrypted topic only if the key policy
lets ``cloudwatch.amazonaws.com`` use the key, and the policy of the AWS-managed ``alias/aws/sns``
key cannot be changed, so alarms sent to such a topic are dropped (SNS developer guide,
"Compatibility between event sources from AWS services and encrypted topics").

Who may publish: only CloudWatch, on behalf of this stack's alarms in this account
(``aws:SourceAccount`` and ``aws:SourceArn``, the confused-deputy conditions AWS recommends);
anyone else's ``sns:Publish`` is denied outright, and so is every request without TLS.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from llm_monitor.alarms import AlarmPlan
from llm_monitor.alarms.stack import alarm_topic_name
from llm_monitor.aws import ACCOUNT_ID_TOKEN, arn
from llm_monitor.config import Settings
from llm_monitor.iam import (
    KEY_DELETION_WINDOW_DAYS,
    Statement,
    deny_insecure_transport,
    key_admin_statement,
    policy_document,
    to_json,
)

CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com"
#: What a publisher to an encrypted topic needs of its key (SNS developer guide, key management).
PUBLISHER_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"]
MAX_TOPIC_NAME = 256
MAX_DISPLAY_NAME = 100


@dataclass(frozen=True)
class Subscription:
    """One endpoint of the alarm topic."""

    key: str
    """Unique in the stack; derived from a hash of the endpoint, so no address or URL is in a URN."""
    protocol: str
    endpoint: str
    secret: bool
    """HTTPS URLs often carry a token; they are stored as Pulumi secrets."""


@dataclass(frozen=True)
class NotificationPlan:
    """Everything the notifications component creates, with the account as ``ACCOUNT_ID_TOKEN``."""

    topic_name: str
    display_name: str
    key_alias: str
    key_description: str
    key_policy: str
    topic_policy: str
    subscriptions: tuple[Subscription, ...]

    def key_inputs(self) -> dict[str, Any]:
        """Arguments of ``aws.kms.Key`` other than the policy."""
        return {
            "description": self.key_description,
            "enable_key_rotation": True,
            "deletion_window_in_days": KEY_DELETION_WINDOW_DAYS,
        }

    def topic_inputs(self) -> dict[str, Any]:
        """Arguments of ``aws.sns.Topic`` other than the key."""
        # Signature version 2 signs HTTPS deliveries with SHA256 instead of SHA1.
        return {"name": self.topic_name, "display_name": self.display_name, "signature_version": 2}


def build_notifications(settings: Settings, alarms: AlarmPlan) -> NotificationPlan:
    """The topic for ``alarms``, its key and policies, and the configured subscriptions."""
    topic_name = alarm_topic_name(alarms.prefix)
    if len(topic_name) > MAX_TOPIC_NAME:
        raise ValueError(f"topic name {topic_name!r} is longer than {MAX_TOPIC_NAME} characters")
    topic_arn = arn(settings.region, "sns", ACCOUNT_ID_TOKEN, topic_name)
    endpoints = settings.notifications
    subscriptions = [Subscription(f"email-{_digest(e.lower())}", "email", e, False) for e in endpoints.emails]
    subscriptions += [Subscription(f"https-{_digest(u)}", "https", u, True) for u in endpoints.https_endpoints]
    return NotificationPlan(
        topic_name=topic_name,
        display_name=f"Bedrock alarms {alarms.prefix}"[:MAX_DISPLAY_NAME],
        key_alias=f"alias/{topic_name}",
        key_description=f"Encrypts the SNS topic {topic_name} (Bedrock alarm notifications)",
        key_policy=to_json(key_policy(settings.region, ACCOUNT_ID_TOKEN, alarms.source_arn_pattern)),
        topic_policy=to_json(topic_policy(ACCOUNT_ID_TOKEN, topic_arn, alarms.source_arn_pattern)),
        subscriptions=tuple(subscriptions),
    )


def _from_alarms(account: str, source_arn_pattern: str) -> dict[str, Any]:
    """The confused-deputy conditions: requests CloudWatch makes for this stack's alarms in ``account``."""
    return {"StringEquals": {"aws:SourceAccount": account}, "ArnLike": {"aws:SourceArn": source_arn_pattern}}


def key_policy(region: str, account: str, source_arn_pattern: str) -> dict[str, Any]:
    """The topic key: the account administers it; CloudWatch may use it only for this stack's alarms."""
    cloudwatch: Statement = {
        "Sid": "AllowCloudWatchAlarmsToPublishEncrypted",
        "Effect": "Allow",
        "Principal": {"Service": CLOUDWATCH_PRINCIPAL},
        "Action": PUBLISHER_KEY_ACTIONS,
        "Resource": "*",
        "Condition": _from_alarms(account, source_arn_pattern),
    }
    return policy_document(key_admin_statement(region, account), cloudwatch)


def topic_policy(account: str, topic_arn: str, source_arn_pattern: str) -> dict[str, Any]:
    """Only this stack's alarms (through CloudWatch, in this account) may publish; TLS only."""
    allow: Statement = {
        "Sid": "AllowCloudWatchAlarmsToPublish",
        "Effect": "Allow",
        "Principal": {"Service": CLOUDWATCH_PRINCIPAL},
        "Action": "sns:Publish",
        "Resource": topic_arn,
        "Condition": _from_alarms(account, source_arn_pattern),
    }
    # Without this, IAM users and roles of the account whose own policies allow sns:Publish could
    # publish too. Requests without aws:SourceAccount (any direct caller) or from another account
    # are refused; CloudWatch's requests carry this account, which the Allow above needs anyway.
    deny_others: Statement = {
        "Sid": "DenyPublishExceptThisAccountsServices",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sns:Publish",
        "Resource": topic_arn,
        "Condition": {"StringNotEquals": {"aws:SourceAccount": account}},
    }
    return policy_document(allow, deny_others, deny_insecure_transport("sns:*", topic_arn))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]
