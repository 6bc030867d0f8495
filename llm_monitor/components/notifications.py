"""``llm-monitor:index:AlarmNotifications``: the encrypted SNS topic alarms publish to, and its subscriptions."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from llm_monitor.components._account import with_account
from llm_monitor.components._secrecy import Secrecy
from llm_monitor.notifications import NotificationPlan


@dataclass(frozen=True)
class AlarmNotificationsArgs:
    plan: NotificationPlan
    """From ``llm_monitor.notifications.build_notifications``."""
    account_id: pulumi.Input[str]
    """Replaces the account placeholder in the key and topic policies."""
    secrecy: Secrecy = field(default_factory=Secrecy)
    """Tags, and whether the endpoints are secrets (HTTPS endpoints always are)."""


class AlarmNotifications(pulumi.ComponentResource):
    """A customer-managed KMS key, the topic it encrypts, the topic policy and the subscriptions."""

    topic_arn: pulumi.Output[str]
    """The topic every alarm notifies."""
    key_arn: pulumi.Output[str]
    """The key that encrypts the topic."""

    def __init__(self, name: str, args: AlarmNotificationsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-monitor:index:AlarmNotifications", name, None, opts)
        plan = args.plan
        account = pulumi.Output.from_input(args.account_id)
        child, tags = pulumi.ResourceOptions(parent=self), args.secrecy.tags
        key = aws.kms.Key(
            f"{name}-key", **plan.key_inputs(), policy=with_account(plan.key_policy, account), tags=tags, opts=child
        )
        aws.kms.Alias(f"{name}-key-alias", name=plan.key_alias, target_key_id=key.key_id, opts=child)
        topic = aws.sns.Topic(f"{name}-topic", **plan.topic_inputs(), kms_master_key_id=key.arn, tags=tags, opts=child)
        aws.sns.TopicPolicy(
            f"{name}-topic-policy", arn=topic.arn, policy=with_account(plan.topic_policy, account), opts=child
        )
        for subscription in plan.subscriptions:
            aws.sns.TopicSubscription(
                f"{name}-{subscription.key}",
                topic=topic.arn,
                protocol=subscription.protocol,
                endpoint=pulumi.Output.secret(subscription.endpoint)
                if subscription.secret
                else args.secrecy.keep("notifications", subscription.endpoint),
                opts=child,
            )
        self.topic_arn = topic.arn
        self.key_arn = key.arn
        # Registering outputs marks the component complete and records them in the state.
        self.register_outputs({"topicArn": self.topic_arn, "keyArn": self.key_arn})
